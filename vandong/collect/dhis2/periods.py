"""ADX periods: ISO 8601 `<start>/<duration>` and the DHIS2 period they name.

ADX writes a period as its first day and its length: `2020-01-01/P1M` is the
month DHIS2 calls `202001`, `2021-01-01/P3M` the quarter `2021Q1`,
`2020-01-01/P1Y` the year `2020`. vandong keeps every period with its first and
last day, so a period is found by its dates whatever DHIS2 calls it, and a
campaign phase (2016-2020) is written `2016-01-01/P5Y`. Pure: no Django.
"""

import datetime
import re
from dataclasses import dataclass

_ADX_PERIOD = re.compile(r"(\d{4})-(\d{2})-(\d{2})/P(\d{1,5})([DWMY])")

_FINANCIAL_YEAR_START = {4: "April", 7: "July", 10: "Oct"}


class PeriodError(ValueError):
    """An ADX period that cannot be read, with the reason in both languages."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(frozen=True, slots=True)
class AdxPeriod:
    start: datetime.date
    end: datetime.date
    # What DHIS2 calls it ("202001", "2021Q1", "2020"), where it has a name.
    iso: str | None


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day of the month `months` later (the day must exist there)."""
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1)


def _dhis2_iso(start: datetime.date, count: int, unit: str) -> str | None:
    """The DHIS2 ISO name of a period of a standard DHIS2 period type."""
    if unit == "D" and count == 1:
        return start.strftime("%Y%m%d")
    if (unit == "D" and count == 7) or (unit == "W" and count == 1):
        year, week, weekday = start.isocalendar()
        return f"{year}W{week}" if weekday == 1 else None
    if start.day != 1:
        return None
    if unit == "M" and count == 1:
        return f"{start.year}{start.month:02d}"
    if unit == "M" and count == 2 and start.month % 2 == 1:
        return f"{start.year}{(start.month + 1) // 2:02d}B"
    if unit == "M" and count == 3 and start.month % 3 == 1:
        return f"{start.year}Q{(start.month + 2) // 3}"
    if unit == "M" and count == 6 and start.month in (1, 7):
        return f"{start.year}S{1 if start.month == 1 else 2}"
    if unit == "Y" and count == 1:
        if start.month == 1:
            return str(start.year)
        if start.month in _FINANCIAL_YEAR_START:
            return f"{start.year}{_FINANCIAL_YEAR_START[start.month]}"
    return None


def parse_adx_period(text: str) -> AdxPeriod:
    """`2020-01-01/P1M` as its first and last day and its DHIS2 name.

    Durations are counted in days (D), weeks (W), months (M) or years (Y);
    month and year durations must start on the first day of a month.
    """
    match = _ADX_PERIOD.fullmatch(text.strip())
    if match is None:
        raise PeriodError(
            f"Kỳ “{text}” không đúng dạng ISO 8601 <ngày bắt đầu>/<độ dài> "
            "(ví dụ 2020-01-01/P1M).",
            f"The period '{text}' is not ISO 8601 <start>/<duration> "
            "(e.g. 2020-01-01/P1M).",
        )
    year, month, day, count_text, unit = match.groups()
    try:
        start = datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise PeriodError(
            f"Kỳ “{text}” bắt đầu bằng một ngày không có.",
            f"The period '{text}' starts on a day that does not exist.",
        ) from None
    count = int(count_text)
    if count == 0:
        raise PeriodError(
            f"Kỳ “{text}” có độ dài bằng 0.",
            f"The period '{text}' has a length of zero.",
        )
    if unit in "MY" and start.day != 1:
        raise PeriodError(
            f"Kỳ “{text}” tính theo tháng hoặc năm phải bắt đầu từ ngày 1 của tháng.",
            f"The period '{text}' counts months or years and must start on the "
            "first day of a month.",
        )
    try:
        if unit == "D":
            following = start + datetime.timedelta(days=count)
        elif unit == "W":
            following = start + datetime.timedelta(weeks=count)
        else:
            following = add_months(start, count * (12 if unit == "Y" else 1))
    except (ValueError, OverflowError):
        raise PeriodError(
            f"Kỳ “{text}” kết thúc ngoài lịch.",
            f"The period '{text}' ends beyond the calendar.",
        ) from None
    return AdxPeriod(
        start=start,
        end=following - datetime.timedelta(days=1),
        iso=_dhis2_iso(start, count, unit),
    )


def format_adx_period(start: datetime.date, end: datetime.date) -> str:
    """The ADX form of the period from `start` to `end` (both included).

    Whole months from the first of a month are written in months (`P3M`), or
    in years when they make whole years (`P1Y`, `P5Y`); anything else in days.
    """
    if end < start:
        raise ValueError(f"{end} is before {start}")
    following = end + datetime.timedelta(days=1)
    if start.day == 1 and following.day == 1:
        months = (following.year - start.year) * 12 + following.month - start.month
        if months % 12 == 0:
            return f"{start.isoformat()}/P{months // 12}Y"
        return f"{start.isoformat()}/P{months}M"
    return f"{start.isoformat()}/P{(following - start).days}D"
