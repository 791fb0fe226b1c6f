"""Shared pieces of the data-entry pages."""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from vandong.accounts.permissions import ROLE_ACTIONS, Action
from vandong.accounts.queries import roles_for
from vandong.catalog import queries as catalog_queries
from vandong.catalog.models import DataSet, DataSetElement, Period
from vandong.collect import progress, validation
from vandong.collect.models import (
    ImportBatch,
)
from vandong.core.errors import DomainError
from vandong.geo.models import Level, Unit

UNITS_PAGE_SIZE = 50
BATCHES_PAGE_SIZE = 50
# The unit chooser lists at most this many units; the table below pages them all.
UNIT_CHOICES_MAX = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNNING_STATES = frozenset({ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING})
# An upload page asks this many times (once a second) for an import that has
# not begun yet (its file is still being sent), then gives up.
UPLOAD_WAIT_POLLS = 600


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


# --- helpers -----------------------------------------------------------------


def _vi() -> bool:
    return (get_language() or "vi").startswith("vi")


def _say(message_vi: str, message_en: str) -> str:
    """A service message in the page's language (Vietnamese by default)."""
    return message_vi if _vi() else message_en


def _render(
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


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)


def _progress_context(
    user: Any, *, token: str | None = None, seen: bool = False, wait: int = 0
) -> dict[str, Any]:
    """The user's imports running now (from the cache: an import's batch
    commits only at its end), and whether the page should ask again in a
    second. With `token`, the upload page waits for that upload's import to
    begin (`waiting`), then follows it (`seen`) until it ends (`ended`)."""
    imports = progress.in_flight(user)
    mine = token is not None and any(e.token == token for e in imports)
    waiting = token is not None and not mine and not seen and wait < UPLOAD_WAIT_POLLS
    query: dict[str, str] = {}
    if token is not None:
        query["token"] = token
        if mine or seen:
            query["seen"] = "1"
        elif waiting:
            query["wait"] = str(wait + 1)
    url = reverse("collect:import-progress")
    return {
        "imports": imports,
        "waiting": waiting,
        "ended": token is not None and seen and not mine,
        "polling": waiting or any(not e.stale for e in imports),
        "progress_url": f"{url}?{urlencode(query)}" if query else url,
    }


def _unit_on(code: str, period: Period) -> Unit | None:
    """The unit a code names on the period's last day (codes were reused in 2025)."""
    return Unit.objects.valid_on(period.end).filter(code=code).first()


def _data_set_or_404(code: str) -> DataSet:
    data_set = catalog_queries.data_set_get(code)
    if data_set is None or not data_set.is_active:
        raise Http404(_("No data set has this code."))
    return data_set


def _period_or_404(code: str) -> Period:
    period = catalog_queries.period_get(code)
    if period is None:
        raise Http404(_("No period has this code."))
    return period


def _entry_levels(actor: Any) -> set[int]:
    """Levels of the data sets the actor may enter or approve somewhere."""
    if getattr(actor, "is_superuser", False):
        return set(Level.values)
    levels: set[int] = set()
    for assignment in roles_for(actor=actor):
        actions = ROLE_ACTIONS.get(assignment.role, frozenset())
        if Action.ENTER_DATA in actions or Action.APPROVE in actions:
            top = assignment.unit.level if assignment.unit else Level.PROVINCE
            levels.update(level for level in Level.values if level >= top)
    return levels


def _data_sets_for(actor: Any) -> list[DataSet]:
    levels = _entry_levels(actor)
    return list(
        catalog_queries.data_set_list(active_only=True)
        .filter(level__in=sorted(levels))
        .order_by("level", "code")
    )


def _periods_for(data_set: DataSet | None) -> list[Period]:
    if data_set is None:
        return []
    return list(
        catalog_queries.period_list(kind=data_set.period_kind).order_by("start")
    )


def _default_period(periods: list[Period]) -> Period | None:
    """The latest period already begun (the current year), else the first."""
    today = timezone.localdate()
    begun = [p for p in periods if p.start <= today]
    return begun[-1] if begun else (periods[0] if periods else None)


def _pick(items: list[Any], code: str | None, default: Any) -> Any:
    for item in items:
        if item.code == code:
            return item
    return default


def _members(data_set: DataSet) -> list[DataSetElement]:
    """The set's active elements in form order (prefetched by `data_set_get`)."""
    return [m for m in data_set.members.all() if m.data_element.is_active]


def _row_message(exc: DomainError, element: str = "") -> str:
    """The message of the row about `element`, else of the first row, else the error's."""
    rows = exc.rows
    chosen = next((r for r in rows if r.element == element), rows[0] if rows else None)
    if chosen is not None:
        return _say(chosen.message_vi, chosen.message_en)
    return _say(exc.message_vi, exc.message_en)


@dataclass
class Problem:
    """A rule violation as the entry page shows it."""

    rule_code: str
    severity: str
    message: str  # says the two sides' values
    cells: list[tuple[str, str]] = field(default_factory=list)  # (code, name)


def _problems(
    *,
    unit: Unit,
    period: Period,
    names: dict[str, str],
    found: list[validation.Violation] | None = None,
) -> list[Problem]:
    """Violations of the unit and period (`found`, else computed) that concern
    the given elements."""
    if found is None:
        found = validation.violations_for(unit_ids=[unit.pk], period_ids=[period.pk])
    problems = []
    for v in found:
        cells = [(code, names[code]) for code in v.element_codes if code in names]
        if not cells:
            continue
        problems.append(
            Problem(
                rule_code=v.rule_code,
                severity=v.severity,
                message=_say(v.message_vi, v.message_en),
                cells=cells,
            )
        )
    return problems


# --- the chooser ---------------------------------------------------------------
