"""Analytics API, mounted at /api/v1/: the indicators, and their figures at
any unit, level, period and tree, read from the analytics store.

Aggregated figures are not personal and are readable by every signed-in
user; the store holds no draft text or contact.
"""

import datetime
import json
import threading

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from vandong.analytics import queries

router = Router()


class IndicatorOut(Schema):
    code: str
    name_vi: str
    name_en: str
    measure_vi: str
    measure_en: str
    decimals: int
    is_ratio: bool
    is_element: bool
    group: str


class RowOut(Schema):
    unit: str = Field(description="GSO code; empty for the whole country")
    unit_name: str
    level: int
    unit_type: str
    period: str = Field(description="a year (2020) or a phase (2021-2025)")
    value: float | None
    numerator: float | None
    denominator: float | None
    estimate: bool = Field(description="part of it allocated from a split unit")


class AnalyticsOut(Schema):
    indicator: IndicatorOut
    tree: str
    rows: list[RowOut]


class AnalyticsQuery(Schema):
    indicator: str = Field(description="an indicator or data element code")
    unit: str | None = Field(None, description="unit code; none: the whole country")
    level: int | None = Field(
        None, description="list the units at this level below `unit` (1-4)"
    )
    period: str | None = Field(
        None, description="years and phases, comma separated: 2020,2021-2025"
    )
    tree: str = Field("legacy", description="legacy (as reported) or current")
    on: datetime.date | None = Field(
        None, description="the day the unit code is read on (codes were reused)"
    )


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str
    field: str | None = None


def _indicator_out(info: queries.IndicatorInfo) -> IndicatorOut:
    return IndicatorOut(
        code=info.code,
        name_vi=info.name_vi,
        name_en=info.name_en,
        measure_vi=info.measure_vi,
        measure_en=info.measure_en,
        decimals=info.decimals,
        is_ratio=info.is_ratio,
        is_element=info.is_element,
        group=info.group,
    )


@router.get("/indicators", response=list[IndicatorOut], summary="List indicators")
def indicator_list(request: HttpRequest, elements: bool = False) -> list[IndicatorOut]:
    """The indicators; with `elements=true`, every numeric data element too
    (each can be asked for as an indicator)."""
    return [_indicator_out(i) for i in queries.indicators(include_elements=elements)]


@router.get(
    "/analytics",
    response={200: AnalyticsOut, 400: ErrorOut, 404: ErrorOut},
    summary="Figures of an indicator",
)
def analytics(request: HttpRequest, query: Query[AnalyticsQuery]) -> HttpResponse:
    """Rows (unit, period, value, numerator, denominator) of an indicator for
    a unit, or for its units at `level`; phases sum flows and take the last
    year of stocks; ratios are recomputed from their parts at every level."""
    key = (
        query.indicator,
        query.unit,
        query.level,
        query.period,
        query.tree,
        query.on,
        queries.store_stamp(),
        # An indicator edited (its factor, its parts) answers anew.
        queries.definition_key(query.indicator),
    )
    body = _ANSWERS.get(key)
    if body is None:
        body = _answer(query)
        with _ANSWERS_LOCK:
            _ANSWERS[key] = body
            while len(_ANSWERS) > _ANSWERS_KEPT:
                _ANSWERS.pop(next(iter(_ANSWERS)))
    return HttpResponse(body, content_type="application/json")


def _answer(query: AnalyticsQuery) -> bytes:
    info = queries.indicator_info(query.indicator)
    unit = (
        queries.unit_for(query.unit, tree=query.tree, on=query.on)
        if query.unit
        else None
    )
    periods = [p for p in (query.period or "").split(",") if p.strip()] or None
    found = queries.rows(
        query.indicator, unit=unit, level=query.level, periods=periods, tree=query.tree
    )
    answer = {
        "indicator": _indicator_out(info).model_dump(),
        "tree": query.tree,
        "rows": [
            {
                "unit": r.unit_code,
                "unit_name": r.unit_name,
                "level": r.unit_level,
                "unit_type": r.unit_type,
                "period": r.period,
                "value": r.value,
                "numerator": r.numerator,
                "denominator": r.denominator,
                "estimate": r.estimate,
            }
            for r in found
        ],
    }
    return json.dumps(answer, ensure_ascii=False).encode()


# Answers already given, by question and the store's version: a province's
# table asked for again and again is written once per change of the store.
_ANSWERS: dict[tuple[object, ...], bytes] = {}
_ANSWERS_LOCK = threading.Lock()
_ANSWERS_KEPT = 256


class StatusOut(Schema):
    built_at: str | None
    refreshed_at: str | None
    rows: int
    facts: int
    years: list[int]
    building: bool


@router.get("/analytics/status", response=StatusOut, summary="State of the store")
def status(request: HttpRequest) -> StatusOut:
    state = queries.store_state()
    return StatusOut(
        built_at=state["built_at"],  # type: ignore[arg-type]
        refreshed_at=state["refreshed_at"],  # type: ignore[arg-type]
        rows=state["rows"],  # type: ignore[arg-type]
        facts=state["facts"],  # type: ignore[arg-type]
        years=state["years"],  # type: ignore[arg-type]
        building=state["building"],  # type: ignore[arg-type]
    )
