"""Contributions from a CSV or XLSX file, all rows or none.

One contribution a row; the header names the columns (English codes or the
Vietnamese headers below, in any order):

| column | meaning | example |
| --- | --- | --- |
| unit_code (mã đơn vị) | GSO code of the commune or village, read on the row's date | 03388 |
| date (ngày) | 2020-05-31 or 31/05/2020 | 31/05/2020 |
| kind (đối tượng) | people, businesses, benefactors, cadres, other (or the Vietnamese names) | people |
| name (tên) | contributor's name, optional and private | Nguyễn Văn A |
| cash_vnd (tiền mặt) | đồng, whole | 5.000.000 |
| land_m2 (đất hiến) | m² | 120,5 |
| labour_days (ngày công) | days | 10 |
| materials_desc (vật liệu) | what was given | cát, sỏi |
| materials_qty (số lượng) | quantity | 12 |
| materials_unit (đơn vị tính) | unit of measure | m³ |
| materials_vnd (giá trị vật liệu) | đồng, whole | 3.600.000 |
| purpose (mục đích) | road, cultural_house, school, irrigation, housing_poor, other | road |
| project (công trình) | project name (needed for "other") | Đường bản Sùng Phài |

Every cell is read and checked first; every bad row is named (row, field,
reason in Vietnamese and English); then `contributions_create_many` checks
scope, rules and locks and writes all of them or none.
"""

import csv
import datetime
import io
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.utils import timezone

from vandong.accounts.queries import Actor
from vandong.collect import formats
from vandong.collect.numbers import NumberError, parse_number
from vandong.core.errors import DomainError, RowError
from vandong.core.models import Channel
from vandong.core.text import fold, is_digits
from vandong.geo.models import Unit
from vandong.registries.contributions.errors import ContributionErrorCode
from vandong.registries.contributions.rules import (
    FIELD_NAMES_VI,
    KIND_NAMES_VI,
    PURPOSE_NAMES_VI,
    ContributionIn,
    contribution_problems,
)
from vandong.registries.contributions.services import (
    ImportResult,
    contributions_create_many,
)
from vandong.registries.models import ContributorKind, Purpose

COLUMNS: dict[str, tuple[str, ...]] = {
    "unit_code": ("unit_code", "unit", "ma don vi", "ma xa", "ma"),
    "date": ("date", "ngay"),
    "kind": ("kind", "doi tuong", "doi tuong dong gop"),
    "name": ("name", "contributor_name", "ten", "ten nguoi dong gop"),
    "cash_vnd": ("cash_vnd", "cash", "tien mat", "tien mat vnd"),
    "land_m2": ("land_m2", "land", "dat hien", "dat hien m2", "dat"),
    "labour_days": ("labour_days", "labour", "ngay cong"),
    "materials_desc": ("materials_desc", "materials", "vat lieu"),
    "materials_qty": ("materials_qty", "so luong", "so luong vat lieu"),
    "materials_unit": ("materials_unit", "don vi tinh"),
    "materials_vnd": ("materials_vnd", "gia tri vat lieu", "vat lieu quy tien"),
    "purpose": ("purpose", "muc dich"),
    "project": ("project", "cong trinh", "ten cong trinh"),
}
REQUIRED = ("unit_code", "date", "kind", "purpose")
FIELD_OF_COLUMN = {"name": "contributor_name"}
COLUMN_DOCS = tuple(COLUMNS)

KINDS: dict[str, str] = {fold(v): k for k, v in KIND_NAMES_VI.items()} | {
    k: k for k in ContributorKind.values
}
KINDS |= {"nhan dan": ContributorKind.PEOPLE, "can bo": ContributorKind.CADRES}
PURPOSES: dict[str, str] = {fold(v): k for k, v in PURPOSE_NAMES_VI.items()} | {
    k: k for k in Purpose.values
}
PURPOSES |= {
    "duong": Purpose.ROAD,
    "nha van hoa": Purpose.CULTURAL_HOUSE,
    "truong hoc": Purpose.SCHOOL,
    "nha o ho ngheo": Purpose.HOUSING_POOR,
    "khac": Purpose.OTHER,
}


def read_table(data: bytes, *, filename: str) -> list[list[Any]]:
    """The first sheet of an .xlsx or the rows of a .csv (UTF-8, UTF-16 or
    Windows-1258; comma, semicolon or tab), checked like every upload."""
    formats.check_size(len(data), filename=filename)
    extension = PurePath(filename).suffix.lower()
    if extension not in (".csv", ".xlsx"):
        raise DomainError(
            ContributionErrorCode.INVALID_FILE,
            f"Không đọc được tệp “{filename}”: chỉ nhận tệp .csv và .xlsx.",
            f"Cannot read '{filename}': only .csv and .xlsx files are accepted.",
            field="file",
        )
    formats.detect_format(data, filename=filename)  # empty, disguised, damaged
    if extension == ".xlsx":
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        return [list(r) for r in sheet.to_python(skip_empty_area=False)]
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1258", errors="replace")
    text = unicodedata.normalize("NFC", text)
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [list(r) for r in csv.reader(io.StringIO(text), dialect)]


def _header_map(header: Sequence[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = fold(str(cell or "")).replace("_", " ").strip()
        for column, names in COLUMNS.items():
            if key in {n.replace("_", " ") for n in names}:
                found.setdefault(column, index)
    return found


class _Row:
    """One row being read: its cells by column and its problems."""

    def __init__(
        self,
        number: int,
        cells: list[Any],
        columns: dict[str, int],
        errors: list[RowError],
    ) -> None:
        self.row_number = number
        self.cells = cells
        self.columns = columns
        self.errors = errors

    def raw(self, column: str) -> Any:
        index = self.columns.get(column)
        if index is None or index >= len(self.cells):
            return None
        value = self.cells[index]
        if isinstance(value, str):
            value = " ".join(value.split())
        return None if value == "" else value

    def text(self, column: str) -> str:
        value = self.raw(column)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "" if value is None else str(value)

    def fail(self, column: str, vi: str, en: str) -> None:
        field = FIELD_OF_COLUMN.get(column, column)
        self.errors.append(RowError(self.row_number, field, vi, en, column=column))

    def date(self) -> datetime.date | None:
        value = self.raw("date")
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = self.text("date")
        if not text:
            self.fail("date", "Thiếu ngày.", "The date is missing.")
            return None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return datetime.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a calendar day, no time
            except ValueError:
                continue
        self.fail(
            "date",
            f"Ngày “{text}” không hợp lệ (viết 31/05/2020 hoặc 2020-05-31).",
            f"'{text}' is not a date (write 2020-05-31 or 31/05/2020).",
        )
        return None

    def choice(self, column: str, names: dict[str, str]) -> str:
        text = self.text(column)
        if not text:
            self.fail(
                column,
                f"Thiếu {FIELD_NAMES_VI[FIELD_OF_COLUMN.get(column, column)]}.",
                f"The {column} is missing.",
            )
            return ""
        found = names.get(fold(text).replace("_", " ")) or names.get(text.lower())
        if found is None:
            allowed = ", ".join(sorted(set(names.values())))
            self.fail(
                column,
                f"“{text}” không hợp lệ; dùng một trong: {allowed}.",
                f"'{text}' is not valid; use one of: {allowed}.",
            )
            return ""
        return found

    def number(self, column: str, *, whole: bool) -> float | None:
        value = self.raw(column)
        if value is None:
            return None
        try:
            return parse_number(value, whole=whole)
        except NumberError as error:
            label = FIELD_NAMES_VI[FIELD_OF_COLUMN.get(column, column)]
            self.fail(
                column,
                f"{label.capitalize()}: {error.message_vi}",
                f"{column}: {error.message_en}",
            )
            return None


def _decimal(value: float | None, places: int) -> Decimal:
    if value is None:
        return Decimal(0)
    return Decimal(str(round(value, places)))


def parse_contributions(
    table: list[list[Any]],
) -> tuple[list[tuple[int, dict[str, Any]]], list[RowError]]:
    """Shape check of every row (no database); rows numbered as in the
    file (header = 1)."""
    if not table:
        return [], [RowError(1, "file", "Tệp trống.", "The file is empty.")]
    columns = _header_map(table[0])
    missing = [
        RowError(
            1,
            column,
            f"Thiếu cột “{column}” ({FIELD_NAMES_VI.get(column, column)}) ở dòng "
            "tiêu đề.",
            f"The header row has no '{column}' column.",
            column=column,
        )
        for column in REQUIRED
        if column not in columns
    ]
    if missing:
        return [], missing
    errors: list[RowError] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    for number, cells in enumerate(table[1:], start=2):
        if all(c is None or str(c).strip() == "" for c in cells):
            continue
        row = _Row(number, cells, columns, errors)
        code = row.text("unit_code")
        if is_digits(code) and len(code) < 5:
            code = code.zfill(5)  # Excel drops leading zeros
        if not code:
            row.fail("unit_code", "Thiếu mã đơn vị.", "The unit code is missing.")
        cash = row.number("cash_vnd", whole=True)
        land = row.number("land_m2", whole=False)
        labour = row.number("labour_days", whole=False)
        qty = row.number("materials_qty", whole=False)
        materials = row.number("materials_vnd", whole=True)
        parsed.append(
            (
                number,
                {
                    "unit_code": code,
                    "date": row.date(),
                    "kind": row.choice("kind", KINDS),
                    "purpose": row.choice("purpose", PURPOSES),
                    "contributor_name": row.text("name"),
                    "cash_vnd": int(cash or 0),
                    "land_m2": _decimal(land, 2),
                    "labour_days": _decimal(labour, 1),
                    "materials_desc": row.text("materials_desc"),
                    "materials_qty": None if qty is None else _decimal(qty, 2),
                    "materials_unit": row.text("materials_unit"),
                    "materials_vnd": int(materials or 0),
                    "project": row.text("project"),
                },
            )
        )
    return parsed, errors


def _resolve_units(
    parsed: list[tuple[int, dict[str, Any]]], errors: list[RowError]
) -> list[tuple[int, ContributionIn]]:
    """Unit codes read on each row's date (codes were reused in 2025)."""
    codes = {values["unit_code"] for _, values in parsed if values["unit_code"]}
    candidates: dict[str, list[Unit]] = {}
    for found in Unit.objects.filter(code__in=codes).select_related("parent"):
        candidates.setdefault(found.code, []).append(found)
    rows: list[tuple[int, ContributionIn]] = []
    for number, values in parsed:
        code, day = values.pop("unit_code"), values["date"]
        if not code or day is None or not values["kind"] or not values["purpose"]:
            continue
        unit = next(
            (u for u in candidates.get(code, []) if u.is_valid_on(day)),
            None,
        )
        if unit is None:
            errors.append(
                RowError(
                    number,
                    "unit_code",
                    f"Không có đơn vị mã “{code}” vào ngày {day:%d/%m/%Y}.",
                    f"No unit has the code '{code}' on {day:%Y-%m-%d}.",
                    column="unit_code",
                    unit=code,
                )
            )
            continue
        rows.append((number, ContributionIn(unit=unit, **values)))
    return rows


def contributions_import(
    *,
    actor: Actor,
    data: bytes,
    filename: str,
    dry_run: bool = False,
    channel: str = Channel.IMPORT,
) -> ImportResult:
    """Read, check and (unless `dry_run`) record a file's contributions, all
    or none; DomainError "invalid_rows" names every bad row."""
    table = read_table(data, filename=filename)
    parsed, errors = parse_contributions(table)
    rows = _resolve_units(parsed, errors)
    if errors:
        # Name the rule breaches of the readable rows too: every bad row at once.
        # (A field already named on a row is not named twice.)
        today = timezone.localdate()
        named = {(e.row, e.field) for e in errors}
        errors.extend(
            RowError(number, p.field, p.message_vi, p.message_en, unit=d.unit.code)
            for number, d in rows
            for p in contribution_problems(d, today=today)
            if (number, p.field) not in named
        )
        errors.sort(key=lambda e: (e.row, e.field))
        bad = len({e.row for e in errors})
        raise DomainError(
            ContributionErrorCode.INVALID_ROWS,
            f"{bad} dòng có lỗi; không dòng nào được lưu.",
            f"{bad} rows have errors; no row was saved.",
            rows=errors,
        )
    if not rows:
        raise DomainError(
            ContributionErrorCode.INVALID_FILE,
            f"Tệp “{filename}” không có dòng đóng góp nào.",
            f"The file '{filename}' holds no contribution row.",
            field="file",
        )
    return contributions_create_many(
        actor=actor, rows=rows, channel=channel, dry_run=dry_run
    )
