"""Reading a filled template back, strictly (see the package docstring)."""

import datetime
import io
import zipfile
from dataclasses import dataclass, field
from typing import Final

from openpyxl.utils import get_column_letter
from python_calamine import CalamineError, CalamineWorkbook

from vandong.catalog.models import (
    DataElement,
    DataSet,
    ValueType,
)
from vandong.catalog.queries import data_set_get
from vandong.collect.excel.layout import (
    CODE_ROW,
    DELETE_MARKS,
    FIRST_DATA_ROW,
    FIRST_ELEMENT_COLUMN,
    FIXED_CODES,
    FIXED_HEADERS,
    HEADER_ROW,
    META_SHEET,
    TEMPLATE_FORMAT,
    TEMPLATE_VERSION,
    Column,
)
from vandong.collect.excel.sheetxml import (
    ZIP_ERRORS,
    column_number,
    formula_and_error_cells,
    sheet_part,
    used_extent,
)
from vandong.collect.rows import ValueRow
from vandong.collect.values import ValueTypeError, type_value
from vandong.core.errors import DomainError, RowError
from vandong.core.formatting import number_vi
from vandong.core.text import fold

# Cell problems listed in one error at most (the total is in the message).
MAX_LISTED: Final = 1000
# A workbook that unpacks to more than this is refused (zip bombs).
MAX_UNPACKED_BYTES: Final = 512 * 1024 * 1024
# A sheet whose used area (from A1) holds more cells than this is refused:
# 200,000 units x 24 columns; a national village template has 80,000 rows.
MAX_GRID_CELLS: Final = 5_000_000


@dataclass
class _Meta:
    data_set: str
    period: str
    root: str
    sheet: str
    columns: list[Column] = field(default_factory=list)


def _invalid_file(
    message_vi: str, message_en: str, rows: list[RowError] | None = None
) -> DomainError:
    return DomainError("invalid_file", message_vi, message_en, field="file", rows=rows)


def _named(filename: str) -> tuple[str, str]:
    """ "Tệp “x.xlsx”" / "The file 'x.xlsx'", or without a name."""
    if filename:
        return f"Tệp “{filename}”", f"The file '{filename}'"
    return "Tệp", "The file"


def _open(data: bytes, filename: str) -> tuple[zipfile.ZipFile, CalamineWorkbook]:
    file_vi, file_en = _named(filename)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except ZIP_ERRORS:
        raise _invalid_file(
            f"{file_vi} không phải bảng tính .xlsx hoặc đã bị hỏng.",
            f"{file_en} is not an .xlsx workbook or is damaged.",
        ) from None
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _invalid_file(
            f"{file_vi} quá lớn khi giải nén (hơn {MAX_UNPACKED_BYTES // 2**20} MB).",
            f"{file_en} is too large unpacked (over {MAX_UNPACKED_BYTES // 2**20} MB).",
        )
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise _invalid_file(
            f"{file_vi} không phải bảng tính Excel .xlsx (hãy lưu lại dưới dạng "
            "Excel 2007-365 .xlsx).",
            f"{file_en} is not an Excel .xlsx workbook (save it as Excel 2007-365 "
            ".xlsx).",
        )
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, OSError, ValueError, TypeError) as error:
        raise _invalid_file(
            f"{file_vi} bị hỏng, không đọc được: {error}.",
            f"{file_en} is damaged and cannot be read: {error}.",
        ) from None
    return archive, book


Merge = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class _Sheet:
    rows: list[list[object]]  # every cell from A1, rows of values
    merges: list[Merge]  # 0-based ((top, left), (bottom, right))
    xml: bytes  # for formulas and error values


def _load_sheet(
    book: CalamineWorkbook, archive: zipfile.ZipFile, name: str, filename: str
) -> _Sheet:
    """A sheet read whole, once its used area is known to be of a sane size
    (calamine holds a sheet as one grid: a stray value in XFD1048576 would
    ask for 17 billion cells and abort the process)."""
    xml = _sheet_xml(archive, name, filename)
    last_row, last_column = used_extent(xml)
    if last_row * last_column > MAX_GRID_CELLS:
        far = f"{get_column_letter(min(last_column, 16384))}{last_row}"
        file_vi, file_en = _named(filename)
        raise _invalid_file(
            f"{file_vi}: trang tính “{name}” có ô được dùng tới tận {far}, quá "
            f"rộng để đọc (tối đa {number_vi(MAX_GRID_CELLS)} ô tính từ A1). Hãy "
            "xóa các ô thừa ở xa rồi lưu lại.",
            f"{file_en}: the sheet '{name}' uses cells as far as {far}, too wide "
            f"to read (at most {MAX_GRID_CELLS:,} cells counted from A1). Clear "
            "the stray cells far away and save it again.",
        )
    try:
        sheet = book.get_sheet_by_name(name)
        rows: list[list[object]] = [
            list(row) for row in sheet.to_python(skip_empty_area=False)
        ]
        return _Sheet(rows, list(sheet.merged_cell_ranges or []), xml)
    except (CalamineError, OSError, ValueError, TypeError) as error:
        file_vi, file_en = _named(filename)
        raise _invalid_file(
            f"{file_vi}: không đọc được trang tính “{name}”: {error}.",
            f"{file_en}: cannot read the sheet '{name}': {error}.",
        ) from None


def _text(value: object) -> str:
    """A cell as text: codes typed as numbers (12.0) become "12"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _wrong_template(filename: str, why_vi: str, why_en: str) -> DomainError:
    file_vi, file_en = _named(filename)
    return _invalid_file(
        f"{file_vi} không phải mẫu nhập liệu của hệ thống ({why_vi}). Hãy tải mẫu "
        "Excel của biểu mẫu, điền vào mẫu đó rồi tải lên.",
        f"{file_en} is not a data-entry template of this system ({why_en}). "
        "Download the data set's Excel template, fill it in and upload it.",
    )


def _read_meta(
    book: CalamineWorkbook, archive: zipfile.ZipFile, filename: str
) -> _Meta:
    if META_SHEET not in book.sheet_names:
        raise _wrong_template(
            filename,
            f"thiếu trang tính ẩn “{META_SHEET}”",
            f"the hidden sheet '{META_SHEET}' is missing",
        )
    facts: dict[str, str] = {}
    columns: list[Column] = []
    for row in _load_sheet(book, archive, META_SHEET, filename).rows:
        cells = [_text(v) for v in row] + ["", "", "", ""]
        if cells[0] == "column":
            columns.append(Column(cells[1], cells[2], cells[3]))
        elif cells[0]:
            facts[cells[0]] = cells[1]
    if facts.get("format") != TEMPLATE_FORMAT:
        raise _wrong_template(
            filename,
            f"trang tính “{META_SHEET}” không mô tả mẫu",
            f"the sheet '{META_SHEET}' does not describe a template",
        )
    if facts.get("template_version") != str(TEMPLATE_VERSION):
        version = facts.get("template_version", "")
        raise _wrong_template(
            filename,
            f"phiên bản mẫu “{version}” không còn được hỗ trợ",
            f"template version '{version}' is no longer supported",
        )
    missing = [
        k for k in ("data_set", "period", "root", "sheet") if not facts.get(k)
    ] + (["column"] if not columns else [])
    if missing:
        raise _wrong_template(
            filename,
            f"trang tính “{META_SHEET}” thiếu: {', '.join(missing)}",
            f"the sheet '{META_SHEET}' lacks: {', '.join(missing)}",
        )
    return _Meta(
        data_set=facts["data_set"],
        period=facts["period"],
        root=facts["root"],
        sheet=facts["sheet"],
        columns=columns,
    )


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _column_problem(
    sheet: str, row: int, column: str, element: str, message_vi: str, message_en: str
) -> RowError:
    return RowError(
        row=row,
        field=element or "column",
        message_vi=message_vi,
        message_en=message_en,
        sheet=sheet,
        column=column,
        element=element,
    )


def _check_columns(
    rows: list[list[object]],
    meta: _Meta,
    members: dict[str, DataElement],
    data_set: DataSet,
    filename: str,
) -> dict[int, DataElement]:
    """The element of each value column (0-based index), or invalid_file
    listing every wrong column."""
    sheet = meta.sheet

    def cell(row: int, index: int) -> str:
        line = rows[row - 1] if row - 1 < len(rows) else []
        return _text(line[index]) if index < len(line) else ""

    problems: list[RowError] = []
    for index, (code, header) in enumerate(
        zip(FIXED_CODES, FIXED_HEADERS, strict=True)
    ):
        letter = get_column_letter(index + 1)
        if cell(CODE_ROW, index) != code or cell(HEADER_ROW, index) != header:
            problems.append(
                _column_problem(
                    sheet,
                    HEADER_ROW,
                    letter,
                    "",
                    f"Cột {letter} phải là “{header}” (mã {code}); bảng tính đã "
                    "bị sửa cột.",
                    f"Column {letter} must be '{header}' (code {code}); the "
                    "sheet's columns were changed.",
                )
            )
    by_index: dict[int, DataElement] = {}
    expected = {c.letter: c for c in meta.columns}
    width = max(
        (len(rows[r - 1]) for r in (HEADER_ROW, CODE_ROW) if r - 1 < len(rows)),
        default=0,
    )
    seen: set[str] = set()
    for index in range(FIRST_ELEMENT_COLUMN - 1, max(width, 0)):
        letter = get_column_letter(index + 1)
        code, header = cell(CODE_ROW, index), cell(HEADER_ROW, index)
        column = expected.pop(letter, None)
        if not code and not header and column is None:
            continue
        if column is None or code != column.code:
            problems.append(
                _column_problem(
                    sheet,
                    CODE_ROW,
                    letter,
                    code,
                    f"Cột “{code or header}” không có trong mẫu đã tải về "
                    "(cột bị thêm, xóa hoặc đổi chỗ).",
                    f"The column '{code or header}' is not in the downloaded "
                    "template (a column was added, removed or moved).",
                )
            )
            continue
        if header != column.header:
            problems.append(
                _column_problem(
                    sheet,
                    HEADER_ROW,
                    letter,
                    code,
                    f"Tiêu đề đã bị sửa thành “{header}”; mẫu ghi “{column.header}”.",
                    f"The header was changed to '{header}'; the template says "
                    f"'{column.header}'.",
                )
            )
            continue
        element = members.get(code)
        if element is None or code in seen:
            problems.append(
                _column_problem(
                    sheet,
                    CODE_ROW,
                    letter,
                    code,
                    f"Chỉ tiêu “{code}” không thuộc biểu mẫu “{data_set.name_vi}” "
                    "(hoặc lặp lại); hãy tải mẫu mới.",
                    f"The data element '{code}' is not in the data set "
                    f"'{data_set.name_en}' (or repeats); download a new template.",
                )
            )
            continue
        seen.add(code)
        by_index[index] = element
    problems.extend(
        _column_problem(
            sheet,
            CODE_ROW,
            column.letter,
            column.code,
            f"Thiếu cột “{column.header}” (mã {column.code}).",
            f"The column '{column.header}' (code {column.code}) is missing.",
        )
        for column in expected.values()
    )
    if problems:
        file_vi, file_en = _named(filename)
        raise _invalid_file(
            f"{file_vi}: các cột của trang “{sheet}” không đúng mẫu; không có số liệu "
            "nào được lưu.",
            f"{file_en}: the columns of the sheet '{sheet}' do not match the "
            "template; nothing was stored.",
            rows=problems,
        )
    return by_index


def _sheet_xml(archive: zipfile.ZipFile, name: str, filename: str) -> bytes:
    """The XML of the sheet called `name` (formulas are found there: calamine
    reads only their cached values)."""
    part = sheet_part(archive, name)
    try:
        if part is None:
            raise KeyError(name)
        return archive.read(part)
    except ZIP_ERRORS:
        file_vi, file_en = _named(filename)
        raise _invalid_file(
            f"{file_vi} bị hỏng: không đọc được trang tính “{name}”.",
            f"{file_en} is damaged: the sheet '{name}' cannot be read.",
        ) from None


def _cell_problem(
    *,
    sheet: str,
    row: int,
    column: str,
    unit: str,
    element: str,
    message_vi: str,
    message_en: str,
) -> RowError:
    return RowError(
        row=row,
        field=element or "cell",
        message_vi=message_vi,
        message_en=message_en,
        sheet=sheet,
        column=column,
        unit=unit,
        element=element,
    )


@dataclass
class _Reader:
    """Reads the value cells of one sheet, collecting every problem."""

    meta: _Meta
    columns: dict[int, DataElement]
    unit_codes: dict[int, str]  # Excel row -> unit code
    problems: list[RowError] = field(default_factory=list)

    def problem(
        self, row: int, index: int | None, message_vi: str, message_en: str
    ) -> None:
        element = self.columns.get(index) if index is not None else None
        self.problems.append(
            _cell_problem(
                sheet=self.meta.sheet,
                row=row,
                column=get_column_letter(index + 1) if index is not None else "",
                unit=self.unit_codes.get(row, ""),
                element=element.code if element is not None else "",
                message_vi=message_vi,
                message_en=message_en,
            )
        )

    def value(self, row: int, index: int, raw: object) -> object:
        """What to hand to the write service for one non-blank cell (None
        deletes), or _REFUSED after recording why not.

        The cell is typed here by the write service's own rules
        (`values.type_value`), so that every bad cell of the file is listed in
        one go with the workbook's other problems; the raw value is passed on
        and typed again by the service, which owns what is stored.
        """
        element = self.columns[index]
        kind = element.value_type
        if isinstance(raw, datetime.date | datetime.time | datetime.timedelta):
            if kind == ValueType.TEXT:
                return (
                    str(raw) if isinstance(raw, datetime.timedelta) else raw.isoformat()
                )
            self.problem(
                row,
                index,
                "Ô chứa ngày/giờ, không phải số (hãy định dạng ô là Số).",
                "The cell holds a date or time, not a number (format the cell "
                "as Number).",
            )
            return _REFUSED
        if isinstance(raw, str):
            raw = raw.strip()
            if raw[:1] in _DELETE_STARTS and fold(raw) in DELETE_MARKS:
                return None
            if kind == ValueType.PERCENT and raw.endswith("%"):
                raw = raw[:-1].rstrip()  # "61,5%" typed as text means 61,5
        elif isinstance(raw, float) and raw.is_integer():
            raw = int(raw)  # spreadsheets keep every number as a float
        try:
            type_value(raw, value_type=kind, lo=element.min_value, hi=element.max_value)
        except ValueTypeError as error:
            self.problem(row, index, error.message_vi, error.message_en)
            return _REFUSED
        return raw


_REFUSED: Final = object()
# First letters of the delete marks: most cells need no folding.
_DELETE_STARTS: Final = frozenset({"-", "\u2013", "\u2014", "x", "X"})


def _check_sheets(
    book: CalamineWorkbook, archive: zipfile.ZipFile, meta: _Meta, filename: str
) -> _Sheet:
    """The data sheet, once no other sheet but _meta holds anything."""
    names = list(book.sheet_names)
    if meta.sheet not in names:
        raise _wrong_template(
            filename,
            f"không có trang tính “{meta.sheet}”; các trang: {', '.join(names)}",
            f"there is no sheet '{meta.sheet}'; the sheets are: {', '.join(names)}",
        )
    for name in names:
        if name in (meta.sheet, META_SHEET):
            continue
        rows = _load_sheet(book, archive, name, filename).rows
        if any(not _is_blank(v) for row in rows for v in row):
            file_vi, file_en = _named(filename)
            raise _invalid_file(
                f"{file_vi} có trang tính lạ “{name}” chứa dữ liệu; chỉ trang "
                f"“{meta.sheet}” được nhập. Hãy chép số liệu vào trang “{meta.sheet}” "
                "và xóa trang kia.",
                f"{file_en} has a foreign sheet '{name}' holding data; only the "
                f"sheet '{meta.sheet}' is imported. Copy the figures into "
                f"'{meta.sheet}' and delete the other sheet.",
            )
    return _load_sheet(book, archive, meta.sheet, filename)


def read_workbook(data: bytes, *, filename: str = "") -> list[ValueRow]:
    """The value rows of a filled template, or DomainError saying every problem.

    Raises "invalid_file" for a file that is not one of our templates or whose
    sheets, header or columns were changed (with a RowError per wrong column),
    and "invalid_rows" listing every bad cell (merged, formula, error value,
    text that is not a number of the element's type, a value outside the
    template's columns or without a unit code). See the module docstring for
    blank cells and deletions. Typing, ranges, units and scope are checked by
    the write service, whose errors name the sheet, row and column given here.
    """
    archive, book = _open(data, filename)
    meta = _read_meta(book, archive, filename)
    data_set = data_set_get(meta.data_set)
    if data_set is None:
        raise _wrong_template(
            filename,
            f"biểu mẫu “{meta.data_set}” không có trong hệ thống",
            f"the data set '{meta.data_set}' does not exist",
        )
    members = {  # prefetched by data_set_get, in form order
        m.data_element.code: m.data_element
        for m in data_set.members.all()
        if m.data_element.is_active
    }
    sheet = _check_sheets(book, archive, meta, filename)
    rows = sheet.rows
    columns = _check_columns(rows, meta, members, data_set, filename)

    unit_codes = {
        number: _text(line[0]) if line else ""
        for number, line in enumerate(rows[FIRST_DATA_ROW - 1 :], start=FIRST_DATA_ROW)
    }
    reader = _Reader(meta=meta, columns=columns, unit_codes=unit_codes)
    _check_merges(sheet.merges, reader)
    for bad in formula_and_error_cells(sheet.xml):
        if bad.row < HEADER_ROW:
            continue
        index = _column_index(bad.column)
        if bad.formula:
            reader.problem(
                bad.row,
                index,
                "Ô chứa công thức; mẫu chỉ nhận giá trị (hãy sao chép rồi dán "
                "“chỉ giá trị”).",
                "The cell holds a formula; the template takes values only (copy "
                "and paste as values).",
            )
        else:
            reader.problem(
                bad.row,
                index,
                "Ô chứa giá trị lỗi (như #N/A, #DIV/0!).",
                "The cell holds an error value (such as #N/A, #DIV/0!).",
            )

    result: list[ValueRow] = []
    letters = {index: get_column_letter(index + 1) for index in columns}
    for number, line in enumerate(rows[FIRST_DATA_ROW - 1 :], start=FIRST_DATA_ROW):
        unit = unit_codes[number]
        given = False
        for index in range(FIRST_ELEMENT_COLUMN - 1, len(line)):
            raw = line[index]
            if _is_blank(raw):
                continue
            if index not in columns:
                reader.problem(
                    number,
                    index,
                    "Ô nằm ngoài các cột của mẫu; số liệu ở đây không được nhập.",
                    "The cell is outside the template's columns; it would not "
                    "be imported.",
                )
                continue
            given = True
            value = reader.value(number, index, raw)
            if value is _REFUSED or not unit:
                continue
            result.append(
                ValueRow(
                    data_element=columns[index].code,
                    unit_code=unit,
                    period=meta.period,
                    value=value,
                    sheet=meta.sheet,
                    row=number,
                    column=letters[index],
                )
            )
        if given and not unit:
            reader.problem(
                number,
                0,
                "Dòng có số liệu nhưng thiếu mã đơn vị.",
                "The row has values but no unit code.",
            )
    if reader.problems:
        raise _cell_errors(reader.problems, filename)
    if not result:
        file_vi, file_en = _named(filename)
        raise _invalid_file(
            f"{file_vi} không có số liệu nào để nhập: mọi ô số liệu đều trống.",
            f"{file_en} holds nothing to import: every value cell is empty.",
        )
    return result


def _column_index(letter: str) -> int | None:
    """0 for A; None for no column."""
    return column_number(letter) - 1 if letter else None


def _check_merges(merges: list[Merge], reader: _Reader) -> None:
    for (top, left), (bottom, right) in merges:
        if bottom + 1 < HEADER_ROW:
            continue
        first = f"{get_column_letter(left + 1)}{top + 1}"
        last = f"{get_column_letter(right + 1)}{bottom + 1}"
        reader.problem(
            max(top + 1, HEADER_ROW),
            left,
            f"Các ô {first}:{last} bị gộp; hãy bỏ gộp ô (mỗi ô một giá trị).",
            f"The cells {first}:{last} are merged; unmerge them (one value per cell).",
        )


def _cell_errors(problems: list[RowError], filename: str) -> DomainError:
    problems.sort(key=lambda p: (p.row, _column_index(p.column) or 0))
    total = len(problems)
    listed = problems[:MAX_LISTED]
    file_vi, file_en = _named(filename)
    more_vi = f" (liệt kê {MAX_LISTED} lỗi đầu tiên)" if total > MAX_LISTED else ""
    more_en = f" (the first {MAX_LISTED} are listed)" if total > MAX_LISTED else ""
    return DomainError(
        "invalid_rows",
        f"{file_vi} có {number_vi(total)} ô không hợp lệ{more_vi}; không có số liệu "
        "nào được lưu.",
        f"{file_en} has {total:,} invalid cells{more_en}; nothing was stored.",
        rows=listed,
    )
