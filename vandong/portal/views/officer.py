"""The officers' page of the portal: which years of a province are
published, which could be, and publishing or withdrawing one. Province
officers of the province (and administrators) only."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vandong.catalog.models import Period, PeriodKind
from vandong.core.errors import DomainError
from vandong.core.forms import say
from vandong.geo.models import Unit
from vandong.portal import services, state
from vandong.portal.forms import PublishForm
from vandong.portal.models import Publication
from vandong.portal.permissions import publishable_provinces


def _years(province: Unit) -> list[int]:
    """The catalog's years up to this one in which the province existed,
    newest first."""
    last = timezone.localdate().year
    if province.valid_to is not None:
        last = min(last, province.valid_to.year)
    years = {
        p.start.year
        for p in Period.objects.filter(kind=PeriodKind.YEAR).only("start")
        if p.start.year <= last
    }
    return sorted(years, reverse=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publish(request: HttpRequest) -> HttpResponse:
    provinces = publishable_provinces(actor=request.user)
    if not provinces:
        raise PermissionDenied(
            _("Only province officers publish their province's figures.")
        )
    if request.method == "POST":
        # A publication names its province and what to do: never a default.
        code = request.POST.get("tinh", "")
        if request.POST.get("action", "publish") not in ("publish", "withdraw"):
            raise BadRequest("unknown action")
    else:
        code = request.GET.get("tinh") or provinces[0].code
    province = next((p for p in provinces if p.code == code), None)
    if province is None:
        if request.method == "POST":
            raise BadRequest("unknown province")
        province = provinces[0]
    here = reverse("portal:publish") + f"?tinh={province.code}"
    refusal: DomainError | None = None
    form = PublishForm()
    if request.method == "POST":
        form = PublishForm(request.POST)
        action = request.POST.get("action", "publish")
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                if action == "withdraw":
                    services.withdraw(actor=request.user, province=province, year=year)
                    messages.success(
                        request,
                        _("The figures of %(year)s are no longer public.")
                        % {"year": year},
                    )
                else:
                    services.publish(
                        actor=request.user,
                        province=province,
                        year=year,
                        note=form.cleaned_data["note"],
                    )
                    messages.success(
                        request,
                        _("The figures of %(year)s are published.") % {"year": year},
                    )
                return HttpResponseRedirect(here)
            except DomainError as exc:
                refusal = exc
    years = _years(province)
    published = {
        p.year: p
        for p in Publication.objects.filter(province=province).select_related(
            "published_by"
        )
    }
    counts = state.gap_counts(province, years)
    with_values = state.years_with_values(province, years)
    rows = [
        {
            "year": y,
            "publication": published.get(y),
            "gaps": counts.get(y, 0),
            "has_values": y in with_values,
            "public": y in published and counts.get(y, 0) == 0,
        }
        for y in years
        if y in with_values or y in published
    ]
    context: dict[str, Any] = {
        "provinces": provinces,
        "province": province,
        "rows": rows,
        "form": form,
        "refusal": refusal,
        "refusal_text": say(refusal) if refusal else "",
        "portal_url": reverse("portal:province", args=[province.code]),
    }
    status = 400 if refusal is not None else 200
    return render(request, "portal/publish.html", context, status=status)
