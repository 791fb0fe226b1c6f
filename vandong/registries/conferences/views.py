"""Dialogue-conference pages: the list (filters, follow-up summary, XLSX), a
conference with its commitments, and the forms. Reading needs VIEW, writing
RECORD_REGISTRY."""

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
    may_record,
    parse_year,
    redirect_to,
    render_page,
    require_record,
    saved,
    within_unit,
    xlsx_response,
)
from vandong.registries.conferences import queries, services, xlsx
from vandong.registries.conferences.forms import CommitmentForm, ConferenceForm
from vandong.registries.models import (
    ChairRole,
    Commitment,
    CommitmentStatus,
    Conference,
)


@dataclass
class _Filters:
    within: Unit | None
    year: int | None
    chair_role: str
    status: str
    text: str


def _filters(request: HtmxHttpRequest) -> _Filters:
    return _Filters(
        within=within_unit(request, geo_queries.today()),
        year=parse_year(request.GET.get("year")),
        chair_role=choice(request, "chair_role", ChairRole.values),
        status=choice(request, "status", CommitmentStatus.values),
        text=request.GET.get("q", "").strip(),
    )


def _conferences(request: HtmxHttpRequest, f: _Filters) -> QuerySet[Conference]:
    return queries.conference_list(
        actor=request.user,
        within=f.within,
        year=f.year,
        chair_role=f.chair_role,
        status=f.status,
        text=f.text,
    )


@login_required
@domain_errors
@require_GET
def conference_list(request: HtmxHttpRequest) -> HttpResponse:
    f = _filters(request)
    conferences = _conferences(request, f)
    context = {
        **list_context(request, f, conferences),
        "year_value": request.GET.get("year", "").strip(),
        "follow_up": queries.follow_up(
            conferences=conferences, day=geo_queries.today()
        ),
        "roles": ChairRole.choices,
        "statuses": CommitmentStatus.choices,
    }
    return render_page(request, "registries/conferences/list.html", "rows", context)


@login_required
@domain_errors
@require_GET
def conference_xlsx(request: HtmxHttpRequest) -> HttpResponse:
    data = xlsx.conferences_workbook(_conferences(request, _filters(request)))
    return xlsx_response(data, "hoi-nghi-doi-thoai.xlsx")


@login_required
@domain_errors
@require_GET
def conference_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    conference = queries.conference_get(actor=request.user, pk=pk)
    context = {
        "conference": conference,
        "commitments": list(conference.commitments.all()),
        "today": geo_queries.today(),
        "form": CommitmentForm(),
        "may_record": may_record(request),
    }
    return render_page(
        request, "registries/conferences/detail.html", "commitments", context
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def conference_create(request: HtmxHttpRequest) -> HttpResponse:
    form = ConferenceForm(request.POST or None, actor=request.user)
    conference = saved(
        request,
        form,
        lambda: services.conference_create(actor=request.user, data=form.to_data()),
    )
    if conference is not None:
        url = reverse("registries:conference", args=[conference.pk])
        return redirect_to(request, url)
    context = {"form": form, "conference": None}
    return render_page(request, "registries/conferences/form.html", "form", context)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def conference_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    conference = queries.conference_get(actor=request.user, pk=pk)
    require_record(request, conference.unit)
    form = ConferenceForm(
        request.POST or None,
        actor=request.user,
        initial=initial_of(conference, services.ConferenceIn),
    )
    if (
        saved(
            request,
            form,
            lambda: services.conference_update(
                actor=request.user, conference=conference, data=form.to_data()
            ),
        )
        is not None
    ):
        return redirect_to(request, reverse("registries:conference", args=[pk]))
    context = {"form": form, "conference": conference}
    return render_page(request, "registries/conferences/form.html", "form", context)


def _commitment_form(
    request: HtmxHttpRequest, conference: Conference, commitment: Commitment | None
) -> HttpResponse:
    initial = (
        initial_of(commitment, services.CommitmentIn) if commitment is not None else {}
    )
    form = CommitmentForm(request.POST or None, initial=initial)

    def write() -> Commitment:
        if commitment is None:
            return services.commitment_add(
                actor=request.user, conference=conference, data=form.to_data()
            )
        return services.commitment_update(
            actor=request.user, commitment=commitment, data=form.to_data()
        )

    if saved(request, form, write) is not None:
        url = reverse("registries:conference", args=[conference.pk])
        return redirect_to(request, url)
    context = {"form": form, "conference": conference, "commitment": commitment}
    return render_page(
        request, "registries/conferences/commitment_form.html", "form", context
    )


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def commitment_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    conference = queries.conference_get(actor=request.user, pk=pk)
    require_record(request, conference.unit)
    return _commitment_form(request, conference, None)


@login_required
@domain_errors
@require_http_methods(["GET", "POST"])
def commitment_edit(request: HtmxHttpRequest, pk: int, item: int) -> HttpResponse:
    conference = queries.conference_get(actor=request.user, pk=pk)
    require_record(request, conference.unit)
    commitment = queries.commitment_get(
        actor=request.user, conference=conference, pk=item
    )
    return _commitment_form(request, conference, commitment)
