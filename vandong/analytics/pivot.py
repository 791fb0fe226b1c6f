"""The pivot table: units × periods, one block per indicator, and its
exports.

XLSX: one sheet per indicator, laid out as the screen shows it (units down,
periods across), because that is the annex table (phụ lục) an official pastes
into a report or prints: a title naming the indicator and its measure, the
scope and the tree, one header row, numbers stored as numbers with a display
format that Excel shows the Vietnamese way on a Vietnamese system (1.234,5).
A single long sheet suits machines, not readers; machines get the CSV.

CSV: long format (one row per unit, indicator and period), UTF-8 with a BOM
so Excel opens the Vietnamese names correctly; numbers with a decimal point
and no grouping, for programs to read.
"""

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from vandong.core.text import fold

if TYPE_CHECKING:
    from vandong.analytics.queries import IndicatorInfo, Row

CSV_COLUMNS = [
    "unit_code",
    "unit_name",
    "indicator",
    "period",
    "value",
    "numerator",
    "denominator",
    "estimate",
]
CSV_TYPE = "text/csv; charset=utf-8"


@dataclass(frozen=True)
class PivotUnit:
    # Keyed by id: a GSO code was reused at the reform, so one table that
    # crosses 2025 on the legacy tree may hold two units with the same code.
    unit_id: int
    code: str
    name: str
    level: int


@dataclass
class PivotBlock:
    """One indicator's table."""

    info: "IndicatorInfo"
    periods: list[str]
    units: list[PivotUnit] = field(default_factory=list)
    cells: dict[tuple[int, str], "Row"] = field(default_factory=dict)

    def cell(self, unit_id: int, period: str) -> "Row | None":
        return self.cells.get((unit_id, period))

    @property
    def rows(self) -> list["Row"]:
        return list(self.cells.values())

    @property
    def has_estimates(self) -> bool:
        return any(r.estimate for r in self.cells.values())

    @property
    def table(self) -> list[tuple[PivotUnit, list["Row | None"]]]:
        """Units with their cells in period order, for templates."""
        return [
            (u, [self.cell(u.unit_id, p) for p in self.periods]) for u in self.units
        ]


def sort_periods(periods: Sequence[str]) -> list[str]:
    """Years in order, then phases in order; each once."""

    def key(period: str) -> tuple[int, int, int]:
        start, _sep, end = period.partition("-")
        return (1 if end else 0, int(start), int(end or start))

    return sorted(set(periods), key=key)


def build_block(
    info: "IndicatorInfo", rows: Sequence["Row"], periods: Sequence[str]
) -> PivotBlock:
    """The table of one indicator: every unit that has a row, in the order
    the rows come (by unit code), with the chosen periods as columns."""
    block = PivotBlock(info=info, periods=sort_periods(periods))
    seen: set[int] = set()
    for row in rows:
        if row.period not in block.periods:
            continue
        if row.unit_id not in seen:
            seen.add(row.unit_id)
            block.units.append(
                PivotUnit(row.unit_id, row.unit_code, row.unit_name, row.unit_level)
            )
        block.cells[(row.unit_id, row.period)] = row
    return block


# --- XLSX ----------------------------------------------------------------------


@dataclass(frozen=True)
class SheetLabels:
    """The words of the workbook, in the page's language."""

    unit_code: str
    unit_name: str
    scope: str  # "Tỉnh Lai Châu, các xã · Cây đơn vị hiện hành"
    estimate_note: str
    indicator_title: dict[str, str]  # code -> "Tỷ lệ xã đạt chuẩn (%)"


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
TITLE_FONT = Font(bold=True, size=13)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="EEF0F4")
ESTIMATE_FONT = Font(italic=True, color="7F1D1D")


def number_format(decimals: int) -> str:
    """Excel's display format; Excel swaps the separators for the reader's
    locale, so a Vietnamese system shows 1.234,5."""
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _sheet_title(code: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("_", code)[:31] or "Sheet"
    title, n = base, 2
    while title.lower() in taken:
        suffix = f"~{n}"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


def pivot_xlsx(blocks: Sequence[PivotBlock], labels: SheetLabels) -> bytes:
    """One sheet per indicator: title (row 1), scope (row 2), header (row
    3), one row per unit; estimates in italics, explained under the table."""
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)  # the default empty sheet
    taken: set[str] = set()
    for block in blocks:
        sheet = book.create_sheet(_sheet_title(block.info.code, taken))
        title = labels.indicator_title.get(block.info.code, block.info.code)
        sheet["A1"] = title
        sheet["A1"].font = TITLE_FONT
        sheet["A2"] = labels.scope
        header = [labels.unit_code, labels.unit_name, *block.periods]
        for column, text in enumerate(header, start=1):
            cell = sheet.cell(row=3, column=column, value=text)
            cell.font = HEADER_FONT
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(horizontal="center" if column > 2 else "left")
        fmt = number_format(block.info.decimals)
        line = 4
        for unit, cells in block.table:
            sheet.cell(row=line, column=1, value=unit.code)
            sheet.cell(row=line, column=2, value=unit.name)
            for offset, row in enumerate(cells):
                if row is None or row.value is None:
                    continue
                cell = sheet.cell(row=line, column=3 + offset, value=row.value)
                cell.number_format = fmt
                if row.estimate:
                    cell.font = ESTIMATE_FONT
            line += 1
        if block.has_estimates:
            sheet.cell(
                row=line + 1, column=1, value=labels.estimate_note
            ).font = ESTIMATE_FONT
        sheet.freeze_panes = "C4"
        if block.units:
            last = get_column_letter(len(header))
            sheet.auto_filter.ref = f"A3:{last}{line - 1}"
        sheet.column_dimensions["A"].width = 11
        sheet.column_dimensions["B"].width = max(
            [24, *(len(u.name) + 2 for u in block.units)]
        )
        for column in range(3, len(header) + 1):
            sheet.column_dimensions[get_column_letter(column)].width = 14
    if not book.sheetnames:
        book.create_sheet("Trống")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- CSV -----------------------------------------------------------------------


def _plain(value: float | None) -> str:
    """A number for programs: decimal point, no grouping, no trailing .0."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return format(value, ".12g")


def pivot_csv(blocks: Sequence[PivotBlock]) -> bytes:
    """Every cell of every block as one long-format row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for block in blocks:
        for unit, cells in block.table:
            for period, row in zip(block.periods, cells, strict=True):
                if row is None:
                    continue
                writer.writerow(
                    [
                        unit.code,
                        unit.name,
                        block.info.code,
                        period,
                        _plain(row.value),
                        _plain(row.numerator),
                        _plain(row.denominator),
                        "1" if row.estimate else "0",
                    ]
                )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_filename(stem: str, extension: str) -> str:
    """An ASCII file name: some mail gateways still mangle others."""
    safe = re.sub(r"[^a-z0-9]+", "-", fold(stem)).strip("-") or "pivot"
    return f"{safe}.{extension}"
