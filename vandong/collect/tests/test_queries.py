"""Reads of data values, approvals and batches: scoped, with pinned query counts."""

import pytest

from vandong.collect import queries
from vandong.collect.rows import ValueRow
from vandong.collect.services import approval_submit, data_values_write
from vandong.collect.tests.factories import make_catalog
from vandong.core.models import Channel


@pytest.fixture
def catalog(world):
    return make_catalog()


def put(actor, *rows):
    return data_values_write(
        actor=actor, rows=[ValueRow(*r) for r in rows], channel=Channel.WEB
    )


def test_entry_values_by_element_code_in_one_query(
    world, catalog, django_assert_num_queries
):
    # given
    put(
        world.xa,
        ("T_HH", "03388", "2025", "100"),
        ("T_NOTE", "03388", "2025", "ghi"),
        ("V_HH", "03388-01", "2025", "5"),
    )

    # when
    with django_assert_num_queries(1):
        values = queries.entry_values(
            data_set=catalog.form, unit=world.doan_ket, period=catalog.y2025
        )
        codes = {code: (v.value, v.text_value) for code, v in values.items()}

    # then
    assert codes == {"T_HH": (100.0, ""), "T_NOTE": (None, "ghi")}


def test_approval_get_is_none_for_a_draft(world, catalog):
    # given
    where = {"data_set": catalog.form, "unit": world.doan_ket, "period": catalog.y2025}
    assert queries.approval_get(**where) is None

    # when
    approval_submit(actor=world.xa, **where)

    # then
    approval = queries.approval_get(**where)
    assert approval is not None
    assert approval.state == "submitted"


def test_data_value_list_is_scoped_to_view(world, catalog, django_assert_num_queries):
    # given
    put(
        None,
        ("T_HH", "03388", "2025", "1"),
        ("T_HH", "03395", "2025", "2"),
        ("T_HH", "03127", "2025", "3"),
        ("V_HH", "03388-01", "2025", "4"),
    )
    world.xa.refresh_from_db()

    # when: one query for the roles, one for the list
    with django_assert_num_queries(2):
        mine = [
            (v.data_element.code, v.unit.code, v.value)
            for v in queries.data_value_list(actor=world.xa).select_related(
                "data_element", "unit"
            )
        ]
    province = queries.data_value_list(actor=world.tinh, periods=[catalog.y2025])
    filtered = queries.data_value_list(
        actor=None, elements=[catalog.households], units=[world.other_commune]
    )

    # then
    assert mine == [("T_HH", "03388", 1.0), ("V_HH", "03388-01", 4.0)]
    assert province.count() == 3
    assert [v.value for v in filtered] == [3.0]


def test_entry_units_are_those_of_the_level_in_scope_on_the_last_day(world, catalog):
    # when
    xa = list(
        queries.entry_units(actor=world.xa, data_set=catalog.form, period=catalog.y2025)
    )
    tinh_2024 = list(
        queries.entry_units(
            actor=world.tinh, data_set=catalog.form, period=catalog.y2024
        )
    )
    villages = list(
        queries.entry_units(
            actor=world.xa, data_set=catalog.village_form, period=catalog.y2025
        )
    )

    # then
    assert xa == [world.doan_ket]
    assert tinh_2024 == [world.legacy_quyet_tien, world.legacy_doan_ket]
    assert villages == [world.village_1, world.village_2]


def test_value_history_and_batches_are_the_actors_own(world, catalog):
    # given
    first = put(world.xa, ("T_HH", "03388", "2025", "1"))
    put(world.tinh, ("T_HH", "03388", "2025", "2"))

    # when
    history = queries.value_history(
        actor=world.xa,
        data_element=catalog.households,
        unit=world.doan_ket,
        period=catalog.y2025,
    )
    hidden = queries.value_history(
        actor=world.ngoai,
        data_element=catalog.households,
        unit=world.doan_ket,
        period=catalog.y2025,
    )

    # then
    assert [(a.action, a.old_value, a.new_value) for a in history] == [
        ("update", "1", "2"),
        ("create", "", "1"),
    ]
    assert hidden == []
    assert [b.pk for b in queries.import_batch_list(actor=world.xa)] == [first.batch_id]
    assert queries.import_batch_get(actor=world.ngoai, batch_id=first.batch_id) is None
    assert (
        queries.import_batch_get(actor=world.admin, batch_id=first.batch_id) is not None
    )
