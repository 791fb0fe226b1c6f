"""CSV in the long format: `data_element,unit_code,period,value[,comment]`.

Read strictly: a file over the size limit (settings.VANDONG_MAX_IMPORT_BYTES,
200 MB by default), an empty file, a binary file, or a header without exactly
the expected columns is refused whole ("invalid_file"); rows with the wrong
number of cells are listed by row number ("invalid_rows"). Row numbers are the
ones a spreadsheet shows: the header is row 1.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM, and Windows-1258 (what
Vietnamese Excel writes), decided by the bytes; text is normalised to NFC so
"Đoàn Kết" typed with combining accents matches. Separators: comma, semicolon
(Excel where the decimal mark is a comma) or tab, decided by the header.

A file without quotes (what exports and generators write) is split in bulk
with polars; one with quotes goes through the csv module. Both give the same
columns: `read_csv_columns` hands them to the write service as they are, and
`read_csv` turns them into `ValueRow`s.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal

import polars as pl
from django.conf import settings

from vandong.catalog.models import ValueType
from vandong.collect.errors import CollectErrorCode
from vandong.collect.models import DataValue
from vandong.collect.rows import ValueRow
from vandong.collect.values import FLAG_EMPTY, FLAG_TEXT, ROW_SCHEMA, ValueColumns
from vandong.core.errors import DomainError, RowError
from vandong.core.formatting import number_vi

DEFAULT_MAX_IMPORT_BYTES = 200 * 1024 * 1024
REQUIRED = ("data_element", "unit_code", "period", "value")
OPTIONAL = ("comment",)
SEPARATORS = (",", ";", "\t")
MAX_LISTED = 1000


def max_import_bytes() -> int:
    return int(getattr(settings, "VANDONG_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES))


def _size(n: int) -> tuple[str, str]:
    mb = n / (1024 * 1024)
    if mb >= 1:
        return f"{number_vi(mb, 0 if mb == int(mb) else 1)} MB", (
            f"{mb:,.0f} MB" if mb == int(mb) else f"{mb:,.1f} MB"
        )
    return f"{number_vi(n)} byte", f"{n:,} bytes"


def _invalid_file(message_vi: str, message_en: str) -> DomainError:
    return DomainError(CollectErrorCode.INVALID_FILE, message_vi, message_en)


def _decode(data: bytes, name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        encoding = "utf-8"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    else:
        encoding = ""
    if encoding != "utf-16":
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise _invalid_file(
                f"“{name}” là tệp Excel hoặc tệp nén, không phải CSV.",
                f"'{name}' is an Excel or zip file, not CSV.",
            )
        if b"\x00" in data:
            raise _invalid_file(
                f"“{name}” không phải là tệp văn bản CSV (có byte 0).",
                f"'{name}' is not a CSV text file (it contains zero bytes).",
            )
    if not encoding:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1258", errors="replace")
    else:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            raise _invalid_file(
                f"“{name}” không đọc được theo mã {encoding.upper()}: {error.reason}.",
                f"'{name}' cannot be read as {encoding.upper()}: {error.reason}.",
            ) from None
    return unicodedata.normalize("NFC", text)


def _header(line: str, name: str) -> tuple[str, dict[str, int], int]:
    """The separator, the column of each field, and the number of columns."""
    found: tuple[str, list[str]] | None = None
    for sep in SEPARATORS:
        cells = [
            c.strip().strip("\ufeff").lower()
            for c in next(csv.reader([line], delimiter=sep))
        ]
        if set(REQUIRED) <= set(cells):
            found = (sep, cells)
            break
    if found is None:
        sep = max(SEPARATORS, key=line.count)
        cells = [c.strip().lower() for c in next(csv.reader([line], delimiter=sep))]
        found = (sep, cells)
    sep, cells = found
    missing = [c for c in REQUIRED if c not in cells]
    unknown = [c or "(trống)" for c in cells if c not in REQUIRED + OPTIONAL]
    repeated = sorted({c for c in cells if c and cells.count(c) > 1})
    if missing or unknown or repeated:
        parts_vi, parts_en = [], []
        if missing:
            parts_vi.append("thiếu cột " + ", ".join(missing))
            parts_en.append("missing " + ", ".join(missing))
        if unknown:
            parts_vi.append("cột lạ " + ", ".join(unknown))
            parts_en.append(
                "unknown " + ", ".join(c.replace("(trống)", "(empty)") for c in unknown)
            )
        if repeated:
            parts_vi.append("cột lặp lại " + ", ".join(repeated))
            parts_en.append("repeated " + ", ".join(repeated))
        raise DomainError(
            CollectErrorCode.INVALID_FILE,
            f"Dòng tiêu đề của “{name}” phải gồm các cột data_element, unit_code, "
            f"period, value (và comment nếu có): {'; '.join(parts_vi)}.",
            f"The header of '{name}' must have the columns data_element, unit_code, "
            f"period, value (and optionally comment): {'; '.join(parts_en)}.",
            row=1,
        )
    return sep, {c: i for i, c in enumerate(cells)}, len(cells)


def _too_many(errors: list[RowError], total: int) -> DomainError:
    shown = errors[:MAX_LISTED]
    more_vi = more_en = ""
    if total > len(shown):
        more_vi = f" (liệt kê {number_vi(len(shown))} dòng đầu)"
        more_en = f" (the first {len(shown):,} are listed)"
    return DomainError(
        CollectErrorCode.INVALID_ROWS,
        f"{number_vi(total)} dòng không đọc được{more_vi}; không có số liệu nào được lưu.",
        f"{total:,} rows cannot be read{more_en}; nothing was saved.",
        rows=shown,
    )


def _cells_error(row: int, got: int, expected: int) -> RowError:
    return RowError(
        row=row,
        field="",
        message_vi=f"Dòng có {got} ô, cần {expected} ô như dòng tiêu đề.",
        message_en=f"The row has {got} cells; the header has {expected}.",
    )


def _split_plain(body: bytes, sep: str, width: int) -> pl.DataFrame:
    """Rows of a file without quotes, split in bulk by polars; blank lines
    dropped (but counted, so row numbers stay those of the file)."""
    frame = pl.read_csv(
        io.BytesIO(body),
        has_header=False,
        separator=_NEVER,
        quote_char=None,
        schema={"line": pl.String},
    ).with_row_index("row", offset=2)
    frame = frame.with_columns(pl.col("line").str.strip_suffix("\r")).filter(
        pl.col("line").str.strip_chars() != ""
    )
    counts = frame.select(
        pl.col("row"), cells=pl.col("line").str.count_matches(sep, literal=True) + 1
    )
    bad = counts.filter(pl.col("cells") != width)
    if bad.height:
        errors = [
            _cells_error(int(r), int(c), width)
            for r, c in bad.head(MAX_LISTED).iter_rows()
        ]
        raise _too_many(errors, bad.height)
    split = frame.select(
        pl.col("row").cast(pl.Int64),
        pl.col("line").str.split_exact(sep, width - 1).alias("cells"),
    ).unnest("cells")
    cells = split.select(
        pl.col("row"),
        *[pl.col(f"field_{i}").str.strip_chars().alias(f"c{i}") for i in range(width)],
    )
    # A row of empty cells (",,,", as spreadsheets write blank rows) is no row.
    return cells.filter(
        ~pl.all_horizontal([pl.col(f"c{i}") == "" for i in range(width)])
    )


# A byte that a text file never holds: polars reads each line as one cell.
_NEVER = "\x01"


def _split_quoted(body: str, sep: str, width: int) -> pl.DataFrame:
    """Rows of a file with quotes, through the csv module (slower, exact)."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=sep, strict=True)
    columns: list[list[str]] = [[] for _ in range(width)]
    rows: list[int] = []
    errors: list[RowError] = []
    bad = 0
    start = 2
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            errors.append(
                RowError(
                    row=start,
                    field="",
                    message_vi=f"Dòng không đọc được (dấu ngoặc kép chưa đóng?): {error}.",
                    message_en=f"The row cannot be read (an unclosed quote?): {error}.",
                )
            )
            raise _too_many(errors, bad + 1) from None
        row = start
        start = reader.line_num + 2
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) != width:
            bad += 1
            if len(errors) < MAX_LISTED:
                errors.append(_cells_error(row, len(record), width))
            continue
        rows.append(row)
        for i, cell in enumerate(record):
            columns[i].append(cell.strip())
    if bad:
        raise _too_many(errors, bad)
    return pl.DataFrame(
        {"row": rows, **{f"c{i}": col for i, col in enumerate(columns)}},
        schema={"row": pl.Int64, **{f"c{i}": pl.String for i in range(width)}},
    )


def read_csv_columns(data: bytes, *, filename: str = "") -> ValueColumns:
    """The rows of a long-format CSV file as columns, or DomainError saying why not."""
    name = filename or "tệp CSV"
    limit = max_import_bytes()
    if len(data) > limit:
        size_vi, size_en = _size(len(data))
        limit_vi, limit_en = _size(limit)
        raise _invalid_file(
            f"“{name}” quá lớn ({size_vi}); giới hạn là {limit_vi}. Hãy chia thành "
            "nhiều tệp nhỏ hơn.",
            f"'{name}' is too large ({size_en}); the limit is {limit_en}. Split it "
            "into smaller files.",
        )
    text = _decode(data, name)
    if not text.strip():
        raise _invalid_file(f"“{name}” trống.", f"'{name}' is empty.")
    header, _, body = text.partition("\n")
    header = header.rstrip("\r")
    if not header.strip():
        raise _invalid_file(
            f"Dòng đầu của “{name}” trống; dòng đầu phải là dòng tiêu đề "
            "data_element, unit_code, period, value.",
            f"The first line of '{name}' is empty; it must be the header "
            "data_element, unit_code, period, value.",
        )
    sep, index, width = _header(header, name)
    if '"' in body or _NEVER in body:
        cells = _split_quoted(body, sep, width)
    else:
        cells = _split_plain(body.encode("utf-8"), sep, width)
    if cells.height == 0:
        raise _invalid_file(
            f"“{name}” chỉ có dòng tiêu đề, không có số liệu.",
            f"'{name}' has a header but no data rows.",
        )

    def col(field: str) -> pl.Expr:
        if field in index:
            return pl.col(f"c{index[field]}").fill_null("")
        return pl.lit("")

    frame = cells.select(
        data_element=col("data_element"),
        unit_code=col("unit_code"),
        period=col("period"),
        text=col("value"),
        number=pl.lit(None, dtype=pl.Float64),
        flag=pl.when(col("value") == "")
        .then(pl.lit(FLAG_EMPTY, dtype=pl.Int8))
        .otherwise(pl.lit(FLAG_TEXT, dtype=pl.Int8)),
        comment=col("comment"),
        sheet=pl.lit(""),
        row=pl.col("row"),
        column=pl.lit(""),
    )
    return ValueColumns(frame.cast(ROW_SCHEMA))  # type: ignore[arg-type]


def read_csv(data: bytes, *, filename: str = "") -> list[ValueRow]:
    """The rows of a long-format CSV file, or DomainError "invalid_file" /
    "invalid_rows" saying why not (with row numbers, header = row 1)."""
    return read_csv_columns(data, filename=filename).to_rows()


_AMBIGUOUS_OUT = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")


def plain_number(value: float) -> str:
    """A number as this reader reads it back in any field: no exponent, a dot
    before decimals, and never one dot followed by exactly three digits."""
    if value == int(value) and abs(value) < 1e16:
        return str(int(value))
    text = repr(value)
    if "e" in text or "E" in text:
        text = f"{Decimal(text):f}"
    if _AMBIGUOUS_OUT.match(text):
        text += "0"
    return text


def _value_out(dv: DataValue) -> str:
    value_type = dv.data_element.value_type
    if value_type == ValueType.TEXT:
        return dv.text_value
    if dv.value is None:
        return ""
    if value_type == ValueType.BOOLEAN:
        return "true" if dv.value else "false"
    return plain_number(dv.value)


def write_csv(values: Iterable[DataValue]) -> bytes:
    """Values in the long format, UTF-8 with BOM (so Excel shows the accents);
    `read_csv` reads the result back to the same values. Pass values with
    `data_element`, `unit` and `period` selected."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*REQUIRED, "comment"])
    for dv in values:
        writer.writerow(
            [
                dv.data_element.code,
                dv.unit.code,
                dv.period.code,
                _value_out(dv),
                dv.comment,
            ]
        )
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
