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
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Unit
from vandong.petitions.errors import invalid, required_text
from vandong.petitions.models import Recommendation, Status, Step, Supervision
from vandong.petitions.services.followup import (
    refuse_other_fields,
    save_corrected,
    take_step,
    user_or_none,
)


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
        raise invalid(
            "kind",
            "Loại hoạt động không hợp lệ.",
            "Kind must be supervision or criticism.",
        )
    if held_on > timezone.localdate():
        raise invalid(
            "held_on",
            f"Ngày {held_on:%d/%m/%Y} chưa tới.",
            f"{held_on.isoformat()} is in the future.",
        )
    supervision = Supervision(
        kind=kind,
        subject=required_text(subject, "subject", "nội dung giám sát", "subject", 300),
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


# Fields an officer may correct on a recorded activity (its unit and day stay:
# its recommendations' history starts on that day).
SUPERVISION_EDITABLE = ("kind", "subject", "participants", "findings")


def _supervision_audit(supervision: Supervision) -> dict[str, Any]:
    return {
        "kind": supervision.kind,
        "subject": supervision.subject,
        "participants": supervision.participants,
        "findings": supervision.findings,
    }


@transaction.atomic
def supervision_update(
    *,
    actor: Actor,
    supervision: Supervision,
    via: str = Channel.WEB,
    **values: Any,
) -> Supervision:
    """Correct an activity's kind, subject, participants or findings."""
    refuse_other_fields(values, SUPERVISION_EDITABLE)
    authorize(actor=actor, action=Action.HANDLE_PETITIONS, unit=supervision.unit)
    current = (
        Supervision.objects.select_for_update()
        .select_related("unit")
        .get(pk=supervision.pk)
    )
    cleaned = dict(values)
    if "kind" in cleaned and cleaned["kind"] not in Supervision.Kind.values:
        raise invalid(
            "kind",
            "Loại hoạt động không hợp lệ.",
            "Kind must be supervision or criticism.",
        )
    if "subject" in cleaned:
        cleaned["subject"] = required_text(
            cleaned["subject"], "subject", "nội dung giám sát", "subject", 300
        )
    for name in ("participants", "findings"):
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()
    corrected: Supervision = save_corrected(
        actor=actor,
        via=via,
        record=current,
        cleaned=cleaned,
        entity="petitions.supervision",
        audited=_supervision_audit,
    )
    return corrected


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
        text=required_text(text, "text", "nội dung kiến nghị", "recommendation", 5000),
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
    return take_step(
        actor=actor, item=recommendation, step=step, on=on, via=via, **fields
    )
