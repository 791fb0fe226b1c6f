"""The scorecard of one unit: its results in a year, its trend over the
years, its recognitions and the forms to enter its data."""

from dataclasses import dataclass, field

from vandong.catalog.criteria.spec import MET
from vandong.catalog.models import Period, PeriodKind
from vandong.criteria.models import Evaluation, Recognition
from vandong.criteria.queries.definitions import SetDefinition
from vandong.criteria.queries.results import CriterionResult, evaluation_results
from vandong.criteria.queries.sets import set_years
from vandong.geo.models import Unit


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
