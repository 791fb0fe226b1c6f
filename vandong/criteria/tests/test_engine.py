"""The pure evaluation engine, on small sets and frames built by hand.

Every expected figure is worked out in the comments beside it.
"""

import datetime

import polars as pl
import pytest

from vandong.catalog.criteria.spec import (
    ConditionSpec,
    CriteriaSetSpec,
    CriterionSpec,
    IndicatorSpec,
    Source,
    Threshold,
    ValueSpec,
)
from vandong.criteria import engine

CHECKED = Source(document="318/QĐ-TTg", verified=True)
UNCHECKED = Source(document="318/QĐ-TTg", verified=False)


def threshold(
    value: float, key: str = "", year: int | None = None, *, verified: bool = True
) -> Threshold:
    return Threshold(
        value=value, key=key, year=year, source=CHECKED if verified else UNCHECKED
    )


def condition(
    value: ValueSpec | str, comparator: str, *thresholds: Threshold
) -> ConditionSpec:
    if isinstance(value, str):
        value = ValueSpec(element=value)
    return ConditionSpec(value=value, comparator=comparator, thresholds=thresholds)  # type: ignore[arg-type]


def indicator(
    code: str,
    *conditions: ConditionSpec,
    at_least: int | None = None,
    verified: bool = True,
) -> IndicatorSpec:
    return IndicatorSpec(
        code=code,
        name_vi=code,
        name_en=code,
        conditions=conditions,
        source=CHECKED if verified else UNCHECKED,
        at_least=at_least,
    )


def criterion(
    code: str, *indicators: IndicatorSpec, at_least: int | None = None
) -> CriterionSpec:
    return CriterionSpec(
        code=code, name_vi=code, name_en=code, indicators=indicators, at_least=at_least
    )


def make_spec(
    *criteria: CriterionSpec,
    threshold_key: str = "none",
    at_least: int | None = None,
    level: int = 3,
    unit_types: tuple[str, ...] = ("xa",),
) -> CriteriaSetSpec:
    return CriteriaSetSpec(
        code="test",
        version=1,
        name_vi="Thử",
        name_en="Test",
        kind="ntm_commune",
        level=level,
        unit_types=unit_types,
        threshold_key=threshold_key,  # type: ignore[arg-type]
        valid_from=datetime.date(2022, 1, 1),
        valid_to=None,
        legal_basis=(),
        criteria=criteria,
        at_least=at_least,
    )


def one(code: str, cond: ConditionSpec, **kwargs: object) -> CriteriaSetSpec:
    """A set of one criterion of one indicator of one condition."""
    return make_spec(criterion(code, indicator(f"{code}.1", cond)), **kwargs)  # type: ignore[arg-type]


UnitRow = tuple[int, int | None, int, str, str | None, str | None]


def make_units(*rows: UnitRow) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "unit_id": pl.Int64,
            "parent_id": pl.Int64,
            "level": pl.Int8,
            "unit_type": pl.Utf8,
            "region": pl.Utf8,
            "commune_group": pl.Utf8,
        },
        orient="row",
    )


def make_values(*rows: tuple[int, int, str, float | None]) -> pl.DataFrame:
    return pl.DataFrame(
        rows,
        schema={
            "unit_id": pl.Int64,
            "year": pl.Int32,
            "element": pl.Utf8,
            "value": pl.Float64,
        },
        orient="row",
    )


COMMUNE: UnitRow = (1, None, 3, "xa", "dbsh", "2")


def row(frame: pl.DataFrame, **where: object) -> dict[str, object]:
    chosen = frame.filter(**where)
    assert chosen.height == 1, chosen
    return chosen.row(0, named=True)


# ---------------------------------------------------------------- comparators


@pytest.mark.parametrize(
    ("comparator", "limit", "value", "status", "gap", "relative"),
    [
        (">=", 80, 85, "met", 0.0, 0.0),
        (">=", 80, 80, "met", 0.0, 0.0),
        (">=", 80, 70, "not_met", 10.0, 0.125),  # 10 / 80
        (">", 80, 81, "met", 0.0, 0.0),
        (">", 80, 80, "not_met", 0.0, 0.0),  # equal is not above, but no distance
        ("<=", 5, 5, "met", 0.0, 0.0),
        ("<=", 5, 7.5, "not_met", 2.5, 0.5),  # 2.5 / 5
        ("<", 5, 4, "met", 0.0, 0.0),
        ("<", 5, 6, "not_met", 1.0, 0.2),
        ("=", 3, 3, "met", 0.0, 0.0),
        ("=", 3, 1.5, "not_met", 1.5, 0.5),
        ("=", 0, 2, "not_met", 2.0, 1.0),  # threshold 0: any miss is a full miss
        ("<=", 0, 3, "not_met", 3.0, 1.0),
    ],
)
def test_numeric_comparators(
    comparator: str,
    limit: float,
    value: float,
    status: str,
    gap: float,
    relative: float,
) -> None:
    spec = one("1", condition("A", comparator, threshold(limit)))
    result = engine.evaluate(
        spec, make_values((1, 2024, "A", value)), make_units(COMMUNE), [2024]
    )
    found = row(result.indicators)
    assert found["value"] == value
    assert found["threshold"] == limit
    assert found["comparator"] == comparator
    assert found["status"] == status
    assert found["gap"] == pytest.approx(gap)
    assert found["gap_relative"] == pytest.approx(relative)


@pytest.mark.parametrize(
    ("comparator", "value", "status", "gap"),
    [
        ("is_true", 1.0, "met", 0.0),
        ("is_true", 0.0, "not_met", 1.0),
        ("is_false", 0.0, "met", 0.0),
        ("is_false", 1.0, "not_met", 1.0),
    ],
)
def test_flag_comparators(
    comparator: str, value: float, status: str, gap: float
) -> None:
    spec = one("1", condition("FLAG", comparator))
    result = engine.evaluate(
        spec, make_values((1, 2024, "FLAG", value)), make_units(COMMUNE), [2024]
    )
    found = row(result.indicators)
    assert found["status"] == status
    assert found["threshold"] is None
    assert found["gap"] == gap
    assert found["gap_relative"] == gap


def test_comparison_tolerates_rounding_of_a_percent() -> None:
    # 0.57 × 100 is 56.99999999999999 in floating point; it must still meet >= 57.
    spec = one("1", condition("A", ">=", threshold(57)))
    value = 0.57 * 100
    assert value < 57
    result = engine.evaluate(
        spec, make_values((1, 2024, "A", value)), make_units(COMMUNE), [2024]
    )
    assert row(result.indicators)["status"] == "met"


# ---------------------------------------------------------------- values


def test_ratio_is_a_percent_of_numerator_over_denominator() -> None:
    spec = one(
        "2",
        condition(ValueSpec(numerator="N", denominator="D"), ">=", threshold(80)),
    )
    values = make_values((1, 2024, "N", 45), (1, 2024, "D", 60))
    result = engine.evaluate(spec, values, make_units(COMMUNE), [2024])
    found = row(result.indicators)
    assert found["value"] == pytest.approx(75.0)  # 100 × 45 / 60
    assert found["status"] == "not_met"
    assert found["gap"] == pytest.approx(5.0)
    assert found["gap_relative"] == pytest.approx(0.0625)  # 5 / 80


@pytest.mark.parametrize(
    "rows",
    [
        [(1, 2024, "N", 5.0), (1, 2024, "D", 0.0)],  # zero denominator
        [(1, 2024, "N", 5.0)],  # no denominator
        [(1, 2024, "D", 10.0)],  # no numerator
        [(1, 2024, "N", 5.0), (1, 2024, "D", None)],  # a null denominator
    ],
)
def test_ratio_without_a_usable_denominator_or_numerator_has_no_data(
    rows: list[tuple[int, int, str, float | None]],
) -> None:
    spec = one(
        "2",
        condition(ValueSpec(numerator="N", denominator="D"), ">=", threshold(80)),
    )
    result = engine.evaluate(spec, make_values(*rows), make_units(COMMUNE), [2024])
    found = row(result.indicators)
    assert found["value"] is None
    assert found["status"] == "no_data"
    assert found["gap"] is None
    assert found["gap_relative"] is None
    assert found["threshold"] == 80  # still shown


VILLAGES = (
    (11, 1, 4, "thon", None, None),
    (12, 1, 4, "thon", None, None),
    (13, 1, 4, "ban", None, None),
    (14, 1, 4, "thon", None, None),
)
OTHER_COMMUNE: UnitRow = (2, None, 3, "xa", "dbsh", "2")
OTHER_VILLAGE: UnitRow = (21, 2, 4, "thon", None, None)


def test_child_share_is_the_percent_of_children_saying_yes() -> None:
    # given four villages of commune 1, three of them cultural
    spec = one(
        "16",
        condition(ValueSpec(child_element="CULT", child_level=4), ">=", threshold(70)),
    )
    units = make_units(COMMUNE, *VILLAGES, OTHER_COMMUNE, OTHER_VILLAGE)
    values = make_values(
        (11, 2024, "CULT", 1),
        (12, 2024, "CULT", 1),
        (13, 2024, "CULT", 0),
        (14, 2024, "CULT", 1),
        (21, 2024, "CULT", 0),  # another commune's village
        (1, 2024, "CULT", 0),  # the commune's own value is not a child's
    )
    # when
    result = engine.evaluate(spec, values, units, [2024])
    # then 3 of 4 = 75% for commune 1; 0 of 1 for commune 2
    assert row(result.indicators, unit_id=1)["value"] == 75.0
    assert row(result.indicators, unit_id=1)["status"] == "met"
    assert row(result.indicators, unit_id=2)["value"] == 0.0
    assert row(result.indicators, unit_id=2)["status"] == "not_met"


def test_child_share_has_no_data_unless_every_child_answers() -> None:
    spec = one(
        "16",
        condition(ValueSpec(child_element="CULT", child_level=4), ">=", threshold(70)),
    )
    units = make_units(COMMUNE, *VILLAGES, OTHER_COMMUNE)
    values = make_values(
        (11, 2024, "CULT", 1),
        (12, 2024, "CULT", 1),
        (14, 2024, "CULT", 1),  # village 13 has no value
        (11, 2025, "CULT", 1),
        (12, 2025, "CULT", 1),
        (13, 2025, "CULT", None),  # a null is no answer either
        (14, 2025, "CULT", 1),
    )
    result = engine.evaluate(spec, values, units, [2024, 2025])
    assert row(result.indicators, unit_id=1, year=2024)["status"] == "no_data"
    assert row(result.indicators, unit_id=1, year=2025)["status"] == "no_data"
    # a commune without villages has no share at all
    assert row(result.indicators, unit_id=2, year=2024)["status"] == "no_data"


def test_child_share_climbs_several_levels() -> None:
    # a district set counting villages two levels down
    spec = one(
        "1",
        condition(ValueSpec(child_element="CULT", child_level=4), ">=", threshold(50)),
        level=2,
        unit_types=("huyen",),
    )
    units = make_units(
        (100, None, 2, "huyen", "tn", None),
        (1, 100, 3, "xa", "tn", None),
        (2, 100, 3, "xa", "tn", None),
        (11, 1, 4, "thon", None, None),
        (21, 2, 4, "thon", None, None),
        (22, 2, 4, "thon", None, None),
    )
    values = make_values(
        (11, 2024, "CULT", 1), (21, 2024, "CULT", 0), (22, 2024, "CULT", 1)
    )
    result = engine.evaluate(spec, values, units, [2024])
    assert row(result.indicators)["value"] == pytest.approx(200 / 3)  # 2 of 3


# ---------------------------------------------------------------- thresholds


GRADED = (
    threshold(50),  # general
    threshold(60, key="dbsh"),
    threshold(55, year=2024),
    threshold(65, key="dbsh", year=2024),
)


@pytest.mark.parametrize("thresholds", [GRADED, tuple(reversed(GRADED))])
def test_most_specific_threshold_wins(thresholds: tuple[Threshold, ...]) -> None:
    # given a dbsh commune and a tn commune, for 2023 and 2024
    spec = one("1", condition("A", ">=", *thresholds), threshold_key="region")
    units = make_units(COMMUNE, (2, None, 3, "xa", "tn", None))
    values = make_values(*((u, y, "A", 58.0) for u in (1, 2) for y in (2023, 2024)))
    # when
    result = engine.evaluate(spec, values, units, [2023, 2024])
    # then key and year > key > year > general
    chosen = {
        (r["unit_id"], r["year"]): r["threshold"]
        for r in result.indicators.iter_rows(named=True)
    }
    assert chosen == {(1, 2023): 60, (1, 2024): 65, (2, 2023): 50, (2, 2024): 55}
    statuses = {
        (r["unit_id"], r["year"]): r["status"]
        for r in result.indicators.iter_rows(named=True)
    }
    assert statuses == {
        (1, 2023): "not_met",
        (1, 2024): "not_met",
        (2, 2023): "met",
        (2, 2024): "met",
    }


def test_commune_group_thresholds() -> None:
    spec = one(
        "1",
        condition("A", ">=", threshold(10, key="1"), threshold(20, key="2")),
        threshold_key="commune_group",
    )
    units = make_units(
        (1, None, 3, "xa", "dbsh", "2"),  # region is not what counts here
        (2, None, 3, "xa", "dbsh", "3"),
        (3, None, 3, "xa", "dbsh", None),
    )
    values = make_values(*((u, 2025, "A", 15.0) for u in (1, 2, 3)))
    result = engine.evaluate(spec, values, units, [2025])
    assert row(result.indicators, unit_id=1)["threshold"] == 20
    assert row(result.indicators, unit_id=1)["status"] == "not_met"
    assert row(result.indicators, unit_id=2)["status"] == "no_threshold"
    assert row(result.indicators, unit_id=3)["status"] == "no_threshold"


def test_region_is_ignored_without_a_threshold_key() -> None:
    spec = one("1", condition("A", ">=", threshold(10)), threshold_key="none")
    result = engine.evaluate(
        spec, make_values((1, 2025, "A", 12.0)), make_units(COMMUNE), [2025]
    )
    assert row(result.indicators)["threshold"] == 10
    assert row(result.indicators)["status"] == "met"


def test_no_matching_threshold_is_no_threshold_and_not_met_nowhere() -> None:
    # given thresholds for tn only, and a dbsh commune
    spec = one(
        "1", condition("A", ">=", threshold(10, key="tn")), threshold_key="region"
    )
    # when
    result = engine.evaluate(
        spec, make_values((1, 2025, "A", 99.0)), make_units(COMMUNE), [2025]
    )
    # then the condition has no threshold, and the rest cannot be met
    found = row(result.indicators)
    assert found["status"] == "no_threshold"
    assert found["threshold"] is None
    assert found["gap"] is None
    assert row(result.criteria)["status"] == "no_data"
    assert row(result.overall)["status"] == "no_data"
    assert row(result.overall)["criteria_no_data"] == 1


def test_missing_value_is_no_data_before_no_threshold() -> None:
    spec = one(
        "1", condition("A", ">=", threshold(10, key="tn")), threshold_key="region"
    )
    result = engine.evaluate(spec, make_values(), make_units(COMMUNE), [2025])
    assert row(result.indicators)["status"] == "no_data"


# ---------------------------------------------------------------- combining


def flags(*names: str) -> tuple[ConditionSpec, ...]:
    return tuple(condition(name, "is_true") for name in names)


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        ({"A": 1, "B": 1, "C": 0}, "met"),  # 2 of 3 met
        ({"A": 1, "B": 0, "C": 0}, "not_met"),  # 1 met, nothing unknown
        ({"A": 1, "B": 0}, "no_data"),  # 1 met, C unknown: 2 still reachable
        ({"A": 0, "B": 0}, "not_met"),  # 0 met + 1 unknown < 2
    ],
)
def test_at_least_conditions_of_an_indicator(
    answers: dict[str, float], status: str
) -> None:
    spec = make_spec(
        criterion("8", indicator("8.1", *flags("A", "B", "C"), at_least=2))
    )
    values = make_values(*((1, 2024, k, v) for k, v in answers.items()))
    result = engine.evaluate(spec, values, make_units(COMMUNE), [2024])
    assert result.indicators.height == 3  # one row per condition
    assert result.indicators["condition"].to_list() == [0, 1, 2]
    assert row(result.criteria)["status"] == status
    assert row(result.criteria)["indicators_met"] == (1 if status == "met" else 0)


@pytest.mark.parametrize(
    ("answers", "status", "met"),
    [
        ({"A": 1, "B": 1, "C": 0}, "met", 2),
        ({"A": 1, "B": 0, "C": 0}, "not_met", 1),
        ({"A": 1, "C": 0}, "no_data", 1),
    ],
)
def test_at_least_indicators_of_a_criterion(
    answers: dict[str, float], status: str, met: int
) -> None:
    spec = make_spec(
        criterion(
            "13",
            *(
                indicator(f"13.{n}", condition(e, "is_true"))
                for n, e in enumerate("ABC")
            ),
            at_least=2,
        )
    )
    values = make_values(*((1, 2024, k, v) for k, v in answers.items()))
    result = engine.evaluate(spec, values, make_units(COMMUNE), [2024])
    found = row(result.criteria)
    assert (found["status"], found["indicators_met"], found["indicators_total"]) == (
        status,
        met,
        3,
    )


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        ({"A": 1, "B": 1, "C": 0}, "met"),
        ({"A": 1, "B": 0, "C": 0}, "not_met"),
        ({"A": 1, "B": 0}, "no_data"),
    ],
)
def test_at_least_criteria_overall(answers: dict[str, float], status: str) -> None:
    spec = make_spec(
        *(criterion(e, indicator(f"{e}.1", condition(e, "is_true"))) for e in "ABC"),
        at_least=2,
    )
    values = make_values(*((1, 2024, k, v) for k, v in answers.items()))
    result = engine.evaluate(spec, values, make_units(COMMUNE), [2024])
    assert row(result.overall)["status"] == status


@pytest.mark.parametrize(
    ("answers", "status"),
    [
        ({"A": 1, "B": 1}, "met"),
        ({"A": 1}, "no_data"),  # all met but one unknown
        ({"A": 0}, "not_met"),  # one not met outweighs the unknown
    ],
)
def test_all_rule(answers: dict[str, float], status: str) -> None:
    spec = make_spec(criterion("1", indicator("1.1", *flags("A", "B"))))
    values = make_values(*((1, 2024, k, v) for k, v in answers.items()))
    result = engine.evaluate(spec, values, make_units(COMMUNE), [2024])
    assert row(result.criteria)["status"] == status
    assert row(result.overall)["status"] == status


def test_unit_without_data_is_never_met() -> None:
    # given a set met by an `at_least` that missing data could satisfy
    spec = make_spec(
        criterion("1", indicator("1.1", condition("A", "<=", threshold(5)))),
        criterion("2", indicator("2.1", condition("B", "is_false"))),
        at_least=1,
    )
    # when the commune has no values at all, for two years
    result = engine.evaluate(spec, make_values(), make_units(COMMUNE), [2024, 2025])
    # then every row is there, and none is met
    assert result.indicators["status"].to_list() == ["no_data"] * 4
    assert result.criteria["status"].to_list() == ["no_data"] * 4
    overall = result.overall.sort("year")
    assert overall["status"].to_list() == ["no_data", "no_data"]
    assert overall["criteria_no_data"].to_list() == [2, 2]
    assert overall["criteria_met"].to_list() == [0, 0]
    assert overall["gap_score"].to_list() == [0.0, 0.0]


# ---------------------------------------------------------------- gap score


def test_gap_score_adds_relative_gaps_each_capped_at_one() -> None:
    # given three criteria, four indicators
    spec = make_spec(
        criterion("1", indicator("1.1", condition("A", ">=", threshold(80)))),
        criterion("2", indicator("2.1", condition("B", "<=", threshold(2)))),
        criterion(
            "3",
            indicator("3.1", condition("C", "is_true")),
            indicator("3.2", condition("D", ">=", threshold(10))),
        ),
    )
    values = make_values(
        (1, 2024, "A", 70),  # gap 10, relative 0.125
        (1, 2024, "B", 8),  # gap 6, relative 3.0, counts as 1
        (1, 2024, "C", 0),  # a failed flag: 1
        (1, 2024, "D", 12),  # met: 0
    )
    # when
    result = engine.evaluate(spec, values, make_units(COMMUNE), [2024])
    # then
    overall = row(result.overall)
    assert overall["gap_score"] == pytest.approx(2.125)
    assert row(result.indicators, indicator="2.1")["gap_relative"] == pytest.approx(3.0)
    assert (overall["criteria_met"], overall["criteria_not_met"]) == (0, 3)
    assert overall["criteria_total"] == 3


def test_gap_score_of_an_indicator_of_several_conditions_is_capped() -> None:
    spec = make_spec(
        criterion(
            "1",
            indicator(
                "1.1",
                condition("A", ">=", threshold(100)),
                condition("B", ">=", threshold(100)),
            ),
        )
    )
    values = make_values((1, 2024, "A", 40), (1, 2024, "B", 60))  # 0.6 + 0.4
    result = engine.evaluate(spec, values, make_units(COMMUNE), [2024])
    assert row(result.overall)["gap_score"] == pytest.approx(1.0)
    values = make_values((1, 2024, "A", 90), (1, 2024, "B", 80))  # 0.1 + 0.2
    result = engine.evaluate(spec, values, make_units(COMMUNE), [2024])
    assert row(result.overall)["gap_score"] == pytest.approx(0.3)


# ---------------------------------------------------------------- verification


def test_unverified_rule_marks_its_rows_and_the_unit() -> None:
    spec = make_spec(
        criterion("1", indicator("1.1", condition("A", "is_true"), verified=False)),
        criterion("2", indicator("2.1", condition("B", "is_true"))),
    )
    values = make_values((1, 2024, "A", 1), (1, 2024, "B", 1))
    result = engine.evaluate(spec, values, make_units(COMMUNE), [2024])
    assert row(result.indicators, indicator="1.1")["verified"] is False
    assert row(result.indicators, indicator="2.1")["verified"] is True
    assert row(result.overall)["unverified"] is True
    assert (
        row(result.overall)["status"] == "met"
    )  # unverified is said, not held against


def test_unverified_threshold_marks_only_units_that_use_it() -> None:
    # given a threshold for dbsh that is unverified, a verified one for tn
    spec = one(
        "1",
        condition(
            "A",
            ">=",
            threshold(60, key="dbsh", verified=False),
            threshold(50, key="tn"),
        ),
        threshold_key="region",
    )
    units = make_units(
        COMMUNE, (2, None, 3, "xa", "tn", None), (3, None, 3, "xa", "btb", None)
    )
    values = make_values(*((u, 2024, "A", 70.0) for u in (1, 2, 3)))
    # when
    result = engine.evaluate(spec, values, units, [2024])
    # then
    assert row(result.indicators, unit_id=1)["verified"] is False
    assert row(result.indicators, unit_id=2)["verified"] is True
    assert row(result.indicators, unit_id=3)["verified"] is True  # none used
    assert row(result.overall, unit_id=1)["unverified"] is True
    assert row(result.overall, unit_id=2)["unverified"] is False


def test_all_verified_set_is_not_unverified() -> None:
    spec = one("1", condition("A", ">=", threshold(1)))
    result = engine.evaluate(
        spec, make_values((1, 2024, "A", 2)), make_units(COMMUNE), [2024]
    )
    assert row(result.overall)["unverified"] is False


# ---------------------------------------------------------------- scope and shape


def test_units_of_other_levels_and_types_are_ignored() -> None:
    spec = one("1", condition("A", ">=", threshold(1)))
    units = make_units(
        COMMUNE,
        (2, None, 3, "phuong", "dbsh", None),  # a ward: not a type of the set
        (3, None, 2, "huyen", "dbsh", None),  # a district
        (11, 1, 4, "xa", None, None),  # right type, wrong level
    )
    values = make_values(*((u, 2024, "A", 5.0) for u in (1, 2, 3, 11, 99)))
    result = engine.evaluate(spec, values, units, [2024])
    assert result.overall["unit_id"].to_list() == [1]
    assert result.indicators["unit_id"].to_list() == [1]
    assert result.criteria["unit_id"].to_list() == [1]


def test_every_unit_and_year_is_judged_and_other_years_ignored() -> None:
    spec = one("1", condition("A", ">=", threshold(1)))
    units = make_units(COMMUNE, OTHER_COMMUNE)
    values = make_values((1, 2023, "A", 5.0), (1, 2024, "A", 5.0), (1, 2030, "A", 0))
    result = engine.evaluate(spec, values, units, [2024, 2023, 2024])
    assert result.overall.select("unit_id", "year", "status").rows() == [
        (1, 2023, "met"),
        (1, 2024, "met"),
        (2, 2023, "no_data"),
        (2, 2024, "no_data"),
    ]


def test_frames_follow_the_contract_and_the_sets_order() -> None:
    spec = make_spec(
        criterion("2", indicator("2.1", condition("A", "is_true"))),
        criterion("10", indicator("10.1", *flags("B", "C"))),
    )
    result = engine.evaluate(spec, make_values(), make_units(COMMUNE), [2024])
    assert result.indicators.schema == engine.INDICATOR_SCHEMA
    assert result.criteria.schema == engine.CRITERION_SCHEMA
    assert result.overall.schema == engine.OVERALL_SCHEMA
    assert result.indicators.select("indicator", "condition").rows() == [
        ("2.1", 0),
        ("10.1", 0),
        ("10.1", 1),
    ]
    assert result.criteria["criterion"].to_list() == ["2", "10"]


def test_no_units_gives_empty_frames() -> None:
    spec = one("1", condition("A", ">=", threshold(1)))
    result = engine.evaluate(spec, make_values(), make_units(), [2024])
    assert result.indicators.is_empty()
    assert result.overall.schema == engine.OVERALL_SCHEMA
    assert engine.nearest(result, 2024).is_empty()


def test_thresholds_frame_lists_every_threshold() -> None:
    spec = one("1", condition("A", ">=", *GRADED), threshold_key="region")
    frame = engine.thresholds_frame(spec)
    assert frame.select("key", "year", "value").rows() == [
        ("", None, 50.0),
        ("dbsh", None, 60.0),
        ("", 2024, 55.0),
        ("dbsh", 2024, 65.0),
    ]


# ---------------------------------------------------------------- nearest


def test_nearest_ranks_units_closest_to_the_standard_first() -> None:
    # given three criteria and five communes
    spec = make_spec(
        criterion("1", indicator("1.1", condition("A", ">=", threshold(100)))),
        criterion("2", indicator("2.1", condition("B", "is_true"))),
        criterion("3", indicator("3.1", condition("C", "is_true"))),
    )
    units = make_units(*((u, None, 3, "xa", "dbsh", None) for u in (1, 2, 3, 4, 5)))
    values = make_values(
        # 1: everything met
        (1, 2024, "A", 100), (1, 2024, "B", 1), (1, 2024, "C", 1),
        # 2: A short by 10% -> 1 missing, gap 0.1
        (2, 2024, "A", 90), (2, 2024, "B", 1), (2, 2024, "C", 1),
        # 3: A short by 50% -> 1 missing, gap 0.5
        (3, 2024, "A", 50), (3, 2024, "B", 1), (3, 2024, "C", 1),
        # 4: B failed, C unknown -> 2 missing, gap 1
        (4, 2024, "A", 100), (4, 2024, "B", 0),
        # 5: C unknown only -> 1 missing, gap 0
        (5, 2024, "A", 100), (5, 2024, "B", 1),
        # another year does not count
        (1, 2023, "A", 0),
    )  # fmt: skip
    result = engine.evaluate(spec, values, units, [2023, 2024])
    # when
    ranked = engine.nearest(result, 2024)
    # then
    assert ranked.schema == engine.NEAREST_SCHEMA
    assert ranked.rows() == [
        (5, 1, 0.0, ["3"]),
        (2, 1, pytest.approx(0.1), ["1"]),
        (3, 1, pytest.approx(0.5), ["1"]),
        (4, 2, 1.0, ["2", "3"]),
    ]
