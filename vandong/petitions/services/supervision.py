"""Supervision activities and social criticism, and their recommendations;
a recommendation's follow-up is the petitions' workflow (take_step)."""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor
from vandong.accounts.services import authorize
from vandong.core.audit import audit_record
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Unit
from vandong.petitions.errors import PetitionsErrorCode
from vandong.petitions.models import Recommendation, Status, Step, Supervision
from vandong.petitions.services.followup import take_step, user_or_none


def _invalid(field: str, message_vi: str, message_en: str) -> DomainError:
    return DomainError(PetitionsErrorCode.INVALID, message_vi, message_en, field=field)


def _required(value: str, field: str, label_vi: str, label_en: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise _invalid(field, f"Cần ghi {label_vi}.", f"The {label_en} is required.")
    if len(value) > limit:
        raise _invalid(
            field,
            f"{label_vi[:1].upper()}{label_vi[1:]} dài quá {limit} ký tự.",
            f"The {label_en} is longer than {limit} characters.",
        )
    return value


@transaction.atomic
def supervision_create(
    *,
    actor: Actor,
    kind: str,
    subject: str,
    unit: Unit,
    held_on: datetime.date,
    participants: str = "",
    findings: str = "",
    recommendations: list[str] | None = None,
    is_sample: bool = False,
    via: str = Channel.WEB,
) -> Supervision:
    """Record a supervision activity or social criticism held on `unit`, with
    its recommendations (each one then followed up on its own)."""
    authorize(actor=actor, action=Action.HANDLE_PETITIONS, unit=unit)
    if kind not in Supervision.Kind.values:
        raise _invalid(
            "kind",
            "Loại hoạt động không hợp lệ.",
            "Kind must be supervision or criticism.",
        )
    if held_on > timezone.localdate():
        raise _invalid(
            "held_on",
            f"Ngày {held_on:%d/%m/%Y} chưa tới.",
            f"{held_on.isoformat()} is in the future.",
        )
    supervision = Supervision(
        kind=kind,
        subject=_required(subject, "subject", "nội dung giám sát", "subject", 300),
        unit=unit,
        held_on=held_on,
        participants=(participants or "").strip(),
        findings=(findings or "").strip(),
        is_sample=is_sample,
        created_by=user_or_none(actor),
    )
    supervision.full_clean(validate_constraints=False)
    supervision.save()
    audit_record(
        actor=actor,
        channel=via,
        action=AuditEntry.Action.CREATE,
        entity="petitions.supervision",
        entity_id=supervision.pk,
        new={
            "kind": kind,
            "subject": supervision.subject,
            "unit": unit.code,
            "unit_id": unit.pk,
            "held_on": held_on.isoformat(),
            "is_sample": is_sample,
        },
    )
    for text in recommendations or []:
        if text.strip():
            recommendation_add(actor=actor, supervision=supervision, text=text, via=via)
    return supervision


@transaction.atomic
def recommendation_add(
    *,
    actor: Actor,
    supervision: Supervision,
    text: str,
    via: str = Channel.WEB,
) -> Recommendation:
    """Add a recommendation to a supervision activity; it starts as received."""
    authorize(actor=actor, action=Action.HANDLE_PETITIONS, unit=supervision.unit)
    recommendation = Recommendation.objects.create(
        supervision=supervision,
        text=_required(text, "text", "nội dung kiến nghị", "recommendation", 5000),
    )
    Step.objects.create(
        recommendation=recommendation,
        on=supervision.held_on,
        from_status="",
        to_status=Status.RECEIVED,
        actor=user_or_none(actor),
    )
    audit_record(
        actor=actor,
        channel=via,
        action=AuditEntry.Action.CREATE,
        entity="petitions.recommendation",
        entity_id=recommendation.pk,
        new={"supervision_id": supervision.pk, "text": recommendation.text},
    )
    return recommendation


def recommendation_step(
    *,
    actor: Actor,
    recommendation: Recommendation,
    step: str,
    on: datetime.date | None = None,
    via: str = Channel.WEB,
    **fields: Any,
) -> Recommendation:
    """Assign, answer, close (with whether it was carried out: `outcome`) or
    reject a recommendation: the same workflow as a petition."""
    result = take_step(
        actor=actor, item=recommendation, step=step, on=on, via=via, **fields
    )
    assert isinstance(result, Recommendation)  # noqa: S101 - same type as given
    return result
