"""Facts calamine does not give, read from the sheet's XML: which cells hold a
formula (calamine reads only their cached value) or an error value (#N/A,
which calamine reads as empty)."""

import re
import zipfile
import zlib
from dataclasses import dataclass
from html import unescape
from posixpath import join as posix_join
from posixpath import normpath

# What reading a damaged zip may raise (NotImplementedError: an unknown
# compression; RuntimeError: an encrypted member; zlib.error: bad deflate data).
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    zlib.error,
)


# The workbook's sheets and their parts (xl/workbook.xml and its relationships).
_SHEET_TAG = re.compile(rb"<(?:[\w.-]+:)?sheet\s[^>]*?>", re.DOTALL)
_ATTRIBUTE = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\s[^>]*?>", re.DOTALL)
# Inside <sheetData>: rows, cells, formulas and error cells (t="e").
_SHEET_DATA_START = re.compile(rb"<(?:[\w.-]+:)?sheetData[\s>/]")
_FORMULA_TAG = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c(\s[^>]*?)?(?:/>|>(.*?)</(?:[\w.-]+:)?c>)", re.DOTALL
)
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row(\s[^>]*?)?/?>", re.DOTALL)
_REFERENCE = re.compile(r"([A-Z]{1,3})([0-9]+)")


def _attributes(tag: bytes) -> dict[str, str]:
    found: dict[str, str] = {}
    for match in _ATTRIBUTE.finditer(tag):
        name = match.group(1).decode("utf-8", "replace").split(":")[-1]
        raw = match.group(2) if match.group(2) is not None else match.group(3)
        found.setdefault(name, unescape(raw.decode("utf-8", "replace")))
    return found


def sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The zip member holding the sheet called `name`."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except ZIP_ERRORS:
        return None
    rel_id = None
    for tag in _SHEET_TAG.findall(workbook):
        attrs = _attributes(tag)
        if attrs.get("name") == name:
            rel_id = attrs.get("id")
            break
    if rel_id is None:
        return None
    for tag in _RELATIONSHIP.findall(rels):
        attrs = _attributes(tag)
        if attrs.get("Id") == rel_id:
            target = attrs.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return normpath(posix_join("xl", target))
    return None


@dataclass(frozen=True)
class BadCell:
    row: int
    column: str
    formula: bool  # else an error value (#N/A, #DIV/0!)


def formula_and_error_cells(xml: bytes) -> list[BadCell]:
    """Cells of a sheet's XML holding a formula or an error value, in order."""
    start = _SHEET_DATA_START.search(xml)
    if start is None:
        return []
    end = xml.rfind(b"sheetData>")
    body = xml[start.start() : max(end, start.end())]
    # The usual case, decided by fast substring scans: no "<f", "<x:f", t="e".
    if (
        b"<f" not in body
        and b":f" not in body
        and b'"e"' not in body
        and b"'e'" not in body
    ):
        return []
    found: list[BadCell] = []
    row_starts = [(m.start(), m.group(1) or b"") for m in _ROW_TAG.finditer(body)]
    row_index = 0
    current_row = 0
    for match in _CELL.finditer(body):
        while row_index < len(row_starts) and row_starts[row_index][0] < match.start():
            current_row = int(_attributes(row_starts[row_index][1]).get("r", "0") or 0)
            row_index += 1
        attrs = _attributes(match.group(1) or b"")
        inner = match.group(2) or b""
        formula = _FORMULA_TAG.search(inner) is not None
        error = attrs.get("t") == "e"
        if not formula and not error:
            continue
        reference = _REFERENCE.fullmatch(attrs.get("r", ""))
        if reference:
            found.append(BadCell(int(reference.group(2)), reference.group(1), formula))
        else:
            found.append(BadCell(current_row, "", formula))
    return found


_CELL_REFERENCE = re.compile(rb"\sr\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"']")


def column_number(letters: str) -> int:
    """1 for A, 26 for Z, 27 for AA."""
    number = 0
    for char in letters:
        number = number * 26 + (ord(char) - ord("A") + 1)
    return number


def used_extent(xml: bytes) -> tuple[int, int]:
    """The last row and the last column (1-based) the cells of a sheet's XML
    name: the grid a reader that holds a sheet whole would allocate (a single
    value in XFD1048576 makes it 17 billion cells)."""
    references = _CELL_REFERENCE.findall(xml)
    if not references:
        return 0, 0
    letters = {column for column, _row in references}
    last_row = max(int(row) for row in {row for _column, row in references})
    return last_row, max(column_number(c.decode("ascii")) for c in letters)
