"""Administrative units of both trees and the succession edges between them.

A GSO code names a unit only together with a date: codes were reused at the
2025 reform (03388 was Phường Quyết Tiến until 2025-06-30 and is Phường Đoàn Kết
from 2025-07-01). A province untouched by the reform is one row valid in both
trees; its legacy districts end on 2025-06-30 and its current communes hang
from it directly.
"""

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

REFORM_DATE = datetime.date(2025, 7, 1)
LEGACY_END = datetime.date(2025, 6, 30)


class Level(models.IntegerChoices):
    PROVINCE = 1, _("Province level")
    DISTRICT = 2, _("District level")
    COMMUNE = 3, _("Commune level")
    VILLAGE = 4, _("Village level")


class UnitType(models.TextChoices):
    PROVINCE = "tinh", _("Province (tỉnh)")
    CENTRAL_CITY = "thanh_pho_tw", _("Centrally-run city (thành phố trực thuộc TW)")
    RURAL_DISTRICT = "huyen", _("Rural district (huyện)")
    URBAN_DISTRICT = "quan", _("Urban district (quận)")
    DISTRICT_TOWN = "thi_xa", _("District-level town (thị xã)")
    PROVINCIAL_CITY = "thanh_pho", _("Provincial city (thành phố thuộc tỉnh)")
    COMMUNE = "xa", _("Commune (xã)")
    WARD = "phuong", _("Ward (phường)")
    TOWNSHIP = "thi_tran", _("Township (thị trấn)")
    SPECIAL_ZONE = "dac_khu", _("Special zone (đặc khu)")
    VILLAGE = "thon", _("Village (thôn)")
    HAMLET = "ban", _("Hamlet (bản)")
    RESIDENTIAL_GROUP = "to_dan_pho", _("Residential group (tổ dân phố)")
    OTHER_VILLAGE = "ap", _("Hamlet (ấp, khu phố, khối)")


LEVEL_OF_TYPE: dict[str, int] = {
    UnitType.PROVINCE: 1,
    UnitType.CENTRAL_CITY: 1,
    UnitType.RURAL_DISTRICT: 2,
    UnitType.URBAN_DISTRICT: 2,
    UnitType.DISTRICT_TOWN: 2,
    UnitType.PROVINCIAL_CITY: 2,
    UnitType.COMMUNE: 3,
    UnitType.WARD: 3,
    UnitType.TOWNSHIP: 3,
    UnitType.SPECIAL_ZONE: 3,
    UnitType.VILLAGE: 4,
    UnitType.HAMLET: 4,
    UnitType.RESIDENTIAL_GROUP: 4,
    UnitType.OTHER_VILLAGE: 4,
}


class Region(models.TextChoices):
    """The seven regions of the new-rural criteria sets 2016-2020 and 2021-2025."""

    NORTHERN_MIDLANDS_MOUNTAINS = "tdmnpb", _("Northern Midlands and Mountains")
    RED_RIVER_DELTA = "dbsh", _("Red River Delta")
    NORTH_CENTRAL = "btb", _("North Central Coast")
    SOUTH_CENTRAL_COAST = "dhntb", _("South Central Coast")
    CENTRAL_HIGHLANDS = "tn", _("Central Highlands")
    SOUTHEAST = "dnb", _("Southeast")
    MEKONG_DELTA = "dbscl", _("Mekong Delta")


class AreaClass(models.TextChoices):
    RURAL = "rural", _("Rural")
    URBAN = "urban", _("Urban")


class CommuneGroup(models.IntegerChoices):
    """Nhóm xã of the 2026-2030 new-rural set, assigned by the province."""

    GROUP_1 = 1, _("Group 1")
    GROUP_2 = 2, _("Group 2")
    GROUP_3 = 3, _("Group 3")


class UnitQuerySet(models.QuerySet["Unit"]):
    def valid_on(self, day: datetime.date) -> "UnitQuerySet":
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def within(self, unit: "Unit") -> "UnitQuerySet":
        """The unit and its whole subtree (both trees, where it spans both)."""
        return self.filter(path__startswith=unit.path)

    def search(self, text: str) -> "UnitQuerySet":
        from vandong.core.text import fold

        return self.filter(name_key__contains=fold(text))


class Unit(models.Model):
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    short_name = models.CharField(max_length=100, blank=True)
    name_key = models.CharField(max_length=120, db_index=True, editable=False)
    type = models.CharField(max_length=20, choices=UnitType.choices)
    level = models.PositiveSmallIntegerField(choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # "/<pk>/<pk>/.../" from the root: subtree queries are one prefix filter.
    path = models.CharField(max_length=100, db_index=True, editable=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    region = models.CharField(max_length=10, choices=Region.choices, blank=True)
    area_class = models.CharField(max_length=10, choices=AreaClass.choices, blank=True)
    commune_group = models.PositiveSmallIntegerField(
        choices=CommuneGroup.choices, null=True, blank=True
    )
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    area_km2 = models.FloatField(null=True, blank=True)
    households = models.PositiveIntegerField(null=True, blank=True)
    population = models.PositiveIntegerField(null=True, blank=True)
    # Rows made up for demonstration (sample villages) say so.
    is_sample = models.BooleanField(default=False)
    source = models.CharField(max_length=60, blank=True)

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["level", "code", "valid_from"]
        constraints = [
            # Two partial indexes, as SQLite cannot make NULLs equal in one.
            models.UniqueConstraint(
                fields=["code", "valid_from"],
                condition=Q(valid_from__isnull=False),
                name="geo_unit_code_valid_from_uniq",
            ),
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(valid_from__isnull=True),
                name="geo_unit_code_open_start_uniq",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_from__lte=models.F("valid_to")),
                name="geo_unit_valid_interval",
            ),
        ]
        indexes = [models.Index(fields=["parent", "level"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return (
            reverse("geo:unit", args=[self.code])
            + f"?on={self.reference_date.isoformat()}"
        )

    @property
    def reference_date(self) -> datetime.date:
        """A day on which this unit exists, for links that name it by code and date."""
        if self.valid_to is not None:
            return self.valid_to
        return max(self.valid_from or REFORM_DATE, REFORM_DATE)

    def is_valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    def ancestor_ids(self) -> list[int]:
        return [int(p) for p in self.path.strip("/").split("/") if p]


class Succession(models.Model):
    """An official lineage edge: `predecessor` (legacy) became part of `successor`."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merged into")
        SPLIT = "split", _("Split between")
        RENAME = "rename", _("Renamed")
        UNCHANGED = "unchanged", _("Continued unchanged")

    predecessor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="successor_edges"
    )
    successor = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="predecessor_edges"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    effective_date = models.DateField()
    # Share of the predecessor's area that went to the successor, where the source gives one.
    area_share = models.FloatField(null=True, blank=True)
    # For a split: the successor the source names as the default one.
    is_primary = models.BooleanField(default=False)
    source = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["effective_date", "predecessor__code", "successor__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="geo_succession_uniq"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} -[{self.kind}]-> {self.successor}"
