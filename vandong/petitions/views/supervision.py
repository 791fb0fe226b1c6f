"""Supervision and social criticism pages: the list and its Excel export, the
recording and correction forms, an activity with its recommendations, and
each recommendation's workflow step (the petitions' workflow, the same
forms)."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vandong.accounts.permissions import Action
from vandong.core.errors import DomainError
from vandong.core.forms import add_domain_error, say
from vandong.core.text import is_digits
from vandong.petitions import queries, services, xlsx
from vandong.petitions.forms import (
    RecommendationForm,
    SupervisionEditForm,
    SupervisionForm,
    step_form,
)
from vandong.petitions.models import Recommendation, Supervision
from vandong.petitions.services.supervision import SUPERVISION_EDITABLE
from vandong.petitions.views.common import (
    PAGE_SIZE,
    XLSX_TYPE,
    HtmxHttpRequest,
    correction_page,
    query_string,
    redirect,
    render_page,
    require_handler,
)
from vandong.petitions.workflow import STEPS, allowed_steps, is_overdue


def _list_filters(request: HtmxHttpRequest) -> tuple[str, int | None]:
    kind = request.GET.get("kind", "")
    if kind not in Supervision.Kind.values:
        kind = ""
    year_text = request.GET.get("year", "").strip()
    year = int(year_text) if is_digits(year_text) else None
    return kind, year


@login_required
@require_GET
def supervision_list(request: HtmxHttpRequest) -> HttpResponse:
    kind, year = _list_filters(request)
    found = queries.supervision_list(actor=request.user, kind=kind, year=year)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "kind": kind,
        "year": year,
        "kinds": Supervision.Kind.choices,
        "filters": query_string(kind=kind, year=year),
        "may_record": queries.can_record(actor=request.user),
    }
    return render_page(request, "petitions/supervision_list.html", "rows", context)


@login_required
@require_GET
def supervision_export(request: HtmxHttpRequest) -> HttpResponse:
    """The filtered list as an Excel workbook, a row per recommendation."""
    kind, year = _list_filters(request)
    found = queries.supervision_list(
        actor=request.user, kind=kind, year=year
    ).prefetch_related(
        Prefetch("recommendations", queryset=Recommendation.objects.order_by("id"))
    )
    today = queries.today()
    content = xlsx.supervision_workbook(activities=found, today=today)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    name = xlsx.supervision_filename(today)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def supervision_create(request: HtmxHttpRequest) -> HttpResponse:
    require_handler(request)
    units = queries.unit_choices(actor=request.user, action=Action.HANDLE_PETITIONS)
    form = SupervisionForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                supervision = services.supervision_create(
                    actor=request.user,
                    kind=data["kind"],
                    subject=data["subject"],
                    unit=data["unit"],
                    held_on=data["held_on"],
                    participants=data["participants"],
                    findings=data["findings"],
                    recommendations=form.recommendation_lines(),
                )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Activity recorded."))
            return redirect(
                request, reverse("petitions:supervision", args=[supervision.pk])
            )
    return render_page(
        request, "petitions/supervision_form.html", "form", {"form": form}
    )


def _supervision_or_404(request: HtmxHttpRequest, pk: int) -> Supervision:
    try:
        return queries.supervision_get(actor=request.user, pk=pk)
    except DomainError as exc:
        raise Http404(say(exc)) from None


def _recommendation_or_404(request: HtmxHttpRequest, pk: int) -> Recommendation:
    try:
        return queries.recommendation_get(actor=request.user, pk=pk)
    except DomainError as exc:
        raise Http404(say(exc)) from None


@login_required
@require_GET
def supervision_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    supervision = _supervision_or_404(request, pk)
    handles = queries.may_handle(actor=request.user, unit=supervision.unit)
    today = queries.today()
    items = [
        (
            r,
            is_overdue(r, today),
            [
                (
                    step,
                    step_form(step, recommendation=True, prefix=step, body=r.body),
                    reverse("petitions:recommendation-step", args=[r.pk, step]),
                )
                for step in (allowed_steps(r.status) if handles else [])
            ],
        )
        for r in supervision.recommendations.all()
    ]
    context = {
        "supervision": supervision,
        "items": items,
        "handles": handles,
        "recommendation_form": RecommendationForm(),
    }
    return render_page(request, "petitions/supervision_detail.html", "items", context)


@login_required
@require_http_methods(["GET", "POST"])
def supervision_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Correct an activity: officers who handle petitions on its unit; the
    service audits the change."""
    supervision = _supervision_or_404(request, pk)
    return correction_page(
        request,
        record=supervision,
        form_class=SupervisionEditForm,
        fields=SUPERVISION_EDITABLE,
        update=functools.partial(services.supervision_update, supervision=supervision),
        done_url=reverse("petitions:supervision", args=[supervision.pk]),
        template="petitions/supervision_edit.html",
        context={"supervision": supervision},
    )


@login_required
@require_POST
def recommendation_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    supervision = _supervision_or_404(request, pk)
    form = RecommendationForm(request.POST)
    if form.is_valid():
        try:
            services.recommendation_add(
                actor=request.user,
                supervision=supervision,
                text=form.cleaned_data["text"],
            )
        except DomainError as exc:
            messages.error(request, say(exc))
        else:
            messages.success(request, _("Recommendation added."))
    else:
        messages.error(request, _("Write the recommendation's text."))
    return redirect(request, reverse("petitions:supervision", args=[supervision.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_step(request: HtmxHttpRequest, pk: int, step: str) -> HttpResponse:
    if step not in STEPS:
        raise Http404(_("No such step."))
    recommendation = _recommendation_or_404(request, pk)
    require_handler(request)
    form = step_form(
        step,
        request.POST or None,
        recommendation=True,
        prefix=step,
        body=recommendation.body,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_step(
                actor=request.user,
                recommendation=recommendation,
                step=step,
                **form.cleaned_data,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(
                request,
                reverse("petitions:supervision", args=[recommendation.supervision_id]),
            )
    context = {"recommendation": recommendation, "step": step, "form": form}
    return render_page(request, "petitions/step.html", "form", context)
