"""Contribution pages: list with filters and totals, create, edit, delete,
import (upload -> problems or a dry-run summary -> confirm), XLSX export.
Every write goes through `services`; reads through `queries`."""

import secrets
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vandong.accounts.permissions import Action
from vandong.accounts.queries import can, scope_q
from vandong.core.errors import DomainError
from vandong.core.formatting import money_vi
from vandong.core.forms import say
from vandong.core.models import Channel
from vandong.geo.models import Unit
from vandong.registries.common.pages import (
    PAGE_SIZE,
    HtmxHttpRequest,
    xlsx_response,
)
from vandong.registries.contributions import queries, services
from vandong.registries.contributions.forms import (
    ContributionFilterForm,
    ContributionForm,
    ImportForm,
    default_date,
)
from vandong.registries.contributions.imports import COLUMN_DOCS, contributions_import
from vandong.registries.contributions.rules import ContributionIn
from vandong.registries.contributions.totals import totals_by, totals_of
from vandong.registries.contributions.xlsx import contributions_xlsx
from vandong.registries.models import Contribution, ContributorKind, Purpose

IMPORT_TTL = 3600


def _row_message(vi: str, en: str) -> str:
    return vi if (get_language() or "vi").startswith("vi") else en


def _filters(
    request: HttpRequest,
) -> tuple[ContributionFilterForm, queries.ContributionFilter]:
    form = ContributionFilterForm(request.GET or None, actor=request.user)
    unit: Unit | None = None
    year: int | None = None
    kind = purpose = ""
    if form.is_valid():
        d = form.cleaned_data
        if d["unit"]:
            unit = (
                Unit.objects.filter(scope_q(actor=request.user, action=Action.VIEW))
                .filter(pk=int(d["unit"]))
                .first()
            )
        year = int(d["year"]) if d["year"] else None
        kind, purpose = d["kind"], d["purpose"]
    return form, queries.ContributionFilter(
        unit=unit, year=year, kind=kind, purpose=purpose
    )


def _label(choices: Any, key: str) -> str:
    return str(dict(choices).get(key, key))


@login_required
@require_GET
def contribution_list(request: HtmxHttpRequest) -> HttpResponse:
    """Records in the user's scope, filtered; the totals of the whole filtered
    set below the table, by kind and by purpose, and in the report's prose."""
    form, filters = _filters(request)
    records = queries.contribution_list(actor=request.user, filters=filters)
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    totals = totals_of(records)
    rows = [
        {
            "record": r,
            "name": r.contributor_name
            if queries.name_visible(actor=request.user, record=r)
            else None,
            "may_edit": can(
                actor=request.user, action=Action.RECORD_REGISTRY, unit=r.unit
            ),
        }
        for r in page.object_list
    ]
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "totals": totals,
        "prose": totals.prose(floor=True),
        "prose_exact": money_vi(totals.cash_vnd, "prose"),
        "by_kind": [
            (_label(ContributorKind.choices, k), t)
            for k, t in totals_by(records, "kind")
        ],
        "by_purpose": [
            (_label(Purpose.choices, k), t) for k, t in totals_by(records, "purpose")
        ],
        "any_sample": records.filter(is_sample=True).exists(),
        "may_record": queries.may_record_somewhere(actor=request.user),
        "query": urlencode(query),
        "filtered_unit": filters.unit,
    }
    template = "registries/contributions/list.html"
    return render(request, f"{template}#table" if request.htmx else template, context)


def _record_or_404(request: HttpRequest, pk: int) -> Contribution:
    record = queries.contribution_get(actor=request.user, contribution_id=pk)
    if record is None:
        raise Http404(_("No contribution of yours has this number."))
    return record


def _after_save_url(record: Contribution) -> str:
    commune = services.commune_of(record.unit)
    return (
        reverse("registries:contributions")
        + "?"
        + urlencode({"unit": commune.pk, "year": record.date.year})
    )


def _form_page(
    request: HttpRequest, form: ContributionForm, record: Contribution | None
) -> HttpResponse:
    return render(
        request,
        "registries/contributions/form.html",
        {"form": form, "record": record},
    )


def _initial(record: Contribution) -> dict[str, Any]:
    from vandong.core.formatting import number_vi

    def amount(value: Any) -> str:
        return "" if not value else number_vi(value, 0 if value == int(value) else 2)

    return {
        "unit": record.unit_id,
        "date": record.date,
        "kind": record.kind,
        "contributor_name": record.contributor_name,
        "cash_vnd": amount(record.cash_vnd),
        "land_m2": amount(record.land_m2),
        "labour_days": amount(record.labour_days),
        "materials_desc": record.materials_desc,
        "materials_qty": amount(record.materials_qty),
        "materials_unit": record.materials_unit,
        "materials_vnd": amount(record.materials_vnd),
        "purpose": record.purpose,
        "project": record.project,
    }


def _save(
    request: HttpRequest, form: ContributionForm, record: Contribution | None
) -> HttpResponse:
    data: ContributionIn = form.to_input()
    try:
        if record is None:
            saved = services.contribution_create(
                actor=request.user, data=data, channel=Channel.WEB
            )
        else:
            saved = services.contribution_update(
                actor=request.user,
                contribution_id=record.pk,
                data=data,
                channel=Channel.WEB,
            )
    except DomainError as error:
        for row in error.rows or []:
            if row.field in form.fields:
                form.add_error(row.field, _row_message(row.message_vi, row.message_en))
        if not error.rows or not any(r.field in form.fields for r in error.rows):
            form.add_error(None, say(error))
        return _form_page(request, form, record)
    messages.success(request, _("The contribution is saved."))
    return HttpResponseRedirect(_after_save_url(saved))


@login_required
@require_http_methods(["GET", "POST"])
def contribution_create(request: HttpRequest) -> HttpResponse:
    if not queries.may_record_somewhere(actor=request.user):
        raise Http404(_("You may not record contributions."))
    if request.method == "POST":
        form = ContributionForm(request.POST, actor=request.user)
        if form.is_valid():
            return _save(request, form, None)
        return _form_page(request, form, None)
    form = ContributionForm(actor=request.user, initial={"date": default_date()})
    return _form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    if request.method == "POST":
        form = ContributionForm(request.POST, actor=request.user)
        if form.is_valid():
            return _save(request, form, record)
        return _form_page(request, form, record)
    form = ContributionForm(actor=request.user, initial=_initial(record))
    return _form_page(request, form, record)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_delete(request: HttpRequest, pk: int) -> HttpResponse:
    record = _record_or_404(request, pk)
    error = ""
    if request.method == "POST":
        try:
            services.contribution_delete(
                actor=request.user, contribution_id=record.pk, channel=Channel.WEB
            )
        except DomainError as exc:
            error = say(exc)
        else:
            messages.success(request, _("The contribution is deleted."))
            return HttpResponseRedirect(_after_save_url(record))
    return render(
        request,
        "registries/contributions/delete.html",
        {"record": record, "error": error},
        status=403 if error else 200,
    )


def _cache_key(request: HttpRequest, token: str) -> str:
    return f"registries:contrib-import:{request.user.pk}:{token}"


@login_required
@require_http_methods(["GET", "POST"])
def contributions_import_page(request: HttpRequest) -> HttpResponse:
    """Upload: the file is checked whole (a dry run); problems are listed, or
    its summary shown with a button that records it (the file waits in the
    cache for an hour)."""
    context: dict[str, Any] = {"columns": COLUMN_DOCS, "form": ImportForm()}
    if request.method == "POST" and request.POST.get("token"):
        token = request.POST["token"]
        stored = cache.get(_cache_key(request, token))
        if stored is None:
            context["error"] = _("The checked file expired; upload it again.")
            return render(request, "registries/contributions/import.html", context)
        filename, data = stored
        try:
            result = contributions_import(
                actor=request.user, data=data, filename=filename, channel=Channel.IMPORT
            )
        except DomainError as error:
            context.update(_problems(error))
            return render(request, "registries/contributions/import.html", context)
        cache.delete(_cache_key(request, token))
        messages.success(
            request,
            _("%(count)s contributions recorded from %(file)s.")
            % {"count": result.created, "file": filename},
        )
        return HttpResponseRedirect(reverse("registries:contributions"))
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            try:
                result = contributions_import(
                    actor=request.user,
                    data=data,
                    filename=upload.name,
                    dry_run=True,
                )
            except DomainError as error:
                context.update(_problems(error))
            else:
                token = secrets.token_urlsafe(16)
                cache.set(_cache_key(request, token), (upload.name, data), IMPORT_TTL)
                context.update(
                    {"summary": result, "token": token, "filename": upload.name}
                )
    return render(request, "registries/contributions/import.html", context)


def _problems(error: DomainError) -> dict[str, Any]:
    return {
        "error": say(error),
        "problems": [
            {
                "row": r.row,
                "field": r.field,
                "unit": r.unit,
                "message": _row_message(r.message_vi, r.message_en),
            }
            for r in error.rows
        ],
    }


@login_required
@require_GET
def contributions_export(request: HttpRequest) -> HttpResponse:
    """The filtered records as XLSX; names only when an officer asks for
    them (names=1), and only on the records it may see names of."""
    _form, filters = _filters(request)
    records = queries.contribution_list(actor=request.user, filters=filters)
    names = request.GET.get("names") == "1" and queries.may_record_somewhere(
        actor=request.user
    )
    listed = list(records)
    visible = (
        {r.pk for r in listed if queries.name_visible(actor=request.user, record=r)}
        if names
        else set()
    )
    body = contributions_xlsx(
        listed, totals=totals_of(records), names=names, name_visible=visible
    )
    return xlsx_response(body, "dong-gop.xlsx")
