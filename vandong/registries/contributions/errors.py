from django.db import models


class ContributionErrorCode(models.TextChoices):
    INVALID = "invalid"
    INVALID_ROWS = "invalid_rows"
    INVALID_FILE = "invalid_file"
    NOT_FOUND = "not_found"
    OUT_OF_SCOPE = "out_of_scope"
