"""Projection of a target's series to its deadline: hand-computed series and
properties that hold for any series."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vandong.analytics.targets.projection import (
    Status,
    least_squares,
    meets,
    project,
)


def test_rising_series_on_track() -> None:
    # given 50, 52, 54 in 2020-2022: +2 a year, the line reaches 60 in 2025
    series = [(2020, 50.0), (2021, 52.0), (2022, 54.0)]

    # when
    p = project(series, deadline_year=2025, comparator=">=", target=60.0, percent=True)

    # then
    assert (p.current_year, p.current_value) == (2022, 54.0)
    assert p.gap == pytest.approx(6.0)
    assert p.years_left == 3
    assert p.pace_needed == pytest.approx(2.0)
    assert p.average_pace == pytest.approx(2.0)
    assert p.recent_pace == pytest.approx(2.0)
    assert p.projected_value == pytest.approx(60.0)
    assert p.met_now is False
    assert p.projected_met is True
    assert p.status == Status.ON_TRACK
    assert "2020–2022" in p.method_vi
    assert "bình phương nhỏ nhất" in p.method_vi
    assert "least-squares" in p.method_en
    assert "3 years" in p.method_en


def test_a_strict_target_is_not_met_at_the_value() -> None:
    p = project(
        [(2020, 50.0), (2021, 52.0), (2022, 54.0)],
        deadline_year=2025,
        comparator=">",
        target=60.0,
    )
    assert p.projected_value == pytest.approx(60.0)
    assert p.projected_met is False
    assert p.status == Status.OFF_TRACK


def test_target_already_met() -> None:
    # given a value above the target, though falling
    series = [(2021, 70.0), (2022, 68.0), (2023, 66.0)]

    # when
    p = project(series, deadline_year=2025, comparator=">", target=60.0)

    # then
    assert p.met_now is True
    assert p.status == Status.MET
    assert p.gap == 0.0
    assert p.pace_needed == 0.0
    assert p.projected_value == pytest.approx(62.0)
    assert p.projected_met is True


def test_falling_trend_is_off_track() -> None:
    # given 40, 39, 37, 36 (least-squares slope -1,4 a year)
    series = [(2019, 40.0), (2020, 39.0), (2021, 37.0), (2022, 36.0)]

    # when
    p = project(series, deadline_year=2025, comparator=">=", target=57.5)

    # then
    assert p.gap == pytest.approx(21.5)
    assert p.pace_needed == pytest.approx(21.5 / 3)
    assert p.average_pace == pytest.approx(-4.0 / 3)
    assert p.recent_pace == pytest.approx(-1.5)
    assert p.trend is not None
    assert p.trend.slope == pytest.approx(-1.4)
    # mean 2020.5 -> 38; 2025 is 4.5 years later: 38 - 6.3
    assert p.projected_value == pytest.approx(31.7)
    assert p.status == Status.OFF_TRACK


def test_a_target_to_fall_below() -> None:
    # given a poverty rate falling 1,5 points a year, target <= 10
    series = [(2021, 16.0), (2022, 14.5), (2023, 13.0)]

    # when
    p = project(series, deadline_year=2027, comparator="<=", target=10.0, percent=True)

    # then the gap is positive, the pace needed negative
    assert p.gap == pytest.approx(3.0)
    assert p.pace_needed == pytest.approx(-0.75)
    assert p.projected_value == pytest.approx(7.0)
    assert p.status == Status.ON_TRACK


def test_percent_projection_is_clamped_to_100() -> None:
    # given +20 points a year
    series = [(2020, 40.0), (2021, 60.0), (2022, 80.0)]

    # when
    p = project(series, deadline_year=2030, comparator=">=", target=95.0, percent=True)

    # then
    assert p.projected_value == 100.0
    assert p.clamped is True
    assert "0–100" in p.method_vi
    assert "clamped to 0-100" in p.method_en


def test_percent_projection_is_clamped_to_0() -> None:
    series = [(2020, 30.0), (2021, 20.0), (2022, 10.0)]
    p = project(series, deadline_year=2030, comparator="<=", target=5.0, percent=True)
    assert p.projected_value == 0.0
    assert p.clamped is True
    assert p.status == Status.ON_TRACK


def test_unclamped_counts_may_run_past_100() -> None:
    series = [(2020, 40.0), (2021, 60.0), (2022, 80.0)]
    p = project(series, deadline_year=2030, comparator=">=", target=95.0)
    assert p.projected_value == pytest.approx(240.0)
    assert p.clamped is False


def test_trend_uses_only_the_last_five_years_with_data() -> None:
    # given a flat start and a rise over the last five years
    series = [(y, 10.0) for y in range(2010, 2016)] + [
        (y, 10.0 + 2 * (y - 2015)) for y in range(2016, 2021)
    ]

    # when
    p = project(series, deadline_year=2025, comparator=">=", target=30.0)

    # then
    assert p.trend is not None
    assert (p.trend.first_year, p.trend.last_year, p.trend.points) == (
        2016,
        2020,
        5,
    )
    assert p.trend.slope == pytest.approx(2.0)
    assert p.projected_value == pytest.approx(30.0)
    assert p.average_pace == pytest.approx(10.0 / 10)


def test_a_single_year_holds_its_value() -> None:
    p = project([(2024, 3.0)], deadline_year=2025, comparator=">=", target=5.0)
    assert p.trend is None
    assert p.average_pace is None
    assert p.recent_pace is None
    assert p.projected_value == 3.0
    assert p.pace_needed == pytest.approx(2.0)
    assert p.status == Status.OFF_TRACK
    assert "Chỉ có số liệu năm 2024" in p.method_vi


def test_no_data() -> None:
    p = project(
        [(2020, None), (2021, math.nan)],
        deadline_year=2025,
        comparator=">=",
        target=5.0,
    )
    assert p.status == Status.NO_DATA
    assert p.current_value is None
    assert p.projected_met is None
    assert p.method_en == "No data yet, so no projection."


def test_deadline_with_data_is_judged_on_it() -> None:
    # given the deadline year 2025 observed below the target
    series = [(2023, 50.0), (2024, 55.0), (2025, 57.0)]

    # when
    p = project(series, deadline_year=2025, comparator=">=", target=57.5)

    # then
    assert p.years_left == 0
    assert p.pace_needed is None
    assert p.projected_value == 57.0
    assert p.status == Status.MISSED
    assert "thực tế" in p.method_vi


def test_a_past_deadline_is_judged_on_its_year_not_on_later_ones() -> None:
    # given 2025 below 57,5 and 2026 above it
    series = [(2024, 55.0), (2025, 57.0), (2026, 64.0)]

    # when
    p = project(series, deadline_year=2025, comparator=">=", target=57.5)

    # then
    assert p.met_now is True
    assert p.current_year == 2026
    assert p.projected_value == 57.0
    assert p.status == Status.MISSED

    # and the other way round: met in its year, below it since
    p = project(
        [(2024, 50.0), (2025, 60.0), (2026, 55.0)],
        deadline_year=2025,
        comparator=">=",
        target=57.5,
    )
    assert p.met_now is False
    assert p.status == Status.MET
    assert p.pace_needed is None


def test_gaps_in_years_are_skipped_and_duplicates_refused() -> None:
    p = project(
        [(2018, 1.0), (2019, None), (2020, 3.0)],
        deadline_year=2022,
        comparator=">=",
        target=5.0,
    )
    assert p.trend is not None
    assert p.trend.points == 2
    assert p.projected_value == pytest.approx(5.0)
    with pytest.raises(ValueError, match="twice"):
        project(
            [(2020, 1.0), (2020, 2.0)], deadline_year=2022, comparator=">=", target=1
        )


def test_unknown_comparator_is_refused() -> None:
    with pytest.raises(ValueError, match="comparator"):
        project([(2020, 1.0)], deadline_year=2022, comparator="=", target=1.0)


# --- properties ---------------------------------------------------------------

Series = list[tuple[int, float]]
years = st.integers(min_value=2000, max_value=2030)
values = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
comparators = st.sampled_from([">=", ">", "<=", "<"])


@st.composite
def yearly_series(draw: st.DrawFn, *, low: float = -1e6, high: float = 1e6) -> Series:
    first = draw(years)
    length = draw(st.integers(min_value=1, max_value=12))
    picks = draw(
        st.lists(
            st.floats(min_value=low, max_value=high, allow_nan=False),
            min_size=length,
            max_size=length,
        )
    )
    return [(first + i, v) for i, v in enumerate(picks)]


@given(
    slope=st.floats(min_value=-50, max_value=50),
    intercept=st.floats(min_value=-100, max_value=100),
    length=st.integers(min_value=2, max_value=10),
    ahead=st.integers(min_value=1, max_value=10),
)
def test_an_exact_line_is_projected_onto_itself(
    slope: float, intercept: float, length: int, ahead: int
) -> None:
    series = [(2015 + i, intercept + slope * i) for i in range(length)]
    deadline = 2015 + length - 1 + ahead
    p = project(series, deadline_year=deadline, comparator=">=", target=0.0)
    expected = intercept + slope * (deadline - 2015)
    assert p.projected_value == pytest.approx(expected, abs=1e-6)
    assert p.average_pace == pytest.approx(slope, abs=1e-9)
    assert p.recent_pace == pytest.approx(slope, abs=1e-9)


@given(series=yearly_series(low=0, high=100), deadline=years, target=values)
def test_percent_projection_stays_within_0_and_100(
    series: Series, deadline: int, target: float
) -> None:
    p = project(
        series, deadline_year=deadline, comparator=">=", target=target, percent=True
    )
    assert p.projected_value is not None
    assert 0.0 <= p.projected_value <= 100.0


@given(series=yearly_series(), deadline=years, comparator=comparators, target=values)
def test_gap_and_pace_agree_with_the_comparison(
    series: Series, deadline: int, comparator: str, target: float
) -> None:
    p = project(series, deadline_year=deadline, comparator=comparator, target=target)
    current = series[-1][1]
    assert p.met_now is meets(current, comparator, target)
    assert p.gap is not None
    assert p.gap >= 0.0
    assert p.years_left is not None
    if p.years_left <= 0:
        # judged on the deadline year's value
        assert (p.status == Status.MET) is p.projected_met
        assert p.status in (Status.MET, Status.MISSED)
    elif p.met_now:
        assert p.gap == 0.0
        assert p.status == Status.MET
    else:
        assert p.pace_needed is not None
        reached = current + p.pace_needed * p.years_left
        assert reached == pytest.approx(target, rel=1e-9, abs=1e-6)
        assert p.status in (Status.ON_TRACK, Status.OFF_TRACK)
        assert (p.status == Status.ON_TRACK) is p.projected_met
    if p.met_now:
        assert p.gap == 0.0


@given(series=yearly_series())
def test_least_squares_passes_through_the_mean(series: Series) -> None:
    trend = least_squares(series)
    if len(series) < 2:
        assert trend is None
        return
    assert trend is not None
    mean_x = sum(x for x, _ in series) / len(series)
    mean_y = sum(y for _, y in series) / len(series)
    assert trend.at(mean_x) == pytest.approx(mean_y, rel=1e-6, abs=1e-3)
