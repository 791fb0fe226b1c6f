"""XLSX export of contributions: one row a record, the totals below. The
contributor's name is left out unless an officer asks for it, and then shown
only on the records it may see names of."""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from vandong.registries.contributions.imports import COLUMN_DOCS
from vandong.registries.contributions.rules import KIND_NAMES_VI, PURPOSE_NAMES_VI
from vandong.registries.contributions.totals import Totals
from vandong.registries.models import Contribution

HEADERS_VI = {
    "unit_code": "Mã đơn vị",
    "unit_name": "Đơn vị",
    "date": "Ngày",
    "kind": "Đối tượng",
    "name": "Tên người đóng góp",
    "cash_vnd": "Tiền mặt (đồng)",
    "land_m2": "Đất hiến (m²)",
    "labour_days": "Ngày công",
    "materials_desc": "Vật liệu",
    "materials_qty": "Số lượng",
    "materials_unit": "Đơn vị tính",
    "materials_vnd": "Giá trị vật liệu (đồng)",
    "purpose": "Mục đích",
    "project": "Công trình",
    "is_sample": "Dữ liệu mẫu",
}
MONEY_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.##"


def contributions_xlsx(
    records: Iterable[Contribution],
    *,
    totals: Totals,
    names: bool,
    name_visible: set[int] | None = None,
) -> bytes:
    """The workbook; `names` adds the name column, filled for the records
    whose ids are in `name_visible`."""
    columns = [c for c in COLUMN_DOCS if names or c != "name"]
    columns.insert(1, "unit_name")
    columns.append("is_sample")
    book = Workbook()
    sheet = book.active
    assert sheet is not None  # noqa: S101 - a new workbook has a sheet
    sheet.title = "Đóng góp"
    sheet.append([HEADERS_VI[c] for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    visible = name_visible or set()
    for r in records:
        values = {
            "unit_code": r.unit.code,
            "unit_name": r.unit.name,
            "date": r.date,
            "kind": KIND_NAMES_VI.get(r.kind, r.kind),
            "name": r.contributor_name if r.pk in visible else "",
            "cash_vnd": r.cash_vnd,
            "land_m2": float(r.land_m2),
            "labour_days": float(r.labour_days),
            "materials_desc": r.materials_desc,
            "materials_qty": float(r.materials_qty)
            if r.materials_qty is not None
            else None,
            "materials_unit": r.materials_unit,
            "materials_vnd": r.materials_vnd,
            "purpose": PURPOSE_NAMES_VI.get(r.purpose, r.purpose),
            "project": r.project,
            "is_sample": "x" if r.is_sample else "",
        }
        sheet.append([values[c] for c in columns])
    sums = {
        "unit_name": f"Tổng cộng ({totals.records} bản ghi)",
        "cash_vnd": totals.cash_vnd,
        "land_m2": float(totals.land_m2),
        "labour_days": float(totals.labour_days),
        "materials_vnd": totals.materials_vnd,
    }
    sheet.append([sums.get(c) for c in columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        fmt = {
            "cash_vnd": MONEY_FORMAT,
            "materials_vnd": MONEY_FORMAT,
            "land_m2": DECIMAL_FORMAT,
            "labour_days": DECIMAL_FORMAT,
            "materials_qty": DECIMAL_FORMAT,
            "date": "dd/mm/yyyy",
        }.get(column)
        sheet.column_dimensions[letter].width = 18 if column != "unit_name" else 28
        if fmt:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = fmt
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
