import datetime

import pytest

from vandong.geo import queries
from vandong.geo.models import LEGACY_END, REFORM_DATE, Succession
from vandong.geo.tests.factories import make_edge, make_unit

pytestmark = pytest.mark.django_db


def test_unit_get_resolves_a_reused_code_by_date(world):
    assert queries.unit_get(code="03388", on=LEGACY_END) == world.legacy_quyet_tien
    assert queries.unit_get(code="03388", on=REFORM_DATE) == world.doan_ket
    assert queries.unit_get(code="03389", on=REFORM_DATE) is None


def test_unit_get_finds_a_province_valid_in_both_trees(world):
    assert queries.unit_get(code="12", on=LEGACY_END) == world.province
    assert queries.unit_get(code="12", on=REFORM_DATE) == world.province


def test_units_with_code_lists_every_unit_that_carried_it_oldest_first(world):
    assert list(queries.units_with_code(code="03388")) == [
        world.legacy_quyet_tien,
        world.doan_ket,
    ]


def test_province_list_counts_the_children_valid_on_the_day(world):
    # when
    legacy = {p.code: p.child_count for p in queries.province_list(on=LEGACY_END)}
    current = {p.code: p.child_count for p in queries.province_list(on=REFORM_DATE)}

    # then
    assert legacy == {"12": 1, "11": 0}
    assert current == {"12": 2, "11": 1}


def test_province_list_is_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        list(queries.province_list(on=REFORM_DATE))


def test_unit_children_on_a_day_and_all(world):
    on_legacy = queries.unit_children(unit=world.province, on=LEGACY_END)
    on_current = queries.unit_children(unit=world.province, on=REFORM_DATE)
    every = queries.unit_children(unit=world.province, on=None)

    assert [u.name for u in on_legacy] == ["Thành phố Lai Châu"]
    assert [u.name for u in on_current] == ["Phường Đoàn Kết", "Phường Tân Phong"]
    assert {u.pk for u in every} == {
        world.legacy_district.pk,
        world.doan_ket.pk,
        world.tan_phong.pk,
    }
    assert {u.code: u.child_count for u in on_current} == {"03388": 2, "03395": 1}


def test_unit_ancestors_from_the_province_down(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        ancestors = queries.unit_ancestors(unit=world.legacy_quyet_tien)

    assert ancestors == [world.province, world.legacy_district]
    assert queries.unit_ancestors(unit=world.province) == []


def test_spans_both_trees_only_for_rows_valid_on_both_sides(world):
    assert queries.spans_both_trees(world.province) is True
    assert queries.spans_both_trees(world.doan_ket) is False
    assert queries.spans_both_trees(world.legacy_district) is False


@pytest.mark.parametrize("text", ["doan ket", "ĐOÀN KẾT", "Đoàn  kết", "DOAN KET"])
def test_unit_search_ignores_accents_and_case(world, text):
    found = list(queries.unit_search(text=text))

    assert {u.pk for u in found} == {world.doan_ket.pk, world.legacy_doan_ket.pk}


def test_unit_search_finds_villages(world):
    assert list(queries.unit_search(text="sung phai")) == [world.village_2]


def test_unit_search_filters_by_day_and_level(world):
    assert list(queries.unit_search(text="doan ket", on=REFORM_DATE)) == [
        world.doan_ket
    ]
    assert list(queries.unit_search(text="lai chau", level=1)) == [world.province]
    assert list(queries.unit_search(text="   ")) == []


def test_unit_search_puts_word_starts_first(world):
    # given
    make_unit("99999", "Xã Lũngphong", "xa", parent=world.province)
    make_unit("99998", "Xã Phong Thổ", "xa", parent=world.province)

    # when
    names = [u.name for u in queries.unit_search(text="phong")]

    # then
    assert names == ["Phường Tân Phong", "Xã Phong Thổ", "Xã Lũngphong"]


def test_parent_chain_needs_no_query_after_search(world, django_assert_num_queries):
    # given
    [village] = list(queries.unit_search(text="sung phai"))

    # when
    with django_assert_num_queries(0):
        chain = queries.parent_chain(village)

    # then
    assert chain == [world.province, world.doan_ket]


def test_unit_lineage_both_ways(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        into = queries.unit_lineage(unit=world.doan_ket)
        names = [e.predecessor.name for e in into.predecessors]
    out = queries.unit_lineage(unit=world.legacy_quyet_tien)

    assert names == ["Phường Quyết Tiến", "Phường Đoàn Kết"]
    assert into.successors == []
    assert [e.successor for e in out.successors] == [world.doan_ket]
    assert out.predecessors == []


def test_unit_list_filters(world):
    assert [u.code for u in queries.unit_list(on=REFORM_DATE, level=3)] == [
        "03127",
        "03388",
        "03395",
    ]
    assert [
        u.code for u in queries.unit_list(on=LEGACY_END, parent=world.legacy_district)
    ] == ["03388", "03389"]
    assert [u.code for u in queries.unit_list(on=None, text="doan ket")] == [
        "03388",
        "03389",
    ]


def test_unit_lineage_keeps_split_details(world):
    # given
    old = make_unit(
        "05000", "Xã Cũ", "xa", parent=world.legacy_district, valid_to=LEGACY_END
    )
    make_edge(
        old,
        world.tan_phong,
        Succession.Kind.SPLIT,
        effective_date=datetime.date(2025, 7, 1),
        area_share=0.4,
        is_primary=True,
    )

    # when
    [edge] = queries.unit_lineage(unit=old).successors

    # then
    assert edge.successor == world.tan_phong
    assert edge.area_share == 0.4
    assert edge.is_primary is True
