"""Shared pieces of the petitions pages."""

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from vandong.accounts.permissions import Action
from vandong.accounts.queries import can_anywhere
from vandong.core.errors import DomainError
from vandong.core.forms import add_domain_error
from vandong.petitions.queries import may_handle

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def render_page(
    request: HtmxHttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """The whole page, or only its `partial` for an htmx request."""
    name = f"{template}#{partial}" if request.htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def require_handler(request: HttpRequest) -> None:
    """Refuse (403) a user who handles petitions nowhere."""
    if not can_anywhere(actor=request.user, action=Action.HANDLE_PETITIONS):
        raise PermissionDenied(_("Your role does not allow handling petitions."))


def correction_page(
    request: HtmxHttpRequest,
    *,
    record: Any,
    form_class: type[forms.Form],
    fields: Iterable[str],
    update: Callable[..., Any],
    done_url: str,
    template: str,
    context: dict[str, Any],
) -> HttpResponse:
    """The correction form of a petition or an activity: officers who handle
    petitions on its unit; `update` (the service) checks and audits."""
    if not may_handle(actor=request.user, unit=record.unit):
        raise PermissionDenied(_("Your role does not allow handling petitions."))
    names = list(fields)
    form = form_class(
        request.POST or None,
        initial={name: getattr(record, name) for name in names},
    )
    if request.method == "POST" and form.is_valid():
        try:
            update(
                actor=request.user, **{name: form.cleaned_data[name] for name in names}
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(request, done_url)
    return render_page(request, template, "form", {**context, "form": form})


def query_string(**params: object) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
