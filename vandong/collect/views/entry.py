"""The form chooser and the entry grid: cells saved one by one, approval steps."""

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
)
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from vandong.accounts.permissions import Action
from vandong.accounts.queries import can
from vandong.catalog.models import DataSet, DataSetElement, Period
from vandong.collect import queries, services, validation
from vandong.collect.forms import (
    Cell,
    CellState,
    make_cell,
    posted_value,
    sections_of,
)
from vandong.collect.models import (
    Approval,
    ApprovalState,
    DataValue,
)
from vandong.collect.rows import ValueRow
from vandong.collect.views.common import (
    UNIT_CHOICES_MAX,
    UNITS_PAGE_SIZE,
    HtmxHttpRequest,
    _data_set_or_404,
    _data_sets_for,
    _default_period,
    _members,
    _period_or_404,
    _periods_for,
    _pick,
    _problems,
    _redirect,
    _render,
    _row_message,
    _say,
    _unit_on,
    _vi,
)
from vandong.core.errors import DomainError, RowError
from vandong.core.formatting import number_vi
from vandong.core.models import Channel
from vandong.geo.models import Unit


@dataclass
class UnitRow:
    unit: Unit
    state: str
    state_label: str
    filled: int
    total: int
    violations: int


@login_required
@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Choose a data set, a period and a unit in scope; list the units with
    their approval state, how much is filled and how many rules are broken."""
    data_sets = _data_sets_for(request.user)
    data_set: DataSet | None = _pick(
        data_sets, request.GET.get("set"), data_sets[0] if data_sets else None
    )
    periods = _periods_for(data_set)
    period: Period | None = _pick(
        periods, request.GET.get("period"), _default_period(periods)
    )
    unit_code = request.GET.get("unit", "").strip()
    if data_set and period and unit_code:
        return _redirect(
            request,
            reverse("collect:entry", args=[data_set.code, period.code, unit_code]),
        )
    context: dict[str, Any] = {
        "data_sets": data_sets,
        "data_set": data_set,
        "periods": periods,
        "period": period,
        "choices": [],
        "rows": [],
        "page": None,
    }
    if data_set is not None and period is not None:
        units = queries.entry_units(
            actor=request.user, data_set=data_set, period=period
        )
        context["choices"] = list(units[:UNIT_CHOICES_MAX])
        page = Paginator(units, UNITS_PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        context["rows"] = _unit_rows(
            data_set=data_set, period=period, units=list(page.object_list)
        )
    return _render(request, "collect/home.html", "chooser", context)


def _unit_rows(
    *, data_set: DataSet, period: Period, units: list[Unit]
) -> list[UnitRow]:
    if not units:
        return []
    members = _members(data_set)
    element_ids = [m.data_element_id for m in members]
    codes = {m.data_element.code for m in members}
    unit_ids = [u.pk for u in units]
    states = dict(
        Approval.objects.filter(
            data_set=data_set, period=period, unit_id__in=unit_ids
        ).values_list("unit_id", "state")
    )
    filled = dict(
        DataValue.objects.filter(
            period=period, unit_id__in=unit_ids, data_element_id__in=element_ids
        )
        .values("unit_id")
        .annotate(n=Count("id"))
        .values_list("unit_id", "n")
    )
    broken: dict[int, int] = {}
    for v in validation.violations_for(unit_ids=unit_ids, period_ids=[period.pk]):
        if codes.intersection(v.element_codes):
            broken[v.unit_id] = broken.get(v.unit_id, 0) + 1
    labels = dict(ApprovalState.choices)
    return [
        UnitRow(
            unit=u,
            state=states.get(u.pk, ApprovalState.DRAFT),
            state_label=str(labels[states.get(u.pk, ApprovalState.DRAFT)]),
            filled=filled.get(u.pk, 0),
            total=len(members),
            violations=broken.get(u.pk, 0),
        )
        for u in units
    ]


# --- the entry form ------------------------------------------------------------


@dataclass
class Entry:
    """One (data set, period, unit) as the user may see it."""

    data_set: DataSet
    period: Period
    unit: Unit
    members: list[DataSetElement]
    may_enter: bool

    @property
    def names(self) -> dict[str, str]:
        vi = _vi()
        return {
            m.data_element.code: m.data_element.name_vi
            if vi
            else m.data_element.name_en
            for m in self.members
        }

    def member(self, code: str) -> DataSetElement:
        for m in self.members:
            if m.data_element.code == code:
                return m
        raise Http404(_("This data set has no such data element."))


def _entry(request: HttpRequest, data_set: str, period: str, unit_code: str) -> Entry:
    """The form's set, period and unit, if the user may enter it (or at least see it)."""
    ds = _data_set_or_404(data_set)
    per = _period_or_404(period)
    if per.kind != ds.period_kind:
        raise Http404(_("This data set is not collected for this period."))
    unit = (
        queries.entry_units(actor=request.user, data_set=ds, period=per)
        .filter(code=unit_code)
        .first()
    )
    may_enter = unit is not None
    if unit is None:
        unit = _unit_on(unit_code, per)
        if (
            unit is None
            or unit.level != ds.level
            or not can(actor=request.user, action=Action.VIEW, unit=unit)
        ):
            raise Http404(_("No unit with this code is open to you in this period."))
    return Entry(
        data_set=ds, period=per, unit=unit, members=_members(ds), may_enter=may_enter
    )


def _entry_context(
    request: HttpRequest,
    entry: Entry,
    cells: list[Cell] | None = None,
    values: dict[str, DataValue] | None = None,
    violations: list[validation.Violation] | None = None,
) -> dict[str, Any]:
    vi = _vi()
    approval = queries.approval_get(
        data_set=entry.data_set, unit=entry.unit, period=entry.period
    )
    state = approval.state if approval else ApprovalState.DRAFT
    locked = state == ApprovalState.APPROVED
    if cells is None:
        if values is None:
            values = queries.entry_values(
                data_set=entry.data_set, unit=entry.unit, period=entry.period
            )
        cells = [
            make_cell(m, values.get(m.data_element.code), vi=vi) for m in entry.members
        ]
    problems = _problems(
        unit=entry.unit, period=entry.period, names=entry.names, found=violations
    )
    flagged = {code for p in problems for code, _name in p.cells}
    approver = services.may_approve(actor=request.user, unit=entry.unit)
    return {
        "data_set": entry.data_set,
        "data_set_name": entry.data_set.name_vi if vi else entry.data_set.name_en,
        "period": entry.period,
        "unit": entry.unit,
        "sections": sections_of(cells),
        "flagged": flagged,
        "problems": problems,
        "approval": approval,
        "state": state,
        "state_label": dict(ApprovalState.choices)[state],
        "locked": locked,
        "editable": entry.may_enter and not locked,
        "may_submit": entry.may_enter
        and state == ApprovalState.DRAFT
        and can(actor=request.user, action=Action.SUBMIT, unit=entry.unit),
        "may_approve": approver and state == ApprovalState.SUBMITTED,
        "may_reopen": approver and state != ApprovalState.DRAFT,
        "filled": sum(1 for c in cells if c.raw != ""),
        "total": len(cells),
    }


@login_required
@require_http_methods(["GET", "POST"])
def entry(
    request: HtmxHttpRequest, data_set: str, period: str, unit_code: str
) -> HttpResponse:
    """The entry grid. POST (the Save button, without JavaScript) writes every
    changed cell at once: all stored, or none and each refused cell marked."""
    found = _entry(request, data_set, period, unit_code)
    if request.method == "POST":
        return _entry_save_all(request, found)
    return _render(
        request, "collect/entry.html", "grid", _entry_context(request, found)
    )


def _entry_save_all(request: HtmxHttpRequest, found: Entry) -> HttpResponse:
    vi = _vi()
    values = queries.entry_values(
        data_set=found.data_set, unit=found.unit, period=found.period
    )
    rows: list[ValueRow] = []
    posted: dict[str, tuple[str, str]] = {}
    for m in found.members:
        code = m.data_element.code
        key = f"v-{code}"
        if key not in request.POST:
            continue
        raw = request.POST.get(key, "")
        comment = request.POST.get(f"c-{code}", "").strip()
        current = values.get(code)
        before = make_cell(m, current, vi=vi)
        posted[code] = (raw, comment)
        if raw.strip() == before.raw and comment == before.comment:
            continue
        rows.append(
            ValueRow(
                data_element=code,
                unit_code=found.unit.code,
                period=found.period.code,
                value=posted_value(m.data_element, raw, current),
                comment=comment,
            )
        )
    url = reverse(
        "collect:entry", args=[found.data_set.code, found.period.code, found.unit.code]
    )
    if not rows:
        messages.info(request, _("Nothing was changed."))
        return _redirect(request, url)
    try:
        result = services.data_values_write(
            actor=request.user, rows=rows, channel=Channel.WEB
        )
    except DomainError as exc:
        by_element: dict[str, RowError] = {r.element: r for r in exc.rows}
        cells = []
        for m in found.members:
            code = m.data_element.code
            sent = posted.get(code)
            error = by_element.get(code)
            cells.append(
                make_cell(
                    m,
                    values.get(code),
                    vi=vi,
                    raw=sent[0] if sent else None,
                    comment=sent[1] if sent else None,
                    state=CellState.ERROR if error else "",
                    message=_say(error.message_vi, error.message_en) if error else "",
                )
            )
        context = _entry_context(request, found, cells)
        context["error"] = _say(exc.message_vi, exc.message_en)
        return _render(
            request, "collect/entry.html", "grid", context, status=exc.status
        )
    messages.success(
        request,
        _("Saved: %(created)s new, %(updated)s changed, %(deleted)s deleted.")
        % {
            "created": number_vi(result.created),
            "updated": number_vi(result.updated),
            "deleted": number_vi(result.deleted),
        },
    )
    return _redirect(request, url)


@login_required
@require_POST
def entry_cell(
    request: HtmxHttpRequest, data_set: str, period: str, unit_code: str, element: str
) -> HttpResponse:
    """Save one cell as the user leaves it; answer with the cell (saved or the
    reason it was refused) and the rule checks of the unit and period."""
    vi = _vi()
    ds = _data_set_or_404(data_set)
    per = _period_or_404(period)
    unit = _unit_on(unit_code, per)
    if unit is None or per.kind != ds.period_kind:
        raise Http404(_("No unit has this code in this period."))
    found = Entry(
        data_set=ds, period=per, unit=unit, members=_members(ds), may_enter=True
    )
    member = found.member(element)
    raw = request.POST.get(f"v-{element}", request.POST.get("value", ""))
    comment = request.POST.get(f"c-{element}", request.POST.get("comment", "")).strip()
    values = queries.entry_values(data_set=ds, unit=unit, period=per)
    current = values.get(element)
    violations: list[validation.Violation] | None = None
    try:
        result = services.data_values_write(
            actor=request.user,
            rows=[
                ValueRow(
                    data_element=element,
                    unit_code=unit.code,
                    period=per.code,
                    value=posted_value(member.data_element, raw, current),
                    comment=comment,
                )
            ],
            channel=Channel.WEB,
        )
    except DomainError as exc:
        error: DomainError | None = exc
        cell = make_cell(
            member,
            current,
            vi=vi,
            raw=raw,
            comment=comment,
            state=CellState.ERROR,
            message=_row_message(exc, element),
        )
    else:
        error = None
        # The violations of this unit and period, as the write left them.
        violations = result.violations
        values = queries.entry_values(data_set=ds, unit=unit, period=per)
        cell = make_cell(member, values.get(element), vi=vi, state=CellState.SAVED)
    if not request.htmx:
        if error is not None:
            messages.error(request, f"{cell.name}: {cell.message}")
        return HttpResponseRedirect(
            reverse("collect:entry", args=[ds.code, per.code, unit.code])
        )
    if error is not None and error.status in {403, 404}:
        # Not the user's form: say why in the cell, and nothing more.
        context = {"data_set": ds, "period": per, "unit": unit, "cell": cell}
        refused = render_to_string("collect/entry.html#cell", context, request=request)
        return HttpResponse(refused, status=error.status)
    context = _entry_context(request, found, values=values, violations=violations)
    context.update(cell=cell, oob=True)
    html = "".join(
        render_to_string(f"collect/entry.html#{partial}", context, request=request)
        for partial in ("cell", "state", "problems")
    )
    return HttpResponse(html)


@login_required
@require_POST
def entry_approval(
    request: HtmxHttpRequest, data_set: str, period: str, unit_code: str
) -> HttpResponse:
    """Submit (commune), approve or reopen (an approver above) the form."""
    ds = _data_set_or_404(data_set)
    per = _period_or_404(period)
    unit = _unit_on(unit_code, per)
    if unit is None:
        raise Http404(_("No unit has this code in this period."))
    steps = {
        "submit": (services.approval_submit, _("Submitted for approval.")),
        "approve": (
            services.approval_approve,
            _("Approved: the values are now read-only."),
        ),
        "reopen": (
            services.approval_reopen,
            _("Reopened: the values can be changed again."),
        ),
    }
    step = steps.get(request.POST.get("step", ""))
    if step is None:
        return HttpResponseBadRequest(_("Unknown approval step."))
    service, done = step
    try:
        service(actor=request.user, data_set=ds, unit=unit, period=per)
    except DomainError as exc:
        messages.error(request, _say(exc.message_vi, exc.message_en))
    else:
        messages.success(request, done)
    return _redirect(
        request, reverse("collect:entry", args=[ds.code, per.code, unit.code])
    )


# --- violations ----------------------------------------------------------------
