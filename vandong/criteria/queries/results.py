"""The results of one stored evaluation, criterion by criterion and
indicator by indicator, in the set's order."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from vandong.catalog.criteria.spec import MET, NO_DATA, NO_THRESHOLD, NOT_MET
from vandong.criteria.models import Evaluation
from vandong.criteria.queries.definitions import (
    CriterionDef,
    IndicatorDef,
    SetDefinition,
)


@dataclass(frozen=True)
class ConditionResult:
    value: float | None
    threshold: float | None
    comparator: str
    verified: bool
    status: str
    gap: float | None

    @property
    def is_flag(self) -> bool:
        return self.comparator in {"is_true", "is_false"}


@dataclass(frozen=True)
class IndicatorResult:
    definition: IndicatorDef
    status: str
    conditions: tuple[ConditionResult, ...]

    @property
    def verified(self) -> bool:
        return all(c.verified for c in self.conditions)

    @property
    def first(self) -> ConditionResult | None:
        return self.conditions[0] if self.conditions else None


@dataclass(frozen=True)
class CriterionResult:
    definition: CriterionDef
    status: str
    met: int
    total: int
    indicators: tuple[IndicatorResult, ...]

    @property
    def verified(self) -> bool:
        return all(i.verified for i in self.indicators)

    @property
    def lacking(self) -> tuple[IndicatorResult, ...]:
        return tuple(i for i in self.indicators if i.status != MET)


def combine(statuses: Sequence[str], at_least: int | None) -> str:
    """Conditions into an indicator, as the engine combines them: "all"
    (at_least None) or at least N met. Kept apart from the engine because the
    stored evaluation has one row per condition, not per indicator."""
    if not statuses:
        return NO_DATA
    if len(statuses) == 1:
        return statuses[0]
    met = sum(1 for s in statuses if s == MET)
    unknown = sum(1 for s in statuses if s in {NO_DATA, NO_THRESHOLD})
    if at_least is None:
        if NOT_MET in statuses:
            return NOT_MET
        if met == len(statuses):
            return MET
        return NO_DATA if NO_DATA in statuses else NO_THRESHOLD
    if met >= at_least:
        return MET
    if met + unknown < at_least:
        return NOT_MET
    return NO_DATA


def _float(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def evaluation_results(
    definition: SetDefinition, evaluation: Evaluation
) -> list[CriterionResult]:
    """The evaluation's criteria and indicators in the set's order."""
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in evaluation.indicators:
        rows.setdefault((str(row["criterion"]), str(row["indicator"])), []).append(row)
    results = []
    for criterion in definition.criteria:
        stored = evaluation.criteria.get(criterion.code) or {}
        indicators = []
        for indicator in criterion.indicators:
            found = sorted(
                rows.get((criterion.code, indicator.code), []),
                key=lambda r: int(r.get("condition") or 0),
            )
            conditions = tuple(
                ConditionResult(
                    value=_float(r.get("value")),
                    threshold=_float(r.get("threshold")),
                    comparator=str(r.get("comparator") or ""),
                    verified=bool(r.get("verified")),
                    status=str(r.get("status") or NO_DATA),
                    gap=_float(r.get("gap")),
                )
                for r in found
            )
            indicators.append(
                IndicatorResult(
                    definition=indicator,
                    status=combine([c.status for c in conditions], indicator.at_least),
                    conditions=conditions,
                )
            )
        results.append(
            CriterionResult(
                definition=criterion,
                status=str(stored.get("status") or NO_DATA),
                met=int(stored.get("met") or 0),
                total=int(stored.get("total") or len(indicators)),
                indicators=tuple(indicators),
            )
        )
    return results
