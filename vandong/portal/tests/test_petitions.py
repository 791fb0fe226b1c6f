"""The public petition form and the tracking page: a petition sent gets its
tracking code, the honeypot, the size and rate limits, and tracking shows
the status and the answer, never the text or the sender."""

import pytest
from django.utils import timezone

from vandong.core.models import AuditEntry
from vandong.petitions import services as petitions
from vandong.petitions.models import Petition

pytestmark = pytest.mark.django_db

FORM = "/cong-khai/kien-nghi/"
TRACK = "/cong-khai/kien-nghi/tra-cuu/"
TEXT = "Đề nghị sửa chữa đoạn đường vào Bản Sùng Phài bị sạt lở sau mưa lớn."


def fields(**extra):
    return {
        "tinh": "12",
        "unit": "03388",
        "topic": "infrastructure",
        "text": TEXT,
        "contact_name": "Lò Văn Bình",
        "contact_phone": "0912 345 678",
        "contact_address": "Bản Sùng Phài",
        "website": "",
        **extra,
    }


def test_the_form_offers_the_current_communes_of_the_province(client, world):
    # two provinces: the form asks for the province first
    page = client.get(FORM).content.decode()
    assert 'name="tinh"' in page
    assert 'name="text"' not in page
    page = client.get(FORM + "?tinh=12&xa=03388").content.decode()
    assert '<option value="03388" selected>' in page
    assert "03395" in page
    # no legacy ward, no other province's commune, no village
    assert "Quyết Tiến" not in page
    assert "Mường Phăng" not in page
    assert "Tổ dân phố 1" not in page


def test_sending_a_petition_answers_with_its_tracking_code(client, world):
    response = client.post(FORM, fields())

    petition = Petition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{TRACK}?ma={petition.tracking_code}&moi=1"
    assert response["Cache-Control"] == "no-store"
    assert (petition.unit, petition.channel, petition.topic, petition.text) == (
        world.doan_ket,
        "online",
        "infrastructure",
        TEXT,
    )
    assert (petition.contact_name, petition.contact_phone) == (
        "Lò Văn Bình",
        "0912 345 678",
    )
    assert petition.received_on == timezone.localdate()
    assert petition.created_by is None
    assert AuditEntry.objects.filter(entity="petitions.petition").count() == 1

    page = client.get(response["Location"]).content.decode()
    assert f'id="tracking-code">{petition.tracking_code}<' in page
    assert 'data-status="received"' in page
    for private in (TEXT, "Lò Văn Bình", "0912 345 678", "Bản Sùng Phài"):
        assert private not in page


def test_the_honeypot_records_nothing(client, world):
    response = client.post(FORM, fields(website="http://spam.example/"))
    assert response.status_code == 400
    assert not Petition.objects.exists()


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"text": "ngắn"}, "text"),
        ({"text": "x" * 4001}, "text"),
        ({"unit": "03389"}, "unit"),  # a legacy ward
        ({"unit": "03127"}, "unit"),  # another province's commune
        ({"topic": "bribes"}, "topic"),
        ({"contact_phone": "<script>"}, "contact_phone"),
        ({"contact_name": "x" * 121}, "contact_name"),
    ],
)
def test_bad_fields_are_refused(client, world, extra, field):
    response = client.post(FORM, fields(**extra))
    assert response.status_code == 400
    assert f'id="id_{field}-error"' in response.content.decode()
    assert not Petition.objects.exists()


def test_a_body_too_large_is_refused(client, world):
    response = client.post(FORM, fields(text="x" * 70_000))
    assert response.status_code == 413
    assert not Petition.objects.exists()


def test_sending_is_limited_per_address(client, world, settings):
    settings.PORTAL_LIMITS = {"submit": (2, 100, 3600)}
    for _ in range(2):
        assert client.post(FORM, fields()).status_code == 302
    refused = client.post(FORM, fields())
    assert refused.status_code == 429
    assert 'id="limited"' in refused.content.decode()
    assert Petition.objects.count() == 2
    # another address may still send
    other = client.post(FORM, fields(), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_sending_is_limited_for_everyone(client, world, settings):
    settings.PORTAL_LIMITS = {"submit": (10, 3, 3600)}
    for n in range(3):
        assert client.post(FORM, fields(), REMOTE_ADDR=f"10.0.0.{n}").status_code == 302
    assert client.post(FORM, fields(), REMOTE_ADDR="10.0.0.99").status_code == 429
    assert Petition.objects.count() == 3


def test_a_refused_address_does_not_use_up_the_global_limit(client, world, settings):
    settings.PORTAL_LIMITS = {"submit": (1, 3, 3600)}
    assert client.post(FORM, fields()).status_code == 302
    for _ in range(5):
        assert client.post(FORM, fields()).status_code == 429
    assert client.post(FORM, fields(), REMOTE_ADDR="10.0.0.7").status_code == 302


def test_tracking_shows_the_answer(client, world):
    petition = petitions.petition_create(
        actor=world.xa,
        unit=world.doan_ket,
        channel="online",
        topic="land",
        text=TEXT,
        contact_name="Lò Văn Bình",
    )
    today = timezone.localdate()
    petitions.petition_assign(
        actor=world.xa,
        petition=petition,
        body="UBND phường Đoàn Kết",
        deadline=today,
        on=today,
    )
    petitions.petition_answer(
        actor=world.xa, petition=petition, answer="Đã sửa xong.", on=today
    )

    # typed by hand: lower case, spaces
    code = petition.tracking_code.lower()
    page = client.get(TRACK, {"ma": f"{code[:4]} {code[4:]}"}).content.decode()

    assert 'data-status="answered"' in page
    assert 'id="answer">Đã sửa xong.<' in page
    assert 'id="body">UBND phường Đoàn Kết<' in page
    assert TEXT not in page
    assert "Lò Văn Bình" not in page


def test_tracking_an_unknown_code(client, world):
    response = client.get(TRACK, {"ma": "ABCDEFGHJKMN"})
    assert response.status_code == 404
    assert 'id="not-found"' in response.content.decode()


def test_tracking_is_limited(client, world, settings):
    settings.PORTAL_LIMITS = {"track": (3, 100, 60)}
    for _ in range(3):
        assert client.get(TRACK, {"ma": "ABCDEFGHJKMN"}).status_code == 404
    assert client.get(TRACK, {"ma": "ABCDEFGHJKMN"}).status_code == 429
    # the empty form is not a look-up
    assert client.get(TRACK).status_code == 200
