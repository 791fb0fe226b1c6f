from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from vandong.accounts.auth import token_digest
from vandong.accounts.models import ApiToken, RoleAssignment
from vandong.core.models import AuditEntry, Channel

STRONG = "Mua-lua-chin-vang-2026"


def users(*args):
    out = StringIO()
    call_command("users", *args, stdout=out)
    return out.getvalue()


def test_create_resolves_current_unit_by_code(world):
    # when
    output = users(
        "create",
        "--username",
        "canbo",
        "--role",
        "commune_officer",
        "--unit",
        "03388",
        "--on",
        "2025-07-01",
        "--password",
        STRONG,
        "--email",
        "canbo@laichau.gov.vn",
        "--full-name",
        "Giàng A Phử",
    )
    # then
    user = get_user_model().objects.get(username="canbo")
    assert user.check_password(STRONG) is True
    assert user.email == "canbo@laichau.gov.vn"
    assert user.first_name == "Giàng A Phử"
    assert RoleAssignment.objects.get(user=user).unit == world.doan_ket
    assert output == "Created canbo: commune_officer on Phường Đoàn Kết (03388).\n"
    channels = set(AuditEntry.objects.values_list("channel", flat=True))
    assert channels == {Channel.CLI}


def test_create_resolves_reused_code_before_the_reform_to_legacy_unit(world):
    # when
    users(
        "create",
        "--username",
        "cu",
        "--role",
        "commune_officer",
        "--unit",
        "03388",
        "--on",
        "2025-06-01",
        "--password",
        STRONG,
    )
    # then
    assignment = RoleAssignment.objects.get(user__username="cu")
    assert assignment.unit == world.legacy_quyet_tien


def test_create_defaults_to_today(world):
    users(
        "create",
        "--username",
        "homnay",
        "--role",
        "village_reporter",
        "--unit",
        "03395-01",
        "--password",
        STRONG,
    )
    assert RoleAssignment.objects.get(user__username="homnay").unit == world.village_3


def test_create_reads_password_from_environment(world, monkeypatch):
    # given
    monkeypatch.setenv("VANDONG_NEW_PASSWORD", STRONG)
    # when
    users(
        "create",
        "--username",
        "env",
        "--role",
        "viewer",
        "--unit",
        "12",
        "--password-env",
        "VANDONG_NEW_PASSWORD",
    )
    # then
    assert get_user_model().objects.get(username="env").check_password(STRONG) is True


def test_create_with_empty_password_variable_fails(world, monkeypatch):
    monkeypatch.delenv("VANDONG_MISSING", raising=False)
    with pytest.raises(CommandError) as caught:
        users(
            "create",
            "--username",
            "env",
            "--role",
            "viewer",
            "--unit",
            "12",
            "--password-env",
            "VANDONG_MISSING",
        )
    assert "VANDONG_MISSING" in str(caught.value)


def test_create_without_password_generates_and_prints_one(world):
    # when
    output = users("create", "--username", "sinh", "--role", "viewer", "--unit", "12")
    # then
    password = output.splitlines()[1].removeprefix("Password (shown once): ")
    assert (
        get_user_model().objects.get(username="sinh").check_password(password) is True
    )


def test_create_administrator_without_unit(world):
    # when
    output = users(
        "create", "--username", "root", "--role", "administrator", "--password", STRONG
    )
    # then
    user = get_user_model().objects.get(username="root")
    assert user.is_superuser is True
    assert output == "Created root: administrator on the whole country.\n"


def test_create_with_unknown_code_fails_in_both_languages(world):
    # when
    with pytest.raises(CommandError) as caught:
        users(
            "create",
            "--username",
            "moi",
            "--role",
            "commune_officer",
            "--unit",
            "99999",
            "--on",
            "2025-07-01",
            "--password",
            STRONG,
        )
    # then
    assert str(caught.value) == (
        "Không có đơn vị hành chính mã 99999 vào ngày 01/07/2025.\n"
        "No administrative unit with code 99999 on 2025-07-01."
    )


def test_create_with_code_not_valid_on_date_fails(world):
    with pytest.raises(CommandError) as caught:
        users(
            "create",
            "--username",
            "moi",
            "--role",
            "commune_officer",
            "--unit",
            "03395",
            "--on",
            "2025-06-30",
            "--password",
            STRONG,
        )
    assert "No administrative unit with code 03395 on 2025-06-30." in str(caught.value)


def test_create_refused_by_service_fails_in_both_languages(world):
    # when
    with pytest.raises(CommandError) as caught:
        users(
            "create",
            "--username",
            "moi",
            "--role",
            "commune_officer",
            "--unit",
            "12",
            "--password",
            STRONG,
        )
    # then
    message_vi, message_en = str(caught.value).split("\n")
    assert message_vi.startswith("Vai trò cán bộ cấp xã chỉ được giao")
    assert message_en.startswith("The role commune officer is held on a commune unit")
    assert get_user_model().objects.filter(username="moi").exists() is False


def test_create_with_bad_date_or_role_fails(world):
    with pytest.raises(CommandError):
        users("create", "--username", "x", "--role", "viewer", "--on", "01/07/2025")
    with pytest.raises(CommandError):
        users("create", "--username", "x", "--role", "chairman")


def test_token_prints_the_token_once(world):
    # when
    output = users("token", "--username", "xa", "--name", "Excel import")
    # then
    token = output.strip()
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(token)
    assert stored.user == world.xa
    assert stored.name == "Excel import"
    assert AuditEntry.objects.get(entity="accounts.api_token").channel == Channel.CLI


def test_token_for_unknown_user_fails(world):
    with pytest.raises(CommandError) as caught:
        users("token", "--username", "khong-co", "--name", "x")
    assert str(caught.value) == (
        "Không tìm thấy người dùng “khong-co”.\nNo user named “khong-co”."
    )


def test_list_shows_users_and_roles(world):
    # when
    output = users("list")
    # then
    assert output.splitlines() == [
        "admin: administrator@*",
        "ngoai: commune_officer@03127 (Xã Mường Phăng)",
        "thon: village_reporter@03388-01 (Tổ dân phố 1)",
        "tinh: province_officer@12 (Tỉnh Lai Châu)",
        "xa: commune_officer@03388 (Phường Đoàn Kết)",
    ]
