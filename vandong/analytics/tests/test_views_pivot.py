"""The pivot page and its exports: units × periods per indicator, within the
reader's scope, to XLSX and CSV."""

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from vandong.analytics.tests.test_targets_progress import TargetScene
from vandong.analytics.tests.test_views_dashboard import make_dash_scene, page

pytestmark = pytest.mark.django_db

SHARE = "URBAN_CIVILIZED_SHARE"
# The legacy tree below the province, wards: the legacy wards in 2024, the
# current ones in 2025; code 03388 names one of each.
WARDS = f"ind={SHARE}&unit=12&level=3&period=2024&period=2025&tree=legacy"


@pytest.fixture
def dash(world: Any, tmp_path: Path, settings: Any) -> TargetScene:
    return make_dash_scene(world, tmp_path / "analytics", settings)


def table_rows(html: str) -> list[tuple[str, ...]]:
    rows = []
    for row in re.findall(r"<tr data-unit=.*?</tr>", html, re.S):
        name = re.search(r'<th scope="row">([^<]*)', row)
        cells = re.findall(r"<td[^>]*>([^<]*)</td>", row)
        assert name
        rows.append((name.group(1).strip(), *cells))
    return rows


def test_pivot_shows_units_by_period(client: Any, dash: TargetScene) -> None:
    html = page(client, dash.world.tinh, f"/analytics/pivot/?{WARDS}")

    assert table_rows(html) == [
        ("Phường Quyết Tiến", "100,0", "—"),
        ("Phường Đoàn Kết", "—", "0,0"),
        ("Phường Đoàn Kết", "0,0", "—"),
        ("Phường Tân Phong", "—", "100,0"),
    ]
    assert f'id="fig-pivot-{SHARE}" type="application/json"' in html
    assert f'href="/analytics/pivot/xlsx/?tree=legacy&amp;ind={SHARE}' in html


def test_pivot_phases_and_the_unit_itself(client: Any, dash: TargetScene) -> None:
    url = f"/analytics/pivot/?ind={SHARE}&unit=12&level=&period=2021-2025&tree=legacy"
    html = page(client, dash.world.tinh, url)
    # over a phase a count of units takes its last year: 1 ward of 2
    assert table_rows(html) == [("Tỉnh Lai Châu", "50,0")]


def test_pivot_offers_only_units_in_scope(client: Any, dash: TargetScene) -> None:
    # when the ward's officer asks for the province
    html = page(
        client,
        dash.world.xa,
        f"/analytics/pivot/?ind={SHARE}&unit=12&period=2025&tree=current",
    )

    # then it is refused, and their ward is shown instead
    assert 'role="alert"' in html
    assert 'value="12"' not in html
    assert table_rows(html) == [("Phường Đoàn Kết", "0,0")]


def test_pivot_partial_for_htmx(client: Any, dash: TargetScene) -> None:
    html = page(
        client, dash.world.tinh, f"/analytics/pivot/?{WARDS}", **{"HX-Request": "true"}
    )
    assert html.lstrip().startswith('<div id="pivot"')


def test_xlsx_export(client: Any, dash: TargetScene) -> None:
    # when
    client.force_login(dash.world.tinh)
    response = client.get(f"/analytics/pivot/xlsx/?{WARDS}")

    # then a sheet of the indicator, numbers as numbers
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="chi-so-tinh-lai-chau-2024-2025.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[SHARE]
    assert [c.value for c in sheet[3]][2:] == ["2024", "2025"]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=4)] == [
        ["03388", "Phường Quyết Tiến", 100, None],
        ["03388", "Phường Đoàn Kết", None, 0],
        ["03389", "Phường Đoàn Kết", 0, None],
        ["03395", "Phường Tân Phong", None, 100],
    ]
    assert sheet["C4"].number_format == "#,##0.0"


def test_csv_export(client: Any, dash: TargetScene) -> None:
    client.force_login(dash.world.tinh)
    response = client.get(f"/analytics/pivot/csv/?{WARDS}")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [
        (r["unit_code"], r["period"], r["value"], r["numerator"], r["denominator"])
        for r in rows
    ] == [
        ("03388", "2024", "100", "1", "1"),
        ("03388", "2025", "0", "0", "1"),
        ("03389", "2024", "0", "0", "1"),
        ("03395", "2025", "100", "1", "1"),
    ]
    assert {r["unit_name"] for r in rows} == {
        "Phường Quyết Tiến",
        "Phường Đoàn Kết",
        "Phường Tân Phong",
    }


def test_a_level_in_other_digits_is_the_unit_itself(
    client: Any, dash: TargetScene
) -> None:
    url = f"/analytics/pivot/?ind={SHARE}&unit=12&level=%C2%B2&period=2021-2025&tree=legacy"
    assert table_rows(page(client, dash.world.tinh, url)) == [("Tỉnh Lai Châu", "50,0")]
    for export in ("csv", "xlsx"):
        response = client.get(url.replace("/pivot/?", f"/pivot/{export}/?"))
        assert response.status_code == 200
