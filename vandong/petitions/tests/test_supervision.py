"""Supervision and social criticism: recommendations follow the petitions'
workflow (the same code), overdue counted, scope checked."""

import datetime

import pytest
from django.utils import timezone

from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.petitions import queries, services
from vandong.petitions.models import Recommendation, Status, Step

pytestmark = pytest.mark.django_db

HELD = datetime.date(2025, 8, 15)


def make_supervision(actor, unit, **fields):
    values = {
        "kind": "supervision",
        "subject": "Giám sát việc thực hiện chính sách hỗ trợ nhà ở",
        "held_on": HELD,
        "participants": "Ban Thường trực MTTQ phường; đại diện các đoàn thể",
        "findings": "Một số hộ chưa được hỗ trợ đúng hạn.",
        "recommendations": ["Rà soát danh sách hộ nghèo", "Công khai kinh phí hỗ trợ"],
        **fields,
    }
    return services.supervision_create(actor=actor, unit=unit, **values)


def test_recommendations_follow_the_same_workflow(world):
    # given
    supervision = make_supervision(world.xa, world.doan_ket)
    first, second = supervision.recommendations.order_by("id")

    # when
    services.recommendation_step(
        actor=world.xa,
        recommendation=first,
        step="assign",
        body="UBND phường",
        deadline=HELD + datetime.timedelta(days=30),
        on=HELD,
    )
    services.recommendation_step(
        actor=world.xa,
        recommendation=first,
        step="answer",
        answer="Đã rà soát",
        on=HELD + datetime.timedelta(days=10),
    )
    services.recommendation_step(
        actor=world.xa,
        recommendation=first,
        step="close",
        outcome="yes",
        on=HELD + datetime.timedelta(days=11),
    )

    # then
    first = Recommendation.objects.get(pk=first.pk)
    assert (first.status, first.carried_out) == (Status.CLOSED, "yes")
    assert Step.objects.filter(recommendation=first).count() == 4
    assert (
        AuditEntry.objects.filter(
            entity="petitions.recommendation", entity_id=str(first.pk)
        ).count()
        == 4
    )
    # and closing the unanswered one is refused, in both languages
    with pytest.raises(DomainError) as caught:
        services.recommendation_step(
            actor=world.xa, recommendation=second, step="close", outcome="yes"
        )
    assert caught.value.code == "illegal_transition"
    assert "kiến nghị sau giám sát" in caught.value.message_vi
    assert "recommendation" in caught.value.message_en


def test_overdue_recommendations_are_counted(world, monkeypatch):
    supervision = make_supervision(world.xa, world.doan_ket, kind="criticism")
    first = supervision.recommendations.order_by("id").first()
    services.recommendation_step(
        actor=world.xa,
        recommendation=first,
        step="assign",
        body="UBND",
        deadline=HELD + datetime.timedelta(days=5),
        on=HELD,
    )
    monkeypatch.setattr(
        timezone, "localdate", lambda *a, **k: HELD + datetime.timedelta(days=6)
    )
    listed = vars(queries.supervision_list(actor=world.tinh).get())
    counts = [
        listed[k] for k in ("recommendation_count", "overdue_count", "open_count")
    ]
    assert counts == [2, 1, 2]
    total = queries.summary(actor=world.tinh)[-1]
    assert total.recommendations.received == 2
    assert total.recommendations.overdue == 1


def test_supervision_scope(world):
    with pytest.raises(DomainError) as caught:
        make_supervision(world.ngoai, world.doan_ket)
    assert caught.value.code == "out_of_scope"
    supervision = make_supervision(world.xa, world.doan_ket)
    with pytest.raises(DomainError):
        queries.supervision_get(actor=world.ngoai, pk=supervision.pk)
    with pytest.raises(DomainError):
        services.recommendation_step(
            actor=world.thon,
            recommendation=supervision.recommendations.first(),
            step="reject",
            reason="x",
        )


def test_supervision_pages(world, client):
    client.force_login(world.xa)
    response = client.post(
        "/petitions/supervision/new/",
        {
            "kind": "criticism",
            "subject": "Góp ý dự thảo quy hoạch",
            "unit": world.doan_ket.pk,
            "held_on": "2025-08-20",
            "participants": "",
            "findings": "",
            "recommendations": "Bổ sung đất cây xanh\n\nLấy ý kiến nhân dân",
        },
    )
    assert response.status_code == 302
    supervision = queries.supervision_list(actor=world.xa).get()
    assert supervision.recommendations.count() == 2
    page = client.get(f"/petitions/supervision/{supervision.pk}/").content.decode()
    assert "Bổ sung đất cây xanh" in page
    recommendation = Recommendation.objects.order_by("id")[0]
    response = client.post(
        f"/petitions/recommendations/{recommendation.pk}/reject/",
        {"reject-reason": "Không phù hợp", "reject-on": "2025-08-21"},
    )
    assert response.status_code == 302
    assert Recommendation.objects.get(pk=recommendation.pk).status == Status.REJECTED
