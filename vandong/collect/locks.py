"""Row locks taken by the collect services, always in one order: units (by id),
then the approval row of a data set, then nothing else.

On PostgreSQL a write and an approval step that touch the same unit wait for
each other: the import that writes a unit's values and the approver who locks
that unit's data set cannot interleave. `FOR NO KEY UPDATE` leaves other tables'
foreign keys to the unit free. SQLite has one writer at a time (transactions
begin IMMEDIATE), so there is nothing to lock.
"""

from collections.abc import Iterable

from django.db import connection

from vandong.catalog.models import DataSet, Period
from vandong.collect.models import Approval
from vandong.geo.models import Unit

CHUNK = 5000


def lock_units(unit_ids: Iterable[int]) -> None:
    """Lock the units' rows until the end of the transaction (ordered by id)."""
    if not connection.features.has_select_for_update:
        return
    ids = sorted(set(unit_ids))
    for start in range(0, len(ids), CHUNK):
        list(
            Unit.objects.filter(pk__in=ids[start : start + CHUNK])
            .order_by("pk")
            .select_for_update(no_key=True)
            .values_list("pk", flat=True)
        )


def lock_approval(*, data_set: DataSet, unit: Unit, period: Period) -> Approval | None:
    """Lock the unit, then the approval row of (data set, unit, period) if there is one."""
    lock_units([unit.pk])
    return (
        Approval.objects.select_for_update()
        .filter(data_set=data_set, unit=unit, period=period)
        .first()
    )
