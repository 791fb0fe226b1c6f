"""Reads behind the criteria pages: definitions, scorecard, matrix, nearest,
disagreements, each within the reader's scope."""

import datetime
from dataclasses import dataclass
from typing import Any

import pytest

from vandong.catalog.criteria.models import CriteriaSet
from vandong.catalog.criteria.store import criteria_set_upload
from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_write
from vandong.collect.tests.factories import make_data_set, make_element, make_period
from vandong.criteria import queries, services
from vandong.criteria.models import Recognition

pytestmark = pytest.mark.django_db

SET_CODE = "thu-nghiem-vmdt"

# Four criteria; the standard needs three. 10: a region threshold not yet
# verified; 17: a yes/no rule; 18: the text gives no threshold.
SET_YAML = """\
format: 1
code: thu-nghiem-vmdt
version: 1
kind: urban_civilized
name_vi: Bộ tiêu chí thử nghiệm phường văn minh
name_en: Test civilized ward criteria
level: commune
unit_types: [phuong, xa]
threshold_key: region
valid_from: 2022-01-01
valid_to: 2025-12-31
at_least: 3
legal_basis:
  - {document: "04/2022/QĐ-TTg", date: 2022-02-18, part: "Phụ lục", title_vi: "Tiêu chí thử"}
undefined:
  - "Văn bản chưa quy định ngưỡng tỷ lệ thu gom rác."
criteria:
  - code: "10"
    name_vi: Thu nhập
    name_en: Income
    indicators:
      - code: "10.1"
        name_vi: Thu nhập bình quân đầu người
        name_en: Income per head
        measure: triệu đồng
        source: {document: "04/2022/QĐ-TTg", appendix: "Phụ lục", row: "10.1", verified: true}
        value: {element: T_INCOME}
        comparator: ">="
        thresholds:
          - {value: 50, source: {document: "04/2022/QĐ-TTg", row: "10.1", verified: true}}
          - {value: 45, key: tdmnpb, source: {document: "04/2022/QĐ-TTg", row: "10.1"}}
  - code: "15"
    name_vi: Y tế
    name_en: Health
    indicators:
      - code: "15.1"
        name_vi: Tỷ lệ tham gia bảo hiểm y tế
        name_en: Health insurance coverage
        measure: "%"
        source: {document: "04/2022/QĐ-TTg", row: "15.1", verified: true}
        value: {element: T_HEALTH_PCT}
        comparator: ">="
        thresholds:
          - {value: 90, source: {document: "04/2022/QĐ-TTg", row: "15.1", verified: true}}
  - code: "17"
    name_vi: An ninh, trật tự
    name_en: Security and order
    indicators:
      - code: "17.1"
        name_vi: Không có tệ nạn ma túy
        name_en: Drug-free
        source: {document: "04/2022/QĐ-TTg", row: "17.1", verified: true}
        value: {element: T_DRUG_FREE}
        comparator: is_true
  - code: "18"
    name_vi: Môi trường
    name_en: Environment
    indicators:
      - code: "18.1"
        name_vi: Tỷ lệ thu gom rác thải
        name_en: Waste collected
        measure: "%"
        source: {document: "04/2022/QĐ-TTg", row: "18.1", verified: true}
        value: {element: T_WASTE_PCT}
        comparator: ">="
        undefined_vi: Văn bản chưa quy định ngưỡng.
        undefined_en: The text gives no threshold.
"""


@dataclass
class Scene:
    stored: CriteriaSet
    world: Any


def write(rows: list[tuple[str, str, str, object]]) -> None:
    data_values_write(
        actor=None,
        rows=[ValueRow(e, u, p, v) for e, u, p, v in rows],
        channel="api",
    )


def make_scene(world: Any) -> Scene:
    """The test set over the world's wards, evaluated for 2024 and 2025.

    2025: Đoàn Kết (region tdmnpb) lacks income (41,8 < 45, an unverified
    threshold) and is not drug-free, has no waste figure: not met, yet it
    holds a recognition of 2024. Tân Phong meets three criteria (18 has no
    threshold): met, not recognised."""
    for year in range(2022, 2026):
        make_period(str(year))
    elements = [
        make_element("T_INCOME", value_type="decimal", measure="triệu đồng"),
        make_element("T_HEALTH_PCT", value_type="percent", measure="%"),
        make_element("T_DRUG_FREE", value_type="boolean"),
        make_element("T_WASTE_PCT", value_type="percent", measure="%"),
    ]
    make_data_set("F_VMDT", elements)
    world.doan_ket.region = "tdmnpb"
    world.doan_ket.save()
    stored, _outcome = criteria_set_upload(SET_YAML, file="t.yaml", actor=world.admin)
    write(
        [
            ("T_INCOME", "03388", "2025", "41,8"),
            ("T_HEALTH_PCT", "03388", "2025", 92),
            ("T_DRUG_FREE", "03388", "2025", False),
            ("T_INCOME", "03388", "2024", 40),
            ("T_INCOME", "03395", "2025", 60),
            ("T_HEALTH_PCT", "03395", "2025", 95),
            ("T_DRUG_FREE", "03395", "2025", True),
            ("T_WASTE_PCT", "03395", "2025", 80),
            ("T_INCOME", "03127", "2025", 70),
        ]
    )
    Recognition.objects.create(
        kind="urban_civilized",
        unit=world.doan_ket,
        year=2024,
        title_vi="Công nhận phường đạt chuẩn văn minh đô thị năm 2024",
        decision_number="123/QĐ-UBND",
        decision_date=datetime.date(2024, 12, 15),
        authority="UBND tỉnh Lai Châu",
    )
    services.evaluate(sets=[stored], years=[2024, 2025])
    return Scene(stored=stored, world=world)


@pytest.fixture
def scene(world: Any) -> Scene:
    return make_scene(world)


def test_definition_lists_thresholds_with_their_verification(scene: Scene) -> None:
    # when
    definition = queries.criteria_set_definition(scene.stored)

    # then
    assert [c.code for c in definition.criteria] == ["10", "15", "17", "18"]
    income = definition.criteria[0].indicators[0]
    keys = {t.key: t.verified for t in income.conditions[0].thresholds}
    assert keys == {"": True, "tdmnpb": False}
    assert income.verified is False
    assert definition.unverified_thresholds == 1
    assert definition.criteria[3].indicators[0].undefined_vi


def test_set_list_counts(scene: Scene) -> None:
    (summary,) = queries.criteria_set_list()
    assert (summary.criteria, summary.indicators, summary.thresholds) == (4, 4, 3)
    assert summary.unverified_thresholds == 1


def test_scorecard_reads_the_stored_evaluation_and_trend(scene: Scene) -> None:
    # given
    definition = queries.criteria_set_definition(scene.stored)
    unit = queries.scorecard_unit(
        actor=scene.world.tinh, stored=scene.stored, code="03388", year=2025
    )

    # when
    assert unit == scene.world.doan_ket
    card = queries.scorecard(definition, unit, 2025)

    # then
    statuses = {c.definition.code: c.status for c in card.criteria}
    assert statuses == {"10": "not_met", "15": "met", "17": "not_met", "18": "no_data"}
    income = card.criteria[0].indicators[0].conditions[0]
    assert income.value == pytest.approx(41.8)
    assert income.threshold == 45
    assert income.gap == pytest.approx(3.2)
    assert income.verified is False
    assert card.recognised is True
    # The current ward began in July 2025: no year before in its trend.
    assert [row.year for row in card.trend] == [2025]
    assert card.trend[0].statuses == ("not_met", "met", "not_met", "no_data")
    assert card.entry_links == [("F_VMDT", "Biểu F_VMDT", "Form F_VMDT")]


def test_a_reused_code_names_the_unit_of_that_year(scene: Scene) -> None:
    # when
    unit = queries.scorecard_unit(
        actor=scene.world.tinh, stored=scene.stored, code="03388", year=2024
    )

    # then the legacy ward, its trend over the years it existed
    assert unit == scene.world.legacy_quyet_tien
    definition = queries.criteria_set_definition(scene.stored)
    trend = queries.unit_trend(definition, unit)
    assert [row.year for row in trend] == [2022, 2023, 2024, 2025]
    assert trend[2].statuses[0] == "not_met"  # income 40 < 50
    assert trend[0].evaluation is None


def test_units_outside_scope_are_not_found(scene: Scene) -> None:
    for user, code in [("ngoai", "03388"), ("xa", "03395")]:
        unit = queries.scorecard_unit(
            actor=getattr(scene.world, user), stored=scene.stored, code=code, year=2025
        )
        assert unit is None


def test_matrix_holds_only_units_in_scope_most_met_first(scene: Scene) -> None:
    # when
    as_province = queries.matrix(actor=scene.world.tinh, stored=scene.stored, year=2025)
    as_commune = queries.matrix(actor=scene.world.xa, stored=scene.stored, year=2025)

    # then
    codes = [e.unit.code for e in as_province]
    assert codes[0] == "03395"
    assert "03127" not in codes
    assert set(codes) == {"03395", "03388"}
    assert [e.unit.code for e in as_commune] == ["03388"]


def test_nearest_ranks_by_criteria_missing_then_gap(scene: Scene) -> None:
    found = list(
        queries.nearest(
            actor=scene.world.tinh,
            stored=scene.stored,
            year=2025,
            root=scene.world.province,
        )
    )
    assert found[0].unit == scene.world.doan_ket
    assert queries.missing(scene.stored, found[0]) == 2
    assert scene.world.tan_phong not in [e.unit for e in found]


def test_disagreements_both_ways(scene: Scene) -> None:
    definition = queries.criteria_set_definition(scene.stored)
    failing, unrecognised = queries.disagreements(
        actor=scene.world.tinh, definition=definition, year=2025
    )
    assert [d.evaluation.unit for d in failing] == [scene.world.doan_ket]
    assert [c.definition.code for c in failing[0].failing] == ["10", "17"]
    assert [d.evaluation.unit for d in unrecognised] == [scene.world.tan_phong]


def test_combine_conditions_as_the_engine_does() -> None:
    assert queries.combine(["met", "not_met"], None) == "not_met"
    assert queries.combine(["met", "no_data"], None) == "no_data"
    assert queries.combine(["met", "no_threshold"], None) == "no_threshold"
    assert queries.combine(["met", "not_met", "no_data"], 1) == "met"
    assert queries.combine(["not_met", "not_met", "no_data"], 2) == "not_met"
    assert queries.combine(["not_met", "met", "no_data"], 2) == "no_data"
