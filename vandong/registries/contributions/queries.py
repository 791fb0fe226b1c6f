"""Reads of contributions, scoped by construction: a viewer sees the records
of the units in its VIEW scope; the contributor's name only where it may
record contributions (officers in scope)."""

import datetime
from dataclasses import dataclass

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, can, scope_q
from vandong.geo.models import Unit
from vandong.registries.models import Contribution, ContributionQuerySet


@dataclass(frozen=True)
class ContributionFilter:
    unit: Unit | None = None  # the unit's whole subtree
    year: int | None = None
    start: datetime.date | None = None
    end: datetime.date | None = None
    kind: str = ""
    purpose: str = ""


def contribution_list(
    *, actor: Actor, filters: ContributionFilter | None = None
) -> ContributionQuerySet:
    """The records the actor may see, filtered, newest first, units joined.
    `actor` None is the system (everything)."""
    records = Contribution.objects.select_related("unit", "unit__parent")
    if actor is not None:
        records = records.filter(
            scope_q(actor=actor, action=Action.VIEW, prefix="unit__")
        )
    f = filters or ContributionFilter()
    if f.unit is not None:
        records = records.within(f.unit)
    if f.year is not None:
        records = records.for_year(f.year)
    records = records.between(f.start, f.end)
    if f.kind:
        records = records.filter(kind=f.kind)
    if f.purpose:
        records = records.filter(purpose=f.purpose)
    return records


def contribution_get(*, actor: Actor, contribution_id: int) -> Contribution | None:
    return contribution_list(actor=actor).filter(pk=contribution_id).first()


def name_visible(*, actor: Actor, record: Contribution) -> bool:
    """Whether the actor may read the contributor's name (officers who may
    record contributions on the record's unit; never the public)."""
    return actor is not None and can(
        actor=actor, action=Action.RECORD_REGISTRY, unit=record.unit
    )


def may_record_somewhere(*, actor: Actor) -> bool:
    from vandong.accounts.queries import can_anywhere

    return can_anywhere(actor=actor, action=Action.RECORD_REGISTRY)
