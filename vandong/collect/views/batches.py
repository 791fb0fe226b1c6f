"""Import batches: what each import did, and its progress."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpResponse,
)
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vandong.collect import progress, queries
from vandong.collect.models import (
    ImportBatch,
)
from vandong.collect.views.common import (
    BATCHES_PAGE_SIZE,
    RUNNING_STATES,
    HtmxHttpRequest,
    _progress_context,
    _render,
    _say,
)
from vandong.core.models import Channel


def _batch_rows(batch: ImportBatch) -> list[dict[str, Any]]:
    """The stored problems of a batch, in the page's language."""
    rows = []
    for item in batch.errors if isinstance(batch.errors, list) else []:
        if isinstance(item, dict):
            rows.append(
                {
                    "sheet": item.get("sheet", ""),
                    "row": item.get("row", ""),
                    "column": item.get("column", ""),
                    "unit": item.get("unit", ""),
                    "element": item.get("element", ""),
                    "message": _say(
                        str(item.get("message_vi", "")), str(item.get("message_en", ""))
                    )
                    or str(item.get("message", "")),
                }
            )
        else:
            rows.append({"message": str(item)})
    return rows


@login_required
@require_GET
def batches(request: HtmxHttpRequest) -> HttpResponse:
    """The user's imports (files, API calls, commands: not the cells saved one
    by one on the entry form), newest first, below the uploads running now
    (from the cache); the table refreshes every second while one of them
    runs, so a running upload turns into its committed batch."""
    own = ImportBatch.objects.filter(actor_id=request.user.pk).exclude(
        channel=Channel.WEB
    )
    page = Paginator(own, BATCHES_PAGE_SIZE).get_page(request.GET.get("page"))
    in_flight = _progress_context(request.user)
    context = {
        "page": page,
        "imports": in_flight["imports"],
        "running": in_flight["polling"]
        or any(b.status in RUNNING_STATES for b in page.object_list),
    }
    return _render(request, "collect/batches.html", "table", context)


@login_required
@require_GET
def import_progress(request: HtmxHttpRequest) -> HttpResponse:
    """The user's uploads running now, asked for every second by the upload
    page (with its upload's token) while one runs."""
    try:
        wait = max(0, int(request.GET.get("wait", "0")))
    except ValueError:
        wait = 0
    context = _progress_context(
        request.user,
        token=progress.clean_token(request.GET.get("token")),
        seen=request.GET.get("seen") == "1",
        wait=wait,
    )
    return _render(request, "collect/import_progress.html", "imports", context)


@login_required
@require_GET
def batch(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """One import batch of the user: progress while it runs, then its counts
    and errors."""
    found = queries.import_batch_get(actor=request.user, batch_id=pk)
    if found is None:
        raise Http404(_("No import of yours has this number."))
    context = {
        "batch": found,
        "running": found.status in RUNNING_STATES,
        "problems": _batch_rows(found),
    }
    return _render(request, "collect/batch.html", "progress", context)
