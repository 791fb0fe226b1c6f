"""The commune officer registers a contribution on the web form and sees the
commune's total change."""

import os
from pathlib import Path

import pytest

from tests.test_browser_entry import log_in
from vandong.registries.models import Contribution

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_DIR = Path(os.environ.get("VANDONG_SCREENSHOTS", "var/screenshots"))


def test_commune_officer_registers_a_contribution_and_sees_the_total_change(
    page, live_server, world
):
    # given the commune officer on the list of its ward for 2025 (empty)
    base = live_server.url
    listing = f"/registries/contributions/?unit={world.doan_ket.pk}&year=2025"
    log_in(page, base, "xa", "/registries/contributions/")
    page.goto(base + listing)
    assert page.locator("#totals").get_attribute("data-cash") == "0"

    # when they record 12.500.000 đồng and 3 days of labour on a village
    page.get_by_role("link", name="Record a contribution").or_(
        page.get_by_role("link", name="Ghi nhận đóng góp")
    ).first.click()
    page.wait_for_url("**/contributions/new/")
    page.locator("#id_unit").select_option(str(world.village_1.pk))
    page.locator("#id_date").fill("2025-08-15")
    page.locator("#id_kind").select_option("businesses")
    page.locator("#id_contributor_name").fill("Công ty TNHH Sao Mai")
    page.locator("#id_cash_vnd").fill("12.500.000")
    page.locator("#id_labour_days").fill("3")
    page.locator("#id_purpose").select_option("road")
    page.locator("#id_project").fill("Đường bê tông bản Sùng Phài")
    page.locator("form.contribution-form button[type=submit]").click()

    # then they land on their ward's 2025 list, whose total counts the village's record
    page.wait_for_url(f"**{listing}")
    assert page.locator("#totals").get_attribute("data-cash") == "12500000"
    assert page.locator("#total-cash").inner_text() == "trên 12 triệu đồng"
    assert "(12,5 triệu đồng)" in page.locator("#totals").inner_text()
    assert page.get_by_text("Công ty TNHH Sao Mai").is_visible()
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOT_DIR / "contributions-total.png"), full_page=True
    )
    assert Contribution.objects.get().unit_id == world.village_1.pk
