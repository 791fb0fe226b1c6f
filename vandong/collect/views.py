"""Data-entry pages: choose a form, fill it cell by cell, check it, submit and
approve it; Excel/CSV templates and uploads; import batches.

Every write goes through `services` (scope, validation, audit, locks are the
services' business); these views shape input and show results. An HTMX request
gets the page's partial, any other request the whole page, so every URL also
works without JavaScript: the entry grid is a plain form whose Save button
writes every changed cell at once.
"""

from dataclasses import dataclass, field
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
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from vandong.accounts.permissions import ROLE_ACTIONS, Action
from vandong.accounts.queries import can, roles_for
from vandong.catalog import queries as catalog_queries
from vandong.catalog.models import DataSet, DataSetElement, Period
from vandong.collect import excel, formats, queries, services, validation
from vandong.collect.forms import (
    Cell,
    CellState,
    TemplateForm,
    UploadForm,
    make_cell,
    posted_value,
    sections_of,
    shown_number,
)
from vandong.collect.models import (
    Approval,
    ApprovalState,
    DataValue,
    ImportBatch,
)
from vandong.collect.rows import ValueRow
from vandong.core.errors import DomainError, RowError
from vandong.core.formatting import number_vi
from vandong.core.models import Channel
from vandong.geo.models import Level, Unit

UNITS_PAGE_SIZE = 50
BATCHES_PAGE_SIZE = 50
# The unit chooser lists at most this many units; the table below pages them all.
UNIT_CHOICES_MAX = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RUNNING_STATES = frozenset({ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING})


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


@dataclass
class Finding:
    kind: str  # "rule" or "outlier"
    severity: str
    message: str
    values: list[str]  # in Vietnamese notation: left, right / value, low, high
    links: list[tuple[str, str, str]]  # (name, url, data set name)


@login_required
@require_GET
def violations(request: HtmxHttpRequest, period: str, unit_code: str) -> HttpResponse:
    """The rule violations and outliers of one unit and period, with links to
    the entry forms holding the elements concerned."""
    vi = _vi()
    per = _period_or_404(period)
    unit = _unit_on(unit_code, per)
    if unit is None or not can(actor=request.user, action=Action.VIEW, unit=unit):
        raise Http404(_("No unit with this code is open to you in this period."))
    found = validation.violations_for(unit_ids=[unit.pk], period_ids=[per.pk])
    outliers = validation.outliers_for(unit_ids=[unit.pk], period_ids=[per.pk])
    codes = {c for v in found for c in v.element_codes} | {
        o.element_code for o in outliers
    }
    elements = catalog_queries.element_map()
    holders: dict[str, list[DataSet]] = {}
    for m in (
        DataSetElement.objects.filter(
            data_element__code__in=sorted(codes),
            data_set__level=unit.level,
            data_set__is_active=True,
            data_set__period_kind=per.kind,
        )
        .select_related("data_set", "data_element")
        .order_by("data_set__code")
    ):
        holders.setdefault(m.data_element.code, []).append(m.data_set)

    def links(element_codes: tuple[str, ...] | list[str]) -> list[tuple[str, str, str]]:
        result = []
        for code in element_codes:
            element = elements.get(code)
            name = (element.name_vi if vi else element.name_en) if element else code
            for ds in holders.get(code, []):
                url = reverse("collect:entry", args=[ds.code, per.code, unit.code])
                result.append(
                    (name, f"{url}#cell-{code}", ds.name_vi if vi else ds.name_en)
                )
            if code not in holders:
                result.append((name, "", ""))
        return result

    findings = [
        Finding(
            kind="rule",
            severity=v.severity,
            message=_say(v.message_vi, v.message_en),
            values=[shown_number(v.left_value), shown_number(v.right_value)],
            links=links(v.element_codes),
        )
        for v in found
    ] + [
        Finding(
            kind="outlier",
            severity="warning",
            message=_say(o.message_vi, o.message_en),
            values=[
                shown_number(o.value),
                shown_number(o.expected_low),
                shown_number(o.expected_high),
            ],
            links=links([o.element_code]),
        )
        for o in outliers
    ]
    context = {
        "period": per,
        "unit": unit,
        "rules": [f for f in findings if f.kind == "rule"],
        "outliers": [f for f in findings if f.kind == "outlier"],
    }
    return _render(request, "collect/violations.html", "findings", context)


# --- Excel and CSV ---------------------------------------------------------------


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
    return {
        "template_form": template_form,
        "upload_form": upload or UploadForm(),
        "has_data_sets": bool(data_sets),
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
    shows what would change and, on refusal, every problem of the file."""
    if request.method == "GET":
        return render(request, "collect/excel.html", _excel_forms(request))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "collect/excel.html", _excel_forms(request, form))
    upload = form.cleaned_data["file"]
    dry_run: bool = form.cleaned_data["dry_run"]
    filename = str(upload.name)
    outcome = UploadOutcome(filename=filename, dry_run=dry_run)
    try:
        formats.check_size(upload.size, filename=filename)
        outcome.result = services.data_values_import(
            actor=request.user,
            data=upload.read(),
            filename=filename,
            channel=Channel.IMPORT,
            dry_run=dry_run,
        )
    except DomainError as exc:
        outcome.error = _say(exc.message_vi, exc.message_en)
        outcome.problems = exc.rows
        outcome.total_problems = len(exc.rows)
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
    return render(request, "collect/excel.html", context)


# --- import batches --------------------------------------------------------------


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
    by one on the entry form), newest first; the table refreshes every second
    while one of them is running."""
    own = ImportBatch.objects.filter(actor_id=request.user.pk).exclude(
        channel=Channel.WEB
    )
    page = Paginator(own, BATCHES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "running": any(b.status in RUNNING_STATES for b in page.object_list),
    }
    return _render(request, "collect/batches.html", "table", context)


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
