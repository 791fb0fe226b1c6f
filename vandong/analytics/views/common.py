"""Shared pieces of the analytics pages: units by code and tree in the
reader's scope, the year and tree parameters, partial rendering."""

import datetime
from typing import Any

from django.db.models import Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, can, roles_for
from vandong.core.text import is_digits
from vandong.geo.models import LEGACY_END, REFORM_DATE, Level, Succession, Unit

LEGACY = "legacy"
CURRENT = "current"
TREES = (LEGACY, CURRENT)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def render_page(
    request: HtmxHttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The partial for an HTMX swap, the whole page otherwise (also when
    htmx restores a page missing from its history cache)."""
    htmx = request.htmx
    swap = bool(htmx) and not htmx.history_restore_request
    response = render(request, f"{template}#{partial}" if swap else template, context)
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


# --- trees and days ------------------------------------------------------------


def in_tree(unit: Unit, tree: str) -> bool:
    """Whether the unit belongs to the tree: the legacy tree is what existed
    before the reform, the current one what exists from it on. An untouched
    province belongs to both."""
    if tree == LEGACY:
        return unit.valid_from is None or unit.valid_from <= LEGACY_END
    return unit.valid_to is None or unit.valid_to >= REFORM_DATE


def tree_day(tree: str, year: int) -> datetime.date:
    """The day whose units a tree shows for `year`: the year's end as
    reported (the legacy tree holds the current communes from 2025), or a
    day of the current tree whatever the year."""
    end = datetime.date(year, 12, 31)
    return end if tree == LEGACY else max(end, REFORM_DATE)


def child_level(unit: Unit, tree: str, year: int) -> int | None:
    """The level just below `unit` on the tree in `year` (a province's
    districts, or its communes where districts no longer exist)."""
    if unit.level >= Level.VILLAGE:
        return None
    day = tree_day(tree, year)
    found: int | None = (
        Unit.objects.valid_on(day)
        .filter(parent=unit)
        .order_by()
        .aggregate(level=Min("level"))["level"]
    )
    return found


def tree_param(request: HttpRequest, default: str) -> str:
    raw = request.GET.get("tree", "")
    return raw if raw in TREES else default


def year_param(request: HttpRequest, years: list[int]) -> tuple[int | None, str]:
    """The `year` asked for if the store has it, else the latest year not in
    the future; with an error text when the asked one was refused."""
    if not years:
        return None, ""
    this_year = timezone.localdate().year
    default = max((y for y in years if y <= this_year), default=max(years))
    raw = request.GET.get("year", "").strip()
    if not raw:
        return default, ""
    if is_digits(raw) and int(raw) in years:
        return int(raw), ""
    error = _("There are no figures for %(year)s: showing %(default)s.") % {
        "year": raw,
        "default": default,
    }
    return default, error


# --- units in scope --------------------------------------------------------------


def visible(actor: Actor, unit: Unit) -> bool:
    """Whether the reader may see the unit's figures: a role covering it,
    or, for a legacy unit, one covering a unit it became (a commune's
    officer sees the series of the communes it was formed from)."""
    if can(actor=actor, action=Action.VIEW, unit=unit):
        return True
    if unit.valid_to is None or unit.valid_to >= REFORM_DATE:
        return False
    successors = Unit.objects.filter(
        pk__in=Succession.objects.filter(predecessor=unit).values("successor_id")
    )
    return any(can(actor=actor, action=Action.VIEW, unit=u) for u in successors)


def unit_for(actor: Actor, code: str, tree: str) -> tuple[Unit, str]:
    """The unit `code` names on `tree` (or on the other tree when it exists
    only there), with the tree it was found on; 404 when there is none the
    reader may see."""
    candidates = list(
        Unit.objects.filter(code=code)
        .select_related("parent")
        .order_by("-valid_to", "-valid_from")
    )
    ordered = [u for u in candidates if in_tree(u, tree)] + [
        u for u in candidates if not in_tree(u, tree)
    ]
    for unit in ordered:
        if visible(actor, unit):
            return unit, tree if in_tree(unit, tree) else _other(tree)
    raise Http404(_("No unit with this code is open to you."))


def _other(tree: str) -> str:
    return CURRENT if tree == LEGACY else LEGACY


def default_tree(unit: Unit) -> str:
    return CURRENT if in_tree(unit, CURRENT) else LEGACY


def scope_roots(actor: Actor) -> list[Unit] | None:
    """The units the reader's viewing roles are held on, highest first;
    None for a reader of the whole country."""
    if getattr(actor, "is_superuser", False):
        return None
    roots: list[Unit] = []
    for assignment in roles_for(actor=actor):
        if assignment.unit is None:
            if can(actor=actor, action=Action.VIEW, unit=None):
                return None
            continue
        if can(actor=actor, action=Action.VIEW, unit=assignment.unit):
            roots.append(assignment.unit)
    roots.sort(key=lambda u: (u.level, not in_tree(u, CURRENT), u.code))
    return roots


def pivot_units(actor: Actor, tree: str) -> list[Unit]:
    """Units the pivot may start from: the reader's roots and the provinces
    and districts below them on the tree, in tree order."""
    roots = scope_roots(actor)
    units = Unit.objects.filter(level__lte=Level.DISTRICT)
    if roots is not None:
        within = Q(pk__in=[r.pk for r in roots])
        for root in roots:
            within |= Q(path__startswith=root.path, level__lte=Level.DISTRICT)
        units = Unit.objects.filter(within)
    found = [u for u in units.order_by("path") if in_tree(u, tree)]
    return found
