"""Where a target stands and where the trend takes it: arithmetic over one
yearly series, no Django.

The current value is the last year with data. The pace needed spreads the
remaining gap evenly over the years left to the deadline. The projection
extends a least-squares line through the last N years with data (N = 5 by
default, fewer when the series is shorter) to the deadline year, clamped to
the values the indicator can take (0-100 for a percent); the method is stated
with the result in Vietnamese and English.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from vandong.core.formatting import quantity_vi

DEFAULT_TREND_YEARS = 5
RECENT_YEARS = 3
PERCENT_BOUNDS = (0.0, 100.0)
COMPARATORS = (">=", ">", "<=", "<")


class Status(StrEnum):
    # The current value meets the target; once the series reaches the
    # deadline, the deadline year's value does.
    MET = "met"
    ON_TRACK = "on_track"  # not yet; the trend meets it by the deadline
    OFF_TRACK = "off_track"  # not yet; the trend does not meet it by the deadline
    MISSED = "missed"  # the deadline year's value does not meet it
    NO_DATA = "no_data"


def meets(value: float, comparator: str, target: float) -> bool:
    if comparator == ">=":
        return value >= target
    if comparator == ">":
        return value > target
    if comparator == "<=":
        return value <= target
    if comparator == "<":
        return value < target
    raise ValueError(f"unknown comparator {comparator!r}")


def rising(comparator: str) -> bool:
    """Whether the target asks the value to go up (≥, >) or down (≤, <)."""
    if comparator not in COMPARATORS:
        raise ValueError(f"unknown comparator {comparator!r}")
    return comparator in (">=", ">")


@dataclass(frozen=True)
class Trend:
    """A least-squares line value = intercept + slope * year through the
    points of `first_year`..`last_year`."""

    slope: float
    intercept: float
    first_year: int
    last_year: int
    points: int

    def at(self, year: float) -> float:
        return self.intercept + self.slope * year


def least_squares(points: Iterable[tuple[int, float]]) -> Trend | None:
    """The least-squares line through the points; None under two years."""
    chosen = sorted(points)
    if len(chosen) < 2:
        return None
    n = len(chosen)
    mean_x = math.fsum(x for x, _ in chosen) / n
    mean_y = math.fsum(y for _, y in chosen) / n
    sxx = math.fsum((x - mean_x) ** 2 for x, _ in chosen)
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in chosen)
    slope = sxy / sxx
    return Trend(
        slope=slope,
        intercept=mean_y - slope * mean_x,
        first_year=chosen[0][0],
        last_year=chosen[-1][0],
        points=n,
    )


@dataclass(frozen=True)
class Projection:
    comparator: str
    target: float
    deadline_year: int
    current_year: int | None
    current_value: float | None
    # How far the current value still is from the target value, in the
    # direction the target asks for: never negative, 0 once reached.
    gap: float | None
    years_left: int | None
    # Change per year from the current value to the target value by the
    # deadline (signed: negative for a target that asks for a fall); 0 once
    # met; None when no year is left.
    pace_needed: float | None
    # Average change per year from the first to the last year with data.
    average_pace: float | None
    # Least-squares slope over the last 3 years with data.
    recent_pace: float | None
    trend: Trend | None
    # The value expected in the deadline year: the observed one when the
    # series reaches it, else the trend's, clamped to `bounds`.
    projected_value: float | None
    clamped: bool
    met_now: bool
    projected_met: bool | None
    status: Status
    method_vi: str
    method_en: str


def _clean(series: Iterable[tuple[int, float | None]]) -> list[tuple[int, float]]:
    """The points with a finite value, by year; a year twice is an error."""
    points: dict[int, float] = {}
    for year, value in series:
        if value is None or not math.isfinite(value):
            continue
        if year in points:
            raise ValueError(f"year {year} appears twice in the series")
        points[int(year)] = float(value)
    return sorted(points.items())


def _clamp(
    value: float, bounds: tuple[float | None, float | None] | None
) -> tuple[float, bool]:
    if bounds is None:
        return value, False
    low, high = bounds
    if low is not None and value < low:
        return low, True
    if high is not None and value > high:
        return high, True
    return value, False


def _bounds_text(bounds: tuple[float | None, float | None]) -> tuple[str, str]:
    low, high = bounds
    vi_low = quantity_vi(low, 2) if low is not None else "−∞"
    vi_high = quantity_vi(high, 2) if high is not None else "+∞"
    en_low = f"{low:g}" if low is not None else "-inf"
    en_high = f"{high:g}" if high is not None else "+inf"
    return f"{vi_low}–{vi_high}", f"{en_low}-{en_high}"


def _method(
    points: list[tuple[int, float]],
    trend: Trend | None,
    deadline_year: int,
    observed_at_deadline: bool,
    clamped: bool,
    bounds: tuple[float | None, float | None] | None,
) -> tuple[str, str]:
    if not points:
        return (
            "Chưa có số liệu nên chưa dự báo được.",
            "No data yet, so no projection.",
        )
    if observed_at_deadline:
        return (
            f"Năm hạn {deadline_year} đã có số liệu: lấy giá trị thực tế của năm đó.",
            f"The deadline year {deadline_year} has data: its actual value is used.",
        )
    if trend is None:
        year = points[-1][0]
        vi = (
            f"Chỉ có số liệu năm {year}: giả định giữ nguyên giá trị đó "
            f"đến năm {deadline_year}."
        )
        en = (
            f"Only {year} has data: the value is assumed to stay the same "
            f"until {deadline_year}."
        )
    else:
        vi = (
            "Xu hướng tuyến tính theo phương pháp bình phương nhỏ nhất qua "
            f"{trend.points} năm có số liệu gần nhất ({trend.first_year}–"
            f"{trend.last_year}), kéo dài đến năm {deadline_year}."
        )
        en = (
            f"Linear least-squares trend over the last {trend.points} years with "
            f"data ({trend.first_year}-{trend.last_year}), extended to "
            f"{deadline_year}."
        )
    if clamped and bounds is not None:
        vi_range, en_range = _bounds_text(bounds)
        vi += f" Kết quả được giới hạn trong khoảng {vi_range}."
        en += f" The result is clamped to {en_range}."
    return vi, en


def project(
    series: Iterable[tuple[int, float | None]],
    *,
    deadline_year: int,
    comparator: str,
    target: float,
    percent: bool = False,
    bounds: tuple[float | None, float | None] | None = None,
    trend_years: int = DEFAULT_TREND_YEARS,
) -> Projection:
    """Progress of a yearly series towards `comparator target` by
    `deadline_year`. `percent` clamps the projection to 0-100; `bounds`
    clamps it to another range (a count never falls below 0). Years with
    no value are skipped."""
    up = rising(comparator)
    if trend_years < 1:
        raise ValueError("trend_years must be at least 1")
    if percent and bounds is None:
        bounds = PERCENT_BOUNDS
    points = _clean(series)
    if not points:
        vi, en = _method(points, None, deadline_year, False, False, bounds)
        return Projection(
            comparator=comparator,
            target=target,
            deadline_year=deadline_year,
            current_year=None,
            current_value=None,
            gap=None,
            years_left=None,
            pace_needed=None,
            average_pace=None,
            recent_pace=None,
            trend=None,
            projected_value=None,
            clamped=False,
            met_now=False,
            projected_met=None,
            status=Status.NO_DATA,
            method_vi=vi,
            method_en=en,
        )
    current_year, current = points[-1]
    met_now = meets(current, comparator, target)
    shortfall = (target - current) if up else (current - target)
    gap = 0.0 if met_now else max(0.0, shortfall)
    years_left = deadline_year - current_year
    if met_now:
        pace_needed: float | None = 0.0
    elif years_left > 0:
        pace_needed = (target - current) / years_left
    else:
        pace_needed = None
    first_year, first = points[0]
    average_pace = (
        (current - first) / (current_year - first_year) if len(points) > 1 else None
    )
    recent = least_squares(points[-RECENT_YEARS:])
    trend = least_squares(points[-trend_years:])
    observed = dict(points)
    at_deadline = deadline_year in observed
    if at_deadline:
        projected, clamped = observed[deadline_year], False
    else:
        raw = trend.at(deadline_year) if trend is not None else current
        projected, clamped = _clamp(raw, bounds)
    projected_met = meets(projected, comparator, target)
    if years_left <= 0:
        # The series has reached the deadline: the target is judged on the
        # deadline year's value, whatever came after.
        status = Status.MET if projected_met else Status.MISSED
    elif met_now:
        status = Status.MET
    elif projected_met:
        status = Status.ON_TRACK
    else:
        status = Status.OFF_TRACK
    vi, en = _method(points, trend, deadline_year, at_deadline, clamped, bounds)
    return Projection(
        comparator=comparator,
        target=target,
        deadline_year=deadline_year,
        current_year=current_year,
        current_value=current,
        gap=gap,
        years_left=years_left,
        pace_needed=pace_needed,
        average_pace=average_pace,
        recent_pace=recent.slope if recent is not None else None,
        trend=trend,
        projected_value=projected,
        clamped=clamped,
        met_now=met_now,
        projected_met=projected_met,
        status=status,
        method_vi=vi,
        method_en=en,
    )
