"""Criteria API, mounted at /api/v1/: the criteria sets and the stored
evaluations of units in the caller's scope.

A unit code is read in the period (a year): the unit it names at the year's
end, else earlier that year. Evaluations are what `services.evaluate` stored;
this API computes nothing.
"""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from vandong.catalog.criteria.models import CriteriaSet
from vandong.core.errors import CoreErrorCode, DomainError
from vandong.core.text import is_digits
from vandong.criteria import queries
from vandong.criteria.models import Evaluation
from vandong.geo.models import Unit

router = Router()

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str
    field: str | None = None


class LegalBasisOut(Schema):
    document: str
    date: str = Field(description="ISO date")
    part: str = ""
    title_vi: str = ""
    url: str = ""


class CriteriaSetOut(Schema):
    code: str
    version: int
    kind: str
    name_vi: str
    name_en: str
    legal_basis: list[LegalBasisOut]
    level: int = Field(description="1 province, 2 district, 3 commune, 4 village")
    unit_types: list[str]
    threshold_key: str = Field(description="none, region or commune_group")
    valid_from: datetime.date
    valid_to: datetime.date | None
    at_least: int | None = Field(description="Criteria needed; null: all of them")
    criteria_count: int
    indicator_count: int
    threshold_count: int
    unverified_thresholds: int = Field(
        description="Thresholds not confirmed in the official text"
    )
    unverified_indicators: int = Field(
        description="Indicators whose rule is not confirmed in the official text"
    )


class ThresholdOut(Schema):
    key: str = Field(description='"" general, else a region code or commune group')
    year: int | None
    value: float
    verified: bool
    document: str
    appendix: str
    row: str
    url: str
    note: str


class ConditionOut(Schema):
    value: dict[str, Any] = Field(
        description="{element} | {numerator, denominator} | {child_element, child_level}"
    )
    comparator: str
    thresholds: list[ThresholdOut]


class IndicatorOut(Schema):
    code: str
    name_vi: str
    name_en: str
    measure: str
    at_least: int | None
    verified: bool = Field(description="The indicator's rule is confirmed")
    source: dict[str, Any]
    undefined_vi: str
    undefined_en: str
    conditions: list[ConditionOut]


class CriterionOut(Schema):
    code: str
    name_vi: str
    name_en: str
    group_vi: str
    at_least: int | None
    indicators: list[IndicatorOut]


class CriteriaSetDetailOut(CriteriaSetOut):
    recognition_element: str
    province: str
    extends: str
    notes_vi: str
    notes_en: str
    undefined: list[str]
    criteria: list[CriterionOut]


class EvaluationFilter(Schema):
    criteria_set: str = Field(description="Criteria set code")
    period: str = Field(description='A year: "2024"')
    unit: str | None = Field(
        None,
        description="Unit code read in the year: that unit, or the units of the "
        "set's level in its subtree; default every unit in your scope",
    )
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class CriterionResultOut(Schema):
    code: str
    status: str = Field(description="met, not_met, no_data or no_threshold")
    met: int = Field(description="Indicators met")
    total: int


class IndicatorResultOut(Schema):
    criterion: str
    indicator: str
    condition: int = Field(description="0 for the first condition")
    value: float | None
    threshold: float | None
    comparator: str
    verified: bool
    status: str
    gap: float | None


class EvaluationOut(Schema):
    unit: str
    unit_name: str
    year: int
    status: str = Field(description="met, not_met, no_data or no_threshold")
    criteria_met: int
    criteria_not_met: int
    criteria_no_data: int
    criteria_total: int
    gap_score: float
    unverified: bool = Field(
        description="Some result used a threshold or rule not confirmed"
    )
    set_version: int
    computed_at: datetime.datetime
    criteria: list[CriterionResultOut]
    indicators: list[IndicatorResultOut]


class EvaluationListOut(Schema):
    items: list[EvaluationOut]
    count: int = Field(description="Matches before paging")


def _unknown_set(code: str) -> DomainError:
    return DomainError(
        CoreErrorCode.NOT_FOUND,
        f"Không có bộ tiêu chí mã “{code}”.",
        f"No criteria set has code '{code}'.",
        field="criteria_set",
    )


def _set(code: str) -> CriteriaSet:
    stored = queries.criteria_set_get(code)
    if stored is None:
        raise _unknown_set(code)
    return stored


def _summary_out(summary: queries.SetSummary) -> dict[str, Any]:
    s = summary.stored
    return {
        "code": s.code,
        "version": s.version,
        "kind": s.kind,
        "name_vi": s.name_vi,
        "name_en": s.name_en,
        "legal_basis": list(s.legal_basis),
        "level": s.level,
        "unit_types": list(s.unit_types),
        "threshold_key": s.threshold_key,
        "valid_from": s.valid_from,
        "valid_to": s.valid_to,
        "at_least": s.at_least,
        "criteria_count": summary.criteria,
        "indicator_count": summary.indicators,
        "threshold_count": summary.thresholds,
        "unverified_thresholds": summary.unverified_thresholds,
        "unverified_indicators": summary.unverified_indicators,
    }


@router.get(
    "/criteria-sets",
    response={200: list[CriteriaSetOut]},
    url_name="criteria-set-list",
    summary="The criteria sets, with their counts",
)
def criteria_set_list(request: HttpRequest) -> list[dict[str, Any]]:
    return [_summary_out(s) for s in queries.criteria_set_list()]


@router.get(
    "/criteria-sets/{code}",
    response={200: CriteriaSetDetailOut, 404: ErrorOut},
    url_name="criteria-set-detail",
    summary="One criteria set: criteria, indicators, thresholds and sources",
)
def criteria_set_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    stored = _set(code)
    definition = queries.criteria_set_definition(stored)
    summary = queries.SetSummary(
        stored=stored,
        criteria=len(definition.criteria),
        indicators=len(definition.indicators),
        thresholds=len(definition.thresholds),
        unverified_thresholds=definition.unverified_thresholds,
        unverified_indicators=definition.unverified_indicators,
    )
    return {
        **_summary_out(summary),
        "recognition_element": stored.recognition_element,
        "province": stored.province,
        "extends": stored.extends,
        "notes_vi": stored.notes_vi,
        "notes_en": stored.notes_en,
        "undefined": list(stored.undefined),
        "criteria": [
            {
                "code": c.code,
                "name_vi": c.name_vi,
                "name_en": c.name_en,
                "group_vi": c.group_vi,
                "at_least": c.at_least,
                "indicators": [
                    {
                        "code": i.code,
                        "name_vi": i.name_vi,
                        "name_en": i.name_en,
                        "measure": i.measure,
                        "at_least": i.at_least,
                        "verified": i.rule_verified,
                        "source": i.source,
                        "undefined_vi": i.undefined_vi,
                        "undefined_en": i.undefined_en,
                        "conditions": [
                            {
                                "value": cond.value,
                                "comparator": cond.comparator,
                                "thresholds": [vars(t) for t in cond.thresholds],
                            }
                            for cond in i.conditions
                        ],
                    }
                    for i in c.indicators
                ],
            }
            for c in definition.criteria
        ],
    }


def _year(stored: CriteriaSet, period: str) -> int:
    text = period.strip()
    if not (is_digits(text) and len(text) == 4):
        raise DomainError(
            CoreErrorCode.INVALID,
            f"Kỳ “{period}” không hợp lệ: hãy ghi một năm, ví dụ 2024.",
            f"Period '{period}' is not valid: give a year, such as 2024.",
            field="period",
        )
    year = int(text)
    if not queries.applies_in(stored, year):
        last = stored.valid_to.year if stored.valid_to else None
        span_vi = (
            f"{stored.valid_from.year}-{last}"
            if last
            else f"từ {stored.valid_from.year}"
        )
        span_en = (
            f"{stored.valid_from.year}-{last}"
            if last
            else f"from {stored.valid_from.year}"
        )
        raise DomainError(
            CoreErrorCode.INVALID,
            f"Bộ tiêu chí {stored.code} không áp dụng năm {year} ({span_vi}).",
            f"Criteria set {stored.code} does not apply in {year} ({span_en}).",
            field="period",
        )
    return year


def _unit(request: HttpRequest, stored: CriteriaSet, code: str, year: int) -> Unit:
    """The unit `code` names in `year` (of the set's level first), in scope."""
    units = queries.unit_in_year(code=code, year=year)
    if not units:
        raise DomainError(
            "unknown_unit",
            f"Không có đơn vị hành chính mã {code} trong năm {year}.",
            f"No administrative unit has code {code} in {year}.",
            field="unit",
        )
    chosen = queries.scorecard_unit(
        actor=request.user, stored=stored, code=code, year=year
    ) or next((u for u in units if u.level < stored.level), units[0])
    if chosen.level > stored.level:
        raise DomainError(
            CoreErrorCode.INVALID,
            f"Đơn vị {code} ở dưới cấp của bộ tiêu chí {stored.code}.",
            f"Unit {code} is below the level of criteria set {stored.code}.",
            field="unit",
        )
    if not queries.visible(actor=request.user, unit=chosen):
        raise DomainError(
            CoreErrorCode.OUT_OF_SCOPE,
            f"Đơn vị {code} nằm ngoài phạm vi của bạn.",
            f"Unit {code} is outside your scope.",
            field="unit",
        )
    return chosen


def _evaluation_out(e: Evaluation) -> dict[str, Any]:
    return {
        "unit": e.unit.code,
        "unit_name": e.unit.name,
        "year": e.year,
        "status": e.status,
        "criteria_met": e.criteria_met,
        "criteria_not_met": e.criteria_not_met,
        "criteria_no_data": e.criteria_no_data,
        "criteria_total": e.criteria_total,
        "gap_score": e.gap_score,
        "unverified": e.unverified,
        "set_version": e.set_version,
        "computed_at": e.computed_at,
        "criteria": [
            {
                "code": code,
                "status": item.get("status", ""),
                "met": item.get("met", 0),
                "total": item.get("total", 0),
            }
            for code, item in e.criteria.items()
        ],
        "indicators": [
            {**row, "condition": row.get("condition") or 0} for row in e.indicators
        ],
    }


@router.get(
    "/evaluations",
    response={200: EvaluationListOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    url_name="evaluation-list",
    summary="Stored evaluations of units in your scope, for one set and year",
)
def evaluation_list(
    request: HttpRequest, filters: Query[EvaluationFilter]
) -> dict[str, Any]:
    """Per unit: the overall status, criteria met of the total, whether an
    unverified threshold or rule was used, each criterion's status and each
    indicator's value, threshold and gap. Ordered by unit code."""
    stored = _set(filters.criteria_set)
    year = _year(stored, filters.period)
    found = queries.evaluations_in_scope(actor=request.user, stored=stored, year=year)
    if filters.unit:
        unit = _unit(request, stored, filters.unit.strip(), year)
        if unit.level == stored.level:
            found = found.filter(unit=unit)
        else:
            found = found.filter(unit__path__startswith=unit.path)
    found = found.order_by("unit__code", "unit__valid_from")
    items = found[filters.offset : filters.offset + filters.limit]
    return {
        "items": [_evaluation_out(e) for e in items],
        "count": found.count(),
    }
