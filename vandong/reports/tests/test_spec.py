"""The template format: read line by line, every problem with its line, the
shipped template clean. Pure: no database."""

from pathlib import Path

import pytest

from vandong.reports import spec as specs

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "ket-qua-cuoc-van-dong.txt"

MINIMAL = """\
code: thu
version: 2
name: Thử
subject: Kết quả giai đoạn {{ phase }}

[figures]
cash = value(CONTRIB_CASH_VND, phase)
wards = units(phuong, thi_tran, period=end)
plan[12@2016-2020] = text("Quyết định số 239-QĐ/TU")

[section economy] Kinh tế
Nhân dân đóng góp {{ cash | money(billion, floor) }} (tiền mặt).
Có {{ wards }} phường, thị trấn.

Đoạn thứ hai.
!chart contributions(kind): Đóng góp theo năm
"""


def problems_of(text: str) -> list[specs.Problem]:
    with pytest.raises(specs.TemplateError) as raised:
        specs.parse(text)
    return raised.value.problems


def test_the_shipped_template_reads_clean():
    spec = specs.parse(SHIPPED.read_text(encoding="utf-8"))
    assert spec.code == "ket-qua-cuoc-van-dong"
    assert spec.issuer == "party"
    assert [s.key for s in spec.sections][:3] == ["intro", "economy", "culture"]
    assert {"cash", "land", "labour", "materials", "t_urban"} <= {
        f.name for f in spec.figures
    }


def test_a_template_has_header_figures_sections_paragraphs_and_charts():
    spec = specs.parse(MINIMAL)
    assert (spec.code, spec.version, spec.name) == ("thu", 2, "Thử")
    plan = spec.definitions("plan")[0]
    assert (plan.unit_code, plan.phase, plan.call.args) == (
        "12",
        "2016-2020",
        ("Quyết định số 239-QĐ/TU",),
    )
    section = spec.sections[0]
    assert (section.key, section.title) == ("economy", "Kinh tế")
    first, second, chart = section.blocks
    assert isinstance(first, specs.Paragraph)
    assert [s.line for s in first.sentences] == [12, 13]
    placeholder = first.sentences[0].placeholders[0]
    assert placeholder.name == "cash"
    assert placeholder.filters == (specs.Filter("money", ("billion", "floor")),)
    assert isinstance(second, specs.Paragraph)
    assert isinstance(chart, specs.ChartDef)
    assert chart.call == specs.Call("contributions", ("kind",))
    assert chart.caption == "Đóng góp theo năm"


def test_an_unknown_figure_is_refused_with_its_name_and_line():
    found = problems_of(MINIMAL.replace("{{ wards }}", "{{ phuong }}"))
    assert [(p.line, p.message_vi) for p in found] == [
        (13, "số liệu “phuong” chưa được định nghĩa (thêm vào khối [figures])")
    ]
    assert "unknown figure 'phuong'" in found[0].message_en


def test_every_problem_is_said_at_once_in_line_order():
    text = (
        MINIMAL.replace("value(CONTRIB_CASH_VND, phase)", "valeur(CONTRIB_CASH_VND)")
        .replace("period=end", "period=later")
        .replace("money(billion, floor)", "money(trillion)")
        .replace("Đoạn thứ hai.", "{{ nothing | round }}")
        .replace("issuer", "x")
    )
    found = problems_of(text + "\nversion: 3\n")
    lines = [p.line for p in found]
    assert lines == sorted(lines)
    messages = " | ".join(p.message_vi for p in found)
    assert "hàm “valeur” không có" in messages
    assert "kỳ “later” không hợp lệ" in messages
    assert "bộ lọc “money”: đối số “trillion” không hợp lệ" in messages
    assert "số liệu “nothing” chưa được định nghĩa" in messages
    assert "bộ lọc “round” không có" in messages


def test_header_problems():
    found = problems_of(
        "name: x\nversion: zero\nissuer: king\nfoo: bar\n[section a]\nx\n"
    )
    messages = [(p.line, p.message_vi) for p in found]
    assert (1, "thiếu khóa “code” ở phần đầu") in messages
    assert (2, "phiên bản là một số nguyên dương") in messages
    assert any(line == 3 and "thể thức “king”" in m for line, m in messages)
    assert any(line == 4 and "khóa “foo” không có" in m for line, m in messages)


def test_a_figure_defined_twice_for_the_same_unit_is_refused():
    text = MINIMAL.replace(
        "wards = units", 'plan[12@2016-2020] = text("khác")\nwards = units'
    )
    found = problems_of(text)
    assert [(p.line, p.message_vi) for p in found] == [
        (10, "số liệu “plan” đã định nghĩa ở dòng 8")
    ]


def test_a_share_names_figures_defined_above_it():
    text = MINIMAL.replace(
        "wards = units(phuong, thi_tran, period=end)",
        "part = share(cash, wards)\nwards = units(phuong, thi_tran, period=end)",
    )
    found = problems_of(text)
    assert found[0].line == 8
    assert "“wards” chưa được định nghĩa ở trên" in found[0].message_vi


def test_the_catalog_check_names_an_unknown_code_with_its_line():
    spec = specs.parse(MINIMAL.replace("CONTRIB_CASH_VND", "CONTRIB_GOLD_VND"))
    catalog = specs.Catalog(
        measures=lambda code: code != "CONTRIB_GOLD_VND", indicators=lambda code: True
    )
    found = specs.check(spec, catalog)
    assert [(p.line, p.message_vi) for p in found] == [
        (7, "số liệu “cash”: không có chỉ số hay chỉ tiêu “CONTRIB_GOLD_VND”")
    ]


def test_a_call_is_read_with_strings_and_keywords():
    assert specs.parse_call('text("a, b (c)")') == specs.Call("text", ("a, b (c)",))
    assert specs.parse_call("contributions(cash, phase, kind=people)") == specs.Call(
        "contributions", ("cash", "phase"), (("kind", "people"),)
    )
    with pytest.raises(ValueError, match="thiếu dấu"):
        specs.parse_call("value(A, end")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        # values the composer could not use: refused here, with their line
        ("money(billion, floor)", "number(99999)"),
        ("money(billion, floor)", "number(²)"),
        ("money(billion, floor)", "money(billion, floor=0)"),
        ("period=end", "period=2020-2016"),
        ("period=end", "period=0000"),
        ("version: 2", "version: ²"),
        ("version: 2", "version: 99999999999999999999"),
        ("name: Thử", "name: " + "x" * 201),
        (
            'plan[12@2016-2020] = text("Quyết định số 239-QĐ/TU")',
            "plan = date(2016-13-45)",
        ),
    ],
)
def test_a_value_the_composer_could_not_use_is_refused_with_its_line(old, new):
    text = MINIMAL.replace(old, new)
    assert text != MINIMAL
    problems = problems_of(text)
    assert problems
    assert all(p.line > 0 for p in problems)


def test_contributions_kind_and_purpose_must_be_the_registrys():
    # a typo would filter to nothing and print "0 đồng": the template is refused
    text = MINIMAL.replace(
        "wards = units(phuong, thi_tran, period=end)",
        "wards = units(phuong, thi_tran, period=end)\n"
        "people = contributions(cash, phase, kind=peple)\n"
        "roads = contributions(cash, phase, purpose=road)\n"
        "schools = contributions(cash, phase, kind=people, purpose=schools)",
    )
    found = problems_of(text)
    assert [(p.line, p.message_en.split(" is ")[0]) for p in found] == [
        (9, "contributions(…), kind='peple'"),
        (11, "contributions(…), purpose='schools'"),
    ]
    assert "chọn một trong people, businesses" in found[0].message_vi


def test_the_kinds_and_purposes_a_template_may_name_are_the_registrys():
    from vandong.registries.models import ContributorKind, Purpose

    assert specs.KEYWORD_CHOICES[("contributions", "kind")] == tuple(
        ContributorKind.values
    )
    assert specs.KEYWORD_CHOICES[("contributions", "purpose")] == tuple(Purpose.values)
