"""A petition as its sender may follow it by tracking code: where it stands
and the answer, never the sender's contact, the text or attachments."""

from typing import Any

from django.utils import timezone

from vandong.petitions.queries import petition_track
from vandong.petitions.workflow import STATUS_VI, is_overdue

CODE_MAX = 16


def clean_code(raw: str | None) -> str:
    """The code as typed, without spaces or dashes, upper-cased."""
    text = (raw or "").strip().upper().replace(" ", "").replace("-", "")
    return text[:CODE_MAX] if text.isalnum() else ""


def _day(value: object) -> str | None:
    return value.isoformat() if hasattr(value, "isoformat") else None


def track(code: str) -> dict[str, Any] | None:
    petition = petition_track(code=clean_code(code))
    if petition is None:
        return None
    return {
        "code": petition.tracking_code,
        "status": petition.status,
        "status_vi": STATUS_VI[petition.status],
        "topic": petition.topic,
        "unit": petition.unit.name,
        "received_on": _day(petition.received_on),
        "assigned_on": _day(petition.assigned_on),
        "body": petition.body,
        "deadline": _day(petition.deadline),
        "overdue": is_overdue(petition, timezone.localdate()),
        "answered_on": _day(petition.answered_on),
        "answered_by": petition.answered_by,
        "answer": petition.answer,
        "closed_on": _day(petition.closed_on),
        "rejected_on": _day(petition.rejected_on),
        "reject_reason": petition.reject_reason,
    }
