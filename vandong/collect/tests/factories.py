"""Catalog rows for collect tests, made directly (the catalog's YAML is not needed)."""

import datetime
from dataclasses import dataclass
from typing import Any

from vandong.catalog.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    PeriodKind,
    ValidationRule,
    ValueType,
)
from vandong.geo.models import Level


def make_period(code: str) -> Period:
    """A year ("2024") or a phase ("2021-2025")."""
    if "-" in code:
        first, last = (int(y) for y in code.split("-"))
        kind = PeriodKind.PHASE
    else:
        first = last = int(code)
        kind = PeriodKind.YEAR
    period, _ = Period.objects.get_or_create(
        code=code,
        defaults={
            "kind": kind,
            "start": datetime.date(first, 1, 1),
            "end": datetime.date(last, 12, 31),
        },
    )
    return period


def make_element(
    code: str,
    *,
    value_type: str = ValueType.INTEGER,
    level: int = Level.COMMUNE,
    **fields: Any,
) -> DataElement:
    return DataElement.objects.create(
        code=code,
        name_vi=fields.pop("name_vi", f"Chỉ tiêu {code}"),
        name_en=fields.pop("name_en", f"Element {code}"),
        value_type=value_type,
        level=level,
        **fields,
    )


def make_data_set(
    code: str,
    elements: list[DataElement],
    *,
    level: int = Level.COMMUNE,
    required: tuple[str, ...] = (),
) -> DataSet:
    data_set = DataSet.objects.create(
        code=code, name_vi=f"Biểu {code}", name_en=f"Form {code}", level=level
    )
    for order, element in enumerate(elements):
        DataSetElement.objects.create(
            data_set=data_set,
            data_element=element,
            order=order,
            is_required=element.code in required,
        )
    return data_set


def make_rule(
    code: str,
    left: str,
    operator: str,
    right: str,
    *,
    level: int = Level.COMMUNE,
    severity: str = ValidationRule.Severity.ERROR,
    **fields: Any,
) -> ValidationRule:
    return ValidationRule.objects.create(
        code=code,
        name_vi=fields.pop("name_vi", f"Quy tắc {code}"),
        name_en=fields.pop("name_en", f"Rule {code}"),
        left=left,
        operator=operator,
        right=right,
        level=level,
        severity=severity,
        **fields,
    )


@dataclass
class Catalog:
    y2020: Period
    y2021: Period
    y2022: Period
    y2023: Period
    y2024: Period
    y2025: Period
    households: DataElement
    cultural: DataElement
    rate: DataElement
    forest: DataElement
    drug_free: DataElement
    note: DataElement
    cash: DataElement
    village_households: DataElement
    form: DataSet
    village_form: DataSet


def make_catalog() -> Catalog:
    """Years 2020-2025, commune elements of every value type, a village element,
    a commune form, a village form and the rule cultural households ≤ households."""
    years = {y: make_period(str(y)) for y in range(2020, 2026)}
    households = make_element("T_HH", name_vi="Số hộ", name_en="Households")
    cultural = make_element(
        "T_HH_CULT", name_vi="Số hộ văn hóa", name_en="Cultural households"
    )
    rate = make_element("T_RATE", value_type=ValueType.PERCENT)
    forest = make_element("T_FOREST_HA", value_type=ValueType.AREA_HA, max_value=5000)
    drug_free = make_element("T_DRUG_FREE", value_type=ValueType.BOOLEAN)
    note = make_element("T_NOTE", value_type=ValueType.TEXT)
    cash = make_element("T_CASH", value_type=ValueType.MONEY_VND)
    village_households = make_element("V_HH", level=Level.VILLAGE)
    form = make_data_set(
        "F_COMMUNE", [households, cultural, rate, forest, drug_free, note, cash]
    )
    village_form = make_data_set("F_VILLAGE", [village_households], level=Level.VILLAGE)
    make_rule("R_CULT_LE_HH", "T_HH_CULT", "<=", "T_HH", name_vi="Hộ văn hóa ≤ số hộ")
    return Catalog(
        y2020=years[2020],
        y2021=years[2021],
        y2022=years[2022],
        y2023=years[2023],
        y2024=years[2024],
        y2025=years[2025],
        households=households,
        cultural=cultural,
        rate=rate,
        forest=forest,
        drug_free=drug_free,
        note=note,
        cash=cash,
        village_households=village_households,
        form=form,
        village_form=village_form,
    )
