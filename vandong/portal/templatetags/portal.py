"""Filters of the public pages: a value in the reader's language, figures in
Vietnamese notation, the labels of coded values."""

import datetime
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vandong.core.formatting import money_vi, number_vi, quantity_vi
from vandong.geo.models import UnitType
from vandong.petitions.models import Status as PetitionStatus
from vandong.petitions.models import Topic
from vandong.registries.models.conferences import ChairRole, CommitmentStatus
from vandong.registries.models.contributions import ContributorKind, Purpose
from vandong.registries.models.ocop import ProducerKind, ProductGroup

register = template.Library()

CHOICES: dict[str, Any] = {
    "purpose": Purpose,
    "contributor": ContributorKind,
    "group": ProductGroup,
    "producer": ProducerKind,
    "chair": ChairRole,
    "commitment": CommitmentStatus,
    "topic": Topic,
    "petition": PetitionStatus,
    "unit_type": UnitType,
}


def _vi() -> bool:
    return (get_language() or "vi").startswith("vi")


@register.filter
def lang(item: dict[str, Any], field: str = "name") -> str:
    """item["<field>_vi"] or item["<field>_en"], by the page's language."""
    if not isinstance(item, dict):
        return ""
    found = item.get(f"{field}_vi" if _vi() else f"{field}_en")
    return str(found if found is not None else item.get(f"{field}_vi", ""))


@register.filter
def choice(value: str, kind: str) -> str:
    """The label of a coded value (a contribution's purpose, a topic...)."""
    choices = CHOICES.get(kind)
    if choices is None:
        return str(value)
    labels = dict(choices.choices)
    return str(labels.get(value, value))


def _money(value: float) -> str:
    if _vi():
        return money_vi(round(value), "prose")
    if abs(value) >= 1e9:
        return _("%(n)s billion VND") % {"n": number_vi(value / 1e9, 2)}
    if abs(value) >= 1e6:
        return _("%(n)s million VND") % {"n": number_vi(value / 1e6, 2)}
    return f"{number_vi(value)} VND"


def _is_money(item: dict[str, Any]) -> bool:
    return str(item.get("measure_vi", "")).strip() in {"đồng", "VND"}


@register.filter
def figure(item: dict[str, Any], field: str = "value") -> str:
    """A key figure's value: money in tỷ/triệu đồng, a percent with its
    decimals, a count or quantity in Vietnamese notation; "—" for none."""
    value = item.get(field)
    if value is None:
        return "—"
    if _is_money(item):
        return _money(float(value))
    decimals = int(item.get("decimals") or 0)
    text = number_vi(value, decimals) if decimals else quantity_vi(value, 1)
    return f"{text}%" if item.get("percent") else text


@register.filter
def measure(item: dict[str, Any]) -> str:
    """The measure shown after a figure ("" for money and percents)."""
    if _is_money(item) or item.get("percent"):
        return ""
    return lang(item, "measure")


@register.filter
def change(item: dict[str, Any]) -> str:
    """The change from the year before: “+2,5 điểm %”, “−3 xã”; "" without one."""
    value, before = item.get("value"), item.get("previous")
    if value is None or before is None:
        return ""
    delta = float(value) - float(before)
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if _is_money(item):
        return sign + _money(abs(delta))
    decimals = int(item.get("decimals") or 0)
    amount = number_vi(abs(delta), decimals) if decimals else quantity_vi(abs(delta))
    if item.get("percent"):
        return _("%(sign)s%(amount)s percentage points") % {
            "sign": sign,
            "amount": amount,
        }
    return f"{sign}{amount} {measure(item)}".strip()


@register.filter
def target_figure(target: dict[str, Any], field: str) -> str:
    """A target's goal or value, written as its indicator's figures are."""
    return figure({**target.get("indicator", {}), "value": target.get(field)})


COMPARATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<"}


@register.filter
def comparator(value: str) -> str:
    return COMPARATORS.get(value, value)


@register.filter
def stamp(value: str | None) -> str:
    """An ISO date and time as 29/11/2026 18:51, in the site's time zone."""
    if not value:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


@register.filter
def money(value: float | int | None) -> str:
    if value is None:
        return "—"
    return _money(float(value))


@register.filter
def qty(value: float | int | None) -> str:
    if value is None:
        return "—"
    return quantity_vi(value, 1)


@register.filter
def day(value: str | None) -> str:
    """An ISO date as 15/12/2024."""
    if not value:
        return ""
    try:
        return datetime.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


@register.filter
def stars(value: int) -> str:
    return "★" * int(value or 0)


STATUS_CLASSES = {
    "met": ("st-met", "✓"),
    "not_met": ("st-not", "✗"),
    "no_data": ("st-none", "–"),
    "no_threshold": ("st-none", "–"),
}


@register.filter
def status(value: str | None) -> str:
    """A standard status as a badge with its words (never colour alone)."""
    labels = {
        "met": _("Met"),
        "not_met": _("Not yet"),
        "no_data": _("No data"),
        "no_threshold": _("No data"),
    }
    if value not in STATUS_CLASSES:
        return mark_safe('<span class="st st-none">–</span>')
    css, mark = STATUS_CLASSES[value]
    shown = "no_data" if value == "no_threshold" else value
    return format_html(
        '<span class="st {}" data-status="{}">{} {}</span>',
        css,
        shown,
        mark,
        labels[value],
    )


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    if not isinstance(mapping, dict):
        return None
    return mapping.get(key)
