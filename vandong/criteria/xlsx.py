"""The matrix page as an Excel workbook: one row per unit, one column per
criterion, a fill and a symbol per status; a legend sheet with the set's
legal basis and what "unverified" means."""

import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from vandong.catalog.criteria.models import CriteriaSet
from vandong.catalog.criteria.spec import MET, NO_DATA, NO_THRESHOLD, NOT_MET
from vandong.criteria.models import Evaluation
from vandong.criteria.queries import SetDefinition
from vandong.criteria.templatetags.criteria_tags import (
    STATUS_SYMBOLS,
    kind_label,
    local,
    status_text,
)
from vandong.geo.models import Unit

FILLS = {
    MET: PatternFill("solid", fgColor="D4ECD9"),
    NOT_MET: PatternFill("solid", fgColor="FDE2E1"),
    NO_DATA: PatternFill("solid", fgColor="E7E9EE"),
    NO_THRESHOLD: PatternFill("solid", fgColor="FFF1C2"),
}
HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
BOLD = Font(bold=True)
# Columns before the criteria: code, unit, parent, met, overall, unverified.
FIXED_COLUMNS = 6


def cell_text(status: str | None) -> str:
    """ "✓ Đạt": the symbol first, so a printout in black and white still says it."""
    return f"{STATUS_SYMBOLS.get(status or '', '–')} {status_text(status)}"


def matrix_workbook(
    *,
    definition: SetDefinition,
    year: int,
    evaluations: Iterable[Evaluation],
    scope: Unit | None,
) -> bytes:
    book = Workbook()
    sheet = book.worksheets[0]  # a new workbook has one sheet
    sheet.title = _("Matrix")
    criteria = definition.criteria
    headers = [
        _("Code"),
        _("Unit"),
        _("Parent unit"),
        _("Criteria met"),
        _("Result"),
        _("Unverified"),
        *[f"{c.code}. {local(c)}" for c in criteria],
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for e in evaluations:
        statuses = [(e.criteria.get(c.code) or {}).get("status") for c in criteria]
        sheet.append(
            [
                e.unit.code,
                e.unit.name,
                e.unit.parent.name if e.unit.parent else "",
                f"{e.criteria_met}/{e.criteria_total}",
                cell_text(e.status),
                _("Yes") if e.unverified else "",
                *[cell_text(s) for s in statuses],
            ]
        )
        row = sheet.max_row
        sheet.cell(row=row, column=5).fill = FILLS.get(e.status, FILLS[NO_DATA])
        for offset, status in enumerate(statuses, start=FIXED_COLUMNS + 1):
            sheet.cell(row=row, column=offset).fill = FILLS.get(
                status or "", FILLS[NO_DATA]
            )
    sheet.freeze_panes = "C2"
    widths = [10, 28, 24, 10, 16, 10] + [16] * len(criteria)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.auto_filter.ref = sheet.dimensions
    _legend(book, definition, year, scope)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _legend(
    book: Workbook, definition: SetDefinition, year: int, scope: Unit | None
) -> None:
    stored = definition.stored
    sheet = book.create_sheet(_("Legend"))
    sheet.append([local(stored), f"{stored.code} (v{stored.version})"])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Kind"), kind_label(stored.kind)])
    sheet.append([_("Year"), year])
    sheet.append([_("Units"), scope.name if scope else _("All units in your scope")])
    sheet.append([])
    sheet.append([_("Legal basis")])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    for basis in stored.legal_basis:
        sheet.append(
            [
                f"{basis.get('document', '')} ({basis.get('date', '')})",
                ", ".join(
                    p for p in (basis.get("part", ""), basis.get("title_vi", "")) if p
                ),
            ]
        )
    sheet.append([])
    sheet.append([_("Statuses")])
    sheet.cell(row=sheet.max_row, column=1).font = BOLD
    for status in (MET, NOT_MET, NO_DATA, NO_THRESHOLD):
        sheet.append([cell_text(status)])
        sheet.cell(row=sheet.max_row, column=1).fill = FILLS[status]
    sheet.append([])
    sheet.append(
        [
            _(
                "Unverified: a threshold or rule that could not be confirmed in the "
                "official text was used; check it before relying on the result."
            )
        ]
    )
    unverified = definition.unverified_thresholds
    if unverified:
        sheet.append(
            [_("This set has %(count)s unverified thresholds.") % {"count": unverified}]
        )
    for sentence in stored.undefined:
        sheet.append([sentence])
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["B"].width = 60


def matrix_filename(stored: CriteriaSet, year: int, scope: Unit | None) -> str:
    where = f"-{scope.code}" if scope is not None else ""
    return f"tieu-chi-{stored.code}-{year}{where}.xlsx"
