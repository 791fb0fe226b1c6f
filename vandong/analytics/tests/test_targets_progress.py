"""A target's progress on a small tree: the series from the analytics store,
the projection, and the units whose attainment would close the gap, from
real Evaluation rows."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from vandong.analytics import services
from vandong.analytics.models import Indicator, Target
from vandong.analytics.targets.progress import progress, progress_list
from vandong.analytics.targets.projection import Status
from vandong.catalog.criteria.models import CriteriaSet
from vandong.catalog.models import DataSet, DataSetElement
from vandong.collect.tests.factories import make_element
from vandong.criteria.tests.test_queries import SET_CODE, Scene, make_scene, write

pytestmark = pytest.mark.django_db


@dataclass
class TargetScene:
    scene: Scene
    world: Any
    share: Indicator


def make_target_scene(world: Any, store_dir: Path, settings: Any) -> TargetScene:
    """The criteria test scene (its wards evaluated in 2024 and 2025: the
    current Đoàn Kết not met, Tân Phong met), with the wards' reported
    civilised-urban status, the share indicator and a fresh store.

    Reported (URBAN_CIVILIZED): 2022 none of the two legacy wards; 2023-2024
    Quyết Tiến; 2025 Tân Phong of the two current wards (50%)."""
    settings.ANALYTICS_DIR = store_dir
    scene = make_scene(world)
    # The test set records its recognition in the element, as the shipped
    # civilised-urban set does.
    CriteriaSet.objects.filter(code=SET_CODE).update(
        recognition_element="URBAN_CIVILIZED"
    )
    element = make_element(
        "URBAN_CIVILIZED", value_type="boolean", tree_aggregation="count_true"
    )
    DataSetElement.objects.create(
        data_set=DataSet.objects.get(code="F_VMDT"), data_element=element, order=9
    )
    write(
        [
            ("URBAN_CIVILIZED", "03388", "2022", False),
            ("URBAN_CIVILIZED", "03389", "2022", False),
            ("URBAN_CIVILIZED", "03388", "2023", True),
            ("URBAN_CIVILIZED", "03389", "2023", False),
            ("URBAN_CIVILIZED", "03388", "2024", True),
            ("URBAN_CIVILIZED", "03389", "2024", False),
            ("URBAN_CIVILIZED", "03388", "2025", False),
            ("URBAN_CIVILIZED", "03395", "2025", True),
        ]
    )
    share = Indicator.objects.create(
        code="URBAN_CIVILIZED_SHARE",
        name_vi="Tỷ lệ phường, thị trấn đạt chuẩn văn minh đô thị",
        name_en="Share of wards and towns meeting the civilized-urban standard",
        numerator="URBAN_CIVILIZED",
        denominator="units(phuong, thi_tran)",
        factor=100,
        decimals=1,
        measure_vi="%",
        measure_en="%",
    )
    services.rebuild(cold=True)
    return TargetScene(scene=scene, world=world, share=share)


def make_target(share: Indicator, scope: Any, **fields: Any) -> Target:
    defaults: dict[str, Any] = {
        "code": "T_URBAN",
        "name_vi": "Trên 60% phường đạt chuẩn văn minh đô thị",
        "name_en": "Over 60% of wards civilised-urban",
        "kind": "level",
        "comparator": ">",
        "value": 60.0,
        "deadline_year": 2027,
        "source": "thử",
    }
    defaults.update(fields)
    return Target.objects.create(indicator=share, scope=scope, **defaults)


@pytest.fixture
def ts(world: Any, tmp_path: Path, settings: Any) -> TargetScene:
    return make_target_scene(world, tmp_path / "analytics", settings)


def test_progress_on_the_current_tree(ts: TargetScene) -> None:
    # given over 60% of the province's wards by 2027
    target = make_target(ts.share, ts.world.province)

    # when
    found = progress(target)

    # then the series as the current tree sees it: 0% until 2024 (the merged
    # Đoàn Kết does not meet it as a whole), 50% in 2025
    assert [(p.year, p.value) for p in found.series] == [
        (2022, 0.0),
        (2023, 0.0),
        (2024, 0.0),
        (2025, 50.0),
    ]
    assert found.goal == 60.0
    assert (found.current_year, found.current_value) == (2025, 50.0)
    assert found.gap == pytest.approx(10.0)
    assert found.pace_needed == pytest.approx(5.0)
    # least squares over 2022-2025: slope 15 a year; 12,5 + 15 × 3,5 = 65
    assert found.projection.trend is not None
    assert found.projection.trend.slope == pytest.approx(15.0)
    assert found.projected_value == pytest.approx(65.0)
    assert found.status == Status.ON_TRACK
    assert (found.status_vi, found.status_en) == ("Dự báo đạt", "On track")
    assert "2022–2025" in found.method_vi
    # one more ward closes the gap (2 of 2 > 60%); Tân Phong is already
    # counted, so the current Đoàn Kết, two criteria short, is the one
    assert found.units_needed == 1
    assert found.closing_year == 2025
    (unit,) = found.closing_units
    assert unit.unit == ts.world.doan_ket
    assert unit.criteria_missing == 2
    assert [m.name_vi for m in unit.missing] == [
        "Thu nhập",
        "An ninh, trật tự",
        "Môi trường",
    ]


def test_progress_on_the_legacy_tree(ts: TargetScene) -> None:
    target = make_target(ts.share, ts.world.province)
    found = progress(target, tree="legacy", with_units=False)
    assert [(p.year, p.value) for p in found.series] == [
        (2022, 0.0),
        (2023, 50.0),
        (2024, 50.0),
        (2025, 50.0),
    ]
    assert found.closing_units == []
    assert found.units_needed is None


def test_a_met_target_lists_no_units(ts: TargetScene) -> None:
    target = make_target(ts.share, ts.world.province, comparator=">=", value=50.0)
    found = progress(target)
    assert found.status == Status.MET
    assert found.gap == 0.0
    assert found.closing_units == []


def test_a_deadline_passed_is_missed(ts: TargetScene) -> None:
    target = make_target(ts.share, ts.world.province, deadline_year=2025)
    found = progress(target)
    assert found.status == Status.MISSED
    assert found.pace_needed is None
    assert found.closing_units == []


def test_an_increase_is_measured_from_the_baseline(ts: TargetScene) -> None:
    # given +60 points from 2022 (0%) on the legacy tree
    target = make_target(
        ts.share,
        ts.world.province,
        kind="increase",
        comparator=">=",
        value=60.0,
        baseline_year=2022,
    )

    # when
    found = progress(target, tree="legacy", with_units=False)

    # then
    assert found.baseline_value == 0.0
    assert found.goal == 60.0
    assert found.change == pytest.approx(50.0)
    assert found.gap == pytest.approx(10.0)


def test_an_increase_without_baseline_data_says_so(ts: TargetScene) -> None:
    target = make_target(
        ts.share,
        ts.world.province,
        kind="increase",
        comparator=">=",
        value=10.0,
        baseline_year=2019,
    )
    found = progress(target)
    assert found.goal is None
    assert found.status == Status.NO_DATA
    assert "năm gốc 2019" in found.note_vi
    assert "baseline year 2019" in found.note_en


def test_the_whole_country(ts: TargetScene) -> None:
    target = make_target(ts.share, None, code="T_COUNTRY")
    found = progress(target)
    assert [(p.year, p.numerator, p.denominator) for p in found.series][-1] == (
        2025,
        1.0,
        2.0,
    )
    # the other province's commune is no ward: the same single gap to close
    assert [u.unit for u in found.closing_units] == [ts.world.doan_ket]


def test_closing_units_only_where_the_actor_may_see(ts: TargetScene) -> None:
    target = make_target(ts.share, ts.world.province)
    assert progress(target, actor=ts.world.ngoai).closing_units == []
    assert [u.unit for u in progress(target, actor=ts.world.xa).closing_units] == [
        ts.world.doan_ket
    ]


def test_progress_list_skips_inactive_targets(ts: TargetScene) -> None:
    make_target(ts.share, ts.world.province)
    make_target(ts.share, ts.world.province, code="T_OLD", is_active=False)
    found = progress_list()
    assert [p.target.code for p in found] == ["T_URBAN"]
    assert found[0].closing_units == []
