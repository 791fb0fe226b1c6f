"""The criteria of a set and their indicators; in a province layer, each
merged with the criterion of the same code in the set it extends."""

from vandong.catalog.criteria.reader.fields import _Here, _Rules
from vandong.catalog.criteria.reader.indicators import _Indicators
from vandong.catalog.criteria.reader.problems import _choices
from vandong.catalog.criteria.reader.schema import (
    CRITERION_OPTIONAL,
    CRITERION_REQUIRED,
)
from vandong.catalog.criteria.spec import CriteriaSetSpec, CriterionSpec, IndicatorSpec


class _Criteria(_Indicators):
    """The criteria of a set."""

    def criteria(
        self, top: _Here, rules: _Rules, is_layer: bool, base: CriteriaSetSpec | None
    ) -> tuple[CriterionSpec, ...]:
        read: dict[str, CriterionSpec] = {}
        seen: set[str] = set()
        for index, here in enumerate(self.items(top, "criteria", required=True)):
            code = self.code(here)
            vi, en = (code, code) if code else (f"thứ {index + 1}", str(index + 1))
            here = here.named(f"tiêu chí {vi}", f"criterion {en}")
            required = ("code",) if is_layer else CRITERION_REQUIRED
            self.keys(here, required, (*CRITERION_REQUIRED, *CRITERION_OPTIONAL))
            if code in seen:
                self.bad(
                    here,
                    "code",
                    f"mã tiêu chí “{code}” viết hai lần",
                    f"criterion code '{code}' is written twice",
                )
                continue
            national = None
            if is_layer and base is not None and code:
                national = next((c for c in base.criteria if c.code == code), None)
                if national is None:
                    self.bad(
                        here,
                        "code",
                        f"tiêu chí “{code}” không có trong bộ “{base.code}” (có: "
                        f"{_choices(c.code for c in base.criteria)})",
                        f"criterion '{code}' is not in set '{base.code}' (known: "
                        f"{_choices(c.code for c in base.criteria)})",
                    )
            seen.add(code)
            criterion = self.criterion(here, code, rules, is_layer, national)
            if criterion is not None:
                read[code] = criterion
        if base is None:
            return tuple(read.values())
        return tuple(read.get(c.code, c) for c in base.criteria)

    def criterion(
        self,
        here: _Here,
        code: str,
        rules: _Rules,
        is_layer: bool,
        national: CriterionSpec | None,
    ) -> CriterionSpec | None:
        indicators: dict[str, IndicatorSpec] = {}
        for index, item in enumerate(
            self.items(here, "indicators", required=not is_layer)
        ):
            indicator_code = self.code(item)
            vi, en = (
                (indicator_code, indicator_code)
                if indicator_code
                else (
                    f"thứ {index + 1} của {here.label_vi}",
                    f"{index + 1} of {here.label_en}",
                )
            )
            item = item.named(f"chỉ tiêu {vi}", f"indicator {en}")
            if indicator_code in self.indicator_codes:
                self.bad(
                    item,
                    "code",
                    f"mã chỉ tiêu “{indicator_code}” viết hai lần (đã có trong tiêu chí "
                    f"{self.indicator_codes[indicator_code]})",
                    f"indicator code '{indicator_code}' is written twice (already in "
                    f"criterion {self.indicator_codes[indicator_code]})",
                )
                continue
            if indicator_code:
                self.indicator_codes[indicator_code] = code or here.path
            before = None
            if national is not None and indicator_code:
                before = next(
                    (i for i in national.indicators if i.code == indicator_code), None
                )
                if before is None:
                    self.bad(
                        item,
                        "code",
                        f"chỉ tiêu “{indicator_code}” không có trong tiêu chí {code} của bộ "
                        f"được mở rộng (có: {_choices(i.code for i in national.indicators)})",
                        f"indicator '{indicator_code}' is not in criterion {code} of the "
                        f"extended set (known: {_choices(i.code for i in national.indicators)})",
                    )
            indicator = self.indicator(item, indicator_code, rules, is_layer, before)
            if indicator is not None:
                indicators[indicator_code] = indicator
        name_vi = self.text(here, "name_vi", required=True)
        name_en = self.text(here, "name_en", required=True)
        group_vi = self.text(here, "group_vi")
        merged = tuple(indicators.values())
        if national is not None:
            merged = tuple(indicators.get(i.code, i) for i in national.indicators)
            name_vi = name_vi if "name_vi" in here.m else national.name_vi
            name_en = name_en if "name_en" in here.m else national.name_en
            group_vi = group_vi if "group_vi" in here.m else national.group_vi
        at_least = self.at_least(here, len(merged))
        if national is not None and "at_least" not in here.m:
            at_least = national.at_least
        if not code:
            return None
        return CriterionSpec(
            code=code,
            name_vi=name_vi,
            name_en=name_en,
            indicators=merged,
            group_vi=group_vi,
            at_least=at_least,
        )
