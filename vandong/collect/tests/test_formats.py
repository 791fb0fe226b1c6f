import io
import json
import zipfile

import pytest

from vandong.collect import formats
from vandong.collect.models import DataValue
from vandong.collect.tests.test_api import catalog, write_as_system
from vandong.core.errors import DomainError

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
CSV = b"data_element,unit_code,period,value\nXA_TO_HOA_GIAI,03388,2025,4\n"


def refusal(data, filename):
    with pytest.raises(DomainError) as caught:
        formats.detect_format(data, filename=filename)
    return caught.value


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- sniffing -------------------------------------------------------------------


def test_a_png_renamed_csv_is_refused_and_named_as_an_image():
    error = refusal(PNG, "so-lieu.csv")

    assert error.code == "invalid_file"
    assert error.status == 400
    assert error.message_vi == (
        "Tệp “so-lieu.csv” không phải tệp văn bản CSV như phần đuôi tên tệp cho "
        "biết: nội dung là ảnh PNG."
    )
    assert error.message_en == (
        "The file 'so-lieu.csv' is not a CSV text file as its name says: it holds "
        "a PNG image."
    )


def test_a_csv_renamed_xlsx_is_refused():
    error = refusal(CSV, "bieu-mau.xlsx")

    assert error.code == "invalid_file"
    assert error.message_en == (
        "The file 'bieu-mau.xlsx' is not an .xlsx workbook as its name says: it "
        "holds something else."
    )


def test_an_old_xls_renamed_xlsx_is_told_to_be_saved_again():
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100

    error = refusal(data, "bieu-mau.xlsx")

    assert error.code == "invalid_file"
    assert "Excel 97-2003 (.xls)" in error.message_vi
    assert "save it as .xlsx" in error.message_en


def test_an_ods_renamed_xlsx_is_refused():
    data = zipped(
        {"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "a.xml": "x"}
    )

    error = refusal(data, "bieu-mau.xlsx")

    assert error.code == "invalid_file"
    assert "OpenDocument" in error.message_en


def test_a_zip_without_a_workbook_is_refused():
    error = refusal(zipped({"readme.txt": "hello"}), "bieu-mau.xlsx")

    assert error.code == "invalid_file"
    assert error.message_en == (
        "The file 'bieu-mau.xlsx' is a ZIP archive but holds no Excel workbook."
    )


def test_a_truncated_xlsx_is_refused_as_damaged():
    data = zipped({"xl/workbook.xml": "<workbook/>", "[Content_Types].xml": "<x/>"})

    error = refusal(data[: len(data) // 2], "bieu-mau.xlsx")

    assert error.code == "invalid_file"
    assert "damaged or incompletely uploaded" in error.message_en


@pytest.mark.parametrize("filename", ["a.csv", "a.xlsx", "a.json", "a.xml"])
@pytest.mark.parametrize("data", [b"", b"\xef\xbb\xbf", b"  \r\n\n"])
def test_an_empty_file_is_refused(filename, data):
    error = refusal(data, filename)

    assert error.code == "invalid_file"
    assert error.message_vi == f"Tệp “{filename}” trống: không có dữ liệu nào."
    assert error.message_en == f"The file '{filename}' is empty: it holds no data."


def test_a_file_over_the_limit_is_refused_with_the_limit_stated(settings):
    # given
    settings.VANDONG_MAX_IMPORT_BYTES = 1024

    # when
    error = refusal(CSV * 30, "lon.csv")

    # then
    assert error.code == "invalid_file"
    assert error.message_en == (
        "The file 'lon.csv' is too large (1,9 KB); the limit is 1 KB. Split it "
        "into smaller files."
    )
    assert error.message_vi == (
        "Tệp “lon.csv” quá lớn (1,9 KB); giới hạn là 1 KB. Hãy chia thành nhiều "
        "tệp nhỏ hơn."
    )


def test_the_limit_is_read_at_call_time(settings):
    settings.VANDONG_MAX_IMPORT_BYTES = len(CSV)

    assert formats.detect_format(CSV, filename="a.csv") == formats.CSV
    settings.VANDONG_MAX_IMPORT_BYTES = len(CSV) - 1
    assert refusal(CSV, "a.csv").code == "invalid_file"


def test_the_default_limit_is_200_mb(settings):
    del settings.VANDONG_MAX_IMPORT_BYTES

    assert formats.max_import_bytes() == 200 * 1024 * 1024
    assert formats.size_text(formats.max_import_bytes()) == "200 MB"


def test_an_unknown_extension_is_refused_with_the_accepted_ones():
    error = refusal(CSV, "so-lieu.txt")

    assert error.code == "invalid_file"
    assert error.message_en == (
        "Cannot read 'so-lieu.txt': only .xlsx, .csv, .json (DHIS2 dataValueSet) "
        "and .xml (DHIS2 or ADX) files are accepted."
    )


def test_a_utf16_csv_with_its_bom_is_text():
    data = "dataelement,period,orgunit,value\n".encode("utf-16")

    assert b"\x00" in data
    assert formats.detect_format(data, filename="a.csv") == formats.DHIS2_CSV
    assert (
        formats.detect_format(CSV.decode().encode("utf-16"), filename="a.csv") == "csv"
    )


def test_a_binary_csv_with_nul_bytes_is_refused():
    assert refusal(b"abc\x00def\n", "a.csv").code == "invalid_file"


def test_a_json_that_is_not_json_is_refused():
    error = refusal(CSV, "a.json")

    assert error.code == "invalid_file"
    assert error.message_en == (
        "The file 'a.json' is not a JSON file as its name says: it holds something "
        "else."
    )


def test_an_xml_that_is_not_xml_is_refused():
    assert refusal(b"{}", "a.xml").code == "invalid_file"
    error = refusal(b"<dataValueSet <dataValue/>", "a.xml")
    assert error.code == "invalid_file"
    assert error.message_en.startswith("The file 'a.xml' is not valid XML: ")


def test_an_adx_file_that_is_not_adx_is_refused():
    error = refusal(b"<dataValueSet/>", "a.adx")

    assert error.code == "invalid_file"
    assert error.message_en == (
        "The file 'a.adx' is not ADX: its root element is dataValueSet."
    )


@pytest.mark.parametrize(
    ("data", "filename", "expected"),
    [
        (CSV, "a.csv", "csv"),
        (b"\xef\xbb\xbf" + CSV, "A.CSV", "csv"),
        # "mã,đơn vị" in Windows-1258 (tone marks as combining characters)
        (b"ma\xde,\xf0\xf5n vi\xf2\n1,2\n", "a.csv", "csv"),
        (b'"dataelement","period","orgunit","value"\n', "a.csv", "dhis2_csv"),
        (b"dataelement,period,orgunit,catoptcombo,value\n", "a.csv", "dhis2_csv"),
        (b' \n{"dataValues": []}', "a.json", "dhis2_json"),
        (b'<?xml version="1.0"?><dataValueSet/>', "a.xml", "dhis2_xml"),
        (
            b'<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0"/>',
            "a.xml",
            "dhis2_xml",
        ),
        (b'<adx xmlns="urn:ihe:qrph:adx:2015"/>', "a.adx.xml", "adx"),
        (b'<adx xmlns="urn:ihe:qrph:adx:2015"/>', "a.xml", "adx"),
        (b'<adx xmlns="urn:ihe:qrph:adx:2015"/>', "a.adx", "adx"),
        (zipped({"xl/workbook.xml": "<workbook/>"}), "a.xlsx", "xlsx"),
    ],
)
def test_detect_format_by_extension_and_content(data, filename, expected):
    assert formats.detect_format(data, filename=filename) == expected


@pytest.mark.parametrize(
    ("size", "text"),
    [
        (100, "100 byte"),
        (2048, "2 KB"),
        (1536, "1,5 KB"),
        (200 * 1024 * 1024, "200 MB"),
    ],
)
def test_size_text(size, text):
    assert formats.size_text(size) == text


# --- reading through the readers ----------------------------------------------


def number(raw):
    """A value as the readers give it ("4", 4, 4.0, "61,5") as a float."""
    return float(str(raw).replace(",", "."))


def as_tuples(rows):
    return sorted(
        (r.data_element, r.unit_code, r.period, number(r.value)) for r in rows
    )


@pytest.mark.django_db
def test_read_file_reads_a_long_csv(world):
    catalog()

    rows = formats.read_file(CSV, filename="so-lieu.csv")

    assert as_tuples(rows) == [("XA_TO_HOA_GIAI", "03388", "2025", 4.0)]
    assert rows[0].row == 2


@pytest.mark.django_db
def test_read_file_reads_a_dhis2_json_data_value_set(world):
    catalog()
    data = json.dumps(
        {
            "dataValues": [
                {
                    "dataElement": "XA_TO_HOA_GIAI",
                    "period": "2025",
                    "orgUnit": "03388",
                    "value": "4",
                }
            ]
        }
    ).encode()

    rows = formats.read_file(data, filename="dhis2.json")

    assert as_tuples(rows) == [("XA_TO_HOA_GIAI", "03388", "2025", 4.0)]


@pytest.mark.django_db
def test_read_file_reads_dhis2_xml_and_adx_by_root(world):
    catalog()
    dxf = (
        b'<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0">'
        b'<dataValue dataElement="XA_TO_HOA_GIAI" period="2025" orgUnit="03388" '
        b'value="4"/></dataValueSet>'
    )
    adx = (
        b'<adx xmlns="urn:ihe:qrph:adx:2015">'
        b'<group orgUnit="03388" period="2025-01-01/P1Y" dataSet="XA_NAM">'
        b'<dataValue dataElement="XA_TO_HOA_GIAI" value="4"/></group></adx>'
    )

    assert as_tuples(formats.read_file(dxf, filename="a.xml")) == [
        ("XA_TO_HOA_GIAI", "03388", "2025", 4.0)
    ]
    assert as_tuples(formats.read_file(adx, filename="a.xml")) == [
        ("XA_TO_HOA_GIAI", "03388", "2025", 4.0)
    ]


@pytest.mark.django_db
def test_read_file_reads_a_filled_excel_template(world):
    # given: the template for the province's communes, one cell typed in
    from openpyxl import load_workbook

    from vandong.collect import excel

    cat = catalog()
    template = excel.build_template(
        data_set=cat.commune_set, period=cat.y2025, root=world.province, actor=None
    )
    book = load_workbook(io.BytesIO(template))
    sheet = book[excel.DATA_SHEET]
    codes = [c.value for c in sheet[excel.FIRST_DATA_ROW - 1]]
    units = [c.value for c in sheet["A"]]
    sheet.cell(
        row=units.index("03395") + 1, column=codes.index("XA_TO_HOA_GIAI") + 1
    ).value = 7
    filled = io.BytesIO()
    book.save(filled)

    # when
    rows = formats.read_file(filled.getvalue(), filename="bieu-xa.xlsx")

    # then
    assert as_tuples(rows) == [("XA_TO_HOA_GIAI", "03395", "2025", 7.0)]
    assert rows[0].sheet == excel.DATA_SHEET


@pytest.mark.django_db
def test_a_broken_json_is_invalid_file(world):
    catalog()

    with pytest.raises(DomainError) as caught:
        formats.read_file(b'{"dataValues": [', filename="a.json")

    assert caught.value.code == "invalid_file"


# --- writing --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fmt", "filename"),
    [("csv", "a.csv"), ("json", "a.json"), ("xml", "a.xml"), ("adx", "a.adx.xml")],
)
def test_write_file_reads_back_identically(world, fmt, filename):
    # given
    catalog()
    write_as_system(
        [
            ("XA_TO_HOA_GIAI", "03388", "2025", 4.0),
            ("XA_TY_LE_BHYT", "03388", "2025", "61,5"),
            ("XA_TO_HOA_GIAI", "03395", "2025", "7"),
        ]
    )
    values = DataValue.objects.select_related("data_element", "unit", "period")

    # when
    data = formats.write_file(values, fmt=fmt)
    rows = formats.read_file(data, filename=filename)

    # then
    assert as_tuples(rows) == [
        ("XA_TO_HOA_GIAI", "03388", "2025", 4.0),
        ("XA_TO_HOA_GIAI", "03395", "2025", 7.0),
        ("XA_TY_LE_BHYT", "03388", "2025", 61.5),
    ]


def test_write_file_refuses_an_unknown_format():
    with pytest.raises(DomainError) as caught:
        formats.write_file([], fmt="pdf")

    assert caught.value.code == "invalid_format"
    assert caught.value.message_en == (
        "No export format 'pdf'; choose one of: csv, json, xml, adx."
    )


@pytest.mark.django_db
def test_read_file_reads_a_dhis2_csv_by_its_header(world):
    catalog()
    data = b"dataelement,period,orgunit,value\nXA_TO_HOA_GIAI,2025,03388,4\n"

    rows = formats.read_file(data, filename="dhis2.csv")

    assert as_tuples(rows) == [("XA_TO_HOA_GIAI", "03388", "2025", 4.0)]


@pytest.mark.django_db
def test_read_upload_gives_a_long_csv_as_columns(world):
    from vandong.collect.values import ValueColumns

    fmt, rows = formats.read_upload(CSV, filename="so-lieu.csv")

    assert fmt == "csv"
    assert isinstance(rows, ValueColumns)
    assert len(rows) == 1
