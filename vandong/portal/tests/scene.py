"""The portal's test scene: the analytics target scene (the world's wards
with civilized-urban statuses 2022-2025, criteria evaluations of 2024 and
2025, a share indicator and a rebuilt store), a target for the province, and
helpers to approve a year's forms and publish it."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vandong.analytics.models import Target
from vandong.analytics.tests.test_targets_progress import (
    TargetScene,
    make_target,
    make_target_scene,
)
from vandong.catalog.models import DataSet, Period
from vandong.collect.services import approval_approve, approval_submit
from vandong.geo.models import Unit
from vandong.portal import services, state


@dataclass
class PortalScene:
    world: Any
    targets: TargetScene
    target: Target


def make_portal_scene(world: Any, store_dir: Path, settings: Any) -> PortalScene:
    scene = make_target_scene(world, store_dir, settings)
    target = make_target(scene.share, world.province, deadline_year=2027)
    return PortalScene(world=world, targets=scene, target=target)


def unapproved(province: Unit, year: int) -> list[tuple[DataSet, Unit, Period]]:
    return [
        (
            DataSet.objects.get(pk=ds),
            Unit.objects.get(pk=u),
            Period.objects.get(pk=p),
        )
        for ds, u, p in state.unapproved_forms(province, [year])
    ]


def approve_all(world: Any, year: int, province: Unit | None = None) -> int:
    """Submit and approve, as the province officer, every form of the year
    holding values; how many."""
    found = unapproved(province or world.province, year)
    for data_set, unit, period in found:
        approval_submit(actor=world.tinh, data_set=data_set, unit=unit, period=period)
        approval_approve(actor=world.tinh, data_set=data_set, unit=unit, period=period)
    return len(found)


def publish(world: Any, *years: int) -> None:
    for year in years:
        approve_all(world, year)
        services.publish(actor=world.tinh, province=world.province, year=year)
