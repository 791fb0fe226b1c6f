"""The dashboards through the test client: who may see which, the year and
tree switches (whole page and HTMX partial), the figures each shows.

The scene (see `make_target_scene`): the province's wards report their
civilized-urban status — legacy Quyết Tiến from 2023, current Tân Phong in
2025 — so the share of wards meeting it is, as reported, 0% (2022), 50%
(2023-2025); on the current tree 0% until 2024 (the merged Đoàn Kết does not
meet it as a whole) and 50% in 2025.
"""

import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from vandong.accounts.models import Role, RoleAssignment
from vandong.analytics.models import Indicator
from vandong.analytics.tests.test_targets_progress import (
    TargetScene,
    make_target,
    make_target_scene,
)
from vandong.geo.models import Unit

pytestmark = pytest.mark.django_db

SHARE = "URBAN_CIVILIZED_SHARE"


def make_dash_scene(world: Any, store_dir: Path, settings: Any) -> TargetScene:
    """The targets' scene, with centroids for the map and the share of
    wards meeting the standard as evaluated from the data."""
    for unit, (lat, lon) in {
        world.legacy_quyet_tien: (22.40, 103.46),
        world.legacy_doan_ket: (22.39, 103.47),
        world.doan_ket: (22.39, 103.46),
        world.tan_phong: (22.41, 103.48),
    }.items():
        Unit.objects.filter(pk=unit.pk).update(latitude=lat, longitude=lon)
    scene = make_target_scene(world, store_dir, settings)
    Indicator.objects.create(
        code="URBAN_EVALUATED_MET_SHARE",
        name_vi="Tỷ lệ phường đạt chuẩn theo đánh giá",
        name_en="Share of wards meeting the standard, as evaluated",
        numerator="met(urban_civilized)",
        denominator="units(phuong, thi_tran)",
        factor=100,
        decimals=1,
        measure_vi="%",
        measure_en="%",
        order=5,
    )
    return scene


@pytest.fixture
def dash(world: Any, tmp_path: Path, settings: Any) -> TargetScene:
    return make_dash_scene(world, tmp_path / "analytics", settings)


def page(client: Any, user: Any, url: str, **headers: str) -> str:
    client.force_login(user)
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content[:500]
    return str(response.content.decode())


def key_figure(html: str, code: str) -> str:
    """The value shown on the key figure card of an indicator."""
    found = re.search(
        rf'data-indicator="{code}">.*?<span data-value>([^<]*)</span>', html, re.S
    )
    assert found, f"no key figure {code}"
    return found.group(1)


def test_every_page_requires_login(client: Any, dash: TargetScene) -> None:
    for url in [
        "/analytics/",
        "/analytics/12/",
        "/analytics/units/03388/",
        "/analytics/pivot/",
        "/analytics/pivot/xlsx/",
        "/analytics/pivot/csv/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/")


def test_home_opens_the_readers_own_unit(client: Any, dash: TargetScene) -> None:
    world = dash.world
    client.force_login(world.tinh)
    assert client.get("/analytics/")["Location"] == "/analytics/12/?tree=current"
    client.force_login(world.xa)
    assert client.get("/analytics/")["Location"] == (
        "/analytics/units/03388/?tree=current"
    )
    # an administrator of the whole country chooses a province
    html = page(client, world.admin, "/analytics/")
    assert 'href="/analytics/12/"' in html
    assert 'href="/analytics/11/"' in html


def test_dashboard_shows_key_figures_with_the_change_from_last_year(
    client: Any, dash: TargetScene
) -> None:
    # when
    html = page(client, dash.world.tinh, "/analytics/12/?year=2023&tree=legacy")

    # then the share as reported in 2023, up 50 points from 2022
    assert key_figure(html, SHARE) == "50,0"
    assert "+50,0" in html
    assert 'class="kpi-change change-up"' in html
    assert 'data-year="2023"' in html
    assert 'data-tree="legacy"' in html
    # a trend chart per figure, as a JSON block with Vietnamese separators
    assert f'id="fig-trend-{SHARE}" type="application/json"' in html
    assert '"separators": ",."' in html
    assert 'href="/analytics/"' in html  # the menu link


def test_switching_the_year_swaps_the_body_only(client: Any, dash: TargetScene) -> None:
    # when htmx asks for another year
    client.force_login(dash.world.tinh)
    response = client.get(
        "/analytics/12/?year=2022&tree=legacy", headers={"HX-Request": "true"}
    )

    # then the body alone, for that year
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert html.lstrip().startswith('<form id="dash-body"')
    assert 'data-year="2022"' in html
    assert key_figure(html, SHARE) == "0,0"
    assert "HX-Request" in response["Vary"]


def test_a_history_restore_gets_the_whole_page(client: Any, dash: TargetScene) -> None:
    html = page(
        client,
        dash.world.tinh,
        "/analytics/12/?year=2022&tree=legacy",
        **{"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<html" in html


def test_the_tree_switch_shows_the_current_units_view(
    client: Any, dash: TargetScene
) -> None:
    legacy = page(client, dash.world.tinh, "/analytics/12/?year=2024&tree=legacy")
    current = page(client, dash.world.tinh, "/analytics/12/?year=2024&tree=current")

    assert key_figure(legacy, SHARE) == "50,0"
    assert key_figure(current, SHARE) == "0,0"
    assert 'data-tree-note="current"' in current
    # the switch is offered both ways
    assert 'name="tree" value="legacy"' in current
    assert 'name="tree" value="current"' in legacy


def test_an_unknown_year_falls_back_to_the_latest(
    client: Any, dash: TargetScene
) -> None:
    html = page(client, dash.world.tinh, "/analytics/12/?year=1990&tree=legacy")
    assert 'data-year="2025"' in html
    assert 'role="alert"' in html


def test_bars_by_district_on_the_legacy_tree_none_for_single_wards(
    client: Any, dash: TargetScene
) -> None:
    legacy = page(client, dash.world.tinh, "/analytics/12/?year=2024&tree=legacy")
    current = page(client, dash.world.tinh, "/analytics/12/?year=2024&tree=current")

    # the legacy district's share, 1 of 2 wards
    assert 'id="fig-bars"' in legacy
    assert re.search(r'data-unit="105"><th scope="row">Thành phố Lai Châu', legacy)
    # a ward's own share of wards is 0 or 100: the map shows it, not bars
    assert 'id="fig-bars"' not in current


def test_map_colours_wards_by_reported_or_evaluated_status(
    client: Any, dash: TargetScene
) -> None:
    def counts(html: str) -> dict[str, str]:
        return dict(
            re.findall(r'data-status="(\w+)">[^<]*<strong>(\d+)</strong>', html)
        )

    url = "/analytics/12/?year=2024&tree=legacy"
    reported = page(client, dash.world.tinh, url)
    evaluated = page(client, dash.world.tinh, url + "&basis=evaluated")

    # 2024: Quyết Tiến reported the standard met; the criteria found no ward met
    assert 'id="fig-map"' in reported
    assert counts(reported) == {"met": "1", "not_met": "1", "no_data": "0"}
    assert counts(evaluated) == {"met": "0", "not_met": "2", "no_data": "0"}


def test_target_gauge_with_its_outlook(client: Any, dash: TargetScene) -> None:
    make_target(dash.share, dash.world.province)

    html = page(client, dash.world.tinh, "/analytics/12/?tree=current")

    assert 'data-target="T_URBAN"' in html
    assert 'id="fig-gauge-T_URBAN" type="application/json"' in html
    assert 'class="badge outlook-on_track"' in html
    # the ward nearest to the standard, one click from its series
    assert 'href="/analytics/units/03388/?tree=current">Phường Đoàn Kết</a>' in html


def test_district_dashboard_is_on_the_legacy_tree_only(
    client: Any, dash: TargetScene
) -> None:
    html = page(client, dash.world.tinh, "/analytics/105/")
    assert 'data-tree="legacy"' in html
    assert 'name="tree" value="current"' not in html
    assert '<option value="2025"' not in html  # the district ended in 2025
    assert key_figure(html, SHARE) == "50,0"  # 2024


def test_units_outside_the_scope_are_not_found(client: Any, dash: TargetScene) -> None:
    world = dash.world
    client.force_login(world.xa)
    assert client.get("/analytics/12/").status_code == 404
    client.force_login(world.ngoai)
    assert client.get("/analytics/12/").status_code == 404
    assert client.get("/analytics/nothing/").status_code == 404


def test_a_viewer_sees_the_dashboard(client: Any, dash: TargetScene) -> None:
    viewer = get_user_model().objects.create_user(username="xem", password="x")
    RoleAssignment.objects.create(
        user=viewer, role=Role.VIEWER, unit=dash.world.province
    )
    html = page(client, viewer, "/analytics/12/?year=2025&tree=current")
    assert key_figure(html, SHARE) == "50,0"


def test_plotly_is_served_from_the_package_with_long_caching(client: Any) -> None:
    from vandong.analytics.views.plotly import plotly_js_version

    version = plotly_js_version()
    response = client.get(
        f"/analytics/js/plotly-{version}.min.js",
        headers={"Accept-Encoding": "gzip, br"},
    )
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "immutable" in response["Cache-Control"]
    assert "max-age=31536000" in response["Cache-Control"]
    plain = client.get(f"/analytics/js/plotly-{version}.min.js")
    assert plain.content.startswith(b"/**\n* plotly.js v")
    assert client.get("/analytics/js/plotly-0.0.1.min.js").status_code == 404


def test_a_year_in_other_digits_falls_back_too(client: Any, dash: TargetScene) -> None:
    # "²" is a digit to str.isdigit but not to int()
    html = page(client, dash.world.tinh, "/analytics/12/?year=%C2%B2&tree=legacy")
    assert 'data-year="2025"' in html
