"""Petition pages: the list (filters, overdue highlighted, Excel export), the
recording form, a petition with its history and the steps allowed now, the
correction form of an open petition, each step's form, attachments, and the
summary.

Reading needs VIEW scope on the petition's unit; acting, its contact and its
attachments need HANDLE_PETITIONS there. A petition outside the scope is
answered as if it did not exist (404).
"""

import datetime
import functools
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vandong.accounts.permissions import Action
from vandong.core.errors import DomainError
from vandong.core.forms import add_domain_error, say
from vandong.geo.models import Unit
from vandong.petitions import queries, services, storage, xlsx
from vandong.petitions.forms import (
    AttachmentForm,
    PetitionEditForm,
    PetitionFilterForm,
    PetitionForm,
    SummaryFilterForm,
    step_form,
)
from vandong.petitions.models import Petition
from vandong.petitions.queries import PetitionFilter
from vandong.petitions.services.petitions import EDITABLE, OPEN
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
from vandong.petitions.workflow import STEPS, allowed_steps, days_overdue


def _filters(request: HtmxHttpRequest) -> tuple[PetitionFilterForm, PetitionFilter]:
    form = PetitionFilterForm(
        request.GET or None, units=queries.filter_roots(actor=request.user)
    )
    chosen = PetitionFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        root = data.get("unit")
        chosen = PetitionFilter(
            root=root if isinstance(root, Unit) else None,
            status=data.get("status") or "",
            topic=data.get("topic") or "",
            channel=data.get("channel") or "",
            overdue=bool(data.get("overdue")),
            year=data.get("year"),
        )
    return form, chosen


def _filter_query(form: PetitionFilterForm) -> str:
    if not form.is_bound or not form.is_valid():
        return ""
    data = form.cleaned_data
    unit = data.get("unit")
    return query_string(
        unit=unit.pk if isinstance(unit, Unit) else "",
        status=data.get("status"),
        topic=data.get("topic"),
        channel=data.get("channel"),
        year=data.get("year"),
        overdue="on" if data.get("overdue") else "",
    )


@login_required
@require_GET
def petition_list(request: HtmxHttpRequest) -> HttpResponse:
    form, chosen = _filters(request)
    found = queries.petition_list(actor=request.user, filters=chosen)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "filters": _filter_query(form),
        "may_record": queries.can_record(actor=request.user),
        "overdue_count": queries.petition_list(
            actor=request.user, filters=PetitionFilter(overdue=True)
        ).count(),
    }
    return render_page(request, "petitions/list.html", "rows", context)


@login_required
@require_GET
def petition_export(request: HtmxHttpRequest) -> HttpResponse:
    """The filtered list as an Excel workbook: every petition, not one page."""
    _form, chosen = _filters(request)
    found = queries.petition_list(actor=request.user, filters=chosen)
    content = xlsx.petitions_workbook(
        actor=request.user, petitions=found.iterator(chunk_size=2000)
    )
    response = HttpResponse(content, content_type=XLSX_TYPE)
    name = xlsx.petitions_filename(queries.today())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def petition_create(request: HtmxHttpRequest) -> HttpResponse:
    """An officer records a petition received at a meeting, a reception…"""
    require_handler(request)
    units = queries.unit_choices(actor=request.user, action=Action.HANDLE_PETITIONS)
    form = PetitionForm(request.POST or None, request.FILES or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                petition = services.petition_create(
                    actor=request.user,
                    unit=data["unit"],
                    channel=data["channel"],
                    topic=data["topic"],
                    text=data["text"],
                    received_on=data["received_on"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_address=data["contact_address"],
                )
                for upload in data.get("attachments") or []:
                    services.attachment_add(
                        actor=request.user,
                        petition=petition,
                        name=upload.name or "",
                        content=_read(upload),
                    )
        except DomainError as exc:
            if exc.field == "file":
                exc.field = "attachments"
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("Petition recorded. Its tracking code is %(code)s.")
                % {"code": petition.tracking_code},
            )
            return redirect(request, reverse("petitions:detail", args=[petition.pk]))
    return render_page(request, "petitions/form.html", "form", {"form": form})


def _read(upload: Any) -> bytes:
    """The upload's bytes, at most one byte over the limit (the service then
    refuses it as too big)."""
    content: bytes = upload.read(storage.MAX_BYTES + 1)
    return content


def _petition_or_404(request: HtmxHttpRequest, pk: int) -> Petition:
    try:
        return queries.petition_get(actor=request.user, pk=pk)
    except DomainError as exc:
        raise Http404(say(exc)) from None


def _detail_context(
    request: HtmxHttpRequest, petition: Petition, **forms: Any
) -> dict[str, Any]:
    handles = queries.may_handle(actor=request.user, unit=petition.unit)
    steps = allowed_steps(petition.status) if handles else []
    step_forms = [
        (
            step,
            forms.get(step) or step_form(step, prefix=step, body=petition.body),
            reverse("petitions:step", args=[petition.pk, step]),
        )
        for step in steps
    ]
    return {
        "petition": petition,
        "handles": handles,
        "step_forms": step_forms,
        "steps": _steps(petition),
        "attachments": list(petition.attachments.all()) if handles else [],
        "attachment_form": forms.get("attachment") or AttachmentForm(),
        "may_attach": handles and len(petition.attachments.all()) < storage.MAX_FILES,
        "may_edit": handles and petition.status in OPEN,
        "days_overdue": days_overdue(petition, queries.today()),
        "track_url": reverse("api:petition_track", args=[petition.tracking_code]),
    }


def _steps(petition: Petition) -> list[Any]:
    """The history, each step with its deadline as a date for display."""
    steps = list(petition.steps.all())
    for step in steps:
        deadline = (step.detail or {}).get("deadline")
        step.deadline_day = (  # type: ignore[attr-defined]
            datetime.date.fromisoformat(deadline) if deadline else None
        )
    return steps


@login_required
@require_GET
def petition_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    petition = _petition_or_404(request, pk)
    return render_page(
        request,
        "petitions/detail.html",
        "actions",
        _detail_context(request, petition),
    )


@login_required
@require_http_methods(["GET", "POST"])
def petition_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Correct an open petition's channel, topic, text or contact: officers
    who handle petitions on its unit; the service audits the change."""
    petition = _petition_or_404(request, pk)
    return correction_page(
        request,
        record=petition,
        form_class=PetitionEditForm,
        fields=EDITABLE,
        update=functools.partial(services.petition_update, petition=petition),
        done_url=reverse("petitions:detail", args=[petition.pk]),
        template="petitions/edit.html",
        context={"petition": petition},
    )


@login_required
@require_http_methods(["GET", "POST"])
def petition_step(request: HtmxHttpRequest, pk: int, step: str) -> HttpResponse:
    """Assign, answer, close or reject: the step's own page (GET), or the
    forms of the detail page posting here."""
    if step not in STEPS:
        raise Http404(_("No such step."))
    petition = _petition_or_404(request, pk)
    require_handler(request)
    form = step_form(
        step,
        request.POST or None,
        prefix=step,
        body=petition.body,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.petition_step(
                actor=request.user, petition=petition, step=step, **form.cleaned_data
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(request, reverse("petitions:detail", args=[petition.pk]))
    context = {"petition": petition, "step": step, "form": form}
    return render_page(request, "petitions/step.html", "form", context)


@login_required
@require_POST
def attachment_upload(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    petition = _petition_or_404(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            services.attachment_add(
                actor=request.user,
                petition=petition,
                name=upload.name or "",
                content=_read(upload),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("File added."))
            return redirect(request, reverse("petitions:detail", args=[petition.pk]))
    petition = _petition_or_404(request, pk)
    context = _detail_context(request, petition, attachment=form)
    return render_page(request, "petitions/detail.html", "actions", context)


@login_required
@require_GET
def attachment_download(request: HtmxHttpRequest, pk: int) -> FileResponse:
    """An attachment, for officers handling petitions on its unit only."""
    try:
        attachment = queries.attachment_get(actor=request.user, pk=pk)
    except DomainError as exc:
        raise Http404(say(exc)) from None
    path = storage.path_of(attachment.stored_name)
    if not path.exists():
        raise Http404(_("The file is missing from the server."))
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def summary(request: HtmxHttpRequest) -> HttpResponse:
    """Received, in progress, overdue, answered and rejected, by unit and year."""
    form = SummaryFilterForm(
        request.GET or None, units=queries.filter_roots(actor=request.user)
    )
    root: Unit | None = None
    year: int | None = None
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data.get("unit")
        root = chosen if isinstance(chosen, Unit) else None
        year = form.cleaned_data.get("year")
    rows = queries.summary(actor=request.user, root=root, year=year)
    context = {
        "form": form,
        "rows": rows[:-1],
        "total": rows[-1],
        "root": root,
        "year": year,
        "today": queries.today(),
    }
    return render_page(request, "petitions/summary.html", "table", context)
