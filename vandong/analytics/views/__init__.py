"""Pages of the analytics: dashboards, a unit's series, the pivot, and the
Plotly script they draw with.

Every page requires login and offers only units in the reader's scope; a unit
outside it is answered as if it did not exist (404), as elsewhere.
"""

from vandong.analytics.views.dashboard import dashboard, home
from vandong.analytics.views.pivot import pivot_csv, pivot_page, pivot_xlsx
from vandong.analytics.views.plotly import plotly_script
from vandong.analytics.views.series import unit_series
from vandong.analytics.views.state import store_state

__all__ = [
    "dashboard",
    "home",
    "pivot_csv",
    "pivot_page",
    "pivot_xlsx",
    "plotly_script",
    "store_state",
    "unit_series",
]
