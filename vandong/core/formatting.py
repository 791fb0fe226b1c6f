"""Vietnamese number notation in one place: 2.142.500 and 61,5%."""

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
