"""A unit's series page: the current Phường Đoàn Kết built from the two
legacy wards merged into it, each a click away from its own series."""

import re
from pathlib import Path
from typing import Any

import pytest

from vandong.analytics.tests.test_targets_progress import TargetScene
from vandong.analytics.tests.test_views_dashboard import make_dash_scene, page
from vandong.geo.models import Succession
from vandong.geo.tests.factories import make_edge

pytestmark = pytest.mark.django_db


@pytest.fixture
def dash(world: Any, tmp_path: Path, settings: Any) -> TargetScene:
    return make_dash_scene(world, tmp_path / "analytics", settings)


def series_values(html: str, code: str) -> dict[str, str]:
    block = html.split(f'data-indicator="{code}"', 1)[1].split("</table>", 1)[0]
    return dict(
        re.findall(
            r'data-period="(\d{4})"><th scope="row">\d{4}</th>\s*<td class="num">([^<]*)</td>',
            block,
        )
    )


def test_a_current_ward_shows_its_series_and_where_it_came_from(
    client: Any, dash: TargetScene
) -> None:
    # when the ward's officer opens its page
    html = page(client, dash.world.xa, "/analytics/units/03388/")

    # then its series on the current tree: the merged ward met the standard
    # in no year, as a whole (Quyết Tiến did, the old Đoàn Kết did not)
    assert 'data-tree="current"' in html
    assert series_values(html, "URBAN_CIVILIZED_SHARE") == {
        "2022": "0,0",
        "2023": "0,0",
        "2024": "0,0",
        "2025": "0,0",
    }
    assert 'id="fig-series-URBAN_CIVILIZED_SHARE" type="application/json"' in html
    # and the two legacy wards, each linked to its series as reported
    assert '<a href="/analytics/units/03388/?tree=legacy">Phường Quyết Tiến</a>' in html
    assert '<a href="/analytics/units/03389/?tree=legacy">Phường Đoàn Kết</a>' in html


def test_a_legacy_ward_as_reported_links_to_what_it_became(
    client: Any, dash: TargetScene
) -> None:
    # the current ward's officer may read the wards it was formed from
    html = page(client, dash.world.xa, "/analytics/units/03388/?tree=legacy")

    assert "Phường Quyết Tiến" in html
    assert 'data-tree="legacy"' in html
    assert series_values(html, "URBAN_CIVILIZED_SHARE") == {
        "2022": "0,0",
        "2023": "100,0",
        "2024": "100,0",
    }
    assert '<a href="/analytics/units/03388/?tree=current">Phường Đoàn Kết</a>' in html


def test_the_series_of_a_unit_outside_the_scope_is_not_found(
    client: Any, dash: TargetScene
) -> None:
    client.force_login(dash.world.xa)
    assert client.get("/analytics/units/03395/").status_code == 404
    client.force_login(dash.world.ngoai)
    assert client.get("/analytics/units/03388/?tree=legacy").status_code == 404


def test_the_province_officer_reaches_any_ward_of_the_province(
    client: Any, dash: TargetScene
) -> None:
    html = page(client, dash.world.tinh, "/analytics/units/03395/")
    # Tân Phong came from no legacy ward of the test world: nothing before 2025
    assert series_values(html, "URBAN_CIVILIZED_SHARE") == {
        "2022": "—",
        "2023": "—",
        "2024": "—",
        "2025": "100,0",
    }


def test_figures_allocated_from_a_split_ward_are_marked_as_estimates(
    client: Any, world: Any, tmp_path: Path, settings: Any
) -> None:
    # given Quyết Tiến split at the reform: 70% of its area to Đoàn Kết,
    # 30% to Tân Phong
    Succession.objects.filter(predecessor=world.legacy_quyet_tien).update(
        kind=Succession.Kind.SPLIT, area_share=0.7, is_primary=True
    )
    make_edge(
        world.legacy_quyet_tien, world.tan_phong, Succession.Kind.SPLIT, area_share=0.3
    )
    make_dash_scene(world, tmp_path / "analytics", settings)

    # when
    html = page(client, world.tinh, "/analytics/units/03395/")

    # then Tân Phong's years before the reform come from its share, marked
    values = series_values(html, "URBAN_CIVILIZED_SHARE")
    assert values["2023"].endswith(" *")
    assert not values["2025"].endswith("*")
    assert 'class="estimate-note"' in html
    assert "30%" in html  # the share of Quyết Tiến's area it received
