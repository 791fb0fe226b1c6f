"""Units by code and year, in the actor's scope, and the stored evaluations
of those units."""

import datetime

from django.db.models import F, Q, QuerySet

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, can, scope_q
from vandong.catalog.criteria.models import CriteriaSet
from vandong.criteria.models import Evaluation
from vandong.geo.models import Level, Unit


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
