"""What the public may see of a province's figures: the published years that
are still fully approved.

A (province, year) is *fully approved* when every (data set, unit, period)
that holds a value, for a unit of the province's subtree (and, before the
reform, of the legacy units the province's units succeeded) and a period
within the year, is approved. `gaps` lists those that are not; `public_years`
answers the pages with one aggregate query per province, cached briefly.

The cached answers carry a version that changes whenever an approval, a
value or a publication changes (signals connected in `connect`), so a form
reopened after publication hides its year at the next request; the short
timeout bounds what a change made behind Django's back (a restore) may leave.
"""

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from vandong.catalog.models import DataSet, DataSetElement, Period, PeriodKind
from vandong.collect.models import Approval, ApprovalState, DataValue
from vandong.collect.signals import values_changed
from vandong.geo.models import REFORM_DATE, Level, Succession, Unit
from vandong.portal.localcache import memory
from vandong.portal.models import Publication

VERSION_KEY = "portal:state-version"
# How long a computed answer may be reused when nothing signalled a change.
STATE_SECONDS = 60
REFORM_YEAR = REFORM_DATE.year

STATE_VI = {
    ApprovalState.DRAFT: "nháp",
    ApprovalState.SUBMITTED: "đã gửi duyệt, chưa phê duyệt",
}


def state_seconds() -> int:
    return int(getattr(settings, "PORTAL_STATE_SECONDS", STATE_SECONDS))


# -- the version ------------------------------------------------------------------


# The version read from the shared cache is reused for this long by this
# process (a change made in another process shows within it); a change made
# here forgets it at once.
VERSION_MEMO_SECONDS = 1.0
_memo: dict[str, tuple[float, int]] = {}


def version() -> int:
    """The current version of everything the portal's answers depend on."""
    now = time.monotonic()
    memo = _memo.get("version")
    if memo is not None and memo[0] > now:
        return memo[1]
    found = cache.get(VERSION_KEY)
    if found is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        found = cache.get(VERSION_KEY, 0)
    seconds = float(
        getattr(settings, "PORTAL_VERSION_MEMO_SECONDS", VERSION_MEMO_SECONDS)
    )
    _memo["version"] = (now + seconds, int(found))
    return int(found)


def bump() -> None:
    """Forget every cached answer (a new version)."""
    _memo.clear()
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not there (yet, or any more)
        cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def _changed(**_kwargs: Any) -> None:
    # Now, and again once the transaction commits: a request reading between
    # the two would otherwise cache the state from before the commit.
    bump()
    transaction.on_commit(bump)


def connect() -> None:
    post_save.connect(_changed, sender=Approval, dispatch_uid="portal-approval-save")
    post_delete.connect(
        _changed, sender=Approval, dispatch_uid="portal-approval-delete"
    )
    post_save.connect(
        _changed, sender=Publication, dispatch_uid="portal-publication-save"
    )
    post_delete.connect(
        _changed, sender=Publication, dispatch_uid="portal-publication-delete"
    )
    values_changed.connect(_changed, dispatch_uid="portal-values-changed")


# -- what feeds a province's figures ----------------------------------------------


def source_paths(province: Unit, year: int) -> list[str]:
    """The subtrees whose values make up the province's figures of `year`:
    its own, and before the reform those of the legacy provinces whose units
    its units succeeded (the current tree carries their figures)."""
    paths = {province.path}
    if year <= REFORM_YEAR:
        predecessors = Succession.objects.filter(
            successor__path__startswith=province.path
        ).values_list("predecessor__path", flat=True)
        roots = {p.strip("/").split("/")[0] for p in predecessors if p}
        paths |= {
            u.path
            for u in Unit.objects.filter(
                pk__in=[int(r) for r in roots if r.isdigit()], level=Level.PROVINCE
            )
        }
    return sorted(paths)


def year_periods(years: Iterable[int]) -> dict[int, int]:
    """{period id: year} of the periods lying within one of `years` (the year
    itself, and quarters and months exchanged with DHIS2)."""
    wanted = set(years)
    return {
        p.pk: p.start.year
        for p in Period.objects.exclude(kind=PeriodKind.PHASE).only(
            "pk", "start", "end"
        )
        if p.start.year == p.end.year and p.start.year in wanted
    }


def _gap_sql(select: str, n_paths: int, n_periods: int, tail: str = "") -> str:
    """The unapproved (data set, unit, period) triples holding a value, as
    the derived table `t` (data_set_id, unit_id, period_id, path, code):
    the triples holding values first (a few per unit), then those without
    an approved approval (an anti-join on the approvals' key), so the plan
    stays cheap whatever the planner knows of the tables."""
    q = connection.ops.quote_name
    value = q(DataValue._meta.db_table)
    unit = q(Unit._meta.db_table)
    member = q(DataSetElement._meta.db_table)
    data_set = q(DataSet._meta.db_table)
    approval = q(Approval._meta.db_table)
    paths = " OR ".join(["u.path LIKE %s"] * n_paths)
    periods = ", ".join(["%s"] * n_periods)
    # Only table names (quoted) and placeholders are formatted in; every
    # value is a parameter.
    return (
        f"SELECT {select} FROM ("  # noqa: S608
        "SELECT DISTINCT m.data_set_id, v.unit_id, v.period_id, u.path, ds.code "
        f"FROM {value} v "
        f"JOIN {unit} u ON u.id = v.unit_id "
        f"JOIN {member} m ON m.data_element_id = v.data_element_id "
        f"JOIN {data_set} ds ON ds.id = m.data_set_id AND ds.level = u.level "
        f"WHERE v.period_id IN ({periods}) AND ({paths})"
        ") t "
        f"WHERE NOT EXISTS (SELECT 1 FROM {approval} a "
        "WHERE a.data_set_id = t.data_set_id AND a.unit_id = t.unit_id "
        f"AND a.period_id = t.period_id AND a.state = %s){tail}"
    )


def _params(paths: list[str], periods: Iterable[int]) -> list[Any]:
    return [*periods, *(p + "%" for p in paths), ApprovalState.APPROVED]


def unapproved_forms(
    province: Unit, years: Iterable[int]
) -> list[tuple[int, int, int]]:
    """Every unapproved (data set, unit, period) holding values in the
    province's years (with the legacy units they came from)."""
    wanted = list(years)
    periods = year_periods(wanted)
    paths = sorted({p for y in wanted for p in source_paths(province, y)})
    if not periods or not paths:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            _gap_sql("t.data_set_id, t.unit_id, t.period_id", len(paths), len(periods)),
            _params(paths, periods),
        )
        return [(int(a), int(b), int(c)) for a, b, c in cursor.fetchall()]


def years_with_values(province: Unit, years: Iterable[int]) -> set[int]:
    """Those of `years` in which the province's figures hold any value."""
    return {y for y in set(years) if has_values(province, y)}


def has_values(province: Unit, year: int) -> bool:
    """Whether any value lies in the province's figures of `year`."""
    periods = year_periods([year])
    if not periods:
        return False
    paths = source_paths(province, year)
    q = connection.ops.quote_name
    paths_sql = " OR ".join(["u.path LIKE %s"] * len(paths))
    sql = (
        f"SELECT 1 FROM {q(DataValue._meta.db_table)} v "  # noqa: S608 - names and placeholders
        f"JOIN {q(Unit._meta.db_table)} u ON u.id = v.unit_id "
        f"WHERE v.period_id IN ({', '.join(['%s'] * len(periods))}) "
        f"AND ({paths_sql}) LIMIT 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*periods, *(p + "%" for p in paths)])
        return cursor.fetchone() is not None


def years_with_gaps(province: Unit, years: Iterable[int]) -> set[int]:
    """Those of `years` in which some value of the province is not approved."""
    return set(gap_counts(province, years))


def gap_counts(province: Unit, years: Iterable[int]) -> dict[int, int]:
    """{year: unapproved (data set, unit, period) triples holding values} for
    the years that have any (for the officers' page)."""
    wanted = sorted(set(years))
    by_paths: dict[tuple[str, ...], list[int]] = {}
    for year in wanted:
        by_paths.setdefault(tuple(source_paths(province, year)), []).append(year)
    counts: dict[int, int] = {}
    for paths, group in by_paths.items():
        periods = year_periods(group)
        if not periods:
            continue
        sql = _gap_sql(
            "t.period_id, COUNT(*)",
            len(paths),
            len(periods),
            " GROUP BY t.period_id",
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, _params(list(paths), periods))
            for period_id, n in cursor.fetchall():
                year = periods[int(period_id)]
                counts[year] = counts.get(year, 0) + int(n)
    return counts


@dataclass(frozen=True)
class Gap:
    """A (data set, unit, period) holding values that is not approved."""

    data_set_code: str
    data_set_name_vi: str
    unit_code: str
    unit_name: str
    period: str
    state: str

    @property
    def text_vi(self) -> str:
        return (
            f"“{self.data_set_name_vi}” của {self.unit_name} ({self.unit_code}), "
            f"kỳ {self.period}: {STATE_VI.get(ApprovalState(self.state), self.state)}"
        )

    @property
    def text_en(self) -> str:
        return (
            f"Data set {self.data_set_code} of {self.unit_name} ({self.unit_code}), "
            f"{self.period}: {self.state}"
        )


def gaps(province: Unit, year: int, *, limit: int = 200) -> tuple[list[Gap], int]:
    """The first `limit` unapproved (data set, unit, period) triples holding
    values in the province's year, in tree order, and how many there are."""
    paths = source_paths(province, year)
    periods = year_periods([year])
    if not periods:
        return [], 0
    params = _params(paths, periods)
    with connection.cursor() as cursor:
        cursor.execute(
            _gap_sql("COUNT(*)", len(paths), len(periods)),
            params,
        )
        row = cursor.fetchone()
        total = int(row[0]) if row else 0
        cursor.execute(
            _gap_sql(
                "t.data_set_id, t.unit_id, t.period_id",
                len(paths),
                len(periods),
                " ORDER BY t.path, t.code, t.period_id",
            )
            + f" LIMIT {int(limit)}",
            params,
        )
        triples = [(int(r[0]), int(r[1]), int(r[2])) for r in cursor.fetchall()]
    data_sets = DataSet.objects.in_bulk({t[0] for t in triples})
    units = Unit.objects.in_bulk({t[1] for t in triples})
    period_codes = dict(
        Period.objects.filter(pk__in={t[2] for t in triples}).values_list("pk", "code")
    )
    states = {
        (a.data_set_id, a.unit_id, a.period_id): a.state
        for a in Approval.objects.filter(
            unit_id__in={t[1] for t in triples}, period_id__in=list(periods)
        )
    }
    found = [
        Gap(
            data_set_code=data_sets[ds].code,
            data_set_name_vi=data_sets[ds].name_vi,
            unit_code=units[u].code,
            unit_name=units[u].name,
            period=period_codes.get(p, str(year)),
            state=states.get((ds, u, p), ApprovalState.DRAFT),
        )
        for ds, u, p in triples
    ]
    return found, total


# -- what the public sees ----------------------------------------------------------


_refreshing: dict[str, threading.Lock] = {}
_refreshing_lock = threading.Lock()


def public_years(province: Unit) -> frozenset[int]:
    """The province's published years that are still fully approved.

    Within one version (nothing signalled a change) the answer is checked
    again every STATE_SECONDS; while one request checks, the others of this
    process keep the answer it replaces instead of waiting for the query."""
    key = f"portal:public:{province.pk}:{version()}"

    def build() -> list[int]:
        # The cache every process shares, else the query (once per version
        # and STATE_SECONDS for all processes).
        found = cache.get(key)
        if found is None:
            published = set(
                Publication.objects.filter(province=province).values_list(
                    "year", flat=True
                )
            )
            gaps = years_with_gaps(province, published) if published else set()
            found = sorted(published - gaps)
            cache.set(key, found, timeout=state_seconds())
        memory.set(key + ":last", list(found), seconds=10 * state_seconds())
        return list(found)

    fresh = min(state_seconds(), 5)
    found = memory.get(key)
    if found is not None:
        return frozenset(found)
    last = memory.get(key + ":last")
    if last is not None:
        with _refreshing_lock:
            lock = _refreshing.setdefault(key, threading.Lock())
        if not lock.acquire(blocking=False):
            return frozenset(last)  # another request is checking it now
        try:
            found = build()
            memory.set(key, found, seconds=fresh)
        finally:
            lock.release()
            with _refreshing_lock:
                _refreshing.pop(key, None)
        return frozenset(found)
    # This process's memory first: a few seconds, within the version.
    return frozenset(memory.get_or_build(key, build, seconds=fresh))
