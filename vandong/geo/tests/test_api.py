import pytest

from vandong.accounts.auth import token_digest
from vandong.accounts.models import ApiToken
from vandong.geo.models import LEGACY_END
from vandong.geo.tests.factories import make_unit

pytestmark = pytest.mark.django_db

LIST = "/api/v1/units"


@pytest.fixture
def api(client, world):
    client.force_login(world.xa)
    return client


def codes(response):
    return [item["code"] for item in response.json()["items"]]


def test_list_refuses_anonymous_with_401(client, world):
    response = client.get(LIST)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_list_accepts_a_bearer_token(client, world):
    # given
    ApiToken.objects.create(
        user=world.xa, name="test", digest=token_digest("abc"), prefix="abc"
    )

    # when
    response = client.get(LIST, {"level": 1}, HTTP_AUTHORIZATION="Bearer abc")

    # then
    assert response.status_code == 200
    assert codes(response) == ["11", "12"]


def test_list_refuses_a_wrong_token(client, world):
    response = client.get(LIST, HTTP_AUTHORIZATION="Bearer nope")

    assert response.status_code == 401


def test_list_defaults_to_units_valid_today(api):
    response = api.get(LIST)

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 8
    assert "03389" not in codes(response)
    assert "105" not in codes(response)


def test_list_item_shape(api, world):
    response = api.get(LIST, {"level": 3, "q": "doan ket"})

    assert response.json() == {
        "count": 1,
        "items": [
            {
                "code": "03388",
                "name": "Phường Đoàn Kết",
                "type": "phuong",
                "level": 3,
                "parent_code": "12",
                "valid_from": "2025-07-01",
                "valid_to": None,
                "region": "",
                "area_class": "",
                "commune_group": None,
                "latitude": None,
                "longitude": None,
                "area_km2": None,
                "households": None,
                "population": None,
                "is_sample": False,
            }
        ],
    }


def test_list_on_the_legacy_day(api):
    response = api.get(LIST, {"valid_on": "2025-06-30", "level": 3})

    assert codes(response) == ["03388", "03389"]
    assert [i["name"] for i in response.json()["items"]] == [
        "Phường Quyết Tiến",
        "Phường Đoàn Kết",
    ]


def test_list_by_parent_code_resolved_on_the_day(api):
    current = api.get(LIST, {"parent": "12"})
    legacy = api.get(LIST, {"parent": "12", "valid_on": "2025-06-30"})
    district = api.get(LIST, {"parent": "105", "valid_on": "2025-06-30"})

    assert codes(current) == ["03388", "03395"]
    assert codes(legacy) == ["105"]
    assert codes(district) == ["03388", "03389"]


def test_list_unknown_parent_is_404(api):
    response = api.get(LIST, {"parent": "105"})

    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["field"] == "parent"
    assert "105" in body["message_vi"]
    assert "105" in body["message_en"]


@pytest.mark.parametrize("text", ["muong phang", "MƯỜNG PHĂNG", "Mường phăng"])
def test_list_search_ignores_accents_and_case(api, text):
    assert codes(api.get(LIST, {"q": text})) == ["03127"]


def test_list_pages_with_limit_and_offset(api):
    first = api.get(LIST, {"limit": 2})
    second = api.get(LIST, {"limit": 2, "offset": 2})

    assert codes(first) == ["11", "12"]
    assert codes(second) == ["03127", "03388"]
    assert first.json()["count"] == second.json()["count"] == 8


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 1001},
        {"limit": 0},
        {"offset": -1},
        {"level": 5},
        {"valid_on": "2025-13-01"},
        {"valid_on": "hôm qua"},
    ],
)
def test_list_rejects_bad_parameters_with_422(api, params):
    response = api.get(LIST, params)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_list_query_count_does_not_grow_with_the_rows(
    api, world, django_assert_max_num_queries
):
    # given
    for i in range(60):
        make_unit(f"9{i:04d}", f"Xã Thử {i}", "xa", parent=world.province)

    # when: session, user, count, items
    with django_assert_max_num_queries(4):
        response = api.get(LIST, {"limit": 1000})

    # then
    assert response.json()["count"] == 68
    assert len(response.json()["items"]) == 68


def test_detail_resolves_a_reused_code_by_day(api):
    before = api.get(f"{LIST}/03388", {"valid_on": "2025-06-30"}).json()
    after = api.get(f"{LIST}/03388", {"valid_on": "2025-07-01"}).json()

    assert before["name"] == "Phường Quyết Tiến"
    assert before["parent_code"] == "105"
    assert before["valid_to"] == "2025-06-30"
    assert after["name"] == "Phường Đoàn Kết"
    assert after["parent_code"] == "12"


def test_detail_defaults_to_today(api):
    response = api.get(f"{LIST}/03388")

    assert response.status_code == 200
    assert response.json()["name"] == "Phường Đoàn Kết"


def test_detail_lists_predecessors(api):
    body = api.get(f"{LIST}/03388").json()

    assert body["successors"] == []
    assert body["predecessors"] == [
        {
            "code": "03388",
            "name": "Phường Quyết Tiến",
            "kind": "merge",
            "effective_date": "2025-07-01",
            "valid_from": None,
            "valid_to": "2025-06-30",
            "area_share": None,
            "is_primary": False,
        },
        {
            "code": "03389",
            "name": "Phường Đoàn Kết",
            "kind": "merge",
            "effective_date": "2025-07-01",
            "valid_from": None,
            "valid_to": "2025-06-30",
            "area_share": None,
            "is_primary": False,
        },
    ]


def test_detail_lists_successors(api):
    body = api.get(f"{LIST}/03389", {"valid_on": LEGACY_END.isoformat()}).json()

    assert body["predecessors"] == []
    assert [(s["code"], s["name"], s["valid_from"]) for s in body["successors"]] == [
        ("03388", "Phường Đoàn Kết", "2025-07-01")
    ]


def test_detail_unknown_code_or_day_is_404_in_both_languages(api):
    gone = api.get(f"{LIST}/03389", {"valid_on": "2025-07-01"})
    never = api.get(f"{LIST}/77777")

    assert gone.status_code == 404
    assert gone.json()["code"] == "not_found"
    assert gone.json()["message_vi"] == (
        "Không có đơn vị hành chính mã 03389 vào ngày 01/07/2025."
    )
    assert gone.json()["message_en"] == (
        "No administrative unit has code 03389 on 2025-07-01."
    )
    assert never.status_code == 404


def test_detail_bad_date_is_422(api):
    response = api.get(f"{LIST}/03388", {"valid_on": "30/06/2025"})

    assert response.status_code == 422


def test_detail_query_count(api, django_assert_max_num_queries):
    # session, user, unit, lineage
    with django_assert_max_num_queries(4):
        api.get(f"{LIST}/03388")


def test_openapi_documents_the_units_endpoints(api):
    schema = api.get("/api/v1/openapi.json").json()

    assert "/api/v1/units" in schema["paths"]
    assert "/api/v1/units/{code}" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/units"]["get"]["parameters"]}
    assert params == {"level", "parent", "valid_on", "q", "limit", "offset"}
    components = schema["components"]["schemas"]
    assert {"UnitOut", "UnitDetailOut", "LineageOut"} <= set(components)
