"""A unit's series: every indicator year by year, a chart and a table each.

A current commune's series before the reform is built from the legacy
communes it came from (merged sums, ratios recomputed, split shares marked as
estimates); the page lists them, each a click away from its own series as
reported (`?tree=legacy`)."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_GET

from vandong.analytics import charts, queries
from vandong.analytics.views.common import (
    CURRENT,
    LEGACY,
    HtmxHttpRequest,
    in_tree,
    render_page,
    tree_param,
    unit_for,
    visible,
)
from vandong.analytics.views.figures import plotly_context
from vandong.analytics.views.groups import FIRST_GROUP, group_label
from vandong.geo.models import Succession, Unit
from vandong.geo.queries import unit_ancestors, unit_lineage

if TYPE_CHECKING:
    from vandong.analytics.queries import IndicatorInfo, Row


@dataclass
class SeriesBlock:
    info: "IndicatorInfo"
    rows: list["Row"]
    figure: dict[str, Any]

    @property
    def has_estimates(self) -> bool:
        return any(r.estimate for r in self.rows)


@dataclass
class SeriesGroup:
    code: str
    label: str
    blocks: list[SeriesBlock] = field(default_factory=list)


@dataclass
class Edge:
    """A predecessor or successor, and whether the reader may open it."""

    unit: Unit
    kind: str
    kind_label: str
    area_share: float | None
    open: bool


@login_required
@require_GET
def unit_series(request: HtmxHttpRequest, code: str) -> HttpResponse:
    unit, tree = unit_for(request.user, code, tree_param(request, CURRENT))
    lineage = unit_lineage(unit=unit)
    groups: dict[str, SeriesGroup] = {}
    for info in queries.indicators():
        rows = [
            r for r in queries.series(info.code, unit, tree=tree) if "-" not in r.period
        ]
        if not any(r.value is not None for r in rows):
            continue
        group = groups.setdefault(
            info.group, SeriesGroup(info.group, group_label(info.group))
        )
        group.blocks.append(
            SeriesBlock(info, rows, charts.trend_figure(info, rows, height=220))
        )
    first = FIRST_GROUP.get(unit.type, "")
    ordered = sorted(groups.values(), key=lambda g: g.code != first)
    context = {
        "unit": unit,
        "tree": tree,
        "trees": [t for t in (LEGACY, CURRENT) if in_tree(unit, t)],
        "ancestors": [(a, visible(request.user, a)) for a in unit_ancestors(unit=unit)],
        "groups": ordered,
        "predecessors": _edges(request, lineage.predecessors, before=True),
        "successors": _edges(request, lineage.successors, before=False),
        "estimates": any(b.has_estimates for g in groups.values() for b in g.blocks),
        **plotly_context(),
    }
    return render_page(request, "analytics/series.html", "body", context)


def _edges(
    request: HtmxHttpRequest, edges: list[Succession], *, before: bool
) -> list[Edge]:
    found = []
    for edge in edges:
        other = edge.predecessor if before else edge.successor
        found.append(
            Edge(
                unit=other,
                kind=edge.kind,
                kind_label=str(Succession.Kind(edge.kind).label),
                area_share=edge.area_share,
                open=visible(request.user, other),
            )
        )
    return found
