import pytest
from django.urls import reverse

from vandong.geo.tests.factories import make_unit

pytestmark = pytest.mark.django_db

URL = reverse("geo:search")


@pytest.fixture
def xa(client, world):
    client.force_login(world.xa)
    return client


def test_search_sends_anonymous_to_login(client, world):
    response = client.get(URL, {"q": "doan ket"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_search_page_without_query_shows_the_form(xa):
    response = xa.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in html
    assert 'hx-trigger="input changed delay:300ms, search"' in html
    assert 'type="submit"' in html


@pytest.mark.parametrize("text", ["doan ket", "ĐOÀN KẾT", "Đoàn Kết"])
def test_search_ignores_accents_and_case(xa, text):
    response = xa.get(URL, {"q": text})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Phường Đoàn Kết</a>") == 2
    assert '<span class="badge legacy">Cũ' in html
    assert '<span class="badge current">Hiện hành' in html


def test_search_finds_a_village_with_its_parent_chain(xa):
    response = xa.get(URL, {"q": "sung phai"})

    html = response.content.decode()
    assert "Bản Sùng Phài" in html
    assert "Tỉnh Lai Châu › Phường Đoàn Kết" in html


def test_search_legacy_commune_shows_its_district(xa):
    response = xa.get(URL, {"q": "quyet tien"})

    assert "Tỉnh Lai Châu › Thành phố Lai Châu" in response.content.decode()


def test_search_filters_by_day_and_level(xa):
    current = xa.get(URL, {"q": "doan ket", "on": "2025-07-01"}).content.decode()
    provinces = xa.get(URL, {"q": "lai chau", "level": "1"}).content.decode()

    assert current.count("Phường Đoàn Kết</a>") == 1
    assert "Tỉnh Lai Châu</a>" in provinces
    assert "Thành phố Lai Châu</a>" not in provinces


def test_search_htmx_returns_only_the_results(xa):
    response = xa.get(URL, {"q": "muong phang"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert "<form" not in html
    assert "Xã Mường Phăng" in html


def test_search_nothing_found(xa):
    response = xa.get(URL, {"q": "khong co"})

    assert "Không tìm thấy đơn vị nào." in response.content.decode()


def test_search_pages_by_50(xa, world, django_assert_max_num_queries):
    # given
    for i in range(60):
        make_unit(f"9{i:04d}", f"Thôn Thử {i:02d}", "thon", parent=world.doan_ket)

    # when: session, user, count, page
    with django_assert_max_num_queries(4):
        first = xa.get(URL, {"q": "thon thu"})
    second = xa.get(URL, {"q": "thon thu", "page": "2"})

    # then
    first_html = first.content.decode()
    second_html = second.content.decode()
    assert "Tìm thấy 60 đơn vị" in first_html
    assert first_html.count("<tr>") == 51
    assert second_html.count("<tr>") == 11
    assert "Thôn Thử 00" in first_html
    assert "Thôn Thử 59" in second_html
    assert "q=thon+thu&amp;page=2" in first_html


# The admin's unit search shares the folded-name rule.


@pytest.fixture
def root(client, world, django_user_model):
    user = django_user_model.objects.create_superuser(username="root", password="x")
    client.force_login(user)
    return client


def test_admin_unit_search_ignores_accents(root):
    response = root.get(reverse("admin:geo_unit_changelist"), {"q": "quyet tien"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Phường Quyết Tiến" in html
    assert "Phường Tân Phong" not in html


@pytest.mark.parametrize(
    ("validity", "present", "absent"),
    [
        ("legacy", "Phường Quyết Tiến", "Phường Tân Phong"),
        ("current", "Phường Tân Phong", "Phường Quyết Tiến"),
        ("both", "Tỉnh Lai Châu", "Phường Quyết Tiến"),
    ],
)
def test_admin_unit_validity_filter(root, validity, present, absent):
    response = root.get(reverse("admin:geo_unit_changelist"), {"validity": validity})

    html = response.content.decode()
    assert present in html
    assert absent not in html


def test_admin_pages_render(root, world):
    urls = [
        reverse("admin:geo_unit_change", args=[world.doan_ket.pk]),
        reverse("admin:geo_unit_add"),
        reverse("admin:geo_succession_changelist"),
    ]

    assert [root.get(u).status_code for u in urls] == [200, 200, 200]


def test_admin_save_keeps_name_key_and_paths_in_step(root, world):
    # given: Tân Phong moves under the other province and is renamed
    url = reverse("admin:geo_unit_change", args=[world.tan_phong.pk])
    data = {
        "code": "03395",
        "name": "Phường Tân Phong Mới",
        "short_name": "",
        "type": "phuong",
        "level": 3,
        "parent": world.other_province.pk,
        "valid_from": "2025-07-01",
        "valid_to": "",
        "region": "",
        "area_class": "",
        "commune_group": "",
        "latitude": "",
        "longitude": "",
        "area_km2": "",
        "households": "",
        "population": "",
        "source": "",
    }

    # when
    response = root.post(url, data)

    # then
    assert response.status_code == 302
    world.tan_phong.refresh_from_db()
    world.village_3.refresh_from_db()
    assert world.tan_phong.name_key == "phuong tan phong moi"
    assert world.tan_phong.path == f"/{world.other_province.pk}/{world.tan_phong.pk}/"
    assert world.village_3.path == f"{world.tan_phong.path}{world.village_3.pk}/"
