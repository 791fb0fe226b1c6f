"""The portal's answers, assembled once and cached: a province's page, a
commune's page, a province's charts and the list of provinces. Each is a
JSON-ready dict in both languages; the pages render it in the reader's
language and the public API returns it as it is.

An answer is cached under a key made of what it depends on: the unit, the
year and tree asked for, the state version (`state.version`, changed by any
approval, value or publication), the public years of the province (so a
year that stopped being fully approved changes the key even without a
signal, within `state.STATE_SECONDS`) and the analytics store's stamp.
"""

import copy
import datetime
import hashlib
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from vandong.analytics.queries import store_stamp
from vandong.analytics.views.common import (
    CURRENT,
    LEGACY,
    TREES,
    default_tree,
    tree_day,
)
from vandong.catalog.criteria.spec import MET, NO_DATA, NOT_MET
from vandong.core.text import is_digits
from vandong.geo.models import REFORM_DATE, Level, Succession, Unit
from vandong.geo.queries import unit_get
from vandong.portal import figures, records, state
from vandong.portal.localcache import memory
from vandong.portal.models import Publication

PAYLOAD_SECONDS = 300
UNIT_SECONDS = 600


def payload_seconds() -> int:
    return int(getattr(settings, "PORTAL_PAYLOAD_SECONDS", PAYLOAD_SECONDS))


def _key(*parts: object) -> str:
    return "portal:payload:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def _size(value: object) -> int:
    """About the memory a built answer holds (its text, times the overhead
    of Python's objects)."""
    return 4 * len(repr(value))


def cached(
    parts: tuple[object, ...],
    build: Callable[[], dict[str, Any]],
    *,
    shared: bool = False,
) -> dict[str, Any]:
    """The answer for `parts`, built once and kept in this process's memory
    (`localcache`); callers get a copy they may change (`shared`: the kept
    one itself, for callers that only read it)."""

    def stamped() -> dict[str, Any]:
        built = build()
        built["generated_at"] = timezone.now().isoformat(timespec="seconds")
        return built

    found: dict[str, Any] = memory.get_or_build(
        _key(*parts), stamped, seconds=payload_seconds(), size=_size
    )
    return found if shared else copy.deepcopy(found)


# -- units --------------------------------------------------------------------------


def parse_day(raw: str | None) -> datetime.date | None:
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw.strip())
    except ValueError:
        return None


def find_unit(code: str, on: datetime.date | None, level: int) -> Unit | None:
    """The unit of `level` the code names on `on` (default today; else, for a
    unit that no longer exists, the last one that carried the code)."""
    if not (is_digits(code) and len(code) <= CODE_MAX):
        # Official codes are digits: anything else names nothing, and never
        # reaches the database (a NUL there is an error, not a miss).
        return None
    day = on or timezone.localdate()
    key = f"portal:unit:{state.version()}:{level}:{code}:{day.isoformat()}:{bool(on)}"
    found = memory.get(key)
    if isinstance(found, Unit):
        return found
    unit = unit_get(code=code, on=day)
    if unit is not None and unit.level != level:
        unit = None
    if unit is None and on is None:
        unit = (
            Unit.objects.filter(code=code, level=level)
            .order_by(F("valid_to").desc(nulls_first=True))
            .first()
        )
    # Only units are kept: misses would let made-up codes fill the memory.
    if unit is not None:
        memory.set(key, unit, seconds=UNIT_SECONDS)
    return unit


def unit_ref(unit: Unit) -> dict[str, Any]:
    """How pages and the API name a unit: code, name, type and, for a unit
    that no longer exists, the day it is named on."""
    return {
        "code": unit.code,
        "name": unit.name,
        "type": unit.type,
        "level": unit.level,
        "on": unit.reference_date.isoformat() if unit.valid_to is not None else None,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
        "sample": unit.is_sample,
    }


def province_of(unit: Unit) -> Unit:
    """The province at the root of the unit's path (cached: read on every
    request of a commune's page)."""
    ids = unit.ancestor_ids()
    if unit.level == Level.PROVINCE or not ids:
        return unit
    key = f"portal:province-of:{state.version()}:{ids[0]}"
    found = memory.get(key)
    if not isinstance(found, Unit):
        found = Unit.objects.get(pk=ids[0])
        memory.set(key, found, seconds=UNIT_SECONDS)
    return found


def choose_year(raw: str | None, public: frozenset[int]) -> int:
    """The year asked for, when the campaign could have figures of it, else
    the latest public year, else the current one."""
    text = (raw or "").strip()
    if is_digits(text) and len(text) == 4 and FIRST_YEAR <= int(text) <= _last_year():
        return int(text)
    if public:
        return max(public)
    return timezone.localdate().year


# Years a page may be asked for: the campaign's reports start in 2010 (the
# first new-rural programme) and none is of a year after next.
FIRST_YEAR = 2010
CODE_MAX = 20


def _last_year() -> int:
    return timezone.localdate().year + 1


def choose_tree(raw: str | None, year: int) -> str:
    if raw in TREES:
        return str(raw)
    return CURRENT if year >= REFORM_DATE.year else LEGACY


# -- the list of provinces ----------------------------------------------------------


def provinces() -> dict[str, Any]:
    """Provinces with a public year, for the portal's front page."""
    ids = sorted(set(Publication.objects.values_list("province_id", flat=True)))

    def build() -> dict[str, Any]:
        items = []
        for unit in Unit.objects.filter(pk__in=ids).order_by("name_key"):
            public = state.public_years(unit)
            items.append({**unit_ref(unit), "years": sorted(public)})
        return {"provinces": items}

    public_keys = tuple(
        (pk, tuple(sorted(state.public_years(u))))
        for pk, u in Unit.objects.in_bulk(ids).items()
    )
    return cached(("provinces", public_keys, state.version()), build)


# -- a province ------------------------------------------------------------------------


def _published_at(province: Unit, year: int) -> str | None:
    found = (
        Publication.objects.filter(province=province, year=year)
        .values_list("published_at", flat=True)
        .first()
    )
    return found.isoformat(timespec="seconds") if found else None


def _communes(
    province: Unit, tree: str, year: int, public: bool
) -> list[dict[str, Any]]:
    units = list(
        Unit.objects.valid_on(tree_day(tree, year))
        .filter(path__startswith=province.path, level=Level.COMMUNE)
        .select_related("parent")
        .order_by("parent__name_key", "name_key", "code")
    )
    statuses = commune_figures(province, year, tree)["units"] if public else {}
    recognized = records.recognized_units(units, year)
    out = []
    for unit in units:
        parent = unit.parent
        out.append(
            {
                **unit_ref(unit),
                "district": parent.name
                if parent is not None and parent.level == Level.DISTRICT
                else None,
                "reported": statuses.get(unit.pk, {}).get("status", {}).get("reported"),
                "evaluated": statuses.get(unit.pk, {})
                .get("status", {})
                .get("evaluated"),
                "evaluated_unverified": bool(
                    statuses.get(unit.pk, {}).get("status", {}).get("unverified")
                ),
                "recognized": figures.STANDARD_KIND.get(unit.type, "")
                in recognized.get(unit.pk, []),
            }
        )
    return out


def province_parts(province: Unit, year: int, tree: str) -> tuple[object, ...]:
    """What a province's answer depends on (its cache key)."""
    return (
        "province",
        province.pk,
        year,
        tree,
        tuple(sorted(state.public_years(province))),
        state.version(),
        store_stamp(),
    )


def province(
    province: Unit, year: int, tree: str, parts: tuple[object, ...] | None = None
) -> dict[str, Any]:
    """A province's page: its key figures and targets in `year` when public,
    its communes (with their status when public) and petitions received."""
    public = state.public_years(province)

    def build() -> dict[str, Any]:
        is_public = year in public
        data: dict[str, Any] = {
            "province": unit_ref(province),
            "year": year,
            "tree": tree,
            "years": sorted(public),
            "published": is_public,
            "published_at": _published_at(province, year) if is_public else None,
            "headlines": None,
            "targets": [],
            "communes": _communes(province, tree, year, is_public),
            "petitions": records.petition_counts(province, year),
        }
        if is_public:
            data["headlines"] = figures.headlines(
                province,
                tree=tree,
                year=year,
                public=public,
                codes=figures.PROVINCE_HEADLINES,
            )
            data["targets"] = figures.targets(
                province, tree=tree, year=year, public=public
            )
        return data

    return cached(parts or province_parts(province, year, tree), build)


def province_charts(
    province: Unit, year: int, tree: str, parts: tuple[object, ...] | None = None
) -> dict[str, Any]:
    """The series behind the province's charts, public years up to `year`
    only, and its communes by status in `year`."""
    public = state.public_years(province)

    def build() -> dict[str, Any]:
        if year not in public:
            return {"year": year, "tree": tree, "published": False}
        shown = frozenset(y for y in public if y <= year)
        statuses: dict[str, int] = {
            MET: 0,
            NOT_MET: 0,
            NO_DATA: 0,
        }
        for row in _communes(province, tree, year, True):
            statuses[row["reported"] or NO_DATA] += 1
        return {
            "year": year,
            "tree": tree,
            "published": True,
            "trend": figures.series(
                province, tree=tree, public=shown, codes=figures.TREND_CHART
            ),
            "money": figures.series(
                province, tree=tree, public=shown, codes=(figures.MONEY_CHART,)
            ),
            "communes": statuses,
        }

    return cached(("charts", *(parts or province_parts(province, year, tree))), build)


# -- a commune ------------------------------------------------------------------------


def commune_figures(province: Unit, year: int, tree: str) -> dict[str, Any]:
    """The status and key figures of every commune of the province in a
    public year, computed once for all of them: {"units": {unit id: ...}}."""
    public = state.public_years(province)

    def build() -> dict[str, Any]:
        units = list(
            Unit.objects.filter(path__startswith=province.path, level=Level.COMMUNE)
        )
        statuses = figures.commune_statuses(province, tree=tree, year=year, units=units)
        heads = figures.commune_headlines(
            province,
            tree=tree,
            year=year,
            public=public,
            codes=figures.COMMUNE_HEADLINES,
        )
        cards = records.scorecards(province, year)
        return {
            "units": {
                u.pk: {
                    "status": {
                        **statuses.get(u.pk, {}),
                        "unverified": _judged_unverified(u, cards.get(u.pk, [])),
                    },
                    "headlines": heads.get(u.pk),
                    "scorecards": cards.get(u.pk, []),
                }
                for u in units
            }
        }

    return cached(
        ("commune-figures", *province_parts(province, year, tree)[1:]),
        build,
        shared=True,
    )


def commune_records(province: Unit, year: int) -> dict[str, Any]:
    """The public records of every commune of the province in `year`, read
    once for all of them (a few grouped queries)."""

    def build() -> dict[str, Any]:
        commune = records.communes_of(province)
        return {
            "recognitions": records.recognitions(province, year),
            "contributions": records.contributions(province, year, commune),
            "ocop": records.ocop_products(province, year, commune),
            "conferences": records.conferences(province, year, commune),
            "petitions": records.commune_petition_counts(province, year, commune),
        }

    return cached(
        ("commune-records", province.pk, year, state.version()), build, shared=True
    )


def lineage(province: Unit) -> dict[str, Any]:
    """{"before": {unit id: the units it was formed from}, "after": {unit id:
    the units it became part of}} for the communes of the province (one
    query)."""

    def build() -> dict[str, Any]:
        before: dict[int, list[dict[str, Any]]] = {}
        after: dict[int, list[dict[str, Any]]] = {}
        for edge in (
            Succession.objects.filter(
                Q(successor__path__startswith=province.path)
                | Q(predecessor__path__startswith=province.path),
                successor__level=Level.COMMUNE,
            )
            .exclude(successor=F("predecessor"))
            .select_related("predecessor", "successor")
            .order_by("predecessor__name_key", "successor__name_key")
        ):
            before.setdefault(edge.successor_id, []).append(unit_ref(edge.predecessor))
            after.setdefault(edge.predecessor_id, []).append(unit_ref(edge.successor))
        return {"before": before, "after": after}

    return cached(("lineage", province.pk, state.version()), build, shared=True)


def commune_years(unit: Unit, public: frozenset[int]) -> list[int]:
    """The public years in which the commune existed."""
    first = unit.valid_from.year if unit.valid_from else None
    last = unit.valid_to.year if unit.valid_to else None
    return sorted(
        y
        for y in public
        if (first is None or y >= first) and (last is None or y <= last)
    )


def commune_parts(unit: Unit, year: int) -> tuple[object, ...]:
    """What a commune's answer depends on (its cache key)."""
    return (
        "commune",
        unit.pk,
        year,
        tuple(sorted(state.public_years(province_of(unit)))),
        state.version(),
        store_stamp(),
    )


def _judged_unverified(unit: Unit, cards: list[dict[str, Any]]) -> bool:
    """Whether the commune's status by the criteria rests on a threshold or
    rule not confirmed in the official text (its stored evaluation says)."""
    kind = figures.STANDARD_KIND.get(unit.type, "")
    return any(card["unverified"] for card in cards if card["kind"] == kind)


def commune(
    unit: Unit, year: int, parts: tuple[object, ...] | None = None
) -> dict[str, Any]:
    """A commune's page: its public records, and in a public year its status,
    key figures and criteria scorecards."""
    province_unit = province_of(unit)
    public = state.public_years(province_unit)
    tree = default_tree(unit)

    def build() -> dict[str, Any]:
        years = commune_years(unit, public)
        is_public = year in years
        edges = lineage(province_unit)
        before = copy.deepcopy(edges["before"].get(unit.pk, []))
        after = copy.deepcopy(edges["after"].get(unit.pk, []))
        parent = unit.parent
        data: dict[str, Any] = {
            "commune": unit_ref(unit),
            "published_at": _published_at(province_unit, year) if is_public else None,
            "parent": unit_ref(parent) if parent is not None else None,
            "province": unit_ref(province_unit),
            "year": year,
            "years": years,
            "published": is_public,
            "predecessors": before,
            "successors": after,
            "status": None,
            "headlines": None,
            "scorecards": [],
        }
        found = commune_records(province_unit, year)
        data["recognitions"] = found["recognitions"].get(unit.pk, [])
        data["contributions"] = found["contributions"].get(
            unit.pk, records.no_contributions()
        )
        data["ocop"] = found["ocop"].get(unit.pk, [])
        data["conferences"] = found["conferences"].get(unit.pk, [])
        data["petitions"] = found["petitions"].get(unit.pk, records.no_petitions())
        if is_public:
            mine = commune_figures(province_unit, year, tree)["units"].get(unit.pk, {})
            data["status"] = {
                "standard": figures.STANDARD_KIND.get(unit.type, ""),
                **mine.get("status", {}),
            }
            data["headlines"] = mine.get("headlines")
            # The standard the commune's type is judged by first.
            data["scorecards"] = sorted(
                mine.get("scorecards", []),
                key=lambda card: card["kind"] != data["status"]["standard"],
            )
        return data

    return cached(parts or commune_parts(unit, year), build)
