"""data_values_write: create, change, keep, delete, with audit rows, scope and checks."""

import pytest

from vandong.collect.models import DataValue, DataValueAudit, ImportBatch
from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_write
from vandong.collect.tests.factories import make_catalog
from vandong.core.errors import DomainError
from vandong.core.models import Channel


@pytest.fixture
def catalog(world):
    return make_catalog()


def write(actor, *rows, **options):
    return data_values_write(
        actor=actor,
        rows=list(rows),
        channel=options.pop("channel", Channel.WEB),
        **options,
    )


def row(element, unit, period, value, **fields):
    return ValueRow(
        data_element=element, unit_code=unit, period=period, value=value, **fields
    )


def stored(world, catalog, code="T_HH", unit=None, period=None):
    return DataValue.objects.filter(
        data_element__code=code,
        unit=unit or world.doan_ket,
        period=period or catalog.y2025,
    ).first()


def test_write_creates_values_with_one_audit_row_each(world, catalog):
    # when
    result = write(
        world.xa,
        row("T_HH", "03388", "2025", "2.142"),
        row("T_RATE", "03388", "2025", "61,5"),
        row("T_NOTE", "03388", "2025", " Đã rà soát "),
        row("T_DRUG_FREE", "03388", "2025", "có"),
    )

    # then
    assert (result.created, result.updated, result.unchanged, result.deleted) == (
        4,
        0,
        0,
        0,
    )
    assert result.dry_run is False
    assert stored(world, catalog).value == 2142.0
    assert stored(world, catalog, "T_RATE").value == 61.5
    assert stored(world, catalog, "T_NOTE").text_value == "Đã rà soát"
    assert stored(world, catalog, "T_DRUG_FREE").value == 1.0
    value = stored(world, catalog)
    assert value.updated_by_id == world.xa.pk
    assert value.channel == Channel.WEB
    audits = {
        a.data_element.code: a
        for a in DataValueAudit.objects.select_related("data_element")
    }
    assert {
        code: (a.action, a.old_value, a.new_value) for code, a in audits.items()
    } == {
        "T_HH": ("create", "", "2142"),
        "T_RATE": ("create", "", "61.5"),
        "T_NOTE": ("create", "", "Đã rà soát"),
        "T_DRUG_FREE": ("create", "", "1"),
    }
    audit = audits["T_HH"]
    assert (audit.actor_id, audit.channel, audit.batch_id) == (
        world.xa.pk,
        Channel.WEB,
        result.batch_id,
    )
    assert audit.unit_id == world.doan_ket.pk
    assert audit.period_id == catalog.y2025.pk
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.status, batch.total, batch.done, batch.created) == ("done", 4, 4, 4)


def test_write_updates_keeps_and_deletes_with_audit(world, catalog):
    # given
    write(
        world.xa,
        row("T_HH", "03388", "2025", "100"),
        row("T_HH_CULT", "03388", "2025", "80"),
        row("T_RATE", "03388", "2025", "50"),
    )

    # when
    result = write(
        world.tinh,
        row("T_HH", "03388", "2025", "120"),
        row("T_HH_CULT", "03388", "2025", "80"),
        row("T_RATE", "03388", "2025", ""),
        row("T_CASH", "03388", "2025", None),
        channel=Channel.API,
    )

    # then
    assert (result.created, result.updated, result.unchanged, result.deleted) == (
        0,
        1,
        2,
        1,
    )
    assert stored(world, catalog).value == 120.0
    assert stored(world, catalog).updated_by_id == world.tinh.pk
    assert stored(world, catalog, "T_HH_CULT").updated_by_id == world.xa.pk
    assert stored(world, catalog, "T_RATE") is None
    changes = list(
        DataValueAudit.objects.filter(batch_id=result.batch_id)
        .order_by("data_element__code")
        .values_list(
            "data_element__code",
            "action",
            "old_value",
            "new_value",
            "actor_id",
            "channel",
        )
    )
    assert changes == [
        ("T_HH", "update", "100", "120", world.tinh.pk, "api"),
        ("T_RATE", "delete", "50", "", world.tinh.pk, "api"),
    ]


def test_empty_comment_keeps_the_stored_one_and_a_new_comment_is_a_change(
    world, catalog
):
    # given
    write(world.xa, row("T_HH", "03388", "2025", "100", comment="Theo báo cáo thôn"))

    # when
    kept = write(world.xa, row("T_HH", "03388", "2025", "100"))
    changed = write(world.xa, row("T_HH", "03388", "2025", "100", comment="Đã sửa"))

    # then
    assert (kept.unchanged, kept.updated) == (1, 0)
    assert (changed.unchanged, changed.updated) == (0, 1)
    assert stored(world, catalog).comment == "Đã sửa"


def test_write_refuses_a_commune_outside_scope_and_names_the_row(world, catalog):
    # when
    with pytest.raises(DomainError) as caught:
        write(
            world.xa,
            row("T_HH", "03388", "2025", "100", row=2),
            row("T_HH", "03395", "2025", "100", row=3),
        )

    # then
    error = caught.value
    assert error.code == "out_of_scope"
    assert error.status == 403
    assert [(r.row, r.field, r.unit, r.element) for r in error.rows] == [
        (3, "unit_code", "03395", "T_HH")
    ]
    assert error.rows[0].message_vi == (
        "Phường Tân Phong (03395) nằm ngoài phạm vi bạn được nhập số liệu."
    )
    assert error.message_en == (
        "1 row belong to units outside your data-entry scope (03395 Phường Tân "
        "Phong); nothing was saved."
    )
    assert DataValue.objects.count() == 0
    assert DataValueAudit.objects.count() == 0
    rejected = ImportBatch.objects.get()
    assert rejected.status == "rejected"
    assert rejected.errors[0]["unit"] == "03395"


def test_scope_holds_for_a_code_reused_in_another_tree(world, catalog):
    # given: 03388 named Phường Quyết Tiến (legacy, outside xa's scope) until 2025-06-30
    # when
    with pytest.raises(DomainError) as caught:
        write(world.xa, row("T_HH", "03388", "2024", "100"))

    # then
    assert caught.value.code == "out_of_scope"
    assert caught.value.rows[0].message_en == (
        "Phường Quyết Tiến (03388) is outside the units you may enter data for."
    )


def test_system_and_province_write_any_unit_on_the_period_day(world, catalog):
    # when
    write(None, row("T_HH", "03388", "2024", "7"), channel=Channel.SYSTEM)
    write(world.tinh, row("T_HH", "03388", "2025", "9"))

    # then
    assert (
        stored(world, catalog, unit=world.legacy_quyet_tien, period=catalog.y2024).value
        == 7
    )
    assert stored(world, catalog).value == 9
    assert DataValueAudit.objects.get(unit=world.legacy_quyet_tien).actor_id is None


def test_village_reporter_writes_own_village_only(world, catalog):
    # when
    write(world.thon, row("V_HH", "03388-01", "2025", "45"))
    with pytest.raises(DomainError) as caught:
        write(world.thon, row("V_HH", "03388-02", "2025", "45"))

    # then
    assert caught.value.code == "out_of_scope"
    assert DataValue.objects.filter(unit=world.village_1).count() == 1


ROW_ERRORS = [
    (
        row("", "03388", "2025", "1"),
        "data_element",
        "The data element code is missing.",
    ),
    (
        row("T_NOPE", "03388", "2025", "1"),
        "data_element",
        "No data element has the code 'T_NOPE'.",
    ),
    (row("T_HH", "03388", "2040", "1"), "period", "No period has the code '2040'."),
    (row("T_HH", "", "2025", "1"), "unit_code", "The unit code is missing."),
    (
        row("T_HH", "99999", "2025", "1"),
        "unit_code",
        "No administrative unit has the code '99999'.",
    ),
    (
        row("T_HH", "03389", "2025", "1"),
        "unit_code",
        "The code '03389' names no unit on 2025-12-31 (the end of period 2025); it was "
        "in use from … to 2025-06-30.",
    ),
    (
        row("V_HH", "03388", "2025", "1"),
        "unit_code",
        "The data element 'V_HH' is collected at village level, but Phường Đoàn Kết "
        "(03388) is a commune-level unit.",
    ),
    (row("T_HH", "03388", "2025", "abc"), "value", "'abc' is not a number."),
    (row("T_HH", "03388", "2025", "-5"), "value", "Must not be negative, got '-5'."),
    (
        row("T_HH", "03388", "2025", "61,5"),
        "value",
        "Must be a whole number, got '61,5'.",
    ),
    (
        row("T_FOREST_HA", "03388", "2025", "1.500"),
        "value",
        "'1.500' could mean 1500 or 1.500 (decimal); write 1500 or 1,500 (Vietnamese "
        "decimal comma) to say which.",
    ),
    (
        row("T_FOREST_HA", "03388", "2025", "5000,5"),
        "value",
        "Must be at most 5,000, got '5000,5'.",
    ),
    (
        row("T_RATE", "03388", "2025", "120"),
        "value",
        "A percentage must lie between 0 and 100, got '120'.",
    ),
    (
        row("T_CASH", "03388", "2025", "9" * 17),
        "value",
        "The number '99999999999999999' is too large: the limit is 1,000,000,000,000,000.",
    ),
    (
        row("T_DRUG_FREE", "03388", "2025", "maybe"),
        "value",
        "'maybe' is not a yes/no value (use true, false, 1, 0, yes, no, x, có, không).",
    ),
    (
        row("T_HH", "03388", "2025", "1", comment="x" * 501),
        "comment",
        "The comment is 501 characters long; at most 500.",
    ),
]


@pytest.mark.parametrize(("bad", "field", "message"), ROW_ERRORS)
def test_write_refuses_a_bad_row_with_the_reason(world, catalog, bad, field, message):
    # when
    with pytest.raises(DomainError) as caught:
        write(
            world.tinh,
            row("T_HH_CULT", "03388", "2025", "5", row=2),
            ValueRow(**{**_fields(bad), "row": 3}),
        )

    # then
    error = caught.value
    assert error.code == "invalid_rows"
    assert [(r.row, r.field, r.message_en) for r in error.rows] == [(3, field, message)]
    assert error.rows[0].message_vi
    assert DataValue.objects.count() == 0


def _fields(r):
    return {f: getattr(r, f) for f in ValueRow.__dataclass_fields__}


def test_write_refuses_a_repeated_key_naming_the_first_row(world, catalog):
    # when
    with pytest.raises(DomainError) as caught:
        write(
            world.xa,
            row("T_HH", "03388", "2025", "1", row=2),
            row("T_HH_CULT", "03388", "2025", "1", row=3),
            row("T_HH", "03388", "2025", "2", row=4),
        )

    # then
    assert [(r.row, r.message_vi) for r in caught.value.rows] == [
        (4, "Trùng với dòng 2: cùng chỉ tiêu “T_HH”, đơn vị 03388, kỳ 2025.")
    ]


def test_dry_run_counts_and_changes_nothing(world, catalog):
    # given
    write(
        world.xa,
        row("T_HH", "03388", "2025", "100"),
        row("T_RATE", "03388", "2025", "5"),
    )
    values_before = list(DataValue.objects.values_list("pk", "value", "updated_at"))
    audits_before = DataValueAudit.objects.count()

    # when
    result = write(
        world.xa,
        row("T_HH", "03388", "2025", "150"),
        row("T_HH_CULT", "03388", "2025", "200"),
        row("T_RATE", "03388", "2025", ""),
        dry_run=True,
    )

    # then
    assert (result.created, result.updated, result.unchanged, result.deleted) == (
        1,
        1,
        0,
        1,
    )
    assert result.dry_run is True
    assert [v.rule_code for v in result.violations] == ["R_CULT_LE_HH"]
    assert (
        list(DataValue.objects.values_list("pk", "value", "updated_at"))
        == values_before
    )
    assert DataValueAudit.objects.count() == audits_before
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert (batch.status, batch.created, batch.updated, batch.deleted) == (
        "dry_run",
        1,
        1,
        1,
    )


def test_write_returns_the_rule_violations_of_what_it_wrote(world, catalog):
    # when
    result = write(
        world.xa,
        row("T_HH", "03388", "2025", "100"),
        row("T_HH_CULT", "03388", "2025", "120"),
    )

    # then
    assert result.created == 2
    [violation] = result.violations
    assert (
        violation.rule_code,
        violation.severity,
        violation.unit_id,
        violation.period_id,
    ) == (
        "R_CULT_LE_HH",
        "error",
        world.doan_ket.pk,
        catalog.y2025.pk,
    )
    assert (violation.left_value, violation.right_value) == (120.0, 100.0)
    assert violation.element_codes == ("T_HH_CULT", "T_HH")


def test_numbers_and_booleans_typed_by_a_spreadsheet_are_taken_as_they_are(
    world, catalog
):
    # when
    write(
        world.xa,
        row("T_HH", "03388", "2025", 2142500),
        row("T_FOREST_HA", "03388", "2025", 1.5),
        row("T_DRUG_FREE", "03388", "2025", False),
        row("T_NOTE", "03388", "2025", 12),
    )
    with pytest.raises(DomainError) as caught:
        write(
            world.xa,
            row("T_HH", "03388", "2025", 2.5, row=7),
            row("T_RATE", "03388", "2025", True, row=8),
        )

    # then
    assert stored(world, catalog).value == 2142500
    assert stored(world, catalog, "T_FOREST_HA").value == 1.5
    assert stored(world, catalog, "T_DRUG_FREE").value == 0.0
    assert stored(world, catalog, "T_NOTE").text_value == "12"
    assert [(r.row, r.message_en) for r in caught.value.rows] == [
        (7, "Must be a whole number, got 2.5."),
        (8, "'True' is not a number."),
    ]


def test_computed_and_retired_elements_are_not_entered(world, catalog):
    # given
    from vandong.collect.tests.factories import make_element

    make_element(
        "T_SHARE",
        value_type="percent",
        numerator=catalog.cultural,
        denominator=catalog.households,
    )
    make_element("T_OLD", is_active=False)

    # when
    with pytest.raises(DomainError) as caught:
        write(
            world.xa,
            row("T_SHARE", "03388", "2025", "50", row=2),
            row("T_OLD", "03388", "2025", "1", row=3),
        )

    # then
    assert [(r.row, r.message_en) for r in caught.value.rows] == [
        (
            2,
            "The data element 'T_SHARE' is computed from its numerator and denominator; "
            "it is not entered.",
        ),
        (3, "The data element 'T_OLD' is no longer in use."),
    ]


def test_elements_kept_by_a_registry_are_written_only_by_the_registry(world, catalog):
    # given a yearly total the contributions registry keeps
    from vandong.collect.tests.factories import make_element

    make_element("T_GIFTS", value_type="money_vnd", registry="contributions")

    # when an officer enters it
    with pytest.raises(DomainError) as caught:
        write(world.xa, row("T_GIFTS", "03388", "2025", "1000000", row=2))

    # then the row is refused and told where to record it
    assert [(r.row, r.field, r.message_vi) for r in caught.value.rows] == [
        (
            2,
            "data_element",
            "Chỉ tiêu “T_GIFTS” được tổng hợp từ sổ theo dõi đóng góp; hãy ghi vào "
            "sổ, không nhập trực tiếp.",
        )
    ]
    # and the registry's own sync (the system) writes it
    write(None, row("T_GIFTS", "03388", "2025", "1000000"), channel=Channel.SYSTEM)
    assert stored(world, catalog, code="T_GIFTS").value == 1_000_000


def test_errors_are_listed_up_to_1000_with_the_total(world, catalog):
    # given
    rows = [row("T_NOPE", "03388", "2025", "1", row=i + 2) for i in range(1500)]

    # when
    with pytest.raises(DomainError) as caught:
        data_values_write(actor=world.xa, rows=rows, channel=Channel.IMPORT)

    # then
    assert len(caught.value.rows) == 1000
    assert caught.value.rows[-1].row == 1001
    assert caught.value.message_en == (
        "1,500 rows have errors (the first 1,000 are listed); nothing was saved."
    )
    assert caught.value.message_vi == (
        "1.500 dòng có lỗi (liệt kê 1.000 dòng đầu); không có số liệu nào được lưu."
    )


def test_progress_is_reported_up_to_the_total(world, catalog):
    # given
    seen = []

    # when
    write(
        world.xa,
        row("T_HH", "03388", "2025", "1"),
        row("T_RATE", "03388", "2025", "1"),
        progress=lambda done, total: seen.append((done, total)),
    )

    # then
    assert seen[0] == (0, 2)
    assert seen[-1] == (2, 2)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_saving_one_cell_takes_a_fixed_number_of_queries(
    world, catalog, django_assert_max_num_queries
):
    # given
    write(world.xa, row("T_HH", "03388", "2025", "1"))
    world.xa.refresh_from_db()

    # when: codes (3), scope, locks, batch, stage and SQL (5), rules (4), batch
    # done: 18; on PostgreSQL also the unit's row lock and ANALYZE of the stage
    with django_assert_max_num_queries(20):
        result = write(world.xa, row("T_HH", "03388", "2025", "2"))

    # then
    assert result.updated == 1


def test_write_accepts_columns_read_from_a_file(world, catalog):
    # given
    from vandong.collect.csvio import read_csv_columns

    columns = read_csv_columns(
        b"data_element,unit_code,period,value,comment\nT_HH,03388,2025,2.142.500,ok\n"
    )

    # when
    result = data_values_write(
        actor=world.xa, rows=columns, channel=Channel.IMPORT, fmt="csv"
    )

    # then
    assert result.created == 1
    assert (stored(world, catalog).value, stored(world, catalog).comment) == (
        2142500.0,
        "ok",
    )
    assert result.batch_id is not None
    assert ImportBatch.objects.get(pk=result.batch_id).format == "csv"


def test_an_empty_write_does_nothing(world, catalog):
    # when
    result = write(world.xa)

    # then
    assert (result.created, result.batch_id) == (0, None)
    assert ImportBatch.objects.count() == 0
