"""Models-and-teams pages: the list (filters, totals, XLSX) and the create
and edit forms. Reading needs VIEW, writing RECORD_REGISTRY."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from vandong.geo import queries as geo_queries
from vandong.geo.models import Unit
from vandong.registries.common.pages import (
    HtmxHttpRequest,
    choice,
    domain_errors,
    initial_of,
    list_context,
    parse_year,
    redirect_to,
    render_page,
    require_record,
    saved,
    within_unit,
    xlsx_response,
)
from vandong.registries.models import ModelCategory, ModelKind, ModelTeam
from vandong.registries.teams import queries, services, xlsx
from vandong.registries.teams.forms import ModelTeamForm


@dataclass
class _Filters:
    within: Unit | None
    kind: str
    category: str
    active_in: int | None
    text: str


def _filters(request: HtmxHttpRequest) -> _Filters:
    return _Filters(
        within=within_unit(request, geo_queries.today()),
        kind=choice(request, "kind", ModelKind.values),
        category=choice(request, "category", ModelCategory.values),
        active_in=parse_year(request.GET.get("year")),
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
    context = {
        **list_context(request, f, records),
        "year": request.GET.get("year", "").strip(),
        "total": queries.count_total(records),
        "kinds": ModelKind.choices,
        "categories": ModelCategory.choices,
    }
    return render_page(request, "registries/teams/list.html", "rows", context)


@login_required
@domain_errors
@require_GET
def model_xlsx(request: HtmxHttpRequest) -> HttpResponse:
    data = xlsx.models_workbook(_records(request, _filters(request)))
    return xlsx_response(data, "mo-hinh-to-doi.xlsx")


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def model_create(request: HtmxHttpRequest) -> HttpResponse:
    form = ModelTeamForm(request.POST or None, actor=request.user)
    record = saved(
        request,
        form,
        lambda: services.model_team_create(actor=request.user, data=form.to_data()),
    )
    if record is not None:
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
    initial = initial_of(record, services.ModelTeamIn)
    form = ModelTeamForm(request.POST or None, actor=request.user, initial=initial)
    if (
        saved(
            request,
            form,
            lambda: services.model_team_update(
                actor=request.user, record=record, data=form.to_data()
            ),
        )
        is not None
    ):
        return redirect_to(request, reverse("registries:models"))
    return render_page(
        request, "registries/teams/form.html", "form", {"form": form, "record": record}
    )
