"""The current tree's rows: the legacy figures carried onto today's units
through the succession edges, the current units counted in every year,
their statuses judged again, and everything rolled up from them."""

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import polars as pl

from vandong.analytics import extract
from vandong.analytics.engine import (
    FACT_SCHEMA,
    ROLLUP_SCHEMA,
    map_to_successors,
    rollup,
)
from vandong.analytics.engine.dense import aligned_chunks
from vandong.analytics.expressions import DERIVED_KINDS
from vandong.analytics.measures import Registry
from vandong.analytics.statuses import re_evaluated
from vandong.analytics.tree import REFORM_YEAR, Tree
from vandong.catalog.criteria.spec import CriteriaSetSpec

# Facts of one province (path root) and level, as the store's files keep them.
Part = tuple[int, int, pl.DataFrame]


def current_rows(
    facts: Sequence[Part],
    legacy: pl.DataFrame,
    tree: Tree,
    registry: Registry,
    rules: pl.DataFrame,
    years: Sequence[int],
    edges: pl.DataFrame,
    judged: pl.DataFrame | None = None,
    specs: list[CriteriaSetSpec] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The current tree's rows, other than the current units' own facts:
    the legacy figures of the years before the reform carried onto the
    current units (a legacy commune's onto its successors; figures reported
    for a whole district or province onto the current province), the current
    units counted in every year, their statuses then judged again (unless
    `judged` gives them), and everything rolled up from them to the
    provinces (the caller sums the country from all of them). Returns the
    rows and the statuses judged.

    `facts` come by province and level (`file_slices`); the facts of tens of
    millions of rows are passed on as slices, never filtered whole."""
    derived = [
        i for code, i in registry.derived.items() if code.split(":")[0] in DERIVED_KINDS
    ]
    own = [_current_own(tree, root, part) for root, _level, part in facts]
    earlier = {
        level: [_before_reform(part) for _root, lvl, part in facts if lvl == level]
        for level in (4, 3, 1)
    }
    legacy_by_level = _earlier_by_level(legacy.rename({"period": "year"}), tree)
    # A legacy commune's own figures and what came up to it from its villages
    # (units without a successor are left out by the mapping itself).
    commune_rows = [*earlier[3], *legacy_by_level.get(3, [])]
    high_ids = registry.high_level()
    high = pl.concat(
        [
            *(worked(p) for p in earlier[1]),
            *(p.select(list(_WORKED)) for p in legacy_by_level.get(1, [])),
            worked(pl.DataFrame(schema=FACT_SCHEMA)),
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
    commune_edges = edges.filter(pl.Series(tree.levels(edges["unit"].to_numpy()) == 3))
    yes_no = registry.yes_no()
    # Kept apart for the rollup: each of one level, so never partitioned.
    mapped_parts = [
        map_to_successors(
            commune_rows,
            commune_edges,
            rules,
            all_of=yes_no,
            leave_out=derived,
            group_of=tree.root_of,
        ),
        map_to_successors(
            high, province_edges, rules, all_of=yes_no, group_of=tree.root_of
        ),
    ]
    mapped = pl.concat(mapped_parts)
    current_units = tree.units.filter(pl.col("current"))
    before = [y for y in years if y < REFORM_YEAR]
    counted = worked(
        extract.unit_counts(registry, current_units, before, every_year=True)
    )
    if judged is None:
        villages = (
            pl.concat(earlier[4]) if earlier[4] else pl.DataFrame(schema=FACT_SCHEMA)
        )
        judged = re_evaluated(
            mapped, villages, tree.units, registry, before, edges, specs
        )
    carried_parts = [
        *mapped_parts,
        counted.select(mapped.columns),
        worked(judged).select(mapped.columns),
    ]
    carried = pl.concat(carried_parts)
    above = rollup(
        [*(p for p in own if not p.is_empty()), *carried_parts],
        tree.frame(current_only=True),
        rules,
        include_own=False,
        group_of=tree.root_of,
        # The country is summed from all the provinces, by the caller.
        top=1,
    )
    rows = pl.concat(
        [carried.rename({"year": "period"}).select(list(ROLLUP_SCHEMA)), above]
    )
    return rows, judged


_WORKED = [*FACT_SCHEMA, "n", "estimate"]


def _earlier_by_level(rows: pl.DataFrame, tree: Tree) -> dict[int, list[pl.DataFrame]]:
    """The rows of the years before the reform, by their units' level. The
    rollup's rows come in chunks of one level (its sums, level by level):
    such a chunk is taken whole, as a slice; any other is split."""
    from vandong.analytics.engine import kernels

    by_level: dict[int, list[pl.DataFrame]] = defaultdict(list)
    for _start, chunk in aligned_chunks(rows):
        chunk = _before_reform(chunk)
        if chunk.is_empty():
            continue
        units = chunk["unit"].to_numpy()
        level = kernels.uniform(tree.level_of, units)
        if level != kernels.MIXED:
            by_level[level].append(chunk)
            continue
        levels = tree.levels(units)
        for one in np.unique(levels).tolist():
            by_level[one].append(chunk.filter(pl.Series(levels == one)))
    return by_level


def _before_reform(part: pl.DataFrame) -> pl.DataFrame:
    """The facts of the years before the reform (all of them, uncopied, when
    the last year is before it)."""
    if part.is_empty() or int(part["year"].max()) < REFORM_YEAR:  # type: ignore[arg-type]
        return part
    return part.filter(pl.col("year") < REFORM_YEAR)


def _current_own(tree: Tree, root: int, part: pl.DataFrame) -> pl.DataFrame:
    """The facts of current units from the reform year on: none under a
    legacy province, the whole slice when every year is after the reform."""
    kind = tree.root_kind(root)
    if kind == "legacy" or part.is_empty():
        return part.clear()
    if kind == "current":
        if int(part["year"].min()) >= REFORM_YEAR:  # type: ignore[arg-type]
            return part
        return part.filter(pl.col("year") >= REFORM_YEAR)
    units = part["unit"].to_numpy()
    current = tree.current[np.clip(units, 0, len(tree.current) - 1)]
    return part.filter(pl.Series(current & (part["year"].to_numpy() >= REFORM_YEAR)))


def worked(facts: pl.DataFrame) -> pl.DataFrame:
    """Facts with the rollup's count and estimate columns (in one chunk, as
    the constant columns come: a frame whose columns are cut in different
    places is written whole where it could be sliced)."""
    if "n" in facts.columns:
        return facts
    return (
        facts.select(list(FACT_SCHEMA))
        .rechunk()
        .with_columns(pl.lit(1, pl.Int32).alias("n"), pl.lit(False).alias("estimate"))
    )


def feeding_roots(tree: Tree, roots: Sequence[int], edges: pl.DataFrame) -> list[int]:
    """The current provinces whose figures the facts of these provinces
    reach: themselves where they are current, and their successors."""
    under = tree.units.filter(pl.col("root").is_in(list(roots)))["unit"]
    targets = edges.filter(pl.col("unit").is_in(under.to_list()))[
        "successor"
    ].to_numpy()
    found = set(tree.roots(targets).tolist())
    found |= {r for r in roots if bool(tree.current[r])}
    return sorted(found - {-1})


def sources_of(
    tree: Tree, current_roots: Sequence[int], edges: pl.DataFrame
) -> set[int]:
    """The provinces (path roots) whose legacy units feed these current ones."""
    under = tree.units.filter(pl.col("root").is_in(list(current_roots)))["unit"]
    sources = edges.filter(pl.col("successor").is_in(under.to_list()))[
        "unit"
    ].to_numpy()
    return set(tree.roots(sources).tolist()) - {-1}
