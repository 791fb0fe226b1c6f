"""Supervision and social criticism: recommendations follow the petitions'
workflow (the same code), overdue counted, scope checked."""

import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

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


def test_supervision_edit_page_corrects_an_activity_with_audit(world, client):
    # given an activity of the officer's ward
    supervision = make_supervision(world.xa, world.doan_ket)
    url = f"/petitions/supervision/{supervision.pk}/edit/"
    client.force_login(world.xa)
    page = client.get(f"/petitions/supervision/{supervision.pk}/").content.decode()
    assert url in page
    assert client.get(url).status_code == 200

    # when the officer corrects it into social criticism with new findings
    response = client.post(
        url,
        {
            "kind": "criticism",
            "subject": "Góp ý dự thảo chính sách hỗ trợ nhà ở",
            "participants": "Ban Thường trực MTTQ phường",
            "findings": "Dự thảo chưa nêu nguồn kinh phí.",
        },
    )

    # then it is changed, its unit, day and recommendations kept, and audited
    assert response.status_code == 302
    saved = type(supervision).objects.get(pk=supervision.pk)
    assert (saved.kind, saved.findings) == (
        "criticism",
        "Dự thảo chưa nêu nguồn kinh phí.",
    )
    assert (saved.unit_id, saved.held_on) == (world.doan_ket.pk, HELD)
    assert saved.recommendations.count() == 2
    entry = AuditEntry.objects.get(
        entity="petitions.supervision", entity_id=str(supervision.pk), action="update"
    )
    assert entry.actor_id == world.xa.pk
    assert (entry.old or {})["kind"] == "supervision"
    assert (entry.new or {})["kind"] == "criticism"

    # and an empty subject comes back on the form, nothing saved
    response = client.post(url, {"kind": "supervision", "subject": " "})
    assert response.status_code == 200
    assert type(supervision).objects.get(pk=supervision.pk).kind == "criticism"


def test_supervision_edit_is_refused_outside_the_scope(world):
    supervision = make_supervision(world.xa, world.village_1)
    for actor in (world.ngoai, world.thon):
        with pytest.raises(DomainError) as caught:
            services.supervision_update(
                actor=actor, supervision=supervision, subject="Khác"
            )
        assert caught.value.status == 403
    with pytest.raises(DomainError) as caught:
        services.supervision_update(
            actor=world.xa, supervision=supervision, held_on=HELD
        )
    assert caught.value.field == "held_on"


def test_supervision_edit_page_refusals(world, client):
    supervision = make_supervision(world.xa, world.village_1)
    url = f"/petitions/supervision/{supervision.pk}/edit/"
    data = {"kind": "criticism", "subject": "Khác"}
    client.force_login(world.thon)  # reads the village's activities
    assert client.get(f"/petitions/supervision/{supervision.pk}/").status_code == 200
    assert client.post(url, data).status_code == 403
    client.force_login(world.ngoai)
    assert client.post(url, data).status_code == 404
    assert type(supervision).objects.get(pk=supervision.pk).kind == "supervision"


def test_supervision_export_has_a_row_per_recommendation(world, client, monkeypatch):
    # given an activity with one overdue recommendation, and one without any
    supervision = make_supervision(world.xa, world.doan_ket)
    first = supervision.recommendations.order_by("id")[0]
    services.recommendation_step(
        actor=world.xa,
        recommendation=first,
        step="assign",
        body="UBND phường Đoàn Kết",
        deadline=HELD + datetime.timedelta(days=10),
        on=HELD + datetime.timedelta(days=1),
    )
    make_supervision(
        world.xa, world.doan_ket, kind="criticism", subject="Góp ý", recommendations=[]
    )
    monkeypatch.setattr(
        timezone, "localdate", lambda *a, **k: HELD + datetime.timedelta(days=40)
    )
    client.force_login(world.xa)

    # when
    response = client.get("/petitions/supervision/export.xlsx")

    # then
    assert response.status_code == 200
    assert "giam-sat-phan-bien-" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    texts = [row[7] for row in rows]
    assert "Rà soát danh sách hộ nghèo" in texts
    assert None in texts or "" in texts  # the activity without a recommendation
    late = next(row for row in rows if row[7] == "Rà soát danh sách hộ nghèo")
    assert late[9] in ("Có", "Yes")
    assert late[10] == "UBND phường Đoàn Kết"
    # the kind filter applies
    only = client.get("/petitions/supervision/export.xlsx?kind=criticism")
    sheet = load_workbook(io.BytesIO(only.content)).worksheets[0]
    assert sheet.max_row == 2
    # an officer elsewhere exports nothing of the ward
    client.force_login(world.ngoai)
    other = client.get("/petitions/supervision/export.xlsx")
    assert load_workbook(io.BytesIO(other.content)).worksheets[0].max_row == 1
