"""Models-and-teams API, mounted at /api/v1/: list with filters, create,
update. Scoped like the pages; refusals in Vietnamese and English."""

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from vandong.core.models import Channel
from vandong.geo import queries as geo_queries
from vandong.registries.common.api import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    RESPONSES,
    unit_filter,
)
from vandong.registries.common.checks import year_end
from vandong.registries.common.units import unit_by_code
from vandong.registries.models import ModelTeam
from vandong.registries.teams import queries, services

router = Router()


class ModelIn(Schema):
    unit: str = Field(description="Commune or village code, read on `valid_on`")
    valid_on: datetime.date | None = Field(
        None, description="Default: 31 December of the recognition year"
    )
    kind: str = Field(
        description="learning_family, learning_clan, learning_community, "
        "learning_unit, culture_team, art_troupe, mediation_team, security_area, "
        "self_managed_group, self_managed_clan or self_managed_family"
    )
    name: str = Field(max_length=200)
    count: int = Field(1, description="Like models the record stands for")
    recognized_year: int
    active: bool = True
    stopped_year: int | None = Field(None, description="Required when not active")
    note: str = Field("", max_length=500)


class ModelPatch(Schema):
    unit: str | None = None
    valid_on: datetime.date | None = None
    kind: str | None = None
    name: str | None = Field(None, max_length=200)
    count: int | None = None
    recognized_year: int | None = None
    active: bool | None = None
    stopped_year: int | None = None
    note: str | None = Field(None, max_length=500)


class ModelOut(Schema):
    id: int
    unit: str
    unit_name: str
    kind: str
    category: str = Field(description="learning, culture, mediation or security")
    name: str
    count: int
    recognized_year: int
    active: bool
    stopped_year: int | None
    note: str
    is_sample: bool = Field(description="Constructed demo record")


class ModelListOut(Schema):
    items: list[ModelOut]
    count: int = Field(description="Records matching, before paging")
    total: int = Field(description="Models they stand for (counts summed)")


class ModelFilter(Schema):
    unit: str | None = Field(None, description="Unit code (read today): its subtree")
    kind: str = ""
    category: str = ""
    active_in: int | None = Field(None, description="Active at the end of this year")
    q: str = ""
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _out(r: ModelTeam) -> dict[str, Any]:
    return {
        "id": r.pk,
        "unit": r.unit.code,
        "unit_name": r.unit.name,
        "kind": r.kind,
        "category": r.category,
        "name": r.name,
        "count": r.count,
        "recognized_year": r.recognized_year,
        "active": r.active,
        "stopped_year": r.stopped_year,
        "note": r.note,
        "is_sample": r.is_sample,
    }


@router.get(
    "/models",
    response={200: ModelListOut, **RESPONSES},
    url_name="model-list",
    summary="Models and teams in your scope",
)
def model_list(request: HttpRequest, filters: Query[ModelFilter]) -> dict[str, Any]:
    within = unit_filter(filters.unit, geo_queries.today())
    qs = queries.model_team_list(
        actor=request.user,
        within=within,
        kind=filters.kind,
        category=filters.category,
        active_in=filters.active_in,
        text=filters.q.strip(),
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return {
        "items": [_out(r) for r in page],
        "count": qs.count(),
        "total": queries.count_total(qs),
    }


@router.post(
    "/models",
    response={201: ModelOut, **RESPONSES},
    url_name="model-create",
    summary="Record a model or team",
)
def model_create(request: HttpRequest, payload: ModelIn) -> Status[dict[str, Any]]:
    day = payload.valid_on or year_end(payload.recognized_year)
    record = services.model_team_create(
        actor=request.user,
        data=services.ModelTeamIn(
            unit=unit_by_code(payload.unit, day),
            kind=payload.kind,
            name=payload.name,
            count=payload.count,
            recognized_year=payload.recognized_year,
            active=payload.active,
            stopped_year=payload.stopped_year,
            note=payload.note,
        ),
        channel=Channel.API,
    )
    return Status(201, _out(queries.model_team_get(actor=request.user, pk=record.pk)))


@router.patch(
    "/models/{int:pk}",
    response={200: ModelOut, **RESPONSES},
    url_name="model-update",
    summary="Change a model or team (the fields given); stop it with "
    "active=false and stopped_year",
)
def model_update(request: HttpRequest, pk: int, payload: ModelPatch) -> dict[str, Any]:
    record = queries.model_team_get(actor=request.user, pk=pk)
    given = payload.dict(exclude_unset=True)
    year = given.get("recognized_year") or record.recognized_year
    unit = (
        unit_by_code(payload.unit, payload.valid_on or year_end(year))
        if payload.unit
        else record.unit
    )
    active = given.get("active", record.active)
    stopped = given.get("stopped_year", record.stopped_year if not active else None)
    services.model_team_update(
        actor=request.user,
        record=record,
        data=services.ModelTeamIn(
            unit=unit,
            kind=given.get("kind") or record.kind,
            name=given.get("name") or record.name,
            count=given.get("count") or record.count,
            recognized_year=year,
            active=active,
            stopped_year=stopped,
            note=given["note"] if given.get("note") is not None else record.note,
        ),
        channel=Channel.API,
    )
    return _out(queries.model_team_get(actor=request.user, pk=pk))
