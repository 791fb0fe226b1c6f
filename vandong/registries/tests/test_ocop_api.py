"""/api/v1/ocop-products: list, create, update, ratings, counts; scoped."""

import json
from typing import Any

import pytest

from vandong.core.models import AuditEntry
from vandong.registries.models import OcopProduct

URL = "/api/v1/ocop-products"


def post(client, url, body, method="post"):
    return getattr(client, method)(
        url, json.dumps(body), content_type="application/json"
    )


BODY: dict[str, Any] = {
    "unit": "03388",
    "name": "Chè Shan tuyết",
    "group": "drinks",
    "producer_name": "HTX Chè",
    "producer_kind": "cooperative",
    "ratings": [
        {
            "stars": 3,
            "score": 60,
            "decision_number": "1/QĐ",
            "decision_date": "2025-08-01",
        }
    ],
}


@pytest.fixture
def as_xa(client, world):
    client.force_login(world.xa)
    return client


def test_create_list_and_update(as_xa, world):
    # when
    created = post(as_xa, URL, BODY)
    pk = created.json()["id"]
    patched = post(as_xa, f"{URL}/{pk}", {"name": "Chè cổ thụ"}, method="patch")
    upgraded = post(
        as_xa,
        f"{URL}/{pk}/ratings",
        {
            "stars": 4,
            "score": 75,
            "decision_number": "2/QĐ",
            "decision_date": "2026-01-05",
        },
    )
    listed = as_xa.get(URL, {"on": "2026-02-01", "stars": 4})
    counts = as_xa.get(f"{URL}/counts", {"on": "2026-02-01", "unit": "12"})

    # then
    assert created.status_code == 201, created.content
    assert created.json()["ratings"][0]["expires_on"] == "2028-08-01"
    assert patched.json()["name"] == "Chè cổ thụ"
    assert upgraded.status_code == 201
    assert listed.json()["count"] == 1
    assert listed.json()["items"][0]["stars_on"] == 4
    assert counts.json()["total"] == {
        "unit": None,
        "unit_name": "",
        "stars_3": 0,
        "stars_4": 1,
        "stars_5": 0,
        "total": 1,
    }
    assert AuditEntry.objects.filter(channel="api").count() == 4


def test_a_score_outside_the_band_is_refused_in_both_languages(as_xa):
    body = {**BODY, "ratings": [{**BODY["ratings"][0], "score": 75}]}
    response = post(as_xa, URL, body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "score_band_mismatch"
    assert error["message_vi"].startswith("75 điểm thuộc hạng 4 sao")
    assert error["message_en"].startswith("A score of 75 is in the 4-star band")
    assert OcopProduct.objects.count() == 0


def test_out_of_scope_writes_and_reads_are_refused(client, world):
    client.force_login(world.ngoai)
    response = post(client, URL, BODY)
    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"
    assert response.json()["message_en"]

    client.force_login(world.xa)
    pk = post(client, URL, BODY).json()["id"]
    client.force_login(world.ngoai)
    assert client.get(URL).json()["count"] == 0
    patched = post(client, f"{URL}/{pk}", {"name": "X"}, method="patch")
    assert patched.status_code == 404


def test_anonymous_callers_are_refused(client, world):
    assert client.get(URL).status_code == 401


def test_the_list_query_count_is_fixed(as_xa, world, django_assert_max_num_queries):
    for i in range(5):
        post(as_xa, URL, {**BODY, "name": f"P{i}"})
    with django_assert_max_num_queries(8):
        response = as_xa.get(URL)
    assert response.json()["count"] == 5
