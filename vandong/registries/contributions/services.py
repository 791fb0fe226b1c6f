"""Writes of contributions: create, update, delete (one record or a file's
rows), each scoped (Action.RECORD_REGISTRY on the record's unit), checked
(`rules.contribution_problems`), audited, and followed after commit by the
sync of the CONTRIB_* data values of the communes and years touched."""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, can
from vandong.accounts.services import authorize
from vandong.core.audit import audit_record
from vandong.core.errors import DomainError, RowError
from vandong.core.models import AuditEntry, Channel
from vandong.geo.models import Level, Unit
from vandong.registries.contributions.errors import ContributionErrorCode
from vandong.registries.contributions.rules import (
    ContributionIn,
    Problem,
    contribution_problems,
)
from vandong.registries.contributions.sync import contributions_sync
from vandong.registries.models import Contribution

ENTITY = "registries.contribution"
FIELDS = (
    "date",
    "kind",
    "contributor_name",
    "cash_vnd",
    "land_m2",
    "labour_days",
    "materials_desc",
    "materials_qty",
    "materials_unit",
    "materials_vnd",
    "purpose",
    "project",
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    dry_run: bool
    cash_vnd: int
    land_m2: Decimal
    labour_days: Decimal
    materials_vnd: int


def snapshot(record: Contribution) -> dict[str, Any]:
    """The record as the audit keeps it (JSON-friendly)."""
    data: dict[str, Any] = {"unit": f"{record.unit.code}", "unit_id": record.unit_id}
    for name in FIELDS:
        value = getattr(record, name)
        if isinstance(value, datetime.date):
            value = value.isoformat()
        elif isinstance(value, Decimal):
            value = format(value.normalize(), "f")
        data[name] = value
    data["is_sample"] = record.is_sample
    return data


def commune_of(unit: Unit) -> Unit:
    """The commune a record counts in: the unit itself, or a village's commune."""
    if unit.level == Level.VILLAGE and unit.parent is not None:
        return unit.parent
    return unit


def _raise_problems(problems: list[Problem]) -> None:
    if not problems:
        return
    first = problems[0]
    raise DomainError(
        ContributionErrorCode.INVALID,
        " ".join(p.message_vi for p in problems),
        " ".join(p.message_en for p in problems),
        field=first.field,
        rows=[RowError(0, p.field, p.message_vi, p.message_en) for p in problems],
    )


def _sync_after_commit(keys: Iterable[tuple[Unit, datetime.date]]) -> None:
    unit_ids = sorted({commune_of(u).pk for u, _ in keys})
    years = sorted({d.year for _, d in keys})
    transaction.on_commit(
        lambda: contributions_sync(unit_ids=unit_ids, years=years), robust=True
    )


def _user(actor: Actor) -> AbstractBaseUser | None:
    return actor if isinstance(actor, AbstractBaseUser) else None


def _apply(record: Contribution, data: ContributionIn) -> None:
    record.unit = data.unit
    record.date = data.date
    record.kind = data.kind
    record.contributor_name = data.contributor_name.strip()
    record.cash_vnd = data.cash_vnd
    record.land_m2 = data.land_m2
    record.labour_days = data.labour_days
    record.materials_desc = data.materials_desc.strip()
    record.materials_qty = data.materials_qty
    record.materials_unit = data.materials_unit.strip()
    record.materials_vnd = data.materials_vnd
    record.purpose = data.purpose
    record.project = data.project.strip()


def _today() -> datetime.date:
    return timezone.localdate()


@transaction.atomic
def contribution_create(
    *,
    actor: Actor,
    data: ContributionIn,
    channel: str = Channel.WEB,
    is_sample: bool = False,
) -> Contribution:
    """Record one contribution on a commune or village in the actor's scope."""
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=data.unit)
    _raise_problems(contribution_problems(data, today=_today()))
    user = _user(actor)
    record = Contribution(
        is_sample=is_sample, created_by_id=user.pk if user is not None else None
    )
    _apply(record, data)
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.CREATE,
        entity=ENTITY,
        entity_id=record.pk,
        new=snapshot(record),
    )
    _sync_after_commit([(record.unit, record.date)])
    return record


def _locked_record(contribution_id: int) -> Contribution:
    record = (
        # Lock the record's row only: PostgreSQL cannot lock the nullable
        # side of the outer join to the unit's parent.
        Contribution.objects.select_for_update(of=("self",))
        .select_related("unit__parent")
        .filter(pk=contribution_id)
        .first()
    )
    if record is None:
        raise DomainError(
            ContributionErrorCode.NOT_FOUND,
            f"Không có bản ghi đóng góp số {contribution_id}.",
            f"No contribution has the number {contribution_id}.",
        )
    return record


def contribution_get_for_write(*, actor: Actor, contribution_id: int) -> Contribution:
    """A record the actor may change; not found when out of its view."""
    record = _locked_record(contribution_id)
    if actor is not None and not can(actor=actor, action=Action.VIEW, unit=record.unit):
        raise DomainError(
            ContributionErrorCode.NOT_FOUND,
            f"Không có bản ghi đóng góp số {contribution_id}.",
            f"No contribution has the number {contribution_id}.",
        )
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=record.unit)
    return record


@transaction.atomic
def contribution_update(
    *,
    actor: Actor,
    contribution_id: int,
    data: ContributionIn,
    channel: str = Channel.WEB,
) -> Contribution:
    """Change a record; both its old and its new unit must be in scope."""
    record = contribution_get_for_write(actor=actor, contribution_id=contribution_id)
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=data.unit)
    _raise_problems(contribution_problems(data, today=_today()))
    before = snapshot(record)
    old_key = (record.unit, record.date)
    _apply(record, data)
    record.full_clean()
    after = snapshot(record)
    if after == before:
        return record
    record.save()
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.UPDATE,
        entity=ENTITY,
        entity_id=record.pk,
        old=before,
        new=after,
    )
    _sync_after_commit([old_key, (record.unit, record.date)])
    return record


@transaction.atomic
def contribution_delete(
    *, actor: Actor, contribution_id: int, channel: str = Channel.WEB
) -> None:
    record = contribution_get_for_write(actor=actor, contribution_id=contribution_id)
    before = snapshot(record)
    key = (record.unit, record.date)
    record_id = record.pk
    record.delete()
    audit_record(
        actor=actor,
        channel=channel,
        action=AuditEntry.Action.DELETE,
        entity=ENTITY,
        entity_id=record_id,
        old=before,
    )
    _sync_after_commit([key])


def _scope_errors(actor: Actor, rows: Sequence[tuple[int, ContributionIn]]) -> None:
    refused = [
        RowError(
            number,
            "unit_code",
            f"{data.unit.name} ({data.unit.code}) nằm ngoài phạm vi được phân quyền "
            "của bạn.",
            f"{data.unit.name} ({data.unit.code}) is outside your scope.",
            unit=data.unit.code,
        )
        for number, data in rows
        if not can(actor=actor, action=Action.RECORD_REGISTRY, unit=data.unit)
    ]
    if refused and actor is not None:
        raise DomainError(
            ContributionErrorCode.OUT_OF_SCOPE,
            f"{len(refused)} dòng ghi cho đơn vị ngoài phạm vi của bạn; không dòng "
            "nào được lưu.",
            f"{len(refused)} rows are for units outside your scope; no row was saved.",
            rows=refused,
        )


def contributions_create_many(
    *,
    actor: Actor,
    rows: Sequence[tuple[int, ContributionIn]],
    channel: str = Channel.IMPORT,
    dry_run: bool = False,
    is_sample: bool = False,
    sync: bool = True,
) -> ImportResult:
    """Record many contributions (a file's rows, numbered as the user sees
    them) all or none: every row out of scope or breaking a rule is named,
    and then nothing is written."""
    _scope_errors(actor, rows)
    today = _today()
    errors = [
        RowError(number, p.field, p.message_vi, p.message_en, unit=data.unit.code)
        for number, data in rows
        for p in contribution_problems(data, today=today)
    ]
    if errors:
        errors.sort(key=lambda e: (e.row, e.field))
        raise DomainError(
            ContributionErrorCode.INVALID_ROWS,
            f"{len({e.row for e in errors})} dòng có lỗi; không dòng nào được lưu.",
            f"{len({e.row for e in errors})} rows have errors; no row was saved.",
            rows=errors,
        )
    result = ImportResult(
        created=len(rows),
        dry_run=dry_run,
        cash_vnd=sum(d.cash_vnd for _, d in rows),
        land_m2=sum((d.land_m2 for _, d in rows), Decimal(0)),
        labour_days=sum((d.labour_days for _, d in rows), Decimal(0)),
        materials_vnd=sum(d.materials_vnd for _, d in rows),
    )
    if dry_run or not rows:
        return result
    user = _user(actor)
    with transaction.atomic():
        records = []
        for _, data in rows:
            record = Contribution(
                is_sample=is_sample,
                created_by_id=user.pk if user is not None else None,
            )
            _apply(record, data)
            records.append(record)
        Contribution.objects.bulk_create(records, batch_size=1000)
        if not all(r.pk for r in records):  # pragma: no cover - old SQLite
            raise RuntimeError("bulk_create returned no primary keys")
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    actor_id=user.pk if user is not None else None,
                    channel=channel,
                    action=AuditEntry.Action.CREATE,
                    entity=ENTITY,
                    entity_id=str(r.pk),
                    new=snapshot(r),
                )
                for r in records
            ],
            batch_size=1000,
        )
        if sync:
            _sync_after_commit([(d.unit, d.date) for _, d in rows])
    return result


__all__ = [
    "ContributionIn",
    "ImportResult",
    "commune_of",
    "contribution_create",
    "contribution_delete",
    "contribution_update",
    "contributions_create_many",
    "snapshot",
]
