"""Checks across the items of all files: duplicate codes, element types and
aggregations, ratios, forms and rules naming known elements of their level."""

import re
from collections.abc import Iterable
from typing import Any

from vandong.catalog.expressions import Expression, ExpressionError, parse_expression
from vandong.catalog.models import TimeAggregation, TreeAggregation, ValueType
from vandong.catalog.reader.specs import (
    LEVEL_NAMES_VI,
    CatalogSpec,
    Problems,
    Where,
)

_DHIS2_UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")


def check_duplicates(spec: CatalogSpec, problems: Problems) -> None:
    groups: list[Iterable[Any]] = [
        spec.periods,
        spec.elements,
        spec.data_sets,
        spec.rules,
    ]
    for items in groups:
        first: dict[str, Where] = {}
        for item in items:
            seen = first.get(item.code)
            if seen is None:
                first[item.code] = item.where
                continue
            problems.add(
                item.where,
                "code",
                f"mã “{item.code}” trùng với {seen.file}, dòng {seen.line}",
                f"duplicate code '{item.code}': already at {seen.file}, line "
                f"{seen.line}",
            )
    uids: dict[str, str] = {}
    for element in spec.elements:
        uid = element.values["dhis2_uid"]
        if not uid:
            continue
        if not _DHIS2_UID.match(uid):
            problems.add(
                element.where,
                "dhis2_uid",
                f"mã DHIS2 “{uid}” phải có 11 chữ và số, bắt đầu bằng chữ",
                f"DHIS2 uid '{uid}' must be 11 letters and digits, starting "
                "with a letter",
            )
        elif uid in uids:
            problems.add(
                element.where,
                "dhis2_uid",
                f"mã DHIS2 “{uid}” trùng với chỉ tiêu {uids[uid]}",
                f"DHIS2 uid '{uid}' is also data element {uids[uid]}'s",
            )
        uids.setdefault(uid, element.code)


def check_elements(spec: CatalogSpec, problems: Problems) -> None:
    by_code = {e.code: e for e in spec.elements}
    numeric = set(ValueType.values) - {ValueType.TEXT, ValueType.BOOLEAN}
    for e in spec.elements:
        v, add = e.values, problems.add
        vt, tree, when = (
            v["value_type"],
            v["tree_aggregation"],
            v["time_aggregation"],
        )
        lo, hi = v["min_value"], v["max_value"]
        if lo is not None and hi is not None and lo > hi:
            add(
                e.where,
                "min_value",
                f"min_value {lo:g} lớn hơn max_value {hi:g}",
                f"min_value {lo:g} is above max_value {hi:g}",
            )
        if vt == ValueType.PERCENT and (
            (lo is not None and lo < 0) or (hi is not None and hi > 100)
        ):
            add(
                e.where,
                "max_value",
                "chỉ tiêu phần trăm chỉ nhận giá trị trong 0..100",
                "a percent element only takes values in 0..100",
            )
        if vt in {ValueType.BOOLEAN, ValueType.TEXT} and (
            lo is not None or hi is not None
        ):
            add(
                e.where,
                "min_value",
                f"chỉ tiêu kiểu {vt} không có min_value/max_value",
                f"a {vt} element has no min_value/max_value",
            )
        if vt == ValueType.BOOLEAN and tree not in {
            TreeAggregation.COUNT_TRUE,
            TreeAggregation.NONE,
        }:
            add(
                e.where,
                "tree_aggregation",
                "chỉ tiêu có/không chỉ cộng lên bằng count_true (đếm số đơn vị "
                "“có”) hoặc none",
                "a yes/no element rolls up only as count_true (units where yes) "
                "or none",
            )
        if tree == TreeAggregation.COUNT_TRUE and vt and vt != ValueType.BOOLEAN:
            add(
                e.where,
                "tree_aggregation",
                "count_true chỉ dùng cho chỉ tiêu có/không (boolean)",
                "count_true is only for yes/no (boolean) elements",
            )
        if vt == ValueType.TEXT and (
            tree != TreeAggregation.NONE or when != TimeAggregation.NONE
        ):
            add(
                e.where,
                "tree_aggregation",
                "chỉ tiêu văn bản không cộng dồn: dùng none cho cả hai cách tổng hợp",
                "a text element does not aggregate: use none for both",
            )
        if vt in {ValueType.BOOLEAN, ValueType.PERCENT} and (
            when == TimeAggregation.SUM
        ):
            add(
                e.where,
                "time_aggregation",
                f"chỉ tiêu kiểu {vt} không cộng qua các năm (dùng last hoặc none)",
                f"a {vt} element does not add up over years (use last or none)",
            )
        if vt == ValueType.PERCENT and tree == TreeAggregation.SUM:
            add(
                e.where,
                "tree_aggregation",
                "tỷ lệ phần trăm không cộng lên được; tính lại từ tử số và mẫu "
                "số (weighted_average)",
                "a percentage cannot be summed; recompute it from numerator and "
                "denominator (weighted_average)",
            )
        if tree == TreeAggregation.WEIGHTED_AVERAGE and e.denominator is None and vt:
            add(
                e.where,
                "denominator",
                "weighted_average cần mẫu số (denominator) làm trọng số",
                "weighted_average needs a denominator to weigh by",
            )
        if (e.numerator is None) != (e.denominator is None) and vt == (
            ValueType.PERCENT
        ):
            add(
                e.where,
                "numerator",
                "tỷ lệ tính được cần cả tử số (numerator) và mẫu số (denominator)",
                "a computed ratio needs both a numerator and a denominator",
            )
        if e.is_computed:
            if vt not in {ValueType.PERCENT, ValueType.DECIMAL}:
                add(
                    e.where,
                    "value_type",
                    "chỉ tiêu có tử số và mẫu số là một tỷ lệ: kiểu percent "
                    "hoặc decimal",
                    "an element with numerator and denominator is a ratio: type "
                    "percent or decimal",
                )
            if tree != TreeAggregation.WEIGHTED_AVERAGE:
                add(
                    e.where,
                    "tree_aggregation",
                    "tỷ lệ được tính lại từ tử số và mẫu số ở mọi cấp: dùng "
                    "weighted_average",
                    "a ratio is recomputed from numerator and denominator at every "
                    "level: use weighted_average",
                )
        for name, ref in (
            ("numerator", e.numerator),
            ("denominator", e.denominator),
        ):
            if ref is None:
                continue
            target = by_code.get(ref)
            if target is None:
                add(
                    e.where,
                    name,
                    f"{name} “{ref}” không phải mã một chỉ tiêu trong danh mục",
                    f"{name} '{ref}' is not a data element code of the catalog",
                )
                continue
            if ref == e.code:
                add(
                    e.where,
                    name,
                    f"chỉ tiêu không thể là {name} của chính nó",
                    f"an element cannot be its own {name}",
                )
            target_type = target.values["value_type"]
            if target_type and target_type not in numeric:
                add(
                    e.where,
                    name,
                    f"{name} “{ref}” phải là chỉ tiêu số",
                    f"{name} '{ref}' must be a numeric element",
                )
            if target.is_computed:
                add(
                    e.where,
                    name,
                    f"{name} “{ref}” là chỉ tiêu tính toán; dùng chỉ tiêu nhập liệu",
                    f"{name} '{ref}' is itself computed; use an entered element",
                )
            level, target_level = v["level"], target.values["level"]
            if level and target_level and target_level < level:
                add(
                    e.where,
                    name,
                    f"{name} “{ref}” thu ở cấp {LEVEL_NAMES_VI[target_level]}, "
                    f"trên cấp {LEVEL_NAMES_VI[level]} của chỉ tiêu",
                    f"{name} '{ref}' is collected at level {target_level}, above "
                    f"this element's level {level}",
                )


def check_data_sets(spec: CatalogSpec, problems: Problems) -> None:
    by_code = {e.code: e for e in spec.elements}
    for ds in spec.data_sets:
        seen: set[str] = set()
        for member in ds.members:
            element = by_code.get(member.code)
            if member.code in seen:
                problems.add(
                    ds.where,
                    "elements",
                    f"chỉ tiêu “{member.code}” có hai lần trong biểu",
                    f"element '{member.code}' is twice in the form",
                )
            seen.add(member.code)
            if element is None:
                problems.add(
                    ds.where,
                    "elements",
                    f"mã chỉ tiêu “{member.code}” không có trong danh mục",
                    f"unknown data element code '{member.code}'",
                )
                continue
            level, element_level = ds.values["level"], element.values["level"]
            if level and element_level and level != element_level:
                problems.add(
                    ds.where,
                    "elements",
                    f"chỉ tiêu “{member.code}” thu ở cấp "
                    f"{LEVEL_NAMES_VI[element_level]}, biểu ở cấp "
                    f"{LEVEL_NAMES_VI[level]}",
                    f"element '{member.code}' is collected at level "
                    f"{element_level}, the form at level {level}",
                )
            if element.is_computed:
                problems.add(
                    ds.where,
                    "elements",
                    f"chỉ tiêu “{member.code}” được tính từ "
                    f"{element.numerator}/{element.denominator}, không nhập "
                    "trong biểu",
                    f"element '{member.code}' is computed from "
                    f"{element.numerator}/{element.denominator}, not entered "
                    "in a form",
                )
            if element.values.get("registry"):
                problems.add(
                    ds.where,
                    "elements",
                    f"chỉ tiêu “{member.code}” được tổng hợp từ sổ theo dõi "
                    f"“{element.values['registry']}”, không nhập trong biểu",
                    f"element '{member.code}' is totalled from the "
                    f"'{element.values['registry']}' registry, not entered in a form",
                )


def check_rules(
    spec: CatalogSpec, problems: Problems
) -> dict[str, tuple[Expression, Expression]]:
    by_code = {e.code: e for e in spec.elements}
    parsed: dict[str, tuple[Expression, Expression]] = {}
    for rule in spec.rules:
        sides: list[Expression] = []
        for name in ("left", "right"):
            text = rule.values[name]
            if not text:
                continue
            try:
                sides.append(parse_expression(text))
            except ExpressionError as exc:
                problems.add(rule.where, name, exc.message_vi, exc.message_en)
                continue
            for code in sides[-1].codes:
                element = by_code.get(code)
                if element is None:
                    problems.add(
                        rule.where,
                        name,
                        f"mã chỉ tiêu “{code}” không có trong danh mục",
                        f"unknown data element code '{code}'",
                    )
                    continue
                level, element_level = (
                    rule.values["level"],
                    element.values["level"],
                )
                if level and element_level and level != element_level:
                    problems.add(
                        rule.where,
                        name,
                        f"chỉ tiêu “{code}” thu ở cấp "
                        f"{LEVEL_NAMES_VI[element_level]}, quy tắc ở cấp "
                        f"{LEVEL_NAMES_VI[level]}",
                        f"element '{code}' is collected at level {element_level}, "
                        f"the rule applies at level {level}",
                    )
                if element.values["value_type"] == ValueType.TEXT:
                    problems.add(
                        rule.where,
                        name,
                        f"chỉ tiêu văn bản “{code}” không so sánh được",
                        f"text element '{code}' cannot be compared",
                    )
        if len(sides) == 2:
            if not sides[0].codes and not sides[1].codes:
                problems.add(
                    rule.where,
                    "left",
                    "quy tắc không nhắc đến chỉ tiêu nào",
                    "the rule names no data element",
                )
            parsed[rule.code] = (sides[0], sides[1])
    return parsed
