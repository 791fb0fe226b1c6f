"""The fixed small world every test can stand on.

A province (Lai Châu, one row in both trees), one legacy district whose two
legacy wards merged into the current Phường Đoàn Kết (code 03388 reused), a
second current commune, three villages, and a neighbouring province. Users:
`tinh` (province officer), `xa` (commune officer of current Đoàn Kết), `thon`
(village reporter), `ngoai` (commune officer elsewhere), `admin`.
"""

from dataclasses import dataclass
from typing import Any

import pytest

from vandong.geo.models import LEGACY_END, REFORM_DATE, Succession, Unit

PASSWORD = "mat-khau-thu-nghiem-2025"  # noqa: S105 - the test world's shared password


@pytest.fixture(autouse=True)
def _fast_and_immediate(settings: Any, tmp_path_factory: Any) -> None:
    # Each test has an analytics store of its own, refreshed in the caller.
    settings.ANALYTICS_DIR = str(tmp_path_factory.mktemp("analytics"))
    settings.ANALYTICS_REFRESH = "inline"
    from vandong.analytics.queries import forget

    forget()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    # Each test starts with an empty cache of its own (login counters live there).
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    from django.core.cache import cache

    cache.clear()


@dataclass
class World:
    province: Unit
    other_province: Unit
    legacy_district: Unit
    legacy_quyet_tien: Unit
    legacy_doan_ket: Unit
    doan_ket: Unit
    tan_phong: Unit
    other_commune: Unit
    village_1: Unit
    village_2: Unit
    village_3: Unit
    tinh: object
    xa: object
    thon: object
    ngoai: object
    admin: object


@pytest.fixture
def world(db: None) -> World:
    from django.contrib.auth import get_user_model

    from vandong.accounts.models import Role, RoleAssignment
    from vandong.geo.tests.factories import make_edge, make_unit

    province = make_unit("12", "Tỉnh Lai Châu", "tinh", region="tdmnpb")
    other_province = make_unit("11", "Tỉnh Điện Biên", "tinh", region="tdmnpb")
    legacy_district = make_unit(
        "105", "Thành phố Lai Châu", "thanh_pho", parent=province, valid_to=LEGACY_END
    )
    legacy_quyet_tien = make_unit(
        "03388",
        "Phường Quyết Tiến",
        "phuong",
        parent=legacy_district,
        valid_to=LEGACY_END,
    )
    legacy_doan_ket = make_unit(
        "03389",
        "Phường Đoàn Kết",
        "phuong",
        parent=legacy_district,
        valid_to=LEGACY_END,
    )
    doan_ket = make_unit(
        "03388", "Phường Đoàn Kết", "phuong", parent=province, valid_from=REFORM_DATE
    )
    tan_phong = make_unit(
        "03395", "Phường Tân Phong", "phuong", parent=province, valid_from=REFORM_DATE
    )
    other_commune = make_unit(
        "03127", "Xã Mường Phăng", "xa", parent=other_province, valid_from=REFORM_DATE
    )
    village_1 = make_unit("03388-01", "Tổ dân phố 1", "to_dan_pho", parent=doan_ket)
    village_2 = make_unit("03388-02", "Bản Sùng Phài", "ban", parent=doan_ket)
    village_3 = make_unit("03395-01", "Tổ dân phố 5", "to_dan_pho", parent=tan_phong)
    make_edge(legacy_quyet_tien, doan_ket, Succession.Kind.MERGE)
    make_edge(legacy_doan_ket, doan_ket, Succession.Kind.MERGE)

    user_model = get_user_model()

    def user(username: str, role: str, unit: Unit | None) -> object:
        u = user_model.objects.create_user(username=username, password=PASSWORD)
        RoleAssignment.objects.create(user=u, role=role, unit=unit)
        return u

    return World(
        province=province,
        other_province=other_province,
        legacy_district=legacy_district,
        legacy_quyet_tien=legacy_quyet_tien,
        legacy_doan_ket=legacy_doan_ket,
        doan_ket=doan_ket,
        tan_phong=tan_phong,
        other_commune=other_commune,
        village_1=village_1,
        village_2=village_2,
        village_3=village_3,
        tinh=user("tinh", Role.PROVINCE_OFFICER, province),
        xa=user("xa", Role.COMMUNE_OFFICER, doan_ket),
        thon=user("thon", Role.VILLAGE_REPORTER, village_1),
        ngoai=user("ngoai", Role.COMMUNE_OFFICER, other_commune),
        admin=user("admin", Role.ADMINISTRATOR, None),
    )
