"""The pivot: indicators × the units of a level below a unit × periods, as
tables and charts, exported to XLSX and CSV."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vandong.analytics import charts, pivot, queries
from vandong.analytics.views.common import (
    CURRENT,
    LEGACY,
    HtmxHttpRequest,
    child_level,
    pivot_units,
    render_page,
    tree_param,
)
from vandong.analytics.views.figures import plotly_context
from vandong.analytics.views.groups import group_label
from vandong.core.text import is_digits
from vandong.geo.models import Level, Unit
from vandong.registries.common.pages import xlsx_response

if TYPE_CHECKING:
    from vandong.analytics.queries import IndicatorInfo

MAX_INDICATORS = 12
# The page shows this many units per indicator; the exports hold them all.
MAX_TABLE_UNITS = 300
PHASES = ("2016-2020", "2021-2025", "2026-2030")
DEFAULT_YEARS = 5
# Shown before any choice: figures that mean something at every level.
DEFAULT_INDICATORS = ("CULTURAL_FAMILY_SHARE", "CONTRIBUTIONS_VND")


@dataclass
class Choice:
    value: str
    label: str
    selected: bool


@dataclass
class PivotQuery:
    """What the reader asked for, checked: known indicators, a unit they may
    see, a level below it, periods the store can answer."""

    tree: str
    indicators: list["IndicatorInfo"]
    unit: Unit | None
    level: int | None
    periods: list[str]
    errors: list[str]
    submitted: bool

    def querystring(self) -> str:
        pairs: list[tuple[str, str]] = [("tree", self.tree)]
        pairs += [("ind", i.code) for i in self.indicators]
        if self.unit is not None:
            pairs.append(("unit", self.unit.code))
        pairs.append(("level", "" if self.level is None else str(self.level)))
        pairs += [("period", p) for p in self.periods]
        return urlencode(pairs)


def _level_names() -> dict[int, str]:
    return {
        Level.PROVINCE: _("Provinces"),
        Level.DISTRICT: _("Districts"),
        Level.COMMUNE: _("Communes, wards and townships"),
        Level.VILLAGE: _("Villages and residential groups"),
    }


def _read_query(request: HtmxHttpRequest, units: list[Unit]) -> PivotQuery:
    get = request.GET
    tree = tree_param(request, CURRENT)
    errors: list[str] = []
    known = {i.code: i for i in queries.indicators(include_elements=True)}
    asked = [c for c in get.getlist("ind") if c]
    indicators = [known[c] for c in dict.fromkeys(asked) if c in known]
    if len(asked) > len(indicators):
        errors.append(_("Some indicators asked for are unknown and were left out."))
    if len(indicators) > MAX_INDICATORS:
        errors.append(
            _("At most %(n)s indicators at a time: the first ones are shown.")
            % {"n": MAX_INDICATORS}
        )
        indicators = indicators[:MAX_INDICATORS]
    if not asked:
        indicators = [known[c] for c in DEFAULT_INDICATORS if c in known]
    by_code = {u.code: u for u in units}
    unit = by_code.get(get.get("unit", "")) or (units[0] if units else None)
    if get.get("unit") and get.get("unit") not in by_code:
        errors.append(_("That unit is not open to you on this tree."))
    years = queries.years()
    level = _level(get.get("level"), unit, tree, years)
    periods = _periods(get.getlist("period"), years, errors)
    return PivotQuery(
        tree=tree,
        indicators=indicators,
        unit=unit,
        level=level,
        periods=periods,
        errors=errors,
        submitted=bool(asked),
    )


def _level(
    raw: str | None, unit: Unit | None, tree: str, years: list[int]
) -> int | None:
    if unit is None:
        return None
    if raw is None:
        # By default the units just below a province or district; a
        # commune's villages report few figures: the commune itself.
        if unit.level > Level.DISTRICT or not years:
            return None
        return child_level(unit, tree, max(years))
    if is_digits(raw) and unit.level < int(raw) <= Level.VILLAGE:
        if int(raw) == Level.DISTRICT and tree == CURRENT:
            return Level.COMMUNE  # the current tree has no districts
        return int(raw)
    return None  # the unit itself


def _periods(asked: list[str], years: list[int], errors: list[str]) -> list[str]:
    offered = {str(y) for y in years} | set(_phases(years))
    chosen = [p for p in dict.fromkeys(asked) if p in offered]
    if len(chosen) < len([p for p in asked if p]):
        errors.append(_("Some periods asked for have no figures and were left out."))
    if not chosen:
        chosen = [str(y) for y in years[-DEFAULT_YEARS:]]
    return pivot.sort_periods(chosen)


def _phases(years: list[int]) -> list[str]:
    """The phases that hold at least one year of the store."""
    found = []
    for phase in PHASES:
        start, end = (int(x) for x in phase.split("-"))
        if any(start <= y <= end for y in years):
            found.append(phase)
    return found


def _blocks(query: PivotQuery) -> list[pivot.PivotBlock]:
    blocks = []
    for info in query.indicators:
        rows = queries.rows(
            info.code,
            unit=query.unit,
            level=query.level,
            periods=query.periods,
            tree=query.tree,
        )
        blocks.append(pivot.build_block(info, rows, query.periods))
    return blocks


@login_required
@require_GET
def pivot_page(request: HtmxHttpRequest) -> HttpResponse:
    tree = tree_param(request, CURRENT)
    units = pivot_units(request.user, tree)
    query = _read_query(request, units)
    years = queries.years()
    blocks = _blocks(query) if query.unit is not None and query.indicators else []
    shown = [
        {
            "block": block,
            "table": block.table[:MAX_TABLE_UNITS],
            "cut": max(0, len(block.units) - MAX_TABLE_UNITS),
            "figure": charts.pivot_figure(block.info, block.rows, block.periods)
            if block.rows
            else None,
            "name": charts.indicator_name(block.info),
            "measure": charts.indicator_measure(block.info),
        }
        for block in blocks
    ]
    context: dict[str, Any] = {
        "query": query,
        "units": units,
        "tree_choices": [
            Choice(LEGACY, _("As reported (units of the time)"), tree == LEGACY),
            Choice(CURRENT, _("Current units (after 1/7/2025)"), tree == CURRENT),
        ],
        "indicator_groups": _indicator_groups(query),
        "level_choices": _level_choices(query, years),
        "year_choices": [
            Choice(str(y), str(y), str(y) in query.periods) for y in years
        ],
        "phase_choices": [Choice(p, p, p in query.periods) for p in _phases(years)],
        "blocks": shown,
        "querystring": query.querystring(),
        "estimates": any(b.has_estimates for b in blocks),
        **plotly_context(),
    }
    return render_page(request, "analytics/pivot.html", "result", context)


def _indicator_groups(query: PivotQuery) -> list[tuple[str, list[Choice], bool]]:
    """Indicators by group, then the data elements; each group says whether
    one of its items is chosen (so it starts open)."""
    chosen = {i.code for i in query.indicators}
    groups: dict[str, list[Choice]] = {}
    elements: list[Choice] = []
    for info in queries.indicators(include_elements=True):
        choice = Choice(info.code, charts.indicator_name(info), info.code in chosen)
        if info.is_element:
            elements.append(choice)
        else:
            groups.setdefault(group_label(info.group), []).append(choice)
    found = [
        (label, items, any(c.selected for c in items))
        for label, items in groups.items()
    ]
    if elements:
        found.append((_("Data elements"), elements, any(c.selected for c in elements)))
    return found


def _level_choices(query: PivotQuery, years: list[int]) -> list[Choice]:
    unit = query.unit
    if unit is None:
        return []
    names = _level_names()
    choices = [Choice("", _("The unit itself"), query.level is None)]
    for level in range(unit.level + 1, Level.VILLAGE + 1):
        if level == Level.DISTRICT and query.tree == CURRENT:
            continue  # the current tree has no districts
        choices.append(Choice(str(level), names[level], query.level == level))
    return choices


def _export_blocks(
    request: HtmxHttpRequest,
) -> tuple[PivotQuery, list[pivot.PivotBlock]]:
    tree = tree_param(request, CURRENT)
    query = _read_query(request, pivot_units(request.user, tree))
    blocks = _blocks(query) if query.unit is not None and query.indicators else []
    return query, blocks


def _scope_text(query: PivotQuery) -> str:
    parts = []
    if query.unit is not None:
        level = _level_names().get(query.level or 0, "")
        parts.append(query.unit.name + (f" — {level}" if level else ""))
    parts.append(
        _("As reported (units of the time)")
        if query.tree == LEGACY
        else _("Current units (after 1/7/2025)")
    )
    return " · ".join(parts)


def _title(info: "IndicatorInfo") -> str:
    measure = charts.indicator_measure(info)
    name = charts.indicator_name(info)
    return f"{name} ({measure})" if measure else name


def _stem(query: PivotQuery) -> str:
    unit = query.unit.name if query.unit is not None else "pivot"
    return (
        f"chi-so {unit} {query.periods[0]}-{query.periods[-1]}"
        if query.periods
        else unit
    )


@login_required
@require_GET
def pivot_xlsx(request: HtmxHttpRequest) -> HttpResponse:
    query, blocks = _export_blocks(request)
    labels = pivot.SheetLabels(
        unit_code=_("Unit code"),
        unit_name=_("Unit"),
        scope=_scope_text(query),
        estimate_note=_(
            "Figures in italics are estimates: part of them was allocated by "
            "area from a commune split at the reform."
        ),
        indicator_title={b.info.code: _title(b.info) for b in blocks},
    )
    return xlsx_response(
        pivot.pivot_xlsx(blocks, labels), pivot.export_filename(_stem(query), "xlsx")
    )


@login_required
@require_GET
def pivot_csv(request: HtmxHttpRequest) -> HttpResponse:
    query, blocks = _export_blocks(request)
    response = HttpResponse(pivot.pivot_csv(blocks), content_type=pivot.CSV_TYPE)
    name = pivot.export_filename(_stem(query), "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
