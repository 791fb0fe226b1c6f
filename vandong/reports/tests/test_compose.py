"""Composing the shipped template on the fixed world: figures with data are
printed in Vietnamese notation, a sentence whose figure has no data is left
out and reported with the data it needs, never printed blank or as zero."""

import datetime

import pytest

from vandong.reports import queries
from vandong.reports import spec as specs
from vandong.reports.compose import compose
from vandong.reports.figures import Evaluator, Figure, Missing
from vandong.reports.tests.factories import SMALL, make_report_scene


@pytest.fixture
def scene(world, settings, tmp_path):
    settings.ANALYTICS_DIR = str(tmp_path / "analytics")
    make_report_scene(world)
    return world


def province_report(world, **options):
    spec = queries.template_spec("ket-qua-cuoc-van-dong")
    scope = queries.scope_for(actor=None, unit=world.province, phase="2016-2020")
    return compose(spec, scope, day=datetime.date(2020, 12, 15), **options)


def test_figures_with_data_are_printed_in_vietnamese_notation(scene):
    # given a template of three sentences
    spec = specs.read(SMALL, queries.catalog())
    scope = queries.scope_for(actor=None, unit=scene.province, phase="2016-2020")

    # when the province's report is composed
    report = compose(spec, scope, day=datetime.date(2020, 12, 15))

    # then the sums over the wards and years are stated
    assert report.text().splitlines() == [
        "1. Đóng góp",
        "Nhân dân đóng góp 10 tỷ đồng, hiến 7.500 m2 đất. "
        "Đến năm 2020 có 01/2 phường, thị trấn đạt chuẩn văn minh đô thị.",
    ]
    # and the sentence of labour days, which has no data, is reported instead
    assert [(m.line, [f.name for f in m.missing]) for m in report.missing] == [
        (15, ["labour"])
    ]
    assert report.layout.subject == "Thử giai đoạn 2016 - 2020"


def test_a_sentence_without_data_is_left_out_and_says_what_it_needs(scene):
    report = province_report(scene)

    # the contributions sentence also needs labour days and materials, which
    # the scene does not have: the sentence is not printed at all
    assert "ngày công lao động" not in report.text()
    missing = {m.name: m for item in report.missing for m in item.missing}
    labour = missing["labour"]
    assert "CONTRIB_LABOUR_DAYS" in labour.needs_vi
    assert "do cấp xã báo cáo" in labour.needs_vi
    assert "các năm 2016-2020" in labour.needs_vi
    assert "needs data element CONTRIB_LABOUR_DAYS" in labour.needs_en
    # and a sentence that was left out names its template line
    line = next(
        item.line
        for item in report.missing
        if any(m.name == "labour" for m in item.missing)
    )
    assert line > 0
    # nothing was printed in its place
    assert " 0 ngày công" not in report.text()


def test_a_unit_specific_text_applies_only_to_its_unit_and_phase(scene):
    spec = queries.template_spec("ket-qua-cuoc-van-dong")
    # Lai Châu, 2016-2020: the decision of the template
    scope = queries.scope_for(actor=None, unit=scene.province, phase="2016-2020")
    decision = Evaluator(spec, scope).figure("plan_decision")
    assert isinstance(decision, Figure)
    assert decision.text == "Quyết định số 239-QĐ/TU"
    # another province: missing, and how to add it
    other = queries.scope_for(actor=None, unit=scene.other_province, phase="2016-2020")
    result = Evaluator(spec, other).figure("plan_decision")
    assert isinstance(result, Missing)
    assert "plan_decision[11@2016-2020]" in result.needs_vi


def test_targets_and_unit_counts(scene):
    report = province_report(scene)
    t_urban = report.evaluator.figure("t_urban")
    assert isinstance(t_urban, Figure)
    assert (t_urban.value, t_urban.comparator) == (60.0, ">")
    # the world's province has two legacy wards in 2020
    wards = report.evaluator.figure("urban_units")
    assert isinstance(wards, Figure)
    assert wards.value == 2


def test_the_breakdown_is_by_district_as_reported(scene):
    spec = queries.template_spec("ket-qua-cuoc-van-dong")
    scope = queries.scope_for(actor=None, unit=scene.province, phase="2016-2020")
    children = Evaluator(spec, scope).children("cash")
    assert [(c.unit_code, c.value) for c in children] == [("105", 10_000_000_000)]
    wards = Evaluator(spec, scope).children("cash", level=3)
    assert sorted((c.unit_code, c.value) for c in wards) == [
        ("03388", 6_250_000_000),
        ("03389", 3_750_000_000),
    ]


def test_the_report_follows_the_issuer_format(scene):
    party = province_report(scene, number="35")
    assert party.layout.number_text == "Số 35-BC/TU"
    assert party.layout.body_lines == ("TỈNH ỦY LAI CHÂU",)
    assert party.builtins["issuer_name"] == "Tỉnh ủy Lai Châu"
    state = province_report(scene, issuer="state", number="5")
    assert state.layout.number_text == "Số: 05/BC-UBND"
    assert state.layout.body_lines == ("ỦY BAN NHÂN DÂN", "TỈNH LAI CHÂU")
    assert state.layout.place_date == "Lai Châu, ngày 15 tháng 12 năm 2020"
    front = province_report(scene, issuer="front")
    assert front.layout.number_text.startswith("Số: ")
    assert front.layout.number_text.endswith("/BC-MTTQ-BTT")
    assert front.layout.authority == "TM. BAN THƯỜNG TRỰC"


def test_the_scope_refuses_a_unit_outside_the_readers_scope(scene):
    from vandong.core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        queries.scope_for(actor=scene.ngoai, unit=scene.province, phase="2016-2020")
    assert refused.value.code == "not_found"
    for phase in ("2020-2016", "2000-2100", "²", "0000"):
        with pytest.raises(DomainError) as bad:
            queries.phase_bounds(phase)
        assert bad.value.field == "phase"
    assert queries.phase_bounds("2016-2025") == (2016, 2025)


def test_a_unit_is_found_by_name_or_code(scene):
    assert queries.unit_find("Lai Châu", level=1) == scene.province
    assert queries.unit_find("12", level=1) == scene.province
    assert queries.unit_find("lai chau", level=1) == scene.province


def test_each_tree_counts_its_own_units(scene):
    # the 2021-2025 phase ends after the reform: on the legacy tree the wards
    # are those reported up to 30/06/2025, on the current tree today's
    from vandong.geo.models import LEGACY_END, Unit
    from vandong.geo.tests.factories import make_unit

    # a ward that was merged away at the reform
    make_unit(
        "03399",
        "Phường Sáp Nhập",
        "phuong",
        parent=scene.legacy_district,
        valid_to=LEGACY_END,
    )
    spec = specs.read(SMALL, queries.catalog())
    counted = {}
    for tree in ("legacy", "current"):
        scope = queries.scope_for(
            actor=None, unit=scene.province, phase="2021-2025", tree=tree
        )
        wards = Evaluator(spec, scope).figure("wards")
        assert isinstance(wards, Figure)
        counted[tree] = wards.value

    def wards_on(day):
        return (
            Unit.objects.valid_on(day)
            .within(scene.province)
            .filter(type__in=["phuong", "thi_tran"])
            .count()
        )

    assert counted == {
        "legacy": wards_on(LEGACY_END),
        "current": wards_on(datetime.date(2025, 12, 31)),
    }
    assert counted["current"] is not None
    assert counted["legacy"] == counted["current"] + 1
