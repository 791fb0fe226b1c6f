import pytest
from django.test import Client

from vandong.accounts.models import ApiToken, Role, RoleAssignment
from vandong.accounts.services import api_token_create, user_create
from vandong.core.models import AuditEntry


@pytest.fixture
def root(world):
    return user_create(
        actor=None,
        username="root",
        password="Mua-lua-chin-vang-2026",
        role=Role.ADMINISTRATOR,
        unit=None,
    )


@pytest.fixture
def admin_client(root):
    client = Client(headers={"accept-language": "en"})
    client.force_login(root)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/accounts/roleassignment/",
        "/admin/accounts/roleassignment/add/",
        "/admin/accounts/apitoken/",
        "/admin/core/auditentry/",
        "/admin/auth/user/",
    ],
)
def test_admin_pages_render(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_user_page_shows_roles_inline(admin_client, world):
    # when
    response = admin_client.get(f"/admin/auth/user/{world.xa.pk}/change/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="role_assignments-TOTAL_FORMS"' in html
    assert "Phường Đoàn Kết (03388)" in html


def test_role_added_in_admin_goes_through_service(admin_client, world, root):
    # when
    response = admin_client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": world.thon.pk, "role": "viewer", "unit": world.province.pk},
    )
    # then
    assert response.status_code == 302
    assert (
        RoleAssignment.objects.filter(user=world.thon, role="viewer").exists() is True
    )
    entry = AuditEntry.objects.get(entity="accounts.role_assignment", actor=root)
    assert entry.new == {
        "user": "thon",
        "role": "viewer",
        "unit": "12",
        "unit_id": world.province.pk,
    }


def test_role_on_wrong_level_refused_in_admin_form(admin_client, world):
    # when
    response = admin_client.post(
        "/admin/accounts/roleassignment/add/",
        {"user": world.thon.pk, "role": "commune_officer", "unit": world.province.pk},
    )
    # then
    assert response.status_code == 200
    assert "is held on a commune unit only" in response.content.decode()
    assert RoleAssignment.objects.filter(user=world.thon).count() == 1


def test_role_deleted_in_admin_is_revoked_through_service(admin_client, world, root):
    # given
    assignment = RoleAssignment.objects.get(user=world.xa)
    # when
    response = admin_client.post(
        f"/admin/accounts/roleassignment/{assignment.pk}/delete/", {"post": "yes"}
    )
    # then
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=world.xa).exists() is False
    entry = AuditEntry.objects.get(entity="accounts.role_assignment", actor=root)
    assert entry.action == AuditEntry.Action.DELETE


def test_tokens_cannot_be_added_and_audit_cannot_be_changed(admin_client, world):
    # given
    api_token_create(actor=None, user=world.xa, name="import")
    entry = AuditEntry.objects.get(entity="accounts.api_token")
    # when
    add_token = admin_client.get("/admin/accounts/apitoken/add/")
    change_entry = admin_client.post(f"/admin/core/auditentry/{entry.pk}/change/", {})
    delete_entry = admin_client.post(f"/admin/core/auditentry/{entry.pk}/delete/")
    # then
    assert add_token.status_code == 403
    assert change_entry.status_code == 403
    assert delete_entry.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists() is True


def test_token_revoked_by_admin_action(admin_client, world):
    # given
    api_token_create(actor=None, user=world.xa, name="import")
    api_token = ApiToken.objects.get()
    # when
    response = admin_client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [api_token.pk]},
    )
    # then
    assert response.status_code == 302
    api_token.refresh_from_db()
    assert api_token.revoked_at is not None


def _user_change_data(user, rows):
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "role_assignments-TOTAL_FORMS": str(len(rows)),
        "role_assignments-INITIAL_FORMS": "1",
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"role_assignments-{index}-{key}"] = value
    return data


def test_roles_added_and_deleted_inline_go_through_services(admin_client, world, root):
    # given
    existing = RoleAssignment.objects.get(user=world.xa)
    data = _user_change_data(
        world.xa,
        [
            {"id": existing.pk, "user": world.xa.pk, "DELETE": "on"},
            {
                "user": world.xa.pk,
                "role": "commune_officer",
                "unit": world.tan_phong.pk,
            },
        ],
    )
    # when
    response = admin_client.post(f"/admin/auth/user/{world.xa.pk}/change/", data)
    # then
    assert response.status_code == 302
    held = list(
        RoleAssignment.objects.filter(user=world.xa).values_list("unit", flat=True)
    )
    assert held == [world.tan_phong.pk]
    actions = AuditEntry.objects.filter(
        entity="accounts.role_assignment", actor=root
    ).values_list("action", flat=True)
    assert sorted(actions) == ["create", "delete"]


def test_inline_role_on_wrong_level_is_refused(admin_client, world):
    # given
    data = _user_change_data(
        world.xa,
        [
            {"id": RoleAssignment.objects.get(user=world.xa).pk, "user": world.xa.pk},
            {
                "user": world.xa.pk,
                "role": "village_reporter",
                "unit": world.tan_phong.pk,
            },
        ],
    )
    # when
    response = admin_client.post(f"/admin/auth/user/{world.xa.pk}/change/", data)
    # then
    assert response.status_code == 200
    assert "is held on a village unit only" in response.content.decode()
    assert RoleAssignment.objects.filter(user=world.xa).count() == 1
