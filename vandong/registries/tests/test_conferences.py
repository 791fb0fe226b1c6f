"""Dialogue conferences: commitments followed up, scope, audit, sync."""

import datetime

import pytest

from vandong.collect.models import DataValue
from vandong.collect.tests.factories import make_element, make_period
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.registries.conferences import queries
from vandong.registries.conferences.services import (
    CommitmentIn,
    ConferenceIn,
    commitment_add,
    commitment_update,
    conference_create,
    conference_update,
)
from vandong.registries.conferences.sync import conferences_sync
from vandong.registries.models import CommitmentStatus, Conference

D = datetime.date


def conference_in(unit, day=None, **fields):
    return ConferenceIn(
        unit=unit,
        held_on=day or D(2025, 9, 10),
        chair_role=fields.pop("chair_role", "party"),
        chair_name="Nguyễn Văn Bình",
        chair_title="Bí thư Đảng ủy phường",
        participants_count=fields.pop("participants_count", 120),
        participants="Cán bộ, đảng viên và Nhân dân",
        issues="Đường giao thông; nước sinh hoạt",
        **fields,
    )


def test_commitments_are_followed_up(world):
    # given
    conference = conference_create(
        actor=world.xa,
        data=conference_in(world.doan_ket),
        commitments=[
            CommitmentIn(text="Sửa đường bản", due_on=D(2025, 12, 31)),
            CommitmentIn(text="Lắp đèn đường", due_on=D(2026, 6, 30)),
        ],
    )
    first, second = conference.commitments.order_by("id")

    # when
    commitment_update(
        actor=world.xa,
        commitment=first,
        data=CommitmentIn(
            text="Sửa đường bản",
            due_on=D(2025, 12, 31),
            status=CommitmentStatus.DONE,
            status_note="Đã hoàn thành",
        ),
    )
    commitment_update(
        actor=world.xa,
        commitment=second,
        data=CommitmentIn(
            text="Lắp đèn đường",
            due_on=D(2026, 6, 30),
            status=CommitmentStatus.IN_PROGRESS,
        ),
    )
    commitment_add(
        actor=world.xa, conference=conference, data=CommitmentIn(text="Hỗ trợ giống")
    )

    # then
    summary = queries.follow_up(
        conferences=queries.conference_list(actor=world.xa), day=D(2026, 7, 1)
    )
    assert summary.by_status == {"done": 1, "in_progress": 1, "pending": 1}
    assert summary.overdue == 1  # in progress past 30/6/2026
    assert queries.conference_list(actor=world.xa, status="done").count() == 1


def test_an_unknown_follow_up_status_is_refused(world):
    conference = conference_create(actor=world.xa, data=conference_in(world.doan_ket))
    with pytest.raises(DomainError) as caught:
        commitment_add(
            actor=world.xa,
            conference=conference,
            data=CommitmentIn(text="X", status="forgotten"),
        )
    assert caught.value.field == "status"
    assert caught.value.message_en == "“forgotten” is not a follow-up status."


def test_the_chair_must_head_the_party_committee_or_government(world):
    with pytest.raises(DomainError) as caught:
        conference_create(
            actor=world.xa, data=conference_in(world.doan_ket, chair_role="deputy")
        )
    assert caught.value.field == "chair_role"


def test_a_conference_in_the_future_is_refused(world):
    with pytest.raises(DomainError) as caught:
        conference_create(
            actor=world.xa, data=conference_in(world.doan_ket, D(2999, 1, 1))
        )
    assert caught.value.field == "held_on"


def test_scope_refusals(world):
    with pytest.raises(DomainError) as caught:
        conference_create(actor=world.ngoai, data=conference_in(world.doan_ket))
    assert caught.value.code == "out_of_scope"
    conference = conference_create(actor=world.tinh, data=conference_in(world.doan_ket))
    with pytest.raises(DomainError) as caught:
        commitment_add(
            actor=world.ngoai, conference=conference, data=CommitmentIn(text="X")
        )
    assert caught.value.code == "out_of_scope"
    with pytest.raises(DomainError):
        queries.conference_get(actor=world.ngoai, pk=conference.pk)


def test_every_change_is_audited(world):
    # given
    conference = conference_create(
        actor=world.xa,
        data=conference_in(world.doan_ket),
        commitments=[CommitmentIn(text="Sửa đường")],
    )
    commitment = conference.commitments.get()

    # when
    conference_update(
        actor=world.xa,
        conference=conference,
        data=conference_in(world.doan_ket, participants_count=150),
    )
    commitment_update(
        actor=world.xa,
        commitment=commitment,
        data=CommitmentIn(text="Sửa đường", status=CommitmentStatus.NOT_DONE),
    )

    # then
    rows = [
        (e.entity, e.action)
        for e in AuditEntry.objects.filter(entity__startswith="registries.co").order_by(
            "id"
        )
    ]
    assert rows == [
        ("registries.conference", "create"),
        ("registries.commitment", "create"),
        ("registries.conference", "update"),
        ("registries.commitment", "update"),
    ]
    last = AuditEntry.objects.filter(entity="registries.commitment").first()
    assert last is not None
    assert (last.old or {})["status"] == "pending"
    assert (last.new or {})["status"] == "not_done"


@pytest.fixture
def element(db):
    make_element("DIALOGUE_CONFERENCES")
    for year in range(2016, 2027):
        make_period(str(year))


def stored():
    return {
        (dv.unit.code, dv.period.code): dv.value
        for dv in DataValue.objects.filter(
            data_element__code="DIALOGUE_CONFERENCES"
        ).select_related("unit", "period")
    }


def test_the_sync_counts_conferences_per_commune_and_year(
    world, element, django_capture_on_commit_callbacks
):
    # given: two in Đoàn Kết (one on a village), one on the legacy ward in 2020
    with django_capture_on_commit_callbacks(execute=True):
        conference_create(actor=world.xa, data=conference_in(world.doan_ket))
        conference_create(
            actor=world.xa, data=conference_in(world.village_1, D(2025, 10, 1))
        )
        conference_create(
            actor=world.tinh, data=conference_in(world.legacy_quyet_tien, D(2020, 5, 5))
        )

    # then
    assert stored() == {("03388", "2025"): 2, ("03388", "2020"): 1}
    assert DataValue.objects.get(period__code="2020").unit == world.legacy_quyet_tien


def test_moving_a_conference_to_another_year_recounts_both(
    world, element, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        conference = conference_create(
            actor=world.xa, data=conference_in(world.doan_ket)
        )
    with django_capture_on_commit_callbacks(execute=True):
        conference_update(
            actor=world.xa,
            conference=conference,
            data=conference_in(world.doan_ket, D(2026, 3, 1)),
        )
    assert stored() == {("03388", "2025"): 0, ("03388", "2026"): 1}


def test_a_commune_without_conferences_is_left_alone(world, element):
    assert conferences_sync([world.tan_phong.pk], [2025]) == 0
    assert Conference.objects.count() == 0
    assert stored() == {}
