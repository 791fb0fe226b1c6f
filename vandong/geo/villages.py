"""Village import (thôn, bản, tổ dân phố): the packages stop at communes.

The file has one village per row: commune code, village name, type,
households, population. Every row is checked before anything is written; one
bad row refuses the whole file with every bad row named.
"""

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from vandong.core.errors import DomainError, RowError
from vandong.core.models import AuditEntry, Channel
from vandong.core.text import fold, is_digits
from vandong.geo.models import Level, Unit, UnitType
from vandong.geo.tree import path_for

# Accepted headers (folded) for each column.
COLUMNS: dict[str, tuple[str, ...]] = {
    "commune_code": ("commune_code", "ma xa", "ma_xa", "ma don vi", "commune"),
    "name": ("village_name", "name", "ten thon", "ten", "ten_thon", "village"),
    "type": ("type", "loai", "loai thon"),
    "households": ("households", "so ho", "so_ho"),
    "population": ("population", "dan so", "so khau", "dan_so"),
}
REQUIRED = ("commune_code", "name")

VILLAGE_TYPES: dict[str, str] = {
    "thon": UnitType.VILLAGE,
    "village": UnitType.VILLAGE,
    "ban": UnitType.HAMLET,
    "hamlet": UnitType.HAMLET,
    "to dan pho": UnitType.RESIDENTIAL_GROUP,
    "residential group": UnitType.RESIDENTIAL_GROUP,
    "ap": UnitType.OTHER_VILLAGE,
    "khu pho": UnitType.OTHER_VILLAGE,
    "khoi": UnitType.OTHER_VILLAGE,
    "xom": UnitType.VILLAGE,
    "lang": UnitType.VILLAGE,
}

_LABELS_VI = {
    "commune_code": "mã xã",
    "name": "tên thôn",
    "type": "loại",
    "households": "số hộ",
    "population": "dân số",
}


@dataclass(frozen=True)
class VillageIn:
    row: int
    commune_code: str
    name: str
    type: str
    households: int | None
    population: int | None


@dataclass
class VillageImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def read_table(path: Path) -> list[list[Any]]:
    """Rows of the first sheet of an XLSX, or of a CSV (UTF-8, with or without BOM)."""
    if path.suffix.lower() in {".xlsx", ".xlsm", ".xls", ".ods"}:
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        return [list(r) for r in sheet.to_python(skip_empty_area=False)]
    text = path.read_bytes().decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t") if text else csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _header_map(header: Sequence[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = fold(str(cell or "")).replace("_", " ")
        for column, names in COLUMNS.items():
            if key in {n.replace("_", " ") for n in names}:
                found.setdefault(column, index)
    return found


def _count(value: Any, row: int, column: str, errors: list[RowError]) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().replace(".", "").replace(",", "").replace(" ", "")
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not is_digits(text):
        errors.append(
            RowError(
                row,
                column,
                f"{_LABELS_VI[column].capitalize()} phải là số nguyên không âm, nhận được “{value}”.",
                f"{column} must be a whole number of 0 or more, got '{value}'.",
            )
        )
        return None
    return int(text)


def parse_villages(table: list[list[Any]]) -> tuple[list[VillageIn], list[RowError]]:
    """Shape check of every row; the commune lookup comes later."""
    errors: list[RowError] = []
    if not table:
        return [], [RowError(1, "file", "Tệp trống.", "The file is empty.")]
    columns = _header_map(table[0])
    errors = [
        RowError(
            1,
            column,
            f"Thiếu cột “{_LABELS_VI[column]}” ({column}) ở dòng tiêu đề.",
            f"The header row has no '{column}' column.",
        )
        for column in REQUIRED
        if column not in columns
    ]
    if errors:
        return [], errors

    def cell(cells: list[Any], column: str) -> Any:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    villages: list[VillageIn] = []
    for number, cells in enumerate(table[1:], start=2):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        code = str(cell(cells, "commune_code") or "").strip()
        if is_digits(code.replace(".0", "")):
            code = code.replace(".0", "").zfill(5)  # Excel drops leading zeros
        name = " ".join(str(cell(cells, "name") or "").split())
        type_text = fold(str(cell(cells, "type") or ""))
        if not code:
            errors.append(
                RowError(
                    number,
                    "commune_code",
                    "Thiếu mã xã.",
                    "The commune code is missing.",
                )
            )
        if not name:
            errors.append(
                RowError(
                    number, "name", "Thiếu tên thôn.", "The village name is missing."
                )
            )
        unit_type = VILLAGE_TYPES.get(type_text) if type_text else None
        if unit_type is None and type_text:
            errors.append(
                RowError(
                    number,
                    "type",
                    f"Loại “{cell(cells, 'type')}” không hợp lệ (thôn, bản, tổ dân phố, ấp, khu phố).",
                    f"Unknown type '{cell(cells, 'type')}' (thôn, bản, tổ dân phố, ấp, khu phố).",
                )
            )
        if unit_type is None:
            unit_type = type_from_name(name)
        villages.append(
            VillageIn(
                row=number,
                commune_code=code,
                name=name,
                type=unit_type,
                households=_count(
                    cell(cells, "households"), number, "households", errors
                ),
                population=_count(
                    cell(cells, "population"), number, "population", errors
                ),
            )
        )
    return villages, errors


def type_from_name(name: str) -> str:
    folded = fold(name)
    for prefix, unit_type in sorted(VILLAGE_TYPES.items(), key=lambda kv: -len(kv[0])):
        if folded.startswith(prefix + " "):
            return unit_type
    return UnitType.VILLAGE


def villages_import(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    path: Path,
    on: datetime.date | None = None,
    is_sample: bool = False,
    channel: str = Channel.IMPORT,
) -> VillageImportResult:
    table = read_table(path)
    villages, errors = parse_villages(table)
    return villages_save(
        actor=actor,
        villages=villages,
        errors=errors,
        on=on,
        is_sample=is_sample,
        channel=channel,
        source=path.name,
    )


def villages_save(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    villages: Iterable[VillageIn],
    errors: list[RowError] | None = None,
    on: datetime.date | None = None,
    is_sample: bool = False,
    channel: str = Channel.IMPORT,
    source: str = "",
) -> VillageImportResult:
    """Write villages under communes valid on `on`: all rows, or none."""
    errors = list(errors or [])
    villages = list(villages)
    day = on or timezone.localdate()
    communes = {
        c.code: c
        for c in Unit.objects.valid_on(day).filter(
            level=Level.COMMUNE, code__in={v.commune_code for v in villages}
        )
    }
    seen: dict[tuple[str, str], int] = {}
    for v in villages:
        if v.commune_code and v.commune_code not in communes:
            errors.append(
                RowError(
                    v.row,
                    "commune_code",
                    f"Không có xã mã {v.commune_code} vào ngày {day:%d/%m/%Y}.",
                    f"No commune has code {v.commune_code} on {day.isoformat()}.",
                )
            )
        key = (v.commune_code, fold(v.name))
        if v.name and key in seen:
            errors.append(
                RowError(
                    v.row,
                    "name",
                    f"Thôn “{v.name}” của xã {v.commune_code} đã có ở dòng {seen[key]}.",
                    f"Village '{v.name}' of commune {v.commune_code} repeats row {seen[key]}.",
                )
            )
        seen.setdefault(key, v.row)
    refused = _scope_errors(actor, villages, communes) if actor is not None else []
    if refused:
        raise DomainError(
            "out_of_scope",
            f"{len(refused)} dòng nằm ngoài phạm vi được phân quyền; không dòng nào được lưu.",
            f"{len(refused)} row(s) are outside your scope; nothing was saved.",
            rows=refused,
        )
    if errors:
        errors.sort(key=lambda e: (e.row, e.field))
        raise DomainError(
            "invalid_rows",
            f"Tệp có {len(errors)} lỗi; không dòng nào được lưu.",
            f"The file has {len(errors)} error(s); nothing was saved.",
            rows=errors,
        )
    with transaction.atomic():
        return _write(actor, villages, communes, is_sample, channel, source)


def _scope_errors(
    actor: AbstractBaseUser | AnonymousUser,
    villages: list[VillageIn],
    communes: dict[str, Unit],
) -> list[RowError]:
    from vandong.accounts.permissions import Action
    from vandong.accounts.queries import can

    errors = []
    for v in villages:
        commune = communes.get(v.commune_code)
        # A village not yet saved is judged on the commune it goes under.
        village = Unit(parent=commune, level=Level.VILLAGE, path="")
        if commune is not None and not can(
            actor=actor, action=Action.MANAGE_UNITS, unit=village
        ):
            errors.append(
                RowError(
                    v.row,
                    "commune_code",
                    f"Bạn không có quyền quản lý đơn vị của {commune.name}.",
                    f"You may not manage the units of {commune.name}.",
                )
            )
    return errors


def _write(
    actor: AbstractBaseUser | AnonymousUser | None,
    villages: list[VillageIn],
    communes: dict[str, Unit],
    is_sample: bool,
    channel: str,
    source: str,
) -> VillageImportResult:
    result = VillageImportResult()
    existing: dict[tuple[int, str], Unit] = {}
    next_number: dict[int, int] = {}
    for unit in Unit.objects.filter(parent__in=communes.values(), level=Level.VILLAGE):
        existing[(unit.parent_id or 0, unit.name_key)] = unit
        suffix = unit.code.rsplit("-", 1)[-1]
        if is_digits(suffix):
            next_number[unit.parent_id or 0] = max(
                next_number.get(unit.parent_id or 0, 0), int(suffix)
            )
    to_create: list[Unit] = []
    to_update: list[Unit] = []
    audits: list[AuditEntry] = []
    user_id = actor.pk if isinstance(actor, AbstractBaseUser) else None
    for v in villages:
        commune = communes[v.commune_code]
        values: dict[str, Any] = {
            "name": v.name,
            "type": v.type,
            "households": v.households,
            "population": v.population,
            "is_sample": is_sample,
        }
        found = existing.get((commune.pk, fold(v.name)))
        if found is None:
            number = next_number.get(commune.pk, 0) + 1
            next_number[commune.pk] = number
            unit = Unit(
                code=f"{commune.code}-{number:02d}",
                name_key=fold(v.name),
                level=Level.VILLAGE,
                parent=commune,
                path="",
                valid_from=commune.valid_from,
                valid_to=commune.valid_to,
                region=commune.region,
                area_class=commune.area_class,
                source=source[:60],
                **values,
            )
            to_create.append(unit)
            continue
        old = {k: getattr(found, k) for k in values}
        if old == values:
            result.unchanged += 1
            continue
        for k, val in values.items():
            setattr(found, k, val)
        to_update.append(found)
        audits.append(
            AuditEntry(
                actor_id=user_id, channel=channel, action=AuditEntry.Action.UPDATE,
                entity="geo.unit", entity_id=str(found.pk), old=old, new=values,
            )
        )  # fmt: skip
    Unit.objects.bulk_create(to_create, batch_size=1000)
    for unit in to_create:
        unit.path = path_for(unit.parent.path if unit.parent else None, unit.pk)
        audits.append(
            AuditEntry(
                actor_id=user_id, channel=channel, action=AuditEntry.Action.CREATE,
                entity="geo.unit", entity_id=str(unit.pk),
                new={"code": unit.code, "parent": unit.parent_id, **{
                    k: getattr(unit, k) for k in ("name", "type", "households", "population", "is_sample")
                }},
            )
        )  # fmt: skip
    Unit.objects.bulk_update(to_create, ["path"], batch_size=1000)
    Unit.objects.bulk_update(
        to_update,
        ["name", "type", "households", "population", "is_sample"],
        batch_size=1000,
    )
    AuditEntry.objects.bulk_create(audits, batch_size=1000)
    result.created = len(to_create)
    result.updated = len(to_update)
    return result
