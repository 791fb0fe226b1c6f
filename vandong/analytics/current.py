"""The current tree's rows: the legacy figures carried onto today's units
through the succession edges, the current units counted in every year,
their statuses judged again, and everything rolled up from them."""

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
from vandong.analytics.expressions import DERIVED_KINDS
from vandong.analytics.measures import Registry
from vandong.analytics.statuses import re_evaluated
from vandong.analytics.tree import REFORM_YEAR, Tree
from vandong.catalog.criteria.spec import CriteriaSetSpec


def current_rows(
    facts: pl.DataFrame,
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
            worked(
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
            worked(at(facts, earlier & (levels == 1))),
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
    counted = worked(
        extract.unit_counts(registry, current_units, before, every_year=True)
    )
    if judged is None:
        villages = at(facts, earlier & (levels == 4))
        judged = re_evaluated(
            mapped, villages, tree.units, registry, before, edges, specs
        )
    carried = pl.concat(
        [mapped, counted.select(mapped.columns), worked(judged).select(mapped.columns)]
    )
    above = rollup(
        pl.concat([worked(own), carried]),
        tree.frame(current_only=True),
        rules,
        include_own=False,
    )
    rows = pl.concat(
        [carried.rename({"year": "period"}).select(list(ROLLUP_SCHEMA)), above]
    )
    return rows, judged


def worked(facts: pl.DataFrame) -> pl.DataFrame:
    """Facts with the rollup's count and estimate columns."""
    if "n" in facts.columns:
        return facts
    return facts.select(list(FACT_SCHEMA)).with_columns(
        pl.lit(1, pl.Int32).alias("n"), pl.lit(False).alias("estimate")
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
