"""Pages of the criteria sets and of the stored evaluations: the sets, one
set's definition, a unit's scorecard, the matrix of a subtree (and its Excel
export), the units nearest to the standard, and where evaluation and
official recognition disagree.

Every page requires login and shows only units in the user's scope; a unit
outside it is answered as if it did not exist (404), as the entry form does.
"""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vandong.catalog.criteria.models import CriteriaSet
from vandong.catalog.criteria.spec import MET, STATUSES
from vandong.core.text import is_digits
from vandong.criteria import queries, xlsx
from vandong.criteria.queries import SetDefinition
from vandong.geo.models import Unit

MATRIX_PAGE_SIZE = 100
NEAREST_PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _set_or_404(code: str) -> CriteriaSet:
    stored = queries.criteria_set_get(code)
    if stored is None:
        raise Http404(_("No criteria set has this code."))
    return stored


@dataclass
class Year:
    value: int | None
    error: str


def _year(request: HttpRequest, stored: CriteriaSet) -> Year:
    """The `year` parameter, else the latest year evaluated; an error text
    when it was malformed or outside the set's validity."""
    raw = request.GET.get("year", "").strip()
    if raw:
        if is_digits(raw) and queries.applies_in(stored, int(raw)):
            return Year(int(raw), "")
        error = _("The set does not apply in %(year)s: showing the latest year.") % {
            "year": raw
        }
        return Year(queries.latest_year(stored), error)
    return Year(queries.latest_year(stored), "")


def _root(
    request: HttpRequest, stored: CriteriaSet, year: int
) -> tuple[Unit | None, str]:
    """The subtree chosen by `unit=<code>`, if the user may see it."""
    code = request.GET.get("unit", "").strip()
    if not code:
        return None, ""
    root = queries.root_unit(actor=request.user, code=code, year=year)
    if root is None:
        raise Http404(_("No unit with this code is open to you in this year."))
    return root, code


def _base(definition: SetDefinition, year: Year) -> dict[str, Any]:
    return {
        "set": definition.stored,
        "definition": definition,
        "year": year.value,
        "year_error": year.error,
        "years": queries.set_years(definition.stored),
        "statuses": STATUSES,
    }


def _query(**params: object) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@login_required
@require_GET
def set_list(request: HttpRequest) -> HttpResponse:
    """The criteria sets with their legal basis, validity and counts."""
    return render(request, "criteria/sets.html", {"sets": queries.criteria_set_list()})


@login_required
@require_GET
def set_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One set: criteria, indicators, thresholds and their sources."""
    stored = _set_or_404(code)
    definition = queries.criteria_set_definition(stored)
    context = {
        "set": stored,
        "definition": definition,
        "latest_year": queries.latest_year(stored),
    }
    return render(request, "criteria/set.html", context)


@login_required
@require_GET
def scorecard(request: HttpRequest, code: str, unit_code: str) -> HttpResponse:
    """A unit's criteria grid for a year, its trend and its recognition."""
    stored = _set_or_404(code)
    year = _year(request, stored)
    unit = (
        None
        if year.value is None
        else queries.scorecard_unit(
            actor=request.user, stored=stored, code=unit_code, year=year.value
        )
    )
    if unit is None or year.value is None:
        raise Http404(_("No unit with this code is open to you in this year."))
    definition = queries.criteria_set_definition(stored)
    card = queries.scorecard(definition, unit, year.value)
    context = {
        **_base(definition, year),
        "card": card,
        "unit": unit,
        "ancestors": _ancestors(unit),
    }
    return render(request, "criteria/scorecard.html", context)


def _ancestors(unit: Unit) -> list[Unit]:
    from vandong.geo.queries import unit_ancestors

    return unit_ancestors(unit=unit)


def _matrix_params(
    request: HttpRequest, stored: CriteriaSet
) -> tuple[Year, Unit | None, str, Unit | None, str]:
    year = _year(request, stored)
    if year.value is None:
        return year, None, "", None, "met"
    root, root_code = _root(request, stored, year.value)
    district: Unit | None = None
    district_code = request.GET.get("district", "").strip()
    if district_code:
        district = queries.root_unit(
            actor=request.user, code=district_code, year=year.value
        )
    sort = request.GET.get("sort", "met")
    if sort not in queries.SORTS:
        sort = "met"
    return year, root, root_code, district, sort


@login_required
@require_GET
def matrix(request: HttpRequest, code: str) -> HttpResponse:
    """The units of a subtree × the criteria, coloured and marked by status."""
    stored = _set_or_404(code)
    definition = queries.criteria_set_definition(stored)
    year, root, root_code, district, sort = _matrix_params(request, stored)
    context: dict[str, Any] = {
        **_base(definition, year),
        "root": root,
        "root_code": root_code,
        "district": district,
        "sort": sort,
        "districts": [],
        "page": None,
        "rows": [],
    }
    if year.value is not None:
        found = queries.matrix(
            actor=request.user,
            stored=stored,
            year=year.value,
            root=root,
            district=district,
            sort=sort,
        )
        page = Paginator(found, MATRIX_PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["rows"] = [
            (
                e,
                [
                    (e.criteria.get(c.code) or {}).get("status")
                    for c in definition.criteria
                ],
            )
            for e in page.object_list
        ]
        context["districts"] = queries.district_choices(
            actor=request.user, stored=stored, year=year.value, root=root
        )
        filters = _query(
            year=year.value,
            unit=root_code,
            district=district.code if district else "",
            sort=sort,
        )
        context["filters"] = filters
        context["met_count"] = found.filter(status=MET).count()
    return render(request, "criteria/matrix.html", context)


@login_required
@require_GET
def matrix_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    """The matrix as an Excel workbook: every unit, not one page."""
    stored = _set_or_404(code)
    definition = queries.criteria_set_definition(stored)
    year, root, _code, district, sort = _matrix_params(request, stored)
    if year.value is None:
        raise Http404(_("The set applies in no year of the catalog."))
    found = queries.matrix(
        actor=request.user,
        stored=stored,
        year=year.value,
        root=root,
        district=district,
        sort=sort,
    )
    content = xlsx.matrix_workbook(
        definition=definition,
        year=year.value,
        evaluations=found.iterator(chunk_size=2000),
        scope=(district or root),
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    name = xlsx.matrix_filename(stored, year.value, district or root)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def nearest(request: HttpRequest, code: str) -> HttpResponse:
    """Units not yet meeting the standard, those closest first."""
    stored = _set_or_404(code)
    definition = queries.criteria_set_definition(stored)
    year = _year(request, stored)
    context: dict[str, Any] = {**_base(definition, year), "page": None, "rows": []}
    root: Unit | None = None
    if year.value is not None:
        root, root_code = _root(request, stored, year.value)
        found = queries.nearest(
            actor=request.user, stored=stored, year=year.value, root=root
        )
        page = Paginator(found, NEAREST_PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["rows"] = [
            (
                e,
                queries.missing(stored, e),
                [
                    c
                    for c in queries.evaluation_results(definition, e)
                    if c.status != MET
                ],
            )
            for e in page.object_list
        ]
        context["root_code"] = root_code
        context["filters"] = _query(year=year.value, unit=root_code)
    context["root"] = root
    return render(request, "criteria/nearest.html", context)


@login_required
@require_GET
def disagreements(request: HttpRequest, code: str) -> HttpResponse:
    """Recognised but failing now; meeting every criterion but not recognised."""
    stored = _set_or_404(code)
    definition = queries.criteria_set_definition(stored)
    year = _year(request, stored)
    context: dict[str, Any] = {
        **_base(definition, year),
        "failing": [],
        "unrecognised": [],
    }
    root: Unit | None = None
    if year.value is not None:
        root, root_code = _root(request, stored, year.value)
        failing, unrecognised = queries.disagreements(
            actor=request.user, definition=definition, year=year.value, root=root
        )
        context.update(failing=failing, unrecognised=unrecognised, root_code=root_code)
    context["root"] = root
    return render(request, "criteria/disagreements.html", context)
