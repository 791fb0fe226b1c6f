"""Indicators and targets, as data.

The analytics tables themselves are not here: they live in the columnar
store (`store.py`), next to the database, written only by this app.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vandong.core.models import TimeStampedModel


class Indicator(TimeStampedModel):
    """A figure computed at any level and period: numerator / denominator,
    each a sum of terms over data elements, unit counts, evaluation results
    and recognitions (see `expressions.py`)."""

    code = models.CharField(max_length=60, unique=True)
    name_vi = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    # The section of the report and dashboard it belongs to.
    group = models.CharField(max_length=40, blank=True)
    numerator = models.CharField(max_length=500)
    denominator = models.CharField(max_length=500, blank=True)
    # 100 for a percent; 1 for a count or a total.
    factor = models.FloatField(default=1.0)
    # What the value counts ("%", "xã", "đồng", "m²"), in Vietnamese.
    measure_vi = models.CharField(max_length=30, blank=True)
    measure_en = models.CharField(max_length=30, blank=True)
    decimals = models.PositiveSmallIntegerField(default=0)
    # The lowest level it makes sense at (a share of communes needs communes below).
    min_level = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_vi}"


class Comparator(models.TextChoices):
    GE = ">=", "≥"
    GT = ">", ">"
    LE = "<=", "≤"
    LT = "<", "<"


class TargetKind(models.TextChoices):
    # The indicator reaches the value by the deadline.
    LEVEL = "level", _("Reach a level")
    # The indicator grows by the value from its baseline year's value.
    INCREASE = "increase", _("Increase from the baseline")


class Target(TimeStampedModel):
    """“Over 60% of wards and towns civilized-urban by 2025” as data."""

    code = models.CharField(max_length=60, unique=True)
    name_vi = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets"
    )
    # The unit the target is set for; none for the whole country.
    scope = models.ForeignKey(
        "geo.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(
        max_length=10, choices=TargetKind.choices, default=TargetKind.LEVEL
    )
    comparator = models.CharField(
        max_length=2, choices=Comparator.choices, default=Comparator.GE
    )
    value = models.FloatField()
    baseline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_year = models.PositiveSmallIntegerField()
    # The document that set it (resolution, decision, programme).
    source = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["deadline_year", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="increase") | Q(baseline_year__isnull=False),
                name="analytics_target_increase_has_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_vi}"
