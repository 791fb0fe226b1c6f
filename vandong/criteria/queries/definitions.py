"""A set's criteria, indicators and thresholds as stored, for the pages."""

from dataclasses import dataclass
from typing import Any

from django.db.models import F

from vandong.catalog.criteria.models import CriteriaSet, Criterion, Indicator, Threshold


@dataclass(frozen=True)
class ThresholdDef:
    key: str  # "" general, else a region code or commune group
    year: int | None
    value: float
    verified: bool
    document: str
    appendix: str
    row: str
    url: str
    note: str

    @property
    def source_label(self) -> str:
        return _source_label(self.document, self.appendix, self.row)


@dataclass(frozen=True)
class ConditionDef:
    value: dict[str, Any]  # {"element"} | {"numerator", "denominator"} | {...}
    comparator: str
    thresholds: tuple[ThresholdDef, ...]


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name_vi: str
    name_en: str
    measure: str
    at_least: int | None
    conditions: tuple[ConditionDef, ...]
    source: dict[str, Any]
    rule_verified: bool
    undefined_vi: str
    undefined_en: str

    @property
    def verified(self) -> bool:
        """The rule and every threshold it may use are confirmed."""
        return self.rule_verified and all(
            t.verified for c in self.conditions for t in c.thresholds
        )

    @property
    def source_label(self) -> str:
        s = self.source
        return _source_label(
            s.get("document", ""), s.get("appendix", ""), s.get("row", "")
        )

    @property
    def elements(self) -> tuple[str, ...]:
        codes: dict[str, None] = {}
        for c in self.conditions:
            codes.update(
                dict.fromkeys(v for k, v in c.value.items() if k != "child_level")
            )
        return tuple(codes)


@dataclass(frozen=True)
class CriterionDef:
    code: str
    name_vi: str
    name_en: str
    group_vi: str
    at_least: int | None
    indicators: tuple[IndicatorDef, ...]


@dataclass(frozen=True)
class SetDefinition:
    stored: CriteriaSet
    criteria: tuple[CriterionDef, ...]

    @property
    def indicators(self) -> tuple[IndicatorDef, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    @property
    def thresholds(self) -> tuple[ThresholdDef, ...]:
        return tuple(
            t for i in self.indicators for c in i.conditions for t in c.thresholds
        )

    @property
    def unverified_thresholds(self) -> int:
        return sum(1 for t in self.thresholds if not t.verified)

    @property
    def unverified_indicators(self) -> int:
        return sum(1 for i in self.indicators if not i.rule_verified)

    @property
    def elements(self) -> tuple[str, ...]:
        codes: dict[str, None] = {}
        for i in self.indicators:
            codes.update(dict.fromkeys(i.elements))
        return tuple(codes)

    def criterion(self, code: str) -> CriterionDef | None:
        return next((c for c in self.criteria if c.code == code), None)


def _source_label(document: str, appendix: str, row: str) -> str:
    parts = [document, appendix, f"mục {row}" if row else ""]
    return ", ".join(p for p in parts if p)


def criteria_set_definition(stored: CriteriaSet) -> SetDefinition:
    """The set's criteria, indicators and thresholds as stored (three queries)."""
    thresholds: dict[tuple[int, int], list[ThresholdDef]] = {}
    for t in Threshold.objects.filter(
        indicator__criterion__criteria_set=stored
    ).order_by("indicator_id", "condition", "key", F("year").asc(nulls_first=True)):
        thresholds.setdefault((t.indicator_id, t.condition), []).append(
            ThresholdDef(
                key=t.key,
                year=t.year,
                value=t.value,
                verified=t.verified,
                document=t.document,
                appendix=t.appendix,
                row=t.row,
                url=t.url,
                note=t.note,
            )
        )
    indicators: dict[int, list[IndicatorDef]] = {}
    for i in Indicator.objects.filter(criterion__criteria_set=stored).order_by(
        "criterion_id", "order"
    ):
        indicators.setdefault(i.criterion_id, []).append(
            IndicatorDef(
                code=i.code,
                name_vi=i.name_vi,
                name_en=i.name_en,
                measure=i.measure,
                at_least=i.at_least,
                conditions=tuple(
                    ConditionDef(
                        value=dict(c.get("value", {})),
                        comparator=c.get("comparator", ""),
                        thresholds=tuple(thresholds.get((i.pk, n), [])),
                    )
                    for n, c in enumerate(i.conditions)
                ),
                source=dict(i.source),
                rule_verified=i.verified,
                undefined_vi=i.undefined_vi,
                undefined_en=i.undefined_en,
            )
        )
    criteria = tuple(
        CriterionDef(
            code=c.code,
            name_vi=c.name_vi,
            name_en=c.name_en,
            group_vi=c.group_vi,
            at_least=c.at_least,
            indicators=tuple(indicators.get(c.pk, [])),
        )
        for c in Criterion.objects.filter(criteria_set=stored).order_by("order")
    )
    return SetDefinition(stored=stored, criteria=criteria)
