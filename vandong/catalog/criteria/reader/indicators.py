"""An indicator and its conditions (one inline, or a list of them)."""

from typing import cast

from vandong.catalog.criteria.reader.fields import _Here, _Rules
from vandong.catalog.criteria.reader.problems import CriteriaProblem, _choices
from vandong.catalog.criteria.reader.schema import (
    CONDITION_OPTIONAL,
    CONDITION_REQUIRED,
    INDICATOR_OPTIONAL,
    INDICATOR_REQUIRED,
    LAYER_INDICATOR_INHERITED,
)
from vandong.catalog.criteria.reader.values import _Values
from vandong.catalog.criteria.spec import (
    COMPARATORS,
    FLAG_COMPARATORS,
    Comparator,
    ConditionSpec,
    IndicatorSpec,
    Source,
)


class _Indicators(_Values):
    """An indicator and its conditions."""

    def indicator(
        self,
        here: _Here,
        code: str,
        rules: _Rules,
        is_layer: bool,
        before: IndicatorSpec | None,
    ) -> IndicatorSpec | None:
        required = [
            k
            for k in INDICATOR_REQUIRED
            if not (is_layer and k in LAYER_INDICATOR_INHERITED)
        ]
        self.keys(here, required, (*INDICATOR_REQUIRED, *INDICATOR_OPTIONAL))
        source = self.source(here, "source")
        name_vi = self.text(here, "name_vi", required=True)
        name_en = self.text(here, "name_en", required=True)
        measure = self.text(here, "measure")
        if before is not None:
            name_vi = name_vi if "name_vi" in here.m else before.name_vi
            name_en = name_en if "name_en" in here.m else before.name_en
            measure = measure if "measure" in here.m else before.measure
        undefined_vi = self.text(here, "undefined_vi")
        undefined_en = self.text(here, "undefined_en")
        if bool(undefined_vi) != bool(undefined_en):
            missing = "undefined_en" if undefined_vi else "undefined_vi"
            self.bad(
                here,
                "undefined_vi" if undefined_vi else "undefined_en",
                f"viết cả “{missing}”: điều văn bản bỏ ngỏ phải nói bằng hai thứ tiếng",
                f"write '{missing}' as well: what the text leaves undefined is said "
                "in both languages",
            )
        inline = [k for k in ("value", "comparator", "thresholds") if k in here.m]
        conditions: list[ConditionSpec | None] = []
        if "conditions" in here.m:
            if inline:
                self.bad(
                    here,
                    inline[0],
                    f"viết hoặc “conditions”, hoặc “value”/“comparator”/“thresholds”, "
                    f"không cả hai (có “{inline[0]}”)",
                    f"write either 'conditions' or 'value'/'comparator'/'thresholds', "
                    f"not both (found '{inline[0]}')",
                )
            for index, item in enumerate(self.items(here, "conditions", required=True)):
                item = item.named(
                    f"{here.label_vi}, điều kiện thứ {index + 1}",
                    f"{here.label_en}, condition {index + 1}",
                )
                self.keys(item, CONDITION_REQUIRED, CONDITION_OPTIONAL)
                conditions.append(
                    self.condition(item, rules, measure, source, undefined_vi)
                )
        else:
            for key in ("value", "comparator"):
                if key not in here.m:
                    self.problems.append(
                        CriteriaProblem(
                            self.file,
                            here.line(),
                            here.field(key),
                            here.vi + f"thiếu trường “{key}” (hoặc viết “conditions”)",
                            here.en
                            + f"field '{key}' is missing (or write 'conditions')",
                        )
                    )
            if "at_least" in here.m:
                self.bad(
                    here,
                    "at_least",
                    "“at_least” chỉ dùng cùng “conditions”",
                    "'at_least' is only used with 'conditions'",
                )
            if "value" in here.m and "comparator" in here.m:
                conditions.append(
                    self.condition(here, rules, measure, source, undefined_vi)
                )
        at_least = (
            self.at_least(here, len(conditions)) if "conditions" in here.m else None
        )
        if source is None or not code or not conditions or None in conditions:
            return None
        return IndicatorSpec(
            code=code,
            name_vi=name_vi,
            name_en=name_en,
            conditions=tuple(c for c in conditions if c is not None),
            source=source,
            measure=measure,
            at_least=at_least,
            undefined_vi=undefined_vi,
            undefined_en=undefined_en,
        )

    def condition(
        self,
        here: _Here,
        rules: _Rules,
        measure: str,
        source: Source | None,
        undefined_vi: str,
    ) -> ConditionSpec | None:
        comparator = here.m.get("comparator")
        if comparator not in COMPARATORS:
            self.bad(
                here,
                "comparator",
                f"phép so sánh “{comparator}” không có; dùng một trong: "
                f"{_choices(COMPARATORS)}",
                f"unknown comparator '{comparator}'; use one of: {_choices(COMPARATORS)}",
            )
            comparator = None
        flag = None if comparator is None else comparator in FLAG_COMPARATORS
        value, percent = self.value(here, rules, flag=flag)
        percent = percent or measure == "%"
        thresholds = self.thresholds(here, rules, percent, source)
        written = here.m.get("thresholds")
        count = len(written) if isinstance(written, list) else 0
        if flag and count:
            self.bad(
                here,
                "thresholds",
                f"phép so sánh “{comparator}” không có ngưỡng; bỏ “thresholds”",
                f"comparator '{comparator}' takes no threshold; remove 'thresholds'",
            )
        if flag is False and not count and not undefined_vi:
            self.bad(
                here,
                "thresholds" if "thresholds" in here.m else "comparator",
                f"phép so sánh “{comparator}” cần ít nhất một ngưỡng, hoặc ghi "
                "“undefined_vi” nói vì sao văn bản không cho ngưỡng",
                f"comparator '{comparator}' needs at least one threshold, or "
                "'undefined_vi' saying why the text gives none",
            )
        if value is None or comparator is None:
            return None
        return ConditionSpec(
            value=value, comparator=cast(Comparator, comparator), thresholds=thresholds
        )
