"""The units nearest to meeting the standard, from an evaluation."""

import polars as pl

from vandong.catalog.criteria.spec import MET, NO_DATA, NOT_MET
from vandong.criteria.engine.results import NEAREST_SCHEMA, Evaluation


def nearest(evaluation: Evaluation, year: int) -> pl.DataFrame:
    """The units not meeting the standard in `year`, closest first: fewest
    criteria not met or without data, then smallest gap score. `missing`
    lists those criteria (not met or no data) in the set's order."""
    overall = evaluation.overall.filter(
        (pl.col("year") == year) & (pl.col("status") != MET)
    ).select(
        "unit_id",
        (pl.col("criteria_not_met") + pl.col("criteria_no_data"))
        .cast(pl.Int16)
        .alias("criteria_missing"),
        "gap_score",
    )
    missing = (
        evaluation.criteria.filter(
            (pl.col("year") == year) & pl.col("status").is_in([NOT_MET, NO_DATA])
        )
        .group_by("unit_id", maintain_order=True)
        .agg(pl.col("criterion").alias("missing"))
    )
    return (
        overall.join(missing, on="unit_id", how="left")
        .with_columns(pl.col("missing").fill_null(pl.lit([], pl.List(pl.Utf8))))
        .sort("criteria_missing", "gap_score", "unit_id")
        .select(list(NEAREST_SCHEMA))
    )
