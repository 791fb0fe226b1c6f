"""The report pages: login, scope, the report with its figures as links, a
figure's breakdown by child unit and the data values behind it, downloads."""

import re

import pytest
from django.urls import reverse

from vandong.reports.tests.factories import make_report_scene

REPORT = "/reports/ket-qua-cuoc-van-dong/12/2016-2020/"


@pytest.fixture
def scene(world, settings, tmp_path):
    settings.ANALYTICS_DIR = str(tmp_path / "analytics")
    make_report_scene(world)
    return world


def html_of(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def test_every_page_requires_login(client, scene):
    for url in ["/reports/", REPORT, REPORT + "file.docx", REPORT + "figure/cash/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_the_index_lists_templates_and_opens_a_report(client, scene):
    html = html_of(client, scene.tinh, "/reports/")
    assert "ket-qua-cuoc-van-dong" in html
    assert 'value="12"' in html  # the officer's province is proposed
    response = client.get(
        "/reports/?template=ket-qua-cuoc-van-dong&unit=12&phase=2016-2020&issuer=state"
    )
    assert response.status_code == 302
    assert response["Location"] == REPORT + "?issuer=state"


@pytest.mark.parametrize(
    "query",
    [
        "template=ket-qua-cuoc-van-dong&unit=12/3&phase=2016-2020",
        "template=a%20b&unit=12&phase=2016-2020",
    ],
)
def test_the_index_refuses_a_unit_or_template_no_address_can_hold(client, scene, query):
    client.force_login(scene.tinh)
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 200
    assert "Không có mẫu báo cáo hoặc đơn vị này." in response.content.decode()


def test_the_report_links_each_figure_and_lists_what_is_missing(
    client, scene, django_assert_max_num_queries
):
    client.force_login(scene.tinh)
    with django_assert_max_num_queries(150):
        response = client.get(REPORT)
    html = response.content.decode()
    # the document's header in the template's format (the Party's)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in html
    assert "TỈNH ỦY LAI CHÂU" in html
    # unit-specific text is printed, not linked
    assert "Quyết định số 239-QĐ/TU" in html
    assert 'data-figure="plan_decision"' not in html
    # sentences without data are listed with what they need
    assert 'id="missing"' in html
    assert "CONTRIB_LABOUR_DAYS" in html
    # and the page offers the three formats
    for fmt in ("docx", "pdf", "xlsx"):
        assert f'data-download="{fmt}"' in html


def test_a_figure_breaks_down_by_district_and_shows_its_values(client, scene):
    # given the small scene's cash figure at the province
    html = html_of(client, scene.tinh, REPORT + "figure/cash/?tree=legacy")

    # then its value, the district below and the values of the two wards
    assert "10 tỷ đồng" in html
    rows = re.findall(r'<tr data-unit="([^"]+)">', html)
    assert rows == ["105"]
    assert (
        'href="/reports/ket-qua-cuoc-van-dong/105/2016-2020/figure/cash/?tree=legacy"'
        in html
    )
    assert html.count("CONTRIB_CASH_VND</code>") == 10  # 2 wards x 5 years
    assert "/api/v1/data-values?data_element=CONTRIB_CASH_VND" in html

    # when the district is followed: its wards
    district = html_of(
        client,
        scene.tinh,
        "/reports/ket-qua-cuoc-van-dong/105/2016-2020/figure/cash/?tree=legacy",
    )
    assert re.findall(r'<tr data-unit="([^"]+)">', district) == ["03388", "03389"]
    assert "6,3 tỷ đồng" in district or "6,2 tỷ đồng" in district


def test_a_missing_figure_says_what_it_needs(client, scene):
    html = html_of(client, scene.tinh, REPORT + "figure/labour/")
    assert "CONTRIB_LABOUR_DAYS" in html
    assert "do cấp xã báo cáo" in html


def test_a_unit_outside_the_scope_is_not_found(client, scene):
    client.force_login(scene.ngoai)
    assert client.get(REPORT).status_code == 404
    assert client.get(REPORT + "figure/cash/").status_code == 404
    client.force_login(scene.tinh)
    assert client.get("/reports/ket-qua-cuoc-van-dong/12/2020-2016/").status_code == 404
    assert client.get("/reports/nothing/12/2016-2020/").status_code == 404
    assert client.get(REPORT + "figure/nothing/").status_code == 404


def test_downloads(client, scene):
    client.force_login(scene.tinh)
    for fmt, head in (("docx", b"PK"), ("pdf", b"%PDF"), ("xlsx", b"PK")):
        response = client.get(REPORT + f"file.{fmt}?issuer=state")
        assert response.status_code == 200
        assert response.content[: len(head)] == head
        assert (
            response["Content-Disposition"]
            == f'attachment; filename="ket-qua-cuoc-van-dong-12-2016-2020.{fmt}"'
        )
    assert client.get(REPORT + "file.odt").status_code == 404


def test_a_chart_is_an_image(client, scene):
    client.force_login(scene.tinh)
    response = client.get(REPORT + "chart/culture-1.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert client.get(REPORT + "chart/economy-3.png").status_code == 404  # no data


def test_the_nav_links_to_reports(client, scene):
    html = html_of(client, scene.tinh, reverse("reports:index"))
    assert f'href="{reverse("reports:index")}"' in html


def test_a_chart_without_data_is_listed_as_missing_not_shown(client, scene):
    # no contributions are recorded in the registry of the scene
    html = html_of(client, scene.tinh, REPORT)
    assert "chart/economy-3.png" not in html
    assert "chart/culture-1.png" in html
    assert "Biểu đồ chưa có số liệu" in html
