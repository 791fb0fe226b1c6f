"""How a figure is written in a sentence: the template's filters, on top of the
Vietnamese number rules of `vandong.core.formatting` (one place for them).

    {{ land | number }}               2.142.500
    {{ urban | count2 }}              05
    {{ hh_cultural | percent }}       85%          percent(1): 61,5%
    {{ tea | floor(1000) }}           trên 7.000   (about: gần/trên; under: dưới)
    {{ cash | money(billion, floor) }}           trên 502 tỷ đồng
    {{ fund | money(billion, floor=0.1) }}       trên 5,6 tỷ đồng
    {{ materials | money(million) }}             61.923 triệu đồng
    {{ t_urban | goal }}              trên 60      (a target; thêm 2 for an increase)
    {{ plan_date | date }}            ngày 30/9/2016
"""

from decimal import ROUND_HALF_UP, Decimal

from vandong.core.formatting import (
    MONEY_SCALES,
    approx_vi,
    count_vi,
    date_vi,
    money_vi,
    number_vi,
    quantity_vi,
)
from vandong.reports.figures import Figure
from vandong.reports.spec import Filter

_APPROX = {"floor": "floor", "about": "nearest", "under": "ceil"}


def _rounded(value: float, digits: int) -> Decimal:
    return Decimal(str(value)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )


def percent_text(value: float, digits: int = 0) -> str:
    return f"{quantity_vi(_rounded(value, digits), digits)}%"


def plain(figure: Figure) -> str:
    """A figure without a filter."""
    if figure.text is not None:
        return figure.text
    if figure.day is not None:
        return date_vi(figure.day)
    value = figure.value
    if value is None:
        return ""
    if figure.percent:
        return percent_text(value, 1)
    if figure.money:
        return money_vi(int(value), "prose")
    if float(value).is_integer():
        return number_vi(int(value))
    return quantity_vi(_rounded(value, 1), 1)


def goal_text(figure: Figure) -> str:
    value = figure.value or 0.0
    shown = quantity_vi(_rounded(value, 2), 2)
    if figure.target_kind == "increase":
        return f"thêm {shown}"
    word = {">": "trên ", "<": "dưới "}.get(figure.comparator, "")
    return word + shown


def money_text(value: float, item: Filter) -> str:
    scale = item.args[0]
    keywords = dict(item.keywords)
    step = keywords.get("floor")
    if step is not None:
        size, word = MONEY_SCALES[scale]
        return f"{approx_vi(Decimal(int(value)) / size, Decimal(step), 'floor')} {word}"
    floor = len(item.args) > 1 and item.args[1] == "floor"
    return money_vi(int(value), "prose", scale=scale, floor=floor)


def apply(figure: Figure, filters: tuple[Filter, ...]) -> str:
    """The figure as the placeholder asks for it (the last filter wins)."""
    if not filters:
        return plain(figure)
    item = filters[-1]
    value = figure.value
    if item.name == "date":
        return date_vi(figure.day) if figure.day is not None else plain(figure)
    if value is None:
        return plain(figure)
    if item.name == "number":
        digits = int(item.args[0]) if item.args else 0
        return number_vi(_rounded(value, digits), digits)
    if item.name == "count2":
        return count_vi(value, 2)
    if item.name == "percent":
        return percent_text(value, int(item.args[0]) if item.args else 0)
    if item.name in _APPROX:
        return approx_vi(Decimal(str(value)), Decimal(item.args[0]), _APPROX[item.name])
    if item.name == "money":
        return money_text(value, item)
    if item.name == "goal":
        return goal_text(figure)
    return plain(figure)
