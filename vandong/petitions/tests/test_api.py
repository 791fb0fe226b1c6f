"""The petitions API: scoped list, create, update and transitions; the public
tracking endpoint reveals no personal data and is rate limited."""

import json

import pytest

from vandong.petitions.models import Petition
from vandong.petitions.tests.factories import DAY, answered, assigned, make_petition

pytestmark = pytest.mark.django_db

CONTACT = ("Lò Văn Bình", "0912 345 678", "Bản Sùng Phài")


def test_tracking_shows_status_and_answer_without_personal_data(world, client):
    # given an answered petition with the citizen's contact
    petition = make_petition(world.xa, world.doan_ket)
    assigned(world.xa, petition)
    answered(world.xa, petition)

    # when anyone (no login) looks it up
    response = client.get(f"/api/v1/petitions/track/{petition.tracking_code}")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "answered"
    assert body["answer"] == "Đã bố trí kinh phí sửa chữa trong quý IV."
    assert body["body"] == "UBND phường Đoàn Kết"
    assert body["received_on"] == DAY.isoformat()
    text = response.content.decode()
    for personal in CONTACT:
        assert personal not in text
        assert json.dumps(personal)[1:-1] not in text  # nor escaped
    for key in (
        "contact",
        "contact_name",
        "contact_phone",
        "contact_address",
        "text",
        "id",
        "unit",
    ):
        assert key not in body


def test_tracking_unknown_code_is_404_revealing_nothing(world, client):
    make_petition(world.xa, world.doan_ket)
    response = client.get("/api/v1/petitions/track/ABCDEFGHJKMN")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message_vi": "Không tìm thấy kiến nghị có mã này.",
        "message_en": "No petition has this code.",
        "field": None,
    }
    # a pk is not a code
    assert client.get("/api/v1/petitions/track/1").status_code == 404


def test_tracking_is_rate_limited_per_address(world, client, settings):
    settings.PETITION_TRACK_LIMIT = 3
    petition = make_petition(world.xa, world.doan_ket)
    url = f"/api/v1/petitions/track/{petition.tracking_code}"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(url)
    assert limited.status_code == 429
    assert limited.json()["code"] == "rate_limited"
    # another address is not limited
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200


def test_list_is_scoped_and_hides_contact_from_readers(world, client):
    # given
    petition = make_petition(world.xa, world.village_1)
    make_petition(world.ngoai, world.other_commune)

    # when the commune officer lists
    client.force_login(world.xa)
    body = client.get("/api/v1/petitions").json()

    # then only theirs, with the contact
    assert body["count"] == 1
    assert body["items"][0]["id"] == petition.pk
    assert body["items"][0]["contact"] == {
        "name": CONTACT[0],
        "phone": CONTACT[1],
        "address": CONTACT[2],
    }

    # and the village reporter reads it without the contact
    client.force_login(world.thon)
    response = client.get("/api/v1/petitions")
    assert response.json()["items"][0]["contact"] is None
    for personal in CONTACT[:2]:
        assert personal not in response.content.decode()


def test_list_filters_and_query_count(world, client, django_assert_max_num_queries):
    for _ in range(5):
        make_petition(world.xa, world.doan_ket)
    land = make_petition(world.xa, world.doan_ket, topic="land")
    client.force_login(world.tinh)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/petitions?topic=land&unit=03388").json()
    assert [p["id"] for p in body["items"]] == [land.pk]


def test_create_update_and_transition(world, client):
    client.force_login(world.xa)
    # create
    response = client.post(
        "/api/v1/petitions",
        {
            "unit": "03388",
            "channel": "online",
            "topic": "environment",
            "text": "Rác thải chưa được thu gom.",
            "received_on": "2025-10-01",
            "contact_phone": "0987654321",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["status"] == "received"
    assert len(created["tracking_code"]) == 12
    url = f"/api/v1/petitions/{created['id']}"
    # update
    response = client.patch(url, {"topic": "other"}, content_type="application/json")
    assert response.json()["topic"] == "other"
    # closing before answering: refused in both languages
    response = client.post(
        f"{url}/transitions",
        {"step": "close", "satisfaction": "satisfied"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"
    assert response.json()["message_vi"].startswith("Chưa thể kết thúc kiến nghị")
    assert response.json()["message_en"].startswith("A petition cannot be closed")
    # assign, answer, close
    for payload in (
        {
            "step": "assign",
            "body": "UBND phường",
            "deadline": "2025-11-01",
            "on": "2025-10-02",
        },
        {"step": "answer", "answer": "Đã thu gom.", "on": "2025-10-10"},
        {"step": "close", "satisfaction": "satisfied", "on": "2025-10-12"},
    ):
        response = client.post(
            f"{url}/transitions", payload, content_type="application/json"
        )
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"
    assert Petition.objects.get(pk=created["id"]).satisfaction == "satisfied"


def test_api_refuses_out_of_scope(world, client):
    petition = make_petition(world.xa, world.doan_ket)
    client.force_login(world.ngoai)
    response = client.post(
        "/api/v1/petitions",
        {"unit": "03388", "channel": "online", "topic": "land", "text": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    assert response.json()["message_vi"]
    # another's petition does not exist for them
    response = client.post(
        f"/api/v1/petitions/{petition.pk}/transitions",
        {"step": "reject", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 404
    # a reader may not act
    client.force_login(world.thon)
    response = client.post(
        f"/api/v1/petitions/{petition.pk}/transitions",
        {"step": "reject", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)


def test_api_needs_login_except_tracking(world, client):
    assert client.get("/api/v1/petitions").status_code == 401
