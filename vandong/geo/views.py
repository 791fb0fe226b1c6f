"""Pages of the unit trees: the browser, the search and the unit page.

Every page reads as any logged-in user; an HTMX request gets the page's
partial (`geo/<page>.html#<partial>`), any other request the whole page.
"""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from vandong.accounts.permissions import Action
from vandong.accounts.queries import can
from vandong.core.errors import DomainError
from vandong.geo import queries
from vandong.geo.models import LEGACY_END, REFORM_DATE, CommuneGroup, Level, Unit
from vandong.geo.services import GROUPED_TYPES, commune_group_set

SEARCH_PAGE_SIZE = 50


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _parse_day(value: str | None) -> datetime.date | None:
    """An ISO date, or None when absent or malformed."""
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _day(request: HtmxHttpRequest) -> tuple[datetime.date, str]:
    """The `on` parameter (default today) and an error text if it was malformed."""
    raw = request.GET.get("on", "").strip()
    day = _parse_day(raw)
    if day is not None:
        return day, ""
    error = _("Not a date: use the form YYYY-MM-DD. Showing today.") if raw else ""
    return queries.today(), error


def _level(request: HtmxHttpRequest) -> int | None:
    raw = request.GET.get("level", "")
    return int(raw) if raw in {str(v) for v in Level.values} else None


def _render(
    request: HtmxHttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    name = f"{template}#{partial}" if request.htmx else template
    response = render(request, name, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _date_context(day: datetime.date) -> dict[str, Any]:
    today = queries.today()
    return {
        "on": day,
        "on_iso": day.isoformat(),
        "today_iso": today.isoformat(),
        "legacy_end_iso": LEGACY_END.isoformat(),
        "is_legacy_day": day < REFORM_DATE,
    }


@login_required
@require_GET
def browse(request: HtmxHttpRequest) -> HttpResponse:
    """Provinces valid on the chosen day; `parent=<code>` opens one unit's children
    (as a page, or as the tree partial for HTMX)."""
    day, date_error = _day(request)
    parent_code = request.GET.get("parent", "").strip()
    parent: Unit | None = None
    ancestors: list[Unit] = []
    if parent_code:
        parent = queries.unit_get(code=parent_code, on=day)
        if parent is None:
            raise Http404(_("No unit has this code on this date."))
        nodes = list(queries.unit_children(unit=parent, on=day))
        if not request.htmx:
            ancestors = queries.unit_ancestors(unit=parent)
    else:
        nodes = list(queries.province_list(on=day))
    context = {
        **_date_context(day),
        "date_error": date_error,
        "parent": parent,
        "ancestors": ancestors,
        "nodes": nodes,
    }
    return _render(request, "geo/browse.html", "nodes", context)


@login_required
@require_GET
def search(request: HtmxHttpRequest) -> HttpResponse:
    """Diacritic- and case-insensitive name search, 50 a page."""
    text = request.GET.get("q", "").strip()
    raw_on = request.GET.get("on", "").strip()
    day = _parse_day(raw_on)
    level = _level(request)
    page = None
    rows: list[tuple[Unit, list[Unit]]] = []
    if text:
        paginator = Paginator(
            queries.unit_search(text=text, on=day, level=level), SEARCH_PAGE_SIZE
        )
        page = paginator.get_page(request.GET.get("page"))
        rows = [(u, queries.parent_chain(u)) for u in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "q": text,
        "on_value": day.isoformat() if day else "",
        "date_error": _("Not a date: use the form YYYY-MM-DD.")
        if raw_on and day is None
        else "",
        "level": level,
        "levels": Level.choices,
        "page": page,
        "rows": rows,
        "query_without_page": query.urlencode(),
    }
    return _render(request, "geo/search.html", "results", context)


@login_required
@require_GET
def unit_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """One unit, named by code and day: facts, parents, children, lineage."""
    day, date_error = _day(request)
    unit = queries.unit_get(code=code, on=day)
    if unit is None:
        return _unit_elsewhere(
            request, code=code, day=day, explicit="on" in request.GET
        )
    spans = queries.spans_both_trees(unit)
    show_all = spans and request.GET.get("children") == "all"
    children = list(queries.unit_children(unit=unit, on=None if show_all else day))
    lineage = queries.unit_lineage(unit=unit)
    same_code = [u for u in queries.units_with_code(code=code) if u.pk != unit.pk]
    context = {
        **_date_context(day),
        "date_error": date_error,
        "unit": unit,
        "ancestors": queries.unit_ancestors(unit=unit),
        "children": children,
        "show_all_children": show_all,
        "spans_both_trees": spans,
        "predecessors": lineage.predecessors,
        "successors": lineage.successors,
        "same_code": same_code,
        "may_set_group": unit.type in GROUPED_TYPES
        and unit.valid_to is None
        and can(actor=request.user, action=Action.CLASSIFY_UNITS, unit=unit),
        "commune_groups": CommuneGroup.choices,
    }
    return _render(request, "geo/unit.html", "children", context)


@login_required
@require_POST
def unit_commune_group(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """The province sets a current commune's group (nhóm 1/2/3)."""
    day, _error = _day(request)
    unit = queries.unit_get(code=code, on=day)
    if unit is None:
        raise Http404(_("No unit has this code."))
    raw = request.POST.get("commune_group", "").strip()
    try:
        commune_group_set(
            actor=request.user, unit=unit, group=int(raw) if raw else None
        )
    except ValueError:
        messages.error(request, _("The commune group must be 1, 2 or 3."))
    except DomainError as exc:
        messages.error(request, exc.message_vi)
    else:
        messages.success(request, _("The commune group was saved."))
    return HttpResponseRedirect(unit.get_absolute_url())


def _unit_elsewhere(
    request: HtmxHttpRequest, *, code: str, day: datetime.date, explicit: bool
) -> HttpResponse:
    """The code names no unit on `day`: list the units it names on other days."""
    others = list(queries.units_with_code(code=code))
    if not others:
        raise Http404(_("No unit has this code."))
    if len(others) == 1 and not explicit:
        return HttpResponseRedirect(others[0].get_absolute_url())
    context = {
        **_date_context(day),
        "code": code,
        "others": [(u, queries.parent_chain(u)) for u in others],
    }
    return render(request, "geo/unit_elsewhere.html", context)
