"""Writes of the models-and-teams registry: create and edit a record, each
scoped (Action.RECORD_REGISTRY on its commune or village), checked, audited
in the same transaction, and counted into the commune's figures once it
commits."""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor
from vandong.accounts.services import authorize
from vandong.core.models import Channel
from vandong.geo.models import Level, Unit
from vandong.registries.common.audit import (
    audit_created,
    authorize_move,
    update_audited,
    user_id,
)
from vandong.registries.common.checks import check_text, check_year, this_year
from vandong.registries.common.errors import invalid
from vandong.registries.common.units import check_level
from vandong.registries.models import ModelKind, ModelTeam
from vandong.registries.teams.sync import models_sync_later

FIELDS = (
    "unit",
    "kind",
    "name",
    "count",
    "recognized_year",
    "active",
    "stopped_year",
    "note",
    "is_sample",
)
ENTITY = "registries.model_team"
MAX_COUNT = 1_000_000


@dataclass(frozen=True)
class ModelTeamIn:
    unit: Unit
    kind: str
    name: str
    recognized_year: int
    count: int = 1
    active: bool = True
    stopped_year: int | None = None
    note: str = ""


def check_model(data: ModelTeamIn) -> ModelTeamIn:
    check_level(data.unit, [Level.COMMUNE, Level.VILLAGE])
    if data.kind not in ModelKind.values:
        raise invalid(
            "kind",
            f"Loại mô hình “{data.kind}” không hợp lệ.",
            f"“{data.kind}” is not a kind of model or team.",
        )
    name = check_text(data.name, "name", 200, "tên", "The name")
    if not 1 <= data.count <= MAX_COUNT:
        raise invalid(
            "count",
            f"Số lượng phải từ 1 đến {MAX_COUNT:,}.".replace(",", "."),
            f"The count must be between 1 and {MAX_COUNT:,}.",
        )
    check_year(
        data.recognized_year, "recognized_year", "Năm công nhận", "The recognition year"
    )
    stopped = data.stopped_year
    if data.active and stopped is not None:
        raise invalid(
            "stopped_year",
            "Mô hình còn hoạt động thì không có năm ngừng hoạt động.",
            "An active model has no year it stopped.",
        )
    if not data.active:
        if stopped is None:
            raise invalid(
                "stopped_year",
                "Cần nhập năm ngừng hoạt động.",
                "The year it stopped is required.",
            )
        check_year(
            stopped, "stopped_year", "Năm ngừng hoạt động", "The year it stopped"
        )
        if stopped < data.recognized_year:
            raise invalid(
                "stopped_year",
                "Năm ngừng hoạt động không được trước năm công nhận.",
                "The year it stopped cannot be before the recognition year.",
            )
    if len(data.note) > 500:
        raise invalid("note", "Ghi chú dài quá 500 ký tự.", "The note is too long.")
    return ModelTeamIn(
        unit=data.unit,
        kind=data.kind,
        name=name,
        recognized_year=data.recognized_year,
        count=data.count,
        active=data.active,
        stopped_year=stopped if not data.active else None,
        note=data.note.strip(),
    )


def _values(clean: ModelTeamIn) -> dict[str, Any]:
    """The record's columns from a checked input, in the order they are saved."""
    return {
        "unit": clean.unit,
        "kind": clean.kind,
        "name": clean.name,
        "count": clean.count,
        "recognized_year": clean.recognized_year,
        "active": clean.active,
        "stopped_year": clean.stopped_year,
        "note": clean.note,
    }


def _years(*firsts: int) -> list[int]:
    return list(range(min(firsts), this_year() + 1))


@transaction.atomic
def model_team_create(
    *,
    actor: Actor,
    data: ModelTeamIn,
    channel: str = Channel.WEB,
    is_sample: bool = False,
) -> ModelTeam:
    authorize(actor=actor, action=Action.RECORD_REGISTRY, unit=data.unit)
    clean = check_model(data)
    record = ModelTeam(
        **_values(clean), is_sample=is_sample, created_by_id=user_id(actor)
    )
    record.save()
    audit_created(
        actor=actor, channel=channel, entity=ENTITY, record=record, fields=FIELDS
    )
    models_sync_later([clean.unit], _years(clean.recognized_year), [clean.kind])
    return record


@transaction.atomic
def model_team_update(
    *, actor: Actor, record: ModelTeam, data: ModelTeamIn, channel: str = Channel.WEB
) -> ModelTeam:
    authorize_move(actor=actor, current=record.unit, new=data.unit)
    clean = check_model(data)
    old_unit, old_kind, old_year = record.unit, record.kind, record.recognized_year
    changed = update_audited(
        actor=actor,
        channel=channel,
        entity=ENTITY,
        record=record,
        fields=FIELDS,
        values=_values(clean),
    )
    if not changed:
        return record
    models_sync_later(
        [old_unit, clean.unit],
        _years(old_year, clean.recognized_year),
        [old_kind, clean.kind],
    )
    return record
