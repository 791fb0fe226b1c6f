from decimal import Decimal

from django import template

from vandong.core.formatting import money_vi

register = template.Library()


@register.filter(name="vi_money")
def vi_money(value: int | Decimal | None, style: str = "full") -> str:
    """Money in Vietnamese notation: "502.350.000.000 đồng" (full) or
    "502,35 tỷ đồng" (prose)."""
    return money_vi(value, style)
