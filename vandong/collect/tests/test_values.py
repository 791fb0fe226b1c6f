"""Typing raw values by value type: one at a time and in bulk, with the same answers."""

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vandong.catalog.models import ValueType
from vandong.collect.rows import ValueRow
from vandong.collect.values import (
    ValueColumns,
    ValueTypeError,
    type_column,
    type_value,
    value_text,
)


@pytest.mark.parametrize(
    ("raw", "value_type", "expected"),
    [
        ("2.142.500", ValueType.INTEGER, 2142500.0),
        ("2,142,500", ValueType.MONEY_VND, 2142500.0),
        ("1.500", ValueType.INTEGER, 1500.0),
        ("61,5", ValueType.PERCENT, 61.5),
        ("61.5", ValueType.DECIMAL, 61.5),
        ("0,125", ValueType.AREA_HA, 0.125),
        ("-3,5", ValueType.DECIMAL, -3.5),
        (7, ValueType.LABOUR_DAYS, 7.0),
        (True, ValueType.BOOLEAN, 1.0),
        ("Có", ValueType.BOOLEAN, 1.0),
        ("khong", ValueType.BOOLEAN, 0.0),
        ("x", ValueType.BOOLEAN, 1.0),
        (0, ValueType.BOOLEAN, 0.0),
    ],
)
def test_type_value_reads_numbers_the_vietnamese_way(raw, value_type, expected):
    assert type_value(raw, value_type=value_type) == (expected, "")


@pytest.mark.parametrize(
    ("raw", "value_type", "lo", "hi", "message_vi"),
    [
        ("abc", ValueType.INTEGER, None, None, "“abc” không phải là số."),
        ("-1", ValueType.AREA_M2, None, None, "Không được là số âm, nhận được “-1”."),
        (
            "100,5",
            ValueType.PERCENT,
            None,
            None,
            "Tỷ lệ phần trăm phải từ 0 đến 100, nhận được “100,5”.",
        ),
        ("1.500", ValueType.DECIMAL, None, None, None),
        ("12", ValueType.INTEGER, 20, None, "Phải từ 20 trở lên, nhận được “12”."),
        (
            "1.200",
            ValueType.INTEGER,
            None,
            1000,
            "Không được vượt quá 1.000, nhận được “1.200”.",
        ),
        ("có lẽ", ValueType.BOOLEAN, None, None, None),
        (2, ValueType.BOOLEAN, None, None, None),
    ],
)
def test_type_value_refuses_with_the_reason(raw, value_type, lo, hi, message_vi):
    with pytest.raises(ValueTypeError) as caught:
        type_value(raw, value_type=value_type, lo=lo, hi=hi)
    if message_vi is not None:
        assert caught.value.message_vi == message_vi
    assert caught.value.message_en


def test_text_is_kept_trimmed_and_bounded():
    assert type_value("  Đã rà soát ", value_type=ValueType.TEXT) == (
        None,
        "Đã rà soát",
    )
    with pytest.raises(ValueTypeError):
        type_value("x" * 2001, value_type=ValueType.TEXT)


def test_value_text_is_what_the_audit_writes():
    assert value_text(2142500.0) == "2142500"
    assert value_text(61.5) == "61.5"
    assert value_text(None, "ghi chú") == "ghi chú"
    assert value_text(None) == ""


def _typed(raws, value_type, lo=None, hi=None):
    columns = ValueColumns.from_rows(ValueRow("E", "U", "P", raw) for raw in raws)
    frame = columns.frame.with_row_index("i").with_columns(
        value_type=pl.lit(value_type),
        lo=pl.lit(lo, dtype=pl.Float64),
        hi=pl.lit(hi, dtype=pl.Float64),
    )
    return type_column(frame)


def test_type_column_types_in_bulk_and_keeps_the_order():
    # when
    typed = _typed(["12", "2.142.500", "", None, "abc", "-4", 7.0], ValueType.INTEGER)

    # then
    assert typed["value"].to_list() == [12.0, 2142500.0, None, None, None, None, 7.0]
    assert typed["delete"].to_list() == [False, False, True, True, False, False, False]
    assert typed["error_en"].to_list() == [
        None,
        None,
        None,
        None,
        "'abc' is not a number.",
        "Must not be negative, got '-4'.",
        None,
    ]


VALUE_TYPES = [
    ValueType.INTEGER,
    ValueType.DECIMAL,
    ValueType.PERCENT,
    ValueType.BOOLEAN,
    ValueType.MONEY_VND,
    ValueType.AREA_HA,
    ValueType.TEXT,
]
RAW = st.one_of(
    st.text(alphabet="0123456789.,-+ xabcóđ", max_size=12),
    st.from_regex(r"\A[0-9]{1,4}([.,][0-9]{1,4})?\Z"),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)


@settings(max_examples=300, deadline=None)
@given(
    raws=st.lists(RAW, min_size=1, max_size=20),
    value_type=st.sampled_from(VALUE_TYPES),
    hi=st.one_of(st.none(), st.floats(0, 5000)),
)
def test_bulk_typing_agrees_with_typing_one_value(raws, value_type, hi):
    # when
    typed = _typed(raws, value_type, hi=hi)

    # then
    for raw, value, text_value, delete, error in zip(
        raws,
        typed["value"].to_list(),
        typed["text_value"].to_list(),
        typed["delete"].to_list(),
        typed["error_en"].to_list(),
        strict=True,
    ):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            assert delete is True
            continue
        expected: tuple[float | None, str] | str
        try:
            expected = type_value(raw, value_type=value_type, hi=hi)
        except ValueTypeError as refused:
            expected = refused.message_en
        if isinstance(expected, str):
            assert error == expected
        else:
            assert error is None
            assert (value, text_value) == expected
