"""Criteria sets in the database: loaded from the YAML files of `sets/` (or a
file an administrator uploads), thresholds editable in the admin.

A set is identified by its code; a newer version of the file replaces the
definition, the same version leaves it (and an administrator's threshold
edits) alone. Province layers are stored merged, as their own set.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vandong.core.models import TimeStampedModel
from vandong.geo.models import Level


class CriteriaSet(TimeStampedModel):
    class ThresholdKey(models.TextChoices):
        NONE = "none", _("The same everywhere")
        REGION = "region", _("By region")
        COMMUNE_GROUP = "commune_group", _("By commune group")

    code = models.CharField(max_length=60, unique=True)
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=30)
    name_vi = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    unit_types = models.JSONField(default=list)
    threshold_key = models.CharField(max_length=20, choices=ThresholdKey.choices)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    at_least = models.PositiveSmallIntegerField(null=True, blank=True)
    province = models.CharField(max_length=10, blank=True)
    extends = models.CharField(max_length=60, blank=True)
    recognition_element = models.CharField(max_length=60, blank=True)
    legal_basis = models.JSONField(default=list)
    notes_vi = models.TextField(blank=True)
    notes_en = models.TextField(blank=True)
    undefined = models.JSONField(default=list)
    # The file as loaded, for provenance and export.
    source_file = models.CharField(max_length=200, blank=True)
    source_text = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "valid_from", "code"]

    def __str__(self) -> str:
        return f"{self.name_vi} (v{self.version})"


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(max_length=20)
    order = models.PositiveSmallIntegerField()
    name_vi = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    group_vi = models.CharField(max_length=200, blank=True)
    at_least = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["criteria_set", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "code"], name="catalog_criterion_code_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name_vi}"


class Indicator(models.Model):
    criterion = models.ForeignKey(
        Criterion, on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.CharField(max_length=20)
    order = models.PositiveSmallIntegerField()
    name_vi = models.CharField(max_length=500)
    name_en = models.CharField(max_length=500)
    measure = models.CharField(max_length=40, blank=True)
    at_least = models.PositiveSmallIntegerField(null=True, blank=True)
    # [{"value": {"element": ...} | {"numerator", "denominator"} |
    #   {"child_element", "child_level"}, "comparator": ">="}, ...]
    conditions = models.JSONField(default=list)
    # {"document", "date", "appendix", "row", "url", "verified", "note"}
    source = models.JSONField(default=dict)
    verified = models.BooleanField(default=False)
    undefined_vi = models.TextField(blank=True)
    undefined_en = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion", "order"]

    def __str__(self) -> str:
        return f"{self.code}. {self.name_vi}"


class Threshold(models.Model):
    """One threshold value of an indicator's condition. `key` "" is the
    general value; a region code or commune group otherwise. Edited by an
    administrator: every edit is audited and keeps who and when."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="thresholds"
    )
    condition = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    value = models.FloatField()
    verified = models.BooleanField(
        default=False,
        help_text=_("Confirmed in the official text (document, appendix, row)."),
    )
    document = models.CharField(max_length=120, blank=True)
    appendix = models.CharField(max_length=120, blank=True)
    row = models.CharField(max_length=40, blank=True)
    url = models.CharField(max_length=500, blank=True)
    note = models.CharField(max_length=500, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["indicator", "condition", "key", "year"]
        # One threshold per (condition, key, year), "any year" (null)
        # included: two partial indexes, which SQLite supports too.
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "condition", "key", "year"],
                condition=Q(year__isnull=False),
                name="catalog_threshold_uniq",
            ),
            models.UniqueConstraint(
                fields=["indicator", "condition", "key"],
                condition=Q(year__isnull=True),
                name="catalog_threshold_any_year_uniq",
            ),
        ]

    def __str__(self) -> str:
        where = self.key or "chung"
        return f"{self.indicator.code} [{where}] {self.value:g}"
