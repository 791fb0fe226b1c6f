"""Materialized paths: "/<pk>/<pk>/" from the root down to the unit itself."""

from vandong.geo.models import Unit


def path_for(parent_path: str | None, pk: int) -> str:
    return f"{parent_path or '/'}{pk}/"


def set_path(unit: Unit) -> None:
    unit.path = path_for(unit.parent.path if unit.parent else None, unit.pk)
    unit.save(update_fields=["path"])
