"""The store's state line: when the figures were brought up to date, and a
rebuild's progress, asked for again until it is done."""

from typing import Any

import pytest

from vandong.analytics import services
from vandong.analytics.store import Store

pytestmark = pytest.mark.django_db


def test_the_line_says_when_and_follows_a_rebuild(world: Any, client: Any) -> None:
    client.force_login(world.tinh)
    services.rebuild(cold=True)
    done = client.get("/analytics/state/").content.decode()
    assert "<time" in done
    assert "hx-get" not in done

    Store().write_progress(
        running=True, step="legacy", message="Tổng hợp theo cây báo cáo", elapsed=3.2
    )
    running = client.get("/analytics/state/").content.decode()
    assert "Tổng hợp theo cây báo cáo" in running
    assert 'hx-get="/analytics/state/"' in running

    dashboard = client.get(f"/analytics/{world.province.code}/").content.decode()
    assert 'id="store-state"' in dashboard
