"""Totals of contributions: one SQL aggregate over any filtered set (a unit's
subtree, a year or a range, a contributor kind, a purpose), grouped by kind,
purpose or year when asked; and the province total in the seed's notation."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import ExtractYear

from vandong.core.formatting import money_vi, number_vi
from vandong.registries.models import Contribution

GroupBy = Literal["kind", "purpose", "year"]
SUMS = ("cash_vnd", "land_m2", "labour_days", "materials_vnd")


@dataclass(frozen=True)
class Totals:
    records: int = 0
    cash_vnd: int = 0
    land_m2: Decimal = Decimal(0)
    labour_days: Decimal = Decimal(0)
    materials_vnd: int = 0

    @property
    def total_vnd(self) -> int:
        """Cash and the materials' value together."""
        return self.cash_vnd + self.materials_vnd

    def prose(self, *, floor: bool = True) -> dict[str, str]:
        """The totals as the report says them: "trên 502 tỷ đồng", "2.142.500
        m²", "991.600 ngày công", "61.923 triệu đồng" (materials in triệu, as
        the seed writes them)."""
        return {
            "cash_vnd": money_vi(self.cash_vnd, "prose", floor=floor),
            "land_m2": f"{number_vi(self.land_m2)} m²",
            "labour_days": f"{number_vi(self.labour_days)} ngày công",
            "materials_vnd": money_vi(
                self.materials_vnd,
                "prose",
                scale="million" if self.materials_vnd >= 1_000_000 else None,
                floor=floor,
            ),
        }

    def as_dict(self) -> dict[str, object]:
        return {
            "records": self.records,
            "cash_vnd": self.cash_vnd,
            "land_m2": self.land_m2,
            "labour_days": self.labour_days,
            "materials_vnd": self.materials_vnd,
        }


def _totals(row: dict[str, object]) -> Totals:
    def whole(name: str) -> int:
        value = row.get(name)
        return int(value) if isinstance(value, int | Decimal | float) else 0

    def exact(name: str) -> Decimal:
        value = row.get(name)
        return Decimal(str(value)) if value is not None else Decimal(0)

    return Totals(
        records=whole("records"),
        cash_vnd=whole("cash_vnd"),
        land_m2=exact("land_m2"),
        labour_days=exact("labour_days"),
        materials_vnd=whole("materials_vnd"),
    )


def _aggregates() -> dict[str, Count | Sum]:
    sums: dict[str, Count | Sum] = {name: Sum(name) for name in SUMS}
    sums["records"] = Count("pk")
    return sums


def totals_of(records: QuerySet[Contribution]) -> Totals:
    """The sums over `records` (one query)."""
    return _totals(records.order_by().aggregate(**_aggregates()))


def totals_by(records: QuerySet[Contribution], by: GroupBy) -> list[tuple[str, Totals]]:
    """The sums per kind, purpose or year (one grouped query), in key order."""
    if by == "year":
        rows = (
            records.order_by()
            .annotate(key=ExtractYear("date"))
            .values("key")
            .annotate(**_aggregates())
        )
    else:
        rows = (
            records.order_by()
            .annotate(key=F(by))
            .values("key")
            .annotate(**_aggregates())
        )
    return sorted((str(row["key"]), _totals(row)) for row in rows)
