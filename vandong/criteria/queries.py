"""Reads for the criteria pages and API: the sets as stored, and the stored
evaluations of the units in the actor's scope (scorecard, trend, matrix, the
units nearest to the standard, and where evaluation and recognition disagree).

Nothing is evaluated here: the pages show what `services.evaluate` stored. A
code names a unit only together with a day; here with a year: the unit the
code names at the year's end, else earlier that year (a legacy commune of
2025 whose code a new commune took over).
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, can, scope_q
from vandong.catalog.criteria.models import (
    CriteriaSet,
    Criterion,
    Indicator,
    Threshold,
)
from vandong.catalog.criteria.spec import (
    MET,
    NO_DATA,
    NO_THRESHOLD,
    NOT_MET,
)
from vandong.catalog.models import Period, PeriodKind
from vandong.collect.models import DataValue
from vandong.criteria.models import Evaluation, Recognition
from vandong.geo.models import Level, Unit

# --- the sets ------------------------------------------------------------------


@dataclass(frozen=True)
class SetSummary:
    """A set with its counts, for the list page and the API list."""

    stored: CriteriaSet
    criteria: int
    indicators: int
    thresholds: int
    unverified_thresholds: int
    unverified_indicators: int  # indicators whose rule is not confirmed


def criteria_set_list() -> list[SetSummary]:
    """The active sets, each with how many criteria, indicators and
    thresholds it has and how many of them are unverified."""
    indicators = "criteria__indicators"
    thresholds = f"{indicators}__thresholds"
    sets = (
        CriteriaSet.objects.filter(is_active=True)
        .annotate(
            n_criteria=Count("criteria", distinct=True),
            n_indicators=Count(indicators, distinct=True),
            n_thresholds=Count(thresholds, distinct=True),
            n_unverified_thresholds=Count(
                thresholds,
                filter=Q(**{f"{thresholds}__verified": False}),
                distinct=True,
            ),
            n_unverified_indicators=Count(
                indicators,
                filter=Q(**{f"{indicators}__verified": False}),
                distinct=True,
            ),
        )
        .order_by("kind", "valid_from", "code")
    )
    return [
        SetSummary(
            stored=s,
            criteria=s.n_criteria,
            indicators=s.n_indicators,
            thresholds=s.n_thresholds,
            unverified_thresholds=s.n_unverified_thresholds,
            unverified_indicators=s.n_unverified_indicators,
        )
        for s in sets
    ]


def criteria_set_get(code: str) -> CriteriaSet | None:
    """An active set by code."""
    return CriteriaSet.objects.filter(code=code, is_active=True).first()


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


def set_years(stored: CriteriaSet) -> list[int]:
    """The catalog's years the set applies in."""
    first = stored.valid_from.year
    last = stored.valid_to.year if stored.valid_to else None
    years = Period.objects.filter(kind=PeriodKind.YEAR, start__year__gte=first)
    if last is not None:
        years = years.filter(start__year__lte=last)
    return sorted({p.start.year for p in years.only("start")})


def applies_in(stored: CriteriaSet, year: int) -> bool:
    if year < stored.valid_from.year:
        return False
    return stored.valid_to is None or year <= stored.valid_to.year


def latest_year(stored: CriteriaSet) -> int | None:
    """The latest year evaluated, else the latest catalog year the set applies in."""
    found = Evaluation.objects.filter(criteria_set=stored).aggregate(y=Max("year"))["y"]
    if found is not None:
        return int(found)
    years = set_years(stored)
    return years[-1] if years else None


# --- units by code and year, in scope --------------------------------------------


def unit_in_year(*, code: str, year: int, level: int | None = None) -> list[Unit]:
    """The units `code` names during `year`, the one valid at its end first."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    units = Unit.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=end),
        Q(valid_to__isnull=True) | Q(valid_to__gte=start),
        code=code,
    )
    if level is not None:
        units = units.filter(level=level)
    return list(
        units.select_related("parent").order_by(F("valid_to").desc(nulls_first=True))
    )


def visible(*, actor: Actor, unit: Unit) -> bool:
    return can(actor=actor, action=Action.VIEW, unit=unit)


def scorecard_unit(
    *, actor: Actor, stored: CriteriaSet, code: str, year: int
) -> Unit | None:
    """The unit of the set's level that `code` names in `year`, if the actor
    may see it: the one evaluated that year when the code named two."""
    units = unit_in_year(code=code, year=year, level=stored.level)
    if not units:
        return None
    evaluated = set(
        Evaluation.objects.filter(
            criteria_set=stored, year=year, unit__in=units
        ).values_list("unit_id", flat=True)
    )
    chosen = next((u for u in units if u.pk in evaluated), units[0])
    return chosen if visible(actor=actor, unit=chosen) else None


def root_unit(*, actor: Actor, code: str, year: int) -> Unit | None:
    """A subtree's root by code in `year`, if the actor may see it."""
    for unit in unit_in_year(code=code, year=year):
        if visible(actor=actor, unit=unit):
            return unit
    return None


def evaluations_in_scope(
    *,
    actor: Actor,
    stored: CriteriaSet,
    year: int,
    root: Unit | None = None,
) -> QuerySet[Evaluation]:
    """Stored evaluations of the set in `year` of units the actor may see,
    within `root`'s subtree when given."""
    found = Evaluation.objects.filter(criteria_set=stored, year=year).filter(
        scope_q(actor=actor, action=Action.VIEW, prefix="unit__")
    )
    if root is not None:
        found = found.filter(unit__path__startswith=root.path)
    return found.select_related("unit", "unit__parent")


def district_choices(
    *, actor: Actor, stored: CriteriaSet, year: int, root: Unit | None
) -> list[Unit]:
    """Districts holding units evaluated in `year` that the actor may see
    (only the legacy tree has districts)."""
    if stored.level <= Level.DISTRICT:
        return []
    parents = evaluations_in_scope(actor=actor, stored=stored, year=year, root=root)
    ids = set(parents.values_list("unit__parent_id", flat=True).distinct())
    if stored.level == Level.VILLAGE:
        ids = set(Unit.objects.filter(pk__in=ids).values_list("parent_id", flat=True))
    return list(
        Unit.objects.filter(pk__in=ids, level=Level.DISTRICT).order_by(
            "name_key", "code"
        )
    )


# --- results of one evaluation -------------------------------------------------


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


# --- the scorecard -----------------------------------------------------------------


@dataclass(frozen=True)
class TrendRow:
    year: int
    evaluation: Evaluation | None
    statuses: tuple[str | None, ...]  # per criterion, in the set's order


@dataclass
class Scorecard:
    definition: SetDefinition
    unit: Unit
    year: int
    evaluation: Evaluation | None
    criteria: list[CriterionResult]
    trend: list[TrendRow]
    recognitions: list[tuple[Recognition, bool]]  # and whether it holds in `year`
    recognised: bool  # some recognition holds in `year`
    entry_links: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def unverified(self) -> bool:
        return bool(self.evaluation and self.evaluation.unverified)

    @property
    def disagrees(self) -> bool:
        """Recognised but failing a criterion, or meeting all but not recognised."""
        if self.evaluation is None:
            return False
        if self.recognised:
            return self.evaluation.criteria_not_met > 0
        return self.evaluation.status == MET


def unit_trend(definition: SetDefinition, unit: Unit) -> list[TrendRow]:
    """The unit's evaluations over the years the set applies in and the
    unit existed in."""
    found = {
        e.year: e
        for e in Evaluation.objects.filter(criteria_set=definition.stored, unit=unit)
    }
    first = unit.valid_from.year if unit.valid_from else None
    last = unit.valid_to.year if unit.valid_to else None
    years = sorted(
        y
        for y in set(set_years(definition.stored)) | set(found)
        if (first is None or y >= first) and (last is None or y <= last)
    )
    rows = []
    for year in years:
        evaluation = found.get(year)
        statuses: tuple[str | None, ...] = tuple(
            (evaluation.criteria.get(c.code) or {}).get("status")
            if evaluation
            else None
            for c in definition.criteria
        )
        rows.append(TrendRow(year=year, evaluation=evaluation, statuses=statuses))
    return rows


def recognitions_of(*, kind: str, unit: Unit) -> list[Recognition]:
    return list(Recognition.objects.filter(kind=kind, unit=unit).order_by("year"))


def entry_links(
    definition: SetDefinition, unit: Unit, year: int
) -> list[tuple[str, str, str]]:
    """(data set code, Vietnamese name, English name) of the active forms of
    the unit's level that hold the set's elements, if the year is a period."""
    from vandong.catalog.models import DataSet

    if not Period.objects.filter(code=str(year), kind=PeriodKind.YEAR).exists():
        return []
    data_sets = (
        DataSet.objects.filter(
            is_active=True,
            level=unit.level,
            period_kind=PeriodKind.YEAR,
            members__data_element__code__in=list(definition.elements),
        )
        .distinct()
        .order_by("code")
    )
    return [(ds.code, ds.name_vi, ds.name_en) for ds in data_sets]


def scorecard(definition: SetDefinition, unit: Unit, year: int) -> Scorecard:
    evaluation = Evaluation.objects.filter(
        criteria_set=definition.stored, unit=unit, year=year
    ).first()
    recognitions = recognitions_of(kind=definition.stored.kind, unit=unit)
    return Scorecard(
        definition=definition,
        unit=unit,
        year=year,
        evaluation=evaluation,
        criteria=evaluation_results(definition, evaluation) if evaluation else [],
        trend=unit_trend(definition, unit),
        recognitions=[(r, r.holds_in(year)) for r in recognitions],
        recognised=any(r.holds_in(year) for r in recognitions),
        entry_links=entry_links(definition, unit, year),
    )


# --- many units ---------------------------------------------------------------------

SORTS = ("met", "name")


def matrix(
    *,
    actor: Actor,
    stored: CriteriaSet,
    year: int,
    root: Unit | None = None,
    district: Unit | None = None,
    sort: str = "met",
) -> QuerySet[Evaluation]:
    """Evaluations of the units in scope (and subtree, and district), most
    criteria met first (`sort="met"`) or by name."""
    found = evaluations_in_scope(actor=actor, stored=stored, year=year, root=root)
    if district is not None:
        found = found.filter(unit__path__startswith=district.path)
    if sort == "name":
        return found.order_by("unit__name_key", "unit__code")
    return found.order_by("-criteria_met", "gap_score", "unit__name_key", "unit__code")


def nearest(
    *, actor: Actor, stored: CriteriaSet, year: int, root: Unit | None = None
) -> QuerySet[Evaluation]:
    """Units not meeting the standard, fewest criteria missing first, then
    the smallest gap score (the criteria total is the same for every unit)."""
    found = evaluations_in_scope(actor=actor, stored=stored, year=year, root=root)
    return found.exclude(status=MET).order_by(
        "-criteria_met", "gap_score", "unit__name_key", "unit__code"
    )


def missing(stored: CriteriaSet, evaluation: Evaluation) -> int:
    """How many more criteria the unit must meet."""
    needed = stored.at_least or evaluation.criteria_total
    return max(0, needed - evaluation.criteria_met)


@dataclass(frozen=True)
class Disagreement:
    evaluation: Evaluation
    recognitions: tuple[Recognition, ...]
    recorded: bool  # the set's recognition element says yes that year
    failing: tuple[CriterionResult, ...]


def recognitions_holding(
    *, actor: Actor, kind: str, year: int, root: Unit | None = None
) -> QuerySet[Recognition]:
    """Recognitions of `kind` in force during `year`, of units in scope."""
    found = Recognition.objects.filter(kind=kind, year__lte=year).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__year__gt=year),
        scope_q(actor=actor, action=Action.VIEW, prefix="unit__"),
    )
    if root is not None:
        found = found.filter(unit__path__startswith=root.path)
    return found


def _recorded_units(
    *, actor: Actor, stored: CriteriaSet, year: int, root: Unit | None
) -> set[int]:
    """Units in scope whose recognition element is yes in `year`."""
    if not stored.recognition_element:
        return set()
    found = DataValue.objects.filter(
        data_element__code=stored.recognition_element,
        period__code=str(year),
        value__gte=0.5,
    ).filter(scope_q(actor=actor, action=Action.VIEW, prefix="unit__"))
    if root is not None:
        found = found.filter(unit__path__startswith=root.path)
    return set(found.values_list("unit_id", flat=True))


def disagreements(
    *,
    actor: Actor,
    definition: SetDefinition,
    year: int,
    root: Unit | None = None,
) -> tuple[list[Disagreement], list[Disagreement]]:
    """(recognised but failing a criterion now, meeting every criterion but
    not recognised). Recognised: a decision in force that year, or the set's
    recognition element recorded as yes."""
    stored = definition.stored
    decisions: dict[int, list[Recognition]] = {}
    for r in recognitions_holding(actor=actor, kind=stored.kind, year=year, root=root):
        decisions.setdefault(r.unit_id, []).append(r)
    recorded = _recorded_units(actor=actor, stored=stored, year=year, root=root)
    recognised = set(decisions) | recorded
    evaluations = evaluations_in_scope(actor=actor, stored=stored, year=year, root=root)
    failing = evaluations.filter(unit_id__in=sorted(recognised), criteria_not_met__gt=0)
    unrecognised = evaluations.filter(status=MET).exclude(
        unit_id__in=sorted(recognised)
    )
    return (
        [
            Disagreement(
                evaluation=e,
                recognitions=tuple(decisions.get(e.unit_id, ())),
                recorded=e.unit_id in recorded,
                failing=tuple(
                    c for c in evaluation_results(definition, e) if c.status == NOT_MET
                ),
            )
            for e in failing.order_by("unit__name_key", "unit__code")
        ],
        [
            Disagreement(evaluation=e, recognitions=(), recorded=False, failing=())
            for e in unrecognised.order_by("unit__name_key", "unit__code")
        ],
    )
