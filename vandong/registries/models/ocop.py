"""OCOP products (Chương trình Mỗi xã một sản phẩm) and their star ratings.

A product belongs to a commune; each rating decision is a row of its history
(stars, score, decision, recognising body, expiry). The star bands and the
36-month validity are read from the criteria data file
`catalog/criteria/sets/ocop-148-2023.bands` (see `registries.ocop.bands`).
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vandong.geo.models import Unit
from vandong.registries.models.base import RegistryRecord, SampleRecord


class ProducerKind(models.TextChoices):
    COOPERATIVE = "cooperative", _("Cooperative")
    ENTERPRISE = "enterprise", _("Enterprise")
    HOUSEHOLD = "household", _("Household business")
    OTHER = "other", _("Other producer")


class ProductGroup(models.TextChoices):
    """The six product groups of QĐ 148/QĐ-TTg, in the order of the bands
    file (a test holds the two together)."""

    FOOD = "food", _("Food")
    DRINKS = "drinks", _("Drinks")
    HERBAL = "herbal", _("Medicinal herbs and herbal products")
    HANDICRAFT = "handicraft", _("Handicrafts")
    ORNAMENTAL = "ornamental", _("Ornamental plants and animals")
    TOURISM = "tourism", _("Community and eco-tourism services and destinations")


class Stars(models.IntegerChoices):
    THREE = 3, _("3 stars")
    FOUR = 4, _("4 stars")
    FIVE = 5, _("5 stars")


class OcopProductQuerySet(models.QuerySet["OcopProduct"]):
    def within(self, unit: Unit) -> "OcopProductQuerySet":
        return self.filter(unit__path__startswith=unit.path)


class OcopProduct(RegistryRecord):
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="ocop_products"
    )
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=20, choices=ProductGroup.choices)
    producer_name = models.CharField(max_length=200)
    producer_kind = models.CharField(max_length=20, choices=ProducerKind.choices)
    note = models.CharField(max_length=500, blank=True)

    objects = OcopProductQuerySet.as_manager()

    class Meta:
        ordering = ["unit__code", "name", "id"]
        indexes = [models.Index(fields=["unit", "name"])]
        verbose_name = _("OCOP product")
        verbose_name_plural = _("OCOP products")

    def __str__(self) -> str:
        return self.name


class OcopRating(SampleRecord):
    """One rating decision of a product. It is valid from its decision date
    until the day before `expires_on` (decision date + the certificate's
    validity, 36 months); a later decision replaces it."""

    product = models.ForeignKey(
        OcopProduct, on_delete=models.CASCADE, related_name="ratings"
    )
    stars = models.PositiveSmallIntegerField(choices=Stars.choices)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    decision_number = models.CharField(max_length=60)
    decision_date = models.DateField()
    recognising_body = models.CharField(max_length=200)
    expires_on = models.DateField()

    class Meta:
        ordering = ["product_id", "-decision_date", "-id"]
        indexes = [models.Index(fields=["decision_date", "expires_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "decision_date"],
                name="registries_ocop_rating_one_a_day",
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=3, stars__lte=5),
                name="registries_ocop_rating_stars",
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__lte=100),
                name="registries_ocop_rating_score",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("decision_date")),
                name="registries_ocop_rating_expiry",
            ),
        ]
        verbose_name = _("OCOP rating")
        verbose_name_plural = _("OCOP ratings")

    def __str__(self) -> str:
        return f"{self.product_id} {self.stars}* {self.decision_date:%Y-%m-%d}"

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.decision_date <= day < self.expires_on
