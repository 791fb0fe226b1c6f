"""The criteria pages through the test client: what each shows, in
Vietnamese, and only within the reader's scope."""

import io
from typing import Any

import pytest
from openpyxl import load_workbook

from vandong.criteria.tests.test_queries import SET_CODE, Scene, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: Any) -> Scene:
    return make_scene(world)


def _page(client: Any, user: Any, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return str(response.content.decode())


def test_every_page_requires_login(client: Any, scene: Scene) -> None:
    for url in [
        "/criteria/",
        f"/criteria/{SET_CODE}/",
        f"/criteria/{SET_CODE}/unit/03388/?year=2025",
        f"/criteria/{SET_CODE}/matrix/",
        f"/criteria/{SET_CODE}/matrix/xlsx/",
        f"/criteria/{SET_CODE}/nearest/",
        f"/criteria/{SET_CODE}/disagreements/",
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_set_list_shows_counts_and_unverified_thresholds(
    client: Any, scene: Scene
) -> None:
    html = _page(client, scene.world.xa, "/criteria/")
    assert "Bộ tiêu chí thử nghiệm phường văn minh" in html
    assert "04/2022/QĐ-TTg" in html
    assert '<span class="badge unverified">1 / 3</span>' in html
    assert 'href="/criteria/"' in html  # the menu link


def test_set_detail_lists_thresholds_sources_and_what_is_undefined(
    client: Any, scene: Scene
) -> None:
    html = _page(client, scene.world.xa, f"/criteria/{SET_CODE}/")
    assert "Thu nhập bình quân đầu người" in html
    assert "Trung du và miền núi phía Bắc" in html or "tdmnpb" in html
    assert "chưa xác minh" in html
    assert "04/2022/QĐ-TTg, mục 10.1" in html
    assert "Văn bản chưa quy định ngưỡng tỷ lệ thu gom rác." in html
    assert "Chưa quy định ngưỡng" in html


def test_unknown_set_is_not_found(client: Any, scene: Scene) -> None:
    client.force_login(scene.world.tinh)
    assert client.get("/criteria/khong-co/").status_code == 404


def test_scorecard_shows_statuses_values_gaps_and_unverified(
    client: Any, scene: Scene
) -> None:
    # when
    html = _page(client, scene.world.xa, f"/criteria/{SET_CODE}/unit/03388/?year=2025")

    # then the criteria grid in Vietnamese, with numbers the Vietnamese way
    assert 'data-criterion="10" data-status="not_met"' in html
    assert 'data-criterion="15" data-status="met"' in html
    assert 'data-criterion="18" data-status="no_data"' in html
    assert "✗ Chưa đạt" in html
    assert "✓ Đạt" in html
    assert "? Chưa có số liệu" in html
    assert "41,8 triệu đồng" in html
    assert "≥ 45 triệu đồng" in html
    assert "còn thiếu 3,2 triệu đồng" in html
    # the region's threshold is not confirmed: said where it was used
    assert "chưa xác minh" in html
    assert "Đạt 1/4 tiêu chí" in html
    # the recognition, the trend and the link to the inputs
    assert "123/QĐ-UBND" in html
    assert 'id="trend"' in html
    assert "/data/F_VMDT/2025/03388/" in html


def test_scorecard_says_no_threshold(client: Any, scene: Scene) -> None:
    html = _page(
        client, scene.world.tinh, f"/criteria/{SET_CODE}/unit/03395/?year=2025"
    )
    assert 'data-indicator="18.1" data-status="no_threshold"' in html
    assert "∅ Chưa có ngưỡng" in html
    assert "chưa được công nhận trong năm này" in html


def test_scorecard_of_a_year_without_evaluation_says_so(
    client: Any, scene: Scene
) -> None:
    html = _page(
        client, scene.world.tinh, f"/criteria/{SET_CODE}/unit/03389/?year=2022"
    )
    assert "Đơn vị này chưa được đánh giá" in html


def test_scorecard_outside_scope_is_not_found(client: Any, scene: Scene) -> None:
    client.force_login(scene.world.ngoai)
    response = client.get(f"/criteria/{SET_CODE}/unit/03388/?year=2025")
    assert response.status_code == 404
    client.force_login(scene.world.xa)
    response = client.get(f"/criteria/{SET_CODE}/unit/03395/?year=2025")
    assert response.status_code == 404


def test_scorecard_year_outside_the_set_falls_back_with_a_message(
    client: Any, scene: Scene
) -> None:
    html = _page(
        client, scene.world.tinh, f"/criteria/{SET_CODE}/unit/03395/?year=2030"
    )
    assert "Bộ tiêu chí không áp dụng cho năm 2030" in html


def test_matrix_shows_units_in_scope_with_symbols(client: Any, scene: Scene) -> None:
    # when
    html = _page(client, scene.world.tinh, f"/criteria/{SET_CODE}/matrix/?year=2025")
    narrow = _page(client, scene.world.xa, f"/criteria/{SET_CODE}/matrix/?year=2025")

    # then
    assert 'data-unit="03395"' in html
    assert 'data-unit="03388"' in html
    assert 'data-unit="03127"' not in html
    assert html.index('data-unit="03395"') < html.index('data-unit="03388"')
    assert '<td class="hm st-not_met"' in html
    # 2025 is judged on the wards of 31/12/2025 (the legacy ones ended in June)
    assert "1/2 đơn vị đạt chuẩn." in html
    assert "Xuất Excel" in html
    assert 'data-unit="03395"' not in narrow
    assert 'data-unit="03388"' in narrow


def test_matrix_sorts_by_name_and_filters_by_subtree(client: Any, scene: Scene) -> None:
    html = _page(
        client,
        scene.world.tinh,
        f"/criteria/{SET_CODE}/matrix/?year=2025&unit=03395&sort=name",
    )
    assert 'data-unit="03395"' in html
    assert 'data-unit="03388"' not in html
    client.force_login(scene.world.xa)
    refused = client.get(f"/criteria/{SET_CODE}/matrix/?year=2025&unit=03395")
    assert refused.status_code == 404


def test_matrix_filters_by_district(client: Any, scene: Scene) -> None:
    html = _page(
        client,
        scene.world.tinh,
        f"/criteria/{SET_CODE}/matrix/?year=2024&district=105",
    )
    assert 'data-unit="03389"' in html
    assert 'data-unit="03395"' not in html
    assert '<option value="105" selected>' in html


def test_matrix_exports_the_same_table_to_excel(client: Any, scene: Scene) -> None:
    # when
    client.force_login(scene.world.tinh)
    response = client.get(f"/criteria/{SET_CODE}/matrix/xlsx/?year=2025")

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument"
    )
    assert f"tieu-chi-{SET_CODE}-2025.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    matrix, legend = book.worksheets
    assert matrix.freeze_panes == "C2"
    header = [c.value for c in matrix[1]]
    assert header[:2] == ["Mã", "Đơn vị"]
    assert header[6:] == [
        "10. Thu nhập",
        "15. Y tế",
        "17. An ninh, trật tự",
        "18. Môi trường",
    ]
    rows = {r[1]: r for r in matrix.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"Phường Tân Phong", "Phường Đoàn Kết"}
    assert rows["Phường Tân Phong"][4] == "✓ Đạt"
    doan_ket = next(
        r
        for r in matrix.iter_rows(min_row=2, values_only=True)
        if r[0] == "03388" and r[1] == "Phường Đoàn Kết"
    )
    assert doan_ket[6] == "✗ Chưa đạt"
    assert doan_ket[5] == "Có"  # unverified
    assert matrix.max_row == 3
    assert matrix.cell(row=2, column=5).fill.fgColor.rgb == "00D4ECD9"
    texts = [c for r in legend.iter_rows(values_only=True) for c in r if c]
    assert any("04/2022/QĐ-TTg" in str(t) for t in texts)
    assert any(str(t).startswith("Chưa xác minh") for t in texts)


def test_nearest_lists_what_each_unit_lacks(client: Any, scene: Scene) -> None:
    html = _page(client, scene.world.tinh, f"/criteria/{SET_CODE}/nearest/?year=2025")
    assert 'data-unit="03388"' in html
    assert 'data-unit="03395"' not in html
    assert "thiếu 2 tiêu chí" in html
    assert "10 Thu nhập" in html
    assert "10.1 (còn thiếu 3,2 triệu đồng)" in html
    assert "17.1 (chưa đạt)" in html


def test_disagreements_both_ways(client: Any, scene: Scene) -> None:
    html = _page(
        client, scene.world.tinh, f"/criteria/{SET_CODE}/disagreements/?year=2025"
    )
    failing = html[html.index('id="failing"') : html.index('id="unrecognised-h"')]
    assert 'data-unit="03388"' in failing
    assert "123/QĐ-UBND" in failing
    assert "17 An ninh, trật tự" in failing
    unrecognised = html[html.index('id="unrecognised"') :]
    assert 'data-unit="03395"' in unrecognised


def test_pages_show_nothing_outside_scope(client: Any, scene: Scene) -> None:
    for path in ("matrix", "nearest", "disagreements"):
        html = _page(
            client, scene.world.ngoai, f"/criteria/{SET_CODE}/{path}/?year=2025"
        )
        assert 'data-unit="03388"' not in html
        assert 'data-unit="03395"' not in html


def test_matrix_query_count_does_not_grow_with_units(
    client: Any, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    client.force_login(scene.world.tinh)
    with django_assert_max_num_queries(20):
        response = client.get(f"/criteria/{SET_CODE}/matrix/?year=2025")
    assert response.status_code == 200
