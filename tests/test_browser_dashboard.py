"""The province officer opens the province dashboard in Chromium, switches
the year and then the tree: the body is swapped by htmx, the URL follows,
and the figures Plotly draws change with them. Nothing is refused by the
Content-Security-Policy, and the page fits a phone."""

from typing import Any

import pytest

from tests.test_browser_entry import log_in
from vandong.analytics.tests.test_views_dashboard import make_dash_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHARE = "URBAN_CIVILIZED_SHARE"
TREND = f"[data-figure='fig-trend-{SHARE}']"


def problems(page: Any) -> list[str]:
    """Console errors and uncaught exceptions, but the missing favicon."""
    found: list[str] = []

    def on_console(message: Any) -> None:
        if message.type == "error" and "favicon" not in message.location.get("url", ""):
            found.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(str(error)))
    return found


def key_figure(page: Any) -> str:
    return str(page.locator(f"[data-indicator='{SHARE}'] [data-value]").inner_text())


def drawn(page: Any, selector: str, expression: str) -> Any:
    """A property of the Plotly figure drawn in `selector`."""
    return page.evaluate(
        f'() => {{ const gd = document.querySelector("{selector}"); return {expression}; }}'
    )


def swap(page: Any, action: Any, ready: str) -> None:
    """Do `action` and wait until htmx has put in a new body matching `ready`."""
    page.evaluate("document.getElementById('dash-body').dataset.stale = '1'")
    action()
    page.wait_for_selector(f"#dash-body{ready}:not([data-stale])", state="attached")
    page.wait_for_selector(f"#dash-body:not([data-stale]) {TREND} .main-svg")


def test_province_dashboard_switches_year_and_tree(
    page: Any, live_server: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    # given the province's figures and its officer on the dashboard, 2023 as reported
    make_dash_scene(world, tmp_path / "analytics", settings)
    errors = problems(page)
    base = live_server.url
    log_in(page, base, "tinh", "/analytics/")
    page.goto(f"{base}/analytics/12/?year=2023&tree=legacy")
    page.wait_for_selector(f"{TREND} .main-svg")
    assert key_figure(page) == "50,0"
    assert drawn(page, "[data-figure='fig-bars']", "gd.data[0].x") == [50]
    assert drawn(page, TREND, "gd.layout.shapes[0].x0") == 1  # 2023, second year
    page.screenshot(path=str(tmp_path / "dashboard-2023.png"), full_page=True)

    # when they choose 2022
    swap(page, lambda: page.select_option("#d-year", "2022"), "[data-year='2022']")

    # then the figures are 2022's, and the URL can be shared
    assert key_figure(page) == "0,0"
    assert drawn(page, "[data-figure='fig-bars']", "gd.data[0].x") == [0]
    assert drawn(page, TREND, "gd.layout.shapes[0].x0") == 0
    assert "year=2022" in page.url
    assert "tree=legacy" in page.url

    # when they switch to the current units, in 2024
    swap(page, lambda: page.select_option("#d-year", "2024"), "[data-year='2024']")
    assert key_figure(page) == "50,0"
    swap(
        page,
        lambda: page.check("input[name=tree][value=current]"),
        "[data-tree='current']",
    )

    # then the merged ward counts as not meeting the standard before 2025
    assert key_figure(page) == "0,0"
    assert "tree=current" in page.url
    page.screenshot(path=str(tmp_path / "dashboard-current-2024.png"), full_page=True)

    # and the browser's Back brings 2024 as reported back, drawn again
    page.go_back()
    page.wait_for_selector("#dash-body[data-tree='legacy']", state="attached")
    page.wait_for_function(
        f"document.querySelector(\"{TREND}\").querySelectorAll('.main-svg').length > 0"
    )
    assert key_figure(page) == "50,0"
    assert errors == []


def test_dashboard_fits_a_phone_screen(
    page: Any, live_server: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    make_dash_scene(world, tmp_path / "analytics", settings)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, "tinh", "/analytics/")
    page.goto(f"{live_server.url}/analytics/12/?year=2025&tree=current")
    page.wait_for_selector("[data-figure='fig-map'] .main-svg")

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    box = page.locator(f"{TREND}").bounding_box()
    assert box is not None
    assert box["width"] >= 300
    page.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)
