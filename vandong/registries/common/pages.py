"""Page helpers the registry pages share."""

import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from vandong.accounts.permissions import Action
from vandong.accounts.queries import can, can_anywhere, scope_units
from vandong.core.errors import DomainError
from vandong.core.forms import add_domain_error, say
from vandong.geo import queries as geo_queries
from vandong.geo.models import Unit

T = TypeVar("T")

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def domain_errors(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refusal a page cannot show in a form: not found (or out of the
    reader's scope) becomes 404, a refused write 403."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            if error.status == 404:
                raise Http404(say(error)) from error
            if error.status == 403:
                raise PermissionDenied(say(error)) from error
            raise

    return wrapper


def render_page(
    request: HtmxHttpRequest,
    template: str,
    partial: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    name = f"{template}#{partial}" if request.htmx else template
    response = render(request, name, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def redirect_to(request: HtmxHttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def paginate(request: HttpRequest, qs: QuerySet[Any]) -> tuple[Page[Any], str]:
    """The requested page and the query string without `page`."""
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rest = urlencode([(k, v) for k, v in request.GET.items() if k != "page"])
    return page, rest


def parse_day(raw: str | None) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def parse_int(raw: str | None) -> int | None:
    try:
        return int((raw or "").strip())
    except ValueError:
        return None


def parse_year(raw: str | None) -> int | None:
    """A year filter: a whole number from 1900 to 2100, else no filter (a
    date lookup on an out-of-range year would fail in the database)."""
    year = parse_int(raw)
    return year if year is not None and 1900 <= year <= 2100 else None


def within_unit(request: HttpRequest, on: datetime.date) -> Unit | None:
    """The `unit` filter (a code read on `on`), if it names a unit."""
    code = request.GET.get("unit", "").strip()
    return geo_queries.unit_get(code=code, on=on) if code else None


def require_record(request: HttpRequest, unit: Unit) -> None:
    if not can(actor=request.user, action=Action.RECORD_REGISTRY, unit=unit):
        raise PermissionDenied


def may_record(request: HttpRequest) -> bool:
    return can_anywhere(actor=request.user, action=Action.RECORD_REGISTRY)


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        unit: Unit = obj
        end = f" – {unit.valid_to:%d/%m/%Y}" if unit.valid_to else ""
        start = f"{unit.valid_from:%d/%m/%Y}" if unit.valid_from else ""
        span = f" · {start}{end}" if (start or end) else ""
        return f"{unit.name} ({unit.code}){span}"


def unit_field(actor: Any, levels: list[int], label: str) -> UnitChoiceField:
    """A choice of the units of `levels` the actor may record on."""
    qs = (
        scope_units(actor=actor, action=Action.RECORD_REGISTRY)
        .filter(level__in=levels)
        .order_by("level", "code", "valid_from")
    )
    return UnitChoiceField(queryset=qs, label=label)


def choice(request: HttpRequest, name: str, values: Iterable[str]) -> str:
    """The GET parameter `name` if it is one of `values`, else ""."""
    value = request.GET.get(name, "")
    return value if value in values else ""


def initial_of(record: Model, shape: Any) -> dict[str, Any]:
    """A form's initial data: the record's values of the fields of `shape`,
    the service's input dataclass the form fills."""
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(shape)}


def saved(request: HttpRequest, form: forms.Form, write: Callable[[], T]) -> T | None:
    """On a valid POST, run the service call `write` and return what it
    wrote; None when nothing was posted, the form is invalid, or the service
    refused (its refusal then shows on the form)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return write()
    except DomainError as error:
        add_domain_error(form, error)
        return None


def xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def list_context(
    request: HttpRequest, filters: object, records: QuerySet[Any]
) -> dict[str, Any]:
    """What every registry list page shows: its filters (a dataclass) and the
    unit code as typed, the requested page of `records`, the query string
    without `page`, and whether the reader may record anywhere."""
    page, rest = paginate(request, records)
    return {
        **vars(filters),
        "unit_code": request.GET.get("unit", "").strip(),
        "page": page,
        "query": rest,
        "may_record": may_record(request),
    }
