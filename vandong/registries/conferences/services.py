"""Writes of the dialogue-conference registry: conferences and the
commitments made there, with their follow-up. Every write is scoped
(Action.RECORD_REGISTRY on the conference's unit), checked and audited in one
transaction; a conference's date or unit change re-counts the communes."""

import datetime
from dataclasses import dataclass

from django.db import transaction

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor
from vandong.accounts.services import authorize
from vandong.core.models import Channel
from vandong.geo.models import Unit
from vandong.registries.common.audit import (
    audit_created,
    authorize_move,
    update_audited,
    user_id,
)
from vandong.registries.common.checks import FIRST_YEAR, check_text
from vandong.registries.common.errors import invalid
from vandong.registries.conferences.sync import conferences_sync_later
from vandong.registries.models import (
    ChairRole,
    Commitment,
    CommitmentStatus,
    Conference,
)

CONFERENCE_FIELDS = (
    "unit",
    "held_on",
    "chair_role",
    "chair_name",
    "chair_title",
    "participants_count",
    "participants",
    "issues",
    "note",
    "is_sample",
)
COMMITMENT_FIELDS = (
    "conference",
    "text",
    "responsible",
    "due_on",
    "status",
    "status_note",
)
CONFERENCE_ENTITY = "registries.conference"
COMMITMENT_ENTITY = "registries.commitment"
MAX_PARTICIPANTS = 1_000_000
MAX_TEXT = 20_000


@dataclass(frozen=True)
class ConferenceIn:
    unit: Unit
    held_on: datetime.date
    chair_role: str
    chair_name: str
    chair_title: str
    participants_count: int
    participants: str = ""
    issues: str = ""
    note: str = ""


@dataclass(frozen=True)
class CommitmentIn:
    text: str
    responsible: str = ""
    due_on: datetime.date | None = None
    status: str = CommitmentStatus.PENDING
    status_note: str = ""


def _long_text(value: str, field: str, label_vi: str, label_en: str) -> str:
    if len(value) > MAX_TEXT:
        raise invalid(
            field,
            f"{label_vi} dài quá {MAX_TEXT:,} ký tự.".replace(",", "."),
            f"{label_en} is longer than {MAX_TEXT:,} characters.",
        )
    return value.strip()


def check_conference(data: ConferenceIn) -> ConferenceIn:
    if data.chair_role not in ChairRole.values:
        raise invalid(
            "chair_role",
            "Người chủ trì phải là người đứng đầu cấp ủy hoặc chính quyền.",
            "The chair must be the head of the party committee or of the government.",
        )
    today = datetime.date.today()  # noqa: DTZ011 - a calendar day
    if data.held_on > today or data.held_on.year < FIRST_YEAR:
        raise invalid(
            "held_on",
            f"Ngày tổ chức phải từ năm {FIRST_YEAR} đến hôm nay.",
            f"The date must be between {FIRST_YEAR} and today.",
        )
    if not 1 <= data.participants_count <= MAX_PARTICIPANTS:
        raise invalid(
            "participants_count",
            "Số người tham dự phải lớn hơn 0.",
            "The number of participants must be above 0.",
        )
    if len(data.note) > 500:
        raise invalid("note", "Ghi chú dài quá 500 ký tự.", "The note is too long.")
    return ConferenceIn(
        unit=data.unit,
        held_on=data.held_on,
        chair_role=data.chair_role,
        chair_name=check_text(
            data.chair_name,
            "chair_name",
            120,
            "họ tên người chủ trì",
            "The chair's name",
        ),
        chair_title=check_text(
            data.chair_title,
            "chair_title",
            200,
            "chức vụ người chủ trì",
            "The chair's title",
        ),
        participants_count=data.participants_count,
        participants=_long_text(
            data.participants, "participants", "Thành phần", "The participants"
        ),
        issues=_long_text(data.issues, "issues", "Nội dung", "The issues"),
        note=data.note.strip(),
    )


def check_commitment(data: CommitmentIn) -> CommitmentIn:
    if data.status not in CommitmentStatus.values:
        raise invalid(
            "status",
            f"Trạng thái “{data.status}” không hợp lệ.",
            f"“{data.status}” is not a follow-up status.",
        )
    if len(data.responsible) > 200 or len(data.status_note) > 500:
        field = "responsible" if len(data.responsible) > 200 else "status_note"
        raise invalid(field, "Nội dung quá dài.", "The text is too long.")
    return CommitmentIn(
        text=_long_text(
            check_text(
                data.text, "text", MAX_TEXT, "nội dung cam kết", "The commitment"
            ),
            "text",
            "Nội dung cam kết",
            "The commitment",
        ),
        responsible=data.responsible.strip(),
        due_on=data.due_on,
        status=data.status,
        status_note=data.status_note.strip(),
    )


@transaction.atomic
def conference_create(
    *,
    actor: Actor,
    data: ConferenceIn,
    commitments: list[CommitmentIn] | None = None,
    channel: str = Channel.WEB,
    is_sample: bool = False,
) -> Conference:
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=data.unit)
    clean = check_conference(data)
    conference = Conference(
        **{f: getattr(clean, f) for f in CONFERENCE_FIELDS if f != "is_sample"},
        is_sample=is_sample,
        created_by_id=user_id(actor),
    )
    conference.save()
    audit_created(
        actor=actor,
        channel=channel,
        entity=CONFERENCE_ENTITY,
        record=conference,
        fields=CONFERENCE_FIELDS,
    )
    for item in commitments or []:
        _commitment_create(
            actor=actor, conference=conference, data=item, channel=channel
        )
    conferences_sync_later([clean.unit], [clean.held_on.year])
    return conference


@transaction.atomic
def conference_update(
    *,
    actor: Actor,
    conference: Conference,
    data: ConferenceIn,
    channel: str = Channel.WEB,
) -> Conference:
    authorize_move(actor=actor, current=conference.unit, new=data.unit)
    clean = check_conference(data)
    old_unit, old_year = conference.unit, conference.held_on.year
    changed = update_audited(
        actor=actor,
        channel=channel,
        entity=CONFERENCE_ENTITY,
        record=conference,
        fields=CONFERENCE_FIELDS,
        values={f: getattr(clean, f) for f in CONFERENCE_FIELDS if f != "is_sample"},
    )
    if not changed:
        return conference
    if old_unit.pk != clean.unit.pk or old_year != clean.held_on.year:
        conferences_sync_later([old_unit, clean.unit], [old_year, clean.held_on.year])
    return conference


def _commitment_create(
    *, actor: Actor, conference: Conference, data: CommitmentIn, channel: str
) -> Commitment:
    clean = check_commitment(data)
    commitment = Commitment(
        conference=conference,
        text=clean.text,
        responsible=clean.responsible,
        due_on=clean.due_on,
        status=clean.status,
        status_note=clean.status_note,
        is_sample=conference.is_sample,
    )
    commitment.save()
    audit_created(
        actor=actor,
        channel=channel,
        entity=COMMITMENT_ENTITY,
        record=commitment,
        fields=COMMITMENT_FIELDS,
    )
    return commitment


@transaction.atomic
def commitment_add(
    *,
    actor: Actor,
    conference: Conference,
    data: CommitmentIn,
    channel: str = Channel.WEB,
) -> Commitment:
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=conference.unit)
    return _commitment_create(
        actor=actor, conference=conference, data=data, channel=channel
    )


@transaction.atomic
def commitment_update(
    *,
    actor: Actor,
    commitment: Commitment,
    data: CommitmentIn,
    channel: str = Channel.WEB,
) -> Commitment:
    """Change a commitment or move its follow-up (pending, in progress, done,
    not done); every change audited."""
    authorize(
        actor=actor, action=Action.RECORD_REGISTRY, unit=commitment.conference.unit
    )
    clean = check_commitment(data)
    changed = ["text", "responsible", "due_on", "status", "status_note"]
    update_audited(
        actor=actor,
        channel=channel,
        entity=COMMITMENT_ENTITY,
        record=commitment,
        fields=COMMITMENT_FIELDS,
        values={name: getattr(clean, name) for name in changed},
    )
    return commitment
