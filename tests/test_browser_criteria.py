"""A commune officer opens the scorecard of their ward in Chromium: the
criteria grid, the statuses in words and symbols, the unverified label; it
prints in black on white without the menus. The province officer reads the
matrix of the province."""

import tempfile
from pathlib import Path

import pytest

from tests.test_browser_entry import log_in
from vandong.criteria.tests.test_queries import SET_CODE, make_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCORECARD = f"/criteria/{SET_CODE}/unit/03388/"
# Screenshots to look at after a run: /tmp/criteria_*.png on Linux.
SHOTS = Path(tempfile.gettempdir())


def test_commune_officer_reads_the_scorecard_and_prints_it(page, live_server, world):
    # given a set evaluated for the world's wards
    make_scene(world)
    base = live_server.url

    # when the commune officer opens the scorecard of their ward for 2025
    log_in(page, base, "xa", f"{SCORECARD}?year=2025")

    # then the criteria grid, with statuses in words, and the unverified label
    grid = page.locator("#criteria-grid")
    assert grid.is_visible()
    income = page.locator("tr[data-criterion='10']")
    assert "Chưa đạt" in income.inner_text()
    row = page.locator("tr[data-indicator='10.1']")
    assert "41,8 triệu đồng" in row.inner_text()
    assert "còn thiếu 3,2 triệu đồng" in row.inner_text()
    assert row.locator(".badge.unverified").first.is_visible()
    assert row.locator(".badge.unverified").first.inner_text() == "chưa xác minh"
    assert page.locator("tr[data-criterion='18']").inner_text().count("Chưa có số liệu")
    page.screenshot(path=str(SHOTS / "criteria_scorecard.png"), full_page=True)

    # when it is printed, the menus and forms are hidden
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert not page.locator("form.no-print").is_visible()
    assert grid.is_visible()
    page.screenshot(path=str(SHOTS / "criteria_scorecard_print.png"), full_page=True)


def test_province_officer_reads_the_matrix(page, live_server, world):
    # given
    make_scene(world)
    base = live_server.url

    # when
    log_in(page, base, "tinh", f"/criteria/{SET_CODE}/matrix/?year=2025")

    # then every ward of the province, a symbol in every cell
    rows = page.locator("#matrix tbody tr")
    assert rows.count() == 2  # the wards of 31/12/2025
    first = rows.first
    assert first.get_attribute("data-unit") == "03395"
    assert first.locator("td.hm").first.inner_text().startswith("✓")
    page.screenshot(path=str(SHOTS / "criteria_matrix.png"), full_page=True)

    # when they open a ward's scorecard from the matrix
    page.locator("#matrix tbody tr[data-unit='03395'] a").click()
    page.wait_for_url(f"**/criteria/{SET_CODE}/unit/03395/?year=2025")
    assert (
        page.locator("tr[data-indicator='18.1']").inner_text().count("Chưa có ngưỡng")
    )


def test_province_officer_reads_the_set_and_the_nearest_units(page, live_server, world):
    # given
    make_scene(world)
    base = live_server.url
    log_in(page, base, "tinh", "/criteria/")

    # when they open the set from the list
    page.get_by_role("link", name="Bộ tiêu chí thử nghiệm phường văn minh").click()
    page.wait_for_url(f"**/criteria/{SET_CODE}/")

    # then its thresholds, one of them unverified, and what the text leaves open
    assert page.locator(".threshold-list .badge.unverified").count() == 1
    assert page.get_by_text(
        "Văn bản chưa quy định ngưỡng tỷ lệ thu gom rác."
    ).is_visible()
    page.screenshot(path=str(SHOTS / "criteria_set.png"), full_page=True)

    # when they open the units nearest to the standard
    page.get_by_role("link", name="Gần đạt chuẩn").click()
    page.wait_for_url(f"**/criteria/{SET_CODE}/nearest/?year=2025")

    # then Đoàn Kết comes first with what it lacks
    first = page.locator("#nearest tbody tr").first
    assert first.get_attribute("data-unit") == "03388"
    assert "thiếu 2 tiêu chí" in first.inner_text()
    page.screenshot(path=str(SHOTS / "criteria_nearest.png"), full_page=True)
