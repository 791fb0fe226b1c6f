"""Targets API, mounted at /api/v1/: the targets with their progress.

Figures come from the analytics store (`queries`); nothing is written. The
units that would close a gap are listed only where the caller may see them.
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vandong.analytics.models import Target
from vandong.analytics.targets.closing import ClosingUnit
from vandong.analytics.targets.errors import unknown_target
from vandong.analytics.targets.progress import (
    STATUS_LABELS,
    Progress,
    progress,
    progress_list,
)

router = Router()


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str
    field: str | None = None


class TargetFilter(Schema):
    tree: Literal["current", "legacy"] = Field(
        "current",
        description="current: legacy years seen on today's units through the "
        "2025 succession; legacy: the units the figures were reported on",
    )


class StatusOut(Schema):
    status: str = Field(description="met, on_track, off_track, missed or no_data")
    status_vi: str
    status_en: str
    current_year: int | None = Field(description="The last year with data")
    current_value: float | None
    goal: float | None = Field(
        description="The value to reach: the target's, or for an increase the "
        "baseline year's value plus it"
    )
    gap: float | None = Field(description="Still to go towards the goal; 0 once met")
    years_left: int | None
    pace_needed: float | None = Field(
        description="Change per year needed from the current value to reach the "
        "goal by the deadline"
    )
    projected_value: float | None = Field(
        description="The value expected in the deadline year"
    )
    met_now: bool
    projected_met: bool | None


class TargetOut(Schema):
    code: str
    name_vi: str
    name_en: str
    indicator: str
    indicator_name_vi: str
    indicator_name_en: str
    measure_vi: str
    measure_en: str
    decimals: int
    scope: str | None = Field(description="Unit code; null for the whole country")
    scope_name: str | None
    kind: str = Field(description="level or increase")
    comparator: str
    value: float
    baseline_year: int | None
    deadline_year: int
    source: str
    note: str
    progress: StatusOut


class PointOut(Schema):
    year: int
    value: float | None
    numerator: float | None
    denominator: float | None
    estimate: bool = Field(description="Part of it was allocated by area share")


class TrendOut(Schema):
    slope: float = Field(description="Change per year")
    intercept: float
    first_year: int
    last_year: int
    points: int


class ProjectionOut(Schema):
    average_pace: float | None = Field(
        description="Average change per year from the first to the last year"
    )
    recent_pace: float | None = Field(
        description="Least-squares slope over the last 3 years with data"
    )
    trend: TrendOut | None = Field(description="The line the projection follows")
    clamped: bool = Field(description="The projection hit a bound (0 or 100%)")
    method_vi: str
    method_en: str


class MissingCriterionOut(Schema):
    code: str
    name_vi: str
    name_en: str
    status: str = Field(description="not_met or no_data")


class ClosingUnitOut(Schema):
    unit: str
    unit_name: str
    unit_type: str
    criteria_set: str
    year: int
    status: str
    criteria_met: int
    criteria_total: int
    criteria_missing: int = Field(description="More criteria the unit must meet")
    gap_score: float
    missing: list[MissingCriterionOut]


class TargetDetailOut(TargetOut):
    tree: str
    series: list[PointOut]
    baseline_value: float | None
    change: float | None = Field(description="Current value minus the baseline's")
    projection: ProjectionOut
    units_needed: int | None = Field(
        description="Units still to attain the standard for the gap to close"
    )
    closing_year: int | None = Field(description="The year the units were judged in")
    closing_units: list[ClosingUnitOut] = Field(
        description="Units nearest to the standard, as many as needed and a few "
        "more, that you may see"
    )
    note_vi: str
    note_en: str


def _status_out(p: Progress) -> dict[str, Any]:
    proj = p.projection
    vi, en = STATUS_LABELS[proj.status]
    return {
        "status": proj.status.value,
        "status_vi": vi,
        "status_en": en,
        "current_year": proj.current_year,
        "current_value": proj.current_value,
        "goal": p.goal,
        "gap": proj.gap,
        "years_left": proj.years_left,
        "pace_needed": proj.pace_needed,
        "projected_value": proj.projected_value,
        "met_now": proj.met_now,
        "projected_met": proj.projected_met,
    }


def _target_out(p: Progress) -> dict[str, Any]:
    t = p.target
    return {
        "code": t.code,
        "name_vi": t.name_vi,
        "name_en": t.name_en,
        "indicator": p.indicator.code,
        "indicator_name_vi": p.indicator.name_vi,
        "indicator_name_en": p.indicator.name_en,
        "measure_vi": p.indicator.measure_vi,
        "measure_en": p.indicator.measure_en,
        "decimals": p.indicator.decimals,
        "scope": t.scope.code if t.scope else None,
        "scope_name": t.scope.name if t.scope else None,
        "kind": t.kind,
        "comparator": t.comparator,
        "value": t.value,
        "baseline_year": t.baseline_year,
        "deadline_year": t.deadline_year,
        "source": t.source,
        "note": t.note,
        "progress": _status_out(p),
    }


def _closing_out(u: ClosingUnit) -> dict[str, Any]:
    return {
        "unit": u.unit.code,
        "unit_name": u.unit.name,
        "unit_type": u.unit.type,
        "criteria_set": u.criteria_set,
        "year": u.year,
        "status": u.status,
        "criteria_met": u.criteria_met,
        "criteria_total": u.criteria_total,
        "criteria_missing": u.criteria_missing,
        "gap_score": u.gap_score,
        "missing": [vars(m) for m in u.missing],
    }


@router.get(
    "/targets",
    response={200: list[TargetOut], 422: ErrorOut},
    url_name="target-list",
    summary="The active targets, each with its current progress",
)
def target_list(
    request: HttpRequest, filters: Query[TargetFilter]
) -> list[dict[str, Any]]:
    return [_target_out(p) for p in progress_list(tree=filters.tree)]


@router.get(
    "/targets/{code}",
    response={200: TargetDetailOut, 404: ErrorOut, 422: ErrorOut},
    url_name="target-detail",
    summary="One target: its series, projection and the units that would close the gap",
)
def target_detail(
    request: HttpRequest, code: str, filters: Query[TargetFilter]
) -> dict[str, Any]:
    target = (
        Target.objects.filter(code=code).select_related("indicator", "scope").first()
    )
    if target is None:
        raise unknown_target(code)
    p = progress(target, tree=filters.tree, actor=request.user)
    proj = p.projection
    return {
        **_target_out(p),
        "tree": p.tree,
        "series": [vars(point) for point in p.series],
        "baseline_value": p.baseline_value,
        "change": p.change,
        "projection": {
            "average_pace": proj.average_pace,
            "recent_pace": proj.recent_pace,
            "trend": vars(proj.trend) if proj.trend else None,
            "clamped": proj.clamped,
            "method_vi": proj.method_vi,
            "method_en": proj.method_en,
        },
        "units_needed": p.units_needed,
        "closing_year": p.closing_year,
        "closing_units": [_closing_out(u) for u in p.closing_units],
        "note_vi": p.note_vi,
        "note_en": p.note_en,
    }
