"""A threshold not confirmed in the official text is labelled "chưa xác minh"
wherever a result that used it shows, and only there.

One set, one indicator: a verified general threshold (>= 90) and an
unverified TDMNPB one (>= 85). Phường Đoàn Kết (TDMNPB) is judged by the
unverified value, Phường Tân Phong (ĐBSH) by the verified one; both miss it
(80%), so they show on every page, the nearest-to-standard page included.
"""

import datetime
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from vandong.catalog.criteria.models import CriteriaSet
from vandong.catalog.criteria.store import criteria_set_upload
from vandong.catalog.loader import catalog_load
from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_write
from vandong.criteria import services
from vandong.criteria.models import Evaluation, Recognition

pytestmark = pytest.mark.django_db

CODE = "thu-nghiem-xac-minh"
LABEL = "chưa xác minh"  # criteria/_unverified.html, "unverified" in Vietnamese
BADGE = '<span class="badge unverified"'
SET_FILE = f"""\
format: 1
code: {CODE}
version: 1
kind: urban_civilized
name_vi: Bộ tiêu chí thử nghiệm nguồn ngưỡng
name_en: Test set for the unverified label
level: commune
unit_types: [phuong]
threshold_key: region
valid_from: 2022-01-01
valid_to: null
legal_basis:
  - {{document: 04/2022/QĐ-TTg, date: 2022-02-18, part: Phụ lục I}}
criteria:
  - code: "1"
    name_vi: Sự hài lòng của người dân
    name_en: Residents' satisfaction
    indicators:
      - code: "1.1"
        name_vi: Tỷ lệ người dân hài lòng
        name_en: Share of residents satisfied
        measure: "%"
        source: {{document: 04/2022/QĐ-TTg, row: "1.1", verified: true}}
        value: {{element: RESIDENTS_SATISFIED_PCT}}
        comparator: ">="
        thresholds:
          - {{value: 90, source: {{document: 04/2022/QĐ-TTg, row: "1.1", verified: true}}}}
          - {{value: 85, key: tdmnpb, source: {{document: Tài liệu chưa đối chiếu, row: "1.1", verified: false}}}}
  - code: "2"
    name_vi: An ninh, trật tự
    name_en: Security and order
    indicators:
      - code: "2.1"
        name_vi: Không có tệ nạn ma túy
        name_en: Drug-free
        source: {{document: 04/2022/QĐ-TTg, row: "2.1", verified: true}}
        value: {{element: DRUG_FREE}}
        comparator: is_true
"""


@pytest.fixture
def stored(world: Any, django_capture_on_commit_callbacks: Any) -> CriteriaSet:
    catalog_load()
    world.doan_ket.region = "tdmnpb"
    world.doan_ket.save()
    world.tan_phong.region = "dbsh"
    world.tan_phong.save()
    stored, outcome = criteria_set_upload(SET_FILE, file="t.yaml", actor=world.admin)
    assert outcome == "created"
    rows = [
        ValueRow(element, unit, "2025", value)
        for unit in ("03388", "03395")
        for element, value in (("RESIDENTS_SATISFIED_PCT", 80), ("DRUG_FREE", True))
    ]
    with django_capture_on_commit_callbacks(execute=True):
        data_values_write(actor=world.admin, rows=rows, channel="api")
    services.evaluate(sets=[stored], years=[2025])
    for unit in (world.doan_ket, world.tan_phong):
        Recognition.objects.create(
            kind="urban_civilized",
            unit=unit,
            year=2025,
            title_vi="Công nhận phường đạt chuẩn đô thị văn minh năm 2025",
            decision_number=f"{unit.code}/QĐ-UBND",
            decision_date=datetime.date(2025, 12, 20),
            authority="UBND tỉnh Lai Châu",
        )
    return stored


def _page(client: Any, user: Any, url: str) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return str(response.content.decode())


def _row(html: str, unit: str) -> str:
    """The table row of a unit."""
    start = html.index(f'<tr data-unit="{unit}"')
    return html[start : html.index("</tr>", start)]


def test_the_evaluation_marks_the_result_that_used_the_unverified_threshold(
    world: Any, stored: CriteriaSet
) -> None:
    mountain = Evaluation.objects.get(criteria_set=stored, unit=world.doan_ket)
    delta = Evaluation.objects.get(criteria_set=stored, unit=world.tan_phong)
    (used,) = [i for i in mountain.indicators if i["indicator"] == "1.1"]
    (general,) = [i for i in delta.indicators if i["indicator"] == "1.1"]
    assert (used["threshold"], used["verified"], used["status"]) == (
        85,
        False,
        "not_met",
    )
    assert (general["threshold"], general["verified"], general["status"]) == (
        90,
        True,
        "not_met",
    )
    assert mountain.unverified is True
    assert delta.unverified is False


def test_scorecard_labels_the_unverified_threshold(
    client: Any, world: Any, stored: CriteriaSet
) -> None:
    # when
    mountain = _page(client, world.tinh, f"/criteria/{CODE}/unit/03388/?year=2025")
    delta = _page(client, world.tinh, f"/criteria/{CODE}/unit/03395/?year=2025")

    # then the rule row of 1.1 and the criterion carry the label
    indicator = mountain[mountain.index('data-indicator="1.1"') :]
    indicator = indicator[: indicator.index("</tr>")]
    assert "≥ 85" in indicator
    assert LABEL in indicator
    criterion = mountain[mountain.index('data-criterion="1"') :]
    assert LABEL in criterion[: criterion.index("</tr>")]
    # and the verified threshold of the other ward is not labelled
    assert "≥ 90" in delta
    assert LABEL not in delta
    assert BADGE not in delta


def test_matrix_labels_the_unit_that_used_it(
    client: Any, world: Any, stored: CriteriaSet
) -> None:
    html = _page(client, world.tinh, f"/criteria/{CODE}/matrix/?year=2025")
    assert LABEL in _row(html, "03388")
    assert BADGE in _row(html, "03388")
    assert LABEL not in _row(html, "03395")


def test_matrix_export_labels_the_unit_that_used_it(
    client: Any, world: Any, stored: CriteriaSet
) -> None:
    # when
    client.force_login(world.tinh)
    response = client.get(f"/criteria/{CODE}/matrix/xlsx/?year=2025")

    # then
    assert response.status_code == 200
    matrix, legend = load_workbook(io.BytesIO(response.content)).worksheets
    header = [c.value for c in matrix[1]]
    assert header[5] == "Chưa xác minh"
    rows = {r[0]: r for r in matrix.iter_rows(min_row=2, values_only=True)}
    assert rows["03388"][5] == "Có"
    assert rows["03395"][5] in (None, "")
    texts = [str(c) for r in legend.iter_rows(values_only=True) for c in r if c]
    assert "Bộ tiêu chí này có 1 ngưỡng chưa xác minh." in texts


def test_set_detail_labels_the_unverified_threshold(
    client: Any, world: Any, stored: CriteriaSet
) -> None:
    html = _page(client, world.tinh, f"/criteria/{CODE}/")
    items = html.split('<ul class="threshold-list cond">', 1)[1]
    items = items[: items.index("</ul>")]
    region, general = sorted(
        (li for li in items.split("<li>")[1:]),
        key=lambda li: "<strong>85</strong>" not in li,
    )
    assert "<strong>85</strong>" in region
    assert LABEL in region
    assert "<strong>90</strong>" in general
    assert LABEL not in general
    assert "đã xác minh" in general


def test_evaluations_api_says_verified_false_and_unverified_true(
    client: Any, world: Any, stored: CriteriaSet
) -> None:
    client.force_login(world.tinh)
    found = {}
    for unit in ("03388", "03395"):
        response = client.get(
            f"/api/v1/evaluations?criteria_set={CODE}&unit={unit}&period=2025"
        )
        assert response.status_code == 200
        (item,) = response.json()["items"]
        found[unit] = item
    mountain, delta = found["03388"], found["03395"]
    assert mountain["unverified"] is True
    (used,) = [i for i in mountain["indicators"] if i["indicator"] == "1.1"]
    assert (used["threshold"], used["verified"]) == (85, False)
    assert delta["unverified"] is False
    (general,) = [i for i in delta["indicators"] if i["indicator"] == "1.1"]
    assert (general["threshold"], general["verified"]) == (90, True)


def test_criteria_set_api_flags_the_unverified_threshold(
    client: Any, world: Any, stored: CriteriaSet
) -> None:
    client.force_login(world.tinh)
    body = client.get(f"/api/v1/criteria-sets/{CODE}").json()
    (condition,) = body["criteria"][0]["indicators"][0]["conditions"]
    flags = {t["key"]: (t["value"], t["verified"]) for t in condition["thresholds"]}
    assert flags == {"": (90.0, True), "tdmnpb": (85.0, False)}
    assert body["unverified_thresholds"] == 1


def test_nearest_labels_the_unit_that_used_it(
    client: Any, world: Any, stored: CriteriaSet
) -> None:
    html = _page(client, world.tinh, f"/criteria/{CODE}/nearest/?year=2025")
    mountain, delta = _row(html, "03388"), _row(html, "03395")
    # the gaps shown are to the threshold each used: 85 and 90
    assert "1.1 (còn thiếu 5%)" in mountain
    assert "1.1 (còn thiếu 10%)" in delta
    assert LABEL in mountain
    assert LABEL not in delta


def test_disagreements_label_the_failing_criterion_that_used_it(
    client: Any, world: Any, stored: CriteriaSet
) -> None:
    html = _page(client, world.tinh, f"/criteria/{CODE}/disagreements/?year=2025")
    failing = html[html.index('id="failing"') :]
    mountain, delta = _row(failing, "03388"), _row(failing, "03395")
    assert "1 Sự hài lòng của người dân" in mountain
    assert LABEL in mountain
    assert "1 Sự hài lòng của người dân" in delta
    assert LABEL not in delta
