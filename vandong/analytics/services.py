"""Building and refreshing the analytics store (the only writer of it).

`rebuild` rolls everything up again: from the store's facts, or with
`cold=True` from the database. `refresh` follows a write of values: it
re-reads the facts of the provinces and years written and rolls up those
provinces again, in well under a second at national scale.
"""

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl
from django.utils import timezone

from vandong.analytics import extract
from vandong.analytics.engine import (
    FACT_SCHEMA,
    ROLLUP_SCHEMA,
    map_to_successors,
    rollup,
)
from vandong.analytics.expressions import DERIVED_KINDS
from vandong.analytics.measures import Registry
from vandong.analytics.statuses import re_evaluated
from vandong.analytics.store import TOP, Store
from vandong.geo.models import REFORM_DATE

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]

# Figures of this year on are the current units' own; before it, the current
# tree sees them through the succession edges.
REFORM_YEAR = REFORM_DATE.year
LEVELS = (4, 3, 2, 1)


@dataclass
class RebuildReport:
    cold: bool = False
    seconds: float = 0.0
    facts: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)


@dataclass
class Tree:
    """The units as arrays by id: parent, level, root province, whether in
    the current tree."""

    units: pl.DataFrame
    level_of: np.ndarray
    root_of: np.ndarray
    current: np.ndarray

    @classmethod
    def of(cls, units: pl.DataFrame) -> "Tree":
        top = int(str(units["unit"].max() or 0)) + 1
        level_of = np.full(top, -1, dtype=np.int8)
        root_of = np.full(top, -1, dtype=np.int32)
        current = np.zeros(top, dtype=bool)
        ids = units["unit"].to_numpy()
        level_of[ids] = units["level"].to_numpy()
        root_of[ids] = units["root"].to_numpy()
        current[ids] = units["current"].to_numpy()
        level_of[0], root_of[0] = 0, 0
        return cls(units, level_of, root_of, current)

    def frame(self, *, current_only: bool = False) -> pl.DataFrame:
        units = self.units.filter(pl.col("current")) if current_only else self.units
        return units.select("unit", "parent", "level")

    def known(self, ids: np.ndarray) -> np.ndarray:
        return (ids >= 0) & (ids < len(self.level_of))

    def levels(self, ids: np.ndarray) -> np.ndarray:
        return self._lookup(self.level_of, ids)

    def roots(self, ids: np.ndarray) -> np.ndarray:
        return self._lookup(self.root_of, ids)

    def _lookup(self, table: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """`table[ids]`, -1 for ids outside the tree; one gather when all
        are inside (the usual case, tens of millions of ids)."""
        if len(ids) == 0 or (ids.min() >= 0 and ids.max() < len(table)):
            found: np.ndarray = table[ids]
            return found
        inside = self.known(ids)
        return np.where(inside, table[np.where(inside, ids, 0)], -1)


class _Steps:
    """Timings of a rebuild's steps, and its progress shown to whoever asks."""

    def __init__(
        self, store: Store, progress: Progress | None, report: RebuildReport
    ) -> None:
        self.store, self.progress, self.report = store, progress, report
        self.started = self.last = time.monotonic()

    def done(self, name: str, message: str) -> None:
        now = time.monotonic()
        self.report.steps[name] = now - self.last
        self.last = now
        self.store.write_progress(
            running=True, step=name, message=message, elapsed=now - self.started
        )
        if self.progress is not None:
            self.progress(f"{message} ({now - self.started:.1f} s)")


def rebuild(
    *, cold: bool = False, progress: Progress | None = None, store: Store | None = None
) -> RebuildReport:
    """Roll every measure up both trees, for every year, into the store."""
    store = store or Store()
    report = RebuildReport(cold=cold)
    with store.lock():
        steps = _Steps(store, progress, report)
        try:
            manifest = store.manifest()
            tree = Tree.of(extract.units())
            edges = extract.successions()
            if cold or not manifest.get("built_at") or not store.fact_roots():
                report.cold = True
                store.clear()
                registry = Registry()
                facts = _extract(registry, tree, extract.Scope())
                steps.done(
                    "extract", "Đọc dữ liệu từ cơ sở dữ liệu / read the database"
                )
                _write_facts(store, facts, tree)
                steps.done("facts", "Ghi dữ kiện / wrote the facts")
            else:
                registry = Registry(manifest.get("derived", {}))
                facts = _read_facts(store, store.fact_roots())
                steps.done("facts", "Đọc dữ kiện trong kho / read the store's facts")
            report.facts = facts.height
            years = sorted(set(facts["year"].unique().to_list()))
            rules = registry.rules()
            legacy = rollup(facts, tree.frame(), rules, include_own=False)
            steps.done("legacy", "Tổng hợp theo cây báo cáo / rolled up as reported")
            with ThreadPoolExecutor(max_workers=1) as writer:
                # The legacy tree is written while the current one is computed.
                written = writer.submit(
                    _write_tree, store, "legacy", legacy, facts, tree, rules
                )
                judged = None if report.cold else store.read(_statuses_path(store))
                current, judged = _current_rows(
                    facts, legacy, tree, registry, rules, years, edges, judged
                )
                store.write(_statuses_path(store), judged)
                steps.done(
                    "current",
                    "Tổng hợp theo đơn vị hiện hành / rolled up the current tree",
                )
                report.rows["current"] = _write_tree(
                    store, "current", current, facts, tree, rules
                )
                report.rows["legacy"] = written.result()
            store.write(store.root / "units.arrow", tree.units)
            steps.done("write", "Ghi kết quả / wrote the tables")
            report.seconds = time.monotonic() - steps.started
            store.write_manifest(
                {
                    "format": 1,
                    "built_at": timezone.now().isoformat(),
                    "derived": registry.derived,
                    "years": years,
                    "facts": report.facts,
                    "rows": report.rows,
                    "seconds": round(report.seconds, 2),
                }
            )
        finally:
            store.write_progress(running=False)
    return report


def refresh(
    *, unit_ids: Iterable[int], years: Iterable[int], store: Store | None = None
) -> bool:
    """Bring the store up to date after values of these units and years
    changed: their provinces' facts are read again and rolled up. Returns
    False when there is no store yet (a rebuild makes one)."""
    store = store or Store()
    wanted_years = sorted({int(y) for y in years})
    ids = np.array(sorted({int(u) for u in unit_ids}), dtype=np.int64)
    if not wanted_years or len(ids) == 0:
        return True
    with store.lock():
        manifest = store.manifest()
        if not manifest.get("built_at"):
            return False
        new_year = bool(set(wanted_years) - set(manifest.get("years", [])))
    if new_year:
        # A year the store has not seen: every unit is counted in it, in
        # every province, not only in those written. Once a year.
        rebuild(cold=True, store=store)
        return True
    with store.lock():
        manifest = store.manifest()
        stored_units = store.read(store.root / "units.arrow")
        tree = Tree.of(stored_units if stored_units is not None else extract.units())
        roots = set(tree.roots(ids).tolist())
        if -1 in roots:
            # A unit the store has not seen (the tree changed): read it again.
            tree = Tree.of(extract.units())
            roots = set(tree.roots(ids).tolist()) - {-1}
        registry = Registry(manifest.get("derived", {}))
        fresh = _extract(registry, tree, extract.Scope(sorted(roots), wanted_years))
        for root in sorted(roots):
            old = _read_facts(store, [root])
            kept = old.filter(~pl.col("year").is_in(wanted_years))
            mine = fresh.filter(pl.Series(tree.roots(fresh["unit"].to_numpy()) == root))
            _write_facts(
                store, _by_level(pl.concat([kept, mine]), tree), tree, roots=[root]
            )
        rules = registry.rules()
        years_all = sorted(set(manifest.get("years", [])) | set(wanted_years))
        # Years are rolled up on their own: only the years written change.
        in_years = pl.col("year").is_in(wanted_years)
        legacy_facts = _read_facts(store, sorted(roots)).filter(in_years)
        legacy = rollup(legacy_facts, tree.frame(), rules, include_own=False)
        _write_tree(
            store,
            "legacy",
            legacy,
            legacy_facts,
            tree,
            rules,
            roots=sorted(roots),
            years=wanted_years,
        )
        # The lineage, read once for the whole refresh.
        edges = extract.successions()
        feeding = _feeding_roots(tree, sorted(roots), edges)
        if feeding:
            sources = sorted(set(feeding) | _sources_of(tree, feeding, edges))
            source_facts = _read_facts(store, sources).filter(in_years)
            source_rows = _read_rows(store, "legacy", sources).filter(
                pl.col("period").is_in(wanted_years)
            )
            current, judged = _current_rows(
                source_facts, source_rows, tree, registry, rules, wanted_years, edges
            )
            current = current.filter(
                pl.Series(np.isin(tree.roots(current["unit"].to_numpy()), feeding))
            )
            _replace_statuses(store, tree, judged, feeding, wanted_years)
            _write_tree(
                store,
                "current",
                current,
                source_facts,
                tree,
                rules,
                roots=feeding,
                years=wanted_years,
            )
        manifest["derived"] = registry.derived
        manifest["years"] = years_all
        manifest["refreshed_at"] = timezone.now().isoformat()
        store.write_manifest(manifest)
    return True


# -- reading the facts ----------------------------------------------------


def _extract(registry: Registry, tree: Tree, scope: extract.Scope) -> pl.DataFrame:
    """The facts of the scope: data values, evaluations, recognitions and
    the units counted, ordered by level (villages first)."""
    values = extract.data_values(registry, scope)
    judged = extract.evaluations(registry, scope)
    years = sorted(
        set(values["year"].unique().to_list()) | set(judged["year"].unique().to_list())
    )
    if scope.years is not None:
        years = sorted(set(years) | set(scope.years))
    units = tree.units
    if scope.roots is not None:
        units = units.filter(pl.col("root").is_in(list(scope.roots)))
    held = extract.recognitions(registry, scope, units, years)
    counted = extract.unit_counts(registry, units, years)
    facts = pl.concat(
        [f.select(list(FACT_SCHEMA)) for f in (values, judged, held, counted)]
    )
    return _by_level(facts, tree)


def _by_level(facts: pl.DataFrame, tree: Tree) -> pl.DataFrame:
    """The facts of units in the tree, villages first, then communes,
    districts and provinces, each level by province (path root): the order
    the store's files give them back in, so that each file is one slice."""
    units = facts["unit"].to_numpy()
    levels = tree.levels(units)
    keep = levels > 0
    if not keep.all():
        facts, units, levels = facts.filter(pl.Series(keep)), units[keep], levels[keep]
    if facts.is_empty():
        return facts
    roots = tree.roots(units)
    distinct = np.unique(roots)
    # One small integer per (level, root): a stable sort on 16-bit keys is a
    # radix sort, linear in the rows.
    key = (4 - levels.astype(np.int32)) * len(distinct) + np.searchsorted(
        distinct, roots
    )
    if np.all(key[:-1] <= key[1:]):
        return facts
    small = key.astype(np.int16) if key.max() < 2**15 else key
    order = np.argsort(small, kind="stable")
    return pl.DataFrame(
        {name: facts[name].to_numpy()[order] for name in facts.columns},
        schema=facts.schema,
    )


def _write_facts(
    store: Store, facts: pl.DataFrame, tree: Tree, *, roots: Sequence[int] | None = None
) -> None:
    """One file per province and level, so that reading them all back in
    level order gives the facts ordered by level without a sort. `facts`
    come ordered as `_by_level` orders them."""
    for root in roots or []:
        for level in LEVELS:
            store.remove(store.facts_path(root, level))
    slices = _file_slices(facts, tree)
    if len({(root, level) for root, level, _ in slices}) < len(slices):
        # Not in file order: one pair in two places would overwrite itself.
        slices = _file_slices(_by_level(facts, tree), tree)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(store.write, store.facts_path(root, level), part)
            for root, level, part in slices
        ]
        for future in futures:
            future.result()


def _file_slices(
    facts: pl.DataFrame, tree: Tree
) -> list[tuple[int, int, pl.DataFrame]]:
    """(root, level, rows) of each run of rows of one province and level."""
    if facts.is_empty():
        return []
    units = facts["unit"].to_numpy()
    levels, tops = tree.levels(units), tree.roots(units)
    changes = np.flatnonzero((np.diff(levels) != 0) | (np.diff(tops) != 0)) + 1
    starts = [0, *changes.tolist()]
    ends = [*changes.tolist(), facts.height]
    return [
        (int(tops[a]), int(levels[a]), facts.slice(a, b - a))
        for a, b in zip(starts, ends, strict=True)
        if levels[a] > 0
    ]


def _read_facts(store: Store, roots: Sequence[int]) -> pl.DataFrame:
    frames = []
    for level in LEVELS:
        for root in roots:
            frame = store.read(store.facts_path(root, level))
            if frame is not None:
                frames.append(frame)
    if not frames:
        return pl.DataFrame(schema=FACT_SCHEMA)
    # One chunk: every column then reaches NumPy without a copy, and the
    # rollup asks for them many times.
    return pl.concat(frames, rechunk=True)


def _read_rows(store: Store, tree: str, roots: Sequence[int]) -> pl.DataFrame:
    frames = [store.read(store.rows_path(tree, r)) for r in roots]
    found = [f for f in frames if f is not None]
    return pl.concat(found) if found else pl.DataFrame(schema=ROLLUP_SCHEMA)


# -- the current tree ------------------------------------------------------


def _current_rows(
    facts: pl.DataFrame,
    legacy: pl.DataFrame,
    tree: Tree,
    registry: Registry,
    rules: pl.DataFrame,
    years: Sequence[int],
    edges: pl.DataFrame,
    judged: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The current tree's rows, other than the current units' own facts:
    the legacy figures of the years before the reform carried onto the
    current units (a legacy commune's onto its successors; figures reported
    for a whole district or province onto the current province), the current
    units counted in every year, their statuses then judged again (unless
    `judged` gives them), and everything rolled up from them. Returns the
    rows and the statuses judged."""
    derived = [
        i for code, i in registry.derived.items() if code.split(":")[0] in DERIVED_KINDS
    ]
    units = facts["unit"].to_numpy()
    years_of = facts["year"].to_numpy()
    levels = tree.levels(units)
    current = tree.current[np.clip(units, 0, len(tree.current) - 1)]
    own = facts.filter(pl.Series(current & (years_of >= REFORM_YEAR)))
    earlier = years_of < REFORM_YEAR
    has_edge = np.zeros(len(tree.level_of), dtype=bool)
    edge_units = edges["unit"].to_numpy()
    has_edge[edge_units[tree.known(edge_units)]] = True
    legacy_units = legacy["unit"].to_numpy()
    legacy_levels = tree.levels(legacy_units)
    legacy_earlier = legacy["period"].to_numpy() < REFORM_YEAR
    inside = tree.known(legacy_units)

    def at(frame: pl.DataFrame, mask: np.ndarray) -> pl.DataFrame:
        return frame.filter(pl.Series(mask))

    # A legacy commune's own figures and what came up to it from its villages.
    commune_rows = pl.concat(
        [
            _worked(
                at(
                    facts,
                    earlier & (levels == 3) & has_edge[np.where(levels >= 0, units, 0)],
                )
            ),
            at(
                legacy,
                legacy_earlier
                & (legacy_levels == 3)
                & inside
                & has_edge[np.where(inside, legacy_units, 0)],
            ).rename({"period": "year"}),
        ]
    ).filter(~pl.col("measure").is_in(derived))
    high_ids = registry.high_level()
    high = pl.concat(
        [
            _worked(at(facts, earlier & (levels == 1))),
            at(legacy, legacy_earlier & (legacy_levels == 1)).rename(
                {"period": "year"}
            ),
        ]
    ).filter(pl.col("measure").is_in(high_ids))
    provinces = tree.units.filter((pl.col("level") == 1) & pl.col("current"))["unit"]
    identity = pl.DataFrame(
        {"unit": provinces, "successor": provinces, "share": 1.0, "split": False},
        schema=edges.schema,
    )
    province_edges = pl.concat(
        [edges.filter(pl.Series(tree.levels(edges["unit"].to_numpy()) == 1)), identity]
    )
    mapped = pl.concat(
        [
            map_to_successors(commune_rows, edges, rules, all_of=registry.yes_no()),
            map_to_successors(high, province_edges, rules, all_of=registry.yes_no()),
        ]
    )
    current_units = tree.units.filter(pl.col("current"))
    before = [y for y in years if y < REFORM_YEAR]
    counted = _worked(
        extract.unit_counts(registry, current_units, before, every_year=True)
    )
    if judged is None:
        villages = at(facts, earlier & (levels == 4))
        judged = re_evaluated(mapped, villages, tree.units, registry, before, edges)
    carried = pl.concat(
        [mapped, counted.select(mapped.columns), _worked(judged).select(mapped.columns)]
    )
    above = rollup(
        pl.concat([_worked(own), carried]),
        tree.frame(current_only=True),
        rules,
        include_own=False,
    )
    rows = pl.concat(
        [carried.rename({"year": "period"}).select(list(ROLLUP_SCHEMA)), above]
    )
    return rows, judged


def _statuses_path(store: Store) -> Path:
    """The current units' statuses in the years before the reform, judged
    again on their merged figures: derived facts, kept like the others and
    made again by a cold rebuild and by every refresh that reaches them."""
    return store.root / "facts" / "statuses.arrow"


def _replace_statuses(
    store: Store,
    tree: Tree,
    judged: pl.DataFrame,
    roots: Sequence[int],
    years: Sequence[int],
) -> None:
    """The statuses of these provinces' units in these years replaced."""
    mine = judged.filter(
        pl.Series(np.isin(tree.roots(judged["unit"].to_numpy()), list(roots)))
    )
    previous = store.read(_statuses_path(store))
    if previous is not None:
        replaced = np.isin(
            tree.roots(previous["unit"].to_numpy()), list(roots)
        ) & np.isin(previous["year"].to_numpy(), list(years))
        others = previous.filter(pl.Series(~replaced))
        mine = pl.concat([others, mine.select(previous.columns)])
    store.write(_statuses_path(store), mine)


def _worked(facts: pl.DataFrame) -> pl.DataFrame:
    """Facts with the rollup's count and estimate columns."""
    if "n" in facts.columns:
        return facts
    return facts.select(list(FACT_SCHEMA)).with_columns(
        pl.lit(1, pl.Int32).alias("n"), pl.lit(False).alias("estimate")
    )


def _feeding_roots(tree: Tree, roots: Sequence[int], edges: pl.DataFrame) -> list[int]:
    """The current provinces whose figures the facts of these provinces
    reach: themselves where they are current, and their successors."""
    under = tree.units.filter(pl.col("root").is_in(list(roots)))["unit"]
    targets = edges.filter(pl.col("unit").is_in(under.to_list()))[
        "successor"
    ].to_numpy()
    found = set(tree.roots(targets).tolist())
    found |= {r for r in roots if bool(tree.current[r])}
    return sorted(found - {-1})


def _sources_of(
    tree: Tree, current_roots: Sequence[int], edges: pl.DataFrame
) -> set[int]:
    """The provinces (path roots) whose legacy units feed these current ones."""
    under = tree.units.filter(pl.col("root").is_in(list(current_roots)))["unit"]
    sources = edges.filter(pl.col("successor").is_in(under.to_list()))[
        "unit"
    ].to_numpy()
    return set(tree.roots(sources).tolist()) - {-1}


# -- writing ----------------------------------------------------------------


def _write_tree(
    store: Store,
    name: str,
    rows: pl.DataFrame,
    facts: pl.DataFrame,
    tree: Tree,
    rules: pl.DataFrame,
    *,
    roots: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
) -> int:
    """Rows by province; the provinces' and the country's rows (with the
    provinces' own facts) in `top`, the country recomputed from all the
    provinces. With `roots`, only those provinces are replaced; with
    `years` too, only their rows of those years."""
    units = rows["unit"].to_numpy()
    levels = tree.levels(units)
    keyed = rows.with_columns(pl.Series("root", tree.roots(units), pl.Int32))
    below = keyed.filter(pl.Series(levels >= 1))
    parts = {
        int(str(root)): part.drop("root")
        for (root,), part in below.partition_by("root", as_dict=True).items()
    }
    if years is not None:
        for root in roots or []:
            previous = store.read(store.rows_path(name, root))
            if previous is None:
                continue
            other_years = previous.filter(~pl.col("period").is_in(list(years)))
            if root in parts:
                parts[root] = pl.concat([other_years, parts[root]])
            elif not other_years.is_empty():
                parts[root] = other_years
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(store.write, store.rows_path(name, root), part)
            for root, part in parts.items()
        ]
        for future in futures:
            future.result()
    for root in set(roots or []) - set(parts):
        store.remove(store.rows_path(name, root))
    # The provinces' rows: what came up to them and their own facts.
    fact_levels = tree.levels(facts["unit"].to_numpy())
    own = facts.filter(pl.Series(fact_levels == 1))
    if name == "current":
        own = own.filter(
            pl.Series(tree.current[own["unit"].to_numpy()])
            & (pl.col("year") >= REFORM_YEAR)
        )
    provinces = pl.concat(
        [
            keyed.filter(pl.Series(levels == 1)).drop("root"),
            own.rename({"year": "period"})
            .with_columns(
                pl.lit(1, pl.Int32).alias("n"), pl.lit(False).alias("estimate")
            )
            .select(list(ROLLUP_SCHEMA)),
        ]
    )
    if roots is not None:
        previous = store.read(store.rows_path(name, TOP))
        if previous is not None:
            replaced = pl.col("unit").is_in(
                list(set(provinces["unit"].unique().to_list()) | set(roots))
            )
            if years is not None:
                replaced = replaced & pl.col("period").is_in(list(years))
            kept = previous.filter((pl.col("unit") != 0) & ~replaced)
            provinces = pl.concat([kept, provinces])
    country = _country(provinces, tree, name, rules)
    store.write(store.rows_path(name, TOP), pl.concat([provinces, country]))
    return rows.height


def _country(
    provinces: pl.DataFrame, tree: Tree, name: str, rules: pl.DataFrame
) -> pl.DataFrame:
    """The whole country, summed from every province's rows."""
    facts = provinces.rename({"period": "year"})
    units = tree.frame(current_only=name == "current").filter(pl.col("level") == 1)
    return rollup(facts, units, rules, include_own=False).filter(pl.col("unit") == 0)
