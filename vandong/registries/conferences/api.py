"""Dialogue-conference API, mounted at /api/v1/: list with filters, create
(with commitments), update, and commitments added and followed up. Scoped
like the pages; refusals in Vietnamese and English."""

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
from vandong.registries.common.units import unit_by_code
from vandong.registries.conferences import queries, services
from vandong.registries.models import Commitment, Conference

router = Router()


class CommitmentIn(Schema):
    text: str
    responsible: str = Field("", max_length=200)
    due_on: datetime.date | None = None
    status: str = Field("pending", description="pending, in_progress, done or not_done")
    status_note: str = Field("", max_length=500)


class ConferenceIn(Schema):
    unit: str = Field(description="Unit code, read on the day held")
    held_on: datetime.date
    chair_role: str = Field(description="party or government")
    chair_name: str = Field(max_length=120)
    chair_title: str = Field(max_length=200)
    participants_count: int
    participants: str = ""
    issues: str = ""
    note: str = Field("", max_length=500)
    commitments: list[CommitmentIn] = Field(default_factory=list)


class ConferencePatch(Schema):
    unit: str | None = None
    held_on: datetime.date | None = None
    chair_role: str | None = None
    chair_name: str | None = Field(None, max_length=120)
    chair_title: str | None = Field(None, max_length=200)
    participants_count: int | None = None
    participants: str | None = None
    issues: str | None = None
    note: str | None = Field(None, max_length=500)


class CommitmentOut(Schema):
    id: int
    text: str
    responsible: str
    due_on: datetime.date | None
    status: str
    status_note: str
    overdue: bool = Field(description="Past its due date and not closed")


class ConferenceOut(Schema):
    id: int
    unit: str
    unit_name: str
    held_on: datetime.date
    chair_role: str
    chair_name: str
    chair_title: str
    participants_count: int
    participants: str
    issues: str
    note: str
    is_sample: bool = Field(description="Constructed demo record")
    commitments: list[CommitmentOut]


class ConferenceListOut(Schema):
    items: list[ConferenceOut]
    count: int


class ConferenceFilter(Schema):
    unit: str | None = Field(None, description="Unit code (read today): its subtree")
    year: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    chair_role: str = ""
    status: str = Field("", description="With a commitment in this status")
    q: str = ""
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


def _commitment_out(m: Commitment, today: datetime.date) -> dict[str, Any]:
    return {
        "id": m.pk,
        "text": m.text,
        "responsible": m.responsible,
        "due_on": m.due_on,
        "status": m.status,
        "status_note": m.status_note,
        "overdue": m.due_on is not None
        and m.due_on < today
        and m.status not in ("done", "not_done"),
    }


def _out(c: Conference) -> dict[str, Any]:
    today = geo_queries.today()
    return {
        "id": c.pk,
        "unit": c.unit.code,
        "unit_name": c.unit.name,
        "held_on": c.held_on,
        "chair_role": c.chair_role,
        "chair_name": c.chair_name,
        "chair_title": c.chair_title,
        "participants_count": c.participants_count,
        "participants": c.participants,
        "issues": c.issues,
        "note": c.note,
        "is_sample": c.is_sample,
        "commitments": [_commitment_out(m, today) for m in c.commitments.all()],
    }


def _commitment_data(m: CommitmentIn) -> services.CommitmentIn:
    return services.CommitmentIn(
        text=m.text,
        responsible=m.responsible,
        due_on=m.due_on,
        status=m.status,
        status_note=m.status_note,
    )


def _reload(request: HttpRequest, pk: int) -> dict[str, Any]:
    return _out(queries.conference_get(actor=request.user, pk=pk))


@router.get(
    "/conferences",
    response={200: ConferenceListOut, **RESPONSES},
    url_name="conference-list",
    summary="Dialogue conferences in your scope, with their commitments",
)
def conference_list(
    request: HttpRequest, filters: Query[ConferenceFilter]
) -> dict[str, Any]:
    within = unit_filter(filters.unit, geo_queries.today())
    qs = queries.conference_list(
        actor=request.user,
        within=within,
        year=filters.year,
        start=filters.start,
        end=filters.end,
        chair_role=filters.chair_role,
        status=filters.status,
        text=filters.q.strip(),
    )
    page = qs[filters.offset : filters.offset + filters.limit]
    return {"items": [_out(c) for c in page], "count": qs.count()}


@router.post(
    "/conferences",
    response={201: ConferenceOut, **RESPONSES},
    url_name="conference-create",
    summary="Record a conference, with its commitments",
)
def conference_create(
    request: HttpRequest, payload: ConferenceIn
) -> Status[dict[str, Any]]:
    conference = services.conference_create(
        actor=request.user,
        data=services.ConferenceIn(
            unit=unit_by_code(payload.unit, payload.held_on),
            held_on=payload.held_on,
            chair_role=payload.chair_role,
            chair_name=payload.chair_name,
            chair_title=payload.chair_title,
            participants_count=payload.participants_count,
            participants=payload.participants,
            issues=payload.issues,
            note=payload.note,
        ),
        commitments=[_commitment_data(m) for m in payload.commitments],
        channel=Channel.API,
    )
    return Status(201, _reload(request, conference.pk))


@router.patch(
    "/conferences/{int:pk}",
    response={200: ConferenceOut, **RESPONSES},
    url_name="conference-update",
    summary="Change a conference (the fields given)",
)
def conference_update(
    request: HttpRequest, pk: int, payload: ConferencePatch
) -> dict[str, Any]:
    c = queries.conference_get(actor=request.user, pk=pk)
    given = payload.dict(exclude_unset=True)
    held_on = given.get("held_on") or c.held_on
    unit = unit_by_code(payload.unit, held_on) if payload.unit else c.unit
    services.conference_update(
        actor=request.user,
        conference=c,
        data=services.ConferenceIn(
            unit=unit,
            held_on=held_on,
            chair_role=given.get("chair_role") or c.chair_role,
            chair_name=given.get("chair_name") or c.chair_name,
            chair_title=given.get("chair_title") or c.chair_title,
            participants_count=given.get("participants_count") or c.participants_count,
            participants=given.get("participants", c.participants) or "",
            issues=given.get("issues", c.issues) or "",
            note=given.get("note", c.note) or "",
        ),
        channel=Channel.API,
    )
    return _reload(request, pk)


@router.post(
    "/conferences/{int:pk}/commitments",
    response={201: ConferenceOut, **RESPONSES},
    url_name="commitment-create",
    summary="Add a commitment to a conference",
)
def commitment_create(
    request: HttpRequest, pk: int, payload: CommitmentIn
) -> Status[dict[str, Any]]:
    c = queries.conference_get(actor=request.user, pk=pk)
    services.commitment_add(
        actor=request.user,
        conference=c,
        data=_commitment_data(payload),
        channel=Channel.API,
    )
    return Status(201, _reload(request, pk))


@router.put(
    "/conferences/{int:pk}/commitments/{int:item}",
    response={200: ConferenceOut, **RESPONSES},
    url_name="commitment-update",
    summary="Change a commitment or its follow-up status",
)
def commitment_update(
    request: HttpRequest, pk: int, item: int, payload: CommitmentIn
) -> dict[str, Any]:
    c = queries.conference_get(actor=request.user, pk=pk)
    commitment = queries.commitment_get(actor=request.user, conference=c, pk=item)
    services.commitment_update(
        actor=request.user,
        commitment=commitment,
        data=_commitment_data(payload),
        channel=Channel.API,
    )
    return _reload(request, pk)
