"""The strict reader of criteria-set files: a valid file read in full, a
province layer merged, and each rule broken once, naming line, path and both
messages."""

import datetime
from pathlib import Path

import pytest

from vandong.catalog.criteria.reader import (
    CriteriaFileError,
    CriteriaProblem,
    KnownElement,
    criteria_set_read,
    criteria_sets_read,
)
from vandong.catalog.criteria.spec import (
    ConditionSpec,
    CriteriaSetSpec,
    CriterionSpec,
    IndicatorSpec,
    LegalBasis,
    Source,
    Threshold,
    ValueSpec,
)

FILES = Path(__file__).parent / "files"
NATIONAL = "test-xa-2021-2025"

ELEMENTS = {
    code: KnownElement(code=code, level=level, value_type=value_type)
    for code, level, value_type in [
        ("INCOME_PER_HEAD", 3, "decimal"),
        ("STUNTED_U5", 3, "integer"),
        ("CHILDREN_U5", 3, "integer"),
        ("STUNTING_U5_PCT", 3, "percent"),
        ("DOCTORS", 3, "integer"),
        ("HEALTH_STATION_OK", 3, "boolean"),
        ("NTM_ATTAINED", 3, "boolean"),
        ("VILLAGE_CULTURAL", 4, "boolean"),
        ("VILLAGE_HOUSEHOLDS", 4, "integer"),
        ("PROVINCE_GDP", 1, "money_vnd"),
        ("REMARKS", 3, "text"),
    ]
}


def national_text() -> str:
    return (FILES / "national.yaml").read_text("utf-8")


def layer_text() -> str:
    return (FILES / "layer.yaml").read_text("utf-8")


def read(
    text: str, known_sets: dict[str, CriteriaSetSpec] | None = None
) -> CriteriaSetSpec:
    return criteria_set_read(
        text, file="national.yaml", elements=ELEMENTS, known_sets=known_sets
    )


def problems_of(
    text: str, known_sets: dict[str, CriteriaSetSpec] | None = None
) -> list[CriteriaProblem]:
    with pytest.raises(CriteriaFileError) as caught:
        read(text, known_sets)
    return caught.value.problems


def only(problems: list[CriteriaProblem]) -> CriteriaProblem:
    assert len(problems) == 1, [p.line_text() for p in problems]
    return problems[0]


def broken(old: str, new: str, text: str | None = None) -> str:
    """The national file with one piece of text replaced."""
    text = national_text() if text is None else text
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, needle: str) -> int:
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(lines) == 1, needle
    return lines[0]


def assert_problem(
    problem: CriteriaProblem, line: int, path: str, vi: str, en: str
) -> None:
    assert (problem.file, problem.line, problem.path) == ("national.yaml", line, path)
    assert problem.message_vi == vi
    assert problem.message_en == en


# -- valid files --

SOURCE_10 = Source(document="318/QĐ-TTg", appendix="Phụ lục I", row="10", verified=True)
SOURCE_15_3 = Source(
    document="318/QĐ-TTg",
    date=datetime.date(2022, 3, 8),
    url="https://example.org/318",
    note="đã đối chiếu",
)
SOURCE_318 = Source(document="318/QĐ-TTg")

EXPECTED = CriteriaSetSpec(
    code=NATIONAL,
    version=2,
    name_vi="Bộ tiêu chí thử về xã nông thôn mới",
    name_en="Test criteria for new-rural communes",
    kind="ntm_commune",
    level=3,
    unit_types=("xa",),
    threshold_key="region",
    valid_from=datetime.date(2022, 1, 1),
    valid_to=datetime.date(2025, 12, 31),
    legal_basis=(
        LegalBasis(
            document="318/QĐ-TTg",
            date=datetime.date(2022, 3, 8),
            title_vi="Bộ tiêu chí quốc gia",
            part="Phụ lục I",
            url="https://example.org/318",
        ),
    ),
    criteria=(
        CriterionSpec(
            code="10",
            name_vi="Thu nhập",
            name_en="Income",
            group_vi="III. Kinh tế và tổ chức sản xuất",
            indicators=(
                IndicatorSpec(
                    code="10.1",
                    name_vi="Thu nhập bình quân đầu người",
                    name_en="Income per head",
                    measure="triệu đồng/người/năm",
                    source=SOURCE_10,
                    conditions=(
                        ConditionSpec(
                            value=ValueSpec(element="INCOME_PER_HEAD"),
                            comparator=">=",
                            thresholds=(
                                Threshold(value=48.0, source=SOURCE_10, key="tdmnpb"),
                                # No source of its own: the indicator's.
                                Threshold(
                                    value=55.0, source=SOURCE_10, key="dbsh", year=2024
                                ),
                                Threshold(value=50.0, source=SOURCE_10),
                            ),
                        ),
                    ),
                ),
            ),
        ),
        CriterionSpec(
            code="15",
            name_vi="Y tế",
            name_en="Health",
            at_least=2,
            indicators=(
                IndicatorSpec(
                    code="15.3",
                    name_vi="Tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng thể thấp còi",
                    name_en="Share of children under 5 stunted",
                    measure="%",
                    source=SOURCE_15_3,
                    conditions=(
                        ConditionSpec(
                            value=ValueSpec(
                                numerator="STUNTED_U5", denominator="CHILDREN_U5"
                            ),
                            comparator="<=",
                            thresholds=(
                                Threshold(value=24.0, source=SOURCE_15_3, key="tdmnpb"),
                                Threshold(value=16.5, source=SOURCE_15_3),
                            ),
                        ),
                    ),
                ),
                IndicatorSpec(
                    code="15.4",
                    name_vi="Tỷ lệ thôn văn hóa",
                    name_en="Share of cultural villages",
                    measure="%",
                    source=SOURCE_318,
                    conditions=(
                        ConditionSpec(
                            value=ValueSpec(
                                child_element="VILLAGE_CULTURAL", child_level=4
                            ),
                            comparator=">=",
                        ),
                    ),
                    undefined_vi="Văn bản không cho ngưỡng.",
                    undefined_en="The text gives no threshold.",
                ),
                IndicatorSpec(
                    code="15.5",
                    name_vi="Có trạm y tế đạt chuẩn",
                    name_en="Has a standard health station",
                    source=SOURCE_318,
                    at_least=1,
                    conditions=(
                        ConditionSpec(
                            value=ValueSpec(element="HEALTH_STATION_OK"),
                            comparator="is_true",
                        ),
                        ConditionSpec(
                            value=ValueSpec(element="DOCTORS"),
                            comparator=">",
                            thresholds=(Threshold(value=0.0, source=SOURCE_318),),
                        ),
                    ),
                ),
            ),
        ),
    ),
    at_least=None,
    recognition_element="NTM_ATTAINED",
    notes_vi="Ghi chú",
    notes_en="Notes",
    undefined=("Văn bản không nói rõ cách tính chỉ tiêu 15.3.",),
)


def test_valid_file_is_read_in_full() -> None:
    spec = read(national_text())

    assert spec == EXPECTED


def test_sources_are_unverified_unless_said() -> None:
    spec = read(national_text())

    verified = {i.code: i.verified for i in spec.indicators}
    assert verified == {"10.1": True, "15.3": False, "15.4": False, "15.5": False}


def test_province_layer_is_merged_with_the_set_it_extends() -> None:
    # given
    national = read(national_text())

    # when
    spec = criteria_set_read(
        layer_text(),
        file="layer.yaml",
        elements=ELEMENTS,
        known_sets={NATIONAL: national},
    )

    # then the layer's own fields, and what it inherits
    assert (spec.code, spec.version, spec.province, spec.extends) == (
        "test-xa-2021-2025-ha-noi",
        1,
        "01",
        NATIONAL,
    )
    assert (spec.kind, spec.level, spec.unit_types, spec.threshold_key) == (
        "ntm_commune",
        3,
        ("xa",),
        "region",
    )
    assert (spec.valid_from, spec.valid_to) == (datetime.date(2023, 1, 1), None)
    assert spec.legal_basis == (
        *national.legal_basis,
        LegalBasis(document="12/QĐ-UBND", date=datetime.date(2023, 1, 5)),
    )
    assert spec.recognition_element == "NTM_ATTAINED"
    # indicator 10.1 replaced, names and measure kept; criterion 15 inherited
    source = Source(document="12/QĐ-UBND", row="10", verified=True)
    assert spec.criteria[0] == CriterionSpec(
        code="10",
        name_vi="Thu nhập",
        name_en="Income",
        group_vi="III. Kinh tế và tổ chức sản xuất",
        indicators=(
            IndicatorSpec(
                code="10.1",
                name_vi="Thu nhập bình quân đầu người",
                name_en="Income per head",
                measure="triệu đồng/người/năm",
                source=source,
                conditions=(
                    ConditionSpec(
                        value=ValueSpec(element="INCOME_PER_HEAD"),
                        comparator=">=",
                        thresholds=(Threshold(value=70.0, source=source, key="dbsh"),),
                    ),
                ),
            ),
        ),
    )
    assert spec.criteria[1] is national.criteria[1]


def test_files_are_read_layers_after_the_sets_they_extend(tmp_path: Path) -> None:
    # given the layer listed first
    (tmp_path / "a.yaml").write_text(layer_text(), "utf-8")
    (tmp_path / "b.yaml").write_text(national_text(), "utf-8")

    # when
    specs = criteria_sets_read(
        [tmp_path / "a.yaml", tmp_path / "b.yaml"], elements=ELEMENTS
    )

    # then
    assert [s.code for s in specs] == ["test-xa-2021-2025-ha-noi", NATIONAL]
    assert specs[1] == EXPECTED
    assert specs[0].criteria[1] == EXPECTED.criteria[1]


# -- the file as a whole --


def test_yaml_syntax_error_names_the_parser_line() -> None:
    text = broken("kind: ntm_commune", "kind: [ntm_commune")

    problem = only(problems_of(text))

    assert problem.line == line_of(text, "name_vi: Bộ tiêu chí thử")
    assert problem.message_en == ("YAML syntax error: expected ',' or ']', but got ':'")


def test_whole_file_problem_as_text_has_no_path() -> None:
    problem = only(problems_of("- a\n"))

    assert problem.line_text() == (
        "national.yaml:1: tệp phải là một bảng (mapping) bắt đầu bằng “format: 1” / "
        "the file must be a mapping starting with 'format: 1'"
    )


def test_indicator_needs_a_rule() -> None:
    text = broken("        value: {element: INCOME_PER_HEAD}\n", "")

    problems = problems_of(text)

    assert_problem(
        problems[0],
        line_of(text, '      - code: "10.1"'),
        "criteria[0].indicators[0].value",
        "chỉ tiêu 10.1: thiếu trường “value” (hoặc viết “conditions”)",
        "indicator 10.1: field 'value' is missing (or write 'conditions')",
    )
    assert len(problems) == 1


def test_file_must_be_a_mapping() -> None:
    assert_problem(
        only(problems_of("- a\n- b\n")),
        1,
        "",
        "tệp phải là một bảng (mapping) bắt đầu bằng “format: 1”",
        "the file must be a mapping starting with 'format: 1'",
    )


def test_unknown_format() -> None:
    text = broken("format: 1", "format: 2")

    assert_problem(
        only(problems_of(text)),
        1,
        "format",
        "định dạng “2” không đọc được; dùng format: 1",
        "format '2' cannot be read; use format: 1",
    )


def test_missing_key_is_named_at_its_mapping() -> None:
    text = broken("name_en: Test criteria for new-rural communes\n", "")

    assert_problem(
        only(problems_of(text)),
        1,
        "name_en",
        "thiếu trường “name_en”",
        "field 'name_en' is missing",
    )


def test_unknown_key() -> None:
    text = broken("notes_en: Notes", "notes_en: Notes\nnote_fr: Remarques")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "note_fr"),
        "note_fr",
        "trường “note_fr” không có; các trường: format, code, version, kind, "
        "name_vi, name_en, level, unit_types, threshold_key, valid_from, "
        "legal_basis, criteria, valid_to, at_least, recognition_element, province, "
        "extends, notes_vi, notes_en, undefined",
        "unknown field 'note_fr'; the fields are: format, code, version, kind, "
        "name_vi, name_en, level, unit_types, threshold_key, valid_from, "
        "legal_basis, criteria, valid_to, at_least, recognition_element, province, "
        "extends, notes_vi, notes_en, undefined",
    )


def test_key_written_twice() -> None:
    text = broken("notes_en: Notes", "notes_en: Notes\nnotes_vi: Lại")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "notes_vi: Lại"),
        "notes_vi",
        "khóa “notes_vi” viết hai lần",
        "key 'notes_vi' is written twice",
    )


def test_set_code_format() -> None:
    text = broken(f"code: {NATIONAL}", "code: NTM_Xa")

    assert_problem(
        only(problems_of(text)),
        2,
        "code",
        "mã bộ tiêu chí “NTM_Xa” không hợp lệ: chữ thường không dấu, số và gạch "
        "ngang, như “ntm-xa-2021-2025”, tối đa 60 ký tự",
        "criteria set code 'NTM_Xa' is not valid: lower-case letters, digits and "
        "dashes, like 'ntm-xa-2021-2025', at most 60 characters",
    )


def test_version_at_least_one() -> None:
    text = broken("version: 2", "version: 0")

    assert_problem(
        only(problems_of(text)),
        3,
        "version",
        "“version” phải là số nguyên ≥ 1, không phải “0”",
        "'version' must be a whole number ≥ 1, not '0'",
    )


def test_kind_must_be_known() -> None:
    text = broken("kind: ntm_commune", "kind: ntm")

    assert_problem(
        only(problems_of(text)),
        4,
        "kind",
        "loại “ntm” không có; dùng một trong: ntm_commune, ntm_commune_advanced, "
        "urban_civilized, cultural_family, cultural_village, cultural_commune, ocop, "
        "environment, security",
        "unknown kind 'ntm'; use one of: ntm_commune, ntm_commune_advanced, "
        "urban_civilized, cultural_family, cultural_village, cultural_commune, ocop, "
        "environment, security",
    )


def test_level_must_be_known() -> None:
    text = broken("level: commune", "level: hamlet")
    problems = problems_of(text)

    assert_problem(
        problems[0],
        7,
        "level",
        "cấp “hamlet” không có; dùng một trong: province, district, commune, village",
        "unknown level 'hamlet'; use one of: province, district, commune, village",
    )


def test_unit_types_must_belong_to_the_level() -> None:
    text = broken("unit_types: [xa]", "unit_types: [xa, thon]")

    assert_problem(
        only(problems_of(text)),
        8,
        "unit_types[1]",
        "loại đơn vị “thon” không dùng được ở đây (hợp lệ: xa, phuong, thi_tran, "
        "dac_khu)",
        "unit type 'thon' cannot be used here (valid: xa, phuong, thi_tran, dac_khu)",
    )


def test_threshold_key_must_be_known() -> None:
    text = broken("threshold_key: region", "threshold_key: province")

    assert_problem(
        only(problems_of(text)),
        9,
        "threshold_key",
        "“threshold_key” “province” không có; dùng một trong: none, region, "
        "commune_group",
        "unknown threshold_key 'province'; use one of: none, region, commune_group",
    )


def test_dates_must_be_real() -> None:
    text = broken('valid_to: "2025-12-31"', "valid_to: 2025-02-30")

    assert_problem(
        only(problems_of(text)),
        11,
        "valid_to",
        "“valid_to” phải là một ngày có thật, viết YYYY-MM-DD, không phải “2025-02-30”",
        "'valid_to' must be a real date written YYYY-MM-DD, not '2025-02-30'",
    )


def test_valid_from_not_after_valid_to() -> None:
    text = broken('valid_to: "2025-12-31"', "valid_to: 2021-12-31")

    assert_problem(
        only(problems_of(text)),
        11,
        "valid_to",
        "“valid_to” (2021-12-31) trước “valid_from” (2022-01-01)",
        "'valid_to' (2021-12-31) is before 'valid_from' (2022-01-01)",
    )


def test_set_at_least_within_the_criteria_count() -> None:
    text = broken("at_least: null", "at_least: 3")

    assert_problem(
        only(problems_of(text)),
        12,
        "at_least",
        "“at_least” phải là null (tất cả) hoặc một số nguyên từ 1 đến 2, "
        "không phải “3”",
        "'at_least' must be null (all) or a whole number from 1 to 2, not '3'",
    )


def test_legal_basis_needs_a_date() -> None:
    text = broken("date: 2022-03-08, part:", "part:")

    assert_problem(
        only(problems_of(text)),
        15,
        "legal_basis[0].date",
        "căn cứ pháp lý thứ 1: thiếu trường “date”",
        "legal basis 1: field 'date' is missing",
    )


def test_recognition_element_must_be_yes_no() -> None:
    text = broken("recognition_element: NTM_ATTAINED", "recognition_element: DOCTORS")

    assert_problem(
        only(problems_of(text)),
        13,
        "recognition_element",
        "mã số liệu “DOCTORS” kiểu “integer”, cần kiểu có/không (boolean)",
        "data element 'DOCTORS' is of type 'integer', a yes/no (boolean) element is "
        "needed",
    )


# -- criteria and indicators --


def test_criterion_codes_are_unique() -> None:
    text = broken('  - code: "15"\n', '  - code: "10"\n')

    assert_problem(
        only(problems_of(text)),
        line_of(text, "name_vi: Y tế") - 1,
        "criteria[1].code",
        "tiêu chí 10: mã tiêu chí “10” viết hai lần",
        "criterion 10: criterion code '10' is written twice",
    )


def test_indicator_codes_are_unique_across_the_set() -> None:
    text = broken('      - code: "15.4"', '      - code: "10.1"')

    assert_problem(
        only(problems_of(text)),
        line_of(text, "name_vi: Tỷ lệ thôn văn hóa") - 1,
        "criteria[1].indicators[1].code",
        "chỉ tiêu 10.1: mã chỉ tiêu “10.1” viết hai lần (đã có trong tiêu chí 10)",
        "indicator 10.1: indicator code '10.1' is written twice (already in "
        "criterion 10)",
    )


def test_indicator_code_written_as_a_number() -> None:
    text = broken('      - code: "15.3"', "      - code: 15.30")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "code: 15.30"),
        "criteria[1].indicators[0].code",
        "tiêu chí 15: mã “15.3” không hợp lệ (viết trong ngoặc kép): chữ, số, dấu "
        "chấm hoặc gạch ngang, như “15” hay “15.3”, tối đa 20 ký tự",
        "criterion 15: code '15.3' is not valid (write it in quotes): letters, "
        "digits, dots or dashes, like '15' or '15.3', at most 20 characters",
    )


def test_criterion_at_least_within_the_indicator_count() -> None:
    text = broken("    at_least: 2\n", "    at_least: 4\n")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "    at_least: 4"),
        "criteria[1].at_least",
        "tiêu chí 15: “at_least” phải là null (tất cả) hoặc một số nguyên từ 1 đến "
        "3, không phải “4”",
        "criterion 15: 'at_least' must be null (all) or a whole number from 1 to 3, "
        "not '4'",
    )


def test_threshold_with_unknown_region() -> None:
    text = broken(
        "{value: 24, key: tdmnpb}",
        "{value: 24, key: dbsh}\n          - {value: 20, key: dbshh}",
    )

    assert_problem(
        only(problems_of(text)),
        line_of(text, "dbshh"),
        "criteria[1].indicators[0].thresholds[1].key",
        "chỉ tiêu 15.3: ngưỡng thứ 2 có vùng “dbshh” không có (vùng hợp lệ: tdmnpb, "
        "dbsh, btb, dhntb, tn, dnb, dbscl)",
        "indicator 15.3: threshold 2 has unknown region 'dbshh' (valid: tdmnpb, "
        "dbsh, btb, dhntb, tn, dnb, dbscl)",
    )


def test_threshold_with_unknown_commune_group() -> None:
    text = broken("threshold_key: region", "threshold_key: commune_group")
    text = broken("key: tdmnpb, source", "key: 1, source", text)
    text = broken("key: dbsh, year: 2024", "key: 4, year: 2024", text)
    text = broken("{value: 24, key: tdmnpb}", '{value: 24, key: "2"}', text)

    assert_problem(
        only(problems_of(text)),
        line_of(text, "key: 4"),
        "criteria[0].indicators[0].thresholds[1].key",
        "chỉ tiêu 10.1: ngưỡng thứ 2 có nhóm xã “4” không có (nhóm xã hợp lệ: 1, 2, 3)",
        "indicator 10.1: threshold 2 has unknown commune group '4' (valid: 1, 2, 3)",
    )


def test_no_threshold_key_when_thresholds_do_not_vary() -> None:
    text = broken("threshold_key: region", "threshold_key: none")
    text = broken("{value: 24, key: tdmnpb}", "{value: 24}", text)
    text = broken("{value: 16.5}", "{value: 16.5, year: 2023}", text)
    text = broken("{value: 55, key: dbsh, year: 2024}", "{value: 55, year: 2024}", text)
    text = broken("{value: 48, key: tdmnpb, source", "{value: 48, key: x, source", text)

    assert_problem(
        only(problems_of(text)),
        line_of(text, "key: x"),
        "criteria[0].indicators[0].thresholds[0].key",
        "chỉ tiêu 10.1: ngưỡng thứ 1 có khóa “x” nhưng bộ tiêu chí có threshold_key: "
        "none (ngưỡng không theo vùng hay nhóm xã); bỏ “key”",
        "indicator 10.1: threshold 1 has key 'x' but the set has threshold_key: none "
        "(thresholds do not vary); remove 'key'",
    )


def test_thresholds_unique_by_key_and_year() -> None:
    text = broken("{value: 16.5}", "{value: 16.5}\n          - {value: 17}")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "{value: 17}"),
        "criteria[1].indicators[0].thresholds[2]",
        "chỉ tiêu 15.3: ngưỡng thứ 3 trùng ngưỡng thứ 2 (cùng khóa “”, năm —)",
        "indicator 15.3: threshold 3 repeats threshold 2 (same key '', year —)",
    )


def test_threshold_must_be_a_number() -> None:
    text = broken("{value: 50}", '{value: "50 triệu"}')

    assert_problem(
        only(problems_of(text)),
        line_of(text, "50 triệu"),
        "criteria[0].indicators[0].thresholds[2].value",
        "chỉ tiêu 10.1: ngưỡng thứ 3 phải là một số (viết 16.5), không phải “50 triệu”",
        "indicator 10.1: threshold 3 must be a number (written 16.5), not '50 triệu'",
    )


def test_percent_threshold_within_0_100() -> None:
    text = broken("{value: 16.5}", "{value: 165}")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "{value: 165}"),
        "criteria[1].indicators[0].thresholds[1].value",
        "chỉ tiêu 15.3: ngưỡng thứ 2 là tỷ lệ phần trăm, phải từ 0 đến 100, "
        "không phải 165",
        "indicator 15.3: threshold 2 is a percent and must be within 0..100, not 165",
    )


def test_numeric_comparator_needs_a_threshold_or_a_reason() -> None:
    text = broken(
        "        undefined_vi: Văn bản không cho ngưỡng.\n"
        "        undefined_en: The text gives no threshold.\n",
        "",
    )

    assert_problem(
        only(problems_of(text)),
        line_of(text, "child_level: village") + 1,
        "criteria[1].indicators[1].comparator",
        "chỉ tiêu 15.4: phép so sánh “>=” cần ít nhất một ngưỡng, hoặc ghi "
        "“undefined_vi” nói vì sao văn bản không cho ngưỡng",
        "indicator 15.4: comparator '>=' needs at least one threshold, or "
        "'undefined_vi' saying why the text gives none",
    )


def test_flag_comparator_takes_no_threshold() -> None:
    text = broken(
        "comparator: is_true}", "comparator: is_true, thresholds: [{value: 1}]}"
    )

    assert_problem(
        only(problems_of(text)),
        line_of(text, "is_true"),
        "criteria[1].indicators[2].conditions[0].thresholds",
        "chỉ tiêu 15.5, điều kiện thứ 1: phép so sánh “is_true” không có ngưỡng; "
        "bỏ “thresholds”",
        "indicator 15.5, condition 1: comparator 'is_true' takes no threshold; "
        "remove 'thresholds'",
    )


def test_flag_comparator_only_on_yes_no_elements() -> None:
    text = broken("{element: HEALTH_STATION_OK}", "{element: DOCTORS}")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "is_true"),
        "criteria[1].indicators[2].conditions[0].value.element",
        "chỉ tiêu 15.5, điều kiện thứ 1: mã số liệu “DOCTORS” kiểu “integer”, cần "
        "kiểu có/không (boolean)",
        "indicator 15.5, condition 1: data element 'DOCTORS' is of type 'integer', "
        "a yes/no (boolean) element is needed",
    )


def test_numeric_comparator_not_on_yes_no_elements() -> None:
    text = broken("value: {element: DOCTORS}", "value: {element: HEALTH_STATION_OK}")
    text = broken(
        "{element: HEALTH_STATION_OK}, comparator",
        "{element: NTM_ATTAINED}, comparator",
        text,
    )

    assert_problem(
        only(problems_of(text)),
        line_of(text, "value: {element: HEALTH_STATION_OK}"),
        "criteria[1].indicators[2].conditions[1].value.element",
        "chỉ tiêu 15.5, điều kiện thứ 2: mã số liệu “HEALTH_STATION_OK” kiểu "
        "“boolean” không so sánh với ngưỡng số được; với kiểu có/không dùng is_true "
        "hoặc is_false",
        "indicator 15.5, condition 2: data element 'HEALTH_STATION_OK' of type "
        "'boolean' cannot be compared with a number; for a yes/no element use "
        "is_true or is_false",
    )


def test_unknown_comparator() -> None:
    text = broken('comparator: "<="', 'comparator: "=<"')

    assert_problem(
        only(problems_of(text)),
        line_of(text, '"=<"'),
        "criteria[1].indicators[0].comparator",
        "chỉ tiêu 15.3: phép so sánh “=<” không có; dùng một trong: >=, >, <=, <, =, "
        "is_true, is_false",
        "indicator 15.3: unknown comparator '=<'; use one of: >=, >, <=, <, =, "
        "is_true, is_false",
    )


def test_element_must_be_in_the_catalog() -> None:
    text = broken("{element: INCOME_PER_HEAD}", "{element: INCOME}")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "{element: INCOME}"),
        "criteria[0].indicators[0].value.element",
        "chỉ tiêu 10.1: mã số liệu “INCOME” không có trong danh mục",
        "indicator 10.1: data element 'INCOME' is not in the catalog",
    )


def test_ratio_elements_at_the_set_level() -> None:
    text = broken("denominator: CHILDREN_U5", "denominator: VILLAGE_HOUSEHOLDS")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "VILLAGE_HOUSEHOLDS"),
        "criteria[1].indicators[0].value.denominator",
        "chỉ tiêu 15.3: mã số liệu “VILLAGE_HOUSEHOLDS” ở cấp 4, cần cấp 3",
        "indicator 15.3: data element 'VILLAGE_HOUSEHOLDS' is at level 4, level 3 is "
        "needed",
    )


def test_child_element_is_yes_no_at_the_child_level() -> None:
    text = broken(
        "child_element: VILLAGE_CULTURAL", "child_element: VILLAGE_HOUSEHOLDS"
    )

    assert_problem(
        only(problems_of(text)),
        line_of(text, "VILLAGE_HOUSEHOLDS"),
        "criteria[1].indicators[1].value.child_element",
        "chỉ tiêu 15.4: mã số liệu “VILLAGE_HOUSEHOLDS” kiểu “integer”, cần kiểu "
        "có/không (boolean)",
        "indicator 15.4: data element 'VILLAGE_HOUSEHOLDS' is of type 'integer', a "
        "yes/no (boolean) element is needed",
    )


def test_child_level_below_the_set_level() -> None:
    text = broken("child_level: village", "child_level: district")
    problems = problems_of(text)

    assert_problem(
        problems[0],
        line_of(text, "child_level: district"),
        "criteria[1].indicators[1].value.child_level",
        "chỉ tiêu 15.4: “child_level” phải là cấp dưới cấp của bộ tiêu chí (3)",
        "indicator 15.4: 'child_level' must be below the set's level (3)",
    )
    assert problems[1].message_en == (
        "indicator 15.4: data element 'VILLAGE_CULTURAL' is at level 4, level 2 is "
        "needed"
    )
    assert len(problems) == 2


def test_value_needs_one_shape() -> None:
    text = broken(
        "{numerator: STUNTED_U5, denominator: CHILDREN_U5}", "{numerator: STUNTED_U5}"
    )

    assert_problem(
        only(problems_of(text)),
        line_of(text, "{numerator: STUNTED_U5}"),
        "criteria[1].indicators[0].value.denominator",
        "chỉ tiêu 15.3: thiếu trường “denominator”",
        "indicator 15.3: field 'denominator' is missing",
    )


def test_conditions_or_inline_not_both() -> None:
    text = broken(
        "        at_least: 1\n", '        at_least: 1\n        comparator: ">"\n'
    )

    assert_problem(
        only(problems_of(text)),
        line_of(text, "        at_least: 1") + 1,
        "criteria[1].indicators[2].comparator",
        "chỉ tiêu 15.5: viết hoặc “conditions”, hoặc “value”/“comparator”/"
        "“thresholds”, không cả hai (có “comparator”)",
        "indicator 15.5: write either 'conditions' or 'value'/'comparator'/"
        "'thresholds', not both (found 'comparator')",
    )


def test_undefined_said_in_both_languages() -> None:
    text = broken("        undefined_en: The text gives no threshold.\n", "")

    assert_problem(
        only(problems_of(text)),
        line_of(text, "undefined_vi"),
        "criteria[1].indicators[1].undefined_vi",
        "chỉ tiêu 15.4: viết cả “undefined_en”: điều văn bản bỏ ngỏ phải nói bằng "
        "hai thứ tiếng",
        "indicator 15.4: write 'undefined_en' as well: what the text leaves "
        "undefined is said in both languages",
    )


def test_source_verified_must_be_true_or_false() -> None:
    text = broken('row: "10", verified: true}\n', 'row: "10", verified: yes please}\n')

    assert_problem(
        only(problems_of(text)),
        line_of(text, "yes please"),
        "criteria[0].indicators[0].source.verified",
        "chỉ tiêu 10.1: “verified” phải là true hoặc false, không phải “yes please”",
        "indicator 10.1: 'verified' must be true or false, not 'yes please'",
    )


def test_several_problems_are_reported_at_once() -> None:
    text = broken("version: 2", "version: x")
    text = broken("{element: INCOME_PER_HEAD}", "{element: INCOME}", text)
    text = broken("{value: 16.5}", "{value: 165}", text)

    problems = problems_of(text)

    assert [(p.line, p.path) for p in problems] == [
        (3, "version"),
        (line_of(text, "INCOME}"), "criteria[0].indicators[0].value.element"),
        (line_of(text, "165"), "criteria[1].indicators[0].thresholds[1].value"),
    ]


def test_problems_as_text_and_as_domain_error() -> None:
    text = broken("version: 2", "version: 0")
    with pytest.raises(CriteriaFileError) as caught:
        read(text)

    error = caught.value.as_domain_error()

    assert caught.value.problems[0].line_text() == (
        "national.yaml:3: version: “version” phải là số nguyên ≥ 1, không phải “0” / "
        "'version' must be a whole number ≥ 1, not '0'"
    )
    assert error.code == "invalid_criteria_set"
    assert [r.as_dict() for r in error.rows] == [
        {
            "row": 3,
            "field": "version",
            "message_vi": "“version” phải là số nguyên ≥ 1, không phải “0”",
            "message_en": "'version' must be a whole number ≥ 1, not '0'",
            "sheet": "national.yaml",
            "column": "",
            "unit": "",
            "element": "",
        }
    ]


# -- province layers and extends --


def national_known() -> dict[str, CriteriaSetSpec]:
    return {NATIONAL: read(national_text())}


def test_layer_must_extend_a_known_set() -> None:
    text = broken(f"extends: {NATIONAL}", "extends: test-xa", layer_text())

    assert_problem(
        only(problems_of(text, national_known())),
        line_of(text, "extends:"),
        "extends",
        "bộ tiêu chí “test-xa” không có (có: test-xa-2021-2025)",
        "unknown criteria set 'test-xa' (known: test-xa-2021-2025)",
    )


def test_layer_needs_a_province_code() -> None:
    text = broken('province: "01"\n', "", layer_text())

    assert_problem(
        only(problems_of(text, national_known())),
        line_of(text, "extends:"),
        "extends",
        "bộ tiêu chí của tỉnh cần “province”: mã GSO 2 chữ số của tỉnh, viết trong "
        "ngoặc kép như “01”, không phải “”",
        "a province layer needs 'province': the province's 2-digit GSO code, in "
        "quotes like '01', not ''",
    )


def test_province_needs_extends() -> None:
    text = broken(f"extends: {NATIONAL}\n", "", layer_text())

    problems = problems_of(text, national_known())

    assert_problem(
        problems[0],
        line_of(text, "province:"),
        "province",
        "bộ tiêu chí của tỉnh cần “extends”: mã bộ tiêu chí quốc gia mà nó bổ sung",
        "a province layer needs 'extends': the code of the national set it builds on",
    )


def test_layer_only_names_codes_of_the_extended_set() -> None:
    text = broken('      - code: "10.1"', '      - code: "10.2"', layer_text())

    assert_problem(
        only(problems_of(text, national_known())),
        line_of(text, '"10.2"'),
        "criteria[0].indicators[0].code",
        "chỉ tiêu 10.2: chỉ tiêu “10.2” không có trong tiêu chí 10 của bộ được mở rộng "
        "(có: 10.1)",
        "indicator 10.2: indicator '10.2' is not in criterion 10 of the extended set "
        "(known: 10.1)",
    )


def test_layer_criterion_must_exist_in_the_extended_set() -> None:
    text = broken('  - code: "10"', '  - code: "11"', layer_text())

    problems = problems_of(text, national_known())

    assert_problem(
        problems[0],
        line_of(text, '"11"'),
        "criteria[0].code",
        "tiêu chí 11: tiêu chí “11” không có trong bộ “test-xa-2021-2025” (có: 10, 15)",
        "criterion 11: criterion '11' is not in set 'test-xa-2021-2025' (known: 10, 15)",
    )


def test_layer_may_not_change_the_threshold_key() -> None:
    text = broken("valid_from:", "threshold_key: none\nvalid_from:", layer_text())

    problems = problems_of(text, national_known())

    assert_problem(
        problems[0],
        line_of(text, "threshold_key:"),
        "threshold_key",
        "“threshold_key” là “none”, khác bộ tiêu chí được mở rộng (“region”)",
        "'threshold_key' is 'none', unlike the extended set ('region')",
    )


def test_extends_itself_is_a_cycle() -> None:
    text = broken(
        f"extends: {NATIONAL}", "extends: test-xa-2021-2025-ha-noi", layer_text()
    )

    assert_problem(
        only(problems_of(text, national_known())),
        line_of(text, "extends:"),
        "extends",
        "“extends” tạo thành vòng: test-xa-2021-2025-ha-noi → test-xa-2021-2025-ha-noi",
        "'extends' makes a cycle: test-xa-2021-2025-ha-noi → test-xa-2021-2025-ha-noi",
    )


def test_cycle_of_extends_across_files(tmp_path: Path) -> None:
    # given a.yaml extends b, b.yaml extends a
    a = layer_text().replace("code: test-xa-2021-2025-ha-noi", "code: layer-a")
    a = a.replace(f"extends: {NATIONAL}", "extends: layer-b")
    b = layer_text().replace("code: test-xa-2021-2025-ha-noi", "code: layer-b")
    b = b.replace(f"extends: {NATIONAL}", "extends: layer-a")
    (tmp_path / "a.yaml").write_text(a, "utf-8")
    (tmp_path / "b.yaml").write_text(b, "utf-8")

    # when
    with pytest.raises(CriteriaFileError) as caught:
        criteria_sets_read(
            [tmp_path / "a.yaml", tmp_path / "b.yaml"],
            elements=ELEMENTS,
            known_sets=national_known(),
        )

    # then each file is told, and nothing else
    assert [p.line_text() for p in caught.value.problems] == [
        "a.yaml:7: extends: “extends” tạo thành vòng: layer-a → layer-b → layer-a / "
        "'extends' makes a cycle: layer-a → layer-b → layer-a",
        "b.yaml:7: extends: “extends” tạo thành vòng: layer-b → layer-a → layer-b / "
        "'extends' makes a cycle: layer-b → layer-a → layer-b",
    ]


def test_same_set_code_in_two_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(national_text(), "utf-8")
    (tmp_path / "b.yaml").write_text(national_text(), "utf-8")

    with pytest.raises(CriteriaFileError) as caught:
        criteria_sets_read(
            [tmp_path / "a.yaml", tmp_path / "b.yaml"], elements=ELEMENTS
        )

    assert [p.line_text() for p in caught.value.problems] == [
        "b.yaml:2: code: mã bộ tiêu chí “test-xa-2021-2025” đã dùng trong tệp a.yaml / "
        "criteria set code 'test-xa-2021-2025' is already used in file a.yaml",
    ]


def test_layer_of_a_broken_file_is_not_blamed(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        national_text().replace("version: 2", "version: 0")
    )
    (tmp_path / "b.yaml").write_text(layer_text(), "utf-8")

    with pytest.raises(CriteriaFileError) as caught:
        criteria_sets_read(
            [tmp_path / "a.yaml", tmp_path / "b.yaml"], elements=ELEMENTS
        )

    assert [(p.file, p.path) for p in caught.value.problems] == [("a.yaml", "version")]
