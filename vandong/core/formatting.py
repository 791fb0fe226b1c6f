"""Vietnamese number notation in one place: 2.142.500 and 61,5%."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal, format_percent


def number_vi(value: int | float | Decimal | None, digits: int = 0) -> str:
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="vi")


def quantity_vi(value: int | float | Decimal | None, digits: int = 1) -> str:
    """A measured quantity (m², ngày công): decimals only where there are
    some, so 73.265 and 120,5 — never 73.265,0."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="vi")


def percent_vi(value: float | Decimal | None, digits: int = 1) -> str:
    """`value` is a fraction: 0.615 -> "61,5%"."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "") + "%"
    return format_percent(value, format=pattern, locale="vi")


# Prose scales of Vietnamese money: tỷ (10^9) and triệu (10^6) đồng.
MONEY_SCALES: dict[str, tuple[int, str]] = {
    "billion": (1_000_000_000, "tỷ đồng"),
    "million": (1_000_000, "triệu đồng"),
    "dong": (1, "đồng"),
}


def _money_scale(value: int) -> str:
    magnitude = abs(value)
    if magnitude >= 1_000_000_000:
        return "billion"
    if magnitude >= 1_000_000:
        return "million"
    return "dong"


def money_vi(
    value: int | Decimal | None,
    style: str = "full",
    *,
    scale: str | None = None,
    floor: bool = False,
    digits: int = 2,
) -> str:
    """Money (VND, whole đồng) in Vietnamese notation.

    style="full": every digit, "502.350.000.000 đồng" (tables).
    style="prose": in tỷ or triệu đồng as a report writes it, "502,35 tỷ
    đồng" (at most `digits` decimals, rounded half up); `scale` forces
    "billion", "million" or "dong" ("61.923 triệu đồng"); `floor` keeps the
    whole part and says "trên" when something was cut off ("trên 502 tỷ
    đồng" for 502.386.000.000).
    """
    if value is None:
        return ""
    amount = int(value)
    if style == "full":
        return f"{number_vi(amount)} đồng"
    if style != "prose":
        raise ValueError(f"unknown money style {style!r}")
    key = scale or _money_scale(amount)
    if key not in MONEY_SCALES:
        raise ValueError(f"unknown money scale {scale!r}")
    size, word = MONEY_SCALES[key]
    if floor:
        whole, rest = divmod(abs(amount), size)
        sign = "-" if amount < 0 else ""
        above = "trên " if rest else ""
        return f"{above}{sign}{number_vi(whole)} {word}"
    scaled = (Decimal(amount) / Decimal(size)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return f"{format_decimal(scaled, format=pattern, locale='vi')} {word}"


# --- report phrasing (issue 7): padded counts, rounded figures, dates -------------


def count_vi(value: int | float | Decimal | None, width: int = 2) -> str:
    """A count written with at least `width` digits, as reports write the
    numerator of a ratio: 5 -> "05" (05/12); 24 -> "24"; 1143 -> "1.143"."""
    if value is None:
        return ""
    whole = int(Decimal(str(value)).to_integral_value(rounding=ROUND_HALF_UP))
    if abs(whole) >= 10 ** max(width, 3):
        return number_vi(whole)
    return str(whole).zfill(width) if whole >= 0 else "-" + str(-whole).zfill(width)


APPROX_MODES = ("nearest", "floor", "ceil")


def approx_vi(
    value: int | float | Decimal | None, step: float | Decimal, mode: str = "nearest"
) -> str:
    """A figure rounded to `step` with the word a report puts before it when
    the rounding changed it: "trên" (over) when the figure is above the
    rounded one, "gần" (nearly) when below, "dưới" (under) for `ceil`.

    mode="floor": 7.120 step 1.000 -> "trên 7.000"; 50,6 step 1 -> "trên 50".
    mode="nearest": 2.985 step 1.000 -> "gần 3.000"; 6.340 step 100 -> "trên 6.300".
    mode="ceil": 19,4 step 1 -> "dưới 20".
    A figure equal to its rounding has no word: 8.000 -> "8.000".
    """
    if value is None:
        return ""
    if mode not in APPROX_MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")
    exact = Decimal(str(value))
    size = Decimal(str(step))
    if size <= 0:
        raise ValueError("the step must be positive")
    rounding = {
        "nearest": ROUND_HALF_UP,
        "floor": "ROUND_FLOOR",
        "ceil": "ROUND_CEILING",
    }[mode]
    shown = (exact / size).quantize(Decimal(1), rounding=rounding) * size
    digits = max(0, -size.normalize().as_tuple().exponent)  # type: ignore[operator]
    text = quantity_vi(shown, digits)
    if exact > shown:
        word = "trên "
    elif exact < shown:
        word = "dưới " if mode == "ceil" else "gần "
    else:
        word = ""
    return word + text


def date_vi(day: datetime.date) -> str:
    """A date in running text: "ngày 30/9/2016"."""
    return f"ngày {day.day}/{day.month}/{day.year}"


def place_date_vi(place: str, day: datetime.date) -> str:
    """The place and date line of an official document: days under 10 and
    the months 1 and 2 written with a leading 0 (Nghị định 30/2020/NĐ-CP,
    Phụ lục I, II.4.b): "Lai Châu, ngày 05 tháng 02 năm 2021"."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
