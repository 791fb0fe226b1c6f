"""Files in and out: pick the reader or writer for a file and refuse files that
are not what their name says.

`read_file` chooses the reader by the file's extension, then looks at the
bytes: an .xlsx must be a zip holding a workbook, a .csv must be text, a .json
must start like JSON, an .xml must be XML (ADX when its root is in the ADX
namespace, a DHIS2 dataValueSet otherwise). Files over the size limit
(`settings.VANDONG_MAX_IMPORT_BYTES`, default 200 MB) are refused before they
are read. Every refusal is a `DomainError("invalid_file")` in both languages.
"""

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.db.models import QuerySet

from vandong.collect.models import DataValue
from vandong.collect.rows import ValueRow
from vandong.collect.values import ValueColumns
from vandong.core.errors import DomainError
from vandong.core.formatting import number_vi

DEFAULT_MAX_IMPORT_BYTES = 200 * 1024 * 1024
ADX_NAMESPACE = "urn:ihe:qrph:adx:2015"
INVALID_FILE = "invalid_file"

# Formats read_file tells apart (the label is stored on the import batch).
CSV = "csv"
DHIS2_CSV = "dhis2_csv"
XLSX = "xlsx"
DHIS2_JSON = "dhis2_json"
DHIS2_XML = "dhis2_xml"
ADX = "adx"

# Formats write_file writes.
EXPORT_FORMATS = ("csv", "json", "xml", "adx")

# What the long-format CSV writer reads of a value.
CSV_FIELDS = (
    "value",
    "text_value",
    "comment",
    "data_element__code",
    "data_element__value_type",
    "unit__code",
    "period__code",
)

EXTENSIONS = (".csv", ".xlsx", ".json", ".xml", ".adx")

# Leading bytes of files people upload by mistake, and what to call them.
_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "ảnh PNG", "a PNG image"),
    (b"\xff\xd8\xff", "ảnh JPEG", "a JPEG image"),
    (b"GIF8", "ảnh GIF", "a GIF image"),
    (b"%PDF", "tệp PDF", "a PDF document"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "tệp Excel 97-2003 (.xls) hoặc Word cũ",
        "an Excel 97-2003 (.xls) or old Word file",
    ),
    (b"PK\x03\x04", "tệp nén ZIP (có thể là .xlsx)", "a ZIP archive (maybe .xlsx)"),
    (b"PK\x05\x06", "tệp nén ZIP rỗng", "an empty ZIP archive"),
    (b"\x1f\x8b", "tệp nén gzip", "a gzip archive"),
    (b"Rar!", "tệp nén RAR", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "tệp nén 7z", "a 7z archive"),
)

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def max_import_bytes() -> int:
    """The largest file accepted, read from the settings at call time."""
    return int(getattr(settings, "VANDONG_MAX_IMPORT_BYTES", DEFAULT_MAX_IMPORT_BYTES))


def size_text(size: int) -> str:
    """A size as people read it: "200 MB", "512 KB", "100 byte"."""
    mb = 1024 * 1024
    if size >= mb:
        return f"{number_vi(size / mb, 1 if size % mb else 0)} MB"
    if size >= 1024:
        return f"{number_vi(size / 1024, 1 if size % 1024 else 0)} KB"
    return f"{size} byte"


def _invalid(message_vi: str, message_en: str) -> DomainError:
    return DomainError(INVALID_FILE, message_vi, message_en, field="file")


def check_size(size: int, *, filename: str) -> None:
    """Refuse a file over the limit before anyone reads it whole."""
    limit = max_import_bytes()
    if size > limit:
        raise _invalid(
            f"Tệp “{filename}” quá lớn ({size_text(size)}); giới hạn là "
            f"{size_text(limit)}. Hãy chia thành nhiều tệp nhỏ hơn.",
            f"The file '{filename}' is too large ({size_text(size)}); the limit is "
            f"{size_text(limit)}. Split it into smaller files.",
        )


def _extension(filename: str) -> str:
    return PurePath(filename).suffix.lower()


def _looks_like(head: bytes) -> tuple[str, str] | None:
    """What a file of unexpected content looks like, by its leading bytes."""
    for magic, vi, en in _MAGIC:
        if head.startswith(magic):
            return vi, en
    return None


def _not_what_it_says(
    filename: str, expected_vi: str, expected_en: str, head: bytes
) -> DomainError:
    seen = _looks_like(head)
    seen_vi, seen_en = seen if seen else ("nội dung khác", "something else")
    return _invalid(
        f"Tệp “{filename}” không phải {expected_vi} như phần đuôi tên tệp cho biết: "
        f"nội dung là {seen_vi}.",
        f"The file '{filename}' is not {expected_en} as its name says: it holds "
        f"{seen_en}.",
    )


def _first_char(data: bytes) -> bytes:
    """The first byte after a UTF-8 BOM and blanks ("" if there is none)."""
    return data.removeprefix(_UTF8_BOM).lstrip()[:1]


def _sniff_text(data: bytes, filename: str) -> None:
    head = data[:8192]
    if head.startswith(_UTF16_BOMS):
        return  # UTF-16 text (with its BOM): zero bytes are part of it
    if _looks_like(head) or b"\x00" in head:
        raise _not_what_it_says(filename, "tệp văn bản CSV", "a CSV text file", head)


def _first_line(data: bytes) -> str:
    head = data[:4096]
    if head.startswith(_UTF16_BOMS):
        text = head.decode("utf-16", errors="ignore")
    else:
        text = head.removeprefix(_UTF8_BOM).decode("latin-1")
    lines = text.splitlines()
    return lines[0] if lines else ""


def _is_dhis2_csv(data: bytes) -> bool:
    """A DHIS2 dataValueSet CSV names its columns dataelement, period, orgunit…"""
    columns = {
        c.strip().strip('"').strip().lower() for c in _first_line(data).split(",")
    }
    return {"dataelement", "orgunit"} <= columns


def _sniff_xlsx(data: bytes, filename: str) -> None:
    head = data[:8]
    if not head.startswith(b"PK\x03\x04"):
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            raise _invalid(
                f"Tệp “{filename}” là tệp Excel 97-2003 (.xls) đặt tên .xlsx; hãy "
                "mở bằng Excel hoặc LibreOffice và lưu lại dưới dạng .xlsx.",
                f"The file '{filename}' is an Excel 97-2003 (.xls) file named "
                ".xlsx; open it in Excel or LibreOffice and save it as .xlsx.",
            )
        raise _not_what_it_says(filename, "bảng tính .xlsx", "an .xlsx workbook", head)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError, EOFError):
        raise _invalid(
            f"Tệp “{filename}” bị hỏng hoặc tải lên không trọn vẹn (không đọc được "
            "như tệp nén .xlsx).",
            f"The file '{filename}' is damaged or incompletely uploaded (it does "
            "not open as an .xlsx archive).",
        ) from None
    if b"opendocument" in mimetype:
        raise _invalid(
            f"Tệp “{filename}” là bảng tính OpenDocument (.ods) đặt tên .xlsx; hãy "
            "lưu lại dưới dạng Excel 2007-365 (.xlsx).",
            f"The file '{filename}' is an OpenDocument spreadsheet (.ods) named "
            ".xlsx; save it as Excel 2007-365 (.xlsx).",
        )
    if not any(n.startswith("xl/") and n.endswith("workbook.xml") for n in names):
        raise _invalid(
            f"Tệp “{filename}” là tệp nén nhưng không chứa bảng tính Excel.",
            f"The file '{filename}' is a ZIP archive but holds no Excel workbook.",
        )


def _sniff_json(data: bytes, filename: str) -> None:
    if _first_char(data) not in (b"{", b"["):
        raise _not_what_it_says(filename, "tệp JSON", "a JSON file", data[:16])


def _xml_root(data: bytes, filename: str) -> str:
    """The root element's tag ("{namespace}name"), reading no further than it."""
    if _first_char(data) != b"<":
        raise _not_what_it_says(filename, "tệp XML", "an XML file", data[:16])
    try:
        for _event, element in ET.iterparse(io.BytesIO(data), events=("start",)):  # noqa: S314 - stops at the root's start tag
            return str(element.tag)
    except ET.ParseError as error:
        raise _invalid(
            f"Tệp “{filename}” không phải XML hợp lệ: {error}.",
            f"The file '{filename}' is not valid XML: {error}.",
        ) from None
    raise _invalid(  # pragma: no cover - iterparse yields the root or raises
        f"Tệp “{filename}” không có phần tử XML nào.",
        f"The file '{filename}' holds no XML element.",
    )


def detect_format(data: bytes, *, filename: str) -> str:
    """The reader a file needs (csv, dhis2_csv, xlsx, dhis2_json, dhis2_xml, adx),
    judged by its extension and confirmed by its content."""
    check_size(len(data), filename=filename)
    extension = _extension(filename)
    if extension not in EXTENSIONS:
        raise _invalid(
            f"Không đọc được tệp “{filename}”: chỉ nhận tệp .xlsx, .csv, .json "
            "(DHIS2 dataValueSet) và .xml (DHIS2 hoặc ADX).",
            f"Cannot read '{filename}': only .xlsx, .csv, .json (DHIS2 "
            "dataValueSet) and .xml (DHIS2 or ADX) files are accepted.",
        )
    if not data.removeprefix(_UTF8_BOM).strip():
        raise _invalid(
            f"Tệp “{filename}” trống: không có dữ liệu nào.",
            f"The file '{filename}' is empty: it holds no data.",
        )
    if extension == ".csv":
        _sniff_text(data, filename)
        return DHIS2_CSV if _is_dhis2_csv(data) else CSV
    if extension == ".xlsx":
        _sniff_xlsx(data, filename)
        return XLSX
    if extension == ".json":
        _sniff_json(data, filename)
        return DHIS2_JSON
    root = _xml_root(data, filename)
    is_adx = root.startswith("{" + ADX_NAMESPACE + "}")
    if extension == ".adx" and not is_adx:
        raise _invalid(
            f"Tệp “{filename}” không phải ADX: phần tử gốc là {root}.",
            f"The file '{filename}' is not ADX: its root element is {root}.",
        )
    return ADX if is_adx else DHIS2_XML


def _read(data: bytes, *, fmt: str, filename: str) -> list[ValueRow]:
    from vandong.collect import csvio, dhis2, excel

    try:
        if fmt == CSV:
            return csvio.read_csv(data, filename=filename)
        if fmt == DHIS2_CSV:
            return dhis2.read_data_value_set(data, fmt="csv")
        if fmt == XLSX:
            return excel.read_workbook(data, filename=filename)
        if fmt == DHIS2_JSON:
            return dhis2.read_data_value_set(data, fmt="json")
        if fmt == ADX:
            return dhis2.read_adx(data)
        return dhis2.read_data_value_set(data, fmt="xml")
    except (json.JSONDecodeError, ET.ParseError, UnicodeDecodeError) as error:
        # A reader that lets a parse error through: say it like the others.
        raise _invalid(
            f"Không đọc được tệp “{filename}”: {error}.",
            f"Cannot read the file '{filename}': {error}.",
        ) from None


def read_file(data: bytes, *, filename: str) -> list[ValueRow]:
    """The rows of an uploaded file, read by the reader its name and content call for.

    .csv: the long format (`csvio.read_csv`), or a DHIS2 dataValueSet CSV when
    its header names dataelement and orgunit; .xlsx: a vandong template
    (`excel.read_workbook`); .json: a DHIS2 dataValueSet; .xml: ADX when the
    root element is in the ADX namespace, else a DHIS2 dataValueSet.

    Raises DomainError "invalid_file" for a file that is empty, too large, of
    an unknown kind or not what its extension says, and whatever the reader
    raises ("invalid_file", "invalid_rows") for a file it cannot read.
    """
    fmt = detect_format(data, filename=filename)
    return _read(data, fmt=fmt, filename=filename)


def read_upload(
    data: bytes, *, filename: str
) -> tuple[str, list[ValueRow] | ValueColumns]:
    """The format of an uploaded file and its rows, for `data_values_write`.

    Like `read_file`, but a long-format CSV comes back as columns
    (`csvio.read_csv_columns`): a million-row file never becomes a million
    row objects.
    """
    from vandong.collect import csvio

    fmt = detect_format(data, filename=filename)
    if fmt == CSV:
        return fmt, csvio.read_csv_columns(data, filename=filename)
    return fmt, _read(data, fmt=fmt, filename=filename)


def write_file(values: Iterable[DataValue], *, fmt: str) -> bytes:
    """Values as a file: csv (long format), json or xml (DHIS2 dataValueSet), adx.

    Given a QuerySet, loads only what the format writes."""
    if fmt not in EXPORT_FORMATS:
        raise DomainError(
            "invalid_format",
            f"Định dạng xuất “{fmt}” không có; chọn một trong: csv, json, xml, adx.",
            f"No export format '{fmt}'; choose one of: csv, json, xml, adx.",
            field="format",
        )
    from vandong.collect import csvio, dhis2

    if fmt == "csv":
        if isinstance(values, QuerySet):
            # The long format names each value's element, unit and period: join
            # them in, and load no more than it writes.
            values = values.select_related("data_element", "unit", "period").only(
                *CSV_FIELDS
            )
        return csvio.write_csv(values)
    if isinstance(values, QuerySet):
        # The DHIS2 writers look codes up by id themselves.
        values = values.select_related(None)
    if fmt == "adx":
        return dhis2.write_adx(values)
    return dhis2.write_data_value_set(values, fmt=fmt)
