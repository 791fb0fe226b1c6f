"""The province and district dashboards: headline figures with their change
from the year before, trends, bars by the units below, a map of communes by
status and the target gauges. Choosing the year or the tree swaps the body
(HTMX) and pushes the URL, so every view of it can be shared."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from vandong.analytics import charts, queries
from vandong.analytics.views.common import (
    CURRENT,
    LEGACY,
    HtmxHttpRequest,
    child_level,
    default_tree,
    in_tree,
    render_page,
    scope_roots,
    tree_param,
    unit_for,
    visible,
    year_param,
)
from vandong.analytics.views.figures import (
    EVALUATED,
    REPORTED,
    Headline,
    headline,
    map_points,
    plotly_context,
    target_gauges,
)
from vandong.geo.models import Level, Unit
from vandong.geo.queries import unit_ancestors

if TYPE_CHECKING:
    from vandong.analytics.queries import IndicatorInfo, Row

# The figures an official looks for first, in this order (codes of
# indicators.yaml); those the store does not know are skipped.
HEADLINE_CODES = (
    "NTM_COMMUNE_SHARE",
    "URBAN_CIVILIZED_SHARE",
    "CULTURAL_FAMILY_SHARE",
    "CONTRIBUTIONS_VND",
    "OCOP_PRODUCTS",
    "NTM_DISTRICTS",
    "LAND_DONATED_M2",
    "CULTURAL_VILLAGE_SHARE",
)
MAX_HEADLINES = 6


@login_required
@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The dashboard of the reader's own unit: a province's or district's
    dashboard, a commune's or village's series; readers of the whole
    country choose a province."""
    roots = scope_roots(request.user)
    if roots is None:
        provinces = [
            u
            for u in Unit.objects.filter(level=Level.PROVINCE).order_by("name_key")
            if in_tree(u, CURRENT)
        ]
        return render_page(
            request, "analytics/choose.html", "list", {"provinces": provinces}
        )
    if not roots:
        return render_page(request, "analytics/choose.html", "list", {"provinces": []})
    root = roots[0]
    tree = default_tree(root)
    name = "analytics:dashboard" if root.level <= Level.DISTRICT else "analytics:unit"
    return HttpResponseRedirect(reverse(name, args=[root.code]) + f"?tree={tree}")


@dataclass
class Bars:
    info: "IndicatorInfo | None"
    level: int | None
    rows: list["Row"] = field(default_factory=list)
    figure: dict[str, Any] | None = None
    missing: list["Row"] = field(default_factory=list)


@login_required
@require_GET
def dashboard(request: HtmxHttpRequest, code: str) -> HttpResponse:
    """A province's or district's dashboard for a year, on a tree."""
    unit, tree = unit_for(request.user, code, tree_param(request, CURRENT))
    if not request.GET.get("tree"):
        tree = default_tree(unit)
    if unit.level > Level.DISTRICT:
        # A commune's figures are its series.
        url = reverse("analytics:unit", args=[unit.code]) + f"?tree={tree}"
        return HttpResponseRedirect(url)
    years = queries.years()
    if tree == LEGACY and unit.valid_to is not None:
        # A legacy district reports until its last full year.
        years = [y for y in years if y <= unit.valid_to.year - 1] or years
    year, year_error = year_param(request, years)
    context: dict[str, Any] = {
        "unit": unit,
        "ancestors": [(a, visible(request.user, a)) for a in unit_ancestors(unit=unit)],
        "tree": tree,
        "trees": _tree_choices(unit),
        "years": years,
        "year": year,
        "year_error": year_error,
        "state": queries.store_state(),
        **plotly_context(),
    }
    if year is not None:
        context.update(_figures(request, unit, tree, year))
    return render_page(request, "analytics/dashboard.html", "body", context)


def _tree_choices(unit: Unit) -> list[tuple[str, str]]:
    """The trees the unit belongs to, with their names."""
    names = {
        LEGACY: _("As reported (units of the time)"),
        CURRENT: _("Current units (after 1/7/2025)"),
    }
    return [(t, names[t]) for t in (LEGACY, CURRENT) if in_tree(unit, t)]


def _figures(
    request: HtmxHttpRequest, unit: Unit, tree: str, year: int
) -> dict[str, Any]:
    known = {i.code: i for i in queries.indicators()}
    chosen = [known[c] for c in HEADLINE_CODES if c in known]
    if not chosen:
        chosen = list(known.values())[:MAX_HEADLINES]
    headlines: list[Headline] = []
    for info in chosen:
        found = headline(info, unit=unit, tree=tree, year=year)
        if found.value is not None:
            headlines.append(found)
        if len(headlines) == MAX_HEADLINES:
            break
    bars, bar_choices = _bars(request, headlines, unit, tree, year)
    basis = request.GET.get("basis", REPORTED)
    basis = basis if basis in (REPORTED, EVALUATED) else REPORTED
    points = map_points(unit=unit, tree=tree, year=year, basis=basis)
    return {
        "headlines": headlines,
        "bars": bars,
        "bar_choices": bar_choices,
        "map_figure": charts.map_figure(points) if points else None,
        "map_counts": [
            (status, label, sum(1 for p in points if p.status == status))
            for status, label in charts.status_labels().items()
        ],
        "basis": basis,
        "gauges": target_gauges(unit=unit, tree=tree, actor=request.user),
        "estimates": any(h.estimate for h in headlines)
        or any(r.estimate for r in bars.rows),
    }


def _meaningful(info: "IndicatorInfo", rows: list["Row"]) -> list["Row"]:
    """The rows worth a bar: those with a value, unless the indicator is a
    share of units and each unit is one of them (a commune's “share of
    communes meeting the standard” is 0 or 100, which the map shows)."""
    with_value = [r for r in rows if r.value is not None]
    if info.is_ratio and all((r.denominator or 0) <= 1 for r in with_value):
        return []
    return with_value


def _bars(
    request: HtmxHttpRequest,
    headlines: list[Headline],
    unit: Unit,
    tree: str,
    year: int,
) -> tuple[Bars, list["IndicatorInfo"]]:
    """The key figures by the units just below; the chosen one (`bars=`),
    else the first that has figures there."""
    level = child_level(unit, tree, year)
    if level is None:
        return Bars(info=None, level=None), []
    found: dict[str, tuple[IndicatorInfo, list[Row], list[Row]]] = {}
    for h in headlines:
        rows = queries.rows(
            h.info.code, unit=unit, level=level, periods=[str(year)], tree=tree
        )
        shown = _meaningful(h.info, rows)
        if shown:
            found[h.info.code] = (h.info, rows, shown)
    if not found:
        return Bars(info=None, level=level), []
    code = request.GET.get("bars", "")
    info, rows, shown = found.get(code) or next(iter(found.values()))
    bars = Bars(
        info=info,
        level=level,
        rows=sorted(shown, key=lambda r: -(r.value or 0.0)),
        figure=charts.bars_figure(info, shown),
        missing=[r for r in rows if r.value is None],
    )
    return bars, [i for i, _rows, _shown in found.values()]
