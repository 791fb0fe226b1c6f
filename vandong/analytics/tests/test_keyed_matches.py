"""Figures matched by a binary search over (unit, year) keys, against the
joins they replace: weighted measures turned into sums (own weights,
carried weights, weights missing or zero, a weight twice, which falls back
to the joins) and weighted averages taken again."""

import importlib
from typing import Any

import polars as pl

from vandong.analytics.engine import Rule, rules_frame
from vandong.analytics.engine.dense import working

rollup_module = importlib.import_module("vandong.analytics.engine.rollup")

# Measure 5 is an average weighted by measure 2; measure 6 by measure 3.
RULES = rules_frame(
    [
        Rule(2),
        Rule(3),
        Rule(5, agg="weighted", weight=2),
        Rule(6, agg="weighted", weight=3),
    ]
)


def _rows(rows: list[tuple[int, int, int, float]]) -> pl.DataFrame:
    return working(
        pl.DataFrame(
            rows, schema=["measure", "unit", "year", "value"], orient="row"
        ).with_columns(pl.col("measure", "unit", "year").cast(pl.Int32))
    )


def _both(
    rows: pl.DataFrame,
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    known = rollup_module._Rules(RULES)
    fast = rollup_module._weighted_products(rows, known)
    joined = rollup_module._weighted_products_joined(rows, known)
    return sorted(fast.rows()), sorted(joined.rows())


def test_products_match_the_joins():
    rows = _rows(
        [
            (2, 10, 2020, 100.0),
            (2, 11, 2020, 0.0),  # a zero weight: the value is left out
            (2, 12, 2021, 50.0),
            (5, 10, 2020, 4.0),
            (5, 11, 2020, 9.0),
            (5, 12, 2020, 7.0),  # no weight that year: left out
            (5, 12, 2021, 2.0),
            # Measure 6 came up from below: its carried weights (-6) count,
            # not measure 3's own rows.
            (3, 20, 2020, 999.0),
            (6, 20, 2020, 1.5),
            (-6, 20, 2020, 30.0),
            (6, 21, 2020, 2.5),
            (8, 10, 2020, 1.0),
        ]
    )
    fast, joined = _both(rows)
    assert fast == joined
    assert (5, 10, 2020, 400.0, 1, False) in fast
    assert (-5, 10, 2020, 100.0, 1, False) in fast
    assert (6, 20, 2020, 45.0, 1, False) in fast
    assert not any(r[0] in (5, -5) and r[1] == 11 for r in fast)
    assert not any(r[0] == 6 and r[1] == 21 for r in fast)


def test_a_weight_twice_counts_each_pairing_as_the_joins_do():
    rows = _rows([(2, 10, 2020, 1.0), (2, 10, 2020, 3.0), (5, 10, 2020, 2.0)])
    fast, joined = _both(rows)
    assert fast == joined
    assert sorted(r[3] for r in fast if r[0] == 5) == [2.0, 6.0]


def test_averages_match_the_join():
    known = rollup_module._Rules(RULES)
    grouped = _rows(
        [
            (5, 10, 2020, 400.0),
            (-5, 10, 2020, 100.0),
            (5, 11, 2020, 90.0),  # no summed weight: left out
            (6, 20, 2020, 45.0),
            (-6, 20, 2020, 30.0),
            (-6, 21, 2021, 5.0),
            (2, 10, 2020, 100.0),
        ]
    )
    fast = rollup_module._weighted_averages(grouped, known)
    joined = rollup_module._weighted_averages_joined(grouped, known)
    assert sorted(fast.rows()) == sorted(joined.rows())
    assert (5, 10, 2020, 4.0, 1, False) in fast.rows()
    assert (6, 20, 2020, 1.5, 1, False) in fast.rows()
