"""Plotly figures of the analytics pages, built in Python.

Every function takes rows of the read API (`queries.Row`) and returns the
figure as plain JSON-ready data (`{"data": [...], "layout": {...}}`), which the
page embeds as a JSON data block and `analytics/charts.js` draws with
`Plotly.newPlot`. Numbers follow the Vietnamese notation: the layout's
`separators` makes Plotly write 1.234,5, and the labels written here go
through `vandong.core.formatting`.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vandong.core.formatting import number_vi

if TYPE_CHECKING:
    from vandong.analytics.queries import IndicatorInfo, Row

Figure = dict[str, Any]

# The site's colours (site.css): ink, accent red, the "ok" green, muted grey.
INK = "#1d2433"
ACCENT = "#b3261e"
OK = "#1b6e3a"
MUTED = "#9aa1ad"
LINE = "#d9dde5"
# One colour per series when several units share a chart (colour-blind safe).
SERIES_COLOURS = [
    "#0b4f9c",
    "#b3261e",
    "#1b6e3a",
    "#a16207",
    "#6b21a8",
    "#0e7490",
    "#be185d",
    "#4d7c0f",
    "#374151",
    "#c2410c",
    "#1e3a8a",
    "#15803d",
]

MET = "met"
NOT_MET = "not_met"
NO_DATA = "no_data"
STATUS_STYLE: dict[str, tuple[str, str]] = {
    # status: (colour, marker symbol); the symbols differ too, for print and
    # for readers who do not tell red from green.
    MET: (OK, "circle"),
    NOT_MET: (ACCENT, "x"),
    NO_DATA: (MUTED, "circle-open"),
}

# Bars are this tall each; a chart of many units grows instead of squeezing them.
BAR_HEIGHT = 22
FONT = 'system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif'


def is_vi() -> bool:
    return (get_language() or "vi").startswith("vi")


def indicator_name(info: "IndicatorInfo") -> str:
    return info.name_vi if is_vi() else info.name_en


def indicator_measure(info: "IndicatorInfo") -> str:
    return info.measure_vi if is_vi() else info.measure_en


def value_text(value: float | None, decimals: int) -> str:
    """A value the Vietnamese way, "—" when there is none."""
    if value is None:
        return "—"
    return number_vi(value, decimals)


def _d3_format(decimals: int) -> str:
    """The d3 number format Plotly uses; `separators` makes it Vietnamese."""
    return f",.{decimals}f"


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "separators": ",.",
        "font": {"family": FONT, "size": 13, "color": INK},
        "margin": {"l": 10, "r": 10, "t": 12, "b": 10},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "hoverlabel": {"font": {"family": FONT}},
        "legend": {"orientation": "h", "y": -0.15, "x": 0},
    }
    layout.update(extra)
    return layout


def _axis(**extra: Any) -> dict[str, Any]:
    axis: dict[str, Any] = {
        "automargin": True,
        "gridcolor": LINE,
        "zerolinecolor": LINE,
        "fixedrange": True,
    }
    axis.update(extra)
    return axis


def _value_axis(
    scale: "Scale", values: Sequence[float | None], **extra: Any
) -> dict[str, Any]:
    """The axis of values, from zero; a count of a few things ticks by
    whole numbers (no 0,2 district)."""
    axis = _axis(tickformat=",~f", rangemode="tozero", **extra)
    top = max((v for v in values if v is not None), default=0.0)
    if scale.decimals == 0 and scale.divisor == 1 and top <= 5:
        axis["dtick"] = 1
    return axis


def _pruned(value: Any) -> Any:
    """`value` without the dictionary entries that are None (Plotly reads a
    missing attribute as its default); None inside a list stays, a gap."""
    if isinstance(value, dict):
        return {k: _pruned(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_pruned(item) for item in value]
    return value


def _figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> Figure:
    """The figure as plain data, built directly: going through
    `plotly.graph_objects` validated every attribute and took most of a
    dashboard's time."""
    figure: Figure = _pruned({"data": data, "layout": layout})
    return figure


# Money indicators are counted in đồng; charts and key figures say them in
# tỷ or triệu đồng, as a report does.
MONEY_MEASURES = frozenset({"đồng", "VND"})


@dataclass(frozen=True)
class Scale:
    """How values are shown: divided by `divisor`, with `decimals`, in
    `measure`."""

    divisor: float
    measure: str
    decimals: int

    def of(self, value: float | None) -> float | None:
        return None if value is None else value / self.divisor

    def text(self, value: float | None) -> str:
        return value_text(self.of(value), self.decimals)


def scale_for(info: "IndicatorInfo", values: Sequence[float | None]) -> Scale:
    measure = indicator_measure(info)
    if info.measure_vi in MONEY_MEASURES or info.measure_en in MONEY_MEASURES:
        top = max((abs(v) for v in values if v is not None), default=0.0)
        if top >= 1e9:
            return Scale(1e9, _("billion dong"), 2)
        if top >= 1e6:
            return Scale(1e6, _("million dong"), 1)
    return Scale(1.0, measure, info.decimals)


def _period_key(period: str) -> tuple[int, int]:
    start, _sep, end = period.partition("-")
    return (int(start), int(end or start))


def _hover(scale: Scale, name_field: str) -> str:
    """`name_field` is the Plotly field holding the label (x or y)."""
    suffix = f" {scale.measure}" if scale.measure else ""
    value_field = "x" if name_field == "y" else "y"
    return (
        f"%{{{name_field}}}: %{{{value_field}:{_d3_format(scale.decimals)}}}{suffix}"
        "%{customdata}<extra></extra>"
    )


def _custom(row: "Row") -> str:
    """The hover's second line: parts of a ratio, and the estimate mark."""
    lines = []
    if row.numerator is not None and row.denominator is not None:
        lines.append(
            f"{number_vi(row.numerator, _digits(row.numerator))} / "
            f"{number_vi(row.denominator, _digits(row.denominator))}"
        )
    if row.estimate:
        lines.append(_("estimate"))
    return "".join(f"<br>{line}" for line in lines)


def _digits(value: float) -> int:
    return 0 if float(value).is_integer() else 2


def trend_figure(
    info: "IndicatorInfo",
    rows: Sequence["Row"],
    *,
    highlight: str | None = None,
    height: int = 260,
    phases: bool = False,
) -> Figure:
    """The indicator over the years (over the phases when `phases`): one
    line per unit in `rows` (usually one). Estimated points are hollow
    diamonds; `highlight` marks the period being looked at."""
    by_unit: dict[int, list[Row]] = {}
    for row in rows:
        if ("-" in row.period) == phases:
            by_unit.setdefault(row.unit_id, []).append(row)
    scale = scale_for(info, [r.value for r in rows])
    data = []
    for index, unit_rows in enumerate(by_unit.values()):
        unit_rows.sort(key=lambda r: _period_key(r.period))
        colour = SERIES_COLOURS[index % len(SERIES_COLOURS)]
        data.append(
            {
                "type": "scatter",
                "x": [r.period for r in unit_rows],
                "y": [scale.of(r.value) for r in unit_rows],
                "customdata": [_custom(r) for r in unit_rows],
                "name": unit_rows[0].unit_name,
                "mode": "lines+markers",
                "line": {"color": colour, "width": 2},
                "marker": {
                    "color": colour,
                    "size": [10 if r.estimate else 7 for r in unit_rows],
                    "symbol": [
                        "diamond-open" if r.estimate else "circle" for r in unit_rows
                    ],
                },
                "connectgaps": False,
                "hovertemplate": _hover(scale, "x"),
            }
        )
    categories = sorted(
        {r.period for unit_rows in by_unit.values() for r in unit_rows},
        key=_period_key,
    )
    shapes = []
    if highlight in categories:
        # On a category axis a shape's x is the category's index: "2020"
        # would be read as the 2021st category.
        at = categories.index(highlight)
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": at,
                "x1": at,
                "y0": 0,
                "y1": 1,
                "line": {"color": MUTED, "width": 1, "dash": "dot"},
            }
        )
    return _figure(
        data,
        _layout(
            height=height,
            showlegend=len(by_unit) > 1,
            xaxis=_axis(
                type="category",
                categoryorder="array",
                categoryarray=categories,
                title=None,
            ),
            yaxis=_value_axis(
                scale,
                [r.value for r in rows],
                title=None if scale.divisor == 1 else {"text": scale.measure},
            ),
            shapes=shapes,
        ),
    )


def bars_figure(
    info: "IndicatorInfo", rows: Sequence["Row"], *, target: float | None = None
) -> Figure:
    """One period's value by unit, largest on top; units without a value
    are left out (the table beside says so). Estimated bars are hatched.
    `target`, when given, is drawn as a vertical line."""
    shown = sorted(
        (r for r in rows if r.value is not None),
        key=lambda r: (r.value or 0.0, r.unit_name),
    )
    scale = scale_for(info, [r.value for r in shown])
    bars = {
        "type": "bar",
        "x": [scale.of(r.value) for r in shown],
        "y": [_bar_label(r) for r in shown],
        "customdata": [_custom(r) for r in shown],
        "orientation": "h",
        "marker": {
            "color": "#0b4f9c",
            "pattern": {
                "shape": ["/" if r.estimate else "" for r in shown],
                "fillmode": "overlay",
                "fgcolor": "#fff",
                "solidity": 0.4,
            },
        },
        "text": [scale.text(r.value) for r in shown],
        "textposition": "auto",
        "cliponaxis": False,
        "hovertemplate": _hover(scale, "y"),
    }
    shapes = []
    if target is not None:
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": scale.of(target),
                "x1": scale.of(target),
                "y0": 0,
                "y1": 1,
                "line": {"color": ACCENT, "width": 2, "dash": "dash"},
            }
        )
    return _figure(
        [bars],
        _layout(
            height=max(120, 60 + BAR_HEIGHT * len(shown)),
            showlegend=False,
            xaxis=_value_axis(
                scale, [r.value for r in shown], title={"text": scale.measure}
            ),
            yaxis=_axis(
                type="category",
                categoryorder="array",
                categoryarray=[_bar_label(r) for r in shown],
                title=None,
            ),
            shapes=shapes,
            bargap=0.25,
        ),
    )


def _bar_label(row: "Row") -> str:
    # Category labels must be unique: two units may share a name.
    mark = " *" if row.estimate else ""
    return f"{row.unit_name} ({row.unit_code}){mark}"


@dataclass(frozen=True)
class MapPoint:
    """A commune on the map: where it is and its status."""

    code: str
    name: str
    latitude: float
    longitude: float
    status: str  # MET, NOT_MET or NO_DATA
    detail: str = ""  # what the status is about ("Đạt chuẩn nông thôn mới")
    estimate: bool = False


def status_labels() -> dict[str, str]:
    return {MET: _("Met"), NOT_MET: _("Not met"), NO_DATA: _("No data")}


def map_figure(points: Sequence[MapPoint]) -> Figure:
    """Communes at their centroids coloured by status, on plain longitude
    and latitude axes (no map tiles: nothing is fetched from elsewhere).
    The axes keep the ground's proportions at the points' latitude; the
    page's style sets the height, so it fits a phone."""
    labels = status_labels()
    data = []
    for status in (MET, NOT_MET, NO_DATA):
        chosen = [p for p in points if p.status == status]
        colour, symbol = STATUS_STYLE[status]
        data.append(
            {
                "type": "scatter",
                "x": [p.longitude for p in chosen],
                "y": [p.latitude for p in chosen],
                "mode": "markers",
                "name": f"{labels[status]} ({number_vi(len(chosen))})",
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    "size": 11,
                    "line": {"width": 1.5, "color": colour},
                },
                "customdata": [
                    [p.name, p.code, p.detail + (" *" if p.estimate else "")]
                    for p in chosen
                ],
                "hovertemplate": (
                    "%{customdata[0]} (%{customdata[1]})<br>"
                    f"{labels[status]}"
                    "<br>%{customdata[2]}<extra></extra>"
                ),
            }
        )
    middle = (
        sum(p.latitude for p in points) / len(points) if points else 16.0
    )  # the country's middle when there is nothing to show
    x_range = _padded([p.longitude for p in points])
    y_range = _padded([p.latitude for p in points])
    return _figure(
        data,
        _layout(
            autosize=True,
            showlegend=True,
            xaxis=_axis(
                showticklabels=False,
                showgrid=False,
                zeroline=False,
                title=None,
                fixedrange=False,
                range=x_range,
            ),
            yaxis=_axis(
                showticklabels=False,
                showgrid=False,
                zeroline=False,
                title=None,
                fixedrange=False,
                scaleanchor="x",
                scaleratio=1 / math.cos(math.radians(middle)),
                range=y_range,
            ),
            legend={"orientation": "h", "y": -0.02, "x": 0, "yanchor": "top"},
            dragmode="pan",
        ),
    )


def _padded(values: Sequence[float]) -> list[float] | None:
    """A range around the values with a margin, so no dot sits on the edge
    (a tenth of the spread, at least about 2 km)."""
    if not values:
        return None
    low, high = min(values), max(values)
    pad = max(0.02, (high - low) * 0.1)
    return [low - pad, high + pad]


def gauge_figure(
    *,
    value: float | None,
    target: float,
    decimals: int,
    measure: str,
    maximum: float | None = None,
    reference: float | None = None,
    height: int = 220,
) -> Figure:
    """A target gauge: the current value on a dial whose red line is the
    target; `reference` (a baseline) shows the change as a delta."""
    top = maximum
    if top is None:
        top = max(target, value or 0.0) * 1.2 or 1.0
        if measure == "%":
            top = min(100.0, top) if target <= 100 else top
    suffix = f" {measure}" if measure and measure != "%" else measure
    indicator: dict[str, Any] = {
        "type": "indicator",
        "mode": "gauge+number" + ("+delta" if reference is not None else ""),
        "value": value,
        "number": {"valueformat": _d3_format(decimals), "suffix": suffix},
        "gauge": {
            "axis": {"range": [0, top], "tickformat": _d3_format(0)},
            "bar": {"color": "#0b4f9c"},
            "bgcolor": "#fff",
            "bordercolor": LINE,
            "steps": [{"range": [0, target], "color": "#eef0f4"}],
            "threshold": {
                "line": {"color": ACCENT, "width": 3},
                "thickness": 0.85,
                "value": target,
            },
        },
    }
    if reference is not None:
        indicator["delta"] = {
            "reference": reference,
            "valueformat": _d3_format(decimals),
            "increasing": {"color": OK},
            "decreasing": {"color": ACCENT},
        }
    return _figure(
        [indicator],
        _layout(height=height, margin={"l": 40, "r": 40, "t": 20, "b": 10}),
    )


# A chart of many lines is unreadable: past this many units the pivot draws
# the last period's bars instead.
MAX_LINES = 12


def pivot_figure(
    info: "IndicatorInfo", rows: Sequence["Row"], periods: Sequence[str]
) -> Figure:
    """The pivot's chart for one indicator: lines over the periods when
    there are several and few units, else bars of the last period. Years
    and phases do not share an axis: the lines follow the years chosen, or
    the phases when only phases were."""
    units = {r.unit_id for r in rows}
    years = [p for p in periods if "-" not in p]
    axis = years or list(periods)
    if len(axis) > 1 and len(units) <= MAX_LINES:
        # Room for the legend, which a phone stacks one unit a line.
        height = min(600, 260 + 20 * len(units))
        return trend_figure(info, rows, height=height, phases=not years)
    last = axis[-1] if axis else None
    return bars_figure(info, [r for r in rows if r.period == last])
