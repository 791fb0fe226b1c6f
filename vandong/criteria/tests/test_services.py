"""Evaluation stored from the database, kept current when values change."""

import datetime
from typing import Any

import pytest
from django.core.management import call_command

from vandong.catalog.criteria.store import criteria_set_upload, spec_from_db
from vandong.catalog.loader import catalog_load
from vandong.catalog.models import CriteriaSet, Threshold
from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_write
from vandong.core.models import AuditEntry
from vandong.criteria import services
from vandong.criteria.models import Evaluation

WARD_SET = """\
format: 1
code: thu-nghiem-phuong
version: 1
kind: urban_civilized
name_vi: Bộ tiêu chí thử nghiệm
name_en: Test criteria set
level: commune
unit_types: [phuong]
threshold_key: region
valid_from: 2020-01-01
valid_to: null
legal_basis:
  - {document: "04/2022/QĐ-TTg", date: 2022-02-18, part: "Phụ lục"}
criteria:
  - code: "1"
    name_vi: Y tế
    name_en: Health
    indicators:
      - code: "1.1"
        name_vi: Tỷ lệ người tham gia bảo hiểm y tế
        name_en: Health insurance coverage
        measure: "%"
        source: {document: "04/2022/QĐ-TTg", appendix: "Phụ lục", row: "1.1", verified: true}
        value: {element: HEALTH_INSURANCE_PCT}
        comparator: ">="
        thresholds:
          - {value: 90, source: {document: "04/2022/QĐ-TTg", row: "1.1", verified: true}}
          - {value: 85, key: tdmnpb, source: {document: "04/2022/QĐ-TTg", row: "1.1"}}
  - code: "2"
    name_vi: An ninh, trật tự
    name_en: Security and order
    indicators:
      - code: "2.1"
        name_vi: Không có tệ nạn ma túy
        name_en: Drug-free
        source: {document: "04/2022/QĐ-TTg", row: "2.1", verified: true}
        value: {element: DRUG_FREE}
        comparator: is_true
      - code: "2.2"
        name_vi: Tỷ lệ tổ dân phố văn hóa
        name_en: Share of cultural residential groups
        measure: "%"
        source: {document: "04/2022/QĐ-TTg", row: "2.2", verified: true}
        value: {child_element: VILLAGE_CULTURAL, child_level: village}
        comparator: ">="
        thresholds:
          - {value: 50, source: {document: "04/2022/QĐ-TTg", row: "2.2", verified: true}}
"""


@pytest.fixture
def ward_set(world: Any) -> CriteriaSet:
    catalog_load()
    world.doan_ket.region = "tdmnpb"
    world.doan_ket.save()
    stored, outcome = criteria_set_upload(WARD_SET, file="t.yaml", actor=world.admin)
    assert outcome == "created"
    return stored


@pytest.fixture
def write(world: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Write values as the API does, running what waits for the commit."""

    def write(rows: list[tuple[str, str, str, object]]) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            data_values_write(
                actor=world.admin,
                rows=[ValueRow(e, u, p, v) for e, u, p, v in rows],
                channel="api",
            )

    return write


def _evaluation(stored: CriteriaSet, unit: Any, year: int) -> Evaluation:
    return Evaluation.objects.get(criteria_set=stored, unit=unit, year=year)


def test_evaluate_stores_results_with_region_threshold_and_child_share(
    world: Any, ward_set: CriteriaSet, write: Any
) -> None:
    write(
        [
            ("POPULATION", "03388", "2025", 1000),
            ("HEALTH_INSURED", "03388", "2025", 870),  # 87% >= 85 (tdmnpb), < 90
            ("DRUG_FREE", "03388", "2025", True),
            ("VILLAGE_CULTURAL", "03388-01", "2025", True),
            ("VILLAGE_CULTURAL", "03388-02", "2025", False),  # 50% >= 50
        ],
    )
    services.evaluate(sets=[ward_set], years=[2025])
    result = _evaluation(ward_set, world.doan_ket, 2025)
    assert result.status == "met"
    assert (result.criteria_met, result.criteria_total) == (2, 2)
    first = result.indicators[0]
    assert first["indicator"] == "1.1"
    assert first["value"] == pytest.approx(87.0)
    assert first["threshold"] == 85
    # The region's value is not confirmed in the file: labelled unverified.
    assert first["verified"] is False
    assert result.unverified is True
    share = next(i for i in result.indicators if i["indicator"] == "2.2")
    assert share["value"] == pytest.approx(50.0)
    # Tân Phong has no data: never met.
    other = _evaluation(ward_set, world.tan_phong, 2025)
    assert other.status == "no_data"


def test_units_are_judged_only_in_the_years_they_existed(
    world: Any, ward_set: CriteriaSet
) -> None:
    services.evaluate(sets=[ward_set], years=[2024, 2026])
    legacy = set(
        Evaluation.objects.filter(unit=world.legacy_doan_ket).values_list(
            "year", flat=True
        )
    )
    current = set(
        Evaluation.objects.filter(unit=world.doan_ket).values_list("year", flat=True)
    )
    assert legacy == {2024}
    assert current == {2026}


def test_a_changed_value_re_evaluates_its_unit_at_once(
    world: Any, ward_set: CriteriaSet, write: Any
) -> None:
    write(
        [
            ("POPULATION", "03388", "2025", 1000),
            ("HEALTH_INSURED", "03388", "2025", 700),
            ("DRUG_FREE", "03388", "2025", True),
            ("VILLAGE_CULTURAL", "03388-01", "2025", True),
            ("VILLAGE_CULTURAL", "03388-02", "2025", True),
        ],
    )
    assert _evaluation(ward_set, world.doan_ket, 2025).status == "not_met"
    # A village value moves its commune's child share; a commune value its own.
    write([("HEALTH_INSURED", "03388", "2025", 900)])
    assert _evaluation(ward_set, world.doan_ket, 2025).status == "met"
    write(
        [
            ("VILLAGE_CULTURAL", "03388-01", "2025", False),
            ("VILLAGE_CULTURAL", "03388-02", "2025", False),
        ],
    )
    result = _evaluation(ward_set, world.doan_ket, 2025)
    assert result.status == "not_met"
    assert result.criteria["2"]["status"] == "not_met"


def test_same_version_keeps_admin_edits_and_newer_version_replaces(
    world: Any, ward_set: CriteriaSet
) -> None:
    threshold = Threshold.objects.get(indicator__code="1.1", key="tdmnpb")
    threshold.value = 80
    threshold.save()
    _, outcome = criteria_set_upload(WARD_SET, file="t.yaml", actor=world.admin)
    assert outcome == "unchanged"
    assert Threshold.objects.get(pk=threshold.pk).value == 80
    newer = WARD_SET.replace("version: 1", "version: 2").replace(
        "{value: 85, key: tdmnpb", "{value: 88, key: tdmnpb"
    )
    _, outcome = criteria_set_upload(newer, file="t.yaml", actor=world.admin)
    assert outcome == "replaced"
    stored = CriteriaSet.objects.get(code="thu-nghiem-phuong")
    assert stored.version == 2
    spec = spec_from_db(stored)
    values = {
        t.key: t.value for t in spec.criteria[0].indicators[0].conditions[0].thresholds
    }
    assert values == {"": 90, "tdmnpb": 88}
    assert AuditEntry.objects.filter(entity="criteria_set").count() == 2


def test_spec_round_trips_through_the_database(
    world: Any, ward_set: CriteriaSet
) -> None:
    spec = spec_from_db(ward_set)
    assert spec.code == "thu-nghiem-phuong"
    assert spec.legal_basis[0].date == datetime.date(2022, 2, 18)
    assert [c.code for c in spec.criteria] == ["1", "2"]
    share = spec.criteria[1].indicators[1].conditions[0]
    assert share.value.child_element == "VILLAGE_CULTURAL"
    assert share.value.child_level == 4
    assert spec.criteria[0].indicators[0].source.verified is True


def test_admin_threshold_edit_is_audited_and_re_evaluates(
    world: Any,
    ward_set: CriteriaSet,
    write: Any,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    write(
        [
            ("POPULATION", "03388", "2025", 1000),
            ("HEALTH_INSURED", "03388", "2025", 870),
            ("DRUG_FREE", "03388", "2025", True),
            ("VILLAGE_CULTURAL", "03388-01", "2025", True),
            ("VILLAGE_CULTURAL", "03388-02", "2025", True),
        ],
    )
    assert _evaluation(ward_set, world.doan_ket, 2025).status == "met"
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    threshold = Threshold.objects.get(indicator__code="1.1", key="tdmnpb")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/catalog/threshold/{threshold.pk}/change/",
            {
                "value": "95",
                "verified": "on",
                "document": "04/2022/QĐ-TTg",
                "appendix": "Phụ lục",
                "row": "1.1",
                "url": "",
                "note": "đối chiếu văn bản gốc",
            },
        )
    assert response.status_code == 302, response.content[:2000]
    edited = Threshold.objects.get(pk=threshold.pk)
    assert edited.value == 95
    assert edited.verified
    assert edited.edited_by == world.admin
    entry = AuditEntry.objects.get(entity="criteria_threshold")
    assert entry.old is not None
    assert entry.old["value"] == 85
    assert entry.new is not None
    assert entry.new["value"] == 95
    assert _evaluation(ward_set, world.doan_ket, 2025).status == "not_met"


def test_admin_uploads_a_new_set_without_code_and_it_is_evaluated(
    world: Any,
    client: Any,
    write: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    # given a TDMNPB ward with its values, and no set yet
    catalog_load()
    world.doan_ket.region = "tdmnpb"
    world.doan_ket.save()
    write(
        [
            ("POPULATION", "03388", "2025", 1000),
            ("HEALTH_INSURED", "03388", "2025", 870),
            ("DRUG_FREE", "03388", "2025", True),
            ("VILLAGE_CULTURAL", "03388-01", "2025", True),
            ("VILLAGE_CULTURAL", "03388-02", "2025", False),
        ],
    )
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)

    # when an administrator uploads the set's file in the admin
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/catalog/criteriaset/upload/",
            {"file": SimpleUploadedFile("thu-nghiem.yaml", WARD_SET.encode())},
        )

    # then it is stored, audited, and its units evaluated once it commits
    assert response.status_code == 302
    stored = CriteriaSet.objects.get(code="thu-nghiem-phuong")
    assert response["Location"] == f"/admin/catalog/criteriaset/{stored.pk}/change/"
    assert (stored.version, stored.is_active) == (1, True)
    assert AuditEntry.objects.filter(entity="criteria_set").count() == 1
    result = _evaluation(stored, world.doan_ket, 2025)
    assert result.status == "met"
    assert (result.criteria_met, result.criteria_total) == (2, 2)
    assert _evaluation(stored, world.tan_phong, 2025).status == "no_data"


def test_admin_upload_refuses_a_bad_file_with_its_problems(
    world: Any, ward_set: CriteriaSet, client: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    bad = WARD_SET.replace("version: 1", "version: 3").replace(
        "HEALTH_INSURANCE_PCT", "KHONG_CO"
    )
    response = client.post(
        "/admin/catalog/criteriaset/upload/",
        {"file": SimpleUploadedFile("bad.yaml", bad.encode())},
    )
    assert response.status_code == 200
    assert "KHONG_CO" in response.content.decode()
    assert CriteriaSet.objects.get(code="thu-nghiem-phuong").version == 1


def test_command_check_lists_problems_one_per_line(
    world: Any, tmp_path: Any, capsys: Any
) -> None:
    catalog_load()
    path = tmp_path / "bad.yaml"
    path.write_text(
        WARD_SET.replace("HEALTH_INSURANCE_PCT", "KHONG_CO").replace(
            "comparator: is_true", "comparator: la_dung"
        ),
        "utf-8",
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("criteria", "check", str(path))
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) >= 2
    assert any("KHONG_CO" in line for line in err)
    assert any("la_dung" in line for line in err)


def _inline_post(indicator_pk: int, rows: list[dict[str, object]]) -> dict[str, object]:
    data: dict[str, object] = {
        "thresholds-TOTAL_FORMS": str(len(rows)),
        "thresholds-INITIAL_FORMS": "0",
        "thresholds-MIN_NUM_FORMS": "0",
        "thresholds-MAX_NUM_FORMS": "1000",
    }
    for number, row in enumerate(rows):
        base = {"indicator": indicator_pk, "id": "", "year": "", "url": "", "note": ""}
        for name, value in {**base, **row}.items():
            data[f"thresholds-{number}-{name}"] = value
    return data


def test_admin_adds_a_missing_threshold_checked_and_audited(
    world: Any,
    ward_set: CriteriaSet,
    client: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given an administrator on the indicator whose share has one threshold
    from vandong.catalog.models import Indicator

    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    indicator = Indicator.objects.get(code="2.2", criterion__criteria_set=ward_set)
    url = f"/admin/catalog/indicator/{indicator.pk}/change/"
    good: dict[str, object] = {
        "condition": "0",
        "key": "tdmnpb",
        "value": "40",
        "document": "QĐ tỉnh",
    }

    # when a row names a region that does not exist
    refused = client.post(
        url, _inline_post(indicator.pk, [{**good, "key": "mien-nui"}])
    )

    # then nothing is stored and the key is named
    assert refused.status_code == 200
    assert "mien-nui" in refused.content.decode()
    assert indicator.thresholds.count() == 1

    # when the row is right
    with django_capture_on_commit_callbacks(execute=True):
        stored = client.post(url, _inline_post(indicator.pk, [good]))

    # then it is stored, attributed and audited
    assert stored.status_code == 302
    added = indicator.thresholds.get(key="tdmnpb")
    assert added.value == 40
    assert added.verified is False
    assert added.edited_by == world.admin
    entry = AuditEntry.objects.get(entity="criteria_threshold", action="create")
    assert entry.new is not None
    assert entry.new["key"] == "tdmnpb"
