"""The chooser: data set, period and unit in scope, with each unit's state."""

import pytest
from django.urls import reverse

from vandong.collect import services
from vandong.collect.tests.test_views_entry import entry_url, make_form, write

pytestmark = pytest.mark.django_db

URL = reverse("collect:home")


@pytest.fixture
def form(world):
    return make_form()


def test_home_sends_anonymous_to_login(client, form):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_home_lists_the_data_sets_and_the_units_of_the_commune(client, world, form):
    client.force_login(world.xa)

    response = client.get(URL, {"set": "T_XA", "period": "2025"})

    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="T_XA" selected>Biểu thử cấp xã</option>' in html
    assert '<option value="2025" selected>2025</option>' in html
    assert "Phường Đoàn Kết" in html
    assert f'href="{entry_url(form)}"' in html


def test_commune_officer_may_choose_only_the_own_commune(client, world, form):
    client.force_login(world.xa)

    html = client.get(URL, {"set": "T_XA", "period": "2025"}).content.decode()

    assert '<option value="03388">Phường Đoàn Kết (03388)</option>' in html
    assert "03395" not in html
    assert "Phường Tân Phong" not in html


def test_province_officer_may_choose_every_current_commune(client, world, form):
    client.force_login(world.tinh)

    html = client.get(URL, {"set": "T_XA", "period": "2025"}).content.decode()

    assert '<option value="03388">Phường Đoàn Kết (03388)</option>' in html
    assert '<option value="03395">Phường Tân Phong (03395)</option>' in html
    # the legacy wards are not units of 2025's last day
    assert "Phường Quyết Tiến" not in html
    assert "03127" not in html


def test_home_shows_state_filled_count_and_violations(client, world, form):
    # given Đoàn Kết filled, submitted, then changed to break the rule
    write(world.xa, form, T_HH=10, T_HH_CULT=8)
    services.approval_submit(
        actor=world.xa,
        data_set=form.data_set,
        unit=world.doan_ket,
        period=form.period,
    )
    write(world.xa, form, T_HH_CULT=12)
    client.force_login(world.tinh)

    # when
    html = client.get(URL, {"set": "T_XA", "period": "2025"}).content.decode()

    # then
    row = html.split('<th scope="row">Phường Đoàn Kết')[1].split("</tr>")[0]
    assert 'class="badge state-submitted"' in row
    assert '<td class="num">2 / 2</td>' in row
    violations = reverse("collect:violations", args=["2025", "03388"])
    assert f'<a href="{violations}">1</a>' in row
    other = html.split('<th scope="row">Phường Tân Phong')[1].split("</tr>")[0]
    assert 'class="badge state-draft"' in other
    assert '<td class="num">0 / 2</td>' in other


def test_choosing_a_unit_opens_its_form(client, world, form):
    client.force_login(world.xa)

    response = client.get(URL, {"set": "T_XA", "period": "2025", "unit": "03388"})

    assert response.status_code == 302
    assert response["Location"] == entry_url(form)


def test_htmx_change_of_period_returns_the_chooser_only(client, world, form):
    client.force_login(world.xa)

    response = client.get(
        URL, {"set": "T_XA", "period": "2025"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="chooser">')
    assert "<h1>" not in html


def test_user_without_data_role_has_no_data_set(client, world, form):
    from django.contrib.auth import get_user_model

    from vandong.accounts.models import Role, RoleAssignment

    viewer = get_user_model().objects.create_user(username="xem")
    RoleAssignment.objects.create(user=viewer, role=Role.VIEWER, unit=world.province)
    client.force_login(viewer)

    html = client.get(URL).content.decode()

    assert "T_XA" not in html


def test_home_query_count_is_pinned(client, world, form, django_assert_max_num_queries):
    write(world.xa, form, T_HH=10, T_HH_CULT=12)
    client.force_login(world.tinh)

    with django_assert_max_num_queries(15):
        response = client.get(URL, {"set": "T_XA", "period": "2025"})

    assert response.status_code == 200
