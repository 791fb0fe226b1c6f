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
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from vandong.catalog.criteria.models import CriteriaSet, Criterion
from vandong.catalog.criteria.spec import MET, NO_DATA
from vandong.criteria.models import Evaluation, Recognition
from vandong.geo.models import Level, Unit
from vandong.petitions.models import Petition
from vandong.petitions.queries import Counts, late_case
from vandong.portal.localcache import memory
from vandong.registries.contributions.totals import Totals, _aggregates, _totals
from vandong.registries.models import (
    Commitment,
    Conference,
    Contribution,
    OcopProduct,
)
from vandong.registries.ocop.queries import valid_ratings

RECENT_CONFERENCES = 5
TOP_PROJECTS = 12


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


def _plus(a: Totals, b: Totals) -> Totals:
    return Totals(
        records=a.records + b.records,
        cash_vnd=a.cash_vnd + b.cash_vnd,
        land_m2=a.land_m2 + b.land_m2,
        labour_days=a.labour_days + b.labour_days,
        materials_vnd=a.materials_vnd + b.materials_vnd,
    )


def _json(totals: Totals) -> dict[str, Any]:
    """The totals as the pages and the API give them (areas and days as
    plain numbers)."""
    return {
        "records": totals.records,
        "cash_vnd": totals.cash_vnd,
        "materials_vnd": totals.materials_vnd,
        "total_vnd": totals.total_vnd,
        "land_m2": float(totals.land_m2),
        "labour_days": float(totals.labour_days),
    }


def _add(found: dict[Any, Totals], key: Any, totals: Totals) -> None:
    found[key] = _plus(found.get(key, Totals()), totals)


def contributions(
    province: Unit, year: int, commune: dict[int, int]
) -> dict[int, dict[str, Any]]:
    """{commune id: what was contributed in it and its villages in `year`, by
    purpose, by project and by kind of contributor, and since the records
    began} (two grouped queries); `commune` is `communes_of(province)`."""
    within = Contribution.objects.filter(unit__path__startswith=province.path)
    groups: dict[int, dict[str, Any]] = {}

    def group(unit_id: int) -> dict[str, Any] | None:
        pk = commune.get(unit_id)
        if pk is None:
            return None
        if pk not in groups:
            groups[pk] = {
                "year": Totals(),
                "all_years": Totals(),
                "purposes": {},
                "projects": {},
                "kinds": {},
            }
        return groups[pk]

    for row in (
        within.filter(date__year=year)
        .order_by()
        .values("unit_id", "purpose", "project", "kind")
        .annotate(**_aggregates())
    ):
        found = group(row["unit_id"])
        if found is None:
            continue
        totals = _totals(row)
        found["year"] = _plus(found["year"], totals)
        _add(found["purposes"], row["purpose"], totals)
        _add(found["kinds"], row["kind"], totals)
        if row["project"]:
            _add(found["projects"], (row["purpose"], row["project"]), totals)
    for row in (
        within.filter(date__year__lte=year)
        .order_by()
        .values("unit_id")
        .annotate(**_aggregates())
    ):
        found = group(row["unit_id"])
        if found is not None:
            found["all_years"] = _plus(found["all_years"], _totals(row))
    out = {}
    for pk, found in groups.items():
        projects = [
            {"purpose": purpose, "project": project, **_json(totals)}
            for (purpose, project), totals in found["projects"].items()
        ]
        projects.sort(key=lambda p: (-p["total_vnd"], -p["land_m2"], p["project"]))
        out[pk] = {
            "year": _json(found["year"]),
            "all_years": _json(found["all_years"]),
            "by_purpose": [
                {"purpose": k, **_json(v)} for k, v in sorted(found["purposes"].items())
            ],
            "by_kind": [
                {"kind": k, **_json(v)} for k, v in sorted(found["kinds"].items())
            ],
            "projects": projects[:TOP_PROJECTS],
            "more_projects": max(0, len(projects) - TOP_PROJECTS),
        }
    return out


def no_contributions() -> dict[str, Any]:
    return {
        "year": _json(Totals()),
        "all_years": _json(Totals()),
        "by_purpose": [],
        "by_kind": [],
        "projects": [],
        "more_projects": 0,
    }


# -- OCOP -------------------------------------------------------------------------


def ocop_products(
    province: Unit, year: int, commune: dict[int, int]
) -> dict[int, list[dict[str, Any]]]:
    """{commune id: its OCOP products holding a valid rating on the year's
    reference day, most stars first}. A household business is named by its
    kind only. `commune` is `communes_of(province)`."""
    day = reference_day(year)
    products = OcopProduct.objects.filter(unit__path__startswith=province.path)
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for rating in (
        valid_ratings(day, products)
        .select_related("product", "product__unit")
        .order_by("product__unit__code", "product__name", "product_id")
    ):
        product = rating.product
        pk = commune.get(product.unit_id)
        if pk is None:
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


def conferences(
    province: Unit, year: int, commune: dict[int, int]
) -> dict[int, list[dict[str, Any]]]:
    """{commune id: its most recent dialogue conferences held by the end of
    `year`, with the follow-up of their commitments (counts by status)}. The
    chair is named by title; who took part is not shown. `commune` is
    `communes_of(province)`."""
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


def _json_counts(counts: Counts) -> dict[str, int]:
    return {
        "received": counts.received,
        "answered": counts.answered,
        "overdue": counts.overdue,
        "in_progress": counts.in_progress,
        "rejected": counts.rejected,
    }


def _petition_groups(unit: Unit, year: int) -> list[tuple[int, str, bool, int]]:
    return [
        (int(r["unit_id"]), str(r["status"]), bool(r["late"]), int(r["n"]))
        for r in Petition.objects.filter(
            unit__path__startswith=unit.path, received_on__year=year
        )
        .annotate(late=late_case(timezone.localdate()))
        .order_by()
        .values("unit_id", "status", "late")
        .annotate(n=Count("id"))
    ]


def petition_counts(unit: Unit, year: int) -> dict[str, int]:
    """Petitions received on the unit's subtree in `year`: how many, answered
    (or closed), overdue now, still being handled, rejected (one query)."""
    counts = Counts()
    for _unit, status, late, n in _petition_groups(unit, year):
        counts.add(status, late, n)
    return _json_counts(counts)


def commune_petition_counts(
    province: Unit, year: int, commune: dict[int, int]
) -> dict[int, dict[str, int]]:
    """`petition_counts` of every commune of the province (one query);
    `commune` is `communes_of(province)`."""
    out: dict[int, Counts] = defaultdict(Counts)
    for unit_id, status, late, n in _petition_groups(province, year):
        pk = commune.get(unit_id)
        if pk is not None:
            out[pk].add(status, late, n)
    return {pk: _json_counts(counts) for pk, counts in out.items()}


def no_petitions() -> dict[str, int]:
    return _json_counts(Counts())


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
