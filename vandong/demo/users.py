"""Demo users at province, district, commune and village level, one password."""

from collections.abc import Callable

from django.contrib.auth import get_user_model

from vandong.accounts.models import Role
from vandong.geo.models import LEGACY_END, REFORM_DATE, Unit

DEMO_PASSWORD = "vandong-demo-2025"  # noqa: S105 - published in the README on purpose

# username, role, unit code, date on which the code is read, full name
DEMO_USERS: list[tuple[str, str, str | None, str, str]] = [
    ("admin", Role.ADMINISTRATOR, None, "", "Quản trị hệ thống"),
    (
        "tinh",
        Role.PROVINCE_OFFICER,
        "12",
        REFORM_DATE.isoformat(),
        "Ban Thường trực MTTQ tỉnh Lai Châu",
    ),
    (
        "huyen",
        Role.DISTRICT_OFFICER,
        "106",
        LEGACY_END.isoformat(),
        "MTTQ huyện Tam Đường (trước 7/2025)",
    ),
    (
        "xa",
        Role.COMMUNE_OFFICER,
        "03388",
        REFORM_DATE.isoformat(),
        "MTTQ phường Đoàn Kết",
    ),
    (
        "thon",
        Role.VILLAGE_REPORTER,
        "03388-01",
        REFORM_DATE.isoformat(),
        "Tổ trưởng tổ dân phố",
    ),
    ("xem", Role.VIEWER, "12", REFORM_DATE.isoformat(), "Người xem"),
]


def load_demo_users(progress: Callable[[str], None]) -> None:
    import datetime

    from vandong.accounts.services import user_create

    user_model = get_user_model()
    for username, role, code, day, full_name in DEMO_USERS:
        if user_model.objects.filter(username=username).exists():
            continue
        unit = (
            Unit.objects.valid_on(datetime.date.fromisoformat(day)).get(code=code)
            if code
            else None
        )
        user_create(
            actor=None, username=username, password=DEMO_PASSWORD, role=role,
            unit=unit, full_name=full_name, channel="system",
        )  # fmt: skip
    progress(
        f"Người dùng mẫu / demo users: {', '.join(u[0] for u in DEMO_USERS)} (mật khẩu / password: {DEMO_PASSWORD})"
    )
