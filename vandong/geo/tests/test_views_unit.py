import pytest
from django.urls import reverse

from vandong.geo.models import Succession
from vandong.geo.tests.factories import make_edge, make_unit

pytestmark = pytest.mark.django_db


def url(code):
    return reverse("geo:unit", args=[code])


@pytest.fixture
def xa(client, world):
    client.force_login(world.xa)
    return client


def test_unit_sends_anonymous_to_login(client, world):
    response = client.get(url("03388"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_unit_today_is_the_current_ward_with_its_predecessors(xa, world):
    response = xa.get(url("03388"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Phường Đoàn Kết" in html
    assert "Hình thành từ" in html
    assert world.legacy_quyet_tien.get_absolute_url() in html
    assert world.legacy_doan_ket.get_absolute_url() in html
    assert "Bản Sùng Phài" in html
    assert "Tổ dân phố 1" in html
    # the breadcrumb reaches the province
    assert 'href="/units/12/?on=' in html


def test_unit_before_the_reform_is_the_legacy_ward_with_its_successor(xa, world):
    response = xa.get(url("03388"), {"on": "2025-06-30"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Phường Quyết Tiến" in html
    assert "Thành phố Lai Châu" in html
    assert world.doan_ket.get_absolute_url() in html
    assert "Sáp nhập vào" in html
    assert "Không có đơn vị tiền thân được ghi nhận." in html


def test_unit_shows_the_other_unit_with_the_same_code(xa, world):
    response = xa.get(url("03388"), {"on": "2025-07-01"})

    html = response.content.decode()
    assert "Mã 03388 còn dùng cho:" in html
    assert "Phường Quyết Tiến" in html


def test_unit_shows_facts_in_vietnamese_notation(xa, world):
    # given
    unit = make_unit(
        "04000",
        "Xã Bình Lư",
        "xa",
        parent=world.province,
        valid_from=world.doan_ket.valid_from,
        area_km2=1234.5,
        population=21425,
        households=4012,
        latitude=22.3964,
        longitude=103.4707,
        is_sample=True,
    )

    # when
    html = xa.get(unit.get_absolute_url()).content.decode()

    # then
    assert "1.234,50 km²" in html
    assert "21.425" in html
    assert "4.012" in html
    assert "22,3964" in html
    assert "Dữ liệu mẫu" in html


def test_unit_province_spanning_both_trees_toggles_its_children(xa):
    on_day = xa.get(url("12"), {"on": "2025-06-30"}).content.decode()
    everything = xa.get(url("12"), {"on": "2025-06-30", "children": "all"})

    assert "Thành phố Lai Châu" in on_day
    assert "Phường Tân Phong" not in on_day
    assert "Hiển thị đơn vị của cả hai cây" in on_day
    html = everything.content.decode()
    assert "Thành phố Lai Châu" in html
    assert "Phường Tân Phong" in html
    assert "Chỉ hiển thị cây vào ngày 30/06/2025" in html


def test_unit_htmx_toggle_returns_the_children_partial(xa):
    response = xa.get(
        url("12"), {"on": "2025-07-01", "children": "all"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "<html" not in html
    assert "Thành phố Lai Châu" in html
    assert "Lineage" not in html


def test_unit_code_not_valid_on_the_day_lists_the_other_dates(xa, world):
    response = xa.get(url("03389"), {"on": "2025-07-01"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Vào ngày 01/07/2025 không có đơn vị nào mang mã 03389." in html
    assert world.legacy_doan_ket.get_absolute_url() in html


def test_unit_code_without_day_and_only_one_unit_redirects_to_it(xa, world):
    response = xa.get(url("03389"))

    assert response.status_code == 302
    assert response["Location"] == world.legacy_doan_ket.get_absolute_url()


def test_unit_unknown_code_is_404(xa):
    assert xa.get(url("77777")).status_code == 404


def test_unit_bad_date_falls_back_to_today(xa):
    response = xa.get(url("03388"), {"on": "yesterday"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Ngày không hợp lệ: hãy nhập theo dạng YYYY-MM-DD" in html
    assert "Đang hiển thị ngày hôm nay." in html
    assert "<h1>Phường Đoàn Kết" in html


def test_unit_split_edge_shows_area_share(xa, world):
    # given
    old = make_unit(
        "05000",
        "Xã Cũ",
        "xa",
        parent=world.legacy_district,
        valid_to=world.legacy_district.valid_to,
    )
    make_edge(old, world.tan_phong, Succession.Kind.SPLIT, area_share=0.25)

    # when
    html = xa.get(url("03395")).content.decode()

    # then
    assert "Xã Cũ" in html
    assert "25%" in html


def test_unit_query_count_does_not_grow(xa, world, django_assert_max_num_queries):
    # given: many predecessors and children
    for i in range(20):
        old = make_unit(
            f"06{i:03d}",
            f"Xã Cũ {i}",
            "xa",
            parent=world.legacy_district,
            valid_to=world.legacy_district.valid_to,
        )
        make_edge(old, world.doan_ket)
        make_unit(f"03388-{i + 10}", f"Thôn {i}", "thon", parent=world.doan_ket)

    # when: session, user, unit, children, lineage, same code, ancestors
    with django_assert_max_num_queries(7):
        response = xa.get(url("03388"))

    # then
    assert response.status_code == 200
    assert "Xã Cũ 19" in response.content.decode()
