import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from vandong.accounts.auth import ApiTokenAuth, token_digest
from vandong.accounts.errors import AccountsErrorCode
from vandong.accounts.models import ApiToken, Role, RoleAssignment
from vandong.accounts.permissions import Action
from vandong.accounts.queries import can
from vandong.accounts.services import (
    api_token_create,
    api_token_revoke,
    authorize,
    role_grant,
    role_revoke,
    user_create,
)
from vandong.core.errors import CoreErrorCode, DomainError
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Unit

STRONG = "Mua-lua-chin-vang-2026"


def refusal(**kwargs):
    with pytest.raises(DomainError) as caught:
        authorize(**kwargs)
    return caught.value


# authorize: the scope rules


def test_commune_officer_authorized_on_its_commune_and_villages(world):
    for unit in (world.doan_ket, world.village_1, world.village_2):
        authorize(actor=world.xa, action=Action.ENTER_DATA, unit=unit)


def test_commune_officer_refused_on_neighbour_commune(world):
    # when
    error = refusal(actor=world.xa, action=Action.ENTER_DATA, unit=world.tan_phong)
    # then
    assert error.code == AccountsErrorCode.OUT_OF_SCOPE
    assert error.status == 403
    assert error.message_vi == (
        "Phường Tân Phong (03395) nằm ngoài phạm vi được phân quyền của bạn."
    )
    assert error.message_en == "Phường Tân Phong (03395) is outside your scope."


def test_commune_officer_refused_on_neighbours_village_and_other_province(world):
    for unit in (world.village_3, world.other_commune, world.province):
        error = refusal(actor=world.xa, action=Action.ENTER_DATA, unit=unit)
        assert error.code == AccountsErrorCode.OUT_OF_SCOPE


def test_village_reporter_authorized_only_on_its_village(world):
    # when
    authorize(actor=world.thon, action=Action.ENTER_DATA, unit=world.village_1)
    error = refusal(actor=world.thon, action=Action.ENTER_DATA, unit=world.village_2)
    # then
    assert error.code == AccountsErrorCode.OUT_OF_SCOPE
    assert "Bản Sùng Phài (03388-02)" in error.message_vi


def test_province_officer_authorized_everywhere_in_province_with_legacy(world):
    for unit in Unit.objects.within(world.province):
        authorize(actor=world.tinh, action=Action.APPROVE, unit=unit)
    authorize(actor=world.tinh, action=Action.ENTER_DATA, unit=world.legacy_quyet_tien)


def test_province_officer_refused_in_other_province(world):
    for unit in (world.other_province, world.other_commune):
        error = refusal(actor=world.tinh, action=Action.ENTER_DATA, unit=unit)
        assert error.code == AccountsErrorCode.OUT_OF_SCOPE


def test_outsider_refused_in_province(world):
    for unit in Unit.objects.within(world.province):
        error = refusal(actor=world.ngoai, action=Action.ENTER_DATA, unit=unit)
        assert error.code == AccountsErrorCode.OUT_OF_SCOPE


def test_administrator_authorized_everywhere(world):
    for unit in [*Unit.objects.all(), None]:
        for action in Action.values:
            authorize(actor=world.admin, action=action, unit=unit)


def test_system_actor_is_always_authorized(world):
    authorize(actor=None, action=Action.MANAGE_CATALOG, unit=None)


def test_viewer_may_view_but_not_enter_data(world):
    # given
    viewer = user_create(
        actor=world.admin,
        username="xem",
        password=STRONG,
        role=Role.VIEWER,
        unit=world.province,
    )
    # when
    authorize(actor=viewer, action=Action.VIEW, unit=world.village_3)
    error = refusal(actor=viewer, action=Action.ENTER_DATA, unit=world.village_3)
    # then
    assert error.code == AccountsErrorCode.NOT_ALLOWED
    assert error.message_vi == (
        "Vai trò của bạn không được phép nhập số liệu tại Tổ dân phố 5 (03395-01)."
    )
    assert error.message_en == (
        "Your role does not allow “enter data” on Tổ dân phố 5 (03395-01)."
    )


def test_village_reporter_may_not_approve_even_its_village(world):
    error = refusal(actor=world.thon, action=Action.APPROVE, unit=world.village_1)
    assert error.code == AccountsErrorCode.NOT_ALLOWED


def test_commune_officer_manages_villages_not_its_commune(world):
    # when
    authorize(actor=world.xa, action=Action.MANAGE_UNITS, unit=world.village_1)
    on_commune = refusal(
        actor=world.xa, action=Action.MANAGE_UNITS, unit=world.doan_ket
    )
    on_neighbour = refusal(
        actor=world.xa, action=Action.MANAGE_UNITS, unit=world.village_3
    )
    # then
    assert on_commune.code == AccountsErrorCode.NOT_ALLOWED
    assert on_neighbour.code == AccountsErrorCode.OUT_OF_SCOPE


def test_only_administrators_act_on_the_whole_country(world):
    error = refusal(actor=world.tinh, action=Action.MANAGE_CATALOG, unit=None)
    assert error.code == AccountsErrorCode.NOT_ALLOWED
    error = refusal(actor=world.tinh, action=Action.VIEW, unit=None)
    assert error.code == AccountsErrorCode.OUT_OF_SCOPE
    assert error.message_en == "The whole country is outside your scope."


def test_anonymous_user_not_allowed(world):
    error = refusal(actor=AnonymousUser(), action=Action.VIEW, unit=world.doan_ket)
    assert error.code == AccountsErrorCode.NOT_ALLOWED


# user_create


def test_user_create_by_province_officer_hashes_password_and_audits(world):
    # when
    user = user_create(
        actor=world.tinh,
        username="canbo",
        password=STRONG,
        role=Role.COMMUNE_OFFICER,
        unit=world.tan_phong,
        email="canbo@laichau.gov.vn",
        full_name="Lò Văn Pằn",
    )
    # then
    assert user.check_password(STRONG) is True
    assert user.password != STRONG
    assert user.get_full_name() == "Lò Văn Pằn"
    assert can(actor=user, action=Action.ENTER_DATA, unit=world.village_3) is True
    entries = list(AuditEntry.objects.filter(actor=world.tinh).order_by("id"))
    assert [(e.entity, e.action, e.channel) for e in entries] == [
        ("accounts.user", "create", Channel.WEB),
        ("accounts.role_assignment", "create", Channel.WEB),
    ]
    assert entries[0].new == {
        "username": "canbo",
        "email": "canbo@laichau.gov.vn",
        "full_name": "Lò Văn Pằn",
    }
    assert entries[1].new == {
        "user": "canbo",
        "role": "commune_officer",
        "unit": "03395",
        "unit_id": world.tan_phong.pk,
    }
    dumped = json.dumps([e.new for e in entries])
    assert STRONG not in dumped
    assert user.password not in dumped


def test_user_create_by_system_records_channel(world):
    # when
    user = user_create(
        actor=None,
        username="he_thong",
        password=STRONG,
        role=Role.VILLAGE_REPORTER,
        unit=world.village_2,
        channel=Channel.CLI,
    )
    # then
    entry = AuditEntry.objects.get(entity="accounts.user", entity_id=str(user.pk))
    assert entry.actor is None
    assert entry.channel == Channel.CLI


def test_user_create_refused_for_commune_officer(world):
    # when
    with pytest.raises(DomainError) as caught:
        user_create(
            actor=world.xa,
            username="moi",
            password=STRONG,
            role=Role.VILLAGE_REPORTER,
            unit=world.village_1,
        )
    # then
    assert caught.value.code == AccountsErrorCode.NOT_ALLOWED
    assert get_user_model().objects.filter(username="moi").exists() is False


def test_user_create_refused_outside_scope(world):
    # when
    with pytest.raises(DomainError) as caught:
        user_create(
            actor=world.tinh,
            username="moi",
            password=STRONG,
            role=Role.COMMUNE_OFFICER,
            unit=world.other_commune,
        )
    # then
    assert caught.value.code == AccountsErrorCode.OUT_OF_SCOPE
    assert AuditEntry.objects.exists() is False


@pytest.mark.parametrize(
    ("role", "unit_name"),
    [
        (Role.COMMUNE_OFFICER, "province"),
        (Role.PROVINCE_OFFICER, "doan_ket"),
        (Role.DISTRICT_OFFICER, "doan_ket"),
        (Role.VILLAGE_REPORTER, "tan_phong"),
        (Role.PROVINCE_OFFICER, None),
        (Role.VIEWER, None),
    ],
)
def test_user_create_refuses_role_on_wrong_level(world, role, unit_name):
    # given
    unit = getattr(world, unit_name) if unit_name else None
    # when
    with pytest.raises(DomainError) as caught:
        user_create(actor=None, username="moi", password=STRONG, role=role, unit=unit)
    # then
    assert caught.value.code == AccountsErrorCode.ROLE_LEVEL_MISMATCH
    assert caught.value.field == "unit"
    assert get_user_model().objects.filter(username="moi").exists() is False


def test_role_level_mismatch_message_names_levels(world):
    with pytest.raises(DomainError) as caught:
        role_grant(
            actor=None, user=world.thon, role=Role.COMMUNE_OFFICER, unit=world.province
        )
    assert caught.value.message_vi == (
        "Vai trò cán bộ cấp xã chỉ được giao trên đơn vị cấp xã; "
        "Tỉnh Lai Châu (12) không phải."
    )
    assert caught.value.message_en == (
        "The role commune officer is held on a commune unit only; "
        "Tỉnh Lai Châu (12) is not one."
    )


def test_user_create_allows_district_officer_on_legacy_district(world):
    user = user_create(
        actor=world.tinh,
        username="huyen",
        password=STRONG,
        role=Role.DISTRICT_OFFICER,
        unit=world.legacy_district,
    )
    assert can(actor=user, action=Action.APPROVE, unit=world.legacy_doan_ket) is True
    assert can(actor=user, action=Action.APPROVE, unit=world.doan_ket) is False


def test_user_create_refuses_weak_password(world):
    # when
    with pytest.raises(DomainError) as caught:
        user_create(
            actor=None,
            username="moi",
            password="12345678",
            role=Role.VIEWER,
            unit=world.province,
        )
    # then
    assert caught.value.code == AccountsErrorCode.INVALID_PASSWORD
    assert caught.value.field == "password"
    assert "This password is too common." in caught.value.message_en
    assert caught.value.message_vi.startswith("Mật khẩu chưa đạt: ")
    assert get_user_model().objects.filter(username="moi").exists() is False


def test_user_create_refuses_taken_username_whatever_the_case(world):
    with pytest.raises(DomainError) as caught:
        user_create(
            actor=None,
            username="XA",
            password=STRONG,
            role=Role.VIEWER,
            unit=world.province,
        )
    assert caught.value.code == AccountsErrorCode.USER_EXISTS


def test_user_create_refuses_malformed_username_and_email(world):
    with pytest.raises(DomainError) as bad_name:
        user_create(
            actor=None,
            username="có dấu cách",
            password=STRONG,
            role=Role.VIEWER,
            unit=world.province,
        )
    with pytest.raises(DomainError) as bad_email:
        user_create(
            actor=None,
            username="moi",
            password=STRONG,
            role=Role.VIEWER,
            unit=world.province,
            email="khong-phai-email",
        )
    assert bad_name.value.code == AccountsErrorCode.INVALID_USERNAME
    assert bad_email.value.code == CoreErrorCode.INVALID


def test_province_officer_may_not_grant_administrator(world):
    with pytest.raises(DomainError) as caught:
        role_grant(
            actor=world.tinh,
            user=world.xa,
            role=Role.ADMINISTRATOR,
            unit=world.province,
        )
    assert caught.value.code == AccountsErrorCode.NOT_ALLOWED
    assert caught.value.field == "role"


def test_unknown_role_refused(world):
    with pytest.raises(DomainError) as caught:
        role_grant(actor=None, user=world.xa, role="chairman", unit=world.doan_ket)
    assert caught.value.code == AccountsErrorCode.UNKNOWN_ROLE


# role_grant / role_revoke


def test_role_grant_takes_effect_on_the_same_user_object(world):
    # given
    assert can(actor=world.xa, action=Action.ENTER_DATA, unit=world.tan_phong) is False
    # when
    role_grant(
        actor=world.tinh, user=world.xa, role=Role.COMMUNE_OFFICER, unit=world.tan_phong
    )
    # then
    assert can(actor=world.xa, action=Action.ENTER_DATA, unit=world.tan_phong) is True
    entry = AuditEntry.objects.get(entity="accounts.role_assignment")
    assert entry.actor == world.tinh
    assert entry.new == {
        "user": "xa",
        "role": "commune_officer",
        "unit": "03395",
        "unit_id": world.tan_phong.pk,
    }


def test_role_grant_twice_refused(world):
    with pytest.raises(DomainError) as caught:
        role_grant(
            actor=world.tinh,
            user=world.xa,
            role=Role.COMMUNE_OFFICER,
            unit=world.doan_ket,
        )
    assert caught.value.code == AccountsErrorCode.ROLE_EXISTS


def test_role_grant_out_of_scope_refused(world):
    with pytest.raises(DomainError) as caught:
        role_grant(
            actor=world.tinh,
            user=world.xa,
            role=Role.COMMUNE_OFFICER,
            unit=world.other_commune,
        )
    assert caught.value.code == AccountsErrorCode.OUT_OF_SCOPE
    assert RoleAssignment.objects.filter(unit=world.other_commune).count() == 1


def test_role_revoke_removes_scope_and_audits(world):
    # when
    role_revoke(
        actor=world.tinh, user=world.xa, role=Role.COMMUNE_OFFICER, unit=world.doan_ket
    )
    # then
    assert can(actor=world.xa, action=Action.VIEW, unit=world.doan_ket) is False
    entry = AuditEntry.objects.get(entity="accounts.role_assignment")
    assert entry.action == AuditEntry.Action.DELETE
    assert entry.old == {
        "user": "xa",
        "role": "commune_officer",
        "unit": "03388",
        "unit_id": world.doan_ket.pk,
    }


def test_role_revoke_of_role_not_held_refused(world):
    with pytest.raises(DomainError) as caught:
        role_revoke(
            actor=world.tinh, user=world.xa, role=Role.VIEWER, unit=world.doan_ket
        )
    assert caught.value.code == AccountsErrorCode.ROLE_NOT_HELD


def test_role_revoke_outside_scope_refused(world):
    with pytest.raises(DomainError) as caught:
        role_revoke(
            actor=world.tinh,
            user=world.ngoai,
            role=Role.COMMUNE_OFFICER,
            unit=world.other_commune,
        )
    assert caught.value.code == AccountsErrorCode.OUT_OF_SCOPE


def test_country_administrator_is_django_superuser_while_role_lasts(world):
    # given
    user = user_create(
        actor=world.admin,
        username="quantri",
        password=STRONG,
        role=Role.ADMINISTRATOR,
        unit=None,
    )
    assert (user.is_staff, user.is_superuser) == (True, True)
    # when
    role_revoke(actor=world.admin, user=user, role=Role.ADMINISTRATOR, unit=None)
    # then
    user.refresh_from_db()
    assert (user.is_staff, user.is_superuser) == (False, False)
    assert can(actor=user, action=Action.VIEW, unit=world.province) is False


# API tokens


def test_api_token_create_returns_token_once_and_stores_digest(world):
    # given
    request = RequestFactory().get("/api/v1/units/")
    # when
    token = api_token_create(actor=world.tinh, user=world.xa, name="Excel import")
    # then
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(token)
    assert stored.prefix == token[:8]
    assert len(token) >= 43
    assert ApiTokenAuth().authenticate(request, token) == world.xa
    entry = AuditEntry.objects.get(entity="accounts.api_token")
    assert entry.new == {"user": "xa", "name": "Excel import", "prefix": token[:8]}
    assert token not in json.dumps(entry.new)


def test_api_token_for_oneself_allowed(world):
    token = api_token_create(actor=world.thon, user=world.thon, name="phone")
    assert ApiToken.objects.get(digest=token_digest(token)).user == world.thon


def test_api_token_for_someone_else_needs_user_management(world):
    with pytest.raises(DomainError) as by_commune:
        api_token_create(actor=world.xa, user=world.thon, name="x")
    with pytest.raises(DomainError) as for_outsider:
        api_token_create(actor=world.tinh, user=world.ngoai, name="x")
    with pytest.raises(DomainError) as for_admin:
        api_token_create(actor=world.tinh, user=world.admin, name="x")
    assert by_commune.value.code == AccountsErrorCode.NOT_ALLOWED
    assert for_outsider.value.code == AccountsErrorCode.OUT_OF_SCOPE
    assert for_admin.value.code == AccountsErrorCode.OUT_OF_SCOPE
    assert ApiToken.objects.exists() is False


def test_api_token_needs_a_name(world):
    with pytest.raises(DomainError) as caught:
        api_token_create(actor=None, user=world.xa, name="  ")
    assert caught.value.code == CoreErrorCode.INVALID


def test_api_token_revoke_stops_authentication(world):
    # given
    token = api_token_create(actor=None, user=world.xa, name="import")
    api_token = ApiToken.objects.get()
    # when
    api_token_revoke(actor=world.xa, api_token=api_token)
    api_token_revoke(actor=world.xa, api_token=api_token)
    # then
    request = RequestFactory().get("/")
    assert ApiTokenAuth().authenticate(request, token) is None
    assert AuditEntry.objects.filter(entity="accounts.api_token").count() == 2
