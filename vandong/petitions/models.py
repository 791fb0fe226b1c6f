"""Citizens' petitions (kiến nghị) and the Front's supervision and social
criticism (giám sát, phản biện xã hội) with their recommendations.

A petition and a recommendation follow the same follow-up workflow (see
workflow.py): received → assigned (to a body, with a deadline) → answered →
closed, or rejected with a reason. Its columns live in the abstract
`FollowUp`; every step is kept as a `Step` row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vandong.core.models import TimeStampedModel
from vandong.geo.models import Unit


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Assigned")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")


class Channel(models.TextChoices):
    """How a petition reached the Front."""

    VOTER_MEETING = "voter_meeting", _("Voter meeting")
    DIALOGUE = "dialogue", _("Dialogue conference")
    MAILBOX = "mailbox", _("Mailbox")
    RECEPTION = "reception", _("Citizen reception")
    ONLINE = "online", _("Online")


class Topic(models.TextChoices):
    LAND = "land", _("Land")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    ENVIRONMENT = "environment", _("Environment")
    SOCIAL_POLICY = "social_policy", _("Social policy")
    SECURITY = "security", _("Security and order")
    ADMINISTRATION = "administration", _("Administration")
    OTHER = "other", _("Other")


class Satisfaction(models.TextChoices):
    """The citizen's view of the answer, recorded when a petition is closed."""

    SATISFIED = "satisfied", _("Satisfied")
    PARTLY = "partly", _("Partly satisfied")
    NOT_SATISFIED = "not_satisfied", _("Not satisfied")
    UNKNOWN = "unknown", _("Unknown")


class CarriedOut(models.TextChoices):
    """Whether a recommendation was carried out, recorded when it is closed."""

    YES = "yes", _("Carried out")
    PARTLY = "partly", _("Partly carried out")
    NO = "no", _("Not carried out")
    UNKNOWN = "unknown", _("Unknown")


class FollowUp(TimeStampedModel):
    """The workflow columns a petition and a recommendation share."""

    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    body = models.CharField(
        _("responsible body"), max_length=200, blank=True
    )  # assigned to
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    assigned_on = models.DateField(null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(null=True, blank=True)
    answered_by = models.CharField(_("answering body"), max_length=200, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    reject_reason = models.TextField(_("reason for rejection"), blank=True)
    rejected_on = models.DateField(null=True, blank=True)

    class Meta:
        abstract = True


class Petition(FollowUp):
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    text = models.TextField(_("petition"))
    received_on = models.DateField(_("received on"), db_index=True)
    # Personal data: shown only to officers who handle petitions on the unit.
    contact_name = models.CharField(_("citizen's name"), max_length=120, blank=True)
    contact_phone = models.CharField(_("phone"), max_length=30, blank=True)
    contact_address = models.CharField(_("address"), max_length=250, blank=True)
    satisfaction = models.CharField(
        _("citizen's satisfaction"),
        max_length=15,
        choices=Satisfaction.choices,
        blank=True,
    )
    # The public id: unguessable, never the pk.
    tracking_code = models.CharField(max_length=16, unique=True, editable=False)
    # Constructed demo records say so.
    is_sample = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="petitions_pet_due"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} ({self.unit_id}, {self.received_on})"


class Attachment(TimeStampedModel):
    """A file sent with a petition, kept under the data folder (storage.py)."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="attachments"
    )
    # The name the citizen's file had, for display and download.
    original_name = models.CharField(max_length=200)
    # Where it is stored, relative to the petitions media folder.
    stored_name = models.CharField(max_length=100, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["petition", "id"]

    def __str__(self) -> str:
        return self.original_name


class Supervision(TimeStampedModel):
    """A supervision activity (giám sát) or comments on a draft policy
    (phản biện xã hội)."""

    class Kind(models.TextChoices):
        SUPERVISION = "supervision", _("Supervision")
        CRITICISM = "criticism", _("Social criticism")

    kind = models.CharField(_("kind"), max_length=15, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=300)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"), db_index=True)
    participants = models.TextField(_("who took part"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    is_sample = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.subject


class Recommendation(FollowUp):
    """One recommendation of a supervision activity, followed up like a petition."""

    supervision = models.ForeignKey(
        Supervision, on_delete=models.CASCADE, related_name="recommendations"
    )
    text = models.TextField(_("recommendation"))
    carried_out = models.CharField(
        _("carried out"), max_length=10, choices=CarriedOut.choices, blank=True
    )

    class Meta:
        ordering = ["supervision", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="petitions_rec_due"),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def unit(self) -> Unit:
        return self.supervision.unit


class Step(models.Model):
    """One step of a petition's or a recommendation's history."""

    petition = models.ForeignKey(
        Petition, null=True, blank=True, on_delete=models.CASCADE, related_name="steps"
    )
    recommendation = models.ForeignKey(
        Recommendation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="steps",
    )
    at = models.DateTimeField(auto_now_add=True)
    on = models.DateField()
    from_status = models.CharField(max_length=10, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the step recorded (body, deadline, answer, satisfaction, reason).
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(petition__isnull=False, recommendation__isnull=True)
                | Q(petition__isnull=True, recommendation__isnull=False),
                name="petitions_step_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_status or '-'} → {self.to_status}"
