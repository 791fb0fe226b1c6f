"""The demo's contributions: records constructed FROM the stored CONTRIB_*
values (vandong/demo/collect.py), each commune-year split into 1-4 records
across contributor kinds and purposes, some on the commune's villages, so that
the sync gives back exactly the stored values and the 2016-2020 province
totals stay the seed's ("trên 502 tỷ đồng", "2.142.500 m2", "991.600 ngày
công", "61.923 triệu đồng"). Every record is marked `is_sample`.
"""

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from vandong.collect.models import DataValue
from vandong.core.formatting import money_vi, number_vi
from vandong.core.models import Channel
from vandong.geo.models import Level, Unit
from vandong.registries.contributions.rules import ContributionIn
from vandong.registries.contributions.services import (
    commune_of,
    contributions_create_many,
)
from vandong.registries.contributions.sync import CONTRIB_ELEMENTS, contributions_sync
from vandong.registries.models import Contribution, ContributorKind, Purpose

Progress = Callable[[str], None]

KINDS = (
    ContributorKind.PEOPLE,
    ContributorKind.PEOPLE,
    ContributorKind.BUSINESSES,
    ContributorKind.BENEFACTORS,
    ContributorKind.CADRES,
    ContributorKind.OTHER,
)
PROJECTS: dict[str, str] = {
    Purpose.ROAD: "Bê tông hóa đường nội bản",
    Purpose.CULTURAL_HOUSE: "Nhà văn hóa bản",
    Purpose.SCHOOL: "Điểm trường mầm non",
    Purpose.IRRIGATION: "Kênh mương nội đồng",
    Purpose.HOUSING_POOR: "Nhà Đại đoàn kết cho hộ nghèo",
    Purpose.OTHER: "Chỉnh trang khu dân cư",
}
PURPOSES = tuple(PROJECTS)


def _split(total: int, parts: int, rng: random.Random) -> list[int]:
    """`total` in `parts` non-negative whole pieces (in millions when it is
    a whole number of millions) that add up exactly."""
    step = 1_000_000 if total % 1_000_000 == 0 and total >= 1_000_000 else 1
    units = total // step
    weights = [rng.uniform(0.5, 2.0) for _ in range(parts)]
    scale = sum(weights)
    pieces = [int(units * w / scale) for w in weights]
    pieces[0] += units - sum(pieces)
    return [p * step for p in pieces]


def _day(
    unit: Unit, year: int, rng: random.Random, today: datetime.date
) -> datetime.date:
    first = datetime.date(year, 1, 1)
    if unit.valid_from and unit.valid_from > first:
        first = unit.valid_from
    last = min(datetime.date(year, 12, 31), today)
    if unit.valid_to and unit.valid_to < last:
        last = unit.valid_to
    if last < first:
        return first
    return first + datetime.timedelta(days=rng.randrange((last - first).days + 1))


def build_records(today: datetime.date) -> list[tuple[int, ContributionIn]]:
    """The constructed records for every stored commune-year value."""
    codes = {code: name for name, code in CONTRIB_ELEMENTS.items()}
    stored: dict[tuple[int, str], dict[str, float]] = defaultdict(dict)
    for unit_id, period, code, value in DataValue.objects.filter(
        data_element__code__in=codes, period__kind="year", value__isnull=False
    ).values_list("unit_id", "period__code", "data_element__code", "value"):
        stored[(unit_id, period)][codes[code]] = float(value or 0)
    units = Unit.objects.in_bulk({u for u, _ in stored})
    villages: dict[int, list[Unit]] = defaultdict(list)
    for village in Unit.objects.filter(
        parent_id__in=units, level=Level.VILLAGE
    ).order_by("code"):
        villages[village.parent_id or 0].append(village)
    rows: list[tuple[int, ContributionIn]] = []
    for (unit_id, period), values in sorted(
        stored.items(), key=lambda kv: (units[kv[0][0]].code, kv[0][1])
    ):
        commune = units[unit_id]
        year = int(period)
        rng = random.Random(f"{commune.code}-{year}")  # noqa: S311 - demo data, not secrets
        parts = rng.randint(1, 4)
        cash = _split(round(values.get("cash_vnd", 0)), parts, rng)
        materials = _split(round(values.get("materials_vnd", 0)), parts, rng)
        land = _split(round(values.get("land_m2", 0)), parts, rng)
        labour = _split(round(values.get("labour_days", 0)), parts, rng)
        for index in range(parts):
            if not (cash[index] or materials[index] or land[index] or labour[index]):
                continue
            unit = commune
            day = _day(commune, year, rng, today)
            nearby = [v for v in villages.get(commune.pk, []) if v.is_valid_on(day)]
            if index % 2 == 1 and nearby:
                unit = nearby[rng.randrange(len(nearby))]
            purpose = PURPOSES[rng.randrange(len(PURPOSES))]
            rows.append(
                (
                    len(rows) + 1,
                    ContributionIn(
                        unit=unit,
                        date=day,
                        kind=KINDS[rng.randrange(len(KINDS))],
                        purpose=purpose,
                        cash_vnd=cash[index],
                        land_m2=Decimal(land[index]),
                        labour_days=Decimal(labour[index]),
                        materials_desc="Cát, sỏi, đá" if materials[index] else "",
                        materials_qty=Decimal(max(1, materials[index] // 400_000))
                        if materials[index]
                        else None,
                        materials_unit="m³" if materials[index] else "",
                        materials_vnd=materials[index],
                        project=f"{PROJECTS[purpose]} ({commune.name})",
                    ),
                )
            )
    return rows


def load_demo_contributions(progress: Progress) -> None:
    """Construct the sample contributions (idempotent: skipped if present),
    then sync, which must leave the stored CONTRIB_* values unchanged."""
    if Contribution.objects.filter(is_sample=True).exists():
        progress("Đóng góp mẫu đã có / sample contributions present: skipped.")
        return
    started = time.perf_counter()
    rows = build_records(timezone.localdate())
    with transaction.atomic():
        result = contributions_create_many(
            actor=None, rows=rows, channel=Channel.SYSTEM, is_sample=True, sync=False
        )
    communes = sorted({commune_of(r.unit).pk for _, r in rows})
    years = sorted({r.date.year for _, r in rows})
    written = contributions_sync(unit_ids=communes, years=years)
    changed = (written.created + written.updated + written.deleted) if written else 0
    progress(
        f"Đóng góp mẫu / sample contributions: {number_vi(result.created)} records, "
        f"{money_vi(result.cash_vnd, 'prose')} cash; sync changed {changed} values "
        f"({time.perf_counter() - started:.1f} s)."
    )
