"""The petitions error codes and the refusals the services share."""

from django.db import models

from vandong.core.errors import DomainError


class PetitionsErrorCode(models.TextChoices):
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ATTACHMENT_TOO_BIG = "attachment_too_big"
    ATTACHMENT_TYPE = "attachment_type"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
    RATE_LIMITED = "rate_limited"


def invalid(field: str, message_vi: str, message_en: str) -> DomainError:
    return DomainError(PetitionsErrorCode.INVALID, message_vi, message_en, field=field)


def required_text(
    value: str, field: str, label_vi: str, label_en: str, limit: int
) -> str:
    """The text stripped; refused when empty or longer than `limit`."""
    value = (value or "").strip()
    if not value:
        raise invalid(field, f"Cần ghi {label_vi}.", f"The {label_en} is required.")
    if len(value) > limit:
        raise invalid(
            field,
            f"{label_vi[:1].upper()}{label_vi[1:]} dài quá {limit} ký tự.",
            f"The {label_en} is longer than {limit} characters.",
        )
    return value
