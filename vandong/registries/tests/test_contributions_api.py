"""/api/v1/contributions: list with totals, create, update, delete; scoped."""

import pytest
from django.test import Client

from conftest import PASSWORD
from vandong.registries.models import Contribution

URL = "/api/v1/contributions"
BODY = {
    "unit": "03388",
    "date": "2025-08-01",
    "kind": "people",
    "purpose": "road",
    "contributor_name": "Lò Văn A",
    "cash_vnd": 5_000_000,
}


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_create_list_update_delete(world):
    xa = client_for("xa")
    created = xa.post(URL, BODY, content_type="application/json")
    assert created.status_code == 201, created.json()
    record_id = created.json()["id"]
    listed = xa.get(URL, {"unit": "12", "year": "2025", "names": "true"}).json()
    assert listed["count"] == 1
    assert listed["totals"]["cash_vnd"] == 5_000_000
    assert listed["totals"]["cash_prose"] == "5 triệu đồng"
    assert listed["items"][0]["contributor_name"] == "Lò Văn A"
    # names are left out unless asked for
    assert xa.get(URL).json()["items"][0]["contributor_name"] is None
    changed = xa.put(
        f"{URL}/{record_id}",
        {**BODY, "cash_vnd": 6_000_000},
        content_type="application/json",
    )
    assert changed.status_code == 200
    assert changed.json()["cash_vnd"] == 6_000_000
    assert xa.delete(f"{URL}/{record_id}").status_code == 204
    assert Contribution.objects.count() == 0


def test_a_commune_officer_may_not_write_another_commune(world):
    xa = client_for("xa")
    refused = xa.post(URL, {**BODY, "unit": "03395"}, content_type="application/json")
    assert refused.status_code == 403
    body = refused.json()
    assert body["code"] == "out_of_scope"
    assert "ngoài phạm vi" in body["message_vi"]
    assert "outside your scope" in body["message_en"]
    # nor change or delete a record there
    other = client_for("tinh").post(
        URL, {**BODY, "unit": "03395"}, content_type="application/json"
    )
    record_id = other.json()["id"]
    assert (
        xa.put(f"{URL}/{record_id}", BODY, content_type="application/json").status_code
        == 404
    )
    assert xa.delete(f"{URL}/{record_id}").status_code == 404
    # and the officer elsewhere sees nothing of it
    assert client_for("ngoai").get(URL).json()["count"] == 0


def test_a_broken_rule_answers_in_both_languages(world):
    response = client_for("xa").post(
        URL, {**BODY, "cash_vnd": 0}, content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "cash_vnd"
    assert (
        body["message_en"] == "Nothing given: record cash, land, labour or materials."
    )


def test_anonymous_callers_are_refused(db):
    assert Client().get(URL).status_code == 401


@pytest.mark.parametrize("unit", ["99999"])
def test_an_unknown_unit_is_not_found(world, unit):
    response = client_for("xa").post(
        URL, {**BODY, "unit": unit}, content_type="application/json"
    )
    assert response.status_code == 404
    assert response.json()["field"] == "unit"
