"""Public records of the communes of a province in a year: official
recognitions, contributions mobilized (sums only, never a contributor's
name), OCOP products with their stars, dialogue conferences, counts of
petitions; and the criteria evaluations of a public year.

Each is read for all the province's communes at once (a few grouped
queries), records of villages counted with their commune, so that the pages
of a hundred communes cost the queries of one.

Nothing here reads a personal field into the answers: contributors' names,
petitioners' contacts and texts, attachments, the names of a conference's
chair and participants, the name of a household business.
"""

import datetime
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When
from django.utils import timezone

from vandong.catalog.criteria.models import CriteriaSet, Criterion
from vandong.catalog.criteria.spec import MET, NO_DATA
from vandong.criteria.models import Evaluation, Recognition
from vandong.geo.models import Level, Unit
from vandong.petitions.models import Petition, Status
from vandong.petitions.workflow import overdue_q
from vandong.portal.localcache import memory
from vandong.registries.models import (
    Commitment,
    Conference,
    Contribution,
    OcopProduct,
    OcopRating,
)

RECENT_CONFERENCES = 5
TOP_PROJECTS = 12


def _num(value: object) -> float:
    if isinstance(value, int | float | Decimal):
        return float(value)
    return 0.0


def reference_day(year: int) -> datetime.date:
    """The day a year's standing is read on: its last day, or today in the
    current year."""
    today = timezone.localdate()
    return min(datetime.date(year, 12, 31), today)


def communes_of(province: Unit) -> dict[int, int]:
    """{unit id: its commune's id} for the communes (both trees) and villages
    of the province."""
    out: dict[int, int] = {}
    for pk, level, parent in Unit.objects.filter(
        path__startswith=province.path, level__in=[Level.COMMUNE, Level.VILLAGE]
    ).values_list("pk", "level", "parent_id"):
        out[pk] = pk if level == Level.COMMUNE else int(parent or 0)
    return out


# -- recognitions -----------------------------------------------------------------


def _recognition(r: Recognition, year: int) -> dict[str, Any]:
    return {
        "kind": r.kind,
        "year": r.year,
        "title_vi": r.title_vi,
        "decision_number": r.decision_number,
        "decision_date": r.decision_date.isoformat(),
        "authority": r.authority,
        "revoked_on": r.revoked_on.isoformat() if r.revoked_on else None,
        "holds": r.holds_in(year),
        "sample": r.is_sample,
    }


def recognitions(province: Unit, year: int) -> dict[int, list[dict[str, Any]]]:
    """{unit id: its recognition decisions up to `year`, newest first}."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in Recognition.objects.filter(
        unit__path__startswith=province.path, year__lte=year
    ).order_by("-year", "-decision_date", "-id"):
        out[r.unit_id].append(_recognition(r, year))
    return dict(out)


def recognized_units(units: list[Unit], year: int) -> dict[int, list[str]]:
    """{unit id: kinds of recognition holding in `year`} (one query)."""
    out: dict[int, list[str]] = defaultdict(list)
    for r in Recognition.objects.filter(unit__in=units, year__lte=year).filter(
        Q(revoked_on__isnull=True) | Q(revoked_on__year__gt=year)
    ):
        if r.kind not in out[r.unit_id]:
            out[r.unit_id].append(r.kind)
    return dict(out)


# -- contributions ----------------------------------------------------------------

_SUMS = {
    "records": Count("pk"),
    "cash": Sum("cash_vnd"),
    "materials": Sum("materials_vnd"),
    "land": Sum("land_m2"),
    "labour": Sum("labour_days"),
}


def _zero() -> dict[str, Any]:
    return {
        "records": 0,
        "cash_vnd": 0,
        "materials_vnd": 0,
        "total_vnd": 0,
        "land_m2": 0.0,
        "labour_days": 0.0,
    }


def _add(totals: dict[str, Any], row: dict[str, Any]) -> None:
    cash, materials = int(_num(row.get("cash"))), int(_num(row.get("materials")))
    totals["records"] += int(_num(row.get("records")))
    totals["cash_vnd"] += cash
    totals["materials_vnd"] += materials
    totals["total_vnd"] += cash + materials
    totals["land_m2"] += _num(row.get("land"))
    totals["labour_days"] += _num(row.get("labour"))


def contributions(province: Unit, year: int) -> dict[int, dict[str, Any]]:
    """{commune id: what was contributed in it and its villages in `year`, by
    purpose, by project and by kind of contributor, and since the records
    began} (two grouped queries)."""
    commune = communes_of(province)
    within = Contribution.objects.filter(unit__path__startswith=province.path)
    groups: dict[int, dict[str, Any]] = {}

    def group(unit_id: int) -> dict[str, Any] | None:
        pk = commune.get(unit_id)
        if pk is None:
            return None
        if pk not in groups:
            groups[pk] = {
                "year": _zero(),
                "all_years": _zero(),
                "purposes": defaultdict(_zero),
                "projects": defaultdict(_zero),
                "kinds": defaultdict(_zero),
            }
        return groups[pk]

    for row in (
        within.filter(date__year=year)
        .order_by()
        .values("unit_id", "purpose", "project", "kind")
        .annotate(**_SUMS)
    ):
        found = group(row["unit_id"])
        if found is None:
            continue
        _add(found["year"], row)
        _add(found["purposes"][row["purpose"]], row)
        _add(found["kinds"][row["kind"]], row)
        if row["project"]:
            _add(found["projects"][(row["purpose"], row["project"])], row)
    for row in (
        within.filter(date__year__lte=year)
        .order_by()
        .values("unit_id")
        .annotate(**_SUMS)
    ):
        found = group(row["unit_id"])
        if found is not None:
            _add(found["all_years"], row)
    out = {}
    for pk, found in groups.items():
        projects = [
            {"purpose": purpose, "project": project, **totals}
            for (purpose, project), totals in found["projects"].items()
        ]
        projects.sort(key=lambda p: (-p["total_vnd"], -p["land_m2"], p["project"]))
        out[pk] = {
            "year": found["year"],
            "all_years": found["all_years"],
            "by_purpose": [
                {"purpose": k, **v} for k, v in sorted(found["purposes"].items())
            ],
            "by_kind": [{"kind": k, **v} for k, v in sorted(found["kinds"].items())],
            "projects": projects[:TOP_PROJECTS],
            "more_projects": max(0, len(projects) - TOP_PROJECTS),
        }
    return out


def no_contributions() -> dict[str, Any]:
    return {
        "year": _zero(),
        "all_years": _zero(),
        "by_purpose": [],
        "by_kind": [],
        "projects": [],
        "more_projects": 0,
    }


# -- OCOP -------------------------------------------------------------------------


def ocop_products(province: Unit, year: int) -> dict[int, list[dict[str, Any]]]:
    """{commune id: its OCOP products holding a valid rating on the year's
    reference day, most stars first}. A household business is named by its
    kind only."""
    day = reference_day(year)
    commune = communes_of(province)
    products = OcopProduct.objects.filter(unit__path__startswith=province.path)
    ratings: dict[int, OcopRating] = {}
    for decided in OcopRating.objects.filter(
        product__in=products, decision_date__lte=day
    ).order_by("product_id", "decision_date", "id"):
        ratings[decided.product_id] = decided  # the latest decided by then
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for product in products.select_related("unit"):
        rating = ratings.get(product.pk)
        pk = commune.get(product.unit_id)
        if pk is None or rating is None or not rating.is_valid_on(day):
            continue
        out[pk].append(
            {
                "name": product.name,
                "group": product.group,
                "producer": ""
                if product.producer_kind == "household"
                else product.producer_name,
                "producer_kind": product.producer_kind,
                "unit": product.unit.name,
                "stars": rating.stars,
                "decision_date": rating.decision_date.isoformat(),
                "expires_on": rating.expires_on.isoformat(),
                "sample": product.is_sample,
            }
        )
    for items in out.values():
        items.sort(key=lambda p: (-int(p["stars"]), str(p["name"])))
    return dict(out)


# -- dialogue conferences -----------------------------------------------------------


def conferences(province: Unit, year: int) -> dict[int, list[dict[str, Any]]]:
    """{commune id: its most recent dialogue conferences held by the end of
    `year`, with the follow-up of their commitments (counts by status)}. The
    chair is named by title; who took part is not shown."""
    commune = communes_of(province)
    recent: dict[int, list[Conference]] = defaultdict(list)
    for c in (
        Conference.objects.filter(
            unit__path__startswith=province.path, held_on__lte=reference_day(year)
        )
        .select_related("unit")
        .only(
            "pk",
            "unit__name",
            "held_on",
            "chair_role",
            "chair_title",
            "participants_count",
            "issues",
            "is_sample",
        )
        .order_by("-held_on", "-id")
    ):
        pk = commune.get(c.unit_id)
        if pk is not None and len(recent[pk]) < RECENT_CONFERENCES:
            recent[pk].append(c)
    shown = [c.pk for found in recent.values() for c in found]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Commitment.objects.filter(conference_id__in=shown)
        .order_by()
        .values("conference_id", "status")
        .annotate(n=Count("id"))
    ):
        counts[row["conference_id"]][row["status"]] = row["n"]
    return {
        pk: [
            {
                "held_on": c.held_on.isoformat(),
                "unit": c.unit.name,
                "chair_role": c.chair_role,
                "chair_title": c.chair_title,
                "participants_count": c.participants_count,
                "issues": c.issues,
                "commitments": counts.get(c.pk, {}),
                "sample": c.is_sample,
            }
            for c in found
        ]
        for pk, found in recent.items()
    }


# -- petitions ----------------------------------------------------------------------


def _no_petitions() -> dict[str, int]:
    return {
        "received": 0,
        "answered": 0,
        "overdue": 0,
        "in_progress": 0,
        "rejected": 0,
    }


def _count(counts: dict[str, int], status: str, late: bool, n: int) -> None:
    counts["received"] += n
    if late:
        counts["overdue"] += n
    elif status in (Status.RECEIVED, Status.ASSIGNED):
        counts["in_progress"] += n
    elif status in (Status.ANSWERED, Status.CLOSED):
        counts["answered"] += n
    elif status == Status.REJECTED:
        counts["rejected"] += n


def _petition_groups(unit: Unit, year: int) -> list[tuple[int, str, bool, int]]:
    late = Case(
        When(overdue_q(timezone.localdate()), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    return [
        (int(r["unit_id"]), str(r["status"]), bool(r["late"]), int(r["n"]))
        for r in Petition.objects.filter(
            unit__path__startswith=unit.path, received_on__year=year
        )
        .annotate(late=late)
        .order_by()
        .values("unit_id", "status", "late")
        .annotate(n=Count("id"))
    ]


def petition_counts(unit: Unit, year: int) -> dict[str, int]:
    """Petitions received on the unit's subtree in `year`: how many, answered
    (or closed), overdue now, still being handled, rejected (one query)."""
    counts = _no_petitions()
    for _unit, status, late, n in _petition_groups(unit, year):
        _count(counts, status, late, n)
    return counts


def commune_petition_counts(province: Unit, year: int) -> dict[int, dict[str, int]]:
    """`petition_counts` of every commune of the province (one query)."""
    commune = communes_of(province)
    out: dict[int, dict[str, int]] = defaultdict(_no_petitions)
    for unit_id, status, late, n in _petition_groups(province, year):
        pk = commune.get(unit_id)
        if pk is not None:
            _count(out[pk], status, late, n)
    return dict(out)


def no_petitions() -> dict[str, int]:
    return _no_petitions()


# -- criteria evaluations -----------------------------------------------------------


def _criteria(stored: CriteriaSet) -> list[dict[str, str]]:
    """The set's criteria in its order (code and names), kept in memory."""
    key = f"portal:criteria:{stored.pk}:{stored.version}:{stored.updated_at}"
    found = memory.get(key)
    if found is None:
        found = list(
            Criterion.objects.filter(criteria_set=stored)
            .order_by("order")
            .values("code", "name_vi", "name_en")
        )
        memory.set(key, found, seconds=600)
    return [dict(c) for c in found]


def _scorecard(evaluation: Evaluation) -> dict[str, Any]:
    stored = evaluation.criteria_set
    criteria = [
        {
            **c,
            "status": str(
                (evaluation.criteria.get(c["code"]) or {}).get("status") or NO_DATA
            ),
        }
        for c in _criteria(stored)
    ]
    return {
        "set_code": stored.code,
        "kind": stored.kind,
        "name_vi": stored.name_vi,
        "name_en": stored.name_en,
        "status": evaluation.status,
        "met": evaluation.status == MET,
        "criteria_met": evaluation.criteria_met,
        "criteria_not_met": evaluation.criteria_not_met,
        "criteria_no_data": evaluation.criteria_no_data,
        "criteria_total": evaluation.criteria_total,
        # A threshold or rule not confirmed in the official text was used.
        "unverified": evaluation.unverified,
        "criteria": criteria,
    }


def scorecards(province: Unit, year: int) -> dict[int, list[dict[str, Any]]]:
    """{commune id: its stored evaluations of `year`, one per kind of
    standard: a province layer's in place of the national set it extends}."""
    by_unit: dict[int, list[Evaluation]] = defaultdict(list)
    for evaluation in (
        Evaluation.objects.filter(
            unit__path__startswith=province.path,
            unit__level=Level.COMMUNE,
            year=year,
            criteria_set__is_active=True,
        )
        .select_related("criteria_set")
        .defer("indicators", "criteria_set__source_text")
    ):
        by_unit[evaluation.unit_id].append(evaluation)
    out = {}
    for pk, evaluations in by_unit.items():
        layered = {
            e.criteria_set.extends
            for e in evaluations
            if e.criteria_set.province and e.criteria_set.extends
        }
        chosen = [e for e in evaluations if e.criteria_set.code not in layered]
        chosen.sort(key=lambda e: (e.criteria_set.kind, e.criteria_set.code))
        out[pk] = [_scorecard(e) for e in chosen]
    return out
