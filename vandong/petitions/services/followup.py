"""One step of the follow-up workflow, for a petition or a recommendation:
the scope check, the transition (workflow.apply), the save, the history row
and the audit row, in one transaction."""

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor
from vandong.accounts.services import authorize
from vandong.core.audit import audit_record
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Unit
from vandong.petitions import workflow
from vandong.petitions.errors import invalid
from vandong.petitions.models import Petition, Recommendation, Step
from vandong.petitions.workflow import Item

# A petition or a recommendation: a step returns the kind it was given.
ItemT = TypeVar("ItemT", Petition, Recommendation)


def refuse_other_fields(values: dict[str, Any], editable: tuple[str, ...]) -> None:
    """A correction may change only the `editable` fields: the first other
    one named is refused."""
    unknown = sorted(set(values) - set(editable))
    if unknown:
        raise invalid(
            unknown[0],
            f"Không sửa được trường “{unknown[0]}”.",
            f"The field “{unknown[0]}” cannot be changed.",
        )


def save_corrected(
    *,
    actor: Actor,
    via: str,
    record: Any,
    cleaned: dict[str, Any],
    entity: str,
    audited: Callable[[Any], dict[str, Any]],
    note: Callable[[list[str]], str] = lambda changed: "",
) -> Any:
    """Save the fields of `cleaned` that differ on `record` (locked by the
    caller) and audit the change (`audited` gives the audited fields); a
    correction that changes nothing writes nothing."""
    changed = [k for k, v in cleaned.items() if getattr(record, k) != v]
    if not changed:
        return record
    old = audited(record)
    for name in changed:
        setattr(record, name, cleaned[name])
    record.full_clean(validate_constraints=False)
    record.save(update_fields=[*changed, "updated_at"])
    audit_record(
        actor=actor,
        channel=via,
        action=AuditEntry.Action.UPDATE,
        entity=entity,
        entity_id=record.pk,
        old=old,
        new=audited(record),
        note=note(changed),
    )
    return record


def user_or_none(actor: Actor) -> Any:
    """The user behind `actor`, for a created_by or actor column; None for
    the system."""
    return actor if actor is not None and actor.is_authenticated else None


def entity_of(item: Item) -> str:
    return (
        "petitions.petition"
        if isinstance(item, Petition)
        else "petitions.recommendation"
    )


def unit_of(item: Item) -> Unit:
    if isinstance(item, Petition):
        return item.unit
    return item.supervision.unit


def _locked(item: ItemT) -> ItemT:
    """The item re-read under a row lock, so two officers cannot take two
    steps from the same state."""
    if isinstance(item, Petition):
        return (
            Petition.objects.select_for_update().select_related("unit").get(pk=item.pk)
        )
    return (
        Recommendation.objects.select_for_update()
        .select_related("supervision__unit")
        .get(pk=item.pk)
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@transaction.atomic
def take_step(
    *,
    actor: Actor,
    item: ItemT,
    step: str,
    on: datetime.date | None = None,
    via: str = Channel.WEB,
    **fields: Any,
) -> ItemT:
    """Take `step` (assign, answer, close, reject) on `item`; `fields` are the
    step's own (body, deadline, answer, answered_by, outcome, reason). Returns
    the item as saved; `item` itself is updated too."""
    authorize(actor=actor, action=Action.HANDLE_PETITIONS, unit=unit_of(item))
    current = _locked(item)
    today = timezone.localdate()
    change: workflow.Change = workflow.apply(
        current, step, on=on or today, today=today, **fields
    )
    old = {name: _jsonable(getattr(item, name)) for name in change.fields}
    current.full_clean(validate_constraints=False)
    current.save(update_fields=[*change.fields, "updated_at"])
    petition = current if isinstance(current, Petition) else None
    recommendation = current if isinstance(current, Recommendation) else None
    Step.objects.create(
        petition=petition,
        recommendation=recommendation,
        on=change.on,
        from_status=change.from_status,
        to_status=change.to_status,
        actor=user_or_none(actor),
        detail=change.detail,
    )
    audit_record(
        actor=actor,
        channel=via,
        action=AuditEntry.Action.UPDATE,
        entity=entity_of(current),
        entity_id=current.pk,
        old=old,
        new={name: _jsonable(getattr(current, name)) for name in change.fields},
        note=step,
    )
    for name in change.fields:
        setattr(item, name, getattr(current, name))
    return current
