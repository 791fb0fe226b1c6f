"""The units whose attainment would close a target's gap.

Only for targets whose indicator counts units attaining a standard: its
numerator is one term `met(<kind>)` or `recognized(<kind>)`, or a data
element that records a criteria set's recognition (`NTM_ATTAINED` for the
new-rural commune sets). The units below the scope that have not attained it
are ranked as the criteria pages rank the units nearest to the standard
(fewest criteria still to meet, then the smallest gap score), from their
stored evaluations of that kind's sets, and cut to the number needed to
close the gap plus a few spare.
"""

import datetime
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, scope_q
from vandong.analytics import expressions
from vandong.analytics.targets.projection import meets, rising
from vandong.catalog.criteria.models import CriteriaSet, Criterion
from vandong.catalog.criteria.spec import MET, NO_DATA, NOT_MET
from vandong.collect.models import DataValue
from vandong.criteria.models import Evaluation, Recognition
from vandong.criteria.queries import missing as criteria_missing
from vandong.geo.models import Level, Unit

# Units listed beyond the number needed: some of the nearest will not make it.
SPARE = 3

_KIND_TERM = re.compile(r"^\s*(met|recognized)\(\s*([a-z][a-z0-9_]*)\s*\)\s*$")
_ELEMENT_TERM = re.compile(r"^\s*([A-Z][A-Z0-9_]*)\s*$")


@dataclass(frozen=True)
class Attainment:
    """What the indicator's numerator counts: units whose evaluation is met
    (`met`), units holding a recognition (`recognized`), or units whose
    recognition element is true (`element`), for criteria sets of `kind`."""

    source: str
    kind: str
    element: str = ""


def attainment(numerator: str) -> Attainment | None:
    """The attainment an indicator's numerator counts, if it is one term."""
    found = _KIND_TERM.match(numerator)
    if found:
        return Attainment(source=found.group(1), kind=found.group(2))
    found = _ELEMENT_TERM.match(numerator)
    if found:
        kind = (
            CriteriaSet.objects.filter(
                recognition_element=found.group(1), is_active=True
            )
            .order_by("kind")
            .values_list("kind", flat=True)
            .first()
        )
        if kind:
            return Attainment(source="element", kind=kind, element=found.group(1))
    return None


def counted_types(denominator: str) -> list[str] | None:
    """The unit types a denominator of unit counts (`units(xa)`) counts;
    None when it counts anything else too."""
    if not denominator.strip():
        return None
    try:
        parsed = expressions.parse(denominator)
    except expressions.ExpressionError:
        return None
    types = []
    for code in parsed.codes:
        kind, _, key = code.partition(":")
        if kind != "units" or not key:
            return None
        types.append(key)
    return types


def units_needed(
    *,
    numerator: float,
    denominator: float | None,
    factor: float,
    comparator: str,
    target: float,
) -> int:
    """How many more units must attain for the value (factor × numerator /
    denominator, or factor × numerator) to meet the target; 0 when it already
    does. Only for targets that ask the value to rise."""
    if not rising(comparator) or factor <= 0:
        return 0

    def value(k: int) -> float:
        top = factor * (numerator + k)
        return top / denominator if denominator else top

    if meets(value(0), comparator, target):
        return 0
    scale = factor / denominator if denominator else factor
    # A first guess from the arithmetic, then corrected against float rounding.
    k = max(1, math.ceil((target / scale) - numerator - 1e-9))
    while k > 1 and meets(value(k - 1), comparator, target):
        k -= 1
    while not meets(value(k), comparator, target):
        k += 1
    return k


@dataclass(frozen=True)
class MissingCriterion:
    code: str
    name_vi: str
    name_en: str
    status: str  # not_met, or no_data (counted as missing, as the ranking does)


@dataclass(frozen=True)
class ClosingUnit:
    unit: Unit
    criteria_set: str
    year: int
    status: str
    criteria_met: int
    criteria_total: int
    # How many more criteria the unit must meet (0: met, not yet recognised).
    criteria_missing: int
    gap_score: float
    missing: list[MissingCriterion]


def _valid_on(day: datetime.date) -> tuple[Q, Q]:
    """The unit began by `day` and had not ended before it."""
    started = Q(unit__valid_from__isnull=True) | Q(unit__valid_from__lte=day)
    ended = Q(unit__valid_to__isnull=True) | Q(unit__valid_to__gte=day)
    return started, ended


def _evaluations(kind: str, year: int, scope: Unit | None) -> QuerySet[Evaluation]:
    # The units of the year's end: the legacy ones up to 2024, the current ones
    # from 2025, as both trees of the store have them.
    started, ended = _valid_on(datetime.date(year, 12, 31))
    found = Evaluation.objects.filter(
        started,
        ended,
        criteria_set__kind=kind,
        criteria_set__is_active=True,
        year=year,
    )
    if scope is not None:
        found = found.filter(unit__path__startswith=scope.path)
    return found.select_related("unit", "criteria_set")


def latest_year(
    kind: str, scope: Unit | None, *, until: int | None = None
) -> int | None:
    """The latest year with evaluations of the kind's sets under the scope."""
    found = Evaluation.objects.filter(
        criteria_set__kind=kind, criteria_set__is_active=True
    )
    if scope is not None:
        found = found.filter(unit__path__startswith=scope.path)
    if until is not None:
        found = found.filter(year__lte=until)
    year = found.order_by("-year").values_list("year", flat=True).first()
    return int(year) if year is not None else None


def _attained_ids(what: Attainment, year: int, ids: Iterable[int]) -> set[int]:
    """Units already counted by a recognition or a true recognition element."""
    wanted = list(ids)
    if what.source == "recognized":
        held = Recognition.objects.filter(
            Q(revoked_on__isnull=True) | Q(revoked_on__year__gt=year),
            kind=what.kind,
            year__lte=year,
            unit_id__in=wanted,
        )
        return set(held.values_list("unit_id", flat=True))
    if what.source == "element":
        true = DataValue.objects.filter(
            data_element__code=what.element,
            period__code=str(year),
            unit_id__in=wanted,
            value__gt=0,
        )
        return set(true.values_list("unit_id", flat=True))
    return set()


def _province_codes() -> dict[int, str]:
    return dict(Unit.objects.filter(level=Level.PROVINCE).values_list("pk", "code"))


def _one_per_unit(evaluations: list[Evaluation]) -> list[Evaluation]:
    """A unit judged by a province layer and by its national set keeps the
    province layer's result (the province's own, stricter standard)."""
    provinces = _province_codes()
    chosen: dict[int, Evaluation] = {}
    for e in evaluations:
        ids = e.unit.ancestor_ids()
        province = provinces.get(ids[0], "") if ids else ""
        own = e.criteria_set.province == province and bool(province)
        held = chosen.get(e.unit_id)
        if held is None or (own and held.criteria_set.province != province):
            chosen[e.unit_id] = e
    return list(chosen.values())


def _criteria_names(
    sets: Iterable[CriteriaSet],
) -> dict[tuple[int, str], tuple[int, str, str]]:
    return {
        (c.criteria_set_id, c.code): (c.order, c.name_vi, c.name_en)
        for c in Criterion.objects.filter(criteria_set__in=list(sets))
    }


def closing_units(
    what: Attainment,
    *,
    scope: Unit | None,
    year: int,
    limit: int,
    unit_types: Sequence[str] | None = None,
    actor: Actor | None = None,
) -> list[ClosingUnit]:
    """Up to `limit` units below `scope` not yet attaining `what` in `year`,
    nearest to the standard first: of `unit_types` when given (those the
    indicator's denominator counts), and with an `actor`, only units it may
    see."""
    if limit <= 0:
        return []
    found = _evaluations(what.kind, year, scope)
    if unit_types is not None:
        found = found.filter(unit__type__in=list(unit_types))
    if actor is not None:
        found = found.filter(scope_q(actor=actor, action=Action.VIEW, prefix="unit__"))
    if what.source == "met":
        found = found.exclude(status=MET)
    evaluations = _one_per_unit(list(found))
    attained = _attained_ids(what, year, (e.unit_id for e in evaluations))
    if what.source == "met":
        candidates = evaluations
    else:
        candidates = [e for e in evaluations if e.unit_id not in attained]
    ranked = sorted(
        candidates,
        key=lambda e: (
            criteria_missing(e.criteria_set, e) if e.status != MET else 0,
            e.gap_score,
            e.unit.name_key,
            e.unit.code,
        ),
    )[:limit]
    names = _criteria_names({e.criteria_set for e in ranked})
    return [_closing_unit(e, names) for e in ranked]


def _closing_unit(
    e: Evaluation, names: dict[tuple[int, str], tuple[int, str, str]]
) -> ClosingUnit:
    missing = []
    for code, item in e.criteria.items():
        status = str(item.get("status", ""))
        if status not in (NOT_MET, NO_DATA):
            continue
        order, name_vi, name_en = names.get((e.criteria_set_id, code), (0, code, code))
        missing.append((order, MissingCriterion(code, name_vi, name_en, status)))
    missing.sort(key=lambda pair: pair[0])
    return ClosingUnit(
        unit=e.unit,
        criteria_set=e.criteria_set.code,
        year=e.year,
        status=e.status,
        criteria_met=e.criteria_met,
        criteria_total=e.criteria_total,
        criteria_missing=criteria_missing(e.criteria_set, e) if e.status != MET else 0,
        gap_score=e.gap_score,
        missing=[m for _order, m in missing],
    )
