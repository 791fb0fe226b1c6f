"""A commune officer fills a form with the keyboard in Chromium, sees a rule
broken, fixes it and submits; the province officer approves; the form is then
read-only for the commune officer."""

import pytest

from conftest import PASSWORD
from vandong.collect.models import Approval, DataValue
from vandong.collect.tests.test_views_entry import make_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{base}{next_path}**")


def log_out(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/accounts/login/**")


def test_commune_fills_with_the_keyboard_submits_and_province_approves(
    page, live_server, world, tmp_path
):
    # given a commune form and the commune officer on the chooser
    make_form()
    base = live_server.url
    log_in(page, base, "xa", "/data/")
    # mark the chooser so the test waits for HTMX to swap in the new one, not
    # just for the response: choosing a unit in the old one would be lost
    page.evaluate("document.getElementById('chooser').dataset.stale = '1'")
    page.select_option("#f-period", "2025")
    page.wait_for_selector("#chooser:not([data-stale])", state="attached")
    page.wait_for_selector("#f-unit option[value='03388']", state="attached")
    assert page.locator("#f-unit option[value='03395']").count() == 0
    page.select_option("#f-unit", "03388")
    page.locator("form.chooser button[type=submit]").click()
    page.wait_for_url(f"{base}/data/T_XA/2025/03388/")

    # when they type the households, Tab, the cultural households, Enter
    page.locator("#v-T_HH").focus()
    page.keyboard.type("1250")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "v-T_HH_CULT"
    page.keyboard.type("1300")
    page.keyboard.press("Enter")

    # then both cells are saved, shown the Vietnamese way, and the rule is broken
    page.wait_for_selector("#cell-T_HH.is-saved")
    page.wait_for_selector("#cell-T_HH_CULT.is-saved")
    assert page.locator("#v-T_HH").input_value() == "1.250"
    page.wait_for_selector("#problems [data-rule='T_CULT_LE_HH']")
    page.screenshot(path=str(tmp_path / "entry-violation.png"), full_page=True)

    # when they go back with Shift+Enter from the households and fix the figure
    page.locator("#v-T_HH").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "v-T_HH_CULT"
    page.keyboard.press("Shift+Enter")
    assert page.evaluate("document.activeElement.id") == "v-T_HH"
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    page.keyboard.type("1.200")
    page.keyboard.press("Tab")

    # then the violation is gone
    page.wait_for_selector("#problems [data-rule]", state="detached")
    assert page.locator("#problems .ok").is_visible()
    values = dict(DataValue.objects.values_list("data_element__code", "value"))
    assert values == {"T_HH": 1250.0, "T_HH_CULT": 1200.0}

    # when they submit
    page.get_by_role("button", name="Gửi duyệt").click()
    page.wait_for_selector("[data-state='submitted']")
    log_out(page)

    # and the province officer approves
    log_in(page, base, "tinh", "/data/T_XA/2025/03388/")
    page.get_by_role("button", name="Phê duyệt").click()
    page.wait_for_selector("[data-state='approved']")
    assert Approval.objects.get().state == "approved"
    log_out(page)

    # then the commune officer can no longer edit
    log_in(page, base, "xa", "/data/T_XA/2025/03388/")
    assert page.locator("#v-T_HH").is_disabled()
    assert page.locator("#v-T_HH_CULT").is_disabled()
    assert page.get_by_role("button", name="Gửi duyệt").count() == 0
    page.screenshot(path=str(tmp_path / "entry-approved.png"), full_page=True)


def test_entry_form_fits_a_phone_screen(page, live_server, world, tmp_path):
    # given
    make_form()
    base = live_server.url
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, base, "xa", "/data/T_XA/2025/03388/")

    # when
    page.locator("#v-T_HH").focus()
    page.keyboard.type("40")
    page.keyboard.press("Enter")
    page.wait_for_selector("#cell-T_HH.is-saved")

    # then one column: nothing wider than the screen, inputs large enough to touch
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    box = page.locator("#v-T_HH").bounding_box()
    assert box is not None
    assert box["height"] >= 44
    assert box["width"] >= 300
    page.screenshot(path=str(tmp_path / "entry-phone.png"), full_page=True)
