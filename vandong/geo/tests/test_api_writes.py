"""Writes through the units API go through the same scope service as the pages."""

import json

import pytest

from vandong.accounts.services import api_token_create
from vandong.core.models import AuditEntry
from vandong.geo.models import Unit
from vandong.geo.tests.factories import make_unit


def _post(client, url, body, token):
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.fixture
def xa_token(world):
    return api_token_create(actor=None, user=world.xa, name="test")


def test_commune_officer_creates_a_village_in_own_commune(client, world, xa_token):
    response = _post(
        client,
        "/api/v1/units/villages",
        {
            "valid_on": "2025-07-01",
            "villages": [
                {"commune_code": "03388", "name": "Bản Mới", "households": 40}
            ],
        },
        xa_token,
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    village = Unit.objects.get(name="Bản Mới")
    assert village.parent == world.doan_ket
    assert (
        AuditEntry.objects.get(entity="geo.unit", entity_id=str(village.pk)).channel
        == "api"
    )


def test_commune_officer_is_refused_on_a_neighbour_through_the_api(
    client, world, xa_token
):
    # given a request that mixes the officer's commune and the neighbour Tân Phong
    body = {
        "valid_on": "2025-07-01",
        "villages": [
            {"commune_code": "03388", "name": "Bản Của Mình"},
            {"commune_code": "03395", "name": "Bản Hàng Xóm"},
        ],
    }
    # when it is sent
    response = _post(client, "/api/v1/units/villages", body, xa_token)
    # then it is refused whole, naming the row, in both languages
    assert response.status_code == 403
    answer = response.json()
    assert answer["code"] == "out_of_scope"
    assert [(r["row"], r["field"]) for r in answer["rows"]] == [(2, "commune_code")]
    assert "Phường Tân Phong" in answer["rows"][0]["message_vi"]
    assert "Phường Tân Phong" in answer["rows"][0]["message_en"]
    assert not Unit.objects.filter(name__in=["Bản Của Mình", "Bản Hàng Xóm"]).exists()


def test_bad_rows_through_the_api_are_named(client, world, xa_token):
    body = {
        "valid_on": "2025-07-01",
        "villages": [{"commune_code": "03388", "name": "Bản X", "type": "phố cổ"}],
    }
    response = _post(client, "/api/v1/units/villages", body, xa_token)
    assert response.status_code == 400
    assert [(r["row"], r["field"]) for r in response.json()["rows"]] == [(1, "type")]


def test_commune_group_through_the_api(client, world):
    commune = make_unit(
        "03406",
        "Xã Bản Giang",
        "xa",
        parent=world.province,
        valid_from=world.doan_ket.valid_from,
    )
    body = {"commune_group": 3, "valid_on": "2025-07-01"}
    url = f"/api/v1/units/{commune.code}/commune-group"
    refused = client.put(
        url, data=json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=None, user=world.ngoai, name='t')}",
    )  # fmt: skip
    assert refused.status_code == 403
    assert (
        refused.json()["code"] == "not_allowed"
    )  # a commune officer classifies nothing
    done = client.put(
        url, data=json.dumps(body), content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=None, user=world.tinh, name='t')}",
    )  # fmt: skip
    assert done.status_code == 200
    assert done.json()["commune_group"] == 3
