"""A citizen sends a petition and follows it by its tracking code.

The form is limited per client address and for everyone (`limits`), has a
honeypot field robots fill and people do not, and refuses bodies larger
than a petition can be. Its answer is the tracking page of the new code (a
redirect, so reloading does not send it twice). Neither page is cached nor
shows anything personal: the tracking page shows where the petition stands
and the answer, never the text or the contact given.
"""

from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from vandong.core.errors import DomainError
from vandong.core.forms import add_domain_error
from vandong.geo.models import Unit
from vandong.portal import limits, services, tracking
from vandong.portal.forms import PetitionForm, TrackForm

# A petition form is a few kilobytes; anything much larger is not one.
MAX_BODY_BYTES = 64 * 1024


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


def _length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return MAX_BODY_BYTES + 1


def _units(province_code: str) -> tuple[list[Unit], list[Unit], Unit | None]:
    """(provinces, the units of the chosen province, the chosen province)."""
    provinces = services.petition_provinces()
    chosen = next((p for p in provinces if p.code == province_code), None)
    if chosen is None and len(provinces) == 1:
        chosen = provinces[0]
    if chosen is None:
        return provinces, [], None
    return provinces, services.petition_units(chosen), chosen


@require_http_methods(["GET", "HEAD", "POST"])
def petition(request: HttpRequest) -> HttpResponse:
    # Before the body is read at all (request.POST parses it).
    if request.method == "POST" and _length(request) > MAX_BODY_BYTES:
        return _no_store(HttpResponse(_("The petition is too large."), status=413))
    province_code = (request.POST.get("tinh") or request.GET.get("tinh") or "")[:20]
    provinces, units, chosen = _units(province_code)
    context: dict[str, Any] = {"provinces": provinces, "province": chosen}
    if request.method == "POST":
        form = PetitionForm(request.POST, units=units)
        if form.trapped:
            # Robots are told nothing useful; nothing is recorded.
            context["form"] = PetitionForm(units=units)
            context["trapped"] = True
            return _no_store(
                render(request, "portal/petition.html", context, status=400)
            )
        if limits.over(request, "submit"):
            context["form"] = form
            context["limited"] = True
            return _no_store(
                render(request, "portal/petition.html", context, status=429)
            )
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.petition_submit(
                    unit=data["unit"],
                    topic=data["topic"],
                    text=data["text"],
                    contact_name=data["contact_name"],
                    contact_phone=data["contact_phone"],
                    contact_address=data["contact_address"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                target = (
                    reverse("portal:track")
                    + "?"
                    + urlencode({"ma": created.tracking_code, "moi": "1"})
                )
                return _no_store(HttpResponseRedirect(target))
        context["form"] = form
        return _no_store(render(request, "portal/petition.html", context, status=400))
    initial = {}
    commune = (request.GET.get("xa") or "")[:20]
    if any(u.code == commune for u in units):
        initial["unit"] = commune
    context["form"] = PetitionForm(units=units, initial=initial) if chosen else None
    return _no_store(render(request, "portal/petition.html", context))


@require_safe
def track(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"new": request.GET.get("moi") == "1"}
    if "ma" not in request.GET:
        context["form"] = TrackForm()
        return _no_store(render(request, "portal/track.html", context))
    form = TrackForm(request.GET)
    context["form"] = form
    if not form.is_valid():
        return _no_store(render(request, "portal/track.html", context, status=400))
    if limits.over(request, "track"):
        context["limited"] = True
        return _no_store(render(request, "portal/track.html", context, status=429))
    found = tracking.track(form.cleaned_data["ma"])
    context["petition"] = found
    context["not_found"] = found is None
    response = render(
        request, "portal/track.html", context, status=200 if found else 404
    )
    response["Referrer-Policy"] = "no-referrer"
    return _no_store(response)
