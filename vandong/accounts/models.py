"""Roles held on units. A role on a unit covers the unit's whole subtree."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vandong.core.models import TimeStampedModel


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    PROVINCE_OFFICER = "province_officer", _("Province officer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    VILLAGE_REPORTER = "village_reporter", _("Village reporter")
    VIEWER = "viewer", _("Viewer")


class RoleAssignment(TimeStampedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    # Null only for an administrator: the whole country.
    unit = models.ForeignKey(
        "geo.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ("user_id", "role", "unit_id")
        constraints = (
            # Two partial constraints, as SQLite cannot make NULLs equal in one.
            models.UniqueConstraint(
                fields=["user", "role", "unit"],
                condition=Q(unit__isnull=False),
                name="accounts_role_assignment_uniq",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(unit__isnull=True),
                name="accounts_role_assignment_country_uniq",
            ),
            models.CheckConstraint(
                condition=Q(unit__isnull=False) | Q(role="administrator"),
                name="accounts_role_assignment_unit_required",
            ),
        )

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.unit}"


class ApiToken(TimeStampedModel):
    """A machine client's bearer token; only its SHA-256 digest is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
