"""Shared pieces of the petitions pages."""

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from vandong.accounts.permissions import Action
from vandong.accounts.queries import can_anywhere

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


def query_string(**params: object) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
