"""Contributions API, mounted at /api/v1/contributions: list (filters, totals),
create, update, delete; scoped like the pages, every write through the
services, errors in both languages. A unit code is read on a day: the record's
date when writing, `valid_on` (default today) when filtering."""

import datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from vandong.core.errors import CoreErrorCode, DomainError
from vandong.core.models import Channel
from vandong.geo import queries as geo_queries
from vandong.geo.models import Unit
from vandong.registries.contributions import queries, services
from vandong.registries.contributions.rules import ContributionIn
from vandong.registries.contributions.totals import Totals, totals_of
from vandong.registries.models import Contribution, ContributorKind, Purpose

router = Router()

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


class RowErrorOut(Schema):
    row: int
    field: str
    message_vi: str
    message_en: str


class ErrorOut(Schema):
    code: str = Field(
        description="invalid, invalid_rows, out_of_scope, not_allowed, not_found"
    )
    message_vi: str
    message_en: str
    field: str | None = None
    rows: list[RowErrorOut] = Field(default_factory=list)


class ContributionBody(BaseModel):
    unit: str = Field(
        min_length=1,
        max_length=20,
        description="GSO code of the commune or village, read on `date`",
    )
    date: datetime.date
    kind: ContributorKind
    purpose: Purpose
    contributor_name: str = Field("", max_length=200, description="Private")
    cash_vnd: int = Field(0, ge=0, description="đồng")
    land_m2: Decimal = Field(Decimal(0), ge=0, max_digits=14, decimal_places=2)
    labour_days: Decimal = Field(Decimal(0), ge=0, max_digits=12, decimal_places=1)
    materials_desc: str = Field("", max_length=200)
    materials_qty: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)
    materials_unit: str = Field("", max_length=30)
    materials_vnd: int = Field(0, ge=0, description="đồng")
    project: str = Field("", max_length=200)


class ContributionOut(Schema):
    id: int
    unit: str
    unit_name: str
    date: datetime.date
    kind: str
    purpose: str
    contributor_name: str | None = Field(
        description="Only for officers who may record contributions on the unit, "
        "and in lists only with names=true; else null"
    )
    cash_vnd: int
    land_m2: Decimal
    labour_days: Decimal
    materials_desc: str
    materials_qty: Decimal | None
    materials_unit: str
    materials_vnd: int
    project: str
    is_sample: bool = Field(description="Constructed for the demo")


class TotalsOut(Schema):
    records: int
    cash_vnd: int
    land_m2: Decimal
    labour_days: Decimal
    materials_vnd: int
    cash_prose: str = Field(description='"trên 502 tỷ đồng"')


class ContributionListOut(Schema):
    items: list[ContributionOut]
    count: int
    totals: TotalsOut = Field(description="Over every match, not only this page")


class ContributionQuery(Schema):
    unit: str | None = Field(None, description="Unit code: its whole subtree")
    valid_on: datetime.date | None = Field(
        None, description="The day `unit` is read on (default today)"
    )
    year: int | None = Field(None, ge=1900, le=2200)
    start: datetime.date | None = None
    end: datetime.date | None = None
    kind: ContributorKind | None = None
    purpose: Purpose | None = None
    names: bool = Field(False, description="Include names where you may see them")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _unit(code: str, day: datetime.date) -> Unit:
    unit = geo_queries.unit_get(code=code.strip(), on=day)
    if unit is None:
        raise DomainError(
            CoreErrorCode.NOT_FOUND,
            f"Không có đơn vị mã “{code}” vào ngày {day:%d/%m/%Y}.",
            f"No unit has the code '{code}' on {day:%Y-%m-%d}.",
            field="unit",
        )
    return unit


def _input(body: ContributionBody) -> ContributionIn:
    return ContributionIn(
        unit=_unit(body.unit, body.date),
        date=body.date,
        kind=str(body.kind.value),
        purpose=str(body.purpose.value),
        contributor_name=body.contributor_name,
        cash_vnd=body.cash_vnd,
        land_m2=body.land_m2,
        labour_days=body.labour_days,
        materials_desc=body.materials_desc,
        materials_qty=body.materials_qty,
        materials_unit=body.materials_unit,
        materials_vnd=body.materials_vnd,
        project=body.project,
    )


def _out(record: Contribution, *, name: bool) -> ContributionOut:
    return ContributionOut(
        id=record.pk,
        unit=record.unit.code,
        unit_name=record.unit.name,
        date=record.date,
        kind=record.kind,
        purpose=record.purpose,
        contributor_name=record.contributor_name if name else None,
        cash_vnd=record.cash_vnd,
        land_m2=record.land_m2,
        labour_days=record.labour_days,
        materials_desc=record.materials_desc,
        materials_qty=record.materials_qty,
        materials_unit=record.materials_unit,
        materials_vnd=record.materials_vnd,
        project=record.project,
        is_sample=record.is_sample,
    )


def _totals_out(totals: Totals) -> TotalsOut:
    return TotalsOut(
        records=totals.records,
        cash_vnd=totals.cash_vnd,
        land_m2=totals.land_m2,
        labour_days=totals.labour_days,
        materials_vnd=totals.materials_vnd,
        cash_prose=totals.prose()["cash_vnd"],
    )


@router.get(
    "",
    response={200: ContributionListOut, 404: ErrorOut},
    summary="Contributions in your scope, with the totals of every match",
)
def contributions_list(
    request: HttpRequest, filters: Query[ContributionQuery]
) -> ContributionListOut:
    unit = None
    if filters.unit:
        unit = _unit(filters.unit, filters.valid_on or geo_queries.today())
    records = queries.contribution_list(
        actor=request.user,
        filters=queries.ContributionFilter(
            unit=unit,
            year=filters.year,
            start=filters.start,
            end=filters.end,
            kind=filters.kind.value if filters.kind else "",
            purpose=filters.purpose.value if filters.purpose else "",
        ),
    )
    page = list(records[filters.offset : filters.offset + filters.limit])
    return ContributionListOut(
        items=[
            _out(
                r,
                name=filters.names
                and queries.name_visible(actor=request.user, record=r),
            )
            for r in page
        ],
        count=records.count(),
        totals=_totals_out(totals_of(records)),
    )


@router.post(
    "",
    response={
        201: ContributionOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    summary="Record a contribution",
)
def contributions_create(
    request: HttpRequest, payload: ContributionBody
) -> Status[ContributionOut]:
    record = services.contribution_create(
        actor=request.user, data=_input(payload), channel=Channel.API
    )
    return Status(201, _out(record, name=True))


@router.put(
    "/{contribution_id}",
    response={
        200: ContributionOut,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
    },
    summary="Change a contribution (the whole record)",
)
def contributions_update(
    request: HttpRequest, contribution_id: int, payload: ContributionBody
) -> ContributionOut:
    record = services.contribution_update(
        actor=request.user,
        contribution_id=contribution_id,
        data=_input(payload),
        channel=Channel.API,
    )
    return _out(record, name=True)


@router.delete(
    "/{contribution_id}",
    response={204: None, 403: ErrorOut, 404: ErrorOut},
    summary="Delete a contribution",
)
def contributions_delete(request: HttpRequest, contribution_id: int) -> Status[None]:
    services.contribution_delete(
        actor=request.user, contribution_id=contribution_id, channel=Channel.API
    )
    return Status(204, None)
