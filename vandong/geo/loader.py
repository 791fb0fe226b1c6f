"""Writes the official units and lineage into the database, idempotently.

A unit is identified by (code, valid_from); rows the source no longer has are
left alone and counted (data may hang on them). The whole load is one
transaction: an interrupted load leaves nothing half-written and a second run
picks up from where the database is.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.db import transaction

from vandong.core.audit import audit_record
from vandong.core.models import AuditEntry, Channel
from vandong.core.text import fold
from vandong.geo.models import REFORM_DATE, Succession, Unit
from vandong.geo.sources import (
    SOURCE_LINEAGE,
    Country,
    EdgeRow,
    Ident,
    UnitRow,
    read_country,
)
from vandong.geo.tree import path_for

Progress = Callable[[str], None]

_COPIED = [
    f.name
    for f in fields(UnitRow)
    if f.name not in {"code", "valid_from", "parent"}  # identity and FK handled apart
]
_BATCH = 2000


@dataclass
class LoadReport:
    units_created: int = 0
    units_updated: int = 0
    units_unchanged: int = 0
    units_not_in_source: int = 0
    edges_created: int = 0
    edges_updated: int = 0
    edges_unchanged: int = 0
    paths_fixed: int = 0
    seconds: float = 0.0
    steps: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.units_created
            + self.units_updated
            + self.edges_created
            + self.edges_updated
            + self.paths_fixed
        )


def units_load(
    *, province: str | None = None, progress: Progress | None = None
) -> LoadReport:
    """Load the legacy and current trees and their lineage (one province's group, or all)."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    say("Đọc dữ liệu từ các gói / reading the packages…")
    country = read_country(province)
    say(
        f"  {len(country.units):,} đơn vị / units, {len(country.edges):,} quan hệ kế thừa / lineage edges"
    )
    report = LoadReport()
    with transaction.atomic():
        pk_of = _sync_units(country, report, say)
        _fix_paths(report, say)
        _sync_edges(country.edges, pk_of, report, say)
        if report.changed:
            audit_record(
                actor=None,
                channel=Channel.CLI,
                action=AuditEntry.Action.UPDATE,
                entity="geo.units_load",
                entity_id=province or "*",
                new={
                    "units_created": report.units_created,
                    "units_updated": report.units_updated,
                    "edges_created": report.edges_created,
                    "edges_updated": report.edges_updated,
                },
            )
    report.seconds = time.perf_counter() - started
    return report


def _unit_values(row: UnitRow) -> dict[str, object]:
    values = {name: getattr(row, name) for name in _COPIED}
    values["name_key"] = fold(row.name)
    return values


def _sync_units(
    country: Country, report: LoadReport, say: Progress
) -> dict[Ident, int]:
    existing = {
        (u.code, u.valid_from): u
        for u in Unit.objects.filter(code__in={r.code for r in country.units}).only(
            "id", "code", "valid_from", "parent_id", "path", "name_key", *_COPIED
        )
    }
    pk_of: dict[Ident, int] = {}
    wanted = {r.ident for r in country.units}
    for level in (1, 2, 3):
        rows = [r for r in country.units if r.level == level]
        to_create: list[Unit] = []
        to_update: list[Unit] = []
        update_fields: set[str] = set()
        for row in rows:
            parent_id = pk_of[row.parent] if row.parent else None
            values = _unit_values(row)
            unit = existing.get(row.ident)
            if unit is None:
                to_create.append(
                    Unit(
                        code=row.code,
                        valid_from=row.valid_from,
                        parent_id=parent_id,
                        path="",
                        **values,
                    )
                )
                continue
            changed = [k for k, v in values.items() if getattr(unit, k) != v]
            if unit.parent_id != parent_id:
                changed.append("parent")
                unit.parent_id = parent_id
            for key in changed:
                if key != "parent":
                    setattr(unit, key, values[key])
            if changed:
                update_fields.update(changed)
                to_update.append(unit)
            else:
                report.units_unchanged += 1
            pk_of[row.ident] = unit.pk
        Unit.objects.bulk_create(to_create, batch_size=_BATCH)
        for unit in to_create:
            pk_of[(unit.code, unit.valid_from)] = unit.pk
        if to_update:
            Unit.objects.bulk_update(
                to_update, sorted(update_fields), batch_size=_BATCH
            )
        report.units_created += len(to_create)
        report.units_updated += len(to_update)
        say(
            f"  cấp / level {level}: +{len(to_create):,} mới / new, {len(to_update):,} cập nhật / updated"
        )
    report.units_not_in_source = sum(
        1 for ident, u in existing.items() if ident not in wanted and u.level < 4
    )
    return pk_of


def _fix_paths(report: LoadReport, say: Progress) -> None:
    """Recompute every materialized path top-down; write only those that differ."""
    rows = list(Unit.objects.order_by("level").values_list("id", "parent_id", "path"))
    computed: dict[int, str] = {}
    stale: list[Unit] = []
    for pk, parent_id, path in rows:
        computed[pk] = path_for(computed.get(parent_id) if parent_id else None, pk)
        if computed[pk] != path:
            stale.append(Unit(id=pk, path=computed[pk]))
    Unit.objects.bulk_update(stale, ["path"], batch_size=_BATCH)
    report.paths_fixed = len(stale)
    if stale:
        say(f"  đường dẫn cây / tree paths: {len(stale):,}")


def _sync_edges(
    edges: list[EdgeRow], pk_of: dict[Ident, int], report: LoadReport, say: Progress
) -> None:
    successor_ids = {pk_of[e.successor] for e in edges}
    existing = {
        (s.predecessor_id, s.successor_id): s
        for s in Succession.objects.filter(successor_id__in=successor_ids)
    }
    to_create: list[Succession] = []
    to_update: list[Succession] = []
    for edge in edges:
        key = (pk_of[edge.predecessor], pk_of[edge.successor])
        values = {
            "kind": edge.kind,
            "is_primary": edge.is_primary,
            "area_share": edge.area_share,
            "effective_date": REFORM_DATE,
        }
        found = existing.get(key)
        if found is None:
            to_create.append(
                Succession(
                    predecessor_id=key[0],
                    successor_id=key[1],
                    source=SOURCE_LINEAGE,
                    **values,
                )
            )
        elif any(getattr(found, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(found, k, v)
            to_update.append(found)
        else:
            report.edges_unchanged += 1
    Succession.objects.bulk_create(to_create, batch_size=_BATCH)
    Succession.objects.bulk_update(
        to_update,
        ["kind", "is_primary", "area_share", "effective_date"],
        batch_size=_BATCH,
    )
    report.edges_created = len(to_create)
    report.edges_updated = len(to_update)
    say(
        f"  quan hệ kế thừa / lineage: +{len(to_create):,} mới / new, {len(to_update):,} cập nhật / updated"
    )
