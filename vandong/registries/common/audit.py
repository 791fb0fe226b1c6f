"""Audit snapshots of registry records, the audited create and update
steps the registry services share, and the acting user's id."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, models, transaction

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor
from vandong.accounts.services import authorize
from vandong.core.audit import audit_record
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.geo.models import Unit


def user_id(actor: object) -> int | None:
    """The acting user's id for `created_by`; None for the system."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    pk = getattr(actor, "pk", None)
    return int(pk) if pk is not None else None


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The fields' values as JSON for the audit row."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(obj, name)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, models.Model):
            value = value.pk
        out[name] = value
    return out


def authorize_move(*, actor: Actor, current: Unit, new: Unit) -> None:
    """Recording rights on a record's unit, and on the unit it moves to."""
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=current)
    if new.pk != current.pk:
        authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=new)


def audit_created(
    *,
    actor: Actor,
    channel: str,
    entity: str,
    record: models.Model,
    fields: Iterable[str],
) -> None:
    """The audit row of a record just saved."""
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.CREATE,
        entity=entity,
        entity_id=record.pk,
        new=snapshot(record, fields),
    )


def update_audited(
    *,
    actor: Actor,
    channel: str,
    entity: str,
    record: models.Model,
    fields: Iterable[str],
    values: dict[str, Any],
    conflict: Callable[[], DomainError] | None = None,
) -> bool:
    """Set `values` on the record; if its snapshot of `fields` changed, save
    those columns (and `updated_at`) and write the audit row. Returns whether
    anything changed. With `conflict`, the save runs in a savepoint and a
    broken unique constraint raises `conflict()` instead."""
    names = tuple(fields)
    old = snapshot(record, names)
    for name, value in values.items():
        setattr(record, name, value)
    new = snapshot(record, names)
    if new == old:
        return False
    update_fields = [*values, "updated_at"]
    if conflict is None:
        record.save(update_fields=update_fields)
    else:
        try:
            with transaction.atomic():
                record.save(update_fields=update_fields)
        except IntegrityError as error:
            raise conflict() from error
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.UPDATE,
        entity=entity,
        entity_id=record.pk,
        old=old,
        new=new,
    )
    return True
