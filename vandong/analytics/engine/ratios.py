"""Ratios recomputed from their summed numerator and denominator, never
averaged: by joins over rows, or straight from the dense cells the sums
were counted in (`RatioTable`), where a ratio's two parts sit side by side."""

from dataclasses import dataclass

import numpy as np
import polars as pl

RATIO_RULES = {
    "measure": pl.Int32,
    "num": pl.Int32,
    "den": pl.Int32,
    "factor": pl.Float64,
}


@dataclass(frozen=True)
class RatioTable:
    """Ratio measures (RATIO_RULES) as arrays, for the dense cells."""

    rules: pl.DataFrame
    ids: np.ndarray
    nums: np.ndarray
    dens: np.ndarray
    factors: np.ndarray

    @classmethod
    def of(cls, rules: pl.DataFrame) -> "RatioTable":
        rules = rules.select(
            [pl.col(c).cast(t) for c, t in RATIO_RULES.items()]
        ).drop_nulls()
        return cls(
            rules,
            rules["measure"].to_numpy().astype(np.int64),
            rules["num"].to_numpy().astype(np.int64),
            rules["den"].to_numpy().astype(np.int64),
            rules["factor"].to_numpy().astype(np.float64),
        )

    def __len__(self) -> int:
        return len(self.ids)


def computed_ratios(rows: pl.DataFrame, ratios: pl.DataFrame) -> pl.DataFrame:
    """factor * num / den for each ratio (RATIO_RULES) and unit and time of
    `rows` holding both its numerator and its denominator (den > 0); `n`
    the numerator's, an estimate where either part is one. Key columns:
    measure, unit and `year` or `period`, whichever `rows` has."""
    time = "year" if "year" in rows.columns else "period"
    key = ["unit", time]
    num = rows.join(
        ratios.select("measure", pl.col("num")), left_on="measure", right_on="num"
    ).select(
        pl.col("measure_right").alias("ratio"),
        *key,
        pl.col("value").alias("num_value"),
        "n",
        "estimate",
    )
    den = rows.join(
        ratios.select("measure", pl.col("den")), left_on="measure", right_on="den"
    ).select(
        pl.col("measure_right").alias("ratio"),
        *key,
        pl.col("value").alias("den_value"),
        pl.col("estimate").alias("den_estimate"),
    )
    factors = ratios.select(pl.col("measure").alias("ratio"), "factor")
    return (
        num.join(den, on=["ratio", *key], how="inner")
        .join(factors, on="ratio")
        .filter(pl.col("den_value") > 0)
        .select(
            pl.col("ratio").cast(pl.Int32).alias("measure"),
            *key,
            (pl.col("factor") * pl.col("num_value") / pl.col("den_value")).alias(
                "value"
            ),
            "n",
            (pl.col("estimate") | pl.col("den_estimate")).alias("estimate"),
        )
        .select(rows.columns)
    )


def recompute_ratios(rows: pl.DataFrame, ratios: pl.DataFrame) -> pl.DataFrame:
    """The rows of the ratio measures in `ratios` (measure, num, den, factor),
    computed from the num and den rows of `rows` where both exist (den > 0),
    else as they were in `rows`."""
    time = "year" if "year" in rows.columns else "period"
    computed = computed_ratios(rows, ratios)
    kept = rows.filter(pl.col("measure").is_in(ratios["measure"].to_list())).join(
        computed.select("measure", "unit", time),
        on=["measure", "unit", time],
        how="anti",
    )
    return pl.concat([computed, kept.select(rows.columns)])


def with_ratios_recomputed(rows: pl.DataFrame, ratios: pl.DataFrame) -> pl.DataFrame:
    """`rows` with the rows of the ratio measures in `ratios` (measure, num,
    den, factor) replaced by `recompute_ratios`."""
    if ratios.is_empty() or rows.is_empty():
        return rows
    return pl.concat(
        [
            rows.filter(~pl.col("measure").is_in(ratios["measure"].to_list())),
            recompute_ratios(rows, ratios).select(rows.columns),
        ]
    )
