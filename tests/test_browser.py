"""A person in Chromium: logs in, finds a unit, opens its page."""

import pytest

from conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_searches_and_opens_a_unit_page(
    page, live_server, world, tmp_path
):
    # given the commune officer at the login page
    page.goto(f"{live_server.url}/units/")
    assert "/accounts/login/" in page.url
    # when they log in
    page.get_by_label("Tên đăng nhập").fill("xa")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/units/**")
    # and search without diacritics
    page.goto(f"{live_server.url}/units/search/?on=2025-07-01")
    page.get_by_role("searchbox").fill("doan ket")
    page.get_by_role("link", name="Phường Đoàn Kết").first.click()
    # then the unit page shows the unit, its parent chain and its lineage
    page.wait_for_selector("h1")
    assert page.locator("h1").inner_text().startswith("Phường Đoàn Kết")
    body = page.locator("main").inner_text()
    assert "Tỉnh Lai Châu" in body
    assert "Phường Quyết Tiến" in body
    page.screenshot(path=str(tmp_path / "unit.png"), full_page=True)
