"""Reads of data values, approvals, import batches and the audit trail."""

from collections.abc import Iterable

from django.db.models import QuerySet

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, can, scope_q
from vandong.catalog.models import DataElement, DataSet, Period
from vandong.collect.models import Approval, DataValue, DataValueAudit, ImportBatch
from vandong.geo.models import Unit, UnitQuerySet


def entry_values(
    *, data_set: DataSet, unit: Unit, period: Period
) -> dict[str, DataValue]:
    """The stored values of a form by data element code (one query)."""
    values = DataValue.objects.filter(
        unit=unit,
        period=period,
        data_element__in=data_set.elements.all(),
    ).select_related("data_element")
    return {dv.data_element.code: dv for dv in values}


def approval_get(*, data_set: DataSet, unit: Unit, period: Period) -> Approval | None:
    """The approval row of (data set, unit, period); None means draft."""
    return Approval.objects.filter(data_set=data_set, unit=unit, period=period).first()


def data_value_list(
    *,
    actor: Actor,
    elements: Iterable[DataElement] | None = None,
    units: Iterable[Unit] | None = None,
    periods: Iterable[Period] | None = None,
) -> QuerySet[DataValue]:
    """Values the actor may view (None: the system, everything), filtered; each
    filter takes model instances or a queryset of them."""
    qs = DataValue.objects.all()
    if actor is not None:
        qs = qs.filter(scope_q(actor=actor, action=Action.VIEW, prefix="unit__"))
    if elements is not None:
        qs = qs.filter(data_element__in=elements)
    if units is not None:
        qs = qs.filter(unit__in=units)
    if periods is not None:
        qs = qs.filter(period__in=periods)
    return qs.order_by("period__start", "unit__code", "data_element__code", "pk")


def entry_units(*, actor: Actor, data_set: DataSet, period: Period) -> UnitQuerySet:
    """Units of the data set's level existing on the period's last day that the
    actor may enter data for (None: the system, all of them)."""
    qs = Unit.objects.filter(level=data_set.level).valid_on(period.end)
    if actor is not None:
        qs = qs.filter(scope_q(actor=actor, action=Action.ENTER_DATA))
    return qs.order_by("code", "pk")


def value_history(
    *, actor: Actor, data_element: DataElement, unit: Unit, period: Period
) -> list[DataValueAudit]:
    """Every change of one value, newest first, if the actor may view the unit."""
    if actor is not None and not can(actor=actor, action=Action.VIEW, unit=unit):
        return []
    return list(
        DataValueAudit.objects.filter(
            data_element=data_element, unit=unit, period=period
        ).select_related("actor")
    )


def import_batch_list(*, actor: Actor, limit: int = 50) -> list[ImportBatch]:
    """Recent import batches: the actor's own (all of them for the system and
    administrators), newest first."""
    qs = ImportBatch.objects.select_related("actor")
    if actor is not None and not can(
        actor=actor, action=Action.MANAGE_USERS, unit=None
    ):
        qs = qs.filter(actor_id=actor.pk)
    return list(qs[:limit])


def import_batch_get(*, actor: Actor, batch_id: int) -> ImportBatch | None:
    """One batch, if it is the actor's own (or the actor administers everything)."""
    qs = ImportBatch.objects.filter(pk=batch_id)
    if actor is not None and not can(
        actor=actor, action=Action.MANAGE_USERS, unit=None
    ):
        qs = qs.filter(actor_id=actor.pk)
    return qs.first()
