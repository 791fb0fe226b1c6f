from decimal import Decimal

from django import template

from vandong.core.formatting import number_vi, quantity_vi

register = template.Library()


@register.filter(name="vi_number")
def vi_number(value: int | float | Decimal | None, digits: int = 0) -> str:
    return number_vi(value, digits)


@register.filter
def vi_quantity(value: int | float | Decimal | None, digits: int = 1) -> str:
    return quantity_vi(value, digits)
