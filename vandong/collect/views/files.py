"""Excel templates and uploads of Excel and CSV files."""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpRequest,
    HttpResponse,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from vandong.accounts.permissions import ROLE_ACTIONS, Action
from vandong.accounts.queries import roles_for
from vandong.catalog import queries as catalog_queries
from vandong.collect import excel, formats, progress, services
from vandong.collect.forms import (
    TemplateForm,
    UploadForm,
)
from vandong.collect.views.common import (
    XLSX_TYPE,
    HtmxHttpRequest,
    _data_sets_for,
    _default_period,
    _pick,
    _progress_context,
    _redirect,
    _render,
    _say,
    _vi,
)
from vandong.core.errors import DomainError, RowError
from vandong.core.formatting import number_vi
from vandong.core.models import Channel
from vandong.geo.models import Level, Unit


def _template_roots(actor: Any) -> list[Unit]:
    """Units whose subtree a template may cover: those the actor holds a data
    role on (the provinces of today for a country-wide administrator)."""
    roots: dict[int, Unit] = {}
    country = getattr(actor, "is_superuser", False)
    for assignment in roles_for(actor=actor):
        actions = ROLE_ACTIONS.get(assignment.role, frozenset())
        if Action.ENTER_DATA not in actions and Action.APPROVE not in actions:
            continue
        if assignment.unit is None:
            country = True
        else:
            roots[assignment.unit.pk] = assignment.unit
    if country:
        for unit in Unit.objects.valid_on(timezone.localdate()).filter(
            level=Level.PROVINCE
        ):
            roots.setdefault(unit.pk, unit)
    return sorted(roots.values(), key=lambda u: (u.level, u.code, u.pk))


def _excel_forms(
    request: HttpRequest, upload: UploadForm | None = None
) -> dict[str, Any]:
    data_sets = _data_sets_for(request.user)
    kinds = {ds.period_kind for ds in data_sets}
    periods = [
        p for p in catalog_queries.period_list().order_by("start") if p.kind in kinds
    ]
    default = _default_period(periods)
    template_form = TemplateForm(
        initial={"period": default.code if default else ""},
        data_sets=data_sets,
        periods=periods,
        roots=_template_roots(request.user),
        vi=_vi(),
    )
    # Each rendering of the upload form gets a fresh token: the page follows
    # the progress of its own upload by it while the upload runs.
    token = progress.new_token()
    return {
        "template_form": template_form,
        "upload_form": upload or UploadForm(),
        "has_data_sets": bool(data_sets),
        "upload_token": token,
        "upload_progress_url": (
            f"{reverse('collect:import-progress')}?{urlencode({'token': token})}"
        ),
        **_progress_context(request.user),
    }


@login_required
@require_GET
def excel_template(request: HtmxHttpRequest) -> HttpResponse:
    """The Excel template of a data set, period and subtree, as a download."""
    data_sets = _data_sets_for(request.user)
    periods = list(catalog_queries.period_list().order_by("start"))
    roots = _template_roots(request.user)
    form = TemplateForm(
        request.GET, data_sets=data_sets, periods=periods, roots=roots, vi=_vi()
    )
    back = reverse("collect:excel")
    if not form.is_valid():
        messages.error(request, _("Choose a data set, a period and units."))
        return _redirect(request, back)
    ds = _pick(data_sets, form.cleaned_data["data_set"], None)
    per = _pick(periods, form.cleaned_data["period"], None)
    same_code = [u for u in roots if u.code == form.cleaned_data["root"]]
    root = next((u for u in same_code if u.is_valid_on(per.end)), same_code[0])
    try:
        content = excel.build_template(
            data_set=ds, period=per, root=root, actor=request.user
        )
    except DomainError as exc:
        messages.error(request, _say(exc.message_vi, exc.message_en))
        return _redirect(request, back)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = excel.template_filename(data_set=ds, period=per, root=root)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass
class UploadOutcome:
    filename: str
    dry_run: bool
    result: "services.WriteResult | None" = None
    error: str = ""
    problems: list[RowError] = field(default_factory=list)
    total_problems: int = 0


@login_required
@require_http_methods(["GET", "POST"])
def excel_page(request: HtmxHttpRequest) -> HttpResponse:
    """Download a template; upload it back (or a CSV file), with a dry run that
    shows what would change and, on refusal, every problem of the file.

    While an upload runs, its progress goes to the cache (`progress`) under
    the token of the form: the page (through HTMX) and the imports page show
    it. Without JavaScript the form posts and waits as any form."""
    if request.method == "GET":
        return _render(request, "collect/excel.html", "main", _excel_forms(request))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(
            request, "collect/excel.html", "main", _excel_forms(request, form)
        )
    upload = form.cleaned_data["file"]
    dry_run: bool = form.cleaned_data["dry_run"]
    filename = str(upload.name)
    outcome = UploadOutcome(filename=filename, dry_run=dry_run)
    tracker = progress.start(
        request.user,
        filename,
        token=request.POST.get("progress_token"),
        dry_run=dry_run,
    )
    try:
        formats.check_size(upload.size, filename=filename)
        outcome.result = services.data_values_import(
            actor=request.user,
            data=upload.read(),
            filename=filename,
            channel=Channel.IMPORT,
            dry_run=dry_run,
            progress=tracker.update,
        )
    except DomainError as exc:
        outcome.error = _say(exc.message_vi, exc.message_en)
        outcome.problems = exc.rows
        outcome.total_problems = len(exc.rows)
    finally:
        # Committed or rejected, the batch row tells the rest; if the process
        # dies first, the entry goes stale ("interrupted") and then expires.
        tracker.finish()
    if outcome.result is not None and not dry_run:
        result = outcome.result
        messages.success(
            request,
            _(
                "%(filename)s was stored: %(created)s new, %(updated)s changed, "
                "%(unchanged)s unchanged, %(deleted)s deleted."
            )
            % {
                "filename": filename,
                "created": number_vi(result.created),
                "updated": number_vi(result.updated),
                "unchanged": number_vi(result.unchanged),
                "deleted": number_vi(result.deleted),
            },
        )
        if result.batch_id is not None:
            return _redirect(request, reverse("collect:batch", args=[result.batch_id]))
        return _redirect(request, reverse("collect:excel"))
    context = {**_excel_forms(request, UploadForm()), "outcome": outcome}
    return _render(request, "collect/excel.html", "main", context)


# --- import batches --------------------------------------------------------------
