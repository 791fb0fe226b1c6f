"""The shapes of the frames the analytics engine takes and returns."""

from dataclasses import dataclass

import polars as pl

# One figure as reported: a measure (data element or derived count) of a
# unit in a year.
FACT_SCHEMA = {
    "measure": pl.Int32,
    "unit": pl.Int32,
    "year": pl.Int32,
    "value": pl.Float64,
}

# The units of one tree; `parent` 0 is the country (the virtual root).
UNIT_SCHEMA = {
    "unit": pl.Int32,
    "parent": pl.Int32,
    "level": pl.Int8,
}

# How a measure aggregates. `agg`: sum, min, max, weighted (average weighted
# by the `weight` measure), ratio (recomputed as factor * num / den), none.
# `time`: sum (flows), last (stocks), none.
RULE_SCHEMA = {
    "measure": pl.Int32,
    "agg": pl.Utf8,
    "time": pl.Utf8,
    "weight": pl.Int32,
    "num": pl.Int32,
    "den": pl.Int32,
    "factor": pl.Float64,
}

# A rolled-up figure. `period` is a year (2020) or a phase coded as
# start * 10000 + end (20212025). `n` counts the reporting units behind it;
# `estimate` is true when part of it was allocated from a split unit.
ROLLUP_SCHEMA = {
    "measure": pl.Int32,
    "unit": pl.Int32,
    "period": pl.Int32,
    "value": pl.Float64,
    "n": pl.Int32,
    "estimate": pl.Boolean,
}

AGGREGATIONS = frozenset({"sum", "min", "max", "weighted", "ratio", "none"})
TIME_AGGREGATIONS = frozenset({"sum", "last", "none"})


@dataclass(frozen=True)
class Rule:
    measure: int
    agg: str = "sum"
    time: str = "last"
    weight: int | None = None
    num: int | None = None
    den: int | None = None
    factor: float = 1.0


def rules_frame(rules: list[Rule]) -> pl.DataFrame:
    for rule in rules:
        if rule.agg not in AGGREGATIONS or rule.time not in TIME_AGGREGATIONS:
            raise ValueError(f"unknown aggregation in {rule}")
    return pl.DataFrame(
        [(r.measure, r.agg, r.time, r.weight, r.num, r.den, r.factor) for r in rules],
        schema=RULE_SCHEMA,
        orient="row",
    )


def phase_code(start: int, end: int) -> int:
    return start * 10000 + end
