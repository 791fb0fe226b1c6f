"""A commune officer records a petition heard at a voter meeting, assigns it
to a body with a deadline, records the answer; the public tracking endpoint
then shows the answer and nothing personal."""

import datetime
import json

import pytest
from django.utils import timezone

from tests.test_browser_entry import log_in
from vandong.petitions.models import Petition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_assigns_answers_and_the_citizen_tracks_it(
    page, live_server, world, tmp_path
):
    # given the commune officer on the recording form
    base = live_server.url
    log_in(page, base, "xa", "/petitions/new/")

    # when they record a petition heard at a voter meeting
    page.select_option("#id_unit", str(world.village_2.pk))
    page.select_option("#id_channel", "voter_meeting")
    page.select_option("#id_topic", "infrastructure")
    page.fill("#id_text", "Đề nghị sửa chữa đoạn đường vào Bản Sùng Phài bị sạt lở.")
    page.fill("#id_contact_name", "Lò Văn Bình")
    page.fill("#id_contact_phone", "0912 345 678")
    page.fill("#id_contact_address", "Bản Sùng Phài")
    page.locator("#petition-form button[type=submit]").click()
    page.wait_for_selector("#tracking-code")
    petition = Petition.objects.get()
    assert page.url == f"{base}/petitions/{petition.pk}/"
    assert (
        page.locator("[data-status]").first.get_attribute("data-status") == "received"
    )
    assert page.locator("#contact").inner_text().count("Lò Văn Bình") == 1

    # and assign it to a body with a deadline
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    page.locator("details[data-step=assign] summary").click()
    page.fill("#id_assign-body", "UBND phường Đoàn Kết")
    page.fill("#id_assign-deadline", deadline.isoformat())
    page.locator("#form-assign button[type=submit]").click()
    page.wait_for_selector("[data-status=assigned]")
    assert page.locator("#body").inner_text() == "UBND phường Đoàn Kết"

    # and record the answer
    page.locator("details[data-step=answer] summary").click()
    page.fill(
        "#id_answer-answer", "Đã bố trí kinh phí sửa chữa, thi công trong tháng tới."
    )
    page.locator("#form-answer button[type=submit]").click()
    page.wait_for_selector("[data-status=answered]")
    assert page.locator("#history li").count() == 3
    page.screenshot(path=str(tmp_path / "petition-answered.png"), full_page=True)

    # then the public tracking endpoint (no login) shows the answer
    code = page.locator("#tracking-code").inner_text().strip()
    assert code == petition.tracking_code
    public = page.context.browser.new_context()
    track = public.new_page()
    response = track.goto(f"{base}/api/v1/petitions/track/{code}")
    assert response is not None
    assert response.status == 200
    body = json.loads(track.inner_text("body"))
    assert body["status"] == "answered"
    assert body["answer"] == "Đã bố trí kinh phí sửa chữa, thi công trong tháng tới."
    assert body["body"] == "UBND phường Đoàn Kết"
    text = response.text()
    for personal in ("Lò Văn Bình", "0912 345 678", "Bản Sùng Phài", "L\\u00f2 V"):
        assert personal not in text
    track.screenshot(path=str(tmp_path / "petition-tracking.png"), full_page=True)
    public.close()
