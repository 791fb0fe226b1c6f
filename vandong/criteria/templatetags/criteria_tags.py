"""Presentation of criteria results: status words and symbols, comparators,
values and gaps in Vietnamese notation, names in the page's language."""

import datetime
from typing import Any

from django import template
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from vandong.catalog.criteria.spec import KINDS, MET, NO_DATA, NO_THRESHOLD, NOT_MET
from vandong.core.formatting import number_vi
from vandong.criteria.queries import ConditionResult
from vandong.geo.models import CommuneGroup, Region, UnitType

register = template.Library()

# A symbol beside every colour, so a status never rests on colour alone.
STATUS_SYMBOLS = {MET: "✓", NOT_MET: "✗", NO_DATA: "?", NO_THRESHOLD: "∅"}
SIGNS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "="}


def vi() -> bool:
    return not (get_language() or "vi").startswith("en")


def status_text(status: str | None) -> str:
    labels = {
        MET: pgettext("criteria status", "Met"),
        NOT_MET: pgettext("criteria status", "Not met"),
        NO_DATA: pgettext("criteria status", "No data"),
        NO_THRESHOLD: pgettext("criteria status", "No threshold"),
    }
    return labels.get(status or "", pgettext("criteria status", "Not evaluated"))


def number_text(value: float | None) -> str:
    """A value with as many decimals as it needs, at most two: 3; 3,2; 61,25."""
    if value is None:
        return ""
    for digits in (0, 1):
        if abs(value - round(value, digits)) < 1e-9:
            return number_vi(value, digits)
    return number_vi(value, 2)


def measured(value: float | None, measure: str) -> str:
    text = number_text(value)
    if not text or not measure:
        return text
    return f"{text}%" if measure == "%" else f"{text} {measure}"


@register.filter
def status_label(status: str | None) -> str:
    return status_text(status)


@register.filter
def status_symbol(status: str | None) -> str:
    return STATUS_SYMBOLS.get(status or "", "–")


@register.filter
def crit_number(value: float | None) -> str:
    return number_text(value)


@register.filter
def local(item: Any, name: str = "name") -> str:
    """`item.name_vi` or `item.name_en` by the page's language."""
    suffix = "vi" if vi() else "en"
    return str(getattr(item, f"{name}_{suffix}", "") or getattr(item, f"{name}_vi", ""))


@register.filter
def kind_label(kind: str) -> str:
    names = KINDS.get(kind)
    if names is None:
        return kind
    return names[0] if vi() else names[1]


@register.filter
def key_label(key: str) -> str:
    """A threshold's key: a region, a commune group, or the general value."""
    if not key:
        return _("General")
    if key in Region.values:
        return str(Region(key).label)
    if key in {"1", "2", "3"}:
        return str(CommuneGroup(int(key)).label)
    return key


@register.filter
def value_text(condition: ConditionResult | None, measure: str = "") -> str:
    """A condition's measured value: a number with its measure, yes or no."""
    if condition is None or condition.value is None:
        return ""
    if condition.is_flag:
        return _("Yes") if condition.value >= 0.5 else _("No")
    return measured(condition.value, measure)


@register.filter
def rule_text(condition: ConditionResult | None, measure: str = "") -> str:
    """What the condition asks: "≥ 45%", "yes", "no"."""
    if condition is None:
        return ""
    if condition.comparator == "is_true":
        return _("Yes")
    if condition.comparator == "is_false":
        return _("No")
    sign = SIGNS.get(condition.comparator, condition.comparator)
    if condition.threshold is None:
        return f"{sign} —"
    return f"{sign} {measured(condition.threshold, measure)}"


def gap_words(condition: ConditionResult | None, measure: str) -> str:
    """How far a failed condition is from its threshold, in its measure."""
    if condition is None or condition.status != NOT_MET:
        return ""
    if condition.is_flag or condition.gap is None:
        return _("not yet")
    amount = measured(condition.gap, measure)
    if condition.comparator in {">=", ">"}:
        return _("short by %(gap)s") % {"gap": amount}
    if condition.comparator in {"<=", "<"}:
        return _("over by %(gap)s") % {"gap": amount}
    return _("off by %(gap)s") % {"gap": amount}


@register.filter
def gap_text(condition: ConditionResult | None, measure: str = "") -> str:
    return gap_words(condition, measure)


@register.filter
def sign(comparator: str) -> str:
    """ ">=" as "≥"; the yes/no comparators in words."""
    if comparator == "is_true":
        return _("must be yes")
    if comparator == "is_false":
        return _("must be no")
    return SIGNS.get(comparator, comparator)


@register.filter
def day_text(iso: str | None) -> str:
    """An ISO date from JSON as 18/02/2022."""
    try:
        return datetime.date.fromisoformat(iso or "").strftime("%d/%m/%Y")
    except ValueError:
        return iso or ""


@register.filter
def unit_types_text(types: list[str]) -> str:
    labels = dict(UnitType.choices)
    return ", ".join(str(labels.get(t, t)) for t in types)


@register.filter
def threshold_key_text(key: str) -> str:
    labels = {
        "none": pgettext("threshold key", "The same everywhere"),
        "region": pgettext("threshold key", "Region"),
        "commune_group": pgettext("threshold key", "Commune group (1, 2, 3)"),
    }
    return labels.get(key, key)
