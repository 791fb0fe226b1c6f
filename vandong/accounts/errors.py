from django.db import models


class AccountsErrorCode(models.TextChoices):
    OUT_OF_SCOPE = "out_of_scope"
    NOT_ALLOWED = "not_allowed"
    ROLE_LEVEL_MISMATCH = "role_level_mismatch"
    UNKNOWN_ROLE = "unknown_role"
    UNKNOWN_UNIT = "unknown_unit"
    UNKNOWN_USER = "unknown_user"
    USER_EXISTS = "user_exists"
    INVALID_USERNAME = "invalid_username"
    INVALID_PASSWORD = "invalid_password"  # noqa: S105 an error code, not a password
    ROLE_EXISTS = "role_exists"
    ROLE_NOT_HELD = "role_not_held"
