"""The columns every registry record shares."""

from django.conf import settings
from django.db import models

from vandong.core.models import TimeStampedModel


class SampleRecord(TimeStampedModel):
    """A row the demo may construct."""

    # Records constructed for the demo say so.
    is_sample = models.BooleanField(default=False)

    class Meta:
        abstract = True


class RegistryRecord(SampleRecord):
    """A registry's own record: a sample flag and the user who recorded it."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True
