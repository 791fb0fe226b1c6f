"""The criteria API: sets, one set's definition, stored evaluations in scope,
and errors in both languages."""

from typing import Any

import pytest

from vandong.criteria.tests.test_queries import SET_CODE, Scene, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: Any) -> Scene:
    return make_scene(world)


def _get(client: Any, user: Any, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


def test_criteria_sets_list_with_counts(client: Any, scene: Scene) -> None:
    response = _get(client, scene.world.xa, "/api/v1/criteria-sets")
    assert response.status_code == 200
    (item,) = response.json()
    assert item["code"] == SET_CODE
    assert item["kind"] == "urban_civilized"
    assert item["level"] == 3
    assert item["valid_from"] == "2022-01-01"
    assert item["legal_basis"][0]["document"] == "04/2022/QĐ-TTg"
    assert (item["criteria_count"], item["indicator_count"]) == (4, 4)
    assert (item["threshold_count"], item["unverified_thresholds"]) == (3, 1)


def test_criteria_set_detail_has_thresholds_and_verified_flags(
    client: Any, scene: Scene
) -> None:
    response = _get(client, scene.world.xa, f"/api/v1/criteria-sets/{SET_CODE}")
    assert response.status_code == 200
    body = response.json()
    income = body["criteria"][0]["indicators"][0]
    assert income["code"] == "10.1"
    assert income["verified"] is True
    (condition,) = income["conditions"]
    assert condition["value"] == {"element": "T_INCOME"}
    assert condition["comparator"] == ">="
    flags = {t["key"]: (t["value"], t["verified"]) for t in condition["thresholds"]}
    assert flags == {"": (50.0, True), "tdmnpb": (45.0, False)}
    assert body["undefined"] == ["Văn bản chưa quy định ngưỡng tỷ lệ thu gom rác."]


def test_unknown_set_is_refused_in_both_languages(client: Any, scene: Scene) -> None:
    response = _get(client, scene.world.xa, "/api/v1/criteria-sets/khong-co")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["message_vi"] == "Không có bộ tiêu chí mã “khong-co”."
    assert body["message_en"] == "No criteria set has code 'khong-co'."
    response = client.get("/api/v1/evaluations?criteria_set=khong-co&period=2025")
    assert response.status_code == 404
    assert response.json()["field"] == "criteria_set"


def test_evaluations_of_one_unit(client: Any, scene: Scene) -> None:
    # when
    response = _get(
        client,
        scene.world.xa,
        f"/api/v1/evaluations?criteria_set={SET_CODE}&unit=03388&period=2025",
    )

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["unit"] == "03388"
    assert item["unit_name"] == "Phường Đoàn Kết"
    assert item["status"] == "not_met"
    assert (item["criteria_met"], item["criteria_total"]) == (1, 4)
    assert item["unverified"] is True
    statuses = {c["code"]: c["status"] for c in item["criteria"]}
    assert statuses == {"10": "not_met", "15": "met", "17": "not_met", "18": "no_data"}
    income = item["indicators"][0]
    assert income["indicator"] == "10.1"
    assert income["threshold"] == 45
    assert income["verified"] is False
    assert income["gap"] == pytest.approx(3.2)


def test_evaluations_of_a_subtree_hold_only_units_in_scope(
    client: Any, scene: Scene
) -> None:
    province = _get(
        client,
        scene.world.tinh,
        f"/api/v1/evaluations?criteria_set={SET_CODE}&unit=12&period=2025",
    ).json()
    # The legacy wards ended on 30/6/2025: 2025 is judged on the current ones.
    assert sorted(i["unit"] for i in province["items"]) == ["03388", "03395"]
    everything = _get(
        client,
        scene.world.xa,
        f"/api/v1/evaluations?criteria_set={SET_CODE}&period=2025",
    ).json()
    assert [i["unit"] for i in everything["items"]] == ["03388"]
    assert everything["items"][0]["unit_name"] == "Phường Đoàn Kết"


def test_evaluations_refuse_a_unit_outside_scope(client: Any, scene: Scene) -> None:
    response = _get(
        client,
        scene.world.ngoai,
        f"/api/v1/evaluations?criteria_set={SET_CODE}&unit=03388&period=2025",
    )
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "out_of_scope"
    assert body["message_vi"] == "Đơn vị 03388 nằm ngoài phạm vi của bạn."


def test_evaluations_refuse_an_unknown_unit(client: Any, scene: Scene) -> None:
    response = _get(
        client,
        scene.world.tinh,
        f"/api/v1/evaluations?criteria_set={SET_CODE}&unit=99999&period=2025",
    )
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "unknown_unit"
    assert body["message_en"] == "No administrative unit has code 99999 in 2025."


@pytest.mark.parametrize(
    ("period", "message_en"),
    [
        ("2025Q1", "Period '2025Q1' is not valid: give a year, such as 2024."),
        (
            "2030",
            f"Criteria set {SET_CODE} does not apply in 2030 (2022-2025).",
        ),
    ],
)
def test_evaluations_refuse_a_bad_period(
    client: Any, scene: Scene, period: str, message_en: str
) -> None:
    response = _get(
        client,
        scene.world.tinh,
        f"/api/v1/evaluations?criteria_set={SET_CODE}&period={period}",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["field"] == "period"
    assert body["message_en"] == message_en
    assert body["message_vi"]


def test_api_requires_authentication(client: Any, scene: Scene) -> None:
    response = client.get("/api/v1/criteria-sets")
    assert response.status_code == 401


def test_evaluation_list_query_count(
    client: Any, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    client.force_login(scene.world.tinh)
    with django_assert_max_num_queries(12):
        response = client.get(
            f"/api/v1/evaluations?criteria_set={SET_CODE}&unit=12&period=2025"
        )
    assert response.json()["count"] == 2
