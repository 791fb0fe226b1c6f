"""/api/v1/models: list, create, update; scoped."""

import json

import pytest

URL = "/api/v1/models"
BODY = {
    "unit": "03388-01",
    "kind": "mediation_team",
    "name": "Tổ hòa giải TDP 1",
    "recognized_year": 2025,
}


def send(client, url, body, method="post"):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json"
    )


@pytest.fixture
def as_xa(client, world):
    client.force_login(world.xa)
    return client


def test_create_list_and_stop(as_xa):
    created = send(as_xa, URL, BODY)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    send(
        as_xa,
        URL,
        {
            **BODY,
            "unit": "03388",
            "kind": "learning_family",
            "name": "GĐHT",
            "count": 78,
        },
    )
    stopped = send(
        as_xa, f"{URL}/{pk}", {"active": False, "stopped_year": 2026}, method="patch"
    )
    assert stopped.status_code == 200, stopped.content
    assert stopped.json()["stopped_year"] == 2026
    listed = as_xa.get(URL, {"active_in": 2026}).json()
    assert listed["count"] == 1
    assert listed["total"] == 78
    assert as_xa.get(URL, {"category": "mediation"}).json()["count"] == 1


def test_refusals_in_both_languages(as_xa, client, world):
    bad = send(as_xa, URL, {**BODY, "active": False})
    assert bad.status_code == 400
    assert bad.json()["field"] == "stopped_year"
    assert bad.json()["message_vi"] == "Cần nhập năm ngừng hoạt động."

    client.force_login(world.thon)
    other_village = send(client, URL, {**BODY, "unit": "03388-02"})
    assert other_village.status_code == 403
    assert other_village.json()["code"] == "out_of_scope"
