"""A target's progress: its indicator's yearly series for the scope, read from
the analytics store, the projection to the deadline, and the units whose
attainment would close the gap.

An increase target ("2 more districts from 2020") is measured against the
baseline year's value: the indicator must reach baseline + value.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from vandong.accounts.queries import Actor
from vandong.analytics import queries
from vandong.analytics.models import Target, TargetKind
from vandong.analytics.targets import closing
from vandong.analytics.targets.closing import ClosingUnit
from vandong.analytics.targets.projection import Projection, Status, project, rising
from vandong.core.text import is_digits

# Each status said in Vietnamese and English, for the API (pages translate
# the English through gettext).
STATUS_LABELS: dict[Status, tuple[str, str]] = {
    Status.MET: ("Đã đạt", "Met"),
    Status.ON_TRACK: ("Dự báo đạt", "On track"),
    Status.OFF_TRACK: ("Dự báo không đạt", "Off track"),
    Status.MISSED: ("Không đạt", "Missed"),
    Status.NO_DATA: ("Chưa có số liệu", "No data"),
}


@dataclass(frozen=True)
class Point:
    year: int
    value: float | None
    numerator: float | None
    denominator: float | None
    estimate: bool


@dataclass(frozen=True)
class Progress:
    target: Target
    indicator: queries.IndicatorInfo
    tree: str
    series: list[Point]
    baseline_value: float | None
    # The value the indicator must reach: the target's value, or for an
    # increase the baseline value plus it (None without a baseline value).
    goal: float | None
    # The current value minus the baseline year's value.
    change: float | None
    projection: Projection
    # Units still to attain for the gap to close (attainment indicators only).
    units_needed: int | None = None
    closing_year: int | None = None
    closing_units: list[ClosingUnit] = field(default_factory=list)
    # Why some part could not be computed, when it could not.
    note_vi: str = ""
    note_en: str = ""

    # The projection's figures, at hand for the pages.
    @property
    def status(self) -> Status:
        return self.projection.status

    @property
    def status_vi(self) -> str:
        return STATUS_LABELS[self.projection.status][0]

    @property
    def status_en(self) -> str:
        return STATUS_LABELS[self.projection.status][1]

    @property
    def current_year(self) -> int | None:
        return self.projection.current_year

    @property
    def current_value(self) -> float | None:
        return self.projection.current_value

    @property
    def gap(self) -> float | None:
        return self.projection.gap

    @property
    def pace_needed(self) -> float | None:
        return self.projection.pace_needed

    @property
    def projected_value(self) -> float | None:
        return self.projection.projected_value

    @property
    def method_vi(self) -> str:
        return self.projection.method_vi

    @property
    def method_en(self) -> str:
        return self.projection.method_en


def _year(period: str) -> int | None:
    return int(period) if is_digits(period) and len(period) == 4 else None


def _points(rows: Sequence[queries.Row]) -> list[Point]:
    """The yearly rows (phases left out), by year."""
    points = []
    for row in rows:
        year = _year(row.period)
        if year is not None:
            points.append(
                Point(year, row.value, row.numerator, row.denominator, row.estimate)
            )
    return sorted(points, key=lambda p: p.year)


def yearly_series(target: Target, *, tree: str = "current") -> list[Point]:
    """The indicator's yearly values for the target's scope; without a scope,
    the whole country's (the store keeps its own row, so ratios are
    recomputed from the country's sums, never averaged)."""
    code = target.indicator.code
    if target.scope is None:
        return _points(queries.rows(code, unit=None, level=None, tree=tree))
    return _points(queries.series(code, target.scope, tree=tree))


def _bounds(
    target: Target, info: queries.IndicatorInfo
) -> tuple[float | None, float | None] | None:
    """What a projection may not pass: 0-100 for a percent, 0 below a count
    of units."""
    if info.is_ratio and info.factor == 100:
        return (0.0, 100.0)
    if not info.is_ratio and closing.attainment(target.indicator.numerator):
        return (0.0, None)
    return None


def progress(
    target: Target,
    *,
    tree: str = "current",
    with_units: bool = True,
    actor: Actor = None,
) -> Progress:
    """Where `target` stands on `tree`. `with_units` lists the units that
    would close the gap (one more query or two); with an `actor`, only units
    the actor may see are listed."""
    # From the row already at hand (no query).
    info = queries.indicator_info_of(target.indicator)
    series = yearly_series(target, tree=tree)
    by_year = {p.year: p for p in series}
    baseline = by_year.get(target.baseline_year) if target.baseline_year else None
    baseline_value = baseline.value if baseline is not None else None
    note_vi = note_en = ""
    if target.kind == TargetKind.INCREASE:
        goal = baseline_value + target.value if baseline_value is not None else None
        if goal is None:
            note_vi = (
                f"Chưa có số liệu năm gốc {target.baseline_year} nên chưa tính "
                "được mức cần đạt."
            )
            note_en = (
                f"The baseline year {target.baseline_year} has no data, so the "
                "level to reach is not known."
            )
    else:
        goal = target.value
    points = [(p.year, p.value) for p in series] if goal is not None else []
    projection = project(
        points,
        deadline_year=target.deadline_year,
        comparator=target.comparator,
        target=goal if goal is not None else target.value,
        bounds=_bounds(target, info),
    )
    current = next((p for p in reversed(series) if p.value is not None), None)
    change = (
        current.value - baseline_value
        if current is not None
        and current.value is not None
        and baseline_value is not None
        else None
    )
    result = Progress(
        target=target,
        indicator=info,
        tree=tree,
        series=series,
        baseline_value=baseline_value,
        goal=goal,
        change=change,
        projection=projection,
        note_vi=note_vi,
        note_en=note_en,
    )
    if not with_units or goal is None or current is None:
        return result
    return _with_closing_units(result, current, actor=actor)


def _with_closing_units(
    result: Progress,
    current: Point,
    *,
    actor: Actor,
) -> Progress:
    target, info = result.target, result.indicator
    what = closing.attainment(target.indicator.numerator)
    open_ = result.projection.status in (Status.ON_TRACK, Status.OFF_TRACK)
    if what is None or not open_ or not rising(target.comparator):
        return result
    if current.numerator is None or result.goal is None:
        return result
    needed = closing.units_needed(
        numerator=current.numerator,
        denominator=current.denominator,
        factor=info.factor,
        comparator=target.comparator,
        target=result.goal,
    )
    year = closing.latest_year(what.kind, target.scope, until=target.deadline_year)
    units = (
        closing.closing_units(
            what,
            scope=target.scope,
            year=year,
            limit=needed + closing.SPARE,
            unit_types=closing.counted_types(target.indicator.denominator),
            actor=actor,
        )
        if year is not None and needed > 0
        else []
    )
    return replace(result, units_needed=needed, closing_year=year, closing_units=units)


def progress_list(*, tree: str = "current", active_only: bool = True) -> list[Progress]:
    """Every target's progress, without the closing units."""
    targets = Target.objects.select_related("indicator", "scope")
    if active_only:
        targets = targets.filter(is_active=True)
    return [progress(t, tree=tree, with_units=False) for t in targets]
