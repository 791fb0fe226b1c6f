"""What `evaluate` returns: three long frames of known schemas."""

from dataclasses import dataclass

import polars as pl

INDICATOR_SCHEMA = pl.Schema(
    {
        "unit_id": pl.Int64,
        "year": pl.Int32,
        "criterion": pl.Utf8,
        "indicator": pl.Utf8,
        "condition": pl.Int16,
        "value": pl.Float64,
        "threshold": pl.Float64,
        "comparator": pl.Utf8,
        "verified": pl.Boolean,
        "status": pl.Utf8,
        "gap": pl.Float64,
        "gap_relative": pl.Float64,
    }
)
CRITERION_SCHEMA = pl.Schema(
    {
        "unit_id": pl.Int64,
        "year": pl.Int32,
        "criterion": pl.Utf8,
        "status": pl.Utf8,
        "indicators_met": pl.Int16,
        "indicators_total": pl.Int16,
    }
)
OVERALL_SCHEMA = pl.Schema(
    {
        "unit_id": pl.Int64,
        "year": pl.Int32,
        "status": pl.Utf8,
        "criteria_met": pl.Int16,
        "criteria_not_met": pl.Int16,
        "criteria_no_data": pl.Int16,
        "criteria_total": pl.Int16,
        "gap_score": pl.Float64,
        "unverified": pl.Boolean,
    }
)
NEAREST_SCHEMA = pl.Schema(
    {
        "unit_id": pl.Int64(),
        "criteria_missing": pl.Int16(),
        "gap_score": pl.Float64(),
        "missing": pl.List(pl.Utf8),
    }
)


@dataclass(frozen=True)
class Evaluation:
    """The result of `evaluate`, three long frames (see the *_SCHEMA above):

    - `indicators`: one row per unit, year and condition of an indicator;
    - `criteria`: one row per unit, year and criterion;
    - `overall`: one row per unit and year.

    Rows are grouped by condition (or criterion) in the set's order, so a
    stable group-by on (unit_id, year) lists them as the set does.
    """

    indicators: pl.DataFrame
    criteria: pl.DataFrame
    overall: pl.DataFrame
