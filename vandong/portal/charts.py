"""The province page's charts as Plotly figures (plain JSON), in the reader's
language, built from the cached series (`payloads.province_charts`). The
page asks for them after its text has loaded (`static/portal/portal.js`);
each comes with its figures as a table, for readers who cannot see it."""

import html
import textwrap
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from vandong.catalog.criteria.spec import MET, NO_DATA, NOT_MET
from vandong.core.formatting import number_vi

INK = "#1d2433"
LINE = "#d9dde5"
COLOURS = ["#0b4f9c", "#b3261e", "#1b6e3a", "#a16207"]
STATUS_COLOURS = {
    MET: "#1b6e3a",
    NOT_MET: "#b3261e",
    NO_DATA: "#9aa1ad",
}
# Characters a legend line holds on a phone.
LEGEND_WIDTH = 42
FONT = 'system-ui, "Segoe UI", Roboto, "Noto Sans", sans-serif'


def is_vi() -> bool:
    return (get_language() or "vi").startswith("vi")


def _name(item: dict[str, Any]) -> str:
    return str(item["name_vi"] if is_vi() else item["name_en"])


def _plotly_text(text: str, width: int = 0) -> str:
    """Text Plotly draws: its pseudo-HTML (<a href>, <b>) escaped (Plotly
    shows the entities as the characters they stand for); broken into lines
    of about `width` characters (a legend does not wrap by itself)."""
    lines = textwrap.wrap(text, width) if width else [text]
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def _layout(**extra: Any) -> dict[str, Any]:
    layout: dict[str, Any] = {
        "separators": ",.",
        "font": {"family": FONT, "size": 13, "color": INK},
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "paper_bgcolor": "#fff",
        "plot_bgcolor": "#fff",
        "height": 300,
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
        "xaxis": {"automargin": True, "fixedrange": True, "dtick": 1},
        "yaxis": {
            "automargin": True,
            "fixedrange": True,
            "gridcolor": LINE,
            "rangemode": "tozero",
        },
    }
    layout.update(extra)
    return layout


def _trend(trend: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not trend:
        return None
    data = []
    years = sorted({p["year"] for s in trend for p in s["points"]})
    # Every year of the span on the axis, an unpublished one as a gap in
    # the line (never joined across it).
    span = list(range(years[0], years[-1] + 1))
    for i, item in enumerate(trend):
        values = {p["year"]: round(p["value"], 1) for p in item["points"]}
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "connectgaps": False,
                "name": _plotly_text(_name(item), LEGEND_WIDTH),
                "x": span,
                "y": [values.get(y) for y in span],
                "line": {"color": COLOURS[i % len(COLOURS)], "width": 3},
                "hovertemplate": "%{x}: %{y:,.1f}%<extra></extra>",
            }
        )
    layout = _layout()
    layout["yaxis"].update({"ticksuffix": "%", "range": [0, 100]})
    by_year = {
        item["code"]: {p["year"]: p["value"] for p in item["points"]} for item in trend
    }
    return {
        "id": "chart-trend",
        "title": _("Shares over the published years"),
        "figure": {"data": data, "layout": layout},
        "table": {
            "columns": [_("Year"), *(_name(i) for i in trend)],
            "rows": [
                [
                    str(y),
                    *(
                        f"{number_vi(by_year[i['code']][y], 1)}%"
                        if y in by_year[i["code"]]
                        else "—"
                        for i in trend
                    ),
                ]
                for y in years
            ],
        },
    }


def _money(money: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not money:
        return None
    item = money[0]
    billions = [p["value"] / 1e9 for p in item["points"]]
    unit = _("billion VND")
    layout = _layout(showlegend=False)
    return {
        "id": "chart-money",
        "title": _name(item) + f" ({unit})",
        "figure": {
            "data": [
                {
                    "type": "bar",
                    "name": _plotly_text(_name(item)),
                    "x": [p["year"] for p in item["points"]],
                    "y": [round(b, 2) for b in billions],
                    "marker": {"color": COLOURS[0]},
                    "hovertemplate": "%{x}: %{y:,.2f} " + unit + "<extra></extra>",
                }
            ],
            "layout": layout,
        },
        "table": {
            "columns": [_("Year"), unit],
            "rows": [
                [str(p["year"]), number_vi(b, 2)]
                for p, b in zip(item["points"], billions, strict=True)
            ],
        },
    }


def _communes(counts: dict[str, int]) -> dict[str, Any] | None:
    if not any(counts.values()):
        return None
    labels = {
        MET: _("Met the standard"),
        NOT_MET: _("Not yet"),
        NO_DATA: _("No data"),
    }
    order = [MET, NOT_MET, NO_DATA]
    layout = _layout(showlegend=False, height=220)
    layout["xaxis"] = {"automargin": True, "fixedrange": True, "gridcolor": LINE}
    layout["yaxis"] = {"automargin": True, "fixedrange": True, "autorange": "reversed"}
    return {
        "id": "chart-communes",
        "title": _("Communes and wards by standard status"),
        "figure": {
            "data": [
                {
                    "type": "bar",
                    "orientation": "h",
                    "x": [counts.get(s, 0) for s in order],
                    "y": [_plotly_text(labels[s]) for s in order],
                    "marker": {"color": [STATUS_COLOURS[s] for s in order]},
                    "text": [str(counts.get(s, 0)) for s in order],
                    "textposition": "auto",
                    "hovertemplate": "%{y}: %{x}<extra></extra>",
                }
            ],
            "layout": layout,
        },
        "table": {
            "columns": [_("Status"), _("Units")],
            "rows": [[labels[s], str(counts.get(s, 0))] for s in order],
        },
    }


def province_figures(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The charts of a province's charts payload, in the active language."""
    if not payload.get("published"):
        return []
    found = [
        _trend(payload.get("trend") or []),
        _money(payload.get("money") or []),
        _communes(payload.get("communes") or {}),
    ]
    return [f for f in found if f is not None]
