"""Units for tests, built the way the loader builds them (level from type, path set)."""

import datetime
from typing import Any

from vandong.geo.models import LEVEL_OF_TYPE, Succession, Unit
from vandong.geo.tree import set_path


def make_unit(
    code: str,
    name: str,
    type: str,
    *,
    parent: Unit | None = None,
    valid_from: datetime.date | None = None,
    valid_to: datetime.date | None = None,
    **fields: Any,
) -> Unit:
    from vandong.core.text import fold

    unit = Unit.objects.create(
        code=code,
        name=name,
        name_key=fold(name),
        type=type,
        level=LEVEL_OF_TYPE[type],
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        path="",
        **fields,
    )
    set_path(unit)
    return unit


def make_edge(
    predecessor: Unit,
    successor: Unit,
    kind: str = Succession.Kind.MERGE,
    effective_date: datetime.date = datetime.date(2025, 7, 1),
    **fields: Any,
) -> Succession:
    return Succession.objects.create(
        predecessor=predecessor,
        successor=successor,
        kind=kind,
        effective_date=effective_date,
        **fields,
    )
