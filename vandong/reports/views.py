"""The report pages: choose a template, unit and phase; read the report with
every figure a link to its breakdown by child unit and to the data values
behind it; download it as DOCX, PDF or XLSX."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from vandong.accounts.queries import roles_for
from vandong.analytics import queries as analytics
from vandong.core.errors import DomainError
from vandong.core.formatting import money_vi, number_vi
from vandong.geo.models import Unit
from vandong.reports import notation, queries
from vandong.reports import spec as specs
from vandong.reports.compose import (
    ChartOut,
    FigureText,
    ParagraphOut,
    Report,
    chart_out,
    compose,
)
from vandong.reports.errors import not_found
from vandong.reports.figures import Evaluator, Figure, Missing, Scope, years_of
from vandong.reports.issuers import ISSUER_LABELS
from vandong.reports.writers import CONTENT_TYPES, FORMATS, chart_missing
from vandong.reports.writers import render as render_file

View = Callable[..., HttpResponse]
COUNTRY = "vn"  # the unit segment of the URL for the whole country
VALUES_SHOWN = 200


@dataclass(frozen=True)
class Request:
    """What a report URL asks for."""

    template: str
    unit_code: str
    phase: str
    tree: str
    issuer: str
    number: str
    signer: str
    day: datetime.date | None

    def query(self, **changes: str) -> str:
        values = {
            "tree": self.tree,
            "issuer": self.issuer,
            "number": self.number,
            "signer": self.signer,
            "date": self.day.isoformat() if self.day else "",
        }
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v})

    def url(self, name: str, *args: str, **changes: str) -> str:
        path = reverse(name, args=[self.template, self.unit_code, self.phase, *args])
        query = self.query(**changes)
        return f"{path}?{query}" if query else path


def _report_url(asked: Request) -> str:
    """The report's address; a code or template name no address can hold
    (a "/", a space) names no unit and no template."""
    try:
        return asked.url("reports:report")
    except NoReverseMatch:
        raise not_found(
            "Không có mẫu báo cáo hoặc đơn vị này.",
            "No such report template or unit.",
        ) from None


def _request(
    request: HttpRequest, template: str, unit_code: str, phase: str
) -> Request:
    queries.phase_bounds(phase)
    end = int(phase.split("-")[-1])
    tree = request.GET.get("tree", "")
    if tree not in analytics.TREES:
        tree = queries.default_tree(end)
    issuer = request.GET.get("issuer", "")
    if issuer not in specs.ISSUERS:
        issuer = ""
    try:
        day = datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = None
    return Request(
        template,
        unit_code,
        phase,
        tree,
        issuer,
        request.GET.get("number", "")[:20],
        request.GET.get("signer", "")[:100],
        day,
    )


def _scope(request: HttpRequest, asked: Request) -> Scope:
    unit: Unit | None = None
    if asked.unit_code != COUNTRY:
        unit = analytics.unit_for(asked.unit_code, tree=asked.tree)
    return queries.scope_for(
        actor=request.user, unit=unit, phase=asked.phase, tree=asked.tree
    )


def _spec(code: str) -> specs.ReportSpec:
    try:
        return queries.template_spec(code)
    except specs.TemplateError as error:
        raise Http404(str(error)) from error


def _compose(request: HttpRequest, asked: Request) -> Report:
    spec = _spec(asked.template)
    return compose(
        spec,
        _scope(request, asked),
        issuer=asked.issuer or None,
        number=asked.number,
        day=asked.day,
        signer=asked.signer,
    )


def _or_404(view: View) -> View:
    """DomainErrors of the reads (unknown unit, phase, out of scope) as 404."""

    def wrapped(request: HttpRequest, *args: str, **kwargs: str) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except DomainError as error:
            raise Http404(error.message_vi) from error
        return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


# --- choosing --------------------------------------------------------------------


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The templates in force, and a form for a report."""
    templates = queries.template_list()
    held = [a.unit for a in roles_for(actor=request.user) if a.unit is not None]
    unit_code = request.GET.get("unit", "").strip() or (held[0].code if held else "")
    template = request.GET.get("template", "") or queries.DEFAULT_TEMPLATE
    phase = request.GET.get("phase", "").strip() or "2016-2020"
    if request.GET.get("unit"):
        asked = Request(
            template, unit_code, phase, "", request.GET.get("issuer", ""), "", "", None
        )
        try:
            queries.phase_bounds(phase)
            target = _report_url(asked)
        except DomainError as error:
            return render(
                request,
                "reports/index.html",
                {
                    "templates": templates,
                    "unit": unit_code,
                    "template": template,
                    "phase": phase,
                    "issuers": ISSUER_LABELS.items(),
                    "error": error.message_vi,
                },
            )
        return redirect(target)
    return render(
        request,
        "reports/index.html",
        {
            "templates": templates,
            "unit": unit_code,
            "template": template,
            "phase": phase,
            "issuers": ISSUER_LABELS.items(),
        },
    )


# --- the report ------------------------------------------------------------------------


@dataclass(frozen=True)
class PieceOut:
    text: str
    name: str = ""
    url: str = ""
    title: str = ""


def _paragraph(report: Report, asked: Request, block: ParagraphOut) -> list[PieceOut]:
    pieces: list[PieceOut] = []
    for index, sentence in enumerate(block.sentences):
        if index:
            pieces.append(PieceOut(" "))
        for piece in sentence.pieces:
            if isinstance(piece, FigureText):
                result = report.evaluator.figure(piece.name)
                label = result.source.label_vi if isinstance(result, Figure) else ""
                linkable = isinstance(result, Figure) and result.source.kind not in (
                    "text",
                    "date",
                )
                pieces.append(
                    PieceOut(
                        piece.text,
                        piece.name,
                        asked.url("reports:figure", piece.name) if linkable else "",
                        f"{label} ({result.source.period})"
                        if linkable and isinstance(result, Figure)
                        else "",
                    )
                )
            else:
                pieces.append(PieceOut(piece))
    return pieces


@login_required
@require_GET
@_or_404
def report_page(
    request: HttpRequest, template: str, unit: str, phase: str
) -> HttpResponse:
    from vandong.reports.writers.charts import chart_data

    asked = _request(request, template, unit, phase)
    report = _compose(request, asked)
    sections = []
    for section in report.sections:
        blocks: list[dict[str, object]] = []
        for block in section.blocks:
            if isinstance(block, ParagraphOut):
                blocks.append({"paragraph": _paragraph(report, asked, block)})
            elif isinstance(block, ChartOut):
                if chart_data(report.scope, block).empty:
                    report.missing.append(chart_missing(report, section.key, block))
                    continue
                blocks.append(
                    {
                        "chart": asked.url("reports:chart", block.key),
                        "caption": block.caption,
                    }
                )
        sections.append({"section": section, "blocks": blocks})
    return render(
        request,
        "reports/report.html",
        {
            "report": report,
            "asked": asked,
            "sections": sections,
            "downloads": [(fmt, asked.url("reports:download", fmt)) for fmt in FORMATS],
            "issuers": [
                (key, labels[0], asked.url("reports:report", issuer=key))
                for key, labels in ISSUER_LABELS.items()
            ],
            "trees": [
                (tree, asked.url("reports:report", tree=tree))
                for tree in analytics.TREES
            ],
        },
    )


@login_required
@require_GET
@_or_404
def download(
    request: HttpRequest, template: str, unit: str, phase: str, fmt: str
) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(fmt)
    asked = _request(request, template, unit, phase)
    report = _compose(request, asked)
    response = HttpResponse(render_file(report, fmt), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{report.file_stem}.{fmt}"'
    return response


@login_required
@require_GET
@_or_404
def chart(
    request: HttpRequest, template: str, unit: str, phase: str, key: str
) -> HttpResponse:
    from vandong.reports.writers.charts import chart_data, render_png

    asked = _request(request, template, unit, phase)
    spec = _spec(asked.template)
    # the chart by its key, "{section}-{position}", from the template alone:
    # its data needs the scope, not the composed report
    for section in spec.sections:
        for index, block in enumerate(section.blocks):
            if isinstance(block, specs.ChartDef) and f"{section.key}-{index}" == key:
                data = chart_data(
                    _scope(request, asked), chart_out(section.key, index, block)
                )
                if data.empty:
                    raise Http404(key)
                response = HttpResponse(render_png(data), content_type="image/png")
                response["Cache-Control"] = "private, max-age=300"
                return response
    raise Http404(key)


# --- a figure: by child unit, and the data values behind it --------------------------


def _shown(figure: Figure, value: float | None) -> str:
    if value is None:
        return ""
    if figure.percent:
        return notation.percent_text(value, 1)
    if figure.money:
        return money_vi(int(value), "prose", digits=1)
    if float(value).is_integer():
        return number_vi(int(value))
    return number_vi(value, 1)


@login_required
@require_GET
@_or_404
def figure_page(
    request: HttpRequest, template: str, unit: str, phase: str, name: str
) -> HttpResponse:
    from vandong.catalog.models import DataElement, Period
    from vandong.collect.queries import data_value_list

    asked = _request(request, template, unit, phase)
    spec = _spec(asked.template)
    if not spec.definitions(name):
        raise Http404(name)
    scope = _scope(request, asked)
    evaluator = Evaluator(spec, scope)
    result = evaluator.figure(name)
    children = []
    if isinstance(result, Figure):
        for child in evaluator.children(name):
            child_asked = Request(
                asked.template,
                child.unit_code,
                asked.phase,
                asked.tree,
                asked.issuer,
                "",
                "",
                None,
            )
            children.append(
                {
                    "child": child,
                    "value": _shown(result, child.value),
                    "numerator": number_vi(child.numerator)
                    if child.numerator is not None and result.percent
                    else "",
                    "denominator": number_vi(child.denominator)
                    if child.denominator is not None and result.percent
                    else "",
                    "url": child_asked.url("reports:figure", name),
                }
            )
    source = result.source
    values, count, api_links = [], 0, []
    if source is not None and source.elements and source.period:
        elements = DataElement.objects.filter(code__in=source.elements)
        periods = Period.objects.filter(
            code__in=[str(y) for y in years_of(source.period)]
        )
        units = Unit.objects.within(scope.unit) if scope.unit is not None else None
        found = data_value_list(
            actor=request.user, elements=elements, units=units, periods=periods
        ).select_related("data_element", "unit", "period")
        count = found.count()
        values = list(found[:VALUES_SHOWN])
        api = reverse("api:data-values-list")
        for element in source.elements:
            for year in years_of(source.period):
                query = {"data_element": element, "period": str(year)}
                if scope.unit is not None:
                    query |= {
                        "unit": scope.unit.code,
                        "children": "true",
                        "valid_on": f"{year}-12-31",
                    }
                api_links.append((element, year, f"{api}?{urlencode(query)}"))
    return render(
        request,
        "reports/figure.html",
        {
            "asked": asked,
            "scope": scope,
            "name": name,
            "definition": evaluator.definition(name),
            "result": result,
            "missing": isinstance(result, Missing),
            "shown": _shown(result, result.value) if isinstance(result, Figure) else "",
            "children": children,
            "child_level": scope.child_level,
            "values": values,
            "value_count": count,
            "values_shown": VALUES_SHOWN,
            "api_links": api_links,
            "report_url": asked.url("reports:report"),
            "parent_url": _parent_url(asked, scope, name),
        },
    )


def _parent_url(asked: Request, scope: Scope, name: str) -> str:
    if scope.unit is None or scope.unit.parent_id is None:
        return ""
    parent = Unit.objects.filter(pk=scope.unit.parent_id).first()
    if parent is None:
        return ""
    up = Request(
        asked.template, parent.code, asked.phase, asked.tree, asked.issuer, "", "", None
    )
    return up.url("reports:figure", name)
