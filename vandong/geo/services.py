"""Writes to units that people make (the loader and village import write the rest)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from vandong.accounts.permissions import Action
from vandong.accounts.services import authorize
from vandong.core.audit import audit_record
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import CommuneGroup, Unit, UnitType

# The 2026-2030 new-rural set groups communes (xã, đặc khu), not wards.
GROUPED_TYPES = {UnitType.COMMUNE, UnitType.SPECIAL_ZONE}


@transaction.atomic
def commune_group_set(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    unit: Unit,
    group: int | None,
    channel: str = Channel.WEB,
) -> Unit:
    """Set a current commune's group (nhóm 1/2/3) of the 2026-2030 set; None clears it."""
    authorize(actor=actor, action=Action.CLASSIFY_UNITS, unit=unit)
    if unit.type not in GROUPED_TYPES or unit.valid_to is not None:
        raise DomainError(
            "not_a_commune",
            f"{unit.name} không phải là xã hiện hành; chỉ xã, đặc khu được phân nhóm.",
            f"{unit.name} is not a current commune; only communes and special zones have a group.",
            field="commune_group",
        )
    if group is not None and group not in CommuneGroup.values:
        raise DomainError(
            "invalid",
            f"Nhóm xã phải là 1, 2 hoặc 3, nhận được “{group}”.",
            f"The commune group must be 1, 2 or 3, got '{group}'.",
            field="commune_group",
        )
    old = unit.commune_group
    if old == group:
        return unit
    unit.commune_group = group
    unit.save(update_fields=["commune_group"])
    audit_record(
        actor=actor if isinstance(actor, AbstractBaseUser) else None,
        channel=channel,
        action=AuditEntry.Action.UPDATE,
        entity="geo.unit",
        entity_id=unit.pk,
        old={"commune_group": old},
        new={"commune_group": group},
    )
    return unit
