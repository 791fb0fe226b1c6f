"""The figures of the dashboard, read through the analytics read API and
shaped for the templates: headlines, the map's statuses, target gauges."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils.translation import gettext as _

from vandong.analytics import charts, queries
from vandong.analytics.charts import MET, NO_DATA, NOT_MET, MapPoint
from vandong.analytics.models import Target
from vandong.analytics.views.common import tree_day
from vandong.analytics.views.plotly import plotly_js_version
from vandong.geo.models import Level, Unit

if TYPE_CHECKING:
    from vandong.analytics.queries import IndicatorInfo, Row


def plotly_context() -> dict[str, Any]:
    """What the pages need to draw: the script's URL, and Plotly's own words
    (its mode bar) in the page's language."""
    locale: dict[str, Any] = {"name": "vi" if charts.is_vi() else "en"}
    if charts.is_vi():
        locale["dictionary"] = {
            "Download plot as a PNG": _("Download the chart as a picture (PNG)"),
            "Download plot": _("Download the chart"),
            "Preparing image - this may take a few seconds": _(
                "Preparing the picture…"
            ),
            "Zoom": _("Zoom"),
            "Pan": _("Move"),
            "Zoom in": _("Zoom in"),
            "Zoom out": _("Zoom out"),
            "Reset axes": _("Back to the whole view"),
            "Autoscale": _("Fit to the data"),
            "Double-click to zoom back out": _("Double-click to zoom back out"),
            "Sorry, there was a problem downloading your image!": _(
                "The picture could not be downloaded."
            ),
        }
        locale["format"] = {"decimal": ",", "thousands": "."}
    return {
        "plotly_url": reverse("analytics:plotly", args=[plotly_js_version()]),
        "plotly_locale": locale,
    }


# --- headlines -------------------------------------------------------------------


@dataclass
class Headline:
    """A key figure of a year with the year before, and its series."""

    info: "IndicatorInfo"
    year: int
    row: "Row | None"
    previous: "Row | None"
    series: list["Row"] = field(default_factory=list)
    figure: dict[str, Any] | None = None

    @property
    def name(self) -> str:
        return charts.indicator_name(self.info)

    @property
    def value(self) -> float | None:
        return self.row.value if self.row else None

    @property
    def scale(self) -> charts.Scale:
        before = self.previous.value if self.previous else None
        return charts.scale_for(self.info, [self.value, before])

    @property
    def measure(self) -> str:
        return self.scale.measure

    @property
    def value_text(self) -> str:
        return self.scale.text(self.value)

    @property
    def estimate(self) -> bool:
        return bool(self.row and self.row.estimate)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None or self.previous.value is None:
            return None
        return self.value - self.previous.value

    @property
    def direction(self) -> str:
        change = self.change
        scale = self.scale
        if change is None or round(change / scale.divisor, scale.decimals) == 0:
            return "flat"
        return "up" if change > 0 else "down"

    @property
    def change_text(self) -> str:
        """“+2,5 điểm %” for a percent, “+3 xã” for a count; “—” without a
        previous year."""
        change = self.change
        if change is None:
            return "—"
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        scale = self.scale
        amount = scale.text(abs(change))
        measure = scale.measure
        if measure == "%":
            return _("%(sign)s%(amount)s percentage points") % {
                "sign": sign,
                "amount": amount,
            }
        return f"{sign}{amount} {measure}".strip()


def _by_period(rows: list["Row"]) -> dict[str, "Row"]:
    return {r.period: r for r in rows}


def headline(info: "IndicatorInfo", *, unit: Unit, tree: str, year: int) -> Headline:
    series = [
        r for r in queries.rows(info.code, unit=unit, tree=tree) if "-" not in r.period
    ]
    by_period = _by_period(series)
    found = Headline(
        info=info,
        year=year,
        row=by_period.get(str(year)),
        previous=by_period.get(str(year - 1)),
        series=series,
    )
    if any(r.value is not None for r in series):
        found.figure = charts.trend_figure(info, series, highlight=str(year))
    return found


# --- the map ---------------------------------------------------------------------

REPORTED = "reported"
EVALUATED = "evaluated"

# Which standard a commune's dot shows, by unit type: communes (xã) the
# new-rural standard, wards and townships the civilized-urban one; either as
# the communes reported it (the attainment the province counts) or as the
# criteria engine evaluated it from the data. Each is an indicator whose
# numerator counts the units meeting it, so a commune's own row says met
# (1), not met (0) or nothing (no row, or no numerator). The first code of
# each list the store knows is used.
STATUS_INDICATORS: dict[str, dict[str, tuple[str, ...]]] = {
    REPORTED: {
        "xa": ("NTM_COMMUNE_SHARE",),
        "dac_khu": ("NTM_COMMUNE_SHARE",),
        "phuong": ("URBAN_CIVILIZED_SHARE",),
        "thi_tran": ("URBAN_CIVILIZED_SHARE",),
    },
    EVALUATED: {
        "xa": ("NTM_EVALUATED_MET_SHARE",),
        "dac_khu": ("NTM_EVALUATED_MET_SHARE",),
        "phuong": ("URBAN_EVALUATED_MET_SHARE",),
        "thi_tran": ("URBAN_EVALUATED_MET_SHARE",),
    },
}


def _status(row: "Row | None") -> str:
    if row is None or row.numerator is None:
        return NO_DATA
    return MET if row.numerator > 0 else NOT_MET


def map_points(
    *, unit: Unit, tree: str, year: int, basis: str = REPORTED
) -> list[MapPoint]:
    """The communes of the unit on the tree in the year, at their
    centroids, with their status on the basis chosen."""
    communes = list(
        Unit.objects.valid_on(tree_day(tree, year))
        .filter(
            path__startswith=unit.path,
            level=Level.COMMUNE,
            latitude__isnull=False,
            longitude__isnull=False,
        )
        .order_by("code")
    )
    if not communes:
        return []
    known = {i.code: i for i in queries.indicators()}
    by_type = {
        unit_type: next((c for c in codes if c in known), "")
        for unit_type, codes in STATUS_INDICATORS[basis].items()
    }
    status_rows: dict[str, dict[int, Row]] = {}
    for code in sorted({c for c in by_type.values() if c}):
        rows = queries.rows(
            code, unit=unit, level=Level.COMMUNE, periods=[str(year)], tree=tree
        )
        status_rows[code] = {r.unit_id: r for r in rows}
    points = []
    for commune in communes:
        code = by_type.get(commune.type, "")
        row = status_rows.get(code, {}).get(commune.pk)
        points.append(
            MapPoint(
                code=commune.code,
                name=commune.name,
                latitude=float(commune.latitude or 0.0),
                longitude=float(commune.longitude or 0.0),
                status=_status(row),
                detail=charts.indicator_name(known[code]) if code in known else "",
                estimate=bool(row and row.estimate),
            )
        )
    return points


# --- targets ---------------------------------------------------------------------


@dataclass
class Gauge:
    """A target's gauge and the figures around it."""

    target: Target
    tree: str
    figure: dict[str, Any] | None
    value: float | None
    value_year: int | None
    goal: float | None
    baseline: float | None
    decimals: int
    measure: str
    status: str
    status_label: str
    projected: float | None
    method: str
    pace: float | None
    note: str
    units_needed: int | None = None
    closing_units: list[Any] = field(default_factory=list)

    @property
    def pending(self) -> bool:
        """Not met yet, the deadline still ahead."""
        return self.status in ("on_track", "off_track")


def _status_labels() -> dict[str, str]:
    return {
        "met": _("Met"),
        "on_track": _("On track"),
        "off_track": _("Off track"),
        "missed": _("Missed"),
        "no_data": _("No data"),
    }


def target_gauges(*, unit: Unit, tree: str, actor: Any) -> list[Gauge]:
    """A gauge per active target set for the unit, on the dashboard's tree,
    else on the other one when only it has figures (the district targets
    of 2025 live on the legacy tree)."""
    from vandong.analytics.targets.progress import progress

    targets = (
        Target.objects.filter(scope=unit, is_active=True)
        .select_related("indicator", "scope")
        .order_by("deadline_year", "code")
    )
    gauges = []
    for target in targets:
        found = progress(target, tree=tree, actor=actor)
        if found.status == "no_data":
            other = "legacy" if tree == "current" else "current"
            again = progress(target, tree=other, actor=actor)
            if again.status != "no_data":
                found = again
        gauges.append(_gauge(found))
    return gauges


def _gauge(found: Any) -> Gauge:
    info = found.indicator
    measure = charts.indicator_measure(info)
    value = found.current_value
    goal = found.goal
    figure = None
    if goal is not None:
        figure = charts.gauge_figure(
            value=value,
            target=float(goal),
            decimals=info.decimals,
            measure=measure,
            maximum=100.0 if measure == "%" else None,
            reference=found.baseline_value,
        )
    vi = charts.is_vi()
    return Gauge(
        target=found.target,
        tree=found.tree,
        figure=figure,
        value=value,
        value_year=found.current_year,
        goal=goal,
        baseline=found.baseline_value,
        decimals=info.decimals,
        measure=measure,
        status=str(found.status),
        status_label=_status_labels().get(str(found.status), str(found.status)),
        projected=found.projected_value,
        method=found.method_vi if vi else found.method_en,
        pace=found.pace_needed,
        note=found.note_vi if vi else found.note_en,
        units_needed=found.units_needed,
        closing_units=list(found.closing_units[:8]),
    )
