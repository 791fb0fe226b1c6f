"""Loads the shipped catalog (vandong/catalog/fixtures/*.yaml) idempotently.

`reader.catalog_read` checks every file first: any problem refuses the whole
load (DomainError `invalid_catalog`, naming each file, line and item). Then
periods, data elements, data sets (with their members) and validation rules
are created or updated by code in one transaction; a second run changes
nothing. The fixtures are the truth for the items they name (an admin edit of
a shipped element is undone by the next load); items they do not name are
left alone and counted.
"""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from vandong.catalog.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    ValidationRule,
)
from vandong.catalog.reader import (
    FIXTURES_DIR,
    KIND_VI,
    LEVELS,
    CatalogSpec,
    catalog_read,
)
from vandong.core.audit import audit_record
from vandong.core.models import AuditEntry, Channel

__all__ = [
    "FIXTURES_DIR",
    "LEVELS",
    "CatalogReport",
    "Counts",
    "catalog_load",
    "catalog_read",
]

Progress = Callable[[str], None]


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def line(self) -> str:
        return (
            f"{self.created} mới / created, {self.updated} cập nhật / updated, "
            f"{self.unchanged} không đổi / unchanged"
        )


@dataclass
class CatalogReport:
    files: list[str] = field(default_factory=list)
    periods: Counts = field(default_factory=Counts)
    data_elements: Counts = field(default_factory=Counts)
    data_sets: Counts = field(default_factory=Counts)
    validation_rules: Counts = field(default_factory=Counts)
    # Items in the database that no fixture names (made in the admin): kept.
    not_in_fixtures: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        return any(
            c.created or c.updated
            for c in (
                self.periods,
                self.data_elements,
                self.data_sets,
                self.validation_rules,
            )
        )

    def counts(self) -> dict[str, dict[str, int]]:
        return {
            kind: asdict(getattr(self, kind))
            for kind in ("periods", "data_elements", "data_sets", "validation_rules")
        }


# --- writing ----------------------------------------------------------------------

M = TypeVar("M", bound=models.Model)


def _sync(
    model: type[M],
    wanted: dict[str, dict[str, Any]],
    counts: Counts,
    *,
    timestamped: bool,
) -> tuple[dict[str, M], set[str]]:
    """Create or update rows of `model` by code; answers every row by code
    and the codes created or changed."""
    existing: dict[str, M] = {
        getattr(obj, "code"): obj  # noqa: B009 - the models all have a code
        for obj in model._default_manager.filter(code__in=list(wanted))
    }
    touched: set[str] = set()
    new = [
        model(code=code, **values)
        for code, values in wanted.items()
        if code not in existing
    ]
    # SQLite and PostgreSQL both set primary keys in bulk_create.
    for obj in model._default_manager.bulk_create(new):
        existing[getattr(obj, "code")] = obj  # noqa: B009
        touched.add(getattr(obj, "code"))  # noqa: B009
    counts.created += len(new)
    for code, values in wanted.items():
        obj = existing[code]
        if code in touched:
            continue
        changed = [
            name for name, value in values.items() if getattr(obj, name) != value
        ]
        if not changed:
            counts.unchanged += 1
            continue
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=[*changed, "updated_at"] if timestamped else changed)
        touched.add(code)
        counts.updated += 1
    return existing, touched


def _write(spec: CatalogSpec, report: CatalogReport, say: Progress) -> None:
    _sync(
        Period,
        {
            p.code: {"kind": p.kind, "start": p.start, "end": p.end}
            for p in spec.periods
        },
        report.periods,
        timestamped=False,
    )
    say(f"  kỳ báo cáo / periods: {report.periods.line()}")

    element_counts = Counts()
    elements, touched = _sync(
        DataElement,
        {e.code: e.values for e in spec.elements},
        element_counts,
        timestamped=True,
    )
    # Numerators and denominators, once every element exists.
    for e in spec.elements:
        obj = elements[e.code]
        numerator_id = elements[e.numerator].pk if e.numerator else None
        denominator_id = elements[e.denominator].pk if e.denominator else None
        if (obj.numerator_id, obj.denominator_id) == (numerator_id, denominator_id):
            continue
        obj.numerator_id, obj.denominator_id = numerator_id, denominator_id
        obj.save(update_fields=["numerator", "denominator", "updated_at"])
        if e.code not in touched:
            touched.add(e.code)
            element_counts.updated += 1
            element_counts.unchanged -= 1
    report.data_elements = element_counts
    say(f"  chỉ tiêu / data elements: {report.data_elements.line()}")

    set_counts = Counts()
    data_sets, set_touched = _sync(
        DataSet,
        {d.code: d.values for d in spec.data_sets},
        set_counts,
        timestamped=True,
    )
    members_changed = _sync_members(spec, data_sets, elements)
    for code in sorted(members_changed - set_touched):
        set_counts.updated += 1
        set_counts.unchanged -= 1
        DataSet.objects.filter(pk=data_sets[code].pk).update(updated_at=timezone.now())
    report.data_sets = set_counts
    say(f"  biểu mẫu / data sets: {report.data_sets.line()}")

    _sync(
        ValidationRule,
        {r.code: r.values for r in spec.rules},
        report.validation_rules,
        timestamped=True,
    )
    say(f"  quy tắc kiểm tra / validation rules: {report.validation_rules.line()}")


def _sync_members(
    spec: CatalogSpec,
    data_sets: dict[str, DataSet],
    elements: dict[str, DataElement],
) -> set[str]:
    """Make each data set's members exactly the fixture's; answers the codes of
    the data sets whose members changed."""
    set_ids = {data_sets[d.code].pk: d.code for d in spec.data_sets}
    existing: dict[tuple[int, int], DataSetElement] = {
        (m.data_set_id, m.data_element_id): m
        for m in DataSetElement.objects.filter(data_set_id__in=list(set_ids))
    }
    changed: set[str] = set()
    to_create: list[DataSetElement] = []
    wanted_keys: set[tuple[int, int]] = set()
    for d in spec.data_sets:
        set_id = data_sets[d.code].pk
        for m in d.members:
            key = (set_id, elements[m.code].pk)
            wanted_keys.add(key)
            values = {
                "section_vi": m.section_vi,
                "section_en": m.section_en,
                "order": m.order,
                "is_required": m.is_required,
            }
            member = existing.get(key)
            if member is None:
                to_create.append(
                    DataSetElement(data_set_id=set_id, data_element_id=key[1], **values)
                )
                changed.add(d.code)
                continue
            diff = [k for k, v in values.items() if getattr(member, k) != v]
            if diff:
                for k in diff:
                    setattr(member, k, values[k])
                member.save(update_fields=diff)
                changed.add(d.code)
    stale = [m for key, m in existing.items() if key not in wanted_keys]
    if stale:
        DataSetElement.objects.filter(pk__in=[m.pk for m in stale]).delete()
        changed |= {set_ids[m.data_set_id] for m in stale}
    DataSetElement.objects.bulk_create(to_create)
    return changed


def catalog_load(
    progress: Progress | None = None,
    *,
    directory: Path | None = None,
    channel: str = Channel.CLI,
) -> CatalogReport:
    """Load the catalog fixtures (default: the shipped ones) idempotently."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    folder = directory or FIXTURES_DIR
    say(f"Đọc danh mục / reading the catalog: {folder}")
    spec = catalog_read(folder)
    say(
        f"  {len(spec.files)} tệp / files: {len(spec.periods)} kỳ / periods, "
        f"{len(spec.elements)} chỉ tiêu / data elements, {len(spec.data_sets)} "
        f"biểu / data sets, {len(spec.rules)} quy tắc / rules"
    )
    report = CatalogReport(files=spec.files)
    with transaction.atomic():
        _write(spec, report, say)
        if report.changed:
            audit_record(
                actor=None,
                channel=channel,
                action=AuditEntry.Action.UPDATE,
                entity="catalog.catalog_load",
                entity_id=folder.name,
                new=report.counts(),
                note=", ".join(spec.files),
            )
    for kind, model, codes in (
        ("data_elements", DataElement, {e.code for e in spec.elements}),
        ("data_sets", DataSet, {d.code for d in spec.data_sets}),
        ("validation_rules", ValidationRule, {r.code for r in spec.rules}),
    ):
        extra = model._default_manager.exclude(code__in=codes).count()
        if extra:
            report.not_in_fixtures[kind] = extra
            say(
                f"  {extra} {KIND_VI[kind]} không có trong tệp (giữ nguyên) / "
                f"{kind} not in the fixtures (kept)"
            )
    report.seconds = time.perf_counter() - started
    return report
