"""The follow-up workflow through the petition services: every legal step,
refused ones, overdue, history and audit."""

import datetime

import pytest
from django.utils import timezone

from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.petitions import services
from vandong.petitions.models import Petition, Status, Step
from vandong.petitions.queries import PetitionFilter, petition_list
from vandong.petitions.tests.factories import DAY, answered, assigned, make_petition
from vandong.petitions.workflow import allowed_steps, is_overdue

pytestmark = pytest.mark.django_db


def test_received_assigned_answered_closed(world):
    # given
    petition = make_petition(world.xa, world.doan_ket)
    assert petition.status == Status.RECEIVED

    # when
    assigned(world.xa, petition)
    answered(world.xa, petition)
    services.petition_close(
        actor=world.xa,
        petition=petition,
        satisfaction="partly",
        on=DAY + datetime.timedelta(days=25),
    )

    # then
    stored = Petition.objects.get(pk=petition.pk)
    assert stored.status == Status.CLOSED
    assert stored.body == "UBND phường Đoàn Kết"
    assert stored.answered_by == "UBND phường Đoàn Kết"  # defaults to the body
    assert stored.satisfaction == "partly"
    assert stored.closed_on == DAY + datetime.timedelta(days=25)
    steps = list(
        Step.objects.filter(petition=stored).values_list("from_status", "to_status")
    )
    assert steps == [
        ("", "received"),
        ("received", "assigned"),
        ("assigned", "answered"),
        ("answered", "closed"),
    ]


def test_every_step_is_audited_in_the_same_transaction(world):
    # given
    petition = make_petition(world.xa, world.doan_ket)

    # when
    assigned(world.xa, petition)
    services.petition_reject(actor=world.xa, petition=petition, reason="Trùng lặp")

    # then
    entries = list(
        AuditEntry.objects.filter(
            entity="petitions.petition", entity_id=str(petition.pk)
        ).order_by("id")
    )
    assert [(e.action, e.note) for e in entries] == [
        ("create", ""),
        ("update", "assign"),
        ("update", "reject"),
    ]
    created, assign, reject = (e.new or {} for e in entries)
    assert entries[0].actor_id == world.xa.pk
    assert (entries[1].old or {})["status"] == "received"
    assert assign["status"] == "assigned"
    assert reject["reject_reason"] == "Trùng lặp"
    # the audit notes that a contact was given, not the contact itself
    assert created["contact_given"] is True
    assert "Lò Văn Bình" not in str(created)


def test_reject_from_received_and_from_assigned(world):
    first = make_petition(world.xa, world.doan_ket)
    second = make_petition(world.xa, world.doan_ket)
    assigned(world.xa, second)

    services.petition_reject(
        actor=world.xa, petition=first, reason="Không thuộc thẩm quyền"
    )
    services.petition_reject(actor=world.xa, petition=second, reason="Đã giải quyết")

    assert Petition.objects.get(pk=first.pk).status == Status.REJECTED
    assert Petition.objects.get(pk=second.pk).status == Status.REJECTED
    assert allowed_steps(Status.REJECTED) == []


def test_closing_an_unanswered_petition_is_refused_in_both_languages(world):
    # given
    petition = make_petition(world.xa, world.doan_ket)
    assigned(world.xa, petition)

    # when
    with pytest.raises(DomainError) as caught:
        services.petition_close(
            actor=world.xa, petition=petition, satisfaction="satisfied"
        )

    # then
    assert caught.value.code == "illegal_transition"
    assert caught.value.message_vi == (
        "Chưa thể kết thúc kiến nghị chưa được trả lời (đang ở trạng thái "
        "“đã chuyển xử lý”): hãy ghi câu trả lời trước."
    )
    assert caught.value.message_en == (
        "A petition cannot be closed before it is answered (it is “assigned”): "
        "record the answer first."
    )
    assert Petition.objects.get(pk=petition.pk).status == Status.ASSIGNED
    assert not Step.objects.filter(petition=petition, to_status="closed").exists()


@pytest.mark.parametrize(
    ("status_steps", "step"),
    [
        ([], "answer"),
        (["assign", "answer"], "reject"),
        (["assign", "answer"], "assign"),
        (["reject"], "assign"),
    ],
)
def test_illegal_steps_are_refused(world, status_steps, step):
    petition = make_petition(world.xa, world.doan_ket)
    for taken in status_steps:
        if taken == "assign":
            assigned(world.xa, petition)
        elif taken == "answer":
            answered(world.xa, petition)
        else:
            services.petition_reject(actor=world.xa, petition=petition, reason="x")
    before = Petition.objects.get(pk=petition.pk).status

    with pytest.raises(DomainError) as caught:
        services.petition_step(
            actor=world.xa,
            petition=petition,
            step=step,
            body="UBND",
            deadline=DAY + datetime.timedelta(days=60),
            answer="Trả lời",
            reason="Lý do",
        )

    assert caught.value.code == "illegal_transition"
    assert caught.value.message_vi
    assert caught.value.message_en
    assert Petition.objects.get(pk=petition.pk).status == before


def test_assigning_again_changes_body_and_deadline(world):
    petition = make_petition(world.xa, world.doan_ket)
    assigned(world.xa, petition)
    assigned(
        world.xa,
        petition,
        body="Phòng Tài nguyên",
        deadline=DAY + datetime.timedelta(days=90),
    )
    stored = Petition.objects.get(pk=petition.pk)
    assert (stored.status, stored.body) == (Status.ASSIGNED, "Phòng Tài nguyên")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"body": "  "}, "body"),
        ({"deadline": DAY}, "deadline"),  # before the day assigned
        ({"on": DAY - datetime.timedelta(days=1)}, "on"),  # before received
    ],
)
def test_assign_checks_its_fields(world, fields, field):
    petition = make_petition(world.xa, world.doan_ket)
    with pytest.raises(DomainError) as caught:
        assigned(world.xa, petition, **fields)
    assert (caught.value.code, caught.value.field) == ("invalid", field)


def test_a_deadline_passing_makes_it_overdue(world, monkeypatch):
    # given a petition assigned with a deadline
    petition = make_petition(world.xa, world.doan_ket)
    assigned(world.xa, petition, deadline=DAY + datetime.timedelta(days=10))
    deadline = DAY + datetime.timedelta(days=10)

    def on(day):
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
        return list(petition_list(actor=world.xa, filters=PetitionFilter(overdue=True)))

    # then not overdue on the deadline itself, overdue the day after
    assert on(deadline) == []
    late = on(deadline + datetime.timedelta(days=1))
    assert [p.pk for p in late] == [petition.pk]
    assert late[0].overdue is True
    assert is_overdue(late[0], deadline + datetime.timedelta(days=1)) is True

    # and an answer ends it
    answered(world.xa, petition, on=deadline + datetime.timedelta(days=1))
    assert on(deadline + datetime.timedelta(days=5)) == []


def test_created_with_an_unguessable_unique_tracking_code(world):
    codes = {make_petition(world.xa, world.doan_ket).tracking_code for _ in range(30)}
    assert len(codes) == 30
    for code in codes:
        assert len(code) == 12
        assert set(code) <= set("23456789ABCDEFGHJKMNPQRSTUVWXYZ")


def test_create_refuses_a_future_day_and_a_bad_phone(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(DomainError) as caught:
        make_petition(world.xa, world.doan_ket, received_on=tomorrow)
    assert caught.value.field == "received_on"
    with pytest.raises(DomainError) as caught:
        make_petition(world.xa, world.doan_ket, contact_phone="gọi tôi")
    assert caught.value.field == "contact_phone"


def test_update_corrects_an_open_petition_only(world):
    petition = make_petition(world.xa, world.doan_ket)
    services.petition_update(actor=world.xa, petition=petition, topic="land")
    assert Petition.objects.get(pk=petition.pk).topic == "land"
    assigned(world.xa, petition)
    answered(world.xa, petition)
    with pytest.raises(DomainError) as caught:
        services.petition_update(actor=world.xa, petition=petition, topic="other")
    assert caught.value.code == "illegal_transition"
