"""Contributions into analytics: the yearly totals of each commune (its
villages' records counted in it) written to the CONTRIB_* data elements
through the one data-value write service, so indicators and reports use
them like any other figure.

A commune-year with no record left has its four values deleted. A unit code
is read on the year's last day (as every data value is), so a commune that
ended during a year (the legacy communes in 2025) cannot hold that year's
values: its records stay in the registry and the sync skips them.
"""

import datetime
import logging
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, F, IntegerField, Q, Sum, When
from django.db.models.functions import ExtractYear

from vandong.catalog.models import DataElement, Period
from vandong.collect.rows import ValueRow
from vandong.collect.services import WriteResult, data_values_write
from vandong.core.models import Channel
from vandong.geo.models import Level, Unit
from vandong.registries.models import Contribution

logger = logging.getLogger(__name__)

# Record field -> data element code.
CONTRIB_ELEMENTS: dict[str, str] = {
    "cash_vnd": "CONTRIB_CASH_VND",
    "land_m2": "CONTRIB_LAND_M2",
    "labour_days": "CONTRIB_LABOUR_DAYS",
    "materials_vnd": "CONTRIB_MATERIALS_VND",
}

Key = tuple[int, int]  # (commune id, year)


def commune_year_totals(
    *, unit_ids: Iterable[int], years: Iterable[int]
) -> dict[Key, dict[str, Decimal | int]]:
    """Sums per (commune, year) over the records on the communes and their
    villages: one grouped query."""
    ids = sorted(set(unit_ids))
    year_list = sorted(set(years))
    if not ids or not year_list:
        return {}
    rows = (
        Contribution.objects.filter(
            Q(unit_id__in=ids) | Q(unit__parent_id__in=ids, unit__level=Level.VILLAGE),
            date__year__in=year_list,
        )
        .annotate(
            commune=Case(
                When(unit__level=Level.VILLAGE, then=F("unit__parent_id")),
                default=F("unit_id"),
                output_field=IntegerField(),
            ),
            year=ExtractYear("date"),
        )
        .values("commune", "year")
        .annotate(**{name: Sum(name) for name in CONTRIB_ELEMENTS})
        .order_by()
    )
    return {
        (row["commune"], row["year"]): {name: row[name] for name in CONTRIB_ELEMENTS}
        for row in rows
    }


def _number(value: Decimal | int | None) -> int:
    """The elements hold whole đồng, m² and days: a sum is rounded half up."""
    if value is None:
        return 0
    return int(Decimal(value).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def contributions_sync(
    *, unit_ids: Iterable[int], years: Iterable[int]
) -> WriteResult | None:
    """Write CONTRIB_* of the given communes (a village's id stands for its
    commune) and years from the records. Returns the write's result, or None
    when there was nothing to write (no catalog elements or periods yet)."""
    ids = set(unit_ids)
    year_list = sorted(set(years))
    units = {
        u.pk: u
        for u in Unit.objects.filter(pk__in=ids)
        .select_related("parent")
        .only("pk", "code", "level", "valid_from", "valid_to", "parent")
    }
    communes: dict[int, Unit] = {}
    for unit in units.values():
        commune = unit.parent if unit.level == Level.VILLAGE else unit
        if commune is not None and commune.level == Level.COMMUNE:
            communes[commune.pk] = commune
    elements = set(
        DataElement.objects.filter(code__in=CONTRIB_ELEMENTS.values()).values_list(
            "code", flat=True
        )
    )
    periods = {
        p.code: p.end
        for p in Period.objects.filter(code__in=[str(y) for y in year_list])
    }
    if not communes or not elements or not periods:
        return None
    totals = commune_year_totals(unit_ids=communes, years=year_list)
    rows: list[ValueRow] = []
    for commune in sorted(communes.values(), key=lambda u: u.code):
        for year in year_list:
            end: datetime.date | None = periods.get(str(year))
            if end is None:
                continue
            if not commune.is_valid_on(end):
                if (commune.pk, year) in totals:
                    logger.warning(
                        "contributions of %s in %s not synced: the unit ended "
                        "before the year's end",
                        commune.code,
                        year,
                    )
                continue
            sums = totals.get((commune.pk, year))
            for name, code in CONTRIB_ELEMENTS.items():
                if code not in elements:
                    continue
                value: object = None if sums is None else _number(sums[name])
                rows.append(ValueRow(code, commune.code, str(year), value))
    if not rows:
        return None
    return data_values_write(
        actor=None, rows=rows, channel=Channel.SYSTEM, fmt="contributions"
    )
