"""The store's files by province: the facts as reported (by level) and
the rows rolled up on each tree, with the provinces' and the country's in
`top`."""

import itertools
from collections import defaultdict
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import polars as pl

from vandong.analytics.engine import FACT_SCHEMA, ROLLUP_SCHEMA, kernels, rollup
from vandong.analytics.engine.arrays import changes, take
from vandong.analytics.engine.dense import aligned_chunks
from vandong.analytics.store import TOP, Store
from vandong.analytics.tree import LEVELS, REFORM_YEAR, Tree


def by_level(facts: pl.DataFrame, tree: Tree) -> pl.DataFrame:
    """The facts of units in the tree, villages first, then communes,
    districts and provinces, each level by province (path root): the order
    the store's files give them back in, so that each file is one slice."""
    if facts.is_empty():
        return facts
    # One small integer per (level, root), looked up by unit in a table made
    # from the tree (not from the rows): -1 for units outside the tree.
    ids = tree.units["unit"].to_numpy()
    roots = tree.root_of[ids]
    distinct = np.unique(roots[roots >= 0])
    position = np.zeros(int(distinct.max(initial=0)) + 1, dtype=np.int32)
    position[distinct] = np.arange(len(distinct), dtype=np.int32)
    key_of = np.full(len(tree.level_of), -1, dtype=np.int32)
    levels = tree.level_of[ids].astype(np.int32)
    inside = (levels > 0) & (roots >= 0)
    key_of[ids[inside]] = (4 - levels[inside]) * len(distinct) + position[roots[inside]]
    key = tree.lookup(key_of, facts["unit"].to_numpy())
    if (key < 0).any():
        facts, key = facts.filter(pl.Series(key >= 0)), key[key >= 0]
    if len(key) == 0 or bool(np.all(key[:-1] <= key[1:])):
        return facts
    # A few hundred keys: a counting sort (two passes), then one gather.
    return facts[kernels.counting_order(key, 4 * len(distinct))]


def rewrite_facts(
    store: Store,
    tree: Tree,
    fresh: pl.DataFrame,
    roots: Sequence[int],
    years: Sequence[int],
) -> None:
    """These provinces' fact files with their facts of these years replaced
    by `fresh` (their other years kept)."""
    fresh_roots = tree.roots(fresh["unit"].to_numpy())
    for root in roots:
        kept = read_facts(store, [root]).filter(~pl.col("year").is_in(list(years)))
        mine = fresh.filter(pl.Series(fresh_roots == root))
        write_facts(store, by_level(pl.concat([kept, mine]), tree), tree, roots=[root])


def write_facts(
    store: Store, facts: pl.DataFrame, tree: Tree, *, roots: Sequence[int] | None = None
) -> None:
    """One file per province and level, so that reading them all back in
    level order gives the facts ordered by level without a sort. `facts`
    come ordered as `by_level` orders them."""
    for root in roots or []:
        for level in LEVELS:
            store.remove(store.facts_path(root, level))
    slices = file_slices(facts, tree)
    if len({(root, level) for root, level, _ in slices}) < len(slices):
        # Not in file order: one pair in two places would overwrite itself.
        slices = file_slices(by_level(facts, tree), tree)
    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [
            pool.submit(_write_one_chunk, store, store.facts_path(root, level), part)
            for root, level, part in slices
        ]
        for future in futures:
            future.result()


def _write_one_chunk(store: Store, path: Path, facts: pl.DataFrame) -> None:
    """A fact file as one record batch: every rebuild opens it, and each
    batch of a file is a chunk the rollup's loops are called on apart (the
    facts read from the database come in many)."""
    store.write(path, facts.rechunk())


def file_slices(facts: pl.DataFrame, tree: Tree) -> list[tuple[int, int, pl.DataFrame]]:
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


def read_facts(
    store: Store, roots: Sequence[int], years: Sequence[int] | None = None
) -> pl.DataFrame:
    """These provinces' facts, level by level (of these years only)."""
    parts = read_fact_parts(store, roots, years)
    if not parts:
        return pl.DataFrame(schema=FACT_SCHEMA)
    # One chunk: every column then reaches NumPy without a copy.
    return pl.concat([part for _root, _level, part in parts], rechunk=True)


def read_fact_parts(
    store: Store,
    roots: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
) -> list[tuple[int, int, pl.DataFrame]]:
    """(root, level, facts) of each of these provinces' files (all, without
    `roots`), level by level, as read (memory-mapped, not copied)."""
    if roots is None:
        roots = store.fact_roots()
    parts = []
    for level in LEVELS:
        for root in roots:
            frame = store.read(store.facts_path(root, level))
            if frame is not None:
                if years is not None:
                    frame = frame.filter(pl.col("year").is_in(list(years)))
                parts.append((root, level, frame))
    return parts


def read_rows(store: Store, tree: str, roots: Sequence[int]) -> pl.DataFrame:
    frames = [store.read(store.rows_path(tree, r)) for r in roots]
    found = [f for f in frames if f is not None]
    return pl.concat(found) if found else pl.DataFrame(schema=ROLLUP_SCHEMA)


def statuses_path(store: Store) -> Path:
    """The current units' statuses in the years before the reform, judged
    again on their merged figures: derived facts, kept like the others and
    made again by a cold rebuild and by every refresh that reaches them."""
    return store.root / "facts" / "statuses.arrow"


def replace_statuses(
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
    previous = store.read(statuses_path(store))
    if previous is not None:
        replaced = np.isin(
            tree.roots(previous["unit"].to_numpy()), list(roots)
        ) & np.isin(previous["year"].to_numpy(), list(years))
        others = previous.filter(pl.Series(~replaced))
        mine = pl.concat([others, mine.select(previous.columns)])
    store.write(statuses_path(store), mine)


def write_tree(
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
    tops = write_roots(store, name, rows, tree, roots=roots, years=years)
    own = province_facts(file_slices(facts, tree), tree, name)
    provinces = pl.concat([tops.drop("root"), own])
    write_top(store, name, provinces, tree, rules, roots=roots, years=years)
    return rows.height


def write_roots(
    store: Store,
    name: str,
    rows: pl.DataFrame,
    tree: Tree,
    *,
    roots: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
    put: Callable[[Path, pl.DataFrame], None] | None = None,
) -> pl.DataFrame:
    """The rows below the country, one file per province; with `roots`, only
    those provinces are replaced (with `years` too, only their rows of those
    years). Returns the provinces' own rows (with `root`). Each file is
    written by `put` (the store's `write`, unless given)."""
    put = put or store.write
    # The country's rows (and those of units outside the tree) go to no
    # province's file: -1.
    file_of = np.where(tree.level_of >= 1, tree.root_of, -1).astype(np.int32)
    parts = _by_file(rows, file_of)
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
    for root, part in parts.items():
        put(store.rows_path(name, root), part)
    for root in set(roots or []) - set(parts):
        store.remove(store.rows_path(name, root))
    return _province_rows(rows, tree, file_of)


def _province_rows(rows: pl.DataFrame, tree: Tree, file_of: np.ndarray) -> pl.DataFrame:
    """The rows of provinces (level 1), with their `root`: a chunk of
    another level (the rollup's sums come in chunks of one level) is
    passed over without a look at each row."""
    found = []
    for _start, chunk in aligned_chunks(rows):
        units = chunk["unit"].to_numpy()
        level = kernels.uniform(tree.level_of, units)
        if level not in (1, kernels.MIXED):
            continue
        if level == kernels.MIXED:
            chunk = chunk.filter(pl.Series(tree.levels(units) == 1))
            units = chunk["unit"].to_numpy()
        found.append(
            chunk.with_columns(pl.Series("root", tree.lookup(file_of, units), pl.Int32))
        )
    if not found:
        return rows.clear().with_columns(pl.lit(0, pl.Int32).alias("root"))
    return pl.concat(found)


def _by_file(rows: pl.DataFrame, file_of: np.ndarray) -> dict[int, pl.DataFrame]:
    """The rows of each province's file (`file_of[unit]`: the row's province,
    -1 for none). A chunk whose rows come in long runs of one province (the
    rollup's sums do) is cut into slices, not copied; any other partitioned."""
    pieces: dict[int, list[pl.DataFrame]] = defaultdict(list)
    # Keys for the counting sort: the file (-1 for none) plus one.
    keys = int(file_of.max(initial=-1)) + 2
    for _start, chunk in aligned_chunks(rows):
        units = chunk["unit"].to_numpy()
        cuts = kernels.runs(file_of, units)
        if len(cuts) * _RUN < len(units):
            bounds = [0, *cuts.tolist(), len(units)]
            files = take(file_of, units[bounds[:-1]])
            for (a, b), root in zip(
                itertools.pairwise(bounds), files.tolist(), strict=True
            ):
                pieces[int(root)].append(chunk.slice(a, b - a))
            continue
        # Ordered by province (a counting sort: each keeps its rows' order),
        # then sliced: one gather, where a partition cost a call per province.
        files = take(file_of, units)
        order = kernels.counting_order(files + 1, keys)
        ordered, files = chunk[order], files[order]
        bounds = [0, *changes(files).tolist(), len(files)]
        for a, b in itertools.pairwise(bounds):
            pieces[int(files[a])].append(ordered.slice(a, b - a))
    return {root: pl.concat(p) for root, p in pieces.items() if root >= 0}


# Runs this long on average, or longer, are sliced rather than partitioned.
_RUN = 256


def province_facts(
    facts: Sequence[tuple[int, int, pl.DataFrame]], tree: Tree, name: str
) -> pl.DataFrame:
    """The provinces' own facts (`facts` by root and level, as `file_slices`
    gives them) as rows of this tree (the current tree has the current
    provinces' of the reform year on)."""
    own = [part for _root, level, part in facts if level == 1]
    if not own:
        return pl.DataFrame(schema=ROLLUP_SCHEMA)
    rows = pl.concat(own)
    if name == "current":
        rows = rows.filter(
            pl.Series(tree.current[rows["unit"].to_numpy()])
            & (pl.col("year") >= REFORM_YEAR)
        )
    return (
        rows.rename({"year": "period"})
        .with_columns(pl.lit(1, pl.Int32).alias("n"), pl.lit(False).alias("estimate"))
        .select(list(ROLLUP_SCHEMA))
    )


def write_top(
    store: Store,
    name: str,
    provinces: pl.DataFrame,
    tree: Tree,
    rules: pl.DataFrame,
    *,
    roots: Sequence[int] | None = None,
    years: Sequence[int] | None = None,
) -> int:
    """The provinces' rows and the country's, summed from every province's,
    in `top`; with `roots`, the other provinces' rows already there are
    kept. Returns the country's rows."""
    previous = store.read(store.rows_path(name, TOP)) if roots is not None else None
    if previous is not None:
        replaced = pl.col("unit").is_in(
            list(set(provinces["unit"].unique().to_list()) | set(roots or []))
        )
        if years is not None:
            replaced = replaced & pl.col("period").is_in(list(years))
        kept = previous.filter((pl.col("unit") != 0) & ~replaced)
        provinces = pl.concat([kept, provinces])
    if years is not None and previous is not None:
        # The country's other years are as they were.
        in_years = pl.col("period").is_in(list(years))
        country = pl.concat(
            [
                previous.filter((pl.col("unit") == 0) & ~in_years),
                country_rows(provinces.filter(in_years), tree, name, rules),
            ]
        )
    else:
        country = country_rows(provinces, tree, name, rules)
    store.write(store.rows_path(name, TOP), pl.concat([provinces, country]))
    return country.height


def country_rows(
    provinces: pl.DataFrame, tree: Tree, name: str, rules: pl.DataFrame
) -> pl.DataFrame:
    """The whole country, summed from every province's rows."""
    facts = provinces.rename({"period": "year"})
    units = tree.frame(current_only=name == "current").filter(pl.col("level") == 1)
    return rollup(facts, units, rules, include_own=False).filter(pl.col("unit") == 0)
