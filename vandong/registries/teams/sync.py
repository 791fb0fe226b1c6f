"""Models and teams into the commune elements, counted at each year's end:
the records of the commune and its villages recognised by then and not
stopped, their `count`s summed.

An element's figure comes from the records only where the commune keeps the
registry for it (holds any record of its kinds); elsewhere it is left as typed.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Q

from vandong.geo.models import Level, Unit
from vandong.registries.common.checks import year_end
from vandong.registries.common.sync import write_counts
from vandong.registries.models import ModelKind, ModelTeam

KINDS_BY_ELEMENT: dict[str, tuple[str, ...]] = {
    "LEARNING_FAMILIES": (ModelKind.LEARNING_FAMILY,),
    "LEARNING_CLANS": (ModelKind.LEARNING_CLAN,),
    "LEARNING_COMMUNITIES": (ModelKind.LEARNING_COMMUNITY,),
    "LEARNING_UNITS": (ModelKind.LEARNING_UNIT,),
    "CULTURE_TEAMS": (ModelKind.CULTURE_TEAM, ModelKind.ART_TROUPE),
    "MEDIATION_TEAMS": (ModelKind.MEDIATION_TEAM,),
    # The element counts "Khu dân cư an ninh trật tự" models only; the
    # self-management models (tổ, dòng họ, gia đình tự quản) have no element.
    "SECURITY_MODELS": (ModelKind.SECURITY_AREA,),
}
ELEMENT_OF_KIND: dict[str, str] = {
    kind: element for element, kinds in KINDS_BY_ELEMENT.items() for kind in kinds
}


def commune_ids(units: Iterable[Unit]) -> set[int]:
    """The communes of `units`: a commune itself, a village's commune."""
    out: set[int] = set()
    for unit in units:
        ancestors = unit.ancestor_ids()
        if unit.level == Level.COMMUNE:
            out.add(unit.pk)
        elif unit.level == Level.VILLAGE and len(ancestors) >= 2:
            out.add(ancestors[-2])
    return out


def active_counts(
    records: Iterable[tuple[int, int, int | None, str, str]],
    years: Iterable[int],
) -> dict[tuple[str, str, int], int]:
    """Pure: (recognized_year, count, stopped_year, kind, commune key) rows to
    {(element, commune key, year): total at the year's end}."""
    out: dict[tuple[str, str, int], int] = defaultdict(int)
    wanted = sorted(set(years))
    for recognized, count, stopped, kind, commune in records:
        element = ELEMENT_OF_KIND.get(kind)
        if element is None:
            continue
        for year in wanted:
            if recognized <= year and (stopped is None or stopped > year):
                out[(element, commune, year)] += count
    return out


def models_sync(
    unit_ids: Iterable[int], years: Iterable[int], kinds: Iterable[str] | None = None
) -> int:
    """Write the counts of the communes of `unit_ids` for `years` (only the
    elements of `kinds`, default all); returns the values created or changed."""
    communes = list(
        Unit.objects.filter(
            pk__in=commune_ids(Unit.objects.filter(pk__in=set(unit_ids)))
        )
    )
    elements = (
        {ELEMENT_OF_KIND[k] for k in kinds if k in ELEMENT_OF_KIND}
        if kinds is not None
        else set(KINDS_BY_ELEMENT)
    )
    if not communes or not elements:
        return 0
    wanted = sorted(set(years))
    rows: list[tuple[str, str, int, int]] = []
    for commune in communes:
        records = list(
            ModelTeam.objects.filter(unit__path__startswith=commune.path)
            .filter(Q(kind__in=[k for e in elements for k in KINDS_BY_ELEMENT[e]]))
            .values_list("recognized_year", "count", "stopped_year", "kind")
        )
        kept = {ELEMENT_OF_KIND[r[3]] for r in records}
        counts = active_counts(
            ((r[0], r[1], r[2], r[3], commune.code) for r in records), wanted
        )
        rows.extend(
            (element, commune.code, year, counts.get((element, commune.code, year), 0))
            for element in sorted(kept)
            for year in wanted
            if commune.is_valid_on(year_end(year))
        )
    return write_counts(rows)


def models_sync_later(
    units: Iterable[Unit], years: Iterable[int], kinds: Iterable[str]
) -> None:
    ids = [u.pk for u in units]
    wanted = list(years)
    chosen = list(kinds)
    transaction.on_commit(lambda: models_sync(ids, wanted, chosen))
