"""The public portal in Chromium: a citizen sends a petition without logging
in, gets a tracking code and tracks it; a commune officer answers it in the
officers' pages; the citizen sees the answer on the tracking page, and never
anything personal. And a published province page: its text first, its
charts drawn once scrolled to, within the site's Content-Security-Policy."""

import datetime

import pytest
from django.utils import timezone

from tests.test_browser_entry import log_in
from vandong.petitions.models import Petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _fresh_memory():
    from vandong.portal.localcache import memory

    memory.clear()


TEXT = "Đề nghị sửa chữa đoạn đường vào Bản Sùng Phài bị sạt lở sau mưa lớn."
ANSWER = "Đã bố trí kinh phí sửa chữa, thi công trong tháng tới."


def test_a_citizen_sends_tracks_and_reads_the_officers_answer(
    page, live_server, world, tmp_path
):
    base = live_server.url
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # given a citizen on the public form (no login): the province first
    page.goto(f"{base}/cong-khai/kien-nghi/")
    page.select_option("#tinh", "12")
    page.locator("form[method=get] button[type=submit]").click()
    page.wait_for_selector("#petition-form")

    # when they send a petition with their contact
    page.select_option("#id_unit", "03388")
    page.select_option("#id_topic", "infrastructure")
    page.fill("#id_text", TEXT)
    page.fill("#id_contact_name", "Lò Văn Bình")
    page.fill("#id_contact_phone", "0912 345 678")
    page.screenshot(path=str(tmp_path / "portal-petition-form.png"), full_page=True)
    page.locator("#petition-form button[type=submit]").click()

    # then the answer is the tracking page of its new code
    page.wait_for_selector("#tracking-code")
    petition = Petition.objects.get()
    code = page.locator("#tracking-code").inner_text().strip()
    assert code == petition.tracking_code
    assert petition.contact_name == "Lò Văn Bình"
    assert (
        page.locator("[data-status]").first.get_attribute("data-status") == "received"
    )
    page.screenshot(path=str(tmp_path / "portal-petition-sent.png"), full_page=True)

    # and looking it up by its code (typed with a space, in lower case) works
    page.goto(f"{base}/cong-khai/kien-nghi/tra-cuu/")
    page.fill("#id_ma", f"{code[:6].lower()} {code[6:]}")
    page.locator(".track-form button[type=submit]").click()
    page.wait_for_selector("#petition")
    assert page.locator("#answer").count() == 0

    # when a commune officer assigns and answers it in the officers' pages
    officer = page.context.browser.new_context(locale="vi-VN")
    desk = officer.new_page()
    log_in(desk, base, "xa", f"/petitions/{petition.pk}/")
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    desk.locator("details[data-step=assign] summary").click()
    desk.fill("#id_assign-body", "UBND phường Đoàn Kết")
    desk.fill("#id_assign-deadline", deadline.isoformat())
    desk.locator("#form-assign button[type=submit]").click()
    desk.wait_for_selector("[data-status=assigned]")
    desk.locator("details[data-step=answer] summary").click()
    desk.fill("#id_answer-answer", ANSWER)
    desk.locator("#form-answer button[type=submit]").click()
    desk.wait_for_selector("[data-status=answered]")
    officer.close()

    # then the citizen's tracking page shows the answer and who gave it
    page.reload()
    page.wait_for_selector("#answer")
    assert page.locator("#answer").inner_text().strip() == ANSWER
    assert page.locator("#body").inner_text().strip() == "UBND phường Đoàn Kết"
    assert (
        page.locator("#petition [data-status]").first.get_attribute("data-status")
        == "answered"
    )
    # and nothing personal, not even the petition's own text
    shown = page.content()
    for private in ("Lò Văn Bình", "0912 345 678", TEXT):
        assert private not in shown
    page.screenshot(path=str(tmp_path / "portal-petition-answered.png"), full_page=True)
    assert errors == []


def test_a_published_province_page_draws_its_charts_after_the_text(
    page, live_server, world, tmp_path, settings
):
    from vandong.portal.tests.scene import make_portal_scene, publish

    make_portal_scene(world, tmp_path / "analytics", settings)
    publish(world, 2024, 2025)
    problems: list[str] = []
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on(
        "console",
        lambda m: problems.append(m.text) if m.type == "error" else None,
    )
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    response = page.goto(f"{live_server.url}/cong-khai/tinh/12/?year=2025&tree=current")

    # the page's text holds the figures, not the charts' data
    assert response is not None
    text = response.text()
    assert 'data-indicator="URBAN_CIVILIZED_SHARE"' in text
    assert "chart-trend" not in text
    assert len(text.encode()) < 500_000
    # the charts come after, from their own JSON, then plotly.min.js
    page.locator("#charts").scroll_into_view_if_needed()
    page.wait_for_selector("#charts[data-ready]", timeout=20000)
    charts = next(i for i, u in enumerate(requests) if "bieu-do" in u)
    script = next(i for i, u in enumerate(requests) if "plotly" in u)
    assert 0 < charts < script
    assert page.locator("#charts .chart-box[data-drawn]").count() >= 1
    page.screenshot(path=str(tmp_path / "portal-province.png"), full_page=True)
    assert problems == []
