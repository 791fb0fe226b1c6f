import pytest
from django.urls import reverse

from vandong.geo.tests.factories import make_unit

pytestmark = pytest.mark.django_db

URL = reverse("geo:browse")


@pytest.fixture
def xa(client, world):
    client.force_login(world.xa)
    return client


def test_browse_sends_anonymous_to_login(client, world):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_browse_today_lists_current_provinces_with_counts(xa):
    response = xa.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Tỉnh Lai Châu" in html
    assert "Tỉnh Điện Biên" in html
    assert "2 đơn vị" in html
    assert "Trước khi sắp xếp" in html
    assert "Sau khi sắp xếp" in html


def test_browse_before_the_reform_opens_the_legacy_district(xa):
    # when: the no-JS fallback link of a province
    response = xa.get(URL, {"on": "2025-06-30", "parent": "12"})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Thành phố Lai Châu" in html
    assert "Phường Tân Phong" not in html
    assert 'href="/units/105/?on=2025-06-30"' in html


def test_browse_after_the_reform_opens_the_current_communes(xa):
    response = xa.get(URL, {"on": "2025-07-01", "parent": "12"})

    html = response.content.decode()
    assert "Phường Đoàn Kết" in html
    assert "Phường Tân Phong" in html
    assert "Thành phố Lai Châu" not in html


def test_browse_htmx_returns_only_the_tree_partial(xa):
    response = xa.get(
        URL, {"on": "2025-06-30", "parent": "105"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert "Phường Quyết Tiến" in html
    assert "Phường Đoàn Kết" in html
    assert "HX-Request" in response["Vary"]


def test_browse_unknown_parent_is_404(xa):
    response = xa.get(URL, {"on": "2025-07-01", "parent": "105"})

    assert response.status_code == 404


def test_browse_bad_date_falls_back_to_today_and_says_so(xa):
    response = xa.get(URL, {"on": "30-06-2025"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ: hãy nhập theo dạng YYYY-MM-DD" in html
    assert "Đang hiển thị ngày hôm nay." in html
    assert "Tỉnh Lai Châu" in html


def test_browse_query_count_does_not_grow_with_provinces(
    xa, world, django_assert_max_num_queries
):
    # given
    for i in range(30):
        make_unit(f"{50 + i}", f"Tỉnh Thử {i}", "tinh")

    # when: session, user, provinces with counts
    with django_assert_max_num_queries(3):
        response = xa.get(URL)

    # then
    assert response.status_code == 200


def test_browse_children_query_count(xa, django_assert_max_num_queries):
    # session, user, parent, children with counts, ancestors
    with django_assert_max_num_queries(5):
        response = xa.get(URL, {"on": "2025-07-01", "parent": "03388"})

    assert "Bản Sùng Phài" in response.content.decode()
