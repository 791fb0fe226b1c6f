"""Reads of petitions, supervision activities and recommendations, scoped by
construction: every list and lookup takes the actor and returns only what
its VIEW scope covers; personal data and attachments need HANDLE_PETITIONS
on the petition's unit (`may_handle`)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from vandong.accounts.permissions import Action
from vandong.accounts.queries import (
    Actor,
    can,
    can_anywhere,
    roles_for,
    scope_q,
    scope_units,
)
from vandong.core.errors import DomainError
from vandong.geo.models import Level, Unit
from vandong.petitions.errors import PetitionsErrorCode
from vandong.petitions.models import (
    Attachment,
    Petition,
    Recommendation,
    Status,
    Step,
    Supervision,
)
from vandong.petitions.workflow import overdue_q


def today() -> datetime.date:
    return timezone.localdate()


def may_handle(*, actor: Actor, unit: Unit) -> bool:
    """Whether the actor handles petitions on `unit`: sees the citizen's
    contact and attachments, and may take workflow steps."""
    return can(actor=actor, action=Action.HANDLE_PETITIONS, unit=unit)


def can_record(*, actor: Actor) -> bool:
    """Whether the actor handles petitions anywhere (menus, buttons)."""
    return can_anywhere(actor=actor, action=Action.HANDLE_PETITIONS)


def _not_found(what_vi: str, what_en: str) -> DomainError:
    return DomainError(
        PetitionsErrorCode.NOT_FOUND,
        f"Không tìm thấy {what_vi} trong phạm vi của bạn.",
        f"No such {what_en} in your scope.",
    )


@dataclass
class PetitionFilter:
    root: Unit | None = None
    status: str = ""
    topic: str = ""
    channel: str = ""
    overdue: bool = False
    year: int | None = None
    sample: bool | None = None


def _with_overdue(qs: QuerySet[Petition], day: datetime.date) -> QuerySet[Petition]:
    return qs.annotate(
        overdue=Case(
            When(overdue_q(day), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def petition_list(
    *, actor: Actor, filters: PetitionFilter | None = None
) -> QuerySet[Petition]:
    """Petitions on units in the actor's VIEW scope, newest first, each with
    `overdue` annotated (relative to today)."""
    filters = filters or PetitionFilter()
    qs = Petition.objects.filter(scope_q(actor=actor, prefix="unit__"))
    if filters.root is not None:
        qs = qs.filter(unit__path__startswith=filters.root.path)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.topic:
        qs = qs.filter(topic=filters.topic)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.year is not None:
        qs = qs.filter(received_on__year=filters.year)
    if filters.sample is not None:
        qs = qs.filter(is_sample=filters.sample)
    day = today()
    if filters.overdue:
        qs = qs.filter(overdue_q(day))
    return _with_overdue(qs, day).select_related("unit").order_by("-received_on", "-id")


def petition_overdue_list(*, actor: Actor) -> QuerySet[Petition]:
    return petition_list(actor=actor, filters=PetitionFilter(overdue=True))


def petition_get(*, actor: Actor, pk: int) -> Petition:
    """One petition in the actor's VIEW scope, with its history and attachments."""
    found = (
        petition_list(actor=actor)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("steps", queryset=Step.objects.select_related("actor")),
            "attachments",
        )
        .first()
    )
    if found is None:
        raise _not_found("kiến nghị", "petition")
    return found


def petition_track(*, code: str) -> Petition | None:
    """The petition with this public tracking code (no scope: the code is the key)."""
    code = (code or "").strip().upper()
    if not code or len(code) > 16:
        return None
    return Petition.objects.filter(tracking_code=code).first()


def attachment_get(*, actor: Actor, pk: int) -> Attachment:
    """An attachment, for an officer handling petitions on its petition's unit only."""
    found = Attachment.objects.select_related("petition__unit").filter(pk=pk).first()
    if found is None or not may_handle(actor=actor, unit=found.petition.unit):
        raise _not_found("tệp đính kèm", "attachment")
    return found


def supervision_list(
    *,
    actor: Actor,
    root: Unit | None = None,
    kind: str = "",
    year: int | None = None,
) -> QuerySet[Supervision]:
    qs = Supervision.objects.filter(scope_q(actor=actor, prefix="unit__"))
    if root is not None:
        qs = qs.filter(unit__path__startswith=root.path)
    if kind:
        qs = qs.filter(kind=kind)
    if year is not None:
        qs = qs.filter(held_on__year=year)
    day = today()
    return (
        qs.select_related("unit")
        .annotate(
            recommendation_count=Count("recommendations", distinct=True),
            overdue_count=Count(
                "recommendations",
                filter=overdue_q(day, prefix="recommendations__"),
                distinct=True,
            ),
            open_count=Count(
                "recommendations",
                filter=Q(
                    recommendations__status__in=[Status.RECEIVED, Status.ASSIGNED]
                ),
                distinct=True,
            ),
        )
        .order_by("-held_on", "-id")
    )


def supervision_get(*, actor: Actor, pk: int) -> Supervision:
    found = (
        Supervision.objects.filter(scope_q(actor=actor, prefix="unit__"), pk=pk)
        .select_related("unit")
        .prefetch_related(
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.order_by("id").prefetch_related(
                    Prefetch("steps", queryset=Step.objects.select_related("actor"))
                ),
            )
        )
        .first()
    )
    if found is None:
        raise _not_found("hoạt động giám sát", "supervision activity")
    return found


def recommendation_get(*, actor: Actor, pk: int) -> Recommendation:
    found = (
        Recommendation.objects.filter(
            scope_q(actor=actor, prefix="supervision__unit__"), pk=pk
        )
        .select_related("supervision__unit")
        .first()
    )
    if found is None:
        raise _not_found("kiến nghị sau giám sát", "recommendation")
    return found


def unit_choices(
    *, actor: Actor, action: str = Action.VIEW, on: datetime.date | None = None
) -> list[Unit]:
    """Units valid on `on` (today) the actor may act on, in tree order."""
    day = on or today()
    units = scope_units(actor=actor, action=action).valid_on(day)
    return sorted(units, key=lambda u: u.path)


def filter_roots(*, actor: Actor, on: datetime.date | None = None) -> list[Unit]:
    """Units a list may be narrowed to: province, district and commune levels."""
    return [
        u
        for u in unit_choices(actor=actor, on=on)
        if u.level in (Level.PROVINCE, Level.DISTRICT, Level.COMMUNE)
    ]


# --- the summary -----------------------------------------------------------------


@dataclass
class Counts:
    received: int = 0
    in_progress: int = 0  # received or assigned, not overdue
    overdue: int = 0
    answered: int = 0  # answered or closed
    rejected: int = 0

    def add(self, status: str, overdue: bool, count: int) -> None:
        self.received += count
        if overdue:
            self.overdue += count
        elif status in (Status.RECEIVED, Status.ASSIGNED):
            self.in_progress += count
        elif status in (Status.ANSWERED, Status.CLOSED):
            self.answered += count
        elif status == Status.REJECTED:
            self.rejected += count


def late_case(day: datetime.date) -> Case:
    """Whether a petition or recommendation is overdue on `day`, as a
    column to group by."""
    return Case(
        When(overdue_q(day), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


@dataclass
class SummaryRow:
    unit: Unit | None  # None: the total
    petitions: Counts = field(default_factory=Counts)
    recommendations: Counts = field(default_factory=Counts)


def _row_units(actor: Actor, root: Unit | None) -> list[Unit]:
    """The units the summary has one row for: the root's children, else the
    top units of the actor's scope (provinces for an administrator or the
    system, `actor` None)."""
    if root is not None:
        return list(Unit.objects.filter(parent=root).order_by("name", "valid_from"))
    held = [a.unit for a in roles_for(actor=actor) if a.unit is not None]
    if held and not getattr(actor, "is_superuser", False):
        return sorted({u.pk: u for u in held}.values(), key=lambda u: u.name)
    return list(
        Unit.objects.filter(level=Level.PROVINCE).order_by("name", "valid_from")
    )


def _grouped(
    rows: Iterable[dict[str, object]],
) -> list[tuple[str, str, bool, int]]:
    return [
        (str(r["path"]), str(r["status"]), bool(r["late"]), int(str(r["n"])))
        for r in rows
    ]


def summary(
    *, actor: Actor, root: Unit | None = None, year: int | None = None
) -> list[SummaryRow]:
    """Petitions and supervision recommendations received, in progress,
    overdue (now), answered and rejected, per unit under `root` (or per top
    unit of the scope), in `year` (all years when None); the last row is the
    total. `actor` None is the system (everything: the reports, the command
    line). Four grouped queries whatever the number of units."""
    late = late_case(today())
    petitions = Petition.objects.all()
    recommendations = Recommendation.objects.all()
    if actor is not None:
        petitions = petitions.filter(scope_q(actor=actor, prefix="unit__"))
        recommendations = recommendations.filter(
            scope_q(actor=actor, prefix="supervision__unit__")
        )
    if root is not None:
        petitions = petitions.filter(unit__path__startswith=root.path)
        recommendations = recommendations.filter(
            supervision__unit__path__startswith=root.path
        )
    if year is not None:
        petitions = petitions.filter(received_on__year=year)
        recommendations = recommendations.filter(supervision__held_on__year=year)
    petition_groups = _grouped(
        petitions.annotate(late=late)
        .order_by()
        .values("status", "late", path=F("unit__path"))
        .annotate(n=Count("id"))
    )
    recommendation_groups = _grouped(
        recommendations.annotate(late=late)
        .order_by()
        .values("status", "late", path=F("supervision__unit__path"))
        .annotate(n=Count("id"))
    )
    units = _row_units(actor, root)
    result = [SummaryRow(unit=u) for u in units]
    total = SummaryRow(unit=None)
    for groups, attr in (
        (petition_groups, "petitions"),
        (recommendation_groups, "recommendations"),
    ):
        for path, status, is_late, n in groups:
            getattr(total, attr).add(status, is_late, n)
            for row in result:
                if row.unit is not None and path.startswith(row.unit.path):
                    getattr(row, attr).add(status, is_late, n)
                    break
    shown = [r for r in result if r.petitions.received or r.recommendations.received]
    return [*shown, total]
