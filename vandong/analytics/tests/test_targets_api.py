"""GET /api/v1/targets and /api/v1/targets/{code}."""

from pathlib import Path
from typing import Any

import pytest

from vandong.analytics.tests.test_targets_progress import (
    TargetScene,
    make_target,
    make_target_scene,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ts(world: Any, tmp_path: Path, settings: Any) -> TargetScene:
    scene = make_target_scene(world, tmp_path / "analytics", settings)
    make_target(scene.share, world.province)
    make_target(scene.share, None, code="T_COUNTRY", deadline_year=2030)
    make_target(scene.share, world.province, code="T_OLD", is_active=False)
    return scene


def _get(client: Any, user: Any, url: str) -> Any:
    client.force_login(user)
    return client.get(url)


def test_list_gives_each_active_target_with_its_progress(
    client: Any, ts: TargetScene
) -> None:
    # when
    response = _get(client, ts.world.xa, "/api/v1/targets")

    # then
    assert response.status_code == 200
    body = response.json()
    assert [t["code"] for t in body] == ["T_URBAN", "T_COUNTRY"]
    urban = body[0]
    assert urban["scope"] == "12"
    assert urban["scope_name"] == "Tỉnh Lai Châu"
    assert urban["indicator"] == "URBAN_CIVILIZED_SHARE"
    assert (urban["comparator"], urban["value"], urban["deadline_year"]) == (
        ">",
        60.0,
        2027,
    )
    status = urban["progress"]
    assert status["status"] == "on_track"
    assert (status["status_vi"], status["status_en"]) == ("Dự báo đạt", "On track")
    assert (status["current_year"], status["current_value"]) == (2025, 50.0)
    assert status["goal"] == 60.0
    assert status["pace_needed"] == pytest.approx(5.0)
    assert status["projected_value"] == pytest.approx(65.0)
    assert body[1]["scope"] is None
    assert "closing_units" not in urban


def test_detail_gives_series_projection_and_closing_units(
    client: Any, ts: TargetScene
) -> None:
    # when
    response = _get(client, ts.world.tinh, "/api/v1/targets/T_URBAN")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["tree"] == "current"
    assert [(p["year"], p["value"]) for p in body["series"]] == [
        (2022, 0.0),
        (2023, 0.0),
        (2024, 0.0),
        (2025, 50.0),
    ]
    projection = body["projection"]
    assert projection["trend"]["slope"] == pytest.approx(15.0)
    assert (projection["trend"]["first_year"], projection["trend"]["last_year"]) == (
        2022,
        2025,
    )
    assert "bình phương nhỏ nhất" in projection["method_vi"]
    assert "least-squares" in projection["method_en"]
    assert body["units_needed"] == 1
    assert body["closing_year"] == 2025
    (unit,) = body["closing_units"]
    assert (unit["unit"], unit["unit_name"]) == ("03388", "Phường Đoàn Kết")
    assert unit["criteria_missing"] == 2
    assert [(m["code"], m["name_vi"], m["status"]) for m in unit["missing"]] == [
        ("10", "Thu nhập", "not_met"),
        ("17", "An ninh, trật tự", "not_met"),
        ("18", "Môi trường", "no_data"),
    ]


def test_detail_on_the_legacy_tree(client: Any, ts: TargetScene) -> None:
    response = _get(client, ts.world.tinh, "/api/v1/targets/T_URBAN?tree=legacy")
    assert response.status_code == 200
    body = response.json()
    assert body["tree"] == "legacy"
    assert [p["value"] for p in body["series"]] == [0.0, 50.0, 50.0, 50.0]


def test_closing_units_outside_the_caller_scope_are_not_shown(
    client: Any, ts: TargetScene
) -> None:
    response = _get(client, ts.world.ngoai, "/api/v1/targets/T_URBAN")
    assert response.status_code == 200
    assert response.json()["closing_units"] == []


def test_unknown_target_is_refused_in_both_languages(
    client: Any, ts: TargetScene
) -> None:
    response = _get(client, ts.world.xa, "/api/v1/targets/KHONG_CO")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert body["message_vi"] == "Không có mục tiêu mã “KHONG_CO”."
    assert body["message_en"] == "No target has code 'KHONG_CO'."


def test_unknown_tree_is_refused(client: Any, ts: TargetScene) -> None:
    response = _get(client, ts.world.xa, "/api/v1/targets?tree=khac")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_targets_need_a_login(client: Any, ts: TargetScene) -> None:
    assert client.get("/api/v1/targets").status_code == 401


def test_list_query_count_is_pinned(
    client: Any, ts: TargetScene, django_assert_max_num_queries: Any
) -> None:
    # the session, the user, the targets; in the read API, the elements once
    # and one per target (its indicator's definition)
    client.force_login(ts.world.xa)
    with django_assert_max_num_queries(6):
        assert client.get("/api/v1/targets").status_code == 200
