"""OCOP counts into the province elements OCOP_3STAR and OCOP_4STAR: the
products of the province valid at 31 December of each year, by stars.

A province that holds no product in the registry is left as it is (its
figures may be typed in); one that holds any gets its figures from the
records, zeros included.
"""

from collections.abc import Iterable

from django.db import transaction

from vandong.geo.models import Level, Unit
from vandong.registries.common.checks import year_end
from vandong.registries.common.sync import write_counts
from vandong.registries.models import OcopProduct
from vandong.registries.ocop.queries import valid_counts_by_commune

ELEMENT_BY_STARS: dict[int, str] = {3: "OCOP_3STAR", 4: "OCOP_4STAR"}


def _provinces(units: Iterable[Unit]) -> list[Unit]:
    ids = {u.ancestor_ids()[0] for u in units if u.path}
    return list(Unit.objects.filter(pk__in=ids, level=Level.PROVINCE))


def ocop_sync(unit_ids: Iterable[int], years: Iterable[int]) -> int:
    """Write the OCOP counts of the provinces of `unit_ids` (any units) for
    `years`; returns the values created or changed."""
    provinces = _provinces(Unit.objects.filter(pk__in=set(unit_ids)))
    rows: list[tuple[str, str, int, int]] = []
    for province in provinces:
        products = OcopProduct.objects.filter(unit__path__startswith=province.path)
        if not products.exists():
            continue
        for year in sorted(set(years)):
            day = year_end(year)
            if not province.is_valid_on(day):
                continue
            counts = valid_counts_by_commune(day=day, products=products)
            for stars, element in ELEMENT_BY_STARS.items():
                value = sum(c.get(stars, 0) for c in counts.values())
                rows.append((element, province.code, year, value))
    return write_counts(rows)


def ocop_sync_later(units: Iterable[Unit], years: Iterable[int]) -> None:
    """Sync once the current transaction commits."""
    ids = [u.pk for u in units]
    wanted = list(years)
    transaction.on_commit(lambda: ocop_sync(ids, wanted))
