"""Dialogue conferences (hội nghị đối thoại) between the heads of the party
committee or the government and the people, and the commitments made there,
each followed up to done or not done."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Unit
from vandong.registries.models.base import RegistryRecord, SampleRecord


class ChairRole(models.TextChoices):
    PARTY = "party", _("Head of the party committee")
    GOVERNMENT = "government", _("Head of the government")


class CommitmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    NOT_DONE = "not_done", _("Not done")


CLOSED_STATUSES = frozenset({CommitmentStatus.DONE, CommitmentStatus.NOT_DONE})


class ConferenceQuerySet(models.QuerySet["Conference"]):
    def within(self, unit: Unit) -> "ConferenceQuerySet":
        return self.filter(unit__path__startswith=unit.path)


class Conference(RegistryRecord):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="conferences")
    held_on = models.DateField()
    chair_role = models.CharField(max_length=20, choices=ChairRole.choices)
    chair_name = models.CharField(max_length=120)
    chair_title = models.CharField(max_length=200)
    participants_count = models.PositiveIntegerField()
    participants = models.TextField(blank=True)
    issues = models.TextField(blank=True)
    note = models.CharField(max_length=500, blank=True)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["unit", "held_on"])]
        verbose_name = _("dialogue conference")
        verbose_name_plural = _("dialogue conferences")

    def __str__(self) -> str:
        return f"{self.unit_id} {self.held_on:%Y-%m-%d}"


class Commitment(SampleRecord):
    """A commitment made at a conference, and where its follow-up stands."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="commitments"
    )
    text = models.TextField()
    responsible = models.CharField(max_length=200, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20,
        choices=CommitmentStatus.choices,
        default=CommitmentStatus.PENDING,
    )
    status_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["conference_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommitmentStatus.values),
                name="registries_commitment_status",
            )
        ]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def __str__(self) -> str:
        return self.text[:60]
