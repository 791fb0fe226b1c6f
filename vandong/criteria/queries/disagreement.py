"""Where evaluation and recognition disagree: recognised units failing a
criterion, and units meeting every criterion but not recognised."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, scope_q
from vandong.catalog.criteria.models import CriteriaSet
from vandong.catalog.criteria.spec import MET, NOT_MET
from vandong.collect.models import DataValue
from vandong.criteria.models import Evaluation, Recognition
from vandong.criteria.queries.definitions import SetDefinition
from vandong.criteria.queries.results import CriterionResult, evaluation_results
from vandong.criteria.queries.units import evaluations_in_scope
from vandong.geo.models import Unit


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
