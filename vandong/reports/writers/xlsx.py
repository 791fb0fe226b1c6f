"""The report's annex as a workbook: a summary of every figure (what it is,
the value printed, where it comes from), one sheet per section with the
section's figures for each district and each commune, and the sentences left
out for want of data with what they need."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from vandong.reports.compose import FigureText, ParagraphOut, Report
from vandong.reports.figures import LEVEL_NAMES, ChildValue, Figure

BOLD = Font(bold=True)
HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
WRAP = Alignment(wrap_text=True, vertical="top")


def _sheet_title(text: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", text).strip()[:28] or "Mục"
    title, n = base, 2
    while title.lower() in taken:
        title = f"{base[:25]} ({n})"
        n += 1
    taken.add(title.lower())
    return title


def _header(sheet: Worksheet, row: int, labels: list[str]) -> None:
    for column, label in enumerate(labels, start=1):
        cell = sheet.cell(row=row, column=column, value=label)
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = WRAP


def _widths(sheet: Worksheet, widths: list[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _summary(book: Workbook, report: Report) -> None:
    sheet = book.active
    if sheet is None:  # a new workbook always has its first sheet
        sheet = book.create_sheet()
    sheet.title = "Tổng hợp"
    scope = report.scope
    sheet["A1"] = f"{report.layout.title} {report.layout.subject}"
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = (
        f"{scope.unit_label}, giai đoạn {scope.phase}, "
        f"{'theo địa bàn báo cáo (trước sắp xếp)' if scope.tree == 'legacy' else 'theo đơn vị hiện hành'}"
        f"; mẫu {report.spec.code} phiên bản {report.spec.version}"
    )
    if report.sample:
        sheet["A3"] = "Bản demo: số liệu dựng sẵn, không phải số liệu thật."
    row = 5
    _header(
        sheet,
        row,
        [
            "Mục",
            "Số liệu",
            "Nội dung",
            "Giá trị",
            "Viết trong báo cáo",
            "Kỳ",
            "Nguồn",
            "Ghi chú",
        ],
    )
    printed: dict[str, str] = {}
    section_of: dict[str, str] = {}
    for section in report.sections:
        for block in section.blocks:
            if isinstance(block, ParagraphOut):
                for sentence in block.sentences:
                    for piece in sentence.pieces:
                        if isinstance(piece, FigureText):
                            printed.setdefault(piece.name, piece.text)
                            section_of.setdefault(
                                piece.name, section.title or section.key
                            )
    for name, result in report.figures.items():
        row += 1
        source = result.source
        values: list[object] = [
            section_of.get(name, ""),
            name,
            source.label_vi if source else "",
        ]
        if isinstance(result, Figure):
            assert source is not None  # noqa: S101 - a figure always has one
            values += [
                result.value
                if result.value is not None
                else (result.text or str(result.day or "")),
                printed.get(name, ""),
                source.period,
                f"{source.kind} {source.code}".strip(),
                "ước tính (chia theo diện tích)" if result.estimate else "",
            ]
        else:
            values += [
                "",
                "",
                source.period if source else "",
                source.kind if source else "",
                result.needs_vi,
            ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=row, column=column, value=value)  # type: ignore[call-overload]
            cell.alignment = WRAP
            if column == 4 and isinstance(value, float):
                cell.number_format = "#,##0.0" if not value.is_integer() else "#,##0"
    _widths(sheet, [22, 20, 45, 16, 22, 12, 30, 50])
    sheet.freeze_panes = "A6"


def _levels(report: Report) -> list[int]:
    first = report.scope.child_level
    if first is None:
        return []
    if report.scope.unit is None:
        return [first]  # the whole country: per province
    levels = [first]
    if first < 3:
        levels.append(first + 1)
    return levels


def _section_sheet(
    book: Workbook, report: Report, title: str, names: tuple[str, ...], taken: set[str]
) -> None:
    figures = {
        n: r
        for n in names
        if isinstance(r := report.evaluator.figure(n), Figure)
        and r.source.has_breakdown
    }
    if not figures:
        return
    sheet = book.create_sheet(_sheet_title(title, taken))
    sheet["A1"] = title
    sheet["A1"].font = Font(bold=True, size=13)
    row = 2
    for level in _levels(report):
        columns: list[tuple[str, str, str]] = []  # (figure, part, label)
        table: dict[str, dict[str, float | None]] = {}
        units: dict[str, str] = {}
        for name, figure in figures.items():
            if (
                figure.source.kind in ("contributions", "ocop", "petitions")
                and level != _levels(report)[0]
            ):
                continue
            children: list[ChildValue] = report.children(name, level)
            if not any(c.value is not None for c in children):
                continue
            label = figure.source.label_vi or name
            columns.append((name, "value", label))
            ratio = figure.percent and any(c.denominator for c in children)
            if ratio:
                columns += [
                    (name, "numerator", f"{label}: tử số"),
                    (name, "denominator", f"{label}: mẫu số"),
                ]
            for child in children:
                units.setdefault(child.unit_code, child.unit_name)
                cells = table.setdefault(child.unit_code, {})
                cells[f"{name}:value"] = child.value
                if ratio:
                    cells[f"{name}:numerator"] = child.numerator
                    cells[f"{name}:denominator"] = child.denominator
        if not columns:
            continue
        row += 1
        sheet.cell(
            row=row, column=1, value=f"Theo {LEVEL_NAMES.get(level, '')}"
        ).font = BOLD
        row += 1
        _header(sheet, row, ["Mã", "Đơn vị"] + [label for _, _, label in columns])
        for code in sorted(units):
            row += 1
            sheet.cell(row=row, column=1, value=code)
            sheet.cell(row=row, column=2, value=units[code])
            for index, (name, part, _) in enumerate(columns, start=3):
                value = table.get(code, {}).get(f"{name}:{part}")
                cell = sheet.cell(row=row, column=index, value=value)
                cell.number_format = (
                    "#,##0.0" if part == "value" and figures[name].percent else "#,##0"
                )
        row += 1
    sheet.cell(
        row=row + 1,
        column=1,
        value="Ô trống: đơn vị chưa có số liệu này (không phải số 0).",
    ).font = Font(italic=True)
    _widths(sheet, [10, 30] + [18] * 40)


def _missing(book: Workbook, report: Report) -> None:
    sheet = book.create_sheet("Thiếu số liệu")
    _header(
        sheet,
        1,
        ["Mục", "Dòng của mẫu", "Câu trong mẫu", "Số liệu thiếu", "Cần số liệu"],
    )
    row = 1
    for item in report.missing:
        for figure in item.missing:
            row += 1
            for column, value in enumerate(
                [item.section, item.line, item.source, figure.name, figure.needs_vi],
                start=1,
            ):
                sheet.cell(row=row, column=column, value=value).alignment = WRAP
    if row == 1:
        sheet.cell(row=2, column=1, value="Không thiếu số liệu nào.")
    _widths(sheet, [14, 8, 70, 18, 70])


def write_xlsx(report: Report) -> bytes:
    book = Workbook()
    _summary(book, report)
    taken = {"tổng hợp", "thiếu số liệu"}
    for section in report.sections:
        _section_sheet(book, report, section.title or "Mở đầu", section.figures, taken)
    _missing(book, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
