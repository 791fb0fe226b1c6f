"""The rule checks of one unit and period."""

import re

import pytest
from django.urls import reverse

from vandong.collect.tests.test_views_entry import entry_url, make_form, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(world):
    return make_form()


def url(unit_code: str = "03388") -> str:
    return reverse("collect:violations", args=["2025", unit_code])


def test_violations_lists_the_broken_rule_with_a_link_to_the_form(client, world, form):
    # given
    write(world.xa, form, T_HH=10, T_HH_CULT=12)
    client.force_login(world.xa)

    # when
    response = client.get(url())

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Phường Đoàn Kết" in html
    assert 'class="sev-error"' in html
    assert (
        f'<a href="{entry_url(form)}#cell-T_HH_CULT" title="Biểu thử cấp xã">Số hộ gia đình văn hóa</a>'
        in html
    )
    # the two sides' values, in the columns after the rule
    assert re.search(
        r'<td class="num" data-label="[^"]+">12</td>\s*<td class="num" data-label="[^"]+">10</td>',
        html,
    )


def test_violations_of_a_clean_unit_say_so(client, world, form):
    write(world.xa, form, T_HH=10, T_HH_CULT=8)
    client.force_login(world.xa)

    html = client.get(url()).content.decode()

    assert 'class="sev-error"' not in html
    assert html.count('<p class="ok">') == 2


def test_violations_of_a_commune_outside_the_scope_are_not_found(client, world, form):
    client.force_login(world.xa)

    response = client.get(url("03395"))

    assert response.status_code == 404


def test_violations_of_an_unknown_period_are_not_found(client, world, form):
    client.force_login(world.xa)

    response = client.get(reverse("collect:violations", args=["1999", "03388"]))

    assert response.status_code == 404
