"""Excel templates for a data set, and reading them back strictly.

`build_template` writes one workbook per (data set, period, subtree): a sheet
"Nhập liệu" with one row per unit the actor may enter data for and one column
per data element, and a hidden sheet "_meta" that says what the workbook is.

Layout of the sheet "Nhập liệu" (rows and columns as Excel numbers them):
- row 1: title (data set, period); row 2: where (the root unit) and how to fill;
- row 3: column headers in Vietnamese: "Mã đơn vị", "Tên đơn vị", "Trực thuộc",
  then each element's name and measure ("Số hộ gia đình (hộ)");
- row 4: the codes of the columns (unit_code, unit_name, parent_name and each
  element code), locked, in small grey type: the reader goes by them;
- rows 5 and below: one unit each, its code, name and parent's name locked,
  its values unlocked and prefilled with what is stored.
The sheet is protected (no password: it guards against slips, not people) so
only value cells can be typed in; the workbook structure is locked so sheets
cannot be added, renamed or unhidden.

How a file is read (`read_workbook`):
- an empty value cell means "no value given": the stored value is kept;
- a value cell holding "-" (or an en/em dash) or "xóa" (any case, with or
  without diacritics: "xoá", "xoa", "XÓA") deletes the stored value;
- numbers a spreadsheet typed are passed on as numbers (whole floats as
  ints), text as text ("2.142.500", "61,5": `numbers.parse_number` reads them),
  for the write service to type by the element's value type; a percent typed
  as text may end in "%" ("61,5%" is 61,5);
- every value cell is also typed here by the service's own rules
  (`values.type_value`: "abc" or "61,5" in a count, "1.500" in a decimal field,
  a negative count, a percent over 100, "có lẽ" in a yes/no column), so one
  upload lists every bad cell together with the workbook's other problems;
- formulas, error values (#N/A), merged cells, dates in number cells, values
  outside the template's columns, a changed header or code row, an unknown
  element code, a missing or foreign "_meta", an extra sheet holding data:
  each is refused. Problems of the file's structure raise
  DomainError("invalid_file"), problems of cells DomainError("invalid_rows")
  listing every bad cell with its sheet, row, column, unit and element (at most
  1,000, the total in the message). Unit codes, scope, levels, locks and
  duplicates are the write service's checks; its errors name the same sheet,
  row and column, carried on each `ValueRow`.
- a workbook with no value cell filled has nothing to import ("invalid_file").
"""

from vandong.collect.excel.layout import (
    DATA_SHEET,
    DELETE_MARKS,
    FIRST_DATA_ROW,
    FIRST_ELEMENT_COLUMN,
    META_SHEET,
    TEMPLATE_VERSION,
)
from vandong.collect.excel.reader import MAX_LISTED, read_workbook
from vandong.collect.excel.template import build_template, template_filename

__all__ = [
    "DATA_SHEET",
    "DELETE_MARKS",
    "FIRST_DATA_ROW",
    "FIRST_ELEMENT_COLUMN",
    "MAX_LISTED",
    "META_SHEET",
    "TEMPLATE_VERSION",
    "build_template",
    "read_workbook",
    "template_filename",
]
