"""The registries' error codes and the refusals they raise."""

from django.db import models

from vandong.core.errors import CoreErrorCode, DomainError


class RegistryErrorCode(models.TextChoices):
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    WRONG_LEVEL = "wrong_level"
    SCORE_BAND_MISMATCH = "score_band_mismatch"
    DUPLICATE = "duplicate"


def invalid(field: str, message_vi: str, message_en: str) -> DomainError:
    return DomainError(RegistryErrorCode.INVALID, message_vi, message_en, field=field)


def not_found(what_vi: str, what_en: str, key: object) -> DomainError:
    return DomainError(
        CoreErrorCode.NOT_FOUND,
        f"Không tìm thấy {what_vi} số {key} (hoặc nằm ngoài phạm vi của bạn).",
        f"No {what_en} #{key} (or it is outside your scope).",
    )
