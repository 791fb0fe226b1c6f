"""The rollup engine on small trees checked by hand."""

import polars as pl
import pytest

from vandong.analytics.engine import (
    Rule,
    map_to_successors,
    phases,
    rollup,
    rules_frame,
)
from vandong.analytics.engine.mapping import EDGE_SCHEMA

# province 1 > district 2 > communes 3, 4 > villages 5, 6 (of 3) and 7 (of 4)
UNITS = pl.DataFrame(
    {
        "unit": [1, 2, 3, 4, 5, 6, 7],
        "parent": [None, 1, 2, 2, 3, 3, 4],
        "level": [1, 2, 3, 3, 4, 4, 4],
    },
    schema={"unit": pl.Int32, "parent": pl.Int32, "level": pl.Int8},
)
HOUSEHOLDS, CULTURAL, SHARE, INSURED_PCT, BEST, MONEY, SCORE = (
    10,
    11,
    12,
    13,
    14,
    15,
    16,
)
RULES = rules_frame(
    [
        Rule(HOUSEHOLDS),
        Rule(CULTURAL),
        Rule(SHARE, "ratio", num=CULTURAL, den=HOUSEHOLDS, factor=100),
        Rule(INSURED_PCT, "weighted", weight=HOUSEHOLDS),
        Rule(BEST, "max"),
        Rule(MONEY, "sum", "sum"),
        Rule(SCORE, "none"),
    ]
)


def facts(rows: list[tuple[int, int, int, float]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "measure": pl.Int32,
            "unit": pl.Int32,
            "year": pl.Int32,
            "value": pl.Float64,
        },
        orient="row",
    )


def value(
    result: pl.DataFrame, measure: int, unit: int, period: int = 2020
) -> float | None:
    found = result.filter(
        (pl.col("measure") == measure)
        & (pl.col("unit") == unit)
        & (pl.col("period") == period)
    )
    return None if found.is_empty() else float(found["value"][0])


VILLAGES = facts(
    [
        (HOUSEHOLDS, 5, 2020, 100),
        (HOUSEHOLDS, 6, 2020, 300),
        (HOUSEHOLDS, 7, 2020, 50),
        (CULTURAL, 5, 2020, 90),
        (CULTURAL, 6, 2020, 150),
        (CULTURAL, 7, 2020, 50),
        (SHARE, 5, 2020, 90),
        (SHARE, 6, 2020, 50),
        (SHARE, 7, 2020, 100),
        (INSURED_PCT, 5, 2020, 80),
        (INSURED_PCT, 6, 2020, 100),
        (INSURED_PCT, 7, 2020, 60),
        (BEST, 3, 2020, 5),
        (BEST, 4, 2020, 9),
        (MONEY, 3, 2019, 1),
        (MONEY, 3, 2020, 2),
        (SCORE, 3, 2020, 7),
    ]
)


def test_sums_climb_every_level_to_the_country() -> None:
    result = rollup(VILLAGES, UNITS, RULES)
    assert value(result, HOUSEHOLDS, 3) == 400
    assert value(result, HOUSEHOLDS, 4) == 50
    assert value(result, HOUSEHOLDS, 2) == 450
    assert value(result, HOUSEHOLDS, 1) == 450
    assert value(result, HOUSEHOLDS, 0) == 450
    counted = result.filter((pl.col("measure") == HOUSEHOLDS) & (pl.col("unit") == 1))
    assert counted["n"][0] == 3


def test_a_ratio_is_recomputed_from_its_parts_never_averaged() -> None:
    result = rollup(VILLAGES, UNITS, RULES)
    # (90 + 150) / (100 + 300) = 60 %, where the average of 90 % and 50 % is 70 %.
    assert value(result, SHARE, 3) == pytest.approx(60.0)
    # (90 + 150 + 50) / 450 = 64.4 %; the average of the communes' would be 80 %.
    assert value(result, SHARE, 2) == pytest.approx(290 / 450 * 100)
    assert value(result, SHARE, 0) == pytest.approx(290 / 450 * 100)
    # Reported figures stay as reported.
    assert value(result, SHARE, 5) == 90


def test_a_lone_childs_ratio_yields_to_the_one_from_the_parents_parts() -> None:
    # Village 7 (commune 4's only one) reports 40 % against its parts' 100 %;
    # in 2021 it reports the share alone.
    reported = pl.concat(
        [
            VILLAGES.filter((pl.col("measure") != SHARE) | (pl.col("unit") != 7)),
            facts([(SHARE, 7, 2020, 40), (SHARE, 7, 2021, 35)]),
        ]
    )
    result = rollup(reported, UNITS, RULES)
    assert value(result, SHARE, 4) == pytest.approx(100.0)
    assert value(result, SHARE, 4, 2021) == 35
    # The only share among the district's communes in 2021.
    assert value(result, SHARE, 2, 2021) == 35
    assert value(result, SHARE, 7) == 40


def test_weighted_average_min_max_and_none() -> None:
    result = rollup(VILLAGES, UNITS, RULES)
    assert value(result, INSURED_PCT, 3) == pytest.approx((80 * 100 + 100 * 300) / 400)
    assert value(result, INSURED_PCT, 1) == pytest.approx(
        (80 * 100 + 100 * 300 + 60 * 50) / 450
    )
    assert value(result, BEST, 2) == 9
    assert value(result, SCORE, 3) == 7
    assert value(result, SCORE, 2) is None


def test_without_own_rows_only_what_was_computed_above() -> None:
    result = rollup(VILLAGES, UNITS, RULES, include_own=False)
    assert value(result, HOUSEHOLDS, 5) is None
    assert value(result, HOUSEHOLDS, 3) == 400


def test_facts_of_units_outside_the_tree_are_left_out() -> None:
    stray = pl.concat([VILLAGES, facts([(HOUSEHOLDS, 99, 2020, 1000)])])
    assert value(rollup(stray, UNITS, RULES), HOUSEHOLDS, 0) == 450


def test_phases_sum_flows_and_keep_the_last_stock() -> None:
    yearly = rollup(
        pl.concat(
            [VILLAGES, facts([(HOUSEHOLDS, 5, 2017, 80), (CULTURAL, 5, 2017, 10)])]
        ),
        UNITS,
        RULES,
    )
    phase = phases(yearly, RULES, [(2016, 2020)])
    assert value(phase, MONEY, 3, 20162020) == 3  # flows: 1 + 2
    assert value(phase, HOUSEHOLDS, 5, 20162020) == 100  # stocks: 2020's
    assert value(phase, SHARE, 3, 20162020) == pytest.approx(60.0)


def test_merged_communes_sum_ratios_recomputed_and_split_estimated() -> None:
    rolled = rollup(VILLAGES, UNITS, RULES).rename({"period": "year"})
    communes = rolled.filter(pl.col("unit").is_in([3, 4]))
    # 3 and 4 merged into 100; 4 was also split: 25 % of it went to 200.
    edges = pl.DataFrame(
        [(3, 100, 1.0, False), (4, 100, 0.75, True), (4, 200, 0.25, True)],
        schema=EDGE_SCHEMA,
        orient="row",
    )
    mapped = map_to_successors(communes, edges, RULES)

    def at(measure: int, unit: int) -> float | None:
        found = mapped.filter((pl.col("measure") == measure) & (pl.col("unit") == unit))
        return None if found.is_empty() else float(found["value"][0])

    assert at(HOUSEHOLDS, 100) == pytest.approx(400 + 0.75 * 50)
    assert at(HOUSEHOLDS, 200) == pytest.approx(0.25 * 50)
    assert at(SHARE, 100) == pytest.approx((240 + 0.75 * 50) / (400 + 0.75 * 50) * 100)
    assert at(BEST, 100) == 9
    # Whatever took a share of the split commune is an estimate; what came
    # from commune 3 alone is not.
    estimates = dict(
        mapped.filter((pl.col("unit") == 100) & (pl.col("year") == 2020))
        .select("measure", "estimate")
        .iter_rows()
    )
    assert estimates[HOUSEHOLDS]
    assert estimates[SHARE]
    assert not estimates[MONEY]
    assert at(SCORE, 100) is None  # does not aggregate; two parts


def test_a_status_is_yes_for_a_merged_unit_only_where_every_part_said_yes() -> None:
    status = 20
    rules = rules_frame([Rule(status)])
    rows = facts([(status, 3, 2020, 1), (status, 4, 2020, 1), (status, 5, 2020, 1)])
    edges = pl.DataFrame(
        [
            (3, 100, 1.0, False),
            (4, 100, 1.0, False),
            (5, 200, 1.0, False),
            (6, 200, 1.0, False),
        ],
        schema=EDGE_SCHEMA,
        orient="row",
    )
    mapped = map_to_successors(rows, edges, rules, all_of=[status])
    by_unit = dict(
        zip(mapped["unit"].to_list(), mapped["value"].to_list(), strict=True)
    )
    # 100: both parts met it; 200: part 6 said nothing, so not met (not 1 + 0).
    assert by_unit == {100: 1.0, 200: 0.0}
