"""Models-and-teams pages: the list (filters, totals, XLSX) and the create
and edit forms. Reading needs VIEW, writing RECORD_REGISTRY."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from vandong.core.errors import DomainError
from vandong.geo import queries as geo_queries
from vandong.geo.models import Unit
from vandong.registries.models import ModelCategory, ModelKind, ModelTeam
from vandong.registries.teams import queries, services, xlsx
from vandong.registries.teams.forms import ModelTeamForm
from vandong.registries.teams.pages import (
    XLSX_TYPE,
    HtmxHttpRequest,
    domain_errors,
    form_error,
    may_record,
    paginate,
    parse_int,
    redirect_to,
    render_page,
    require_record,
    within_unit,
)


@dataclass
class _Filters:
    within: Unit | None
    kind: str
    category: str
    active_in: int | None
    text: str


def _filters(request: HtmxHttpRequest) -> _Filters:
    kind = request.GET.get("kind", "")
    category = request.GET.get("category", "")
    return _Filters(
        within=within_unit(request, geo_queries.today()),
        kind=kind if kind in ModelKind.values else "",
        category=category if category in ModelCategory.values else "",
        active_in=parse_int(request.GET.get("year")),
        text=request.GET.get("q", "").strip(),
    )


def _records(request: HtmxHttpRequest, f: _Filters) -> QuerySet[ModelTeam]:
    return queries.model_team_list(
        actor=request.user,
        within=f.within,
        kind=f.kind,
        category=f.category,
        active_in=f.active_in,
        text=f.text,
    )


@login_required
@domain_errors
@require_GET
def model_list(request: HtmxHttpRequest) -> HttpResponse:
    f = _filters(request)
    records = _records(request, f)
    page, rest = paginate(request, records)
    context = {
        **vars(f),
        "unit_code": request.GET.get("unit", "").strip(),
        "year": request.GET.get("year", "").strip(),
        "page": page,
        "query": rest,
        "total": queries.count_total(records),
        "kinds": ModelKind.choices,
        "categories": ModelCategory.choices,
        "may_record": may_record(request),
    }
    return render_page(request, "registries/teams/list.html", "rows", context)


@login_required
@domain_errors
@require_GET
def model_xlsx(request: HtmxHttpRequest) -> HttpResponse:
    data = xlsx.models_workbook(_records(request, _filters(request)))
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="mo-hinh-to-doi.xlsx"'
    return response


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def model_create(request: HtmxHttpRequest) -> HttpResponse:
    form = ModelTeamForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.model_team_create(actor=request.user, data=form.to_data())
        except DomainError as error:
            form_error(form, error)
        else:
            return redirect_to(request, reverse("registries:models"))
    return render_page(
        request, "registries/teams/form.html", "form", {"form": form, "record": None}
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def model_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    record = queries.model_team_get(actor=request.user, pk=pk)
    require_record(request, record.unit)
    initial = {
        "unit": record.unit,
        "kind": record.kind,
        "name": record.name,
        "count": record.count,
        "recognized_year": record.recognized_year,
        "active": record.active,
        "stopped_year": record.stopped_year,
        "note": record.note,
    }
    form = ModelTeamForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.model_team_update(
                actor=request.user, record=record, data=form.to_data()
            )
        except DomainError as error:
            form_error(form, error)
        else:
            return redirect_to(request, reverse("registries:models"))
    return render_page(
        request, "registries/teams/form.html", "form", {"form": form, "record": record}
    )
