"""The units whose attainment would close a target's gap, ranked from the
stored evaluations as the criteria pages rank the nearest units."""

from typing import Any

import pytest

from vandong.analytics.targets.closing import (
    Attainment,
    attainment,
    closing_units,
    latest_year,
    units_needed,
)
from vandong.criteria.tests.test_queries import Scene, make_scene

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(world: Any) -> Scene:
    return make_scene(world)


def test_attainment_reads_the_numerator(scene: Scene) -> None:
    assert attainment("met(urban_civilized)") == Attainment("met", "urban_civilized")
    assert attainment(" recognized( ntm_commune ) ") == Attainment(
        "recognized", "ntm_commune"
    )
    assert attainment("met(ntm_commune) + met(urban_civilized)") is None
    assert attainment("units(xa)") is None
    # An element no criteria set records its recognition in.
    assert attainment("HH_CULTURAL") is None


@pytest.mark.parametrize(
    ("numerator", "denominator", "factor", "comparator", "target", "needed"),
    [
        (1, 2, 100, ">", 60, 1),  # 50% -> 100%
        (1, 2, 100, ">=", 50, 0),
        (40, 94, 100, ">=", 57.5, 15),  # 55/94 = 58,5%; 54/94 = 57,4%
        (5, 12, 100, ">", 60, 3),  # 8/12 = 66,7%; 7/12 = 58,3%
        (6, 10, 100, ">", 60, 1),  # exactly 60 is not over 60
        (1, None, 1, ">=", 3, 2),  # a count: 1 -> 3
        (3, None, 1, ">=", 3, 0),
        (10, 20, 100, "<=", 30, 0),  # a falling target: attainment does not help
    ],
)
def test_units_needed(
    numerator: float,
    denominator: float | None,
    factor: float,
    comparator: str,
    target: float,
    needed: int,
) -> None:
    assert (
        units_needed(
            numerator=numerator,
            denominator=denominator,
            factor=factor,
            comparator=comparator,
            target=target,
        )
        == needed
    )


def test_met_lists_units_not_met_nearest_first_with_missing_criteria(
    scene: Scene,
) -> None:
    # when
    found = closing_units(
        Attainment("met", "urban_civilized"),
        scope=scene.world.province,
        year=2025,
        limit=5,
    )

    # then the current Đoàn Kết only: Tân Phong is met, the legacy wards
    # are not on the current tree at the end of 2025, Mường Phăng elsewhere
    (unit,) = found
    assert unit.unit == scene.world.doan_ket
    assert unit.criteria_set == "thu-nghiem-vmdt"
    assert (unit.status, unit.criteria_met, unit.criteria_total) == ("not_met", 1, 4)
    assert unit.criteria_missing == 2  # at least 3 of 4 are needed
    assert [(m.code, m.name_vi, m.status) for m in unit.missing] == [
        ("10", "Thu nhập", "not_met"),
        ("17", "An ninh, trật tự", "not_met"),
        ("18", "Môi trường", "no_data"),
    ]
    assert unit.missing[0].name_en == "Income"


def test_recognized_lists_units_without_a_recognition(scene: Scene) -> None:
    # Đoàn Kết holds a 2024 recognition; Tân Phong is met but not recognised.
    found = closing_units(
        Attainment("recognized", "urban_civilized"),
        scope=scene.world.province,
        year=2025,
        limit=5,
    )
    (unit,) = found
    assert (unit.unit, unit.status, unit.criteria_missing) == (
        scene.world.tan_phong,
        "met",
        0,
    )
    # met with three of four: criterion 18 has no data, and is still shown
    assert [m.code for m in unit.missing] == ["18"]


def test_the_whole_country_and_the_limit(scene: Scene) -> None:
    what = Attainment("met", "urban_civilized")
    everywhere = closing_units(what, scope=None, year=2025, limit=5)
    assert {u.unit.code for u in everywhere} == {"03388", "03127"}
    assert len(closing_units(what, scope=None, year=2025, limit=1)) == 1
    assert closing_units(what, scope=None, year=2025, limit=0) == []


def test_before_the_reform_the_legacy_units_are_read(scene: Scene) -> None:
    found = closing_units(
        Attainment("met", "urban_civilized"),
        scope=scene.world.province,
        year=2024,
        limit=5,
    )
    assert {u.unit for u in found} == {
        scene.world.legacy_quyet_tien,
        scene.world.legacy_doan_ket,
    }


def test_latest_year(scene: Scene) -> None:
    assert latest_year("urban_civilized", scene.world.province) == 2025
    assert latest_year("urban_civilized", scene.world.province, until=2024) == 2024
    assert latest_year("ntm_commune", None) is None
