from django.db import models


class PetitionsErrorCode(models.TextChoices):
    ILLEGAL_TRANSITION = "illegal_transition"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    ATTACHMENT_TOO_BIG = "attachment_too_big"
    ATTACHMENT_TYPE = "attachment_type"
    TOO_MANY_ATTACHMENTS = "too_many_attachments"
    RATE_LIMITED = "rate_limited"
