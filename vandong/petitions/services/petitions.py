"""Recording petitions, editing them, their workflow steps and attachments."""

import datetime
import re
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor
from vandong.accounts.services import authorize
from vandong.core.audit import audit_record
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Unit
from vandong.petitions import storage
from vandong.petitions.errors import PetitionsErrorCode, invalid
from vandong.petitions.models import (
    Attachment,
    Petition,
    Status,
    Step,
    Topic,
)
from vandong.petitions.models import (
    Channel as PetitionChannel,
)
from vandong.petitions.services.followup import (
    refuse_other_fields,
    save_corrected,
    take_step,
    user_or_none,
)
from vandong.petitions.workflow import Step as WorkflowStep

# No 0/O, 1/I/L: a code read aloud or copied by hand stays right.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 12  # 31**12 ≈ 7.9e17 codes
PHONE = re.compile(r"^\+?[0-9 .\-()]{6,20}$")
TEXT_MAX = 10_000
# Fields an officer may still correct while a petition is open.
EDITABLE = (
    "channel",
    "topic",
    "text",
    "contact_name",
    "contact_phone",
    "contact_address",
)
OPEN = (Status.RECEIVED, Status.ASSIGNED)


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check the petition's own fields; return them stripped."""
    cleaned = dict(values)
    if "channel" in cleaned and cleaned["channel"] not in PetitionChannel.values:
        raise invalid(
            "channel",
            "Kênh tiếp nhận không hợp lệ.",
            "Channel must be one of: " + ", ".join(PetitionChannel.values) + ".",
        )
    if "topic" in cleaned and cleaned["topic"] not in Topic.values:
        raise invalid(
            "topic",
            "Lĩnh vực không hợp lệ.",
            "Topic must be one of: " + ", ".join(Topic.values) + ".",
        )
    if "text" in cleaned:
        text = str(cleaned["text"] or "").strip()
        if not text:
            raise invalid(
                "text", "Cần ghi nội dung kiến nghị.", "The petition text is required."
            )
        if len(text) > TEXT_MAX:
            raise invalid(
                "text",
                f"Nội dung kiến nghị dài quá {TEXT_MAX:,} ký tự.".replace(",", "."),
                f"The petition text is longer than {TEXT_MAX:,} characters.",
            )
        cleaned["text"] = text
    for name, limit in (
        ("contact_name", 120),
        ("contact_phone", 30),
        ("contact_address", 250),
    ):
        if name in cleaned:
            cleaned[name] = str(cleaned[name] or "").strip()[:limit]
    phone = cleaned.get("contact_phone", "")
    if phone and not PHONE.match(phone):
        raise invalid(
            "contact_phone",
            "Số điện thoại không hợp lệ.",
            "The phone number is not valid.",
        )
    return cleaned


def _audit_fields(petition: Petition) -> dict[str, Any]:
    """What the audit keeps: everything but the citizen's personal data,
    of which it notes only whether it was given."""
    return {
        "unit": petition.unit.code,
        "unit_id": petition.unit_id,
        "channel": petition.channel,
        "topic": petition.topic,
        "text": petition.text,
        "received_on": petition.received_on.isoformat(),
        "contact_given": bool(
            petition.contact_name or petition.contact_phone or petition.contact_address
        ),
        "is_sample": petition.is_sample,
    }


@transaction.atomic
def petition_create(
    *,
    actor: Actor,
    unit: Unit,
    channel: str,
    topic: str,
    text: str,
    received_on: datetime.date | None = None,
    contact_name: str = "",
    contact_phone: str = "",
    contact_address: str = "",
    is_sample: bool = False,
    via: str = Channel.WEB,
) -> Petition:
    """Record a petition received on `unit` through `channel` (`via` is how
    the record reached vandong: web, API, import). It starts as received and
    gets its public tracking code."""
    authorize(actor=actor, action=Action.HANDLE_PETITIONS, unit=unit)
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today:
        raise invalid(
            "received_on",
            f"Ngày tiếp nhận {received_on:%d/%m/%Y} chưa tới.",
            f"The day received, {received_on.isoformat()}, is in the future.",
        )
    if not unit.is_valid_on(received_on):
        raise invalid(
            "unit",
            f"{unit} không tồn tại vào ngày {received_on:%d/%m/%Y}.",
            f"{unit} did not exist on {received_on.isoformat()}.",
        )
    cleaned = _clean(
        {
            "channel": channel,
            "topic": topic,
            "text": text,
            "contact_name": contact_name,
            "contact_phone": contact_phone,
            "contact_address": contact_address,
        }
    )
    petition = Petition(
        unit=unit,
        received_on=received_on,
        is_sample=is_sample,
        created_by=user_or_none(actor),
        **cleaned,
    )
    for _attempt in range(5):
        petition.tracking_code = new_tracking_code()
        try:
            with transaction.atomic():
                petition.save()
            break
        except IntegrityError:  # a code drawn twice: draw again
            continue
    else:  # pragma: no cover - 31**12 codes
        raise invalid("tracking_code", "Không tạo được mã tra cứu.", "No free code.")
    Step.objects.create(
        petition=petition,
        on=received_on,
        from_status="",
        to_status=Status.RECEIVED,
        actor=petition.created_by,
        detail={"channel": petition.channel},
    )
    audit_record(
        actor=actor,
        channel=via,
        action=AuditEntry.Action.CREATE,
        entity="petitions.petition",
        entity_id=petition.pk,
        new=_audit_fields(petition),
    )
    return petition


@transaction.atomic
def petition_update(
    *, actor: Actor, petition: Petition, via: str = Channel.WEB, **values: Any
) -> Petition:
    """Correct an open petition's channel, topic, text or contact."""
    refuse_other_fields(values, EDITABLE)
    authorize(actor=actor, action=Action.HANDLE_PETITIONS, unit=petition.unit)
    current = (
        Petition.objects.select_for_update().select_related("unit").get(pk=petition.pk)
    )
    if current.status not in OPEN:
        raise DomainError(
            PetitionsErrorCode.ILLEGAL_TRANSITION,
            "Chỉ sửa được kiến nghị chưa được trả lời.",
            "Only a petition not yet answered can be changed.",
            field="status",
        )
    corrected: Petition = save_corrected(
        actor=actor,
        via=via,
        record=current,
        cleaned=_clean(values),
        entity="petitions.petition",
        audited=_audit_fields,
        note=lambda changed: (
            "contact changed" if any(n.startswith("contact_") for n in changed) else ""
        ),
    )
    return corrected


def petition_step(
    *,
    actor: Actor,
    petition: Petition,
    step: str,
    on: datetime.date | None = None,
    via: str = Channel.WEB,
    **fields: Any,
) -> Petition:
    return take_step(actor=actor, item=petition, step=step, on=on, via=via, **fields)


def petition_assign(
    *,
    actor: Actor,
    petition: Petition,
    body: str,
    deadline: datetime.date,
    on: datetime.date | None = None,
    via: str = Channel.WEB,
) -> Petition:
    """Pass the petition to the body that must answer it, with a deadline."""
    return petition_step(
        actor=actor,
        petition=petition,
        step=WorkflowStep.ASSIGN,
        on=on,
        via=via,
        body=body,
        deadline=deadline,
    )


def petition_answer(
    *,
    actor: Actor,
    petition: Petition,
    answer: str,
    answered_by: str = "",
    on: datetime.date | None = None,
    via: str = Channel.WEB,
) -> Petition:
    """Record the body's answer (the answering body defaults to the assigned one)."""
    return petition_step(
        actor=actor,
        petition=petition,
        step=WorkflowStep.ANSWER,
        on=on,
        via=via,
        answer=answer,
        answered_by=answered_by,
    )


def petition_close(
    *,
    actor: Actor,
    petition: Petition,
    satisfaction: str,
    on: datetime.date | None = None,
    via: str = Channel.WEB,
) -> Petition:
    """Close an answered petition with the citizen's satisfaction."""
    return petition_step(
        actor=actor,
        petition=petition,
        step=WorkflowStep.CLOSE,
        on=on,
        via=via,
        outcome=satisfaction,
    )


def petition_reject(
    *,
    actor: Actor,
    petition: Petition,
    reason: str,
    on: datetime.date | None = None,
    via: str = Channel.WEB,
) -> Petition:
    """Refuse a received or assigned petition, with the reason."""
    return petition_step(
        actor=actor,
        petition=petition,
        step=WorkflowStep.REJECT,
        on=on,
        via=via,
        reason=reason,
    )


@transaction.atomic
def attachment_add(
    *,
    actor: Actor,
    petition: Petition,
    name: str,
    content: bytes,
    via: str = Channel.WEB,
) -> Attachment:
    """Keep a file with the petition: PDF, JPEG, PNG or DOCX by content, at
    most 5 MB, at most 5 per petition."""
    authorize(actor=actor, action=Action.HANDLE_PETITIONS, unit=petition.unit)
    locked = Petition.objects.select_for_update().get(pk=petition.pk)
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "tep"
    if Attachment.objects.filter(petition=locked).count() >= storage.MAX_FILES:
        raise DomainError(
            PetitionsErrorCode.TOO_MANY_ATTACHMENTS,
            f"Mỗi kiến nghị có tối đa {storage.MAX_FILES} tệp đính kèm.",
            f"A petition has at most {storage.MAX_FILES} attachments.",
            field="file",
        )
    accepted = storage.check(name, content)
    stored_name = storage.write(accepted, content)
    try:
        attachment = Attachment.objects.create(
            petition=locked,
            original_name=name,
            stored_name=stored_name,
            content_type=accepted.content_type,
            size=len(content),
            sha256=accepted.sha256,
        )
        audit_record(
            actor=actor,
            channel=via,
            action=AuditEntry.Action.CREATE,
            entity="petitions.attachment",
            entity_id=attachment.pk,
            new={
                "petition_id": locked.pk,
                "name": name,
                "content_type": accepted.content_type,
                "size": len(content),
                "sha256": accepted.sha256,
            },
        )
    except Exception:
        storage.remove(stored_name)
        raise
    return attachment
