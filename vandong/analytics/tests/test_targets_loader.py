"""The strict reader of targets.yaml and the upsert of its targets."""

from pathlib import Path
from typing import Any

import pytest
import yaml

from vandong.analytics.loader import load_indicators
from vandong.analytics.models import Indicator, Target
from vandong.analytics.targets.errors import TargetsError
from vandong.analytics.targets.loader import (
    TARGETS_FILE,
    load_targets,
    read_targets,
    store_targets,
)
from vandong.catalog.loader import catalog_load

pytestmark = pytest.mark.django_db

GOOD = """\
version: 1
targets:
  - code: T_URBAN
    name_vi: Trên 60% phường đạt chuẩn văn minh đô thị
    name_en: Over 60% of wards civilised-urban
    indicator: URBAN_CIVILIZED_PCT
    scope: "12"
    kind: level
    comparator: ">"
    value: 60
    deadline_year: 2025
    source: Báo cáo thử
  - code: T_DISTRICTS
    name_vi: Thêm 2 huyện
    name_en: 2 more districts
    indicator: NTM_DISTRICTS
    scope: null
    kind: increase
    comparator: ">="
    value: 2
    baseline_year: 2020
    deadline_year: 2025
    source: Báo cáo thử
    note: ghi chú
"""


def make_indicator(code: str, *, factor: float = 1.0, **fields: Any) -> Indicator:
    return Indicator.objects.create(
        code=code,
        name_vi=fields.pop("name_vi", f"Chỉ số {code}"),
        name_en=fields.pop("name_en", f"Indicator {code}"),
        numerator=fields.pop("numerator", "X"),
        factor=factor,
        **fields,
    )


@pytest.fixture
def indicators(world: Any) -> dict[str, Indicator]:
    return {
        "URBAN_CIVILIZED_PCT": make_indicator(
            "URBAN_CIVILIZED_PCT",
            numerator="met(urban_civilized)",
            denominator="units(phuong,thi_tran)",
            factor=100,
        ),
        "NTM_COMMUNES_PCT": make_indicator(
            "NTM_COMMUNES_PCT",
            numerator="met(ntm_commune)",
            denominator="units(xa)",
            factor=100,
        ),
        "NTM_DISTRICTS": make_indicator(
            "NTM_DISTRICTS", numerator="DISTRICT_NTM_ATTAINED"
        ),
    }


def edited(change: str, old: str, new: str) -> str:
    assert old in change
    return change.replace(old, new, 1)


def problems(text: str) -> list[tuple[int, str, str, str, str]]:
    with pytest.raises(TargetsError) as caught:
        read_targets(text, file="t.yaml")
    assert caught.value.code == "invalid_targets"
    return [
        (r.row, r.element, r.field, r.message_vi, r.message_en)
        for r in caught.value.rows
    ]


def test_reads_and_stores_targets(indicators: dict[str, Indicator], world: Any) -> None:
    # when
    specs = read_targets(GOOD)

    # then
    assert [s.code for s in specs] == ["T_URBAN", "T_DISTRICTS"]
    assert store_targets(specs) == 2
    urban = Target.objects.get(code="T_URBAN")
    assert urban.scope == world.province
    assert (urban.kind, urban.comparator, urban.value) == ("level", ">", 60.0)
    assert urban.indicator == indicators["URBAN_CIVILIZED_PCT"]
    districts = Target.objects.get(code="T_DISTRICTS")
    assert districts.scope is None
    assert districts.baseline_year == 2020
    assert districts.note == "ghi chú"


def test_load_is_idempotent_and_updates_by_code(
    indicators: dict[str, Indicator], tmp_path: Path
) -> None:
    # given
    path = tmp_path / "targets.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_targets(path) == 2

    # when the value changes and the file is loaded twice
    path.write_text(edited(GOOD, "value: 60", "value: 65"), encoding="utf-8")
    load_targets(path)
    load_targets(path)

    # then
    assert Target.objects.count() == 2
    assert Target.objects.get(code="T_URBAN").value == 65.0


def test_the_shipped_file_loads(world: Any) -> None:
    # given the shipped catalog and indicators
    catalog_load()
    load_indicators()
    shipped = yaml.safe_load(TARGETS_FILE.read_text(encoding="utf-8"))

    # when
    count = load_targets()

    # then every target is stored, the seed's with their own words
    assert count == len(shipped["targets"]) == Target.objects.count()
    urban = Target.objects.get(code="LAI_CHAU_2025_URBAN_CIVILIZED")
    assert "trên 60% phường, thị trấn đạt chuẩn văn minh, đô thị" in urban.source
    assert (urban.comparator, urban.value, urban.deadline_year) == (">", 60.0, 2025)
    ntm = Target.objects.get(code="LAI_CHAU_2025_NTM_COMMUNES")
    assert "57,5% xã đạt chuẩn nông thôn mới" in ntm.source
    assert (ntm.comparator, ntm.value) == (">=", 57.5)
    districts = Target.objects.get(code="LAI_CHAU_2025_NTM_DISTRICTS")
    assert "thêm 2 huyện đạt chuẩn nông thôn mới" in districts.source
    assert (districts.kind, districts.value, districts.baseline_year) == (
        "increase",
        2.0,
        2020,
    )
    national = Target.objects.get(code="NATIONAL_2030_NTM_COMMUNES")
    assert national.scope is None
    assert national.deadline_year == 2030


def test_unknown_field_names_target_and_field(indicators: dict[str, Indicator]) -> None:
    found = problems(
        edited(GOOD, "    source: Báo cáo thử\n", "    source: x\n    colour: red\n")
    )
    assert found == [
        (
            13,
            "T_URBAN",
            "colour",
            "t.yaml, dòng 13, mục tiêu T_URBAN, trường “colour”: trường không có "
            "trong định dạng; dùng: code, name_vi, name_en, indicator, scope, kind, "
            "comparator, value, deadline_year, source, baseline_year, note, is_active",
            "t.yaml, line 13, target T_URBAN, field 'colour': unknown field; use: "
            "code, name_vi, name_en, indicator, scope, kind, comparator, value, "
            "deadline_year, source, baseline_year, note, is_active",
        )
    ]


def test_unknown_indicator(indicators: dict[str, Indicator]) -> None:
    ((line, target, field, vi, en),) = problems(
        edited(GOOD, "URBAN_CIVILIZED_PCT", "NO_SUCH_PCT")
    )
    assert (line, target, field) == (6, "T_URBAN", "indicator")
    assert "không có chỉ số mã “NO_SUCH_PCT”" in vi
    assert "no indicator has code 'NO_SUCH_PCT'" in en


def test_unknown_scope_unit(indicators: dict[str, Indicator]) -> None:
    ((line, target, field, vi, en),) = problems(edited(GOOD, '"12"', '"99"'))
    assert (line, target, field) == (7, "T_URBAN", "scope")
    assert vi.endswith("không có đơn vị hành chính mã “99” trong năm 2025")
    assert en.endswith("no administrative unit has code '99' in 2025")


def test_a_scope_code_is_read_in_the_deadline_year(
    indicators: dict[str, Indicator],
) -> None:
    # the legacy district 105 ended on 30/6/2025: unknown in 2026
    text = edited(GOOD, '"12"', '"105"')
    assert read_targets(text)[0].scope == "105"
    ((_line, _target, field, vi, _en),) = problems(
        edited(
            text,
            "deadline_year: 2025\n    source: Báo cáo thử\n  - code",
            "deadline_year: 2026\n    source: Báo cáo thử\n  - code",
        )
    )
    assert field == "scope"
    assert "trong năm 2026" in vi


def test_an_unquoted_scope_is_refused(indicators: dict[str, Indicator]) -> None:
    ((_line, _target, field, vi, _en),) = problems(edited(GOOD, '"12"', "12"))
    assert field == "scope"
    assert "phải viết trong dấu nháy" in vi


def test_bad_comparator(indicators: dict[str, Indicator]) -> None:
    ((line, target, field, vi, en),) = problems(edited(GOOD, '">"', '"≥"'))
    assert (line, target, field) == (9, "T_URBAN", "comparator")
    assert vi.endswith("“≥” không hợp lệ; dùng một trong: “>=”, “>”, “<=”, “<”")
    assert en.endswith("'≥' is not valid; use one of: '>=', '>', '<=', '<'")


def test_every_problem_is_listed_before_refusing(
    indicators: dict[str, Indicator],
) -> None:
    # given a missing field, a bad kind, a text value, an increase without
    # its baseline and a duplicate code
    text = (
        GOOD.replace("    name_en: Over 60% of wards civilised-urban\n", "")
        .replace("kind: level", "kind: reach")
        .replace("value: 60", "value: 60,5")
        .replace("    baseline_year: 2020\n", "")
        .replace("T_DISTRICTS", "T_URBAN")
    )

    # when
    found = problems(text)

    # then
    assert [(target, field) for _line, target, field, _vi, _en in found] == [
        ("T_URBAN", "name_en"),
        ("T_URBAN", "kind"),
        ("T_URBAN", "value"),
        ("T_URBAN", "baseline_year"),
    ]
    text = GOOD.replace("T_DISTRICTS", "T_URBAN")
    ((line, target, field, vi, _en),) = problems(text)
    assert (line, target, field) == (13, "T_URBAN", "code")
    assert vi.endswith("mã đã dùng cho mục tiêu ở dòng 3")
    assert Target.objects.count() == 0


def test_percent_level_outside_0_100(indicators: dict[str, Indicator]) -> None:
    ((_line, _target, field, vi, _en),) = problems(
        edited(GOOD, "value: 60", "value: 160")
    )
    assert field == "value"
    assert "từ 0 đến 100" in vi


def test_baseline_must_come_before_the_deadline(
    indicators: dict[str, Indicator],
) -> None:
    ((_line, target, field, _vi, en),) = problems(
        edited(GOOD, "baseline_year: 2020", "baseline_year: 2025")
    )
    assert (target, field) == ("T_DISTRICTS", "baseline_year")
    assert "must come before the deadline year 2025" in en


def test_file_level_problems(indicators: dict[str, Indicator], tmp_path: Path) -> None:
    assert problems("version: 2\ntargets: []\n")[0][2] == "version"
    assert problems("version: 1\ntargets: {}\n")[0][2] == "targets"
    assert problems("version: 1\nextra: 1\ntargets: []\n")[0][2] == "extra"
    ((_line, _t, _f, vi, _en),) = problems("version: 1\ntargets: [\n")
    assert "không đọc được YAML" in vi
    (dup,) = problems(
        edited(GOOD, "    kind: level\n", "    kind: level\n    kind: level\n")
    )
    assert (dup[0], dup[2]) == (9, "kind")
    with pytest.raises(TargetsError) as caught:
        load_targets(tmp_path / "missing.yaml")
    assert "không mở được tệp" in caught.value.message_vi
    assert caught.value.status == 400
