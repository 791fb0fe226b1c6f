"""The officers' publication page: who may open it, publishing from it, the
refusal listing the forms not approved."""

import pytest

from vandong.portal.models import Publication
from vandong.portal.tests.scene import approve_all

pytestmark = pytest.mark.django_db

PAGE = "/cong-khai/cong-bo/"


def test_login_is_required(client, portal):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_only_province_officers(client, portal):
    client.force_login(portal.world.xa)
    assert client.get(PAGE).status_code == 403


def test_the_page_lists_the_years_and_what_blocks_them(client, portal):
    client.force_login(portal.world.tinh)
    page = client.get(PAGE).content.decode()
    assert 'data-year="2025"' in page
    assert "Tỉnh Lai Châu" in page


def test_publishing_refused_then_done(client, portal):
    world = portal.world
    client.force_login(world.tinh)

    refused = client.post(PAGE, {"tinh": "12", "year": "2025", "action": "publish"})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert 'id="refusal"' in page
    assert "Phường Tân Phong (03395), kỳ 2025: nháp" in page
    assert not Publication.objects.exists()

    approve_all(world, 2025)
    done = client.post(
        PAGE, {"tinh": "12", "year": "2025", "action": "publish", "note": "Đã duyệt"}
    )
    assert done.status_code == 302
    assert Publication.objects.get().note == "Đã duyệt"

    client.post(PAGE, {"tinh": "12", "year": "2025", "action": "withdraw"})
    assert not Publication.objects.exists()


def test_another_provinces_officer_cannot_publish_here(client, portal):
    from vandong.accounts.models import Role, RoleAssignment

    world = portal.world
    officer = type(world.tinh).objects.create_user(username="dienbien", password="x")
    RoleAssignment.objects.create(
        user=officer, role=Role.PROVINCE_OFFICER, unit=world.other_province
    )
    approve_all(world, 2025)
    client.force_login(officer)
    # a province not theirs is refused, not replaced by their own
    response = client.post(PAGE, {"tinh": "12", "year": "2025", "action": "publish"})
    assert response.status_code == 400
    assert not Publication.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"year": "2025", "action": "publish"},
        {"tinh": "99", "year": "2025", "action": "publish"},
        {"tinh": "12", "year": "2025", "action": "delete"},
    ],
)
def test_a_post_without_its_province_or_with_an_unknown_action_is_refused(
    client, portal, data
):
    approve_all(portal.world, 2025)
    client.force_login(portal.world.tinh)
    assert client.post(PAGE, data).status_code == 400
    assert not Publication.objects.exists()
