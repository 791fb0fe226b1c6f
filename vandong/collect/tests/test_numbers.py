"""Property tests of the number reader: every number written the Vietnamese or
the English way reads back, ambiguous ones are refused, nothing else escapes."""

import math
from decimal import Decimal

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from vandong.collect.numbers import NumberError, parse_number

# No example database in the work tree; the properties are cheap to rerun.
props = settings(database=None, max_examples=300, deadline=None)

WHOLES = st.integers(min_value=-(10**15), max_value=10**15)
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=6)


def grouped(n: int, sep: str) -> str:
    """`n` with its thousands grouped by `sep`: 2142500 -> 2.142.500."""
    return ("-" if n < 0 else "") + f"{abs(n):,}".replace(",", sep)


@props
@given(n=WHOLES)
@example(n=2142500)
@example(n=-1500)
@example(n=0)
def test_whole_field_reads_every_integer_grouped_with_dots(n):
    assert parse_number(grouped(n, "."), whole=True) == float(n)


@props
@given(n=WHOLES)
@example(n=2142500)
def test_whole_field_reads_every_integer_grouped_with_commas(n):
    assert parse_number(grouped(n, ","), whole=True) == float(n)


@props
@given(n=WHOLES, space=st.sampled_from([" ", "\u00a0", "\u202f"]))
def test_whole_field_reads_every_integer_grouped_with_spaces(n, space):
    assert parse_number(grouped(n, space), whole=True) == float(n)


@props
@given(n=WHOLES)
def test_whole_field_reads_every_plain_integer_and_typed_number(n):
    assert parse_number(str(n), whole=True) == float(n)
    assert parse_number(n, whole=True) == float(n)


@props
@given(
    whole_part=st.integers(min_value=0, max_value=10**12),
    fraction=DIGITS,
    negative=st.booleans(),
    group=st.booleans(),
)
@example(whole_part=61, fraction="5", negative=False, group=False)
@example(whole_part=2142500, fraction="75", negative=False, group=True)
@example(whole_part=0, fraction="500", negative=False, group=False)
def test_decimal_field_reads_every_decimal_with_a_comma(
    whole_part, fraction, negative, group
):
    # "1,500" alone is ambiguous (the next property): every other decimal reads
    assume(not (1 <= whole_part <= 999 and len(fraction) == 3))
    # given a decimal written the Vietnamese way: 2.142.500,75 or 61,5
    head = grouped(whole_part, ".") if group else str(whole_part)
    text = ("-" if negative else "") + head + "," + fraction
    expected = float(Decimal(("-" if negative else "") + f"{whole_part}.{fraction}"))
    # when / then
    assert parse_number(text, whole=False) == expected
    # and the English way (2,142,500.75) reads the same
    english = text.replace(".", "\0").replace(",", ".").replace("\0", ",")
    assert parse_number(english, whole=False) == expected


@props
@given(
    lead=st.integers(min_value=1, max_value=999),
    group=st.integers(min_value=0, max_value=999),
    sep=st.sampled_from([".", ","]),
    sign=st.sampled_from(["", "-", "+"]),
)
@example(lead=1, group=500, sep=".", sign="")
@example(lead=1, group=500, sep=",", sign="")
def test_decimal_field_never_accepts_one_ambiguous_group(lead, group, sep, sign):
    # given "1.500": one thousand five hundred, or one and a half?
    text = f"{sign}{lead}{sep}{group:03d}"
    # when
    with pytest.raises(NumberError) as caught:
        parse_number(text, whole=False)
    # then the reason names both readings
    assert "có thể hiểu là" in caught.value.message_vi
    assert "could mean" in caught.value.message_en


@props
@given(
    lead=st.integers(min_value=1, max_value=999),
    group=st.integers(min_value=0, max_value=999),
    sep=st.sampled_from([".", ","]),
)
def test_whole_field_reads_the_same_group_as_thousands(lead, group, sep):
    assert parse_number(f"{lead}{sep}{group:03d}", whole=True) == lead * 1000 + group


@props
@given(
    whole_part=st.integers(min_value=0, max_value=10**9),
    fraction=DIGITS,
    sep=st.sampled_from([".", ","]),
)
@example(whole_part=61, fraction="5", sep=",")
def test_whole_field_refuses_every_fraction(whole_part, fraction, sep):
    # given a true fraction ("61,5"), not thousands ("1,500") nor ",0"
    assume(int(fraction) != 0)
    assume(not (whole_part >= 1 and len(fraction) == 3))
    text = f"{whole_part}{sep}{fraction}"
    # when / then
    with pytest.raises(NumberError) as caught:
        parse_number(text, whole=True)
    assert caught.value.message_en == f"Must be a whole number, got '{text}'."


@props
@given(text=st.text(), whole=st.booleans())
@example(text="9" * 400, whole=True)
@example(text="9" * 5000, whole=False)
@example(text="9" * 400 + ",5", whole=False)
@example(text="", whole=True)
@example(text="\u2212", whole=True)
@example(text="1.2.3", whole=False)
@example(text="١٢٣", whole=True)
def test_arbitrary_text_raises_nothing_but_number_error(text, whole):
    try:
        number = parse_number(text, whole=whole)
    except NumberError as error:
        caught: NumberError | None = error
    else:
        caught = None
        assert math.isfinite(number)
        assert not whole or number.is_integer()
    # a refusal always says why, in both languages
    assert caught is None or (caught.message_vi and caught.message_en)


@props
@given(
    raw=st.one_of(
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(),
        st.booleans(),
        st.none(),
        st.binary(max_size=20),
        st.decimals(allow_nan=True, allow_infinity=True),
    ),
    whole=st.booleans(),
)
def test_arbitrary_values_raise_nothing_but_number_error(raw, whole):
    try:
        number = parse_number(raw, whole=whole)
    except NumberError:
        return
    assert math.isfinite(number)


def test_huge_numbers_are_refused_not_overflowed():
    # given more digits than any figure has (float() would overflow at ~309)
    text = "9" * 400
    # when
    with pytest.raises(NumberError) as caught:
        parse_number(text, whole=True)
    # then
    assert caught.value.message_en.endswith("has too many digits (at most 40).")


def test_a_leading_zero_group_is_not_thousands():
    # "0.500" is one half in a decimal field, and no whole number
    assert parse_number("0.500", whole=False) == 0.5
    assert parse_number("0,500", whole=False) == 0.5
    with pytest.raises(NumberError) as caught:
        parse_number("0.500", whole=True)
    assert caught.value.message_en == "Must be a whole number, got '0.500'."
