"""XLSX exports of the registries: one sheet, a bold header, one row a record."""

import io
from collections.abc import Iterable, Sequence

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)
Cell = str | int | float | None


def workbook(
    title: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]], note: str = ""
) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one sheet
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append(list(row))
    for index, _header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = 22
    sheet.freeze_panes = "A2"
    if note:
        sheet.append([])
        sheet.append([note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sample_note() -> str:
    return _("Rows marked “sample” are constructed demo records, not real data.")
