"""/api/v1/conferences: list, create, update, commitments; scoped."""

import json

import pytest

from vandong.core.models import AuditEntry

URL = "/api/v1/conferences"
BODY = {
    "unit": "03388",
    "held_on": "2025-09-10",
    "chair_role": "government",
    "chair_name": "Trần Thị Hoa",
    "chair_title": "Chủ tịch UBND phường",
    "participants_count": 90,
    "issues": "Nước sinh hoạt",
    "commitments": [{"text": "Sửa bể nước", "due_on": "2025-12-31"}],
}


def send(client, url, body, method="post"):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def as_xa(client, world):
    client.force_login(world.xa)
    return client


def test_create_update_and_follow_up(as_xa):
    created = send(as_xa, URL, BODY)
    assert created.status_code == 201, created.content
    body = created.json()
    pk, item = body["id"], body["commitments"][0]["id"]
    send(as_xa, f"{URL}/{pk}", {"participants_count": 95}, method="patch")
    done = send(
        as_xa,
        f"{URL}/{pk}/commitments/{item}",
        {"text": "Sửa bể nước", "status": "done", "status_note": "Xong"},
        method="put",
    )
    assert done.status_code == 200, done.content
    assert done.json()["participants_count"] == 95
    assert done.json()["commitments"][0]["status"] == "done"
    assert as_xa.get(URL, {"year": 2025, "status": "done"}).json()["count"] == 1
    assert AuditEntry.objects.filter(channel="api").count() == 4


def test_out_of_scope_is_refused(client, world):
    client.force_login(world.ngoai)
    response = send(client, URL, BODY)
    assert response.status_code == 403
    assert set(response.json()) >= {"code", "message_vi", "message_en"}


def test_a_bad_status_is_refused(as_xa):
    body = {**BODY, "commitments": [{"text": "X", "status": "later"}]}
    response = send(as_xa, URL, body)
    assert response.status_code == 400
    assert response.json()["field"] == "status"
