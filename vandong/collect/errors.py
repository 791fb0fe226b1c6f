"""Error codes of data collection, raised as `DomainError(code, message_vi, message_en)`."""

from django.db import models


class CollectErrorCode(models.TextChoices):
    # A file that cannot be read at all (empty, too large, not CSV, wrong columns).
    INVALID_FILE = "invalid_file"
    # Rows that cannot be stored; `DomainError.rows` lists every one (capped).
    INVALID_ROWS = "invalid_rows"
    # Rows for units outside the actor's data-entry scope (403).
    OUT_OF_SCOPE = "out_of_scope"
    # The actor holds no role allowing the step here (403).
    NOT_ALLOWED = "not_allowed"
    # Rows of an approved (data set, unit, period) (409).
    LOCKED = "locked"
    # An approval step that does not fit the current state (409).
    CONFLICT = "conflict"
    # Submitting with error-severity rule violations.
    VALIDATION_FAILED = "validation_failed"
    # Submitting with required values missing.
    INCOMPLETE = "incomplete"
    # A data set, unit and period that do not go together.
    MISMATCH = "mismatch"
