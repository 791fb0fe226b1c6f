"""Contributions mobilized (đóng góp): who gave what, where, when, for which project."""

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Unit
from vandong.registries.models.base import RegistryRecord


class ContributorKind(models.TextChoices):
    PEOPLE = "people", _("People")
    BUSINESSES = "businesses", _("Businesses")
    BENEFACTORS = "benefactors", _("Benefactors")
    CADRES = "cadres", _("Cadres and party members")
    OTHER = "other", _("Other contributors")


class Purpose(models.TextChoices):
    ROAD = "road", _("Roads")
    CULTURAL_HOUSE = "cultural_house", _("Cultural houses")
    SCHOOL = "school", _("Schools")
    IRRIGATION = "irrigation", _("Irrigation")
    HOUSING_POOR = "housing_poor", _("Housing for the poor")
    OTHER = "other", _("Other projects")


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def within(self, unit: Unit) -> "ContributionQuerySet":
        """Records on the unit and its whole subtree."""
        return self.filter(unit__path__startswith=unit.path)

    def between(
        self, start: datetime.date | None, end: datetime.date | None
    ) -> "ContributionQuerySet":
        qs = self
        if start is not None:
            qs = qs.filter(date__gte=start)
        if end is not None:
            qs = qs.filter(date__lte=end)
        return qs

    def for_year(self, year: int) -> "ContributionQuerySet":
        return self.filter(date__year=year)


class Contribution(RegistryRecord):
    """One contribution to one commune or village: cash, land, labour and
    materials (any of them), for one purpose. The contributor's name is
    private: only officers in scope see it."""

    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="contributions"
    )
    date = models.DateField()
    kind = models.CharField(max_length=20, choices=ContributorKind.choices)
    contributor_name = models.CharField(max_length=200, blank=True)
    cash_vnd = models.PositiveBigIntegerField(default=0)
    land_m2 = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal(0))
    labour_days = models.DecimalField(
        max_digits=12, decimal_places=1, default=Decimal(0)
    )
    materials_desc = models.CharField(max_length=200, blank=True)
    materials_qty = models.DecimalField(
        max_digits=14, decimal_places=2, null=True, blank=True
    )
    materials_unit = models.CharField(max_length=30, blank=True)
    materials_vnd = models.PositiveBigIntegerField(default=0)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    project = models.CharField(max_length=200, blank=True)

    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["unit", "date"]),
            models.Index(fields=["date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(cash_vnd__gt=0)
                | Q(land_m2__gt=0)
                | Q(labour_days__gt=0)
                | Q(materials_vnd__gt=0),
                name="registries_contribution_gives_something",
            ),
            models.CheckConstraint(
                condition=Q(land_m2__gte=0) & Q(labour_days__gte=0),
                name="registries_contribution_not_negative",
            ),
        ]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")

    def __str__(self) -> str:
        return f"{self.unit.code} {self.date:%Y-%m-%d} {self.kind}"
