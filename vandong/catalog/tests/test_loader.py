import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vandong.catalog.loader import FIXTURES_DIR, catalog_load, catalog_read
from vandong.catalog.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    ValidationRule,
)
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    """A copy of the shipped fixtures, to break."""
    for path in FIXTURES_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} is not once in {name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(folder: Path, name: str, text: str) -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if text in line)


def refusal(folder: Path) -> DomainError:
    with pytest.raises(DomainError) as info:
        catalog_load(directory=folder)
    assert info.value.code == "invalid_catalog"
    return info.value


def test_load_creates_the_shipped_catalog():
    # given
    spec = catalog_read()

    # when
    report = catalog_load()

    # then
    assert report.periods.created == Period.objects.count() == 26 + 3
    assert report.data_elements.created == DataElement.objects.count()
    assert report.data_elements.created == len(spec.elements)
    assert report.data_sets.created == DataSet.objects.count() == 6
    assert report.validation_rules.created == ValidationRule.objects.count()
    assert Period.objects.get(code="2016-2020").kind == "phase"
    assert str(Period.objects.get(code="2035").end) == "2035-12-31"
    ratio = DataElement.objects.select_related("numerator", "denominator").get(
        code="HH_CULTURAL_PCT"
    )
    assert (str(ratio.numerator), str(ratio.denominator)) == (
        "HH_CULTURAL — Số hộ gia đình được công nhận “Gia đình văn hóa”",
        "HH_TOTAL — Số hộ gia đình",
    )
    assert ratio.is_computed is True
    village_form = DataSet.objects.get(code="VILLAGE_YEARLY")
    assert [m.data_element.code for m in village_form.members.all()][:3] == [
        "HH_TOTAL",
        "HH_CULTURAL",
        "VILLAGE_CULTURAL",
    ]
    assert village_form.members.get(data_element__code="HH_TOTAL").is_required is True
    assert AuditEntry.objects.filter(entity="catalog.catalog_load").count() == 1


def test_a_second_load_changes_nothing():
    # given
    first = catalog_load()
    stamps = dict(DataElement.objects.values_list("code", "updated_at"))
    members = list(DataSetElement.objects.values_list("id", "order", "section_vi"))

    # when
    second = catalog_load()

    # then
    assert second.changed is False
    assert second.data_elements.unchanged == first.data_elements.created
    assert second.periods.unchanged == first.periods.created
    assert second.data_sets.unchanged == 6
    assert second.validation_rules.unchanged == first.validation_rules.created
    assert dict(DataElement.objects.values_list("code", "updated_at")) == stamps
    assert list(DataSetElement.objects.values_list("id", "order", "section_vi")) == (
        members
    )
    assert AuditEntry.objects.filter(entity="catalog.catalog_load").count() == 1


def test_load_restores_shipped_items_edited_elsewhere_and_keeps_others():
    # given
    catalog_load()
    DataElement.objects.filter(code="HH_TOTAL").update(name_vi="Số hộ (sửa tay)")
    DataElement.objects.filter(code="HH_CULTURAL_PCT").update(numerator=None)
    DataSetElement.objects.filter(
        data_set__code="VILLAGE_YEARLY", data_element__code="HH_CULTURAL"
    ).delete()
    DataElement.objects.create(
        code="LOCAL_EXTRA", name_vi="Riêng tỉnh", name_en="Local", value_type="integer",
        level=3,
    )  # fmt: skip

    # when
    report = catalog_load()

    # then
    assert report.data_elements.updated == 2
    assert report.data_sets.updated == 1
    assert DataElement.objects.get(code="HH_TOTAL").name_vi == "Số hộ gia đình"
    assert DataElement.objects.filter(
        code="HH_CULTURAL_PCT", numerator__code="HH_CULTURAL"
    ).exists()
    assert DataSetElement.objects.filter(
        data_set__code="VILLAGE_YEARLY", data_element__code="HH_CULTURAL"
    ).exists()
    assert report.not_in_fixtures == {"data_elements": 1}
    assert DataElement.objects.filter(code="LOCAL_EXTRA").exists()


def test_load_follows_a_form_edited_in_its_file(fixtures):
    # given
    catalog_load(directory=fixtures)
    edit(
        fixtures,
        "data_sets.yaml",
        "elements: [HH_TOTAL, HH_CULTURAL, VILLAGE_CULTURAL]",
        "elements: [HH_CULTURAL, HH_TOTAL]",
    )

    # when
    report = catalog_load(directory=fixtures)

    # then
    assert (report.data_sets.updated, report.data_sets.unchanged) == (1, 5)
    codes = [
        m.data_element.code
        for m in DataSet.objects.get(code="VILLAGE_YEARLY").members.all()
    ]
    assert codes[:3] == ["HH_CULTURAL", "HH_TOTAL", "HH_ENV_REGISTERED"]
    assert "VILLAGE_CULTURAL" not in codes


def test_refuses_an_unknown_element_in_a_data_set_naming_file_and_item(fixtures):
    # given
    edit(
        fixtures,
        "data_sets.yaml",
        "[HH_TOTAL, HH_CULTURAL, VILLAGE_CULTURAL]",
        "[HH_TOTAL, HH_CULTURAL, VILLAGE_CULTURE]",
    )
    line = line_of(fixtures, "data_sets.yaml", "code: VILLAGE_YEARLY")

    # when
    error = refusal(fixtures)

    # then
    assert [r.message_en for r in error.rows] == [
        f"data_sets.yaml, line {line}, data_sets item 1 (VILLAGE_YEARLY): unknown "
        "data element code 'VILLAGE_CULTURE'"
    ]
    assert error.rows[0].message_vi == (
        f"data_sets.yaml, dòng {line}, biểu mẫu thứ 1 (VILLAGE_YEARLY): mã chỉ tiêu "
        "“VILLAGE_CULTURE” không có trong danh mục"
    )
    assert (error.rows[0].sheet, error.rows[0].row, error.rows[0].element) == (
        "data_sets.yaml",
        line,
        "VILLAGE_YEARLY",
    )
    assert error.message_en.startswith(
        "The catalog has 1 problem(s); nothing was loaded. The first: data_sets.yaml"
    )
    assert DataElement.objects.count() == 0
    assert Period.objects.count() == 0


def test_refuses_an_unknown_element_in_a_rule(fixtures):
    # given
    edit(
        fixtures,
        "validation_rules.yaml",
        "left: HH_CULTURAL\n",
        "left: HH_CULTURAL + HH_UNKNOWN\n",
    )
    line = line_of(fixtures, "validation_rules.yaml", "VR_HH_CULTURAL_LE_TOTAL")

    # when
    error = refusal(fixtures)

    # then
    assert [r.message_en for r in error.rows] == [
        f"validation_rules.yaml, line {line}, validation_rules item 1 "
        "(VR_HH_CULTURAL_LE_TOTAL): unknown data element code 'HH_UNKNOWN'"
    ]


def test_refuses_a_bad_value_type_and_a_bad_level(fixtures):
    # given
    edit(
        fixtures,
        "elements_village.yaml",
        "    short_name_vi: Số hộ\n    value_type: integer\n    measure: hộ\n"
        "    level: village\n",
        "    short_name_vi: Số hộ\n    value_type: int\n    measure: hộ\n"
        "    level: hamlet\n",
    )
    line = line_of(fixtures, "elements_village.yaml", "code: HH_TOTAL")
    where = f"elements_village.yaml, line {line}, data_elements item 1 (HH_TOTAL)"

    # when
    error = refusal(fixtures)

    # then
    assert [r.message_en for r in error.rows] == [
        f"{where}: 'int' is not a valid value_type; use one of: integer, decimal, "
        "percent, boolean, money_vnd, area_m2, area_ha, labour_days, text",
        f"{where}: 'hamlet' is not a valid level; use one of: province, district, "
        "commune, village (or 1-4)",
    ]
    assert [r.field for r in error.rows] == ["value_type", "level"]


def test_refuses_a_duplicate_code_naming_both_places(fixtures):
    # given
    (fixtures / "local.yaml").write_text(
        "version: 1\n"
        "data_elements:\n"
        "  - code: HH_TOTAL\n"
        "    name_vi: Số hộ\n"
        "    name_en: Households\n"
        "    value_type: integer\n"
        "    level: village\n"
        "    tree_aggregation: sum\n"
        "    time_aggregation: last\n",
        encoding="utf-8",
    )
    first = line_of(fixtures, "elements_village.yaml", "code: HH_TOTAL")

    # when
    error = refusal(fixtures)

    # then
    assert [r.message_en for r in error.rows] == [
        "local.yaml, line 3, data_elements item 1 (HH_TOTAL): duplicate code "
        f"'HH_TOTAL': already at elements_village.yaml, line {first}"
    ]


def test_refuses_yaml_that_does_not_parse(fixtures):
    # given
    (fixtures / "broken.yaml").write_text(
        "version: 1\ndata_elements:\n  - code: [X\n", encoding="utf-8"
    )

    # when
    error = refusal(fixtures)

    # then
    assert len(error.rows) == 1
    assert error.rows[0].message_en.startswith("broken.yaml, line ")
    assert "YAML syntax" in error.rows[0].message_en


@pytest.mark.parametrize(
    ("name", "old", "new", "message_en"),
    [
        (
            "data_sets.yaml",
            "elements: [DISTRICT_NTM_ATTAINED, DISTRICT_NTM_YEAR]",
            "elements: [DISTRICT_NTM_ATTAINED, HH_TOTAL]",
            "element 'HH_TOTAL' is collected at level 4, the form at level 2",
        ),
        (
            "data_sets.yaml",
            "elements: [DISTRICT_NTM_ATTAINED, DISTRICT_NTM_YEAR]",
            "elements: [DISTRICT_NTM_ATTAINED, DISTRICT_NTM_ATTAINED]",
            "element 'DISTRICT_NTM_ATTAINED' is twice in the form",
        ),
        (
            "data_sets.yaml",
            "elements: [NATURAL_AREA_HA, FOREST_AREA_HA]",
            "elements: [NATURAL_AREA_HA, FOREST_AREA_HA, FOREST_COVER_PCT]",
            "element 'FOREST_COVER_PCT' is computed from "
            "FOREST_AREA_HA/NATURAL_AREA_HA, not entered in a form",
        ),
        (
            "elements_province.yaml",
            "numerator: FOREST_AREA_HA",
            "numerator: FOREST_AREA",
            "numerator 'FOREST_AREA' is not a data element code of the catalog",
        ),
        (
            "elements_province.yaml",
            "  - code: OCOP_4STAR\n",
            "  - code: OCOP_4STAR\n    colour: red\n",
            "unknown field 'colour'; the fields are: code, denominator, description, "
            "dhis2_uid, is_active, level, max_value, measure, min_value, name_en, "
            "name_vi, numerator, registry, short_name_vi, source_note, time_aggregation, "
            "tree_aggregation, value_type",
        ),
        (
            "validation_rules.yaml",
            "left: FOREST_AREA_HA\n",
            "left: HH_TOTAL\n",
            "element 'HH_TOTAL' is collected at level 4, the rule applies at level 1",
        ),
        (
            "validation_rules.yaml",
            'operator: "<="\n    right: AGENCIES_TOTAL',
            'operator: "=<"\n    right: AGENCIES_TOTAL',
            "'=<' is not a valid operator; use one of: <=, <, >=, >, ==, !=",
        ),
        (
            "elements_commune.yaml",
            "    value_type: boolean\n    level: commune\n"
            "    tree_aggregation: count_true\n    time_aggregation: last\n"
            '    source_note: "“có 92/94 xã',
            "    value_type: boolean\n    level: commune\n"
            "    tree_aggregation: sum\n    time_aggregation: last\n"
            '    source_note: "“có 92/94 xã',
            "a yes/no element rolls up only as count_true (units where yes) or none",
        ),
    ],
)
def test_refuses_items_that_break_the_catalog_rules(
    fixtures, name, old, new, message_en
):
    # given
    edit(fixtures, name, old, new)

    # when
    error = refusal(fixtures)

    # then
    assert len(error.rows) == 1
    assert error.rows[0].sheet == name
    assert error.rows[0].message_en.endswith(": " + message_en)


def test_command_prints_counts_and_a_second_run_changes_nothing():
    # given
    first, second = io.StringIO(), io.StringIO()

    # when
    call_command("catalog", "load", stdout=first)
    call_command("catalog", "load", stdout=second)

    # then
    elements = DataElement.objects.count()
    assert (
        f"chỉ tiêu / data elements: {elements} mới / created, 0 cập nhật / updated, "
        "0 không đổi / unchanged" in first.getvalue()
    )
    assert (
        "kỳ báo cáo / periods: 0 mới / created, 0 cập nhật / updated, 29 không đổi "
        "/ unchanged" in second.getvalue()
    )
    assert "Không đổi / unchanged" in second.getvalue()


def test_command_check_writes_nothing_and_load_refuses_with_every_problem(fixtures):
    # given
    edit(fixtures, "elements_village.yaml", "code: HH_ENV_MET", "code: hh_env_met")
    out = io.StringIO()

    # when
    call_command("catalog", "check", stdout=out)
    with pytest.raises(CommandError) as info:
        call_command("catalog", "load", "--dir", str(fixtures))

    # then
    assert "the catalog is valid" in out.getvalue()
    assert DataElement.objects.count() == 0
    message = str(info.value)
    assert "elements_village.yaml" in message
    assert "code 'hh_env_met' is not valid" in message
    # the form and the rules that name it are refused too
    assert "unknown data element code 'HH_ENV_MET'" in message
