"""The province officer opens a report in Chromium from the reports page,
follows one figure to its breakdown by district, then to the district's
wards, and sees the data values behind it. Nothing is refused by the
Content-Security-Policy."""

from typing import Any

import pytest

from tests.test_browser_dashboard import problems
from tests.test_browser_entry import log_in
from vandong.reports import services
from vandong.reports.tests.factories import SMALL, make_report_scene

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_figure_of_the_report_opens_its_breakdown(
    page: Any, live_server: Any, world: Any, settings: Any, tmp_path: Any
) -> None:
    # given the scene's values and a small template stored by the administrator
    settings.ANALYTICS_DIR = str(tmp_path / "analytics")
    make_report_scene(world)
    services.template_save(actor=None, text=SMALL)
    errors = problems(page)
    base = live_server.url
    log_in(page, base, "tinh", "/reports/")

    # when the officer asks for the province's report, 2016-2020
    page.select_option("#r-template", "thu")
    assert page.input_value("#r-unit") == "12"
    page.fill("#r-phase", "2016-2020")
    page.locator("#report-form button[type=submit]").click()
    page.wait_for_url(f"{base}/reports/thu/12/2016-2020/**")

    # then the report is there, its figures links, the missing sentence listed
    figure = page.locator("a.fig[data-figure='cash']")
    assert figure.inner_text() == "10 tỷ đồng"
    assert page.locator("#missing [data-line='15']").count() == 1
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

    # when they follow the cash figure
    figure.click()
    page.wait_for_selector("#breakdown")

    # then its breakdown by district, and the values of the wards behind it
    assert page.locator("#figure [data-value]").inner_text() == "10 tỷ đồng"
    rows = page.locator("#breakdown tbody tr")
    assert rows.count() == 1
    assert rows.first.get_attribute("data-unit") == "105"
    assert page.locator("#values tbody tr").count() == 10
    page.screenshot(path=str(tmp_path / "figure.png"), full_page=True)

    # and the district opens its wards
    page.get_by_role("link", name="Thành phố Lai Châu").click()
    page.wait_for_url("**/reports/thu/105/2016-2020/figure/cash/**")
    codes = [
        page.locator("#breakdown tbody tr").nth(i).get_attribute("data-unit")
        for i in range(page.locator("#breakdown tbody tr").count())
    ]
    assert codes == ["03388", "03389"]
    assert errors == []
