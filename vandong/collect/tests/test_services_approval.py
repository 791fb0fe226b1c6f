"""Approval: draft → submitted → approved (locks) → reopened by an approver above."""

import pytest

from vandong.collect.models import Approval, ApprovalState, DataValue
from vandong.collect.rows import ValueRow
from vandong.collect.services import (
    approval_approve,
    approval_reopen,
    approval_submit,
    data_values_write,
)
from vandong.collect.tests.factories import make_catalog, make_data_set, make_element
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry, Channel


@pytest.fixture
def catalog(world):
    return make_catalog()


def write(actor, *rows):
    return data_values_write(
        actor=actor,
        rows=[ValueRow(e, u, p, v, row=i + 2) for i, (e, u, p, v) in enumerate(rows)],
        channel=Channel.WEB,
    )


def step(service, actor, world, catalog, **where):
    return service(
        actor=actor,
        data_set=where.get("data_set", catalog.form),
        unit=where.get("unit", world.doan_ket),
        period=where.get("period", catalog.y2025),
    )


def test_submit_approve_reopen_each_step_audited(world, catalog):
    # given
    write(world.xa, ("T_HH", "03388", "2025", "100"))

    # when
    submitted = step(approval_submit, world.xa, world, catalog)
    approved = step(approval_approve, world.tinh, world, catalog)
    reopened = step(approval_reopen, world.tinh, world, catalog)

    # then
    assert (submitted.pk, approved.pk, reopened.pk) == (submitted.pk,) * 3
    assert Approval.objects.get().state == ApprovalState.DRAFT
    entries = list(
        AuditEntry.objects.filter(entity="collect.approval")
        .order_by("id")
        .values_list("action", "old", "new", "actor__username", "note")
    )
    assert entries == [
        (
            "create",
            {"state": "draft"},
            {"state": "submitted"},
            "xa",
            "F_COMMUNE 03388 2025",
        ),
        (
            "update",
            {"state": "submitted"},
            {"state": "approved"},
            "tinh",
            "F_COMMUNE 03388 2025",
        ),
        (
            "update",
            {"state": "approved"},
            {"state": "draft"},
            "tinh",
            "F_COMMUNE 03388 2025",
        ),
    ]


def test_approved_data_is_read_only_until_reopened(world, catalog):
    # given
    write(world.xa, ("T_HH", "03388", "2025", "100"), ("T_NOTE", "03388", "2025", "a"))
    step(approval_submit, world.xa, world, catalog)
    step(approval_approve, world.tinh, world, catalog)

    # when
    with pytest.raises(DomainError) as caught:
        write(
            world.xa, ("T_HH", "03388", "2025", "120"), ("T_NOTE", "03388", "2025", "a")
        )
    unchanged = write(world.tinh, ("T_HH", "03388", "2025", "100"))
    step(approval_reopen, world.tinh, world, catalog)
    changed = write(world.xa, ("T_HH", "03388", "2025", "120"))

    # then
    error = caught.value
    assert (error.code, error.status) == ("locked", 409)
    assert [(r.row, r.element) for r in error.rows] == [(2, "T_HH")]
    assert error.rows[0].message_vi == (
        "Biểu “Biểu F_COMMUNE” của Phường Đoàn Kết (03388) kỳ 2025 đã được phê "
        "duyệt; cần cấp trên mở lại trước khi sửa."
    )
    assert unchanged.unchanged == 1
    assert changed.updated == 1
    assert DataValue.objects.get(data_element__code="T_HH").value == 120


def test_a_lock_covers_deletes_and_only_the_approved_set(world, catalog):
    # given: T_EXTRA belongs to another form only
    make_data_set("F_OTHER", [make_element("T_EXTRA")])
    write(world.xa, ("T_HH", "03388", "2025", "100"), ("T_RATE", "03388", "2025", "5"))
    step(approval_submit, world.xa, world, catalog)
    step(approval_approve, world.tinh, world, catalog)

    # when
    with pytest.raises(DomainError) as deleting:
        write(world.xa, ("T_RATE", "03388", "2025", ""))
    other_form = write(world.xa, ("T_EXTRA", "03388", "2025", "5"))

    # then
    assert deleting.value.code == "locked"
    assert other_form.created == 1


def test_only_an_approver_above_approves(world, catalog):
    # given
    step(approval_submit, world.xa, world, catalog)

    # when
    with pytest.raises(DomainError) as own:
        step(approval_approve, world.xa, world, catalog)
    with pytest.raises(DomainError) as elsewhere:
        step(approval_approve, world.ngoai, world, catalog)

    # then
    assert (own.value.code, own.value.status) == ("not_allowed", 403)
    assert own.value.message_en == (
        "Only an approver above Phường Đoàn Kết (03388) may approve or reopen its data."
    )
    assert (elsewhere.value.code, elsewhere.value.status) == ("out_of_scope", 403)
    assert Approval.objects.get().state == ApprovalState.SUBMITTED


def test_commune_officer_approves_the_villages_of_the_commune(world, catalog):
    # given
    write(world.thon, ("V_HH", "03388-01", "2025", "40"))
    where = {"data_set": catalog.village_form, "unit": world.village_1}
    step(approval_submit, world.xa, world, catalog, **where)

    # when
    approved = step(approval_approve, world.xa, world, catalog, **where)
    with pytest.raises(DomainError) as reporter:
        write(world.thon, ("V_HH", "03388-01", "2025", "41"))

    # then
    assert approved.state == ApprovalState.APPROVED
    assert reporter.value.code == "locked"


def test_submit_needs_the_submit_right_and_a_draft(world, catalog):
    # when
    with pytest.raises(DomainError) as reporter:
        step(
            approval_submit,
            world.thon,
            world,
            catalog,
            data_set=catalog.village_form,
            unit=world.village_1,
        )
    step(approval_submit, world.xa, world, catalog)
    with pytest.raises(DomainError) as twice:
        step(approval_submit, world.xa, world, catalog)
    with pytest.raises(DomainError) as draft_approval:
        step(approval_reopen, world.tinh, world, catalog, unit=world.tan_phong)

    # then
    assert reporter.value.code == "not_allowed"
    assert (twice.value.code, twice.value.status) == ("conflict", 409)
    assert twice.value.message_en == (
        "Cannot submit the data set 'F_COMMUNE' of Phường Đoàn Kết (03388) for 2025: "
        "it is submitted."
    )
    assert draft_approval.value.code == "conflict"


def test_submit_refuses_error_violations_and_missing_required_values(world, catalog):
    # given
    required = make_data_set(
        "F_REQ", [catalog.households, catalog.rate], required=("T_RATE",)
    )
    write(
        world.xa,
        ("T_HH", "03388", "2025", "100"),
        ("T_HH_CULT", "03388", "2025", "120"),
    )

    # when
    with pytest.raises(DomainError) as broken:
        step(approval_submit, world.xa, world, catalog)
    with pytest.raises(DomainError) as incomplete:
        step(approval_submit, world.xa, world, catalog, data_set=required)

    # then
    assert broken.value.code == "validation_failed"
    assert [(r.element, r.message_vi) for r in broken.value.rows] == [
        ("T_HH_CULT", "Hộ văn hóa ≤ số hộ: không thỏa 120 ≤ 100.")
    ]
    assert incomplete.value.code == "incomplete"
    assert [r.element for r in incomplete.value.rows] == ["T_RATE"]
    assert Approval.objects.count() == 0


def test_a_form_for_another_level_or_a_unit_gone_by_then_is_refused(world, catalog):
    # when
    with pytest.raises(DomainError) as level:
        step(approval_submit, world.tinh, world, catalog, unit=world.village_1)
    with pytest.raises(DomainError) as gone:
        step(approval_submit, world.tinh, world, catalog, unit=world.legacy_doan_ket)

    # then
    assert level.value.code == "mismatch"
    assert gone.value.code == "mismatch"
