"""Keeping evaluations current when values change.

After a write of values commits, the units it touched (and the parents of
touched villages, whose child shares may have moved) are re-evaluated against
every active set that uses one of the written elements, for the years
written. A few units are re-evaluated at once, in the request that wrote
them; a large import hands the work to a background task.

A unit's region or commune group picks its thresholds: when a save names
either field (as classifying a commune does), the unit is re-evaluated
against the sets whose thresholds vary by it, once the save commits.
"""

import logging
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver
from django_tasks import task

from vandong.catalog.criteria.store import spec_cached
from vandong.catalog.models import CriteriaSet, DataElement, Period, PeriodKind
from vandong.collect.signals import values_changed
from vandong.criteria import services
from vandong.geo.models import Unit

logger = logging.getLogger(__name__)

# Above this many units, the refresh runs as a background task.
INLINE_UNITS = 200


def _set_elements(stored: CriteriaSet) -> set[str]:
    return set(spec_cached(stored).elements)


def affected_sets(element_ids: Iterable[int]) -> list[CriteriaSet]:
    """Active sets using one of the elements (or an element computed from
    one of them)."""
    ids = list(element_ids)
    written = set(
        DataElement.objects.filter(
            Q(pk__in=ids) | Q(numerator_id__in=ids) | Q(denominator_id__in=ids)
        ).values_list("code", flat=True)
    )
    return [s for s in services.active_sets() if _set_elements(s) & written]


def refresh(*, unit_ids: list[int], years: list[int], set_codes: list[str]) -> int:
    """Re-evaluate the units (and their parents) for the years and sets."""
    parents = set(
        Unit.objects.filter(pk__in=unit_ids, parent__isnull=False).values_list(
            "parent_id", flat=True
        )
    )
    units = sorted(set(unit_ids) | parents)
    sets = services.active_sets(set_codes)
    report = services.evaluate(sets=sets, years=years, unit_ids=units)
    return report.total


@task()
def refresh_task(unit_ids: list[int], years: list[int], set_codes: list[str]) -> int:
    return refresh(unit_ids=unit_ids, years=years, set_codes=set_codes)


@receiver(values_changed)
def on_values_changed(
    sender: Any,
    *,
    unit_ids: list[int],
    period_ids: list[int],
    element_ids: list[int],
    **kwargs: Any,
) -> None:
    sets = affected_sets(element_ids)
    if not sets:
        return
    years = sorted(
        {
            p.start.year
            for p in Period.objects.filter(pk__in=period_ids, kind=PeriodKind.YEAR)
        }
    )
    if not years:
        return
    codes = [s.code for s in sets]
    if len(unit_ids) <= INLINE_UNITS:
        refresh(unit_ids=unit_ids, years=years, set_codes=codes)
        return
    refresh_task.enqueue(unit_ids=unit_ids, years=years, set_codes=codes)
    logger.info("criteria refresh queued: %d units, years %s", len(unit_ids), years)


# Unit fields that choose thresholds (a set's `threshold_key` names one).
_THRESHOLD_FIELDS = ("region", "commune_group")


@receiver(pre_save, sender=Unit)
def remember_classification(
    sender: Any,
    *,
    instance: Unit,
    raw: bool,
    update_fields: frozenset[str] | None,
    **kwargs: Any,
) -> None:
    """Before a full save of an existing unit (the admin's), what its
    region and commune group were: one small read, so that a change can be
    told from a save that changed something else."""
    if raw or instance.pk is None or update_fields is not None:
        return
    instance._classification_before = (  # type: ignore[attr-defined]
        Unit.objects.filter(pk=instance.pk).values(*_THRESHOLD_FIELDS).first()
    )


@receiver(post_save, sender=Unit)
def on_unit_classified(
    sender: Any,
    *,
    instance: Unit,
    created: bool,
    update_fields: frozenset[str] | None,
    **kwargs: Any,
) -> None:
    """Re-evaluate a unit whose region or commune group changed, once the
    save commits: saved by name (`save(update_fields=[...])`, as classifying
    a commune does) or by a full save that changed either (the admin).
    Bulk updates (the units loader) send no signal: `vandong criteria
    evaluate` follows them."""
    if created:
        return
    if update_fields:
        changed = [f for f in update_fields if f in _THRESHOLD_FIELDS]
    else:
        before = getattr(instance, "_classification_before", None) or {}
        changed = [
            f
            for f in _THRESHOLD_FIELDS
            if f in before and before[f] != getattr(instance, f)
        ]
    if not changed:
        return
    sets = [s for s in services.active_sets() if s.threshold_key in changed]
    if not sets:
        return
    unit_id = instance.pk
    transaction.on_commit(lambda: services.evaluate(sets=sets, unit_ids=[unit_id]))
