"""What each role may do, and on which units it may be held.

Pure tables: `queries.can` reads them, `services.authorize` enforces them. A
role held on a unit covers the unit's whole subtree; an administrator held
with no unit covers the whole country.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from vandong.accounts.models import Role
from vandong.geo.models import Level


class Action(models.TextChoices):
    VIEW = "view", _("View")
    ENTER_DATA = "enter_data", _("Enter data")
    SUBMIT = "submit", _("Submit")
    APPROVE = "approve", _("Approve")
    MANAGE_UNITS = "manage_units", _("Manage units")
    # Attributes of a commune the province decides, such as its commune group.
    CLASSIFY_UNITS = "classify_units", _("Classify communes")
    MANAGE_USERS = "manage_users", _("Manage users")
    MANAGE_CATALOG = "manage_catalog", _("Manage catalog")
    # Registries: contributions, OCOP products, models and teams, conferences.
    RECORD_REGISTRY = "record_registry", _("Record registry entries")
    # Petitions and supervision recommendations: assign, answer, close.
    HANDLE_PETITIONS = "handle_petitions", _("Handle petitions")


ROLE_ACTIONS: dict[str, frozenset[str]] = {
    Role.ADMINISTRATOR: frozenset(Action.values),
    Role.PROVINCE_OFFICER: frozenset(
        {
            Action.VIEW,
            Action.ENTER_DATA,
            Action.SUBMIT,
            Action.APPROVE,
            Action.MANAGE_UNITS,
            Action.CLASSIFY_UNITS,
            Action.MANAGE_USERS,
            Action.RECORD_REGISTRY,
            Action.HANDLE_PETITIONS,
        }
    ),
    Role.DISTRICT_OFFICER: frozenset(
        {
            Action.VIEW,
            Action.ENTER_DATA,
            Action.SUBMIT,
            Action.APPROVE,
            Action.RECORD_REGISTRY,
            Action.HANDLE_PETITIONS,
        }
    ),
    Role.COMMUNE_OFFICER: frozenset(
        {
            Action.VIEW,
            Action.ENTER_DATA,
            Action.SUBMIT,
            Action.APPROVE,
            Action.MANAGE_UNITS,
            Action.RECORD_REGISTRY,
            Action.HANDLE_PETITIONS,
        }
    ),
    Role.VILLAGE_REPORTER: frozenset(
        {Action.VIEW, Action.ENTER_DATA, Action.RECORD_REGISTRY}
    ),
    Role.VIEWER: frozenset({Action.VIEW}),
}

# A (role, action) pair listed here reaches only target units of these levels;
# pairs not listed reach every level of the subtree. Province and commune
# officers manage the villages of their subtree, not the communes themselves.
ACTION_TARGET_LEVELS: dict[tuple[str, str], frozenset[int]] = {
    (Role.PROVINCE_OFFICER, Action.MANAGE_UNITS): frozenset({Level.VILLAGE}),
    (Role.COMMUNE_OFFICER, Action.MANAGE_UNITS): frozenset({Level.VILLAGE}),
    # A commune officer approves the forms of the commune's villages.
    (Role.COMMUNE_OFFICER, Action.APPROVE): frozenset({Level.VILLAGE}),
    (Role.PROVINCE_OFFICER, Action.CLASSIFY_UNITS): frozenset({Level.COMMUNE}),
}

# The unit levels a role may be held on. Only an administrator may be held
# without a unit (the whole country).
ROLE_LEVELS: dict[str, frozenset[int]] = {
    Role.ADMINISTRATOR: frozenset(Level.values),
    Role.PROVINCE_OFFICER: frozenset({Level.PROVINCE}),
    Role.DISTRICT_OFFICER: frozenset({Level.DISTRICT}),
    Role.COMMUNE_OFFICER: frozenset({Level.COMMUNE}),
    Role.VILLAGE_REPORTER: frozenset({Level.VILLAGE}),
    Role.VIEWER: frozenset(Level.values),
}
ROLES_WITHOUT_UNIT: frozenset[str] = frozenset({Role.ADMINISTRATOR})

# Vietnamese names for DomainError messages, which carry both languages
# whatever the active one is.
ROLE_NAMES_VI: dict[str, str] = {
    Role.ADMINISTRATOR: "quản trị hệ thống",
    Role.PROVINCE_OFFICER: "cán bộ cấp tỉnh",
    Role.DISTRICT_OFFICER: "cán bộ cấp huyện",
    Role.COMMUNE_OFFICER: "cán bộ cấp xã",
    Role.VILLAGE_REPORTER: "người báo cáo thôn, tổ dân phố",
    Role.VIEWER: "người xem",
}
ACTION_NAMES_VI: dict[str, str] = {
    Action.VIEW: "xem",
    Action.ENTER_DATA: "nhập số liệu",
    Action.SUBMIT: "gửi duyệt",
    Action.APPROVE: "phê duyệt",
    Action.MANAGE_UNITS: "quản lý đơn vị hành chính",
    Action.CLASSIFY_UNITS: "phân nhóm xã",
    Action.MANAGE_USERS: "quản lý người dùng",
    Action.MANAGE_CATALOG: "quản lý danh mục",
    Action.RECORD_REGISTRY: "ghi sổ theo dõi (đóng góp, OCOP, mô hình, hội nghị)",
    Action.HANDLE_PETITIONS: "xử lý kiến nghị",
}
LEVEL_NAMES_VI: dict[int, str] = {
    Level.PROVINCE: "cấp tỉnh",
    Level.DISTRICT: "cấp huyện",
    Level.COMMUNE: "cấp xã",
    Level.VILLAGE: "thôn, tổ dân phố",
}
LEVEL_NAMES_EN: dict[int, str] = {
    Level.PROVINCE: "province",
    Level.DISTRICT: "district",
    Level.COMMUNE: "commune",
    Level.VILLAGE: "village",
}


def role_allows(role: str, action: str, level: int | None) -> bool:
    """Whether `role` grants `action` on a target unit of `level` (None: the country)."""
    if action not in ROLE_ACTIONS.get(role, frozenset()):
        return False
    levels = ACTION_TARGET_LEVELS.get((role, action))
    return levels is None or (level is not None and level in levels)


def role_fits_level(role: str, level: int | None) -> bool:
    """Whether `role` may be held on a unit of `level` (None: no unit, the country)."""
    if level is None:
        return role in ROLES_WITHOUT_UNIT
    return level in ROLE_LEVELS.get(role, frozenset())
