"""The state of the analytics store, shown on the pages: when the figures
were last brought up to date, and a rebuild's progress while one runs (the
line asks again every two seconds until it is done)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from vandong.analytics import queries


@require_GET
@login_required
def store_state(request: HttpRequest) -> HttpResponse:
    return render(request, "analytics/_state.html", {"state": queries.store_state()})
