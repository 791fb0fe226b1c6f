"""Reads of the reports app: the templates in force (shipped files and
administrators' edits), the catalog a template is checked against, and the
unit a report is asked for."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, can
from vandong.geo.models import LEGACY_END, REFORM_DATE, Unit
from vandong.reports import spec as specs
from vandong.reports.errors import invalid, not_found
from vandong.reports.figures import Scope
from vandong.reports.models import ReportTemplate

SHIPPED_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_TEMPLATE = "ket-qua-cuoc-van-dong"


@dataclass(frozen=True)
class TemplateInfo:
    code: str
    version: int
    name: str
    origin: (
        str  # "shipped" (the file), "stored" (loaded), "edited" (an administrator's)
    )
    text: str


@lru_cache(maxsize=8)
def _shipped_file(path: Path, mtime: float) -> TemplateInfo | None:
    text = path.read_text(encoding="utf-8")
    try:
        spec = specs.parse(text)
    except specs.TemplateError:
        return None
    return TemplateInfo(spec.code, spec.version, spec.name, "shipped", text)


def shipped_templates() -> dict[str, TemplateInfo]:
    found: dict[str, TemplateInfo] = {}
    for path in sorted(SHIPPED_DIR.glob("*.txt")):
        info = _shipped_file(path, path.stat().st_mtime)
        if info is not None:
            found[info.code] = info
    return found


def template_list() -> list[TemplateInfo]:
    """The templates in force: a stored one wins over the shipped file of
    the same code unless the file has a higher version."""
    result = shipped_templates()
    for stored in ReportTemplate.objects.all():
        shipped = result.get(stored.code)
        if shipped is None or stored.version >= shipped.version:
            result[stored.code] = TemplateInfo(
                stored.code,
                stored.version,
                stored.name,
                "edited" if stored.edited else "stored",
                stored.text,
            )
    return sorted(result.values(), key=lambda t: t.code)


def template_info(code: str) -> TemplateInfo:
    for info in template_list():
        if info.code == code:
            return info
    raise not_found(f"Không có mẫu báo cáo “{code}”.", f"No report template '{code}'.")


def catalog() -> specs.Catalog:
    """Codes a template may name: indicators and numeric data elements."""
    from vandong.analytics.models import Indicator
    from vandong.catalog.models import DataElement, ValueType

    indicators = set(
        Indicator.objects.filter(is_active=True).values_list("code", flat=True)
    )
    elements = set(
        DataElement.objects.exclude(value_type=ValueType.TEXT).values_list(
            "code", flat=True
        )
    )
    return specs.Catalog(
        measures=lambda code: code in indicators or code in elements,
        indicators=lambda code: code in indicators,
    )


def template_spec(code: str) -> specs.ReportSpec:
    """The template in force, read and checked (TemplateError if it no longer
    fits the catalog)."""
    return specs.read(template_info(code).text, catalog())


# --- units and scopes --------------------------------------------------------------


def _fold(text: str) -> str:
    from vandong.core.text import fold

    return fold(text)


def unit_find(text: str, *, level: int | None = None, tree: str = "legacy") -> Unit:
    """A unit by GSO code or by name ("Lai Châu", "Tỉnh Lai Châu"), as it
    exists in `tree` (legacy: on 30/6/2025; current: from 1/7/2025)."""
    day = LEGACY_END if tree == "legacy" else REFORM_DATE
    text = text.strip()
    query = Unit.objects.valid_on(day)
    if level is not None:
        query = query.filter(level=level)
    by_code = list(query.filter(code=text))
    if by_code:
        return by_code[0]
    wanted = _fold(text)
    found = [
        u
        for u in query.filter(name_key__contains=wanted)
        if wanted in (_fold(u.name), _fold(u.short_name or ""))
        or _fold(u.name).endswith(" " + wanted)
    ]
    if len(found) == 1:
        return found[0]
    if not found:
        raise invalid(
            "unit",
            f"Không tìm thấy đơn vị “{text}”.",
            f"No unit named '{text}'.",
        )
    raise invalid(
        "unit",
        f"“{text}” ứng với nhiều đơn vị: "
        + ", ".join(f"{u.name} ({u.code})" for u in found)
        + "; ghi mã đơn vị.",
        f"'{text}' names several units; give the code.",
    )


MAX_PHASE_YEARS = 10


def phase_bounds(text: str) -> tuple[int, int]:
    """ "2016-2020" -> (2016, 2020); "2020" -> (2020, 2020)."""
    text = text.strip()
    try:
        if "-" in text:
            first, last = (int(p) for p in text.split("-"))
        else:
            first = last = int(text)
    except ValueError:
        first = last = 0
    # A phase is five years; ten at most, so that a figure's breakdown by
    # year stays a page and a few queries.
    if not (2000 <= first <= last <= 2100 and last - first < MAX_PHASE_YEARS):
        raise invalid(
            "phase",
            f"Giai đoạn “{text}” không hợp lệ: ghi 2016-2020 hoặc một năm "
            f"(tối đa {MAX_PHASE_YEARS} năm).",
            f"Phase '{text}' is not valid: write 2016-2020 or a year "
            f"(at most {MAX_PHASE_YEARS} years).",
        )
    return first, last


def default_tree(end: int) -> str:
    """As reported before the reform; on the current units from 2025."""
    return "legacy" if end < REFORM_DATE.year else "current"


def scope_for(
    *, actor: Actor, unit: Unit | None, phase: str, tree: str | None = None
) -> Scope:
    """The scope of a report the actor asks for (None: the system)."""
    start, end = phase_bounds(phase)
    if actor is not None and not can(actor=actor, action=Action.VIEW, unit=unit):
        raise not_found(
            "Không có đơn vị này trong phạm vi của bạn.",
            "This unit is outside your scope.",
        )
    return Scope(
        unit=unit, tree=tree or default_tree(end), start=start, end=end, actor=actor
    )
