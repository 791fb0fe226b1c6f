"""Vietnamese number notation in one place: 2.142.500 and 61,5%."""

from decimal import Decimal

from babel.numbers import format_decimal, format_percent


def number_vi(value: int | float | Decimal | None, digits: int = 0) -> str:
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale="vi")


def percent_vi(value: float | Decimal | None, digits: int = 1) -> str:
    """`value` is a fraction: 0.615 -> "61,5%"."""
    if value is None:
        return ""
    pattern = "#,##0" + ("." + "#" * digits if digits else "") + "%"
    return format_percent(value, format=pattern, locale="vi")
