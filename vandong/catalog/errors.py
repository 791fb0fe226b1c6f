from django.db import models


class CatalogErrorCode(models.TextChoices):
    # A fixture file is unreadable or one of its items breaks a rule; the
    # DomainError's rows name each file, line and item.
    INVALID_CATALOG = "invalid_catalog"
