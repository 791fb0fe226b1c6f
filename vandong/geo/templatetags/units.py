"""Presentation helpers for units: the validity badge and shares."""

from typing import Any

from django import template

from vandong.core.formatting import percent_vi
from vandong.geo.models import REFORM_DATE, Unit

register = template.Library()


def era(unit: Unit) -> str:
    """The tree a unit belongs to: "legacy" (ended before the reform), "current"
    (began with or after it) or "both" (one row valid in both trees, or open)."""
    if unit.valid_to is not None and unit.valid_to < REFORM_DATE:
        return "legacy"
    if unit.valid_from is not None and unit.valid_from >= REFORM_DATE:
        return "current"
    return "both"


@register.inclusion_tag("geo/_validity.html")
def validity_badge(unit: Unit) -> dict[str, Any]:
    return {"unit": unit, "era": era(unit)}


@register.filter(name="vi_share")
def vi_share(value: float | None) -> str:
    """A share given as a fraction (0.25) in Vietnamese notation: "25%"."""
    return percent_vi(value)
