"""Reads of the dialogue-conference registry, scoped by VIEW rights."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, scope_q
from vandong.geo.models import Unit
from vandong.registries.common.errors import not_found
from vandong.registries.models import Commitment, Conference
from vandong.registries.models.conferences import CLOSED_STATUSES


def conference_list(
    *,
    actor: Actor,
    within: Unit | None = None,
    year: int | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    chair_role: str = "",
    text: str = "",
    status: str = "",
) -> QuerySet[Conference]:
    """Conferences in scope, newest first, with their commitments. `status`:
    conferences holding a commitment in that follow-up status."""
    qs = Conference.objects.all()
    if actor is not None:
        qs = qs.filter(scope_q(actor=actor, action=Action.VIEW, prefix="unit__"))
    if within is not None:
        qs = qs.filter(unit__path__startswith=within.path)
    if year is not None:
        qs = qs.filter(held_on__year=year)
    if start is not None:
        qs = qs.filter(held_on__gte=start)
    if end is not None:
        qs = qs.filter(held_on__lte=end)
    if chair_role:
        qs = qs.filter(chair_role=chair_role)
    if text:
        qs = qs.filter(
            Q(issues__icontains=text)
            | Q(chair_name__icontains=text)
            | Q(participants__icontains=text)
        )
    if status:
        qs = qs.filter(
            pk__in=Commitment.objects.filter(status=status).values("conference_id")
        )
    return qs.select_related("unit", "unit__parent").prefetch_related(
        Prefetch("commitments", queryset=Commitment.objects.order_by("id"))
    )


def conference_get(*, actor: Actor, pk: int) -> Conference:
    conference = conference_list(actor=actor).filter(pk=pk).first()
    if conference is None:
        raise not_found("hội nghị đối thoại", "dialogue conference", pk)
    return conference


def commitment_get(*, actor: Actor, conference: Conference, pk: int) -> Commitment:
    commitment = Commitment.objects.filter(conference=conference, pk=pk).first()
    if commitment is None:
        raise not_found("cam kết", "commitment", pk)
    commitment.conference = conference
    return commitment


@dataclass
class FollowUp:
    by_status: dict[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def follow_up(*, conferences: QuerySet[Conference], day: datetime.date) -> FollowUp:
    """Commitments of `conferences` by status, and those past their due date
    and not closed on `day`."""
    commitments = Commitment.objects.filter(conference__in=conferences.values("pk"))
    by_status = dict(
        commitments.order_by()
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    overdue = (
        commitments.filter(due_on__lt=day).exclude(status__in=CLOSED_STATUSES).count()
    )
    return FollowUp(
        by_status={str(k): int(v) for k, v in by_status.items()}, overdue=overdue
    )
