"""The audit writer: services call `audit_record` inside their transaction."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from vandong.core.models import AuditEntry, Channel


def audit_record(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    channel: str = Channel.WEB,
    action: str,
    entity: str,
    entity_id: object,
    old: dict[str, Any] | None = None,
    new: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    user = actor if isinstance(actor, AbstractBaseUser) else None
    return AuditEntry.objects.create(
        actor_id=user.pk if user is not None else None,
        channel=channel,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        old=old,
        new=new,
        note=note[:300],
    )
