from pathlib import Path
from typing import Any

import pytest

from vandong.portal.tests.scene import PortalScene, make_portal_scene


@pytest.fixture
def portal(world: Any, tmp_path: Path, settings: Any) -> PortalScene:
    return make_portal_scene(world, tmp_path / "analytics", settings)


@pytest.fixture(autouse=True)
def _fresh_memory() -> None:
    # Keys carry the state version, new in each test's empty cache; clearing
    # keeps one test's pages from filling the next one's memory.
    from vandong.portal.localcache import memory

    memory.clear()
