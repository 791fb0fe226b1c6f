"""Who may publish a province's figures: a province officer of that province
(or an administrator). Kept here, not in accounts: only the portal asks."""

from vandong.accounts.models import Role
from vandong.accounts.queries import Actor, roles_for
from vandong.geo.models import Level, Unit

PUBLISHING_ROLES = frozenset({Role.PROVINCE_OFFICER, Role.ADMINISTRATOR})


def _live(actor: Actor) -> bool:
    return actor is not None and actor.is_authenticated and bool(actor.is_active)


def may_publish(*, actor: Actor, province: Unit) -> bool:
    """Whether `actor` holds a province officer's role on `province` (or is an
    administrator of it or of the whole country)."""
    if not _live(actor) or province.level != Level.PROVINCE:
        return False
    if getattr(actor, "is_superuser", False):
        return True
    for assignment in roles_for(actor=actor):
        if assignment.role not in PUBLISHING_ROLES:
            continue
        if assignment.unit is None:
            if assignment.role == Role.ADMINISTRATOR:
                return True
            continue
        if province.path.startswith(assignment.unit.path):
            return True
    return False


def publishable_provinces(*, actor: Actor) -> list[Unit]:
    """The provinces `actor` may publish, by name."""
    if not _live(actor):
        return []
    provinces = Unit.objects.filter(level=Level.PROVINCE)
    if not getattr(actor, "is_superuser", False) and not any(
        a.role == Role.ADMINISTRATOR and a.unit is None for a in roles_for(actor=actor)
    ):
        ids = {
            a.unit.pk
            for a in roles_for(actor=actor)
            if a.role in PUBLISHING_ROLES
            and a.unit is not None
            and a.unit.level == Level.PROVINCE
        }
        provinces = provinces.filter(pk__in=ids)
    return list(provinces.order_by("name_key", "valid_from"))
