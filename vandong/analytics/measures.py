"""The measures analytics keeps: data elements, and counts derived from
units, evaluations and recognitions. Each has an integer id (a data
element's own id; derived ones from DERIVED_BASE up) and a rule saying how
it aggregates up the tree and over the years."""

from dataclasses import dataclass

import polars as pl

from vandong.analytics.engine import Rule, rules_frame
from vandong.catalog.models import (
    DataElement,
    TimeAggregation,
    TreeAggregation,
    ValueType,
)

# Derived measures are numbered from here, far above any data element id.
DERIVED_BASE = 1_000_000

_TREE: dict[str, str] = {
    TreeAggregation.SUM: "sum",
    TreeAggregation.COUNT_TRUE: "sum",
    TreeAggregation.MIN: "min",
    TreeAggregation.MAX: "max",
    TreeAggregation.WEIGHTED_AVERAGE: "weighted",
    TreeAggregation.NONE: "none",
}
_TIME: dict[str, str] = {
    TimeAggregation.SUM: "sum",
    TimeAggregation.LAST: "last",
    TimeAggregation.NONE: "none",
}


@dataclass(frozen=True)
class ElementInfo:
    id: int
    code: str
    level: int
    rule: Rule
    yes_no: bool = False


def elements() -> dict[str, ElementInfo]:
    """Every numeric data element, by code, with its rule."""
    found: dict[str, ElementInfo] = {}
    rows = DataElement.objects.exclude(value_type=ValueType.TEXT).values_list(
        "pk",
        "code",
        "value_type",
        "level",
        "tree_aggregation",
        "time_aggregation",
        "numerator_id",
        "denominator_id",
    )
    for pk, code, value_type, level, tree, time, numerator, denominator in rows:
        if numerator and denominator:
            # A share: recomputed from its parts at every level, never averaged.
            factor = 100.0 if value_type == ValueType.PERCENT else 1.0
            rule = Rule(
                pk, "ratio", _TIME[time], num=numerator, den=denominator, factor=factor
            )
        elif tree == TreeAggregation.WEIGHTED_AVERAGE and denominator:
            rule = Rule(pk, "weighted", _TIME[time], weight=denominator)
        elif tree == TreeAggregation.WEIGHTED_AVERAGE:
            rule = Rule(pk, "none", _TIME[time])
        else:
            rule = Rule(pk, _TREE[tree], _TIME[time])
        yes_no = value_type == ValueType.BOOLEAN or tree == TreeAggregation.COUNT_TRUE
        found[code] = ElementInfo(pk, code, level, rule, yes_no)
    return found


def derived_code(kind: str, key: str) -> str:
    return f"{kind}:{key}"


def derived_rule(measure: int) -> Rule:
    # Counts of units: they sum up the tree; over a phase, its last year.
    return Rule(measure, "sum", "last")


class Registry:
    """Measure codes and ids: elements from the catalog, derived ones as
    recorded in the store's manifest (new ones numbered on first sight)."""

    def __init__(self, derived: dict[str, int] | None = None) -> None:
        self.elements = elements()
        self.derived: dict[str, int] = dict(derived or {})

    def id_of(self, code: str, *, create: bool = False) -> int | None:
        if code in self.elements:
            return self.elements[code].id
        if code not in self.derived and create:
            self.derived[code] = DERIVED_BASE + len(self.derived)
        return self.derived.get(code)

    def code_of(self) -> dict[int, str]:
        codes = {e.id: code for code, e in self.elements.items()}
        codes.update({i: code for code, i in self.derived.items()})
        return codes

    def rules(self) -> pl.DataFrame:
        rules = [e.rule for e in self.elements.values()]
        rules += [derived_rule(i) for i in self.derived.values()]
        return rules_frame(rules)

    def yes_no(self) -> list[int]:
        """Elements that say whether a unit meets something (counted up the
        tree as the units where yes)."""
        return [e.id for e in self.elements.values() if e.yes_no]

    def high_level(self) -> list[int]:
        """Elements reported above the commune (district, province): the
        current tree takes them from the legacy province, not its communes."""
        return [e.id for e in self.elements.values() if e.level <= 2]
