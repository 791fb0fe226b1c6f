"""The demo's constructed petitions on the test world: answered, overdue and
rejected ones across 2021-2026, supervision activities, all marked sample,
loaded once."""

import pytest

from vandong.demo.petitions import load_demo_petitions
from vandong.petitions.models import Petition, Recommendation, Status, Supervision
from vandong.petitions.queries import petition_overdue_list

pytestmark = pytest.mark.django_db


def test_demo_petitions_tell_every_story_and_load_once(world):
    # when
    messages: list[str] = []
    load_demo_petitions(messages.append)
    count = Petition.objects.count()
    load_demo_petitions(messages.append)

    # then
    assert Petition.objects.count() == count > 100
    assert not Petition.objects.filter(is_sample=False).exists()
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert {
        Status.CLOSED,
        Status.ANSWERED,
        Status.REJECTED,
        Status.ASSIGNED,
    } <= statuses
    assert petition_overdue_list(actor=world.admin).exists()
    years = {d.year for d in Petition.objects.values_list("received_on", flat=True)}
    assert years == set(range(2021, max(years) + 1))
    assert Supervision.objects.filter(is_sample=True).count() >= 4
    assert Recommendation.objects.filter(status=Status.CLOSED).exists()
    assert "bỏ qua" in messages[-1]
