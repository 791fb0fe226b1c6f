"""The report's charts as PNG images (matplotlib, no display): the yearly
series of indicators over the phase (communes meeting a standard) and the
contributions by year and contributor kind (the registry)."""

import datetime
import functools
import io
from dataclasses import dataclass

from vandong.core.formatting import number_vi
from vandong.registries.contributions.rules import KIND_NAMES_VI, PURPOSE_NAMES_VI
from vandong.reports.compose import ChartOut
from vandong.reports.figures import Scope
from vandong.reports.writers.fonts import Family, serif

COLOURS = ("#1f4e79", "#c0504d", "#9bbb59", "#8064a2", "#f79646", "#4bacc6")


@dataclass(frozen=True)
class ChartData:
    """What a chart draws: a category axis and named series."""

    title: str
    unit_label: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]
    stacked: bool = False

    @property
    def empty(self) -> bool:
        return not any(v is not None for _, values in self.series for v in values)


def chart_data(scope: Scope, chart: ChartOut) -> ChartData:
    """What a chart of a report for `scope` draws (the scope alone: no need
    to compose the report)."""
    if chart.kind == "trend":
        return _trend(scope, chart)
    return _contributions(scope, chart)


def _trend(scope: Scope, chart: ChartOut) -> ChartData:
    from vandong.analytics import queries as analytics

    years = list(range(scope.start, scope.end + 1))
    series = []
    for code in chart.arguments:
        try:
            info = analytics.indicator_info(code)
            rows = analytics.rows(
                code, unit=scope.unit, periods=[str(y) for y in years], tree=scope.tree
            )
        except analytics.AnalyticsError:
            continue
        own = scope.unit.pk if scope.unit is not None else 0
        by_year = {r.period: r.value for r in rows if r.unit_id == own}
        series.append((info.name_vi, [by_year.get(str(y)) for y in years]))
    return ChartData(chart.caption, "", [str(y) for y in years], series)


def _contributions(scope: Scope, chart: ChartOut) -> ChartData:
    from vandong.registries.contributions.queries import (
        ContributionFilter,
        contribution_list,
    )
    from vandong.registries.contributions.totals import totals_by

    by = chart.arguments[0] if chart.arguments else "kind"
    labels = KIND_NAMES_VI if by == "kind" else PURPOSE_NAMES_VI
    years = list(range(scope.start, scope.end + 1))
    table: dict[str, list[float | None]] = {key: [None] * len(years) for key in labels}
    for index, year in enumerate(years):
        records = contribution_list(
            actor=scope.actor,
            filters=ContributionFilter(
                unit=scope.unit,
                start=datetime.date(year, 1, 1),
                end=datetime.date(year, 12, 31),
            ),
        )
        for key, totals in totals_by(records, by):  # type: ignore[arg-type]
            if key in table:
                table[key][index] = totals.total_vnd / 1e9
    series = [(labels[key], values) for key, values in table.items() if any(values)]
    return ChartData(
        chart.caption, "tỷ đồng", [str(y) for y in years], series, stacked=True
    )


@functools.cache
def _matplotlib_serif() -> Family:
    """The embedded serif registered with matplotlib once per process:
    each registration grows its font list and empties its font cache."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    family = serif()
    for path in family.files.values():
        font_manager.fontManager.addfont(str(path))
    return family


def render_png(
    data: ChartData, *, width_cm: float = 16.0, height_cm: float = 8.0
) -> bytes:
    from matplotlib import pyplot as plt
    from matplotlib.ticker import FuncFormatter

    family = _matplotlib_serif()
    with plt.rc_context({"font.family": family.name, "font.size": 9}):
        figure, axes = plt.subplots(
            figsize=(width_cm / 2.54, height_cm / 2.54), dpi=200
        )
        positions = list(range(len(data.categories)))
        if data.stacked:
            bottoms = [0.0] * len(positions)
            for index, (label, values) in enumerate(data.series):
                heights = [v or 0.0 for v in values]
                axes.bar(
                    positions,
                    heights,
                    bottom=bottoms,
                    label=label,
                    color=COLOURS[index % len(COLOURS)],
                    width=0.6,
                )
                bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        else:
            for index, (label, values) in enumerate(data.series):
                points = [
                    (p, v)
                    for p, v in zip(positions, values, strict=True)
                    if v is not None
                ]
                axes.plot(
                    [p for p, _ in points],
                    [v for _, v in points],
                    marker="o",
                    label=label,
                    color=COLOURS[index % len(COLOURS)],
                )
                for p, v in points:
                    axes.annotate(
                        number_vi(v),
                        (p, v),
                        textcoords="offset points",
                        xytext=(0, 4),
                        ha="center",
                        fontsize=7,
                    )
        axes.set_xticks(positions, data.categories)
        if data.unit_label:
            axes.set_ylabel(data.unit_label)
        axes.yaxis.set_major_formatter(FuncFormatter(lambda v, _: number_vi(v)))
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", linewidth=0.3)
        axes.legend(fontsize=7, frameon=False, loc="upper left")
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        plt.close(figure)
    return buffer.getvalue()
