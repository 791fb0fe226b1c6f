"""The catalog: what is collected (data elements, data sets), when (periods),
and the rules values must keep (validation rules). Shipped as versioned YAML
under vandong/catalog/fixtures/ with stable codes; edited in the admin.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vandong.core.models import TimeStampedModel
from vandong.geo.models import Level


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    PERCENT = "percent", _("Percent (0-100)")
    BOOLEAN = "boolean", _("Yes/no")
    MONEY_VND = "money_vnd", _("Money (VND)")
    AREA_M2 = "area_m2", _("Area (m²)")
    AREA_HA = "area_ha", _("Area (ha)")
    LABOUR_DAYS = "labour_days", _("Labour days")
    TEXT = "text", _("Text")


# Types stored as whole numbers: a fraction is refused, and "2.142.500" is read
# as two million (dots can only group thousands).
WHOLE_TYPES = frozenset(
    {ValueType.INTEGER, ValueType.MONEY_VND, ValueType.LABOUR_DAYS, ValueType.AREA_M2}
)
NUMERIC_TYPES = frozenset(set(ValueType.values) - {ValueType.TEXT})


class TreeAggregation(models.TextChoices):
    """How a value rolls up to the ancestors of its unit."""

    SUM = "sum", _("Sum")
    WEIGHTED_AVERAGE = "weighted_average", _("Average weighted by a denominator")
    MIN = "min", _("Minimum")
    MAX = "max", _("Maximum")
    COUNT_TRUE = "count_true", _("Count of units where yes")
    NONE = "none", _("Does not aggregate")


class TimeAggregation(models.TextChoices):
    """How yearly values combine over a phase."""

    SUM = "sum", _("Sum (flows)")
    LAST = "last", _("Last value (stocks)")
    NONE = "none", _("Does not aggregate")


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    PHASE = "phase", _("Phase")
    # For exchange with systems that report more often (DHIS2 monthly data).
    QUARTER = "quarter", _("Quarter")
    MONTH = "month", _("Month")


class Period(models.Model):
    """A year ("2020") or a phase ("2016-2020") of the campaign; quarters
    ("2021Q1") and months ("202001") for data exchanged with DHIS2."""

    code = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=10, choices=PeriodKind.choices)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start", "-end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")), name="catalog_period_interval"
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def year(self) -> int:
        return self.start.year

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end


class DataElement(TimeStampedModel):
    """A figure collected at one level (chỉ tiêu)."""

    code = models.CharField(max_length=60, unique=True)
    name_vi = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    short_name_vi = models.CharField(max_length=120, blank=True)
    description = models.TextField(blank=True)
    value_type = models.CharField(max_length=20, choices=ValueType.choices)
    # Unit of measure as printed: "hộ", "m²", "ngày công", "%", "đồng".
    measure = models.CharField(max_length=30, blank=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    tree_aggregation = models.CharField(
        max_length=20, choices=TreeAggregation.choices, default=TreeAggregation.SUM
    )
    time_aggregation = models.CharField(
        max_length=10, choices=TimeAggregation.choices, default=TimeAggregation.LAST
    )
    # For a percent or an average: the element whose values weigh it when it
    # rolls up (a ratio is recomputed from numerator and denominator).
    denominator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    numerator = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    min_value = models.FloatField(null=True, blank=True)
    max_value = models.FloatField(null=True, blank=True)
    # DHIS2 identifiers for exchange (optional).
    dhis2_uid = models.CharField(max_length=11, blank=True)
    # The seed figure(s) this element serves, for docs/catalog.md.
    source_note = models.CharField(max_length=300, blank=True)
    # The registry that totals this element from its records (contributions,
    # ocop, teams, conferences): written only by that registry's sync, never
    # entered in a form, an import or the API.
    registry = models.CharField(max_length=20, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(min_value__lte=models.F("max_value")),
                name="catalog_element_range",
            ),
            models.UniqueConstraint(
                fields=["dhis2_uid"],
                condition=~Q(dhis2_uid=""),
                name="catalog_element_dhis2_uid_uniq",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_vi}"

    @property
    def is_computed(self) -> bool:
        """A ratio computed from its numerator and denominator, never entered."""
        return self.numerator_id is not None and self.denominator_id is not None


class DataSet(TimeStampedModel):
    """A form (biểu mẫu) of related elements collected at one level, per year."""

    code = models.CharField(max_length=60, unique=True)
    name_vi = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    period_kind = models.CharField(
        max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    elements: "models.ManyToManyField[DataElement, DataSetElement]" = (
        models.ManyToManyField(
            DataElement, through="DataSetElement", related_name="data_sets"
        )
    )
    dhis2_uid = models.CharField(max_length=11, blank=True)
    version = models.PositiveIntegerField(default=1)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name_vi}"


class DataSetElement(models.Model):
    data_set = models.ForeignKey(
        DataSet, on_delete=models.CASCADE, related_name="members"
    )
    data_element = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="+"
    )
    section_vi = models.CharField(max_length=200, blank=True)
    section_en = models.CharField(max_length=200, blank=True)
    order = models.PositiveIntegerField(default=0)
    is_required = models.BooleanField(default=False)

    class Meta:
        ordering = ["data_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["data_set", "data_element"], name="catalog_dataset_element_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.data_set.code}/{self.data_element.code}"


class Operator(models.TextChoices):
    LE = "<=", "≤"
    LT = "<", "<"
    GE = ">=", "≥"
    GT = ">", ">"
    EQ = "==", "="
    NE = "!=", "≠"


class ValidationRule(TimeStampedModel):
    """`left operator right` over one unit and period, where each side is the
    sum of data elements (codes) times a factor, plus a constant."""

    class Severity(models.TextChoices):
        ERROR = "error", _("Error")
        WARNING = "warning", _("Warning")

    code = models.CharField(max_length=60, unique=True)
    name_vi = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    # Expressions: "HH_CULTURAL", "HH_TOTAL * 1", "CONTRIB_LAND_M2 + CONTRIB_CASH_VND", "0".
    left = models.CharField(max_length=500)
    operator = models.CharField(max_length=2, choices=Operator.choices)
    right = models.CharField(max_length=500)
    severity = models.CharField(
        max_length=10, choices=Severity.choices, default=Severity.ERROR
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    # When one side has no value: skip the rule (default) or treat missing as 0.
    missing_as_zero = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.left} {self.operator} {self.right}"


# Criteria-set definitions live in their own module; imported here so that
# Django finds them as models of this app.
from vandong.catalog.criteria.models import (  # noqa: E402
    CriteriaSet,
    Criterion,
    Indicator,
    Threshold,
)

__all__ = [
    "CriteriaSet",
    "Criterion",
    "DataElement",
    "DataSet",
    "DataSetElement",
    "Indicator",
    "Period",
    "Threshold",
    "ValidationRule",
]
