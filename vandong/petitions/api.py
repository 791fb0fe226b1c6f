"""Petitions API, mounted at /api/v1/petitions.

Officers list, record, correct and move petitions through the workflow,
within their scope (VIEW to read, HANDLE_PETITIONS to write); the citizen's
contact is returned only to officers who handle petitions on the unit. The
public tracking endpoint needs no login, answers by tracking code only, is
rate limited per client address and never returns personal data.
"""

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from vandong.accounts.forms import client_ip
from vandong.core.errors import DomainError
from vandong.core.models import Channel as Via
from vandong.geo.models import Unit
from vandong.geo.queries import unit_get
from vandong.petitions import queries, services
from vandong.petitions.errors import PetitionsErrorCode
from vandong.petitions.models import Petition
from vandong.petitions.queries import PetitionFilter
from vandong.petitions.workflow import STATUS_VI, STEPS, is_overdue

router = Router()

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# Tracking look-ups allowed per client address per window (settings may override).
TRACK_LIMIT = 30
TRACK_WINDOW_SECONDS = 60


class ContactOut(Schema):
    name: str
    phone: str
    address: str


class PetitionOut(Schema):
    id: int
    tracking_code: str
    unit: str = Field(description="Unit code")
    unit_name: str
    channel: str = Field(
        description="voter_meeting, dialogue, mailbox, reception or online"
    )
    topic: str = Field(
        description="land, infrastructure, environment, social_policy, security, "
        "administration or other"
    )
    text: str
    received_on: datetime.date
    status: str = Field(description="received, assigned, answered, closed, rejected")
    overdue: bool = Field(description="Assigned, not answered, deadline passed")
    body: str = Field(description="The body the petition was assigned to")
    deadline: datetime.date | None
    assigned_on: datetime.date | None
    answer: str
    answered_by: str
    answered_on: datetime.date | None
    satisfaction: str = Field(
        description="satisfied, partly, not_satisfied, unknown; '' until closed"
    )
    closed_on: datetime.date | None
    reject_reason: str
    rejected_on: datetime.date | None
    attachments: int
    is_sample: bool = Field(description="Constructed demo record")
    contact: ContactOut | None = Field(
        description="The citizen's contact; only for officers handling petitions "
        "on the unit, else null"
    )


class PetitionListOut(Schema):
    items: list[PetitionOut]
    count: int = Field(description="Matches before paging")


class PetitionIn(Schema):
    unit: str = Field(description="Unit code, read on `received_on`")
    channel: str
    topic: str
    text: str
    received_on: datetime.date | None = Field(None, description="Default today")
    contact_name: str = ""
    contact_phone: str = ""
    contact_address: str = ""


class PetitionPatch(Schema):
    channel: str | None = None
    topic: str | None = None
    text: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    contact_address: str | None = None


class TransitionIn(Schema):
    step: str = Field(description="assign, answer, close or reject")
    on: datetime.date | None = Field(None, description="Day of the step; default today")
    body: str = Field("", description="assign: the body that must answer")
    deadline: datetime.date | None = Field(None, description="assign: answer by")
    answer: str = Field("", description="answer: the answer's text")
    answered_by: str = Field("", description="answer: default the assigned body")
    satisfaction: str = Field(
        "", description="close: satisfied, partly, not_satisfied or unknown"
    )
    reason: str = Field("", description="reject: why")


class PetitionFilterIn(Schema):
    unit: str | None = Field(None, description="Unit code: its whole subtree")
    on: datetime.date | None = Field(None, description="Day the unit code is read on")
    status: str = ""
    topic: str = ""
    channel: str = ""
    overdue: bool = False
    year: int | None = Field(None, description="Year received")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0)


class TrackOut(Schema):
    code: str
    status: str
    status_vi: str
    topic: str
    received_on: datetime.date
    assigned_on: datetime.date | None
    body: str
    deadline: datetime.date | None
    overdue: bool
    answered_on: datetime.date | None
    answered_by: str
    answer: str
    closed_on: datetime.date | None
    rejected_on: datetime.date | None
    reject_reason: str


class ErrorOut(Schema):
    code: str
    message_vi: str
    message_en: str
    field: str | None = None


def _out(request: HttpRequest, p: Petition) -> dict[str, Any]:
    contact = None
    if queries.may_handle(actor=request.user, unit=p.unit):
        contact = {
            "name": p.contact_name,
            "phone": p.contact_phone,
            "address": p.contact_address,
        }
    return {
        "id": p.pk,
        "tracking_code": p.tracking_code,
        "unit": p.unit.code,
        "unit_name": p.unit.name,
        "channel": p.channel,
        "topic": p.topic,
        "text": p.text,
        "received_on": p.received_on,
        "status": p.status,
        "overdue": bool(getattr(p, "overdue", False)),
        "body": p.body,
        "deadline": p.deadline,
        "assigned_on": p.assigned_on,
        "answer": p.answer,
        "answered_by": p.answered_by,
        "answered_on": p.answered_on,
        "satisfaction": p.satisfaction,
        "closed_on": p.closed_on,
        "reject_reason": p.reject_reason,
        "rejected_on": p.rejected_on,
        "attachments": int(getattr(p, "attachment_count", 0)),
        "is_sample": p.is_sample,
        "contact": contact,
    }


def _unit(code: str, on: datetime.date) -> Unit:
    unit = unit_get(code=code, on=on)
    if unit is None:
        raise DomainError(
            "unknown_unit",
            f"Không có đơn vị mã “{code}” vào ngày {on:%d/%m/%Y}.",
            f"No unit has code “{code}” on {on.isoformat()}.",
            field="unit",
        )
    return unit


def _get(request: HttpRequest, petition_id: int) -> Petition:
    found = (
        queries.petition_list(actor=request.user)
        .filter(pk=petition_id)
        .annotate(attachment_count=Count("attachments"))
        .first()
    )
    if found is None:
        raise DomainError(
            PetitionsErrorCode.NOT_FOUND,
            "Không tìm thấy kiến nghị trong phạm vi của bạn.",
            "No such petition in your scope.",
        )
    return found


@router.get("", response=PetitionListOut, summary="List petitions in your scope")
def petition_list(
    request: HttpRequest, filters: Query[PetitionFilterIn]
) -> dict[str, Any]:
    root = _unit(filters.unit, filters.on or queries.today()) if filters.unit else None
    found = queries.petition_list(
        actor=request.user,
        filters=PetitionFilter(
            root=root,
            status=filters.status,
            topic=filters.topic,
            channel=filters.channel,
            overdue=filters.overdue,
            year=filters.year,
        ),
    )
    count = found.count()
    page = found.annotate(attachment_count=Count("attachments"))[
        filters.offset : filters.offset + filters.limit
    ]
    return {"items": [_out(request, p) for p in page], "count": count}


@router.post(
    "",
    response={201: PetitionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Record a petition",
)
def petition_create(request: HttpRequest, data: PetitionIn) -> Status[Any]:
    received_on = data.received_on or queries.today()
    petition = services.petition_create(
        actor=request.user,
        unit=_unit(data.unit, received_on),
        channel=data.channel,
        topic=data.topic,
        text=data.text,
        received_on=received_on,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_address=data.contact_address,
        via=Via.API,
    )
    return Status(201, _out(request, _get(request, petition.pk)))


@router.get(
    "/track/{code}",
    auth=None,
    response={200: TrackOut, 404: ErrorOut, 429: ErrorOut},
    summary="Track a petition by its public code (no login; no personal data)",
)
def petition_track(request: HttpRequest, code: str) -> Status[Any]:
    if _track_limited(request):
        return Status(
            429,
            {
                "code": PetitionsErrorCode.RATE_LIMITED,
                "message_vi": "Bạn tra cứu quá nhiều lần. Hãy thử lại sau ít phút.",
                "message_en": "Too many look-ups. Try again in a few minutes.",
            },
        )
    petition = queries.petition_track(code=code)
    if petition is None:
        return Status(
            404,
            {
                "code": PetitionsErrorCode.NOT_FOUND,
                "message_vi": "Không tìm thấy kiến nghị có mã này.",
                "message_en": "No petition has this code.",
            },
        )
    return Status(
        200,
        {
            "code": petition.tracking_code,
            "status": petition.status,
            "status_vi": STATUS_VI[petition.status],
            "topic": petition.topic,
            "received_on": petition.received_on,
            "assigned_on": petition.assigned_on,
            "body": petition.body,
            "deadline": petition.deadline,
            "overdue": is_overdue(petition, queries.today()),
            "answered_on": petition.answered_on,
            "answered_by": petition.answered_by,
            "answer": petition.answer,
            "closed_on": petition.closed_on,
            "rejected_on": petition.rejected_on,
            "reject_reason": petition.reject_reason,
        },
    )


def _track_limited(request: HttpRequest) -> bool:
    """Count this look-up against the client address; True once over the limit."""
    limit = int(getattr(settings, "PETITION_TRACK_LIMIT", TRACK_LIMIT))
    window = int(
        getattr(settings, "PETITION_TRACK_WINDOW_SECONDS", TRACK_WINDOW_SECONDS)
    )
    ip = client_ip(request) or "unknown"
    key = "petitions:track:" + hashlib.sha256(ip.encode()).hexdigest()
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return int(count) > limit


@router.get(
    "/{petition_id}",
    response={200: PetitionOut, 404: ErrorOut},
    summary="One petition",
)
def petition_detail(request: HttpRequest, petition_id: int) -> Status[Any]:
    return Status(200, _out(request, _get(request, petition_id)))


@router.patch(
    "/{petition_id}",
    response={200: PetitionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Correct an open petition's channel, topic, text or contact",
)
def petition_update(
    request: HttpRequest, petition_id: int, data: PetitionPatch
) -> Status[Any]:
    petition = _get(request, petition_id)
    values = {k: v for k, v in data.dict().items() if v is not None}
    services.petition_update(
        actor=request.user, petition=petition, via=Via.API, **values
    )
    return Status(200, _out(request, _get(request, petition_id)))


@router.post(
    "/{petition_id}/transitions",
    response={200: PetitionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Assign, answer, close or reject a petition",
)
def petition_transition(
    request: HttpRequest, petition_id: int, data: TransitionIn
) -> Status[Any]:
    petition = _get(request, petition_id)
    if data.step not in STEPS:
        raise DomainError(
            PetitionsErrorCode.INVALID,
            f"Không có bước “{data.step}” (assign, answer, close, reject).",
            f"No such step “{data.step}” (assign, answer, close, reject).",
            field="step",
        )
    services.petition_step(
        actor=request.user,
        petition=petition,
        step=data.step,
        on=data.on,
        via=Via.API,
        body=data.body,
        deadline=data.deadline,
        answer=data.answer,
        answered_by=data.answered_by,
        outcome=data.satisfaction,
        reason=data.reason,
    )
    return Status(200, _out(request, _get(request, petition_id)))
