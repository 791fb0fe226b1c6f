"""Loading the shipped indicators (indicators.yaml) into the database."""

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from vandong.analytics import expressions
from vandong.analytics.models import Indicator
from vandong.core.errors import DomainError, RowError
from vandong.geo.models import UnitType

INDICATORS_FILE = Path(__file__).with_name("indicators.yaml")
_FIELDS = {
    "code",
    "group",
    "name_vi",
    "name_en",
    "description",
    "numerator",
    "denominator",
    "factor",
    "decimals",
    "measure_vi",
    "measure_en",
    "min_level",
    "source",
}
_REQUIRED = ("code", "name_vi", "name_en", "numerator")
# The kinds of the shipped criteria sets (vandong/catalog/criteria/sets).
CRITERIA_KINDS = {
    "ntm_commune",
    "ntm_commune_advanced",
    "urban_civilized",
    "cultural_village",
    "environment",
    "security",
}


def _kinds() -> set[str]:
    from vandong.catalog.models import CriteriaSet

    return CRITERIA_KINDS | set(CriteriaSet.objects.values_list("kind", flat=True))


def check_indicator(item: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Problems of one indicator as (field, vi, en)."""
    from vandong.catalog.models import DataElement, ValueType

    problems: list[tuple[str, str, str]] = [
        (key, f"khóa “{key}” không dùng", f"unknown key '{key}'")
        for key in sorted(set(item) - _FIELDS)
    ]
    problems.extend(
        (key, f"thiếu “{key}”", f"'{key}' is missing")
        for key in _REQUIRED
        if not str(item.get(key) or "").strip()
    )
    numeric = set(
        DataElement.objects.exclude(value_type=ValueType.TEXT).values_list(
            "code", flat=True
        )
    )
    kinds = _kinds()
    for side in ("numerator", "denominator"):
        text = str(item.get(side) or "").strip()
        if not text:
            continue
        try:
            parsed = expressions.parse(text)
        except expressions.ExpressionError as error:
            problems.append((side, error.message_vi, error.message_en))
            continue
        for vi, en in expressions.check(
            parsed,
            element_exists=numeric.__contains__,
            unit_types=set(UnitType.values),
            kinds=kinds,
        ):
            problems.append((side, vi, en))
    for key, kind in (("factor", float), ("decimals", int), ("min_level", int)):
        if key in item and not isinstance(item[key], kind | int):
            problems.append((key, f"“{key}” phải là số", f"'{key}' must be a number"))
    return problems


def load_indicators(path: Path | None = None) -> int:
    """Create or update the indicators of the file; all or nothing."""
    source = path or INDICATORS_FILE
    document = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    items = document.get("indicators") or []
    errors: list[RowError] = []
    seen: set[str] = set()
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            errors.append(
                RowError(number, "", "mục không hợp lệ", "the entry is not a mapping")
            )
            continue
        code = str(item.get("code", ""))
        if code in seen:
            errors.append(
                RowError(
                    number, "code", f"mã “{code}” lặp lại", f"code '{code}' repeats"
                )
            )
        seen.add(code)
        errors.extend(
            RowError(number, field, f"{code}: {vi}", f"{code}: {en}", element=code)
            for field, vi, en in check_indicator(item)
        )
    if errors:
        raise DomainError(
            "invalid",
            f"Tệp chỉ số {source.name} có {len(errors)} lỗi; không lưu gì.",
            f"The indicators file {source.name} has {len(errors)} problems; "
            "nothing was stored.",
            rows=errors,
        )
    with transaction.atomic():
        for order, item in enumerate(items, start=1):
            Indicator.objects.update_or_create(
                code=item["code"],
                defaults={
                    "group": item.get("group", ""),
                    "name_vi": item["name_vi"],
                    "name_en": item["name_en"],
                    "description": item.get("description", ""),
                    "numerator": item["numerator"],
                    "denominator": item.get("denominator", "") or "",
                    "factor": float(item.get("factor", 1)),
                    "decimals": int(item.get("decimals", 0)),
                    "measure_vi": item.get("measure_vi", ""),
                    "measure_en": item.get("measure_en", ""),
                    "min_level": int(item.get("min_level", 1)),
                    "order": order * 10,
                    "source": item.get("source", ""),
                    "is_active": True,
                },
            )
    return len(items)
