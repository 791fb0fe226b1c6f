"""The Vietnamese notation of the figures, in the seed report's own words."""

import datetime

import pytest

from vandong.core.formatting import approx_vi, count_vi, date_vi, place_date_vi
from vandong.reports import notation
from vandong.reports.figures import Figure, Source
from vandong.reports.spec import Filter, parse_call


def written(value, text="", **fields):
    figure = Figure("x", 1, Source(kind="analytics"), value=value, **fields)
    filters: tuple[Filter, ...] = ()
    if text:
        call = parse_call(text if "(" in text else f"{text}()")
        filters = (Filter(call.function, call.args, call.keywords),)
    return notation.apply(figure, filters)


@pytest.mark.parametrize(
    ("value", "text", "expected"),
    [
        (2_142_500, "number", "2.142.500"),
        (991_600, "", "991.600"),
        (5, "count2", "05"),
        (24, "count2", "24"),
        (84.9998, "percent", "85%"),
        (73.957, "percent", "74%"),
        (61.5, "percent(1)", "61,5%"),
        (7120, "floor(1000)", "trên 7.000"),
        (2985, "about(1000)", "gần 3.000"),
        (8000, "about(1000)", "8.000"),
        (6340, "floor(100)", "trên 6.300"),
        (78_940, "about(1000)", "gần 79.000"),
        (50.602, "floor(1)", "trên 50"),
        (19.4, "under(1)", "dưới 20"),
        (92.3, "floor(10)", "trên 90"),
        (502_386_000_000, "money(billion, floor)", "trên 502 tỷ đồng"),
        (5_642_000_000, "money(billion, floor=0.1)", "trên 5,6 tỷ đồng"),
        (152_000_000_000, "money(billion, floor=0.1)", "152 tỷ đồng"),
        (61_923_000_000, "money(million)", "61.923 triệu đồng"),
    ],
)
def test_filters_write_the_seed_notation(value, text, expected):
    assert written(value, text) == expected


def test_a_percentage_without_filter_keeps_one_decimal():
    assert written(41.6666, percent=True) == "41,7%"
    assert written(100.0, percent=True) == "100%"


def test_targets_are_written_with_their_comparator():
    assert written(60.0, "goal", comparator=">", target_kind="level") == "trên 60"
    assert written(57.5, "goal", comparator=">=", target_kind="level") == "57,5"
    assert written(2.0, "goal", comparator=">=", target_kind="increase") == "thêm 2"


def test_dates():
    figure = Figure("d", 1, Source(kind="date"), day=datetime.date(2016, 9, 30))
    assert notation.apply(figure, (Filter("date"),)) == "ngày 30/9/2016"
    assert date_vi(datetime.date(2020, 1, 5)) == "ngày 5/1/2020"
    # the place and date line: days under 10, months 1 and 2 with a 0
    assert (
        place_date_vi("Lai Châu", datetime.date(2021, 2, 5))
        == "Lai Châu, ngày 05 tháng 02 năm 2021"
    )
    assert (
        place_date_vi("Hà Nội", datetime.date(2020, 12, 15))
        == "Hà Nội, ngày 15 tháng 12 năm 2020"
    )


def test_formatting_helpers():
    assert count_vi(5) == "05"
    assert count_vi(106) == "106"
    assert count_vi(1143) == "1.143"
    assert approx_vi(13_210, 1000, "nearest") == "trên 13.000"
    assert approx_vi(4_150, 1000, "floor") == "trên 4.000"
    assert approx_vi(None, 1) == ""
    with pytest.raises(ValueError, match="mode"):
        approx_vi(1, 1, "up")
