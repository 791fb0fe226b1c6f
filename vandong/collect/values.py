"""Raw values typed by their data element's value type, one at a time or by the million.

A raw value is what a channel read: text from a file or a form, or a number or
a boolean a spreadsheet typed. `type_value` turns one into what is stored
(`value` as a float, booleans 1/0; `text_value` for text elements) or raises
`ValueTypeError` saying why, in Vietnamese and English:

- numbers are read by `numbers.parse_number` (Vietnamese notation where the type
  leaves one meaning); whole types (counts, VND, m², labour days) refuse
  fractions;
- counts, money, areas and labour days are never negative; a percent lies in
  0..100; the element's own `min_value`/`max_value` bound it too; no value may
  pass 10^15 (floats hold whole numbers exactly up to 2^53);
- booleans read true/false, 1/0, có/không, x, yes/no (capitals and accents aside);
- text is kept as written (trimmed), up to 2,000 characters.

`ValueColumns` holds rows as columns (a polars frame), and `type_column` types a
whole column at once: plain digits and unambiguous decimals are cast in bulk,
and only the rest (and anything out of range) goes through `type_value`, once
per distinct raw value. Both paths give the same result and the same messages.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from vandong.catalog.models import WHOLE_TYPES, ValueType
from vandong.collect.numbers import NumberError, parse_number
from vandong.collect.rows import ValueRow
from vandong.core.formatting import number_vi
from vandong.core.text import fold

MAX_ABS = 1e15
MAX_TEXT = 2000
MAX_COMMENT = 500

# Types that count or measure something that cannot be negative.
NON_NEGATIVE_TYPES = frozenset(WHOLE_TYPES | {ValueType.AREA_HA, ValueType.PERCENT})

TRUE_WORDS = frozenset({"true", "1", "co", "x", "yes", "dung"})
FALSE_WORDS = frozenset({"false", "0", "khong", "no", "sai"})
# The same words with their accents, lower case (read in bulk without folding).
_TRUE_ACCENTED = frozenset({"có", "đúng"})
_FALSE_ACCENTED = frozenset({"không"})

# How a raw value came: nothing (deletes), text, a number, a boolean, or an
# object of another kind (a date from a spreadsheet), kept as text for messages.
FLAG_EMPTY, FLAG_TEXT, FLAG_NUMBER, FLAG_BOOL, FLAG_OTHER = 0, 1, 2, 3, 4

ROW_SCHEMA: dict[str, type[pl.DataType]] = {
    "data_element": pl.String,
    "unit_code": pl.String,
    "period": pl.String,
    "text": pl.String,
    "number": pl.Float64,
    "flag": pl.Int8,
    "comment": pl.String,
    "sheet": pl.String,
    "row": pl.Int64,
    "column": pl.String,
}


class ValueTypeError(ValueError):
    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(frozen=True)
class ValueColumns:
    """`ValueRow`s as columns (see ROW_SCHEMA): a million-row file becomes one
    frame, not a million objects. `row` is the row number as the user sees it."""

    frame: pl.DataFrame

    def __len__(self) -> int:
        return self.frame.height

    @classmethod
    def from_rows(cls, rows: Iterable[ValueRow]) -> "ValueColumns":
        elements: list[str] = []
        units: list[str] = []
        periods: list[str] = []
        texts: list[str | None] = []
        numbers: list[float | None] = []
        flags: list[int] = []
        comments: list[str] = []
        sheets: list[str] = []
        row_numbers: list[int] = []
        columns: list[str] = []
        for index, r in enumerate(rows):
            elements.append(str(r.data_element or "").strip())
            units.append(str(r.unit_code or "").strip())
            periods.append(str(r.period or "").strip())
            flag, text, number = _classify(r.value)
            flags.append(flag)
            texts.append(text)
            numbers.append(number)
            comments.append(str(r.comment or "").strip())
            sheets.append(r.sheet)
            row_numbers.append(r.row or index + 1)
            columns.append(r.column)
        frame = pl.DataFrame(
            {
                "data_element": elements,
                "unit_code": units,
                "period": periods,
                "text": texts,
                "number": numbers,
                "flag": flags,
                "comment": comments,
                "sheet": sheets,
                "row": row_numbers,
                "column": columns,
            },
            schema=ROW_SCHEMA,
        )
        return cls(frame)

    def to_rows(self) -> list[ValueRow]:
        result = []
        for (
            de,
            uc,
            pe,
            text,
            number,
            flag,
            comment,
            sheet,
            row,
            column,
        ) in self.frame.select(list(ROW_SCHEMA)).iter_rows():
            value: object
            if flag == FLAG_EMPTY:
                value = None
            elif flag == FLAG_NUMBER:
                value = number
            elif flag == FLAG_BOOL:
                value = bool(number)
            else:
                value = text
            result.append(
                ValueRow(
                    data_element=de,
                    unit_code=uc,
                    period=pe,
                    value=value,
                    comment=comment or "",
                    sheet=sheet or "",
                    row=row or 0,
                    column=column or "",
                )
            )
        return result


def _classify(value: object) -> tuple[int, str | None, float | None]:
    if value is None:
        return FLAG_EMPTY, None, None
    if isinstance(value, str):
        text = value.strip()
        return (FLAG_TEXT if text else FLAG_EMPTY), text, None
    if isinstance(value, bool):
        return FLAG_BOOL, None, 1.0 if value else 0.0
    if isinstance(value, int):
        # As text: exact however large (a float holds whole numbers to 2^53).
        return FLAG_TEXT, str(value), None
    if isinstance(value, float | Decimal):
        try:
            return FLAG_NUMBER, None, float(value)
        except OverflowError:
            return FLAG_OTHER, str(value)[:60], None
    return FLAG_OTHER, str(value)[:60], None


def raw_value(flag: int, text: str | None, number: float | None) -> object:
    """The raw value a (flag, text, number) triple stands for."""
    if flag == FLAG_EMPTY:
        return None
    if flag == FLAG_NUMBER:
        return number
    if flag == FLAG_BOOL:
        return bool(number)
    if flag == FLAG_OTHER:
        return _Other(text or "")
    return text


class _Other(str):
    """A raw value of a kind no element takes (a date typed in a spreadsheet)."""


def value_text(value: float | None, text_value: str = "") -> str:
    """A stored value as the audit trail writes it: "2142500", "61.5", text as is."""
    if text_value:
        return text_value
    if value is None:
        return ""
    if value == int(value):
        return str(int(value))
    return repr(value)


def _bounds(value_type: str, lo: float | None, hi: float | None) -> tuple[float, float]:
    low = -MAX_ABS
    high = MAX_ABS
    if value_type in NON_NEGATIVE_TYPES:
        low = 0.0
    if value_type == ValueType.PERCENT:
        high = 100.0
    if lo is not None:
        low = max(low, lo)
    if hi is not None:
        high = min(high, hi)
    return low, high


def _shown(raw: object) -> str:
    if (
        isinstance(raw, float)
        and math.isfinite(raw)
        and raw.is_integer()
        and abs(raw) < 1e18
    ):
        return str(int(raw))
    return str(raw)


def check_number(
    number: float,
    *,
    value_type: str,
    lo: float | None = None,
    hi: float | None = None,
    shown: str = "",
) -> float:
    """`number` if it fits the type and the element's bounds, else ValueTypeError."""
    shown = shown or _shown(number)
    if not math.isfinite(number):
        raise ValueTypeError(
            f"“{shown}” không phải là số.", f"'{shown}' is not a number."
        )
    if value_type in WHOLE_TYPES and not number.is_integer():
        raise ValueTypeError(
            f"Phải là số nguyên, nhận được “{shown}”.",
            f"Must be a whole number, got '{shown}'.",
        )
    if abs(number) > MAX_ABS:
        raise ValueTypeError(
            f"Số “{shown}” quá lớn: giới hạn là {number_vi(MAX_ABS)}.",
            f"The number '{shown}' is too large: the limit is {MAX_ABS:,.0f}.",
        )
    if number < 0 and value_type in NON_NEGATIVE_TYPES:
        raise ValueTypeError(
            f"Không được là số âm, nhận được “{shown}”.",
            f"Must not be negative, got '{shown}'.",
        )
    if value_type == ValueType.PERCENT and number > 100:
        raise ValueTypeError(
            f"Tỷ lệ phần trăm phải từ 0 đến 100, nhận được “{shown}”.",
            f"A percentage must lie between 0 and 100, got '{shown}'.",
        )
    if lo is not None and number < lo:
        raise ValueTypeError(
            f"Phải từ {number_vi(lo, _digits(lo))} trở lên, nhận được “{shown}”.",
            f"Must be at least {_en(lo)}, got '{shown}'.",
        )
    if hi is not None and number > hi:
        raise ValueTypeError(
            f"Không được vượt quá {number_vi(hi, _digits(hi))}, nhận được “{shown}”.",
            f"Must be at most {_en(hi)}, got '{shown}'.",
        )
    return number


def _digits(bound: float) -> int:
    return 0 if bound == int(bound) else 2


def _en(bound: float) -> str:
    return f"{bound:,.0f}" if bound == int(bound) else f"{bound:,.2f}"


def type_value(
    raw: object,
    *,
    value_type: str,
    lo: float | None = None,
    hi: float | None = None,
) -> tuple[float | None, str]:
    """(value, text_value) to store for `raw`, or ValueTypeError saying why not.

    Call it only for a value that is there: None and "" delete, which the
    write service handles before typing.
    """
    if isinstance(raw, _Other):
        raise ValueTypeError(
            f"Không đọc được giá trị “{raw}” (cần số hoặc chữ).",
            f"Cannot read the value '{raw}' (a number or text is needed).",
        )
    if value_type == ValueType.TEXT:
        text = _shown(raw) if not isinstance(raw, str) else raw.strip()
        if isinstance(raw, bool):
            text = "true" if raw else "false"
        if len(text) > MAX_TEXT:
            raise ValueTypeError(
                f"Văn bản dài {number_vi(len(text))} ký tự, tối đa {number_vi(MAX_TEXT)}.",
                f"The text is {len(text):,} characters long; at most {MAX_TEXT:,}.",
            )
        return None, text
    if value_type == ValueType.BOOLEAN:
        return _boolean(raw), ""
    whole = value_type in WHOLE_TYPES
    if isinstance(raw, bool):
        raise ValueTypeError(
            f"“{'có' if raw else 'không'}” không phải là số.",
            f"'{raw}' is not a number.",
        )
    try:
        number = parse_number(raw, whole=whole)
    except NumberError as error:
        raise ValueTypeError(error.message_vi, error.message_en) from None
    shown = raw.strip() if isinstance(raw, str) else _shown(raw)
    return check_number(number, value_type=value_type, lo=lo, hi=hi, shown=shown), ""


def _boolean(raw: object) -> float:
    if isinstance(raw, bool):
        return 1.0 if raw else 0.0
    if isinstance(raw, int | float) and raw in (0, 1):
        return float(raw)
    word = fold(str(raw))
    if word in TRUE_WORDS:
        return 1.0
    if word in FALSE_WORDS:
        return 0.0
    shown = raw.strip() if isinstance(raw, str) else _shown(raw)
    raise ValueTypeError(
        f"“{shown}” không phải là giá trị có/không (dùng có, không, x, 1, 0, "
        "true, false, yes, no).",
        f"'{shown}' is not a yes/no value (use true, false, 1, 0, yes, no, x, "
        "có, không).",
    )


# For decimal types: one separator, but not one after at most three digits
# followed by exactly three (which could be grouped thousands: "1.500").
_DECIMAL = r"^[0-9]{1,15}[.,][0-9]{1,15}$"
_AMBIGUOUS = r"^[0-9]{1,3}[.,][0-9]{3}$"


def _hashable(key: tuple[object, ...]) -> tuple[object, ...]:
    """A dict key for a row: NaN, which equals nothing, as a string."""
    return tuple("nan" if isinstance(x, float) and math.isnan(x) else x for x in key)


def type_column(frame: pl.DataFrame) -> pl.DataFrame:
    """Type a frame of raw values in bulk.

    `frame` has the ValueColumns columns `i` (a row id), `text`, `number`,
    `flag` and the element's `value_type`, `lo`, `hi`; the result adds `value`
    (Float64), `text_value` (String), `delete` (Boolean) and
    `error_vi`/`error_en` (String, null where the value is good), in the same
    row order. Whole numbers written plainly are cast in bulk, unambiguous
    decimals too; anything else, and anything out of range, goes through
    `type_value` once per distinct raw value.
    """
    whole_types = sorted(str(t) for t in WHOLE_TYPES)
    value_type = pl.col("value_type")
    flag = pl.col("flag")
    text = pl.col("text")
    numeric = ~value_type.is_in([ValueType.TEXT, ValueType.BOOLEAN])
    typed = frame.with_columns(
        as_int=pl.when(numeric & (flag == FLAG_TEXT)).then(
            text.cast(pl.Int64, strict=False)
        )
    )
    # Decimal notation is tried only where a whole number was not found.
    maybe_decimal = pl.when(
        numeric
        & (flag == FLAG_TEXT)
        & pl.col("as_int").is_null()
        & ~value_type.is_in(whole_types)
    ).then(text)
    typed = typed.with_columns(maybe_decimal=maybe_decimal).with_columns(
        as_decimal=pl.when(
            pl.col("maybe_decimal").str.contains(_DECIMAL)
            & ~pl.col("maybe_decimal").str.contains(_AMBIGUOUS)
        ).then(
            pl.col("maybe_decimal")
            .str.replace(",", ".", literal=True)
            .cast(pl.Float64, strict=False)
        )
    )
    fast = (
        pl.when(flag == FLAG_NUMBER)
        .then(pl.col("number"))
        .otherwise(pl.coalesce(pl.col("as_int").cast(pl.Float64), pl.col("as_decimal")))
    )
    words = dict.fromkeys(TRUE_WORDS | _TRUE_ACCENTED, 1.0) | dict.fromkeys(
        FALSE_WORDS | _FALSE_ACCENTED, 0.0
    )
    boolean = (
        pl.when(flag == FLAG_TEXT)
        .then(
            text.str.to_lowercase().replace_strict(
                words, default=None, return_dtype=pl.Float64
            )
        )
        .when(flag == FLAG_BOOL)
        .then(pl.col("number"))
        .when((flag == FLAG_NUMBER) & pl.col("number").is_in([0.0, 1.0]))
        .then(pl.col("number"))
    )
    typed = typed.with_columns(
        fast=pl.when(numeric)
        .then(fast)
        .when(value_type == ValueType.BOOLEAN)
        .then(boolean)
    )
    low = (
        pl.when(value_type.is_in(sorted(NON_NEGATIVE_TYPES)))
        .then(0.0)
        .otherwise(-MAX_ABS)
    )
    high = pl.when(value_type == ValueType.PERCENT).then(100.0).otherwise(MAX_ABS)
    v = pl.col("fast")
    in_range = (
        v.is_not_null()
        & v.is_finite()
        & (v >= low)
        & (v <= high)
        & (pl.col("lo").is_null() | (v >= pl.col("lo")))
        & (pl.col("hi").is_null() | (v <= pl.col("hi")))
        & (~value_type.is_in(whole_types) | (v.floor() == v))
    )
    typed = typed.with_columns(
        delete=flag == FLAG_EMPTY,
        good=(flag != FLAG_EMPTY) & in_range.fill_null(False),
    ).drop("as_int", "maybe_decimal", "as_decimal")
    slow = typed.filter(~pl.col("delete") & ~pl.col("good")).select(
        "i", "flag", "text", "number", "value_type", "lo", "hi"
    )
    keys = ["flag", "text", "number", "value_type", "lo", "hi"]
    solved: dict[
        tuple[object, ...], tuple[float | None, str, str | None, str | None]
    ] = {}
    for key in slow.select(keys).unique().iter_rows():
        s_flag, s_text, s_number, s_type, s_lo, s_hi = key
        key = _hashable(key)
        raw = raw_value(s_flag, s_text, s_number)
        try:
            value, text_value = type_value(raw, value_type=s_type, lo=s_lo, hi=s_hi)
        except ValueTypeError as error:
            solved[key] = (None, "", error.message_vi, error.message_en)
        else:
            solved[key] = (value, text_value, None, None)
    answers = [solved[_hashable(key)] for key in slow.select(keys).iter_rows()]
    slow_frame = pl.DataFrame(
        {
            "i": slow["i"],
            "s_value": [a[0] for a in answers],
            "s_text": [a[1] for a in answers],
            "error_vi": [a[2] for a in answers],
            "error_en": [a[3] for a in answers],
        },
        schema={
            "i": slow.schema["i"],
            "s_value": pl.Float64,
            "s_text": pl.String,
            "error_vi": pl.String,
            "error_en": pl.String,
        },
    )
    typed = typed.join(slow_frame, on="i", how="left", maintain_order="left")
    return typed.with_columns(
        value=pl.when(pl.col("good")).then(v).otherwise(pl.col("s_value")),
        text_value=pl.when(pl.col("good"))
        .then(pl.lit(""))
        .otherwise(pl.col("s_text").fill_null("")),
    ).drop("fast", "good", "s_value", "s_text")
