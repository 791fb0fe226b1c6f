"""A saved or deleted criterion, indicator or threshold marks its set changed,
whatever saved it (the admin, a shell, a data migration), so that cached specs
(`store.spec_cached`) and stored evaluations follow it."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from vandong.catalog.criteria.models import CriteriaSet, Criterion, Indicator, Threshold


def _set_of(instance: Any) -> int | None:
    if isinstance(instance, Threshold):
        return (
            Indicator.objects.filter(pk=instance.indicator_id)
            .values_list("criterion__criteria_set_id", flat=True)
            .first()
        )
    if isinstance(instance, Indicator):
        return (
            Criterion.objects.filter(pk=instance.criterion_id)
            .values_list("criteria_set_id", flat=True)
            .first()
        )
    if isinstance(instance, Criterion):
        return instance.criteria_set_id
    return None


@receiver(post_save, sender=Threshold)
@receiver(post_save, sender=Indicator)
@receiver(post_save, sender=Criterion)
@receiver(post_delete, sender=Threshold)
@receiver(post_delete, sender=Indicator)
@receiver(post_delete, sender=Criterion)
def on_definition_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    from vandong.catalog.criteria.store import forget

    set_id = _set_of(instance)
    if set_id is not None:
        forget(set_id)
        CriteriaSet.objects.filter(pk=set_id).update(updated_at=_now())


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()
