"""Building and refreshing the analytics store (the only writer of it).

`rebuild` rolls everything up again: from the store's facts, or with
`cold=True` from the database. `refresh` follows a write of values: it
re-reads the facts of the provinces and years written and rolls up those
provinces again, in well under a second at national scale.
"""

import contextlib
import gc
import logging
import os
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from django.utils import timezone

from vandong.analytics import extract
from vandong.analytics.current import (
    Part,
    current_rows,
    feeding_roots,
    sources_of,
)
from vandong.analytics.engine import FACT_SCHEMA, ROLLUP_SCHEMA, heap, rollup
from vandong.analytics.files import (
    by_level,
    file_slices,
    province_facts,
    read_fact_parts,
    read_facts,
    read_rows,
    replace_statuses,
    rewrite_facts,
    statuses_path,
    write_facts,
    write_roots,
    write_top,
    write_tree,
)
from vandong.analytics.measures import Registry
from vandong.analytics.statuses import commune_specs
from vandong.analytics.store import Store
from vandong.analytics.tree import LEVELS, Tree
from vandong.catalog.criteria.spec import CriteriaSetSpec

logger = logging.getLogger(__name__)

Progress = Callable[[str], None]


@dataclass
class RebuildReport:
    cold: bool = False
    seconds: float = 0.0
    facts: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    steps: dict[str, float] = field(default_factory=dict)


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
        self.say(message, step=name)

    def say(self, message: str, *, step: str = "") -> None:
        elapsed = time.monotonic() - self.started
        self.store.write_progress(
            running=True, step=step, message=message, elapsed=elapsed
        )
        if self.progress is not None:
            self.progress(f"{message} ({elapsed:.1f} s)")


def rebuild(
    *, cold: bool = False, progress: Progress | None = None, store: Store | None = None
) -> RebuildReport:
    """Roll every measure up both trees, for every year, into the store.

    The provinces are rolled up in batches that need nothing from each
    other (a current province always with the legacy provinces that fed
    it), one per core at a time: a batch's arrays stay small enough for the
    processor's caches. The country is summed from the provinces' rows at
    the end."""
    with contextlib.ExitStack() as paused:
        # From the store, the cycle collector is paused from the start:
        # loading Numba's kernels (where the C ones were not built) makes
        # enough objects to set off a full collection. A cold read lets it
        # run (its frames are large).
        if not cold:
            paused.enter_context(_no_cycle_collection())
        return _rebuild(cold, progress, store or Store(), paused.close)


def _rebuild(
    cold: bool, progress: Progress | None, store: Store, resume: Callable[[], None]
) -> RebuildReport:
    report = RebuildReport(cold=cold)
    warming = _warm_up_kernels()
    with store.lock():
        steps = _Steps(store, progress, report)
        try:
            manifest = store.manifest()
            report.cold = cold or not manifest.get("built_at") or not store.fact_roots()
            # The store's files are opened while the units are read.
            reading = None if report.cold else _in_background(read_fact_parts, store)
            units, units_key, units_read = _units(
                store, None if report.cold else manifest
            )
            tree = Tree.of(units)
            edges = extract.successions()
            facts: pl.DataFrame | None = None
            judged: pl.DataFrame | None = None
            if report.cold:
                resume()  # the collector, for the read
                store.clear()
                registry = Registry()
                facts = _extract(registry, tree, extract.Scope())
                steps.done(
                    "extract", "Đọc dữ liệu từ cơ sở dữ liệu / read the database"
                )
                write_facts(store, facts, tree)
                steps.done("facts", "Ghi dữ kiện / wrote the facts")
                found = pl.Series(tree.roots(facts["unit"].to_numpy()))
                roots = found.unique().sort().to_list()
                years = sorted(set(facts["year"].unique().to_list()))
                report.facts = facts.height
            else:
                registry = Registry(manifest.get("derived", {}))
                roots = store.fact_roots()
                years = sorted(manifest.get("years") or [])
                judged = store.read(statuses_path(store))
            rules = registry.rules()
            warming.join()
            # The statuses are judged again only when not read from the store.
            specs = commune_specs() if judged is None else []
            # Freed arrays stay in the heap for the next batch, instead of
            # fresh pages the kernel must zero (given back at the end).
            with heap.keeping_freed_memory(), _Writer(store) as writer:
                work = _BatchWork(
                    store, tree, edges, registry, rules, years, judged, specs, writer
                )
                stored = reading.result() if reading is not None else None
                with _no_cycle_collection():
                    done = _roll_up(
                        work, _batches(tree, edges, roots), facts, stored, steps
                    )
                del stored
                del facts
                steps.done("rollup", "Tổng hợp hai cây / rolled up both trees")
                if not report.cold:
                    report.facts = sum(d.facts for d in done)
                # The two trees' countries, side by side.
                with ThreadPoolExecutor(max_workers=2) as pool:
                    tops = {
                        name: pool.submit(
                            write_top,
                            store,
                            name,
                            pl.concat([d.provinces[name] for d in done])
                            if done
                            else pl.DataFrame(schema=ROLLUP_SCHEMA),
                            tree,
                            rules,
                        )
                        for name in ("legacy", "current")
                    }
                for name, top in tops.items():
                    report.rows[name] = sum(d.rows[name] for d in done) + top.result()
                store.write(
                    statuses_path(store),
                    pl.concat([d.judged for d in done])
                    if done
                    else pl.DataFrame(schema=FACT_SCHEMA),
                )
                if units_read:
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
                    "units": units_key,
                    "seconds": round(report.seconds, 2),
                }
            )
        finally:
            store.write_progress(running=False)
    return report


def _units(
    store: Store, manifest: dict[str, Any] | None
) -> tuple[pl.DataFrame, str | None, bool]:
    """The units, their fingerprint, and whether they were read: the
    store's copy serves while the database's units hash as they did when it
    was written (one pass in the database instead of 174,000 rows sent)."""
    key = extract.units_fingerprint()
    if key is not None and manifest is not None and manifest.get("units") == key:
        stored = store.read(store.root / "units.arrow")
        if stored is not None and stored.schema == pl.Schema(extract.UNIT_FRAME):
            return stored, key, False
    return extract.units(), key, True


@contextlib.contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused: a full collection walks every object
    of the process (a tenth of a second, holding the lock every batch's
    thread needs), and the rollup makes no cycles worth it meanwhile."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _warm_up_kernels() -> threading.Thread:
    """The rollup's compiled loops loaded on a thread of their own while
    the units are read from the database."""

    def load() -> None:
        from vandong.analytics.engine import kernels

        kernels.warm_up()

    thread = threading.Thread(target=load, name="vandong-kernels", daemon=True)
    thread.start()
    return thread


# Batches rolled up at once, one per core: NumPy and Polars release
# Python's lock in their loops. (Worker processes were measured no faster:
# each batch's Polars calls already use more than one core.)
_WORKERS = max(1, min(4, os.cpu_count() or 1))


# Two batches per worker: fewer, larger calls (each call has its
# fixed cost), still small enough for the caches.
_BATCHES = 2 * _WORKERS


def _roll_up(
    work: "_BatchWork",
    batches: list[list[int]],
    facts: pl.DataFrame | None,
    stored: list[Part] | None,
    steps: _Steps,
) -> list["_BatchResult"]:
    """Each batch of provinces rolled up (both trees) and written, from
    `facts` when they were just read, else from the store's files (`stored`,
    when already opened)."""
    slices: list[list[Part] | None] = [None] * len(batches)
    if facts is not None:
        slices = list(_batch_slices(facts, work.tree, batches))
    elif stored is not None:
        slices = list(_stored_slices(stored, batches))
    done: list[_BatchResult] = []
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        futures = [
            pool.submit(work.run, batch, slices[i]) for i, batch in enumerate(batches)
        ]
        del slices
        for future in as_completed(futures):
            done.append(future.result())
            steps.say(
                f"Tổng hợp {len(done)}/{len(batches)} nhóm tỉnh / "
                f"rolled up {len(done)} of {len(batches)} batches of provinces"
            )
    return done


def _statuses_of(
    judged: pl.DataFrame | None, tree: Tree, roots: list[int]
) -> pl.DataFrame | None:
    """The statuses judged again of the units under these provinces."""
    if judged is None:
        return None
    mine = np.isin(tree.roots(judged["unit"].to_numpy()), roots)
    return judged.filter(pl.Series(mine))


@dataclass
class _BatchResult:
    facts: int
    rows: dict[str, int]
    provinces: dict[str, pl.DataFrame]
    judged: pl.DataFrame


@dataclass
class _BatchWork:
    """What every batch's rollup shares; `run` does one batch."""

    store: Store
    tree: Tree
    edges: pl.DataFrame
    registry: Registry
    rules: pl.DataFrame
    years: list[int]
    judged: pl.DataFrame | None
    specs: list[CriteriaSetSpec]
    writer: "_Writer"

    def run(self, roots: list[int], facts: list[Part] | None) -> _BatchResult:
        """Both trees of these provinces rolled up and their files handed to
        the writer; their provinces' rows (for the country) given back.
        `facts` by province and level, as the store's files keep them (read
        from them when not given)."""
        if facts is None:
            facts = read_fact_parts(self.store, roots)
        tree = self.tree.part(roots)
        judged = _statuses_of(self.judged, tree, roots)
        legacy = rollup(
            [part for _root, _level, part in facts],
            tree.frame(),
            self.rules,
            include_own=False,
            group_of=tree.root_of,
            # The country is summed from every batch's provinces.
            top=1,
        )
        rows: dict[str, int] = {}
        provinces: dict[str, pl.DataFrame] = {}
        # The legacy files are written while the current tree is rolled up.
        rows["legacy"], provinces["legacy"] = self._hand_over(
            "legacy", legacy, tree, facts
        )
        current, judged = current_rows(
            facts,
            legacy,
            tree,
            self.registry,
            self.rules,
            self.years,
            self.edges,
            judged,
            self.specs,
        )
        rows["current"], provinces["current"] = self._hand_over(
            "current", current, tree, facts
        )
        return _BatchResult(sum(p.height for *_, p in facts), rows, provinces, judged)

    def _hand_over(
        self, name: str, tree_rows: pl.DataFrame, tree: Tree, facts: list[Part]
    ) -> tuple[int, pl.DataFrame]:
        """A tree's rows cut into the provinces' files for the writer; returns
        their count and its provinces' rows (the country is summed from
        every batch's)."""
        tops = write_roots(self.store, name, tree_rows, tree, put=self.writer.put)
        count = int((tree_rows["unit"] != 0).sum())
        return count, pl.concat([tops.drop("root"), province_facts(facts, tree, name)])


class _Writer:
    """The store's files written on a thread of their own, while the batches
    go on rolling up (writing waits on the disk as much as on a core)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.pool = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="vandong-write"
        )
        self.pending: list[Future[None]] = []

    def put(self, path: Path, frame: pl.DataFrame) -> None:
        self.pending.append(self.pool.submit(self.store.write, path, frame))

    def __enter__(self) -> "_Writer":
        return self

    def __exit__(self, failed: type[BaseException] | None, *_: object) -> None:
        """Every file handed over written; the first error raised, unless
        the rollup itself failed (its error is the one to see)."""
        self.pool.shutdown(wait=True)
        if failed is None:
            for future in self.pending:
                future.result()


def _batches(tree: Tree, edges: pl.DataFrame, roots: Sequence[int]) -> list[list[int]]:
    """The provinces (path roots) in batches whose rollups need nothing from
    each other. A group is a current province with the legacy provinces
    whose units succeeded into it; the groups are packed, largest first,
    into _BATCHES of about the same size, so that the workers end together."""
    leader = {int(r): int(r) for r in roots}

    def find(root: int) -> int:
        leader.setdefault(root, root)
        while leader[root] != root:
            leader[root] = leader[leader[root]]
            root = leader[root]
        return root

    sources = tree.roots(edges["unit"].to_numpy())
    targets = tree.roots(edges["successor"].to_numpy())
    pairs = {
        (int(a), int(b)) for a, b in zip(sources, targets, strict=True) if a >= 0 <= b
    }
    for a, b in pairs:
        leader[find(a)] = find(b)
    grouped: dict[int, list[int]] = defaultdict(list)
    for root in sorted(leader):
        grouped[find(root)].append(root)
    # By the units under them; packed into _BATCHES of about the same size.
    counts = np.bincount(tree.root_of[tree.root_of >= 0])
    sized = sorted(
        (
            (sum(int(counts[r]) if r < len(counts) else 0 for r in g), g)
            for g in grouped.values()
        ),
        reverse=True,
    )
    batches: list[tuple[int, list[int]]] = [
        (0, []) for _ in range(min(_BATCHES, len(sized)))
    ]
    for size, group in sized:
        smallest = min(range(len(batches)), key=lambda i: batches[i][0])
        total, roots_so_far = batches[smallest]
        batches[smallest] = (total + size, roots_so_far + group)
    return [sorted(b) for _, b in sorted(batches, reverse=True) if b]


def _in_background(
    read: Callable[[Store], list[Part]], store: Store
) -> "Future[list[Part]]":
    """`read(store)` on a thread of its own (opening files waits on the
    disk, not on Python's lock)."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vandong-read")
    try:
        return pool.submit(read, store)
    finally:
        pool.shutdown(wait=False)


def _stored_slices(stored: list[Part], batches: list[list[int]]) -> list[list[Part]]:
    """The store's files of each batch, in the order `read_fact_parts` gives
    them (level by level)."""
    by_key = {(root, level): part for root, level, part in stored}
    return [
        [
            (root, level, by_key[root, level])
            for level in LEVELS
            for root in batch
            if (root, level) in by_key
        ]
        for batch in batches
    ]


def _batch_slices(
    facts: pl.DataFrame, tree: Tree, batches: list[list[int]]
) -> list[list[Part]]:
    """The facts of each batch by province and level, as the store's files
    keep them: slices of the runs of one province and level (no filter over
    all the rows, and no copy)."""
    batch_of = {root: i for i, batch in enumerate(batches) for root in batch}
    parts: list[list[Part]] = [[] for _ in batches]
    for root, level, part in file_slices(facts, tree):
        parts[batch_of[root]].append((root, level, part))
    return parts


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
    warming = _warm_up_kernels()
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
        fresh = _fresh_facts(store, registry, tree, sorted(roots), wanted_years, ids)
        rules = registry.rules()
        warming.join()
        years_all = sorted(set(manifest.get("years", [])) | set(wanted_years))
        written = sorted(roots)
        # Years are rolled up on their own: only the years written change.
        # The facts read are these provinces' facts of these years, so they
        # are rolled up as read while a thread rewrites the provinces' fact
        # files (keeping their other years), then the legacy tree's files.
        with ThreadPoolExecutor(max_workers=1) as writer:
            facts_done = writer.submit(
                rewrite_facts, store, tree, fresh, written, wanted_years
            )
            # Up to the provinces: write_tree sums the country from them all.
            legacy = rollup(fresh, tree.frame(), rules, include_own=False, top=1)
            legacy_done = writer.submit(
                write_tree,
                store,
                "legacy",
                legacy,
                fresh,
                tree,
                rules,
                roots=written,
                years=wanted_years,
            )
            _refresh_current(
                store, tree, registry, rules, fresh, legacy, written, wanted_years
            )
            facts_done.result()
            legacy_done.result()
        manifest["derived"] = registry.derived
        manifest["years"] = years_all
        manifest["refreshed_at"] = timezone.now().isoformat()
        store.write_manifest(manifest)
    return True


# Up to this many units written, a refresh reads their facts alone.
SPLICED_UNITS = 2_000


def _fresh_facts(
    store: Store,
    registry: Registry,
    tree: Tree,
    roots: list[int],
    years: list[int],
    unit_ids: np.ndarray,
) -> pl.DataFrame:
    """These provinces' facts of these years as they are now: the store's,
    with the facts of the units written read again from the database (a
    few hundred rows, not the province's hundred thousand). Past a few
    thousand units written, the provinces are read again whole."""
    if len(unit_ids) > SPLICED_UNITS:
        return _extract(registry, tree, extract.Scope(roots, years))
    ids = unit_ids.tolist()
    written = _extract(
        registry, tree, extract.Scope(roots, years, units=ids), ordered=False
    )
    kept = read_facts(store, roots, years).filter(~pl.col("unit").is_in(ids))
    return by_level(pl.concat([kept, written.select(kept.columns)]), tree)


def _refresh_current(
    store: Store,
    tree: Tree,
    registry: Registry,
    rules: pl.DataFrame,
    fresh: pl.DataFrame,
    legacy: pl.DataFrame,
    written: list[int],
    years: list[int],
) -> None:
    """The current provinces these legacy ones feed, rolled up again for these
    years: from `fresh` and `legacy` (the written provinces' facts and rows,
    just made) and from the store for the other provinces that feed them."""
    edges = extract.successions()
    feeding = feeding_roots(tree, written, edges)
    if not feeding:
        return
    sources = sorted(set(feeding) | sources_of(tree, feeding, edges))
    others = [r for r in sources if r not in written]
    fresh_roots = tree.roots(fresh["unit"].to_numpy())
    source_facts = pl.concat(
        [
            fresh.filter(pl.Series(np.isin(fresh_roots, sources))),
            read_facts(store, others, years),
        ]
    )
    legacy_units = legacy["unit"].to_numpy()
    mine = (tree.levels(legacy_units) >= 1) & np.isin(tree.roots(legacy_units), sources)
    source_rows = pl.concat(
        [
            legacy.filter(pl.Series(mine)),
            read_rows(store, "legacy", others).filter(pl.col("period").is_in(years)),
        ]
    )
    current, judged = current_rows(
        file_slices(by_level(source_facts, tree), tree),
        source_rows,
        tree,
        registry,
        rules,
        years,
        edges,
    )
    current = current.filter(
        pl.Series(np.isin(tree.roots(current["unit"].to_numpy()), feeding))
    )
    replace_statuses(store, tree, judged, feeding, years)
    write_tree(
        store, "current", current, source_facts, tree, rules, roots=feeding, years=years
    )


def _extract(
    registry: Registry, tree: Tree, scope: extract.Scope, *, ordered: bool = True
) -> pl.DataFrame:
    """The facts of the scope: data values, evaluations, recognitions and
    the units counted, ordered by level (villages first) unless not
    `ordered`."""
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
    if scope.units is not None:
        units = units.filter(pl.col("unit").is_in(list(scope.units)))
    held = extract.recognitions(registry, scope, units, years)
    counted = extract.unit_counts(registry, units, years)
    facts = pl.concat(
        [f.select(list(FACT_SCHEMA)) for f in (values, judged, held, counted)]
    )
    return by_level(facts, tree) if ordered else facts
