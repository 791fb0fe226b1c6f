"""Reads of the unit trees and their lineage.

Units are reference data: every authenticated user (and the public portal) may
read all of them, so these queries take no actor. A code names a unit only
together with a day, so every lookup by code takes `on=`.
"""

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict, cast

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from vandong.core.text import fold
from vandong.geo.models import REFORM_DATE, Succession, Unit, UnitQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ChildCount(TypedDict):
    child_count: int


# The parent chain of a village reaches the province in three hops.
PARENT_CHAIN = "parent__parent__parent"


def today() -> datetime.date:
    return timezone.localdate()


def _children_valid_on(day: datetime.date) -> Q:
    return Q(
        Q(children__valid_from__isnull=True) | Q(children__valid_from__lte=day),
        Q(children__valid_to__isnull=True) | Q(children__valid_to__gte=day),
    )


def _with_child_count(
    qs: UnitQuerySet, on: datetime.date | None
) -> "QuerySet[WithAnnotations[Unit, ChildCount]]":
    """Annotate `child_count`: children valid on `on`, or all children when None."""
    condition = _children_valid_on(on) if on is not None else Q()
    annotated = qs.annotate(
        child_count=Count("children", filter=condition, distinct=True)
    )
    # The stubs name the annotation TypedDict themselves; say which it is.
    return cast("QuerySet[WithAnnotations[Unit, ChildCount]]", annotated)


def unit_get(*, code: str, on: datetime.date) -> Unit | None:
    """The unit `code` names on `on`, with its parent (and `parent_code`);
    None if it names none."""
    return (
        Unit.objects.valid_on(on)
        .filter(code=code)
        .select_related("parent")
        .annotate(parent_code=F("parent__code"))
        .order_by(F("valid_from").desc(nulls_last=True))
        .first()
    )


def units_with_code(*, code: str) -> QuerySet[Unit]:
    """Every unit that has carried `code`, oldest first."""
    return (
        Unit.objects.filter(code=code)
        .select_related(PARENT_CHAIN)
        .order_by(
            F("valid_from").asc(nulls_first=True), F("valid_to").asc(nulls_last=True)
        )
    )


def unit_ancestors(*, unit: Unit) -> list[Unit]:
    """The unit's ancestors from the root (province) down to its parent."""
    ids = unit.ancestor_ids()[:-1]
    if not ids:
        return []
    by_id = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [by_id[pk] for pk in ids if pk in by_id]


def unit_children(
    *, unit: Unit, on: datetime.date | None
) -> "QuerySet[WithAnnotations[Unit, ChildCount]]":
    """The unit's children valid on `on` (all children when None), each with
    `child_count` counted on the same day."""
    qs = Unit.objects.filter(parent=unit)
    if on is not None:
        qs = qs.valid_on(on)
    return _with_child_count(qs, on).order_by("level", "name_key", "valid_from")


def province_list(
    *, on: datetime.date
) -> "QuerySet[WithAnnotations[Unit, ChildCount]]":
    """Provinces valid on `on`, each with `child_count` (its units valid that day)."""
    qs = Unit.objects.valid_on(on).filter(level=1)
    return _with_child_count(qs, on).order_by("name_key", "code")


def spans_both_trees(unit: Unit) -> bool:
    """True for a row valid both before and after the reform (e.g. an untouched
    province): its children differ by date."""
    return unit.is_valid_on(REFORM_DATE - datetime.timedelta(days=1)) and (
        unit.is_valid_on(REFORM_DATE)
    )


def unit_list(
    *,
    on: datetime.date | None,
    level: int | None = None,
    parent: Unit | None = None,
    text: str = "",
) -> UnitQuerySet:
    """Units filtered by day, level, parent and a diacritic-insensitive name
    fragment, each with `parent_code`."""
    qs = Unit.objects.annotate(parent_code=F("parent__code"))
    if on is not None:
        qs = qs.valid_on(on)
    if level is not None:
        qs = qs.filter(level=level)
    if parent is not None:
        qs = qs.filter(parent=parent)
    if fold(text):
        qs = qs.search(text)
    return qs.order_by("level", "code", "valid_from")


def unit_search(
    *, text: str, on: datetime.date | None = None, level: int | None = None
) -> UnitQuerySet:
    """Units whose folded name contains `text`; names with a word starting with
    it come first. The parent chain up to the province is joined."""
    key = fold(text)
    if not key:
        return Unit.objects.none()
    qs = Unit.objects.search(key).select_related(PARENT_CHAIN)
    if on is not None:
        qs = qs.valid_on(on)
    if level is not None:
        qs = qs.filter(level=level)
    rank = Case(
        When(Q(name_key=key), then=Value(0)),
        When(
            Q(name_key__startswith=key) | Q(name_key__contains=" " + key), then=Value(1)
        ),
        default=Value(2),
        output_field=IntegerField(),
    )
    return qs.annotate(rank=rank).order_by("rank", "level", "name_key", "valid_from")


def parent_chain(unit: Unit) -> list[Unit]:
    """The unit's ancestors, nearest last, from the joined `parent` attributes
    (no query when the chain was joined with PARENT_CHAIN)."""
    chain: list[Unit] = []
    current = unit.parent if unit.parent_id else None
    while current is not None and len(chain) < 3:
        chain.append(current)
        current = current.parent if current.parent_id else None
    chain.reverse()
    return chain


@dataclass(frozen=True)
class Lineage:
    """Edges into the unit (it was formed from) and out of it (it became)."""

    predecessors: list[Succession]
    successors: list[Succession]


def unit_lineage(*, unit: Unit) -> Lineage:
    edges = (
        Succession.objects.filter(Q(predecessor=unit) | Q(successor=unit))
        .select_related("predecessor__parent", "successor__parent")
        .order_by("effective_date", "predecessor__code", "successor__code")
    )
    predecessors: list[Succession] = []
    successors: list[Succession] = []
    for edge in edges:
        if edge.successor_id == unit.pk:
            predecessors.append(edge)
        else:
            successors.append(edge)
    return Lineage(predecessors=predecessors, successors=successors)
