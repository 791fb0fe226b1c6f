"""Writing the Excel template of a data set, period and subtree."""

import io
import re
from collections.abc import Sequence
from typing import Final

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import (
    Alignment,
    Border,
    Font,
    NamedStyle,
    PatternFill,
    Protection,
    Side,
)
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from vandong.accounts.permissions import Action
from vandong.accounts.queries import Actor, scope_q
from vandong.catalog.models import (
    WHOLE_TYPES,
    DataElement,
    DataSet,
    Period,
    ValueType,
)
from vandong.collect.excel.layout import (
    CODE_ROW,
    DATA_SHEET,
    FIRST_DATA_ROW,
    FIRST_ELEMENT_COLUMN,
    FIXED_CODES,
    FIXED_HEADERS,
    HEADER_ROW,
    META_SHEET,
    NO_VI,
    NOTE_ROW,
    TEMPLATE_FORMAT,
    TEMPLATE_VERSION,
    TITLE_ROW,
    YES_VI,
    Column,
    active_members,
    header_label,
)
from vandong.collect.models import DataValue
from vandong.core.errors import DomainError
from vandong.core.formatting import number_vi
from vandong.geo.models import Unit

_HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
_LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="A6A6A6")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_UNLOCKED = Protection(locked=False)


def _template_units(
    *, data_set: DataSet, period: Period, root: Unit, actor: Actor
) -> list[Unit]:
    units = (
        Unit.objects.valid_on(period.end)
        .within(root)
        .filter(level=data_set.level)
        .select_related("parent")
        .order_by("code", "valid_from")
    )
    if actor is None:  # the system: no scope
        return list(units)
    scoped = list(units.filter(scope_q(actor=actor, action=Action.ENTER_DATA)))
    if not scoped and units.exists():
        raise DomainError(
            "out_of_scope",
            f"Bạn không được nhập số liệu cho đơn vị nào thuộc {root.name} "
            f"({root.code}) ở biểu mẫu “{data_set.name_vi}”.",
            f"You may not enter data for any unit within {root.name} "
            f"({root.code}) in the data set '{data_set.name_en}'.",
        )
    return scoped


def _validation(element: DataElement) -> DataValidation | None:
    """The data validation Excel applies as a value is typed (a guide only:
    pasted values bypass it, so `read_workbook` checks again)."""
    kind = element.value_type
    low = element.min_value
    high = element.max_value
    if kind == ValueType.TEXT:
        return None
    if kind == ValueType.BOOLEAN:
        rule = DataValidation(type="list", formula1=f'"{YES_VI},{NO_VI}"')
        rule.error = f"Chọn {YES_VI} hoặc {NO_VI}."
    elif kind in WHOLE_TYPES:
        rule = DataValidation(type="whole")
        low = 0 if low is None else low
        rule.error = "Nhập một số nguyên không âm."
    elif kind == ValueType.PERCENT:
        rule = DataValidation(type="decimal")
        low = 0 if low is None else max(0.0, low)
        high = 100 if high is None else min(100.0, high)
        rule.error = "Nhập tỷ lệ phần trăm từ 0 đến 100 (không gõ dấu %)."
    else:
        rule = DataValidation(type="decimal")
        rule.error = "Nhập một số (dấu phẩy ngăn phần thập phân: 61,5)."
    if kind != ValueType.BOOLEAN:
        if low is not None and high is not None:
            rule.operator = "between"
            rule.formula1, rule.formula2 = _excel_number(low), _excel_number(high)
            rule.error += (
                f" Giá trị từ {_vi_number(low)} đến {_vi_number(high)}."
                if kind != ValueType.PERCENT
                else ""
            )
        elif low is not None:
            rule.operator = "greaterThanOrEqual"
            rule.formula1 = _excel_number(low)
        elif high is not None:
            rule.operator = "lessThanOrEqual"
            rule.formula1 = _excel_number(high)
        else:  # a decimal with no bounds: any number
            rule.operator = "between"
            rule.formula1, rule.formula2 = "-1E+15", "1E+15"
    rule.errorTitle = "Giá trị không hợp lệ"
    rule.errorStyle = "stop"
    rule.showErrorMessage = True
    rule.allow_blank = True
    return rule


def _excel_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _vi_number(value: float) -> str:
    return number_vi(value, 0 if float(value).is_integer() else 2)


def _stored(value: DataValue, element: DataElement) -> str | int | float | None:
    """A stored value as the template shows it."""
    if element.value_type == ValueType.TEXT:
        return value.text_value or None
    if value.value is None:
        return None
    if element.value_type == ValueType.BOOLEAN:
        return YES_VI if value.value else NO_VI
    if float(value.value).is_integer():
        return int(value.value)
    return value.value


def _number_format(element: DataElement) -> str:
    if element.value_type in WHOLE_TYPES:
        return "#,##0"
    if element.value_type == ValueType.TEXT:
        return "@"
    return "General"


# Period kinds in Vietnamese, for messages that carry both languages.
_KIND_VI: Final = {
    "year": "năm",
    "phase": "giai đoạn",
    "quarter": "quý",
    "month": "tháng",
}


def build_template(
    *, data_set: DataSet, period: Period, root: Unit, actor: Actor
) -> bytes:
    """An .xlsx to fill in for `data_set` and `period`, one row per unit of the
    set's level within `root`'s subtree (valid on the period's last day) that
    `actor` may enter data for (actor None: the system, every unit).

    Raises DomainError "invalid_period" when the period is not of the set's
    kind, "out_of_scope" when the actor may enter data for none of the units,
    "no_units" when the subtree has no unit of the set's level then, and
    "empty_data_set" when the set has no active element.
    """
    if period.kind != data_set.period_kind:
        raise DomainError(
            "invalid_period",
            f"Biểu mẫu “{data_set.name_vi}” thu thập theo "
            f"{_KIND_VI.get(data_set.period_kind, data_set.period_kind)}; kỳ "
            f"{period.code} không phù hợp.",
            f"The data set '{data_set.name_en}' is collected per "
            f"{data_set.period_kind}; the period {period.code} does not fit.",
            field="period",
        )
    units = _template_units(data_set=data_set, period=period, root=root, actor=actor)
    if not units:
        raise DomainError(
            "no_units",
            f"{root.name} ({root.code}) không có đơn vị nào thuộc cấp của biểu mẫu "
            f"“{data_set.name_vi}” vào ngày {period.end:%d/%m/%Y}.",
            f"{root.name} ({root.code}) has no unit of the level of the data set "
            f"'{data_set.name_en}' on {period.end.isoformat()}.",
            field="unit",
        )
    members = active_members(data_set)
    if not members:
        raise DomainError(
            "empty_data_set",
            f"Biểu mẫu “{data_set.name_vi}” chưa có chỉ tiêu nào đang dùng.",
            f"The data set '{data_set.name_en}' has no active data element.",
            field="data_set",
        )
    elements = [m.data_element for m in members]
    stored: dict[tuple[int, int], DataValue] = {
        (v.unit_id, v.data_element_id): v
        for v in DataValue.objects.filter(
            period=period,
            unit_id__in=[u.pk for u in units],
            data_element_id__in=[e.pk for e in elements],
        ).only("unit_id", "data_element_id", "value", "text_value")
    }
    columns = [
        Column(get_column_letter(FIRST_ELEMENT_COLUMN + i), e.code, header_label(e))
        for i, e in enumerate(elements)
    ]

    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # noqa: S101 - a new workbook has one sheet
    sheet.title = DATA_SHEET
    _write_heading(sheet, data_set=data_set, period=period, root=root, columns=columns)
    last_row = FIRST_DATA_ROW + len(units) - 1
    _write_units(book, sheet, units=units, elements=elements, stored=stored)
    _write_rules(sheet, elements=elements, columns=columns, last_row=last_row)
    _write_layout(sheet, columns=columns)
    _write_meta(
        book,
        data_set=data_set,
        period=period,
        root=root,
        actor=actor,
        columns=columns,
    )
    book.security = WorkbookProtection(lockStructure=True)
    book.properties.title = f"{data_set.name_vi} — {period.code}"
    book.properties.creator = "vandong"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_filename(*, data_set: DataSet, period: Period, root: Unit) -> str:
    """A file name for a template: "mau_<set>_<period>_<root code>.xlsx"."""
    safe = re.sub(
        r"[^A-Za-z0-9_.-]+", "-", f"{data_set.code}_{period.code}_{root.code}"
    )
    return f"mau_{safe}.xlsx"


def _write_heading(
    sheet: Worksheet,
    *,
    data_set: DataSet,
    period: Period,
    root: Unit,
    columns: Sequence[Column],
) -> None:
    sheet.cell(TITLE_ROW, 1, f"{data_set.name_vi} — kỳ {period.code}").font = Font(
        bold=True, size=14
    )
    sheet.cell(
        NOTE_ROW,
        1,
        f"Địa bàn: {root.name} ({root.code}). Chỉ nhập vào các ô trắng. "
        "Ô để trống: giữ nguyên số liệu đã có; gõ “-” hoặc “xóa”: xóa số liệu. "
        "Số viết kiểu Việt Nam: 2.142.500; 61,5.",
    ).font = Font(italic=True, size=10)
    headers = [*FIXED_HEADERS, *(c.header for c in columns)]
    codes = [*FIXED_CODES, *(c.code for c in columns)]
    for index, (header, code) in enumerate(zip(headers, codes, strict=True), start=1):
        top = sheet.cell(HEADER_ROW, index, header)
        top.font = Font(bold=True)
        top.fill = _HEADER_FILL
        top.alignment = Alignment(
            wrap_text=True, vertical="center", horizontal="center"
        )
        top.border = _BORDER
        below = sheet.cell(CODE_ROW, index, code)
        below.font = Font(size=8, italic=True, color="808080")
        below.fill = _HEADER_FILL
        below.alignment = Alignment(horizontal="center")
        below.border = _BORDER


def _write_units(
    book: Workbook,
    sheet: Worksheet,
    *,
    units: Sequence[Unit],
    elements: Sequence[DataElement],
    stored: dict[tuple[int, int], DataValue],
) -> None:
    # One named style per kind of cell: a cell takes one assignment, not four.
    book.add_named_style(NamedStyle("vd_unit", fill=_LOCKED_FILL, border=_BORDER))
    styles: list[str] = []
    for element in elements:
        number_format = _number_format(element)
        name = f"vd_value {number_format}"
        if name not in book.named_styles:
            book.add_named_style(
                NamedStyle(
                    name,
                    border=_BORDER,
                    number_format=number_format,
                    protection=_UNLOCKED,
                )
            )
        styles.append(name)
    for offset, unit in enumerate(units):
        row = FIRST_DATA_ROW + offset
        parent = unit.parent.name if unit.parent is not None else ""
        for index, text in enumerate((unit.code, unit.name, parent), start=1):
            cell = sheet.cell(row, index, text)
            cell.data_type = "s"  # codes stay text: "03388", not 3388
            cell.style = "vd_unit"
        for index, element in enumerate(elements):
            value = stored.get((unit.pk, element.pk))
            cell = sheet.cell(
                row,
                FIRST_ELEMENT_COLUMN + index,
                _stored(value, element) if value is not None else None,
            )
            cell.style = styles[index]


def _write_rules(
    sheet: Worksheet,
    *,
    elements: Sequence[DataElement],
    columns: Sequence[Column],
    last_row: int,
) -> None:
    for element, column in zip(elements, columns, strict=True):
        rule = _validation(element)
        if rule is None:
            continue
        rule.add(f"{column.letter}{FIRST_DATA_ROW}:{column.letter}{last_row}")
        sheet.add_data_validation(rule)


def _write_layout(sheet: Worksheet, *, columns: Sequence[Column]) -> None:
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["B"].width = 30
    sheet.column_dimensions["C"].width = 26
    longest = 2  # lines of the tallest header
    for column in columns:
        width = max(14, min(28, len(column.header) // 3 + 6))
        sheet.column_dimensions[column.letter].width = width
        longest = max(longest, len(column.header) // (width - 2) + 1)
    sheet.row_dimensions[HEADER_ROW].height = min(150, 15 * longest)
    sheet.freeze_panes = f"{get_column_letter(FIRST_ELEMENT_COLUMN)}{FIRST_DATA_ROW}"
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False  # people may widen columns
    protection.formatRows = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = sheet.PAPERSIZE_A4
    setup.fitToWidth = 1
    setup.fitToHeight = 0
    if sheet.sheet_properties.pageSetUpPr is not None:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{CODE_ROW}"
    sheet.print_options.gridLines = False
    footer = sheet.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "Trang &P / &N"


def _write_meta(
    book: Workbook,
    *,
    data_set: DataSet,
    period: Period,
    root: Unit,
    actor: Actor,
    columns: Sequence[Column],
) -> None:
    meta = book.create_sheet(META_SHEET)
    meta.sheet_state = "hidden"
    username = actor.get_username() if actor is not None else ""
    facts: list[tuple[str, str]] = [
        ("format", TEMPLATE_FORMAT),
        ("template_version", str(TEMPLATE_VERSION)),
        ("data_set", data_set.code),
        ("data_set_version", str(data_set.version)),
        ("period", period.code),
        ("root", root.code),
        ("root_on", period.end.isoformat()),
        ("sheet", DATA_SHEET),
        ("generated_at", timezone.now().isoformat(timespec="seconds")),
        ("generated_by", username),
    ]
    for row, (key, value) in enumerate(facts, start=1):
        meta.cell(row, 1, key)
        meta.cell(row, 2, value).data_type = "s"
    for offset, column in enumerate(columns, start=len(facts) + 1):
        meta.cell(offset, 1, "column")
        meta.cell(offset, 2, column.letter)
        meta.cell(offset, 3, column.code)
        meta.cell(offset, 4, column.header)
    meta.protection.sheet = True
