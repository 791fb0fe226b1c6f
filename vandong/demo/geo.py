"""Lai Châu's units (real, from the packages) and its villages (sample data).

The packages stop at communes and no official village list of Lai Châu ships
with them, so the demo makes villages up: names built from common Lai Châu
place-name syllables, household and population counts drawn from a seeded
generator. Every such row has `is_sample` set and the pages say so.
"""

import random
from collections.abc import Callable

from django.db import transaction

from vandong.core.text import fold
from vandong.geo.loader import units_load
from vandong.geo.models import LEGACY_END, REFORM_DATE, Level, Succession, Unit
from vandong.geo.villages import VillageIn, villages_save

LAI_CHAU = "12"

_FIRST = [
    "Nà",
    "Huổi",
    "Pá",
    "Phiêng",
    "Co",
    "Hua",
    "Nậm",
    "Tà",
    "Sin",
    "Lùng",
    "Mường",
    "Hô",
    "Chu",
    "Pắc",
]
_SECOND = [
    "Tăm",
    "Khương",
    "Củng",
    "Pầu",
    "Sản",
    "Lếch",
    "Phìn",
    "Chải",
    "Ló",
    "Cuổi",
    "Bó",
    "Luông",
    "Xẻ",
    "Hồ",
    "Lay",
    "Thàng",
    "Mư",
    "Sài",
]


def load_lai_chau(progress: Callable[[str], None]) -> None:
    progress("Tải đơn vị hành chính Lai Châu / loading Lai Châu's units…")
    units_load(province=LAI_CHAU, progress=progress)


def _legacy_villages(commune: Unit, rng: random.Random) -> list[VillageIn]:
    urban = commune.type in {"phuong", "thi_tran"}
    count = rng.randint(6, 12) if urban else rng.randint(7, 14)
    names: list[str] = []
    while len(names) < count:
        if urban:
            name = f"Tổ dân phố số {len(names) + 1}"
        else:
            name = f"Bản {rng.choice(_FIRST)} {rng.choice(_SECOND)}"
            if fold(name) in {fold(n) for n in names}:
                continue
        names.append(name)
    villages = []
    for row, name in enumerate(names, start=2):
        households = rng.randint(90, 260) if urban else rng.randint(35, 160)
        villages.append(
            VillageIn(
                row=row,
                commune_code=commune.code,
                name=name,
                type="to_dan_pho" if urban else "ban",
                households=households,
                population=round(households * rng.uniform(3.6, 5.4)),
            )
        )
    return villages


def load_sample_villages(progress: Callable[[str], None]) -> None:
    """Villages for every legacy commune, carried to its successor commune from 2025-07-01."""
    province = Unit.objects.get(
        code=LAI_CHAU, valid_from__isnull=True, level=Level.PROVINCE
    )
    legacy = list(
        Unit.objects.within(province)
        .filter(level=Level.COMMUNE, valid_to=LEGACY_END)
        .order_by("code")
    )
    if Unit.objects.within(province).filter(level=Level.VILLAGE).exists():
        progress("Thôn, bản mẫu đã có / sample villages already there.")
        return
    progress(f"Tạo thôn, bản mẫu cho {len(legacy)} xã / making sample villages…")
    rng = random.Random(20161230)  # noqa: S311 - sample data, the same every time
    with transaction.atomic():
        legacy_villages = [v for c in legacy for v in _legacy_villages(c, rng)]
        villages_save(
            actor=None,
            villages=legacy_villages,
            on=LEGACY_END,
            is_sample=True,
            channel="system",
            source="demo",
        )
        _carry_over(legacy)
    count = Unit.objects.within(province).filter(level=Level.VILLAGE).count()
    progress(
        f"  {count:,} thôn, bản, tổ dân phố mẫu (cả hai cây) / sample villages (both trees)"
    )


def _carry_over(legacy: list[Unit]) -> None:
    """Each legacy village continues in the successor (for a split, the primary one) commune."""
    successor_of: dict[int, Unit] = {}
    for edge in (
        Succession.objects.filter(predecessor__in=legacy)
        .select_related("successor")
        .order_by("-is_primary")
    ):
        successor_of.setdefault(edge.predecessor_id, edge.successor)
    legacy_villages = list(
        Unit.objects.filter(parent__in=legacy, level=Level.VILLAGE)
        .select_related("parent")
        .order_by("parent__code", "code")
    )
    current: list[VillageIn] = []
    names_in: dict[str, set[str]] = {}
    origin: dict[tuple[str, str], Unit] = {}
    for village in legacy_villages:
        successor = successor_of[village.parent_id or 0]
        taken = names_in.setdefault(successor.code, set())
        name = village.name
        if fold(name) in taken:  # merged communes bring the same names: say where from
            name = f"{name} ({village.parent.short_name if village.parent else ''})"
        taken.add(fold(name))
        origin[(successor.code, fold(name))] = village
        current.append(
            VillageIn(
                row=len(current) + 2, commune_code=successor.code, name=name,
                type=village.type, households=village.households, population=village.population,
            )
        )  # fmt: skip
    villages_save(
        actor=None,
        villages=current,
        on=REFORM_DATE,
        is_sample=True,
        channel="system",
        source="demo",
    )
    new = Unit.objects.filter(
        parent__in=set(successor_of.values()), level=Level.VILLAGE
    ).select_related("parent")
    Succession.objects.bulk_create(
        [
            Succession(
                predecessor=origin[(v.parent.code, v.name_key)],
                successor=v,
                kind=Succession.Kind.UNCHANGED
                if origin[(v.parent.code, v.name_key)].name == v.name
                else Succession.Kind.RENAME,
                effective_date=REFORM_DATE,
                is_primary=True,
                source="demo",
            )
            for v in new
            if v.parent is not None
        ]
    )
