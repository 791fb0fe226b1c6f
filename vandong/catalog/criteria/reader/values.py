"""The value a condition measures and the thresholds it is compared with."""

import math

from vandong.catalog.criteria.reader.fields import _Fields, _Here, _Rules
from vandong.catalog.criteria.reader.loader import _Map
from vandong.catalog.criteria.reader.problems import _choices
from vandong.catalog.criteria.reader.schema import (
    FIRST_YEAR,
    LAST_YEAR,
    THRESHOLD_KEY_EN,
    THRESHOLD_KEY_VALUES,
    THRESHOLD_KEY_VI,
    THRESHOLD_OPTIONAL,
    THRESHOLD_REQUIRED,
    VALUE_SHAPES,
)
from vandong.catalog.criteria.spec import Source, Threshold, ValueSpec


class _Values(_Fields):
    """A condition's value and thresholds."""

    def value(
        self, here: _Here, rules: _Rules, *, flag: bool | None
    ) -> tuple[ValueSpec | None, bool]:
        """The value a condition measures, and whether it is a percent."""
        raw = here.m.get("value")
        if not isinstance(raw, _Map):
            if "value" in here.m:
                self.bad(
                    here,
                    "value",
                    "“value” phải là một bảng: {element: …}, {numerator: …, denominator: …} "
                    "hoặc {child_element: …, child_level: …}",
                    "'value' must be a mapping: {element: …}, {numerator: …, "
                    "denominator: …} or {child_element: …, child_level: …}",
                )
            return None, False
        inner = _Here(raw, here.field("value"), here.label_vi, here.label_en)
        shape = next((s for s in VALUE_SHAPES if s[0] in raw), None)
        if shape is None:
            self.keys(inner, (), tuple(k for s in VALUE_SHAPES for k in s))
            self.bad(
                inner,
                None,
                "“value” cần đúng một dạng: {element}, {numerator, denominator} hoặc "
                "{child_element, child_level}",
                "'value' needs exactly one shape: {element}, {numerator, "
                "denominator} or {child_element, child_level}",
            )
            return None, False
        self.keys(inner, shape, ())
        if shape[0] == "element":
            code, known = self.element(inner, "element", rules.level, boolean=flag)
            percent = known is not None and known.value_type == "percent"
            return (ValueSpec(element=code) if code else None), percent
        if flag:
            self.bad(
                inner,
                None,
                "is_true/is_false chỉ dùng với {element: …} kiểu có/không; tỷ lệ là một số",
                "is_true/is_false only take a yes/no {element: …}; a share is a number",
            )
        if shape[0] == "numerator":
            numerator, _ = self.element(inner, "numerator", rules.level, boolean=False)
            denominator, _ = self.element(
                inner, "denominator", rules.level, boolean=False
            )
            if not numerator or not denominator:
                return None, True
            return ValueSpec(numerator=numerator, denominator=denominator), True
        child_level = self.level(inner, "child_level")
        if (
            child_level is not None
            and rules.level is not None
            and child_level <= rules.level
        ):
            self.bad(
                inner,
                "child_level",
                f"“child_level” phải là cấp dưới cấp của bộ tiêu chí ({rules.level})",
                f"'child_level' must be below the set's level ({rules.level})",
            )
        child, _ = self.element(inner, "child_element", child_level, boolean=True)
        if not child or child_level is None:
            return None, True
        return ValueSpec(child_element=child, child_level=child_level), True

    def thresholds(
        self, here: _Here, rules: _Rules, percent: bool, default_source: Source | None
    ) -> tuple[Threshold, ...]:
        found: list[Threshold] = []
        seen: dict[tuple[str, int | None], int] = {}
        for index, item in enumerate(self.items(here, "thresholds", required=False)):
            self.keys(item, THRESHOLD_REQUIRED, THRESHOLD_OPTIONAL)
            nth_vi, nth_en = f"ngưỡng thứ {index + 1}", f"threshold {index + 1}"
            value = item.m.get("value")
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                if "value" in item.m:
                    self.bad(
                        item,
                        "value",
                        f"{nth_vi} phải là một số (viết 16.5), không phải “{value}”",
                        f"{nth_en} must be a number (written 16.5), not '{value}'",
                    )
                value = None
            elif percent and not 0 <= value <= 100:
                self.bad(
                    item,
                    "value",
                    f"{nth_vi} là tỷ lệ phần trăm, phải từ 0 đến 100, không phải {value}",
                    f"{nth_en} is a percent and must be within 0..100, not {value}",
                )
            key = self.threshold_key_of(item, rules, nth_vi, nth_en)
            year = self.whole(item, "year", FIRST_YEAR)
            if year is not None and year > LAST_YEAR:
                self.bad(
                    item,
                    "year",
                    f"{nth_vi} có năm {year} ngoài {FIRST_YEAR}-{LAST_YEAR}",
                    f"{nth_en} has year {year} outside {FIRST_YEAR}-{LAST_YEAR}",
                )
            source = (
                self.source(item, "source") if "source" in item.m else default_source
            )
            if key is None:
                continue
            if (key, year) in seen:
                self.bad(
                    item,
                    None,
                    f"{nth_vi} trùng ngưỡng thứ {seen[key, year] + 1} (cùng khóa "
                    f"“{key}”, năm {year or '—'})",
                    f"{nth_en} repeats threshold {seen[key, year] + 1} (same key "
                    f"'{key}', year {year or '—'})",
                )
                continue
            seen[key, year] = index
            if value is not None and source is not None:
                found.append(
                    Threshold(value=float(value), source=source, key=key, year=year)
                )
        return tuple(found)

    def threshold_key_of(
        self, item: _Here, rules: _Rules, nth_vi: str, nth_en: str
    ) -> str | None:
        key = item.m.get("key", "")
        if isinstance(key, int) and not isinstance(key, bool):
            key = str(key)  # commune group 1 written without quotes
        if key in ("", None):
            return ""
        if rules.threshold_key == "none":
            self.bad(
                item,
                "key",
                f"{nth_vi} có khóa “{key}” nhưng bộ tiêu chí có threshold_key: none "
                "(ngưỡng không theo vùng hay nhóm xã); bỏ “key”",
                f"{nth_en} has key '{key}' but the set has threshold_key: none "
                "(thresholds do not vary); remove 'key'",
            )
            return None
        if rules.threshold_key is None:
            return str(key)
        valid = THRESHOLD_KEY_VALUES[rules.threshold_key]
        if key not in valid:
            what_vi = THRESHOLD_KEY_VI[rules.threshold_key]
            what_en = THRESHOLD_KEY_EN[rules.threshold_key]
            self.bad(
                item,
                "key",
                f"{nth_vi} có {what_vi} “{key}” không có ({what_vi} hợp lệ: {_choices(valid)})",
                f"{nth_en} has unknown {what_en} '{key}' (valid: {_choices(valid)})",
            )
            return None
        return str(key)
