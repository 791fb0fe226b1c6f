"""Dialogue conferences into DIALOGUE_CONFERENCES: per commune and year, the
conferences held on the commune or its villages that year. A commune that
holds no conference in the registry is left as it is."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear

from vandong.geo.models import Unit
from vandong.registries.common.checks import year_end
from vandong.registries.common.sync import write_counts
from vandong.registries.models import Conference
from vandong.registries.teams.sync import commune_ids

ELEMENT = "DIALOGUE_CONFERENCES"


def conferences_sync(unit_ids: Iterable[int], years: Iterable[int]) -> int:
    communes = list(
        Unit.objects.filter(
            pk__in=commune_ids(Unit.objects.filter(pk__in=set(unit_ids)))
        )
    )
    wanted = sorted(set(years))
    rows: list[tuple[str, str, int, int]] = []
    for commune in communes:
        held = Conference.objects.filter(unit__path__startswith=commune.path)
        if not held.exists():
            continue
        per_year = dict(
            held.annotate(year=ExtractYear("held_on"))
            .values("year")
            .annotate(n=Count("id"))
            .values_list("year", "n")
        )
        rows.extend(
            (ELEMENT, commune.code, year, int(per_year.get(year, 0)))
            for year in wanted
            if commune.is_valid_on(year_end(year))
        )
    return write_counts(rows)


def conferences_sync_later(units: Iterable[Unit], years: Iterable[int]) -> None:
    ids = [u.pk for u in units]
    wanted = list(years)
    transaction.on_commit(lambda: conferences_sync(ids, wanted))
