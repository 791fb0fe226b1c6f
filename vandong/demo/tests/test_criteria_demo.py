"""The demo's constructed criteria inputs: the pure generator (value_for,
pick_threshold, _attained) and one run of the demo's criteria step on Lai
Châu's real units."""

import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from vandong.catalog.criteria.spec import (
    ConditionSpec,
    CriteriaSetSpec,
    Source,
    Threshold,
    ValueSpec,
)
from vandong.demo.collect import YEARS, DemoUnit
from vandong.demo.criteria import (
    DEMO_SETS_DIR,
    _attained,
    pick_threshold,
    value_for,
)

NOISES = (0.0, 0.25, 0.5, 0.75, 0.999)


def _condition(
    comparator: str, *thresholds: tuple[float, str, int | None]
) -> ConditionSpec:
    return ConditionSpec(
        value=ValueSpec(element="X"),
        comparator=comparator,  # type: ignore[arg-type]
        thresholds=tuple(
            Threshold(value=v, source=Source(), key=k, year=y) for v, k, y in thresholds
        ),
    )


def _spec(recognition_element: str = "") -> CriteriaSetSpec:
    return CriteriaSetSpec(
        code="thu-nghiem",
        version=1,
        name_vi="Thử nghiệm",
        name_en="Test",
        kind="ntm_commune",
        level=3,
        unit_types=("xa",),
        threshold_key="region",
        valid_from=datetime.date(2016, 1, 1),
        valid_to=None,
        legal_basis=(),
        criteria=(),
        recognition_element=recognition_element,
    )


# --- pick_threshold -----------------------------------------------------------------


def test_pick_threshold_takes_the_most_specific_for_lai_chau() -> None:
    condition = _condition(
        ">=",
        (80, "", None),
        (70, "tdmnpb", None),
        (90, "dbsh", None),
        (65, "tdmnpb", 2025),
        (60, "", 2024),
    )
    # key and year, then key, then year, then general
    assert pick_threshold(condition, 2025, None) == 65
    assert pick_threshold(condition, 2024, None) == 70
    assert pick_threshold(condition, 2023, None) == 70


def test_pick_threshold_falls_back_to_the_general_value() -> None:
    condition = _condition(">=", (80, "", None), (90, "dbsh", None), (75, "", 2024))
    assert pick_threshold(condition, 2023, None) == 80
    assert pick_threshold(condition, 2024, None) == 75


def test_pick_threshold_by_commune_group() -> None:
    condition = _condition("<=", (2, "1", None), (4, "2", None), (10, "3", None))
    assert pick_threshold(condition, 2026, "1") == 2
    assert pick_threshold(condition, 2026, "3") == 10
    # no group, no general value: nothing to aim at
    assert pick_threshold(condition, 2026, None) is None


def test_pick_threshold_without_one_for_the_region_is_none() -> None:
    assert pick_threshold(_condition(">="), 2025, None) is None
    assert pick_threshold(_condition(">=", (16.5, "dbsh", None)), 2025, None) is None


# --- value_for ------------------------------------------------------------------------


def _value(
    condition: ConditionSpec,
    *,
    meet: bool,
    noise: float,
    value_type: str = "percent",
    group: str | None = None,
) -> float | None:
    return value_for(
        condition,
        meet=meet,
        year=2025,
        group=group,
        noise=noise,
        value_type=value_type,
    )


def test_value_for_a_yes_no_condition() -> None:
    for noise in NOISES:
        assert _value(_condition("is_true"), meet=True, noise=noise) == 1.0
        assert _value(_condition("is_true"), meet=False, noise=noise) == 0.0
        assert _value(_condition("is_false"), meet=True, noise=noise) == 0.0
        assert _value(_condition("is_false"), meet=False, noise=noise) == 1.0


@pytest.mark.parametrize("noise", NOISES)
def test_value_for_meets_or_misses_an_at_least_percent(noise: float) -> None:
    condition = _condition(">=", (80, "", None), (70, "tdmnpb", None))
    meeting = _value(condition, meet=True, noise=noise)
    missing = _value(condition, meet=False, noise=noise)
    assert meeting is not None
    assert missing is not None
    # the TDMNPB value (70) is the one aimed at
    assert 70 <= meeting <= 100
    assert 0 <= missing < 70


@pytest.mark.parametrize("noise", NOISES)
def test_value_for_meets_or_misses_an_at_most_percent(noise: float) -> None:
    condition = _condition("<=", (24, "tdmnpb", None), (16.5, "dbsh", None))
    meeting = _value(condition, meet=True, noise=noise)
    missing = _value(condition, meet=False, noise=noise)
    assert meeting is not None
    assert missing is not None
    assert 0 <= meeting <= 24
    assert 24 < missing <= 100


@pytest.mark.parametrize("noise", NOISES)
def test_value_for_an_integer_stays_whole_and_on_its_side(noise: float) -> None:
    condition = _condition(">=", (50, "", None))
    meeting = _value(condition, meet=True, noise=noise, value_type="integer")
    missing = _value(condition, meet=False, noise=noise, value_type="integer")
    assert meeting is not None
    assert missing is not None
    assert meeting == int(meeting)
    assert missing == int(missing)
    assert meeting >= 50
    assert missing < 50


def test_value_for_a_non_percent_may_exceed_100() -> None:
    # an income of at least 45 million: the meeting value is not capped at 100
    condition = _condition(">=", (95, "", None))
    values = [
        _value(condition, meet=True, noise=n, value_type="decimal") for n in NOISES
    ]
    assert all(v is not None and v >= 95 for v in values)
    assert max(v for v in values if v is not None) > 100


def test_value_for_equal_meets_exactly_and_misses_by_one_step() -> None:
    condition = _condition("=", (3, "", None))
    assert _value(condition, meet=True, noise=0.3, value_type="decimal") == 3
    assert _value(condition, meet=False, noise=0.3, value_type="decimal") == 3.1
    assert _value(condition, meet=False, noise=0.3, value_type="integer") == 4


def test_value_for_without_a_threshold() -> None:
    # a percent gets a plausible figure; other types nothing
    condition = _condition(">=", (16.5, "dbsh", None))
    assert _value(condition, meet=True, noise=0.0) == 45.0
    assert _value(condition, meet=False, noise=0.5) == 70.0
    assert _value(condition, meet=True, noise=0.5, value_type="decimal") is None


def test_value_for_aims_at_the_communes_group() -> None:
    condition = _condition("<=", (2, "1", None), (10, "3", None))
    for noise in NOISES:
        near_town = _value(condition, meet=True, noise=noise, group="1")
        assert near_town is not None
        assert near_town <= 2
        mountain = _value(condition, meet=False, noise=noise, group="3")
        assert mountain is not None
        assert mountain > 10


def test_value_for_misses_a_small_threshold_after_rounding() -> None:
    condition = _condition(">=", (0.5, "", None))
    missing = _value(condition, meet=False, noise=0.999)
    assert missing is not None
    assert missing < 0.5


# --- _attained ----------------------------------------------------------------------


def _unit(code: str = "03400", unit_id: int = 7) -> DemoUnit:
    return DemoUnit(id=unit_id, code=code, level=3, type="xa", parent_id=1)


def test_attained_follows_the_recognition_flag_where_the_set_has_one() -> None:
    spec = _spec("NTM_ATTAINED")
    unit = _unit()
    status = {("NTM_ATTAINED", 7, 2020): True, ("NTM_ATTAINED", 7, 2021): False}
    assert _attained(spec, unit, 2020, status) is True
    assert _attained(spec, unit, 2021, status) is False
    assert _attained(spec, unit, 2022, status) is False  # no flag: not attained
    assert _attained(spec, _unit(unit_id=8), 2020, status) is False


def test_attained_without_a_recognition_element_is_a_growing_share() -> None:
    spec = _spec("")
    units = [_unit(f"{n:05d}", n) for n in range(400)]
    first = sum(_attained(spec, u, YEARS[0], {}) for u in units) / len(units)
    last = sum(_attained(spec, u, YEARS[-1], {}) for u in units) / len(units)
    # 45% in the first year, 4 points more each year after (±sampling)
    assert first == pytest.approx(0.45, abs=0.08)
    assert last == pytest.approx(0.45 + 0.04 * (YEARS[-1] - YEARS[0]), abs=0.08)
    assert last > first
    # and it is deterministic
    assert [_attained(spec, u, 2020, {}) for u in units] == [
        _attained(spec, u, 2020, {}) for u in units
    ]


# --- the demo's criteria step on Lai Châu ---------------------------------------------


def _layer_indicators(path: Path) -> set[str]:
    data = yaml.safe_load(path.read_text("utf-8"))
    return {i["code"] for c in data["criteria"] for i in c["indicators"]}


@pytest.mark.django_db
def test_demo_criteria_on_lai_chau(django_capture_on_commit_callbacks: Any) -> None:
    # given Lai Châu, its sample villages, the catalog and the demo values
    from vandong.catalog.criteria.models import CriteriaSet, Threshold
    from vandong.catalog.loader import catalog_load
    from vandong.criteria.models import Evaluation, Recognition
    from vandong.demo.collect import load_demo_values
    from vandong.demo.criteria import load_demo_criteria
    from vandong.demo.geo import load_lai_chau, load_sample_villages
    from vandong.geo.models import Unit

    said: list[str] = []
    load_lai_chau(said.append)
    load_sample_villages(said.append)
    catalog_load()
    load_demo_values(said.append)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        load_demo_criteria(said.append)

    # then the national new-rural sets are evaluated on Lai Châu's communes
    province = Unit.objects.get(code="12", level=1, valid_from__isnull=True)
    communes = Unit.objects.filter(
        path__startswith=province.path, level=3, type="xa"
    ).values_list("pk", flat=True)
    for code, year in (
        ("ntm-xa-2016-2020", 2020),
        ("ntm-xa-2021-2025", 2024),
        ("ntm-xa-2026-2030", 2026),
    ):
        evaluated = Evaluation.objects.filter(
            criteria_set__code=code, year=year, unit_id__in=list(communes)
        )
        assert evaluated.exists(), code

    # the placeholder province layers are loaded, every threshold they add
    # unverified
    layers = sorted(DEMO_SETS_DIR.glob("*.yaml"))
    assert layers
    for path in layers:
        stored = CriteriaSet.objects.get(code=path.stem)
        assert stored.code.endswith("-lai-chau-mau")
        assert stored.province == "12"
        added = Threshold.objects.filter(
            indicator__criterion__criteria_set=stored,
            indicator__code__in=_layer_indicators(path),
        )
        assert added.exists(), stored.code
        assert not added.filter(verified=True).exists(), stored.code

    # the 2021-2025 layer judges communes both ways
    statuses = set(
        Evaluation.objects.filter(
            criteria_set__code="ntm-xa-2021-2025-lai-chau-mau"
        ).values_list("status", flat=True)
    )
    assert {"met", "not_met"} <= statuses
    assert (
        Evaluation.objects.filter(
            criteria_set__code="ntm-xa-2021-2025-lai-chau-mau", unverified=False
        ).count()
        == 0
    )

    # the sample recognitions say what they are
    recognitions = Recognition.objects.all()
    assert recognitions.exists()
    assert not recognitions.filter(is_sample=False).exists()
    for note in recognitions.values_list("note", flat=True).distinct():
        assert "dựng sẵn" in note
        assert "constructed" in note
