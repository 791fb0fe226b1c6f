"""Reads about users, roles and scope: who may do what, where.

An actor's role assignments are read once (one query, units joined) and kept
on the user object, which Django builds afresh for every request; so `can` and
`scope_units` cost at most one query per request however often they are
called. Services that change roles drop the cached list (`forget_roles`).
"""

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Prefetch, Q, QuerySet

from vandong.accounts.errors import AccountsErrorCode
from vandong.accounts.models import RoleAssignment
from vandong.accounts.permissions import (
    ACTION_TARGET_LEVELS,
    ROLE_ACTIONS,
    ROLES_WITHOUT_UNIT,
    Action,
    role_allows,
)
from vandong.core.errors import DomainError
from vandong.geo.models import Unit, UnitQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Actor = AbstractBaseUser | AnonymousUser | None

_CACHE_ATTR = "_vandong_role_assignments"


def _is_live(actor: Actor) -> bool:
    return actor is not None and actor.is_authenticated and bool(actor.is_active)


def _is_superuser(actor: Actor) -> bool:
    """Django superusers are administrators of the whole country."""
    return _is_live(actor) and bool(getattr(actor, "is_superuser", False))


def roles_for(*, actor: Actor) -> list[RoleAssignment]:
    """The actor's role assignments with their units; cached on the user object."""
    if actor is None or not actor.is_authenticated or actor.pk is None:
        return []
    cached: list[RoleAssignment] | None = getattr(actor, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user_id=actor.pk).select_related("unit")
        )
        setattr(actor, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: Actor) -> None:
    """Drop the cached assignments after they changed (services call this)."""
    if user is not None and _CACHE_ATTR in vars(user):
        delattr(user, _CACHE_ATTR)


def _target_path(unit: Unit | None) -> str | None:
    """The path scope is judged on; a unit not yet saved is judged on its parent."""
    if unit is None:
        return None
    if unit.path:
        return unit.path
    if unit.parent_id is not None:
        return unit.parent.path if unit.parent else None
    return None


def _covers(assignment: RoleAssignment, path: str | None) -> bool:
    if assignment.unit is None:
        # Only an administrator may be held on the whole country.
        return assignment.role in ROLES_WITHOUT_UNIT
    return path is not None and path.startswith(assignment.unit.path)


def can(*, actor: Actor, action: str, unit: Unit | None) -> bool:
    """Whether `actor` may do `action` on `unit` (None: the whole country).

    A role on a unit covers every unit whose path starts with the unit's path,
    legacy units included. Anonymous and inactive users may do nothing.
    """
    if not _is_live(actor):
        return False
    if _is_superuser(actor):
        return True
    path = _target_path(unit)
    level = unit.level if unit is not None else None
    return any(
        _covers(assignment, path) and role_allows(assignment.role, action, level)
        for assignment in roles_for(actor=actor)
    )


def in_scope(*, actor: Actor, action: str, unit: Unit | None) -> bool:
    """Whether some role of the actor that grants `action` covers `unit`,
    whatever the unit's level (`authorize` tells out-of-scope from not-allowed
    by it)."""
    if not _is_live(actor):
        return False
    if _is_superuser(actor):
        return True
    path = _target_path(unit)
    return any(
        action in ROLE_ACTIONS.get(assignment.role, ()) and _covers(assignment, path)
        for assignment in roles_for(actor=actor)
    )


def can_anywhere(*, actor: Actor, action: str) -> bool:
    """Whether any of the actor's roles grants `action` somewhere (menus, hints)."""
    if not _is_live(actor):
        return False
    if _is_superuser(actor):
        return True
    return any(action in ROLE_ACTIONS.get(a.role, ()) for a in roles_for(actor=actor))


def scope_q(*, actor: Actor, action: str = Action.VIEW, prefix: str = "") -> Q:
    """A filter for the rows whose unit the actor may act on.

    `prefix` leads from the filtered model to its unit: "" for Unit itself,
    "unit__" for a model with a `unit` foreign key. One OR of path prefixes.
    """
    nothing = Q(pk__in=[])
    if not _is_live(actor):
        return nothing
    if _is_superuser(actor):
        return Q()
    result = nothing
    seen: set[tuple[str, frozenset[int] | None]] = set()
    for assignment in roles_for(actor=actor):
        if action not in ROLE_ACTIONS.get(assignment.role, ()):
            continue
        if assignment.unit is None:
            if assignment.role in ROLES_WITHOUT_UNIT:
                return Q()
            continue
        levels = ACTION_TARGET_LEVELS.get((assignment.role, action))
        key = (assignment.unit.path, levels)
        if key in seen:
            continue
        seen.add(key)
        condition = Q(**{f"{prefix}path__startswith": assignment.unit.path})
        if levels is not None:
            condition &= Q(**{f"{prefix}level__in": sorted(levels)})
        result |= condition
    return result


def scope_units(*, actor: Actor, action: str = Action.VIEW) -> UnitQuerySet:
    """The units the actor may do `action` on; administrators: all units."""
    return Unit.objects.filter(scope_q(actor=actor, action=action))


def user_list(*, actor: Actor) -> "QuerySet[User]":
    """Users with their roles; the system and administrators see everyone, a
    user manager the users holding a role within their manage_users scope."""
    users = get_user_model().objects.order_by("username")
    if actor is not None and not can(
        actor=actor, action=Action.MANAGE_USERS, unit=None
    ):
        scope = scope_q(actor=actor, action=Action.MANAGE_USERS, prefix="unit__")
        held = RoleAssignment.objects.filter(scope).values("user_id")
        users = users.filter(pk__in=held)
    return users.prefetch_related(
        Prefetch(
            "role_assignments",
            queryset=RoleAssignment.objects.select_related("unit"),
        )
    )


def user_get(*, actor: Actor, username: str) -> "User":
    """One user by username, if the actor may see it (itself, or in scope)."""
    user = get_user_model().objects.filter(username=username).first()
    visible = user is not None and (
        (actor is not None and actor.pk == user.pk)
        or user_list(actor=actor).filter(pk=user.pk).exists()
    )
    if user is None or not visible:
        raise DomainError(
            AccountsErrorCode.UNKNOWN_USER,
            f"Không tìm thấy người dùng “{username}”.",
            f"No user named “{username}”.",
            field="username",
        )
    return user
