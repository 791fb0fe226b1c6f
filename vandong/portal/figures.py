"""The portal's figures, read from the analytics store through its read API,
only for the years the public may see (`state.public_years`).

Everything here returns plain JSON-ready data carrying both languages, so one
computed answer serves the pages in either language and the public API.
A figure over several years (a phase so far, a series, a target's trend) is
made only of public years: a phase's figure is shown only when every year
from the phase's start to the chosen year is public.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from vandong.analytics import queries
from vandong.analytics.models import Target, TargetKind
from vandong.analytics.queries import AnalyticsError, IndicatorInfo, Row
from vandong.analytics.targets.progress import STATUS_LABELS
from vandong.analytics.targets.projection import Status, project
from vandong.analytics.views.common import CURRENT, LEGACY
from vandong.catalog.criteria.spec import MET, NO_DATA, NOT_MET
from vandong.catalog.models import Period, PeriodKind
from vandong.geo.models import Level, Unit

# The key figures of a province and of a commune, in the order shown; codes
# the indicators table lacks are left out.
PROVINCE_HEADLINES = (
    "NTM_COMMUNE_SHARE",
    "NTM_COMMUNES",
    "URBAN_CIVILIZED_SHARE",
    "CULTURAL_FAMILY_SHARE",
    "CULTURAL_VILLAGE_SHARE",
    "CONTRIBUTIONS_VND",
    "LAND_DONATED_M2",
    "LABOUR_DAYS",
    "OCOP_PRODUCTS",
    "HEALTH_INSURANCE_SHARE",
    "DRUG_FREE_SHARE",
    "DIALOGUE_CONFERENCES_COUNT",
)
COMMUNE_HEADLINES = (
    "CULTURAL_FAMILY_SHARE",
    "CULTURAL_VILLAGE_SHARE",
    "CONTRIBUTIONS_VND",
    "LAND_DONATED_M2",
    "LABOUR_DAYS",
    "HEALTH_INSURANCE_SHARE",
)
# The series the province's charts draw.
TREND_CHART = ("NTM_COMMUNE_SHARE", "URBAN_CIVILIZED_SHARE", "CULTURAL_FAMILY_SHARE")
MONEY_CHART = "CONTRIBUTIONS_VND"

# The standard a commune's status is about, by unit type: communes the
# new-rural one, wards and townships the civilized-urban one; as reported
# (the attainment the province counts) and as evaluated from the data. Each
# indicator's numerator counts the units meeting it, so a commune's own row
# says met (numerator 1) or not (0).
STATUS_INDICATORS: dict[str, dict[str, str]] = {
    "reported": {
        "xa": "NTM_COMMUNE_SHARE",
        "dac_khu": "NTM_COMMUNE_SHARE",
        "phuong": "URBAN_CIVILIZED_SHARE",
        "thi_tran": "URBAN_CIVILIZED_SHARE",
    },
    "evaluated": {
        "xa": "NTM_EVALUATED_MET_SHARE",
        "dac_khu": "NTM_EVALUATED_MET_SHARE",
        "phuong": "URBAN_EVALUATED_MET_SHARE",
        "thi_tran": "URBAN_EVALUATED_MET_SHARE",
    },
}
STANDARD_KIND: dict[str, str] = {
    "xa": "ntm_commune",
    "dac_khu": "ntm_commune",
    "phuong": "urban_civilized",
    "thi_tran": "urban_civilized",
}


def phase_of(year: int) -> tuple[int, int]:
    """The campaign's phase holding `year` (2016-2020, 2021-2025, 2026-2030)."""
    for period in Period.objects.filter(kind=PeriodKind.PHASE).only("start", "end"):
        if period.start.year <= year <= period.end.year:
            return period.start.year, period.end.year
    first = 2016 + 5 * ((year - 2016) // 5)
    return first, first + 4


def _info(code: str) -> IndicatorInfo | None:
    try:
        return queries.indicator_info(code)
    except AnalyticsError:
        return None


def _infos(codes: Iterable[str]) -> list[IndicatorInfo]:
    known = {i.code: i for i in queries.indicators()}
    return [known[c] for c in codes if c in known]


def indicator_dict(info: IndicatorInfo) -> dict[str, Any]:
    return {
        "code": info.code,
        "name_vi": info.name_vi,
        "name_en": info.name_en,
        "measure_vi": info.measure_vi,
        "measure_en": info.measure_en,
        "decimals": info.decimals,
        "percent": info.is_ratio and info.factor == 100,
    }


def _value(row: Row | None) -> float | None:
    return row.value if row is not None else None


def _rows(
    info: IndicatorInfo, unit: Unit, tree: str, periods: Sequence[str]
) -> dict[str, Row]:
    if not periods:
        return {}
    try:
        found = queries.rows(info.code, unit=unit, periods=list(periods), tree=tree)
    except AnalyticsError:
        return {}
    return {r.period: r for r in found if r.unit_id == unit.pk}


def _periods(year: int, public: frozenset[int]) -> tuple[list[str], str, str, bool]:
    """The periods a year's key figures read: the year, the year before when
    public, and the phase so far when every year of it is public; with the
    phase, the span and whether the span is complete."""
    start, end = phase_of(year)
    complete = set(range(start, year + 1)) <= public
    span = f"{start}-{year}" if complete and year > start else ""
    periods = [str(year)]
    if year - 1 in public:
        periods.append(str(year - 1))
    if span:
        periods.append(span)
    return periods, f"{start}-{end}", span, complete


def _item(
    info: IndicatorInfo, rows: dict[str, Row], year: int, span: str
) -> dict[str, Any] | None:
    current = rows.get(str(year))
    if current is None:
        return None
    return {
        **indicator_dict(info),
        "value": current.value,
        "estimate": current.estimate,
        "previous": _value(rows.get(str(year - 1))),
        "phase_value": _value(rows.get(span)) if span else None,
    }


def headlines(
    unit: Unit,
    *,
    tree: str,
    year: int,
    public: frozenset[int],
    codes: Sequence[str],
) -> dict[str, Any]:
    """The unit's key figures of `year` (a public year), with the year before
    when it is public, and the phase so far when every year of it is."""
    periods, phase, span, complete = _periods(year, public)
    items = []
    for info in _infos(codes):
        item = _item(info, _rows(info, unit, tree, periods), year, span)
        if item is not None:
            items.append(item)
    return {
        "phase": phase,
        "phase_span": span,
        "phase_complete": complete,
        "items": items,
    }


def commune_headlines(
    root: Unit,
    *,
    tree: str,
    year: int,
    public: frozenset[int],
    codes: Sequence[str],
) -> dict[int, dict[str, Any]]:
    """`headlines` of every commune under `root` at once: {unit id: ...}
    (one read of the store per indicator, whatever the number of communes)."""
    periods, phase, span, complete = _periods(year, public)
    by_unit: dict[int, list[dict[str, Any]]] = {}
    for info in _infos(codes):
        try:
            found = queries.rows(
                info.code, unit=root, level=Level.COMMUNE, periods=periods, tree=tree
            )
        except AnalyticsError:
            continue
        rows: dict[int, dict[str, Row]] = {}
        for row in found:
            rows.setdefault(row.unit_id, {})[row.period] = row
        for unit_id, mine in rows.items():
            item = _item(info, mine, year, span)
            if item is not None:
                by_unit.setdefault(unit_id, []).append(item)
    return {
        unit_id: {
            "phase": phase,
            "phase_span": span,
            "phase_complete": complete,
            "items": items,
        }
        for unit_id, items in by_unit.items()
    }


def series(
    unit: Unit, *, tree: str, public: Iterable[int], codes: Sequence[str]
) -> list[dict[str, Any]]:
    """Each indicator's values over the public years."""
    years = [str(y) for y in sorted(public)]
    out = []
    for info in _infos(codes):
        rows = _rows(info, unit, tree, years)
        points = [
            {"year": int(y), "value": rows[y].value, "estimate": rows[y].estimate}
            for y in years
            if y in rows and rows[y].value is not None
        ]
        if points:
            out.append({**indicator_dict(info), "points": points})
    return out


# -- targets ----------------------------------------------------------------------


def _bounds(info: IndicatorInfo) -> tuple[float | None, float | None]:
    if info.is_ratio and info.factor == 100:
        return (0.0, 100.0)
    return (0.0, None)


def _target_points(
    target: Target, tree: str, public: frozenset[int], year: int
) -> list[tuple[int, float | None]]:
    try:
        rows = queries.series(target.indicator.code, target.scope, tree=tree)  # type: ignore[arg-type]
    except AnalyticsError:
        return []
    points = [
        (int(row.period), row.value)
        for row in rows
        if row.period.isdigit()
        and int(row.period) in public
        and int(row.period) <= year
    ]
    return sorted(points)


def targets(
    province: Unit, *, tree: str, year: int, public: frozenset[int]
) -> list[dict[str, Any]]:
    """The province's active targets, where they stand in `year` counting only
    public years up to it (on the page's tree, else the other one when only
    it has figures: the 2025 district targets live on the legacy tree)."""
    out = []
    found = (
        Target.objects.filter(scope=province, is_active=True)
        .select_related("indicator", "scope")
        .order_by("deadline_year", "code")
    )
    for target in found:
        info = _info(target.indicator.code)
        if info is None:
            continue
        used = tree
        points = _target_points(target, tree, public, year)
        if not any(v is not None for _, v in points):
            other = LEGACY if tree == CURRENT else CURRENT
            points = _target_points(target, other, public, year)
            used = other
        by_year = dict(points)
        goal: float | None = target.value
        if target.kind == TargetKind.INCREASE:
            base = by_year.get(target.baseline_year) if target.baseline_year else None
            goal = base + target.value if base is not None else None
        if goal is None:
            projection = None
        else:
            projection = project(
                points,
                deadline_year=target.deadline_year,
                comparator=target.comparator,
                target=goal,
                bounds=_bounds(info),
            )
        status = projection.status if projection is not None else Status.NO_DATA
        vi, en = STATUS_LABELS[status]
        out.append(
            {
                "code": target.code,
                "name_vi": target.name_vi,
                "name_en": target.name_en,
                "indicator": indicator_dict(info),
                "comparator": target.comparator,
                "goal": goal,
                "deadline_year": target.deadline_year,
                "tree": used,
                "current_year": projection.current_year if projection else None,
                "current_value": projection.current_value if projection else None,
                "projected_value": projection.projected_value if projection else None,
                "status": str(status),
                "status_vi": vi,
                "status_en": en,
            }
        )
    return out


# -- communes and their status ----------------------------------------------------


def _status(row: Row | None) -> str:
    if row is None or row.numerator is None:
        return NO_DATA
    return MET if row.numerator > 0 else NOT_MET


def commune_statuses(
    root: Unit, *, tree: str, year: int, units: Sequence[Unit]
) -> dict[int, dict[str, str]]:
    """{commune id: {"reported": status, "evaluated": status}} for the
    communes under `root` in `year` (one read per indicator)."""
    known = {i.code for i in queries.indicators()}
    # A commune's own row, or the rows of the communes below a larger unit.
    level = None if root.level >= Level.COMMUNE else Level.COMMUNE
    out: dict[int, dict[str, str]] = {u.pk: {} for u in units}
    types = {u.type for u in units}
    for basis, by_type in STATUS_INDICATORS.items():
        codes = {by_type[t] for t in types if t in by_type and by_type[t] in known}
        found: dict[str, dict[int, Row]] = {}
        for code in sorted(codes):
            try:
                rows = queries.rows(
                    code,
                    unit=root,
                    level=level,
                    periods=[str(year)],
                    tree=tree,
                )
            except AnalyticsError:
                rows = []
            found[code] = {r.unit_id: r for r in rows}
        for unit in units:
            code = by_type.get(unit.type, "")
            out[unit.pk][basis] = _status(found.get(code, {}).get(unit.pk))
    return out
