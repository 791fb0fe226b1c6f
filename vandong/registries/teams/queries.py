"""Reads of the models-and-teams registry, scoped by the caller's VIEW rights."""

from django.db.models import Q, QuerySet, Sum

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, scope_q
from vandong.geo.models import Unit
from vandong.registries.common.errors import not_found
from vandong.registries.models import ModelTeam
from vandong.registries.models.teams import CATEGORY_OF_KIND


def model_team_list(
    *,
    actor: Actor,
    within: Unit | None = None,
    kind: str = "",
    category: str = "",
    active_in: int | None = None,
    text: str = "",
) -> QuerySet[ModelTeam]:
    """Records in the actor's scope (None: the system, all). `active_in`:
    those counted at the end of that year."""
    qs = ModelTeam.objects.all()
    if actor is not None:
        qs = qs.filter(scope_q(actor=actor, action=Action.VIEW, prefix="unit__"))
    if within is not None:
        qs = qs.filter(unit__path__startswith=within.path)
    if kind:
        qs = qs.filter(kind=kind)
    if category:
        qs = qs.filter(
            kind__in=[k for k, c in CATEGORY_OF_KIND.items() if c == category]
        )
    if active_in is not None:
        qs = qs.active_at_end_of(active_in)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(note__icontains=text))
    return qs.select_related("unit", "unit__parent")


def model_team_get(*, actor: Actor, pk: int) -> ModelTeam:
    record = model_team_list(actor=actor).filter(pk=pk).first()
    if record is None:
        raise not_found("mô hình, tổ đội", "model or team", pk)
    return record


def count_total(qs: QuerySet[ModelTeam]) -> int:
    """The models a list stands for (`count` summed)."""
    return int(qs.aggregate(n=Sum("count"))["n"] or 0)
