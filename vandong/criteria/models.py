"""Evaluation results and recognition records.

An `Evaluation` is the stored result of judging one unit, for one year,
against one criteria set: its overall status and, as JSON, the status of each
criterion and each indicator (value, threshold, gap, whether the threshold is
verified). It is recomputed from the data whenever the data or the set
changes; a `Recognition` is the official decision, kept apart from it, so the
two can be compared.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vandong.catalog.models import CriteriaSet
from vandong.core.models import TimeStampedModel
from vandong.geo.models import Unit


class Status(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NO_DATA = "no_data", _("No data")
    NO_THRESHOLD = "no_threshold", _("No threshold")


class Evaluation(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, on_delete=models.CASCADE, related_name="evaluations"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices)
    criteria_met = models.PositiveSmallIntegerField()
    criteria_not_met = models.PositiveSmallIntegerField()
    criteria_no_data = models.PositiveSmallIntegerField()
    criteria_total = models.PositiveSmallIntegerField()
    gap_score = models.FloatField(default=0.0)
    # Some result used a threshold or rule not confirmed in the official text.
    unverified = models.BooleanField(default=False)
    # {criterion code: {"status", "met", "total"}}
    criteria = models.JSONField(default=dict)
    # [{"criterion", "indicator", "condition", "value", "threshold",
    #   "comparator", "verified", "status", "gap"}], in the set's order.
    indicators = models.JSONField(default=list)
    set_version = models.PositiveIntegerField()
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["criteria_set", "year", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "unit", "year"],
                name="criteria_evaluation_uniq",
            )
        ]
        indexes = [models.Index(fields=["unit", "year"], name="criteria_eval_unit")]

    def __str__(self) -> str:
        return f"{self.criteria_set.code} {self.unit_id} {self.year}: {self.status}"


class Recognition(TimeStampedModel):
    """An official decision recognising a unit as meeting a standard
    (e.g. "Quyết định số 123/QĐ-UBND ngày 15/12/2020 của UBND tỉnh công nhận
    xã đạt chuẩn nông thôn mới năm 2020")."""

    kind = models.CharField(max_length=30)  # a criteria-set kind
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    title_vi = models.CharField(max_length=300)
    decision_number = models.CharField(max_length=60)
    decision_date = models.DateField()
    authority = models.CharField(max_length=200)
    revoked_on = models.DateField(null=True, blank=True)
    revoked_by_decision = models.CharField(max_length=60, blank=True)
    note = models.CharField(max_length=500, blank=True)
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
        ordering = ["kind", "year", "unit"]
        indexes = [models.Index(fields=["kind", "unit"], name="criteria_recog_unit")]

    def __str__(self) -> str:
        return f"{self.decision_number} — {self.title_vi}"

    def holds_in(self, year: int) -> bool:
        """In force during `year`: recognised that year or before, not
        revoked before the year ended."""
        if self.year > year:
            return False
        return self.revoked_on is None or self.revoked_on.year > year
