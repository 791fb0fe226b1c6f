"""Legacy figures carried onto the current units through the succession edges."""

from collections.abc import Sequence

import polars as pl

from vandong.analytics.engine.rollup import (
    _KEY,
    _aggregate,
    _Rules,
    _weighted_products,
    _working,
    recompute_ratios,
)

EDGE_SCHEMA = {
    "unit": pl.Int32,  # the legacy unit
    "successor": pl.Int32,  # the current unit
    "share": pl.Float64,  # of the legacy unit's figures that went to it
    "split": pl.Boolean,  # the legacy unit was split: the share is an estimate
}


def map_to_successors(
    rows: pl.DataFrame,
    edges: pl.DataFrame,
    rules: pl.DataFrame,
    *,
    all_of: Sequence[int] = (),
) -> pl.DataFrame:
    """The figures of legacy units (`rows`: measure, unit, year, value[, n,
    estimate]) as facts of their successors, following DESIGN.md: additive
    figures sum over merged units (a split one gives each successor its
    share, marked as an estimate); ratios are recomputed from their summed
    numerator and denominator; averages are weighted again; minima and
    maxima are taken again. Figures that do not aggregate go across only
    where one legacy unit became one current unit. Yes/no figures in
    `all_of` (a commune met the standard) are yes for a merged unit only
    where they were yes for every part (a part without the figure counts
    as no): a status is judged again on the merged unit, not added up, and
    never inherited from one part.
    """
    known = _Rules(rules)
    # Weighted averages become sums (value x weight, and the weight) on the
    # legacy units, before several of them meet on one successor.
    rows = _weighted_products(_working(rows), known)
    mapped = rows.join(edges, on="unit", how="inner")
    not_scaled = [
        m for agg in ("min", "max", "ratio", "none") for m in known.by_agg[agg]
    ]
    scaled = pl.col("measure").is_in(not_scaled).not_() & (pl.col("share") != 1.0)
    mapped = mapped.select(
        "measure",
        pl.col("successor").alias("unit"),
        "year",
        pl.when(scaled)
        .then(pl.col("value") * pl.col("share"))
        .otherwise(pl.col("value"))
        .alias("value"),
        "n",
        (pl.col("estimate") | pl.col("split")).alias("estimate"),
    )
    # A figure that does not aggregate crosses a one-to-one edge as it is.
    one_to_one = edges.filter(
        (pl.len().over("successor") == 1) & (pl.len().over("unit") == 1)
    )["successor"].to_list()
    lone = mapped.filter(
        pl.col("measure").is_in(known.by_agg["none"]) & pl.col("unit").is_in(one_to_one)
    )
    is_all_of = pl.col("measure").is_in(list(all_of))
    statuses = _all_of(mapped.filter(is_all_of), edges)
    grouped = _aggregate(mapped.filter(~is_all_of), known)
    grouped = grouped.filter(pl.col("measure") >= 0)
    if not known.ratios.is_empty():
        ratio_ids = known.ratios["measure"].to_list()
        grouped = pl.concat(
            [
                grouped.filter(~pl.col("measure").is_in(ratio_ids)),
                recompute_ratios(grouped, known.ratios).select(grouped.columns),
            ]
        )
    return pl.concat(
        [grouped, statuses.select(grouped.columns), lone.select(grouped.columns)]
    )


def _all_of(rows: pl.DataFrame, edges: pl.DataFrame) -> pl.DataFrame:
    parts = edges.group_by(pl.col("successor").alias("unit")).agg(
        pl.len().cast(pl.Int32).alias("parts")
    )
    return (
        rows.group_by(_KEY)
        .agg(
            pl.col("value").min(),
            pl.len().cast(pl.Int32).alias("reported"),
            pl.col("n").sum().cast(pl.Int32),
            pl.col("estimate").any(),
        )
        .join(parts, on="unit", how="left")
        .with_columns(
            pl.when(pl.col("reported") >= pl.col("parts"))
            .then(pl.col("value"))
            .otherwise(0.0)
            .alias("value")
        )
    )
