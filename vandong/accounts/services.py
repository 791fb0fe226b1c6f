"""Writes about users and roles, and `authorize`, the one gate every write passes.

`actor=None` is the system: the `vandong users` command, data loaders and
background tasks. Web and API callers always pass `request.user`.
"""

import secrets
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone, translation

from vandong.accounts.auth import token_digest
from vandong.accounts.errors import AccountsErrorCode
from vandong.accounts.models import ApiToken, Role, RoleAssignment
from vandong.accounts.permissions import (
    ACTION_NAMES_VI,
    LEVEL_NAMES_EN,
    LEVEL_NAMES_VI,
    ROLE_ACTIONS,
    ROLE_LEVELS,
    ROLE_NAMES_VI,
    ROLES_WITHOUT_UNIT,
    Action,
    role_fits_level,
)
from vandong.accounts.queries import (
    Actor,
    can,
    can_anywhere,
    forget_roles,
    in_scope,
    roles_for,
)
from vandong.core.audit import audit_record
from vandong.core.errors import CoreErrorCode, DomainError
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _unit_names(unit: Unit | None) -> tuple[str, str]:
    if unit is None:
        return "toàn quốc", "the whole country"
    return str(unit), str(unit)


def authorize(*, actor: Actor, action: str, unit: Unit | None) -> None:
    """Return if `actor` may do `action` on `unit` (None: the whole country);
    raise DomainError `out_of_scope` when the unit lies outside every role that
    grants the action, `not_allowed` when no role there grants it."""
    if actor is None or can(actor=actor, action=action, unit=unit):
        return
    where_vi, where_en = _unit_names(unit)
    if can_anywhere(actor=actor, action=action) and not in_scope(
        actor=actor, action=action, unit=unit
    ):
        raise DomainError(
            AccountsErrorCode.OUT_OF_SCOPE,
            f"{where_vi[:1].upper()}{where_vi[1:]} nằm ngoài phạm vi được phân quyền "
            "của bạn.",
            f"{where_en[:1].upper()}{where_en[1:]} is outside your scope.",
        )
    with translation.override("en"):
        action_en = str(Action(action).label) if action in Action.values else action
    raise DomainError(
        AccountsErrorCode.NOT_ALLOWED,
        f"Vai trò của bạn không được phép {ACTION_NAMES_VI.get(action, action)} "
        f"tại {where_vi}.",
        f"Your role does not allow “{action_en.lower()}” on {where_en}.",
    )


def _check_role(*, role: str, unit: Unit | None) -> None:
    if role not in Role.values:
        raise DomainError(
            AccountsErrorCode.UNKNOWN_ROLE,
            f"Không có vai trò “{role}”.",
            f"No such role: “{role}”.",
            field="role",
        )
    if role_fits_level(role, unit.level if unit is not None else None):
        return
    role_vi = ROLE_NAMES_VI[role]
    role_en = role.replace("_", " ")
    levels = sorted(ROLE_LEVELS[role])
    if unit is None:
        raise DomainError(
            AccountsErrorCode.ROLE_LEVEL_MISMATCH,
            f"Vai trò {role_vi} phải được giao trên một đơn vị hành chính.",
            f"The role {role_en} must be held on an administrative unit.",
            field="unit",
        )
    raise DomainError(
        AccountsErrorCode.ROLE_LEVEL_MISMATCH,
        f"Vai trò {role_vi} chỉ được giao trên đơn vị "
        f"{', '.join(LEVEL_NAMES_VI[lv] for lv in levels)}; {unit} không phải.",
        f"The role {role_en} is held on a "
        f"{' or '.join(LEVEL_NAMES_EN[lv] for lv in levels)} unit only; "
        f"{unit} is not one.",
        field="unit",
    )


def _check_may_manage(*, actor: Actor, role: str, unit: Unit | None) -> None:
    """The actor may manage users on `unit` and holds there every right of
    `role`: nobody hands out more than they have."""
    if actor is None:
        return
    authorize(actor=actor, action=Action.MANAGE_USERS, unit=unit)
    if all(
        in_scope(actor=actor, action=action, unit=unit) for action in ROLE_ACTIONS[role]
    ):
        return
    where_vi, where_en = _unit_names(unit)
    raise DomainError(
        AccountsErrorCode.NOT_ALLOWED,
        f"Bạn không thể giao vai trò {ROLE_NAMES_VI[role]} tại {where_vi}: "
        "vai trò này có quyền mà bạn không có.",
        f"You may not grant the role {role.replace('_', ' ')} on {where_en}: "
        "it has rights you do not hold.",
        field="role",
    )


def _password_messages(password: str, user: "User") -> tuple[str, str] | None:
    """Django's password validators, their complaints in Vietnamese and English."""
    try:
        validate_password(password, user)
    except ValidationError:
        pass
    else:
        return None
    messages: dict[str, str] = {}
    for language in ("vi", "en"):
        with translation.override(language):
            try:
                validate_password(password, user)
            except ValidationError as error:
                messages[language] = " ".join(str(m) for m in error.messages)
    return messages.get("vi", ""), messages.get("en", "")


def _unit_ref(unit: Unit | None) -> dict[str, Any]:
    if unit is None:
        return {"unit": None, "unit_id": None}
    return {"unit": unit.code, "unit_id": unit.pk}


def _sync_admin_flags(user: "User") -> None:
    """An administrator of the whole country is a Django superuser (the admin
    site is where they manage the rest), and stops being one with the role."""
    is_admin = RoleAssignment.objects.filter(
        user=user, role__in=ROLES_WITHOUT_UNIT, unit__isnull=True
    ).exists()
    if user.is_superuser != is_admin or user.is_staff != is_admin:
        user.is_superuser = is_admin
        user.is_staff = is_admin
        user.save(update_fields=["is_superuser", "is_staff"])


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    unit: Unit | None,
    email: str = "",
    full_name: str = "",
    channel: str = Channel.WEB,
) -> "User":
    """Create a user holding one role on one unit; the password is checked by
    Django's validators and stored hashed. `full_name` goes to `first_name`
    whole, family name first, as Vietnamese names are written."""
    username = username.strip()
    email = email.strip()
    full_name = full_name.strip()
    role_grant_check(actor=actor, role=role, unit=unit)
    try:
        UnicodeUsernameValidator()(username)
        if not username or len(username) > 150:
            raise ValidationError("length")
    except ValidationError:
        raise DomainError(
            AccountsErrorCode.INVALID_USERNAME,
            "Tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _ (tối đa 150 ký tự).",
            "A username has letters, digits and @ . + - _ only (at most 150).",
            field="username",
        ) from None
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise DomainError(
            AccountsErrorCode.USER_EXISTS,
            f"Tên đăng nhập “{username}” đã có người dùng.",
            f"The username “{username}” is taken.",
            field="username",
        )
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(
                CoreErrorCode.INVALID,
                f"Địa chỉ thư điện tử “{email}” không hợp lệ.",
                f"“{email}” is not a valid email address.",
                field="email",
            ) from None
    user = user_model(username=username, email=email, first_name=full_name[:150])
    if problems := _password_messages(password, user):
        message_vi, message_en = problems
        raise DomainError(
            AccountsErrorCode.INVALID_PASSWORD,
            f"Mật khẩu chưa đạt: {message_vi}",
            f"The password is too weak: {message_en}",
            field="password",
        )
    user.set_password(password)
    user.save()
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.CREATE,
        entity="accounts.user",
        entity_id=user.pk,
        new={"username": username, "email": email, "full_name": full_name},
    )
    _grant(actor=actor, user=user, role=role, unit=unit, channel=channel)
    return user


def _grant(
    *, actor: Actor, user: "User", role: str, unit: Unit | None, channel: str
) -> RoleAssignment:
    if RoleAssignment.objects.filter(user=user, role=role, unit=unit).exists():
        where_vi, where_en = _unit_names(unit)
        raise DomainError(
            AccountsErrorCode.ROLE_EXISTS,
            f"{user.username} đã có vai trò {ROLE_NAMES_VI[role]} tại {where_vi}.",
            f"{user.username} already holds the role {role.replace('_', ' ')} "
            f"on {where_en}.",
            field="role",
        )
    assignment = RoleAssignment(user=user, role=role, unit=unit)
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    if role in ROLES_WITHOUT_UNIT:
        _sync_admin_flags(user)
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.CREATE,
        entity="accounts.role_assignment",
        entity_id=assignment.pk,
        new={"user": user.username, "role": role, **_unit_ref(unit)},
    )
    forget_roles(user)
    return assignment


def role_grant_check(*, actor: Actor, role: str, unit: Unit | None) -> None:
    """Raise the DomainError `role_grant` would raise for this role and unit,
    without writing: forms call it to show the refusal beside the field."""
    _check_role(role=role, unit=unit)
    _check_may_manage(actor=actor, role=role, unit=unit)


@transaction.atomic
def role_grant(
    *,
    actor: Actor,
    user: "User",
    role: str,
    unit: Unit | None,
    channel: str = Channel.WEB,
) -> RoleAssignment:
    """Give `user` the role `role` on `unit` (None: the whole country, administrators only)."""
    role_grant_check(actor=actor, role=role, unit=unit)
    return _grant(actor=actor, user=user, role=role, unit=unit, channel=channel)


@transaction.atomic
def role_revoke(
    *,
    actor: Actor,
    user: "User",
    role: str,
    unit: Unit | None,
    channel: str = Channel.WEB,
) -> None:
    """Take the role `role` on `unit` away from `user`; the actor must be able to grant it."""
    if role in Role.values:
        _check_may_manage(actor=actor, role=role, unit=unit)
    else:
        _check_role(role=role, unit=unit)
    assignment = RoleAssignment.objects.filter(user=user, role=role, unit=unit).first()
    if assignment is None:
        where_vi, where_en = _unit_names(unit)
        raise DomainError(
            AccountsErrorCode.ROLE_NOT_HELD,
            f"{user.username} không có vai trò {ROLE_NAMES_VI[role]} tại {where_vi}.",
            f"{user.username} does not hold the role {role.replace('_', ' ')} "
            f"on {where_en}.",
            field="role",
        )
    assignment_id = assignment.pk
    assignment.delete()
    if role in ROLES_WITHOUT_UNIT:
        _sync_admin_flags(user)
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.DELETE,
        entity="accounts.role_assignment",
        entity_id=assignment_id,
        old={"user": user.username, "role": role, **_unit_ref(unit)},
    )
    forget_roles(user)


def _check_may_act_for(*, actor: Actor, user: "User") -> None:
    """Tokens act as their user: the actor is that user, or could grant every
    role the user holds."""
    if actor is None or actor.pk == user.pk:
        return
    assignments = roles_for(actor=user)
    if not assignments:
        authorize(actor=actor, action=Action.MANAGE_USERS, unit=None)
    for assignment in assignments:
        _check_may_manage(actor=actor, role=assignment.role, unit=assignment.unit)


@transaction.atomic
def api_token_create(
    *, actor: Actor, user: "User", name: str, channel: str = Channel.WEB
) -> str:
    """Create a bearer token for `user` and return it; only its digest is kept,
    so this is the one time anyone sees it."""
    name = name.strip()
    if not name or len(name) > 100:
        raise DomainError(
            CoreErrorCode.INVALID,
            "Tên mã truy cập phải có từ 1 đến 100 ký tự.",
            "A token name has 1 to 100 characters.",
            field="name",
        )
    _check_may_act_for(actor=actor, user=user)
    token = secrets.token_urlsafe(32)
    api_token = ApiToken.objects.create(
        user=user, name=name, digest=token_digest(token), prefix=token[:8]
    )
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.CREATE,
        entity="accounts.api_token",
        entity_id=api_token.pk,
        new={"user": user.username, "name": name, "prefix": api_token.prefix},
    )
    return token


@transaction.atomic
def api_token_revoke(
    *, actor: Actor, api_token: ApiToken, channel: str = Channel.WEB
) -> None:
    """Revoke a token for good; revoking a revoked token changes nothing."""
    _check_may_act_for(actor=actor, user=api_token.user)
    if api_token.revoked_at is not None:
        return
    api_token.revoked_at = timezone.now()
    api_token.save(update_fields=["revoked_at", "updated_at"])
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.UPDATE,
        entity="accounts.api_token",
        entity_id=api_token.pk,
        old={"revoked_at": None},
        new={"revoked_at": api_token.revoked_at.isoformat()},
    )
