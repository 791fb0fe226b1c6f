"""The petitions pages: list with filters and overdue, record, detail with the
allowed steps, step forms, summary, Excel export."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from vandong.core.models import AuditEntry
from vandong.petitions.models import Petition, Status
from vandong.petitions.tests.factories import DAY, answered, assigned, make_petition

pytestmark = pytest.mark.django_db


def test_every_page_renders_for_the_officer(world, client):
    petition = make_petition(world.xa, world.doan_ket)
    client.force_login(world.tinh)
    for url in (
        "/petitions/",
        "/petitions/new/",
        f"/petitions/{petition.pk}/",
        f"/petitions/{petition.pk}/assign/",
        "/petitions/summary/",
        "/petitions/supervision/",
        "/petitions/supervision/new/",
    ):
        assert client.get(url).status_code == 200, url


def test_list_highlights_overdue_and_filters(
    world, client, monkeypatch, django_assert_max_num_queries
):
    # given one overdue petition and one fresh
    late = make_petition(world.xa, world.doan_ket)
    assigned(world.xa, late, deadline=DAY + datetime.timedelta(days=5))
    make_petition(world.xa, world.doan_ket, topic="land")
    monkeypatch.setattr(
        timezone, "localdate", lambda *a, **k: DAY + datetime.timedelta(days=40)
    )
    client.force_login(world.xa)

    # when
    with django_assert_max_num_queries(12):
        page = client.get("/petitions/").content.decode()
    overdue_only = client.get("/petitions/?overdue=on").content.decode()

    # then
    assert page.count('class="is-overdue"') == 1
    assert f'data-petition="{late.pk}"' in overdue_only
    assert overdue_only.count("data-petition=") == 1
    assert (
        client.get("/petitions/?topic=land").content.decode().count("data-petition=")
        == 1
    )


def test_record_a_petition_through_the_form(world, client):
    client.force_login(world.xa)
    response = client.post(
        "/petitions/new/",
        {
            "unit": world.village_2.pk,
            "received_on": "2025-09-01",
            "channel": "dialogue",
            "topic": "land",
            "text": "Đề nghị cấp giấy chứng nhận quyền sử dụng đất.",
            "contact_name": "Lò Thị Mai",
            "contact_phone": "",
            "contact_address": "",
        },
    )
    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/petitions/{petition.pk}/"
    assert petition.unit == world.village_2
    assert petition.created_by == world.xa


def test_record_form_refuses_a_bad_attachment_and_keeps_nothing(
    world, client, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    client.force_login(world.xa)
    upload = io.BytesIO(b"not a pdf")
    upload.name = "don.pdf"
    response = client.post(
        "/petitions/new/",
        {
            "unit": world.doan_ket.pk,
            "received_on": "2025-09-01",
            "channel": "mailbox",
            "topic": "other",
            "text": "Nội dung",
            "attachments": [upload],
        },
    )
    assert response.status_code == 200
    assert "không phải PDF" in response.content.decode()
    assert not Petition.objects.exists()


def test_detail_shows_contact_and_steps_to_the_officer_only(world, client):
    petition = make_petition(world.xa, world.village_1)
    client.force_login(world.xa)
    page = client.get(f"/petitions/{petition.pk}/").content.decode()
    assert "Lò Văn Bình" in page
    assert 'data-step="assign"' in page
    assert 'data-step="reject"' in page
    assert 'data-step="close"' not in page

    client.force_login(world.thon)  # reads petitions of the village
    page = client.get(f"/petitions/{petition.pk}/").content.decode()
    assert "Lò Văn Bình" not in page
    assert "0912 345 678" not in page
    assert "data-step=" not in page

    client.force_login(world.ngoai)
    assert client.get(f"/petitions/{petition.pk}/").status_code == 404


def test_step_forms_move_the_petition_and_show_refusals(world, client):
    petition = make_petition(world.xa, world.doan_ket)
    client.force_login(world.xa)
    url = f"/petitions/{petition.pk}"
    response = client.post(
        f"{url}/assign/",
        {
            "assign-body": "UBND phường",
            "assign-deadline": "2025-10-30",
            "assign-on": "2025-09-02",
        },
    )
    assert response.status_code == 302
    # closing now is not allowed: the page says why
    response = client.post(
        f"{url}/close/", {"close-outcome": "satisfied", "close-on": "2025-09-03"}
    )
    assert response.status_code == 200
    assert "Chưa thể kết thúc kiến nghị chưa được trả lời" in response.content.decode()
    response = client.post(
        f"{url}/answer/",
        {
            "answer-answer": "Đã xử lý",
            "answer-answered_by": "",
            "answer-on": "2025-09-10",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"{url}/close/", {"close-outcome": "satisfied", "close-on": "2025-09-11"}
    )
    assert response.status_code == 302
    assert Petition.objects.get(pk=petition.pk).status == Status.CLOSED


def test_edit_form_corrects_an_open_petition_with_audit(world, client):
    # given an open petition of the officer's ward
    petition = make_petition(world.xa, world.doan_ket)
    url = f"/petitions/{petition.pk}/edit/"
    client.force_login(world.xa)
    assert url in client.get(f"/petitions/{petition.pk}/").content.decode()
    assert client.get(url).status_code == 200

    # when the officer corrects the topic and the phone
    response = client.post(
        url,
        {
            "channel": "voter_meeting",
            "topic": "land",
            "text": "Đề nghị sửa đoạn đường liên bản bị sạt lở.",
            "contact_name": "Lò Văn Bình",
            "contact_phone": "0987 654 321",
            "contact_address": "Bản Sùng Phài",
        },
    )

    # then the petition is changed and the change audited, without the contact
    assert response.status_code == 302
    saved = Petition.objects.get(pk=petition.pk)
    assert (saved.topic, saved.contact_phone) == ("land", "0987 654 321")
    entry = AuditEntry.objects.filter(
        entity="petitions.petition", entity_id=str(petition.pk), action="update"
    ).get()
    assert (entry.actor_id, entry.note) == (world.xa.pk, "contact changed")
    assert "0987 654 321" not in str(entry.new)

    # and a bad phone comes back on the form, nothing saved
    response = client.post(
        url,
        {"channel": "online", "topic": "land", "text": "x", "contact_phone": "gọi tôi"},
    )
    assert response.status_code == 200
    assert Petition.objects.get(pk=petition.pk).channel == "voter_meeting"


def test_edit_is_refused_outside_the_scope_and_once_answered(world, client):
    petition = make_petition(world.xa, world.village_1)
    url = f"/petitions/{petition.pk}/edit/"
    data = {"channel": "online", "topic": "other", "text": "Khác"}
    # a reader of the village may not edit, an officer elsewhere does not see it
    client.force_login(world.thon)
    assert client.post(url, data).status_code == 403
    client.force_login(world.ngoai)
    assert client.post(url, data).status_code == 404
    # once answered, the petition is no longer corrected: the page says why
    assigned(world.xa, petition)
    answered(world.xa, petition)
    client.force_login(world.xa)
    assert url not in client.get(f"/petitions/{petition.pk}/").content.decode()
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Chỉ sửa được kiến nghị chưa được trả lời" in response.content.decode()
    assert Petition.objects.get(pk=petition.pk).topic == "infrastructure"


def test_reader_may_not_post_steps(world, client):
    petition = make_petition(world.xa, world.village_1)
    client.force_login(world.thon)
    response = client.post(
        f"/petitions/{petition.pk}/reject/",
        {"reject-reason": "x", "reject-on": "2025-09-02"},
    )
    assert response.status_code == 403
    assert Petition.objects.get(pk=petition.pk).status == Status.RECEIVED


def test_summary_counts_by_unit_and_year(world, client, monkeypatch):
    # given
    late = make_petition(world.xa, world.doan_ket)
    assigned(world.xa, late, deadline=DAY + datetime.timedelta(days=3))
    done = make_petition(world.xa, world.village_1)
    assigned(world.xa, done)
    answered(world.xa, done)
    make_petition(world.tinh, world.tan_phong)
    make_petition(world.xa, world.doan_ket, received_on=datetime.date(2025, 7, 10))
    make_petition(
        world.tinh, world.legacy_quyet_tien, received_on=datetime.date(2024, 5, 1)
    )
    monkeypatch.setattr(
        timezone, "localdate", lambda *a, **k: DAY + datetime.timedelta(days=40)
    )

    from vandong.petitions.queries import summary

    # when
    rows = summary(actor=world.tinh, root=world.province, year=2025)

    # then
    by_code = {r.unit.code if r.unit else "total": r.petitions for r in rows}
    assert by_code["03388"].received == 3
    assert by_code["03388"].overdue == 1
    assert by_code["03388"].answered == 1
    assert by_code["03395"].received == 1
    assert by_code["total"].received == 4
    assert by_code["total"].overdue == 1
    assert "105" not in by_code  # its only petition is of 2024
    every_year = {
        r.unit.code if r.unit else "total": r.petitions
        for r in summary(actor=world.tinh, root=world.province)
    }
    assert every_year["105"].received == 1
    assert every_year["total"].received == 5
    client.force_login(world.tinh)
    page = client.get(
        f"/petitions/summary/?unit={world.province.pk}&year=2025"
    ).content.decode()
    assert "Phường Đoàn Kết" in page


def test_export_carries_contact_for_handlers_only(world, client):
    make_petition(world.xa, world.village_1)

    def sheet_for(user):
        client.force_login(user)
        response = client.get("/petitions/export.xlsx")
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    officer = sheet_for(world.xa)
    assert "Lò Văn Bình" in officer[1]
    reader = sheet_for(world.thon)
    assert len(reader) == 2
    flat = " ".join(str(c) for row in reader for c in row)
    assert "Lò Văn Bình" not in flat
    assert "0912 345 678" not in flat
