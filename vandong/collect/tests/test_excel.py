"""Excel templates: built for a data set, period and subtree within the actor's
scope, filled in (by openpyxl and by LibreOffice), and read back strictly."""

import datetime
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.worksheet import Worksheet

from vandong.catalog.models import DataElement, DataSet, DataSetElement, Period
from vandong.collect import services
from vandong.collect.excel import (
    DATA_SHEET,
    META_SHEET,
    build_template,
    read_workbook,
    template_filename,
)
from vandong.collect.models import DataValue
from vandong.collect.rows import ValueRow
from vandong.core.errors import DomainError
from vandong.geo.models import Level

FIXTURES = Path(__file__).parent / "fixtures" / "excel"


def _libreoffice_calc() -> str | None:
    """LibreOffice with its spreadsheet (Calc) installed: a Writer-only
    install opens no .xlsx."""
    found = shutil.which("libreoffice") or shutil.which("soffice")
    if found is None:
        return None
    program = Path(found).resolve().parent
    calc = list(program.glob("libsclo.so")) + list(
        Path("/usr/lib/libreoffice/program").glob("libsclo.so")
    )
    return found if calc else None


LIBREOFFICE = _libreoffice_calc()

# The village data set's columns: D..I.
ELEMENTS = [
    ("XL_HH", "Số hộ gia đình", "integer", "hộ"),
    ("XL_CASH", "Tiền nhân dân đóng góp", "money_vnd", "đồng"),
    ("XL_PCT", "Tỷ lệ hộ gia đình văn hóa", "percent", "%"),
    ("XL_AREA", "Diện tích rừng trồng mới", "area_ha", "ha"),
    ("XL_FLAG", "Đạt danh hiệu thôn văn hóa", "boolean", ""),
    ("XL_NOTE", "Ghi chú", "text", ""),
]


# --- helpers ------------------------------------------------------------------


def make_period(code, start, end, kind="year"):
    return Period.objects.create(code=code, kind=kind, start=start, end=end)


def make_element(code, name_vi, value_type, measure="", level=Level.VILLAGE, **fields):
    return DataElement.objects.create(
        code=code,
        name_vi=name_vi,
        name_en=code.lower(),
        value_type=value_type,
        measure=measure,
        level=level,
        **fields,
    )


def make_data_set(code, name_vi, level, elements):
    data_set = DataSet.objects.create(
        code=code, name_vi=name_vi, name_en=f"{code} set", level=level
    )
    for order, element in enumerate(elements):
        DataSetElement.objects.create(
            data_set=data_set, data_element=element, order=order
        )
    return data_set


def store(element, unit, period, value=None, text=""):
    """A stored value, as the write service leaves it."""
    return DataValue.objects.create(
        data_element=element,
        unit=unit,
        period=period,
        value=value,
        text_value=text,
        updated_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        channel="system",
    )


@pytest.fixture
def catalog(world):
    """A village data set of every value type, a commune data set, 2024 and 2025."""
    elements = {
        code: make_element(
            code,
            name,
            kind,
            measure,
            **({"max_value": 100} if kind == "percent" else {}),
        )
        for code, name, kind, measure in ELEMENTS
    }
    teams = make_element("XL_TEAMS", "Số tổ hòa giải", "integer", "tổ", Level.COMMUNE)
    return {
        "elements": elements,
        "village_set": make_data_set(
            "XL_VILLAGE",
            "Biểu thôn, tổ dân phố",
            Level.VILLAGE,
            elements.values(),
        ),
        "commune_set": make_data_set(
            "XL_COMMUNE", "Biểu xã, phường", Level.COMMUNE, [teams]
        ),
        "teams": teams,
        "y2025": make_period(
            "2025", datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
        ),
        "y2024": make_period(
            "2024", datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
        ),
        "phase": make_period(
            "2021-2025",
            datetime.date(2021, 1, 1),
            datetime.date(2025, 12, 31),
            kind="phase",
        ),
    }


def template(catalog, world, actor=None, root=None, **kwargs):
    return build_template(
        data_set=kwargs.get("data_set", catalog["village_set"]),
        period=kwargs.get("period", catalog["y2025"]),
        root=root or world.province,
        actor=actor if actor is not None else world.tinh,
    )


def open_book(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def data_sheet(book) -> Worksheet:
    sheet = book[DATA_SHEET]
    assert isinstance(sheet, Worksheet)
    return sheet


def fill(data, cells, edit=None):
    """The workbook with `cells` ({"D5": 12}) typed into the data sheet."""
    book = open_book(data)
    sheet = data_sheet(book)
    for ref, value in cells.items():
        sheet[ref] = value
    if edit is not None:
        edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def unit_rows(sheet):
    return [
        tuple(sheet.cell(row, column).value for column in (1, 2, 3))
        for row in range(5, sheet.max_row + 1)
    ]


def refusal(data, filename="bieu.xlsx"):
    with pytest.raises(DomainError) as caught:
        read_workbook(data, filename=filename)
    return caught.value


def where(error):
    """Each listed problem as (sheet, row, column, unit, element)."""
    return [(r.sheet, r.row, r.column, r.unit, r.element) for r in error.rows]


def convert_with_libreoffice(data, workdir):
    """`data` opened and saved again by LibreOffice (xlsx -> xlsx)."""
    source = workdir / "in" / "bieu.xlsx"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(data)
    outdir = workdir / "out"
    subprocess.run(
        [
            LIBREOFFICE or "libreoffice",
            f"-env:UserInstallation=file://{workdir / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(outdir),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return (outdir / "bieu.xlsx").read_bytes()


# --- building the template ----------------------------------------------------


def test_template_has_a_row_per_unit_in_scope_with_codes_names_and_parents(
    world, catalog
):
    # given the province officer and the village set for 2025
    # when
    book = open_book(template(catalog, world, actor=world.tinh))
    # then every village of the province, by code, with its commune
    sheet = data_sheet(book)
    assert book.sheetnames == [DATA_SHEET, META_SHEET]
    assert unit_rows(sheet) == [
        ("03388-01", "Tổ dân phố 1", "Phường Đoàn Kết"),
        ("03388-02", "Bản Sùng Phài", "Phường Đoàn Kết"),
        ("03395-01", "Tổ dân phố 5", "Phường Tân Phong"),
    ]
    assert sheet["A1"].value == "Biểu thôn, tổ dân phố — kỳ 2025"
    assert [sheet.cell(3, c).value for c in range(1, 10)] == [
        "Mã đơn vị",
        "Tên đơn vị",
        "Trực thuộc",
        "Số hộ gia đình (hộ)",
        "Tiền nhân dân đóng góp (đồng)",
        "Tỷ lệ hộ gia đình văn hóa (%)",
        "Diện tích rừng trồng mới (ha)",
        "Đạt danh hiệu thôn văn hóa",
        "Ghi chú",
    ]
    assert [sheet.cell(4, c).value for c in range(1, 10)] == [
        "unit_code",
        "unit_name",
        "parent_name",
        "XL_HH",
        "XL_CASH",
        "XL_PCT",
        "XL_AREA",
        "XL_FLAG",
        "XL_NOTE",
    ]


def test_template_for_a_commune_officer_holds_only_their_villages(world, catalog):
    # given the commune officer of Đoàn Kết asking for the whole province
    # when
    sheet = data_sheet(open_book(template(catalog, world, actor=world.xa)))
    # then only Đoàn Kết's villages
    assert [row[0] for row in unit_rows(sheet)] == ["03388-01", "03388-02"]


def test_template_for_a_village_reporter_holds_only_their_village(world, catalog):
    sheet = data_sheet(open_book(template(catalog, world, actor=world.thon)))

    assert [row[0] for row in unit_rows(sheet)] == ["03388-01"]


def test_template_for_the_system_holds_every_unit_of_the_subtree(world, catalog):
    # given no actor (the system) and the subtree of Tân Phong
    # when
    data = build_template(
        data_set=catalog["village_set"],
        period=catalog["y2025"],
        root=world.tan_phong,
        actor=None,
    )
    # then
    assert [row[0] for row in unit_rows(data_sheet(open_book(data)))] == ["03395-01"]


def test_template_refuses_an_actor_with_no_unit_in_scope(world, catalog):
    # given the commune officer of another province
    # when
    with pytest.raises(DomainError) as caught:
        template(catalog, world, actor=world.ngoai)
    # then
    assert caught.value.code == "out_of_scope"
    assert caught.value.status == 403
    assert caught.value.message_en == (
        "You may not enter data for any unit within Tỉnh Lai Châu (12) in the "
        "data set 'XL_VILLAGE set'."
    )


def test_template_reads_unit_codes_on_the_periods_last_day(world, catalog):
    # given the commune set: 03388 was Quyết Tiến in 2024, Đoàn Kết in 2025
    # when
    rows_2024 = unit_rows(
        data_sheet(
            open_book(
                template(
                    catalog,
                    world,
                    data_set=catalog["commune_set"],
                    period=catalog["y2024"],
                )
            )
        )
    )
    rows_2025 = unit_rows(
        data_sheet(open_book(template(catalog, world, data_set=catalog["commune_set"])))
    )
    # then
    assert rows_2024 == [
        ("03388", "Phường Quyết Tiến", "Thành phố Lai Châu"),
        ("03389", "Phường Đoàn Kết", "Thành phố Lai Châu"),
    ]
    assert rows_2025 == [
        ("03388", "Phường Đoàn Kết", "Tỉnh Lai Châu"),
        ("03395", "Phường Tân Phong", "Tỉnh Lai Châu"),
    ]


def test_template_refuses_a_subtree_with_no_unit_then(world, catalog):
    # given the legacy district, gone by the end of 2025
    # when
    with pytest.raises(DomainError) as caught:
        template(
            catalog, world, root=world.legacy_district, data_set=catalog["commune_set"]
        )
    # then
    assert caught.value.code == "no_units"
    assert caught.value.message_vi == (
        "Thành phố Lai Châu (105) không có đơn vị nào thuộc cấp của biểu mẫu "
        "“Biểu xã, phường” vào ngày 31/12/2025."
    )


def test_template_refuses_a_period_of_another_kind(world, catalog):
    with pytest.raises(DomainError) as caught:
        template(catalog, world, period=catalog["phase"])

    assert caught.value.code == "invalid_period"
    assert caught.value.field == "period"
    assert caught.value.message_vi == (
        "Biểu mẫu “Biểu thôn, tổ dân phố” thu thập theo năm; kỳ 2021-2025 không "
        "phù hợp."
    )


def test_template_refuses_a_data_set_without_active_elements(world, catalog):
    # given every element of the commune set retired
    catalog["teams"].is_active = False
    catalog["teams"].save(update_fields=["is_active"])
    # when
    with pytest.raises(DomainError) as caught:
        template(catalog, world, data_set=catalog["commune_set"])
    # then
    assert caught.value.code == "empty_data_set"


def test_template_costs_a_fixed_number_of_queries(
    world, catalog, django_assert_max_num_queries
):
    # given stored values on every village
    for unit in (world.village_1, world.village_2, world.village_3):
        for element in catalog["elements"].values():
            store(element, unit, catalog["y2025"], 1)
    # when / then: roles, units, members, values
    with django_assert_max_num_queries(4):
        template(catalog, world)


def test_reading_costs_a_fixed_number_of_queries(
    world, catalog, django_assert_max_num_queries
):
    # given every cell filled
    cells = {f"{c}{r}": 1 for c in "DEFG" for r in (5, 6, 7)}
    data = fill(template(catalog, world), cells)
    # when / then: the data set and its members
    with django_assert_max_num_queries(2):
        rows = read_workbook(data)
    assert len(rows) == 12


def test_template_prefills_stored_values_in_their_cells(world, catalog):
    # given stored values for Tổ dân phố 1 and Tổ dân phố 5
    e = catalog["elements"]
    y = catalog["y2025"]
    store(e["XL_HH"], world.village_1, y, 120)
    store(e["XL_CASH"], world.village_1, y, 2142500)
    store(e["XL_PCT"], world.village_1, y, 61.5)
    store(e["XL_FLAG"], world.village_1, y, 1)
    store(e["XL_FLAG"], world.village_3, y, 0)
    store(e["XL_NOTE"], world.village_3, y, text="Đã rà soát")
    store(e["XL_HH"], world.village_3, catalog["y2024"], 99)
    # when
    sheet = data_sheet(open_book(template(catalog, world)))
    # then row 5 is 03388-01, row 7 is 03395-01; other periods do not show
    assert [sheet.cell(5, c).value for c in range(4, 10)] == [
        120,
        2142500,
        61.5,
        None,
        "Có",
        None,
    ]
    assert [sheet.cell(7, c).value for c in range(4, 10)] == [
        None,
        None,
        None,
        None,
        "Không",
        "Đã rà soát",
    ]
    assert sheet["D5"].number_format == "#,##0"


def test_template_locks_everything_but_the_value_cells(world, catalog):
    # when
    book = open_book(template(catalog, world))
    sheet = data_sheet(book)
    # then
    assert sheet.protection.sheet is True
    assert book.security is not None
    assert book.security.lockStructure is True
    assert sheet["A5"].protection.locked is True
    assert sheet["B5"].protection.locked is True
    assert sheet["D3"].protection.locked is True
    assert sheet["D4"].protection.locked is True
    assert all(
        sheet.cell(row, column).protection.locked is False
        for row in (5, 6, 7)
        for column in range(4, 10)
    )
    assert sheet.freeze_panes == "D5"
    assert book[META_SHEET].sheet_state == "hidden"


def test_template_validates_each_column_by_value_type(world, catalog):
    # when
    sheet = data_sheet(open_book(template(catalog, world)))
    # then
    rules = {
        str(rule.sqref): (rule.type, rule.operator, rule.formula1, rule.formula2)
        for rule in sheet.data_validations.dataValidation
    }
    assert rules == {
        "D5:D7": ("whole", "greaterThanOrEqual", "0", None),
        "E5:E7": ("whole", "greaterThanOrEqual", "0", None),
        "F5:F7": ("decimal", "between", "0", "100"),
        "G5:G7": ("decimal", "between", "-1E+15", "1E+15"),
        "H5:H7": ("list", None, '"Có,Không"', None),
    }


def test_template_prints_on_a4_landscape_and_says_what_it_is(world, catalog):
    # when
    book = open_book(template(catalog, world))
    sheet = data_sheet(book)
    meta = {
        row[0].value: row[1].value
        for row in book[META_SHEET].iter_rows(max_row=10)
        if row[0].value
    }
    # then
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.print_title_rows == "$3:$4"
    assert {k: meta[k] for k in ("format", "template_version", "data_set")} == {
        "format": "vandong-excel-template",
        "template_version": "1",
        "data_set": "XL_VILLAGE",
    }
    assert (meta["period"], meta["root"], meta["sheet"], meta["generated_by"]) == (
        "2025",
        "12",
        "Nhập liệu",
        "tinh",
    )


def test_template_filename_is_safe(world, catalog):
    assert (
        template_filename(
            data_set=catalog["village_set"],
            period=catalog["y2025"],
            root=world.province,
        )
        == "mau_XL_VILLAGE_2025_12.xlsx"
    )


# --- reading it back ----------------------------------------------------------


def test_a_filled_template_reads_back_as_value_rows(world, catalog):
    # given a template filled in: typed numbers, Vietnamese notation as text,
    # a deletion, booleans and text
    data = fill(
        template(catalog, world),
        {
            "D5": 120,
            "E5": "2.142.500",
            "F5": "61,5",
            "G5": 12.75,
            "H5": "Có",
            "I5": "Đã rà soát",
            "D6": "1.500",
            "E6": "-",
            "F6": "xóa",
            "H6": "Không",
            "F7": "45,5%",
            "G7": "2.142,5",
        },
    )
    # when
    rows = read_workbook(data, filename="bieu.xlsx")
    # then one row per filled cell, in sheet order, saying where it came from
    assert rows == [
        ValueRow("XL_HH", "03388-01", "2025", 120, sheet=DATA_SHEET, row=5, column="D"),
        ValueRow(
            "XL_CASH",
            "03388-01",
            "2025",
            "2.142.500",
            sheet=DATA_SHEET,
            row=5,
            column="E",
        ),
        ValueRow(
            "XL_PCT", "03388-01", "2025", "61,5", sheet=DATA_SHEET, row=5, column="F"
        ),
        ValueRow(
            "XL_AREA", "03388-01", "2025", 12.75, sheet=DATA_SHEET, row=5, column="G"
        ),
        ValueRow(
            "XL_FLAG", "03388-01", "2025", "Có", sheet=DATA_SHEET, row=5, column="H"
        ),
        ValueRow(
            "XL_NOTE",
            "03388-01",
            "2025",
            "Đã rà soát",
            sheet=DATA_SHEET,
            row=5,
            column="I",
        ),
        ValueRow(
            "XL_HH", "03388-02", "2025", "1.500", sheet=DATA_SHEET, row=6, column="D"
        ),
        ValueRow(
            "XL_CASH", "03388-02", "2025", None, sheet=DATA_SHEET, row=6, column="E"
        ),
        ValueRow(
            "XL_PCT", "03388-02", "2025", None, sheet=DATA_SHEET, row=6, column="F"
        ),
        ValueRow(
            "XL_FLAG", "03388-02", "2025", "Không", sheet=DATA_SHEET, row=6, column="H"
        ),
        ValueRow(
            "XL_PCT", "03395-01", "2025", "45,5", sheet=DATA_SHEET, row=7, column="F"
        ),
        ValueRow(
            "XL_AREA",
            "03395-01",
            "2025",
            "2.142,5",
            sheet=DATA_SHEET,
            row=7,
            column="G",
        ),
    ]


def test_prefilled_values_read_back_unchanged(world, catalog):
    # given a template prefilled with stored values, uploaded as downloaded
    e = catalog["elements"]
    store(e["XL_HH"], world.village_1, catalog["y2025"], 120)
    store(e["XL_FLAG"], world.village_1, catalog["y2025"], 1)
    store(e["XL_NOTE"], world.village_3, catalog["y2025"], text="Đã rà soát")
    # when
    rows = read_workbook(template(catalog, world))
    # then
    assert [(r.data_element, r.unit_code, r.value) for r in rows] == [
        ("XL_HH", "03388-01", 120),
        ("XL_FLAG", "03388-01", "Có"),
        ("XL_NOTE", "03395-01", "Đã rà soát"),
    ]


def test_every_spelling_of_delete_deletes(world, catalog):
    # given
    cells = {"I5": "-", "I6": "–", "I7": "XÓA", "D5": "xoá", "D6": " xoa "}
    # when
    rows = read_workbook(fill(template(catalog, world), cells))
    # then
    assert [(f"{r.column}{r.row}", r.value) for r in rows] == [
        ("D5", None),
        ("I5", None),
        ("D6", None),
        ("I6", None),
        ("I7", None),
    ]


def test_text_in_number_cells_is_refused_naming_every_cell(world, catalog):
    # given words, fractions in counts and an ambiguous decimal
    data = fill(
        template(catalog, world),
        {
            "D5": "một trăm",
            "E5": "2.142.500",  # fine
            "D6": "61,5",
            "G6": "1.500",
            "H7": "có lẽ",
            "F7": datetime.date(2025, 1, 2),
            "E7": True,
        },
    )
    # when
    error = refusal(data)
    # then nothing is read and each bad cell is named
    assert error.code == "invalid_rows"
    assert error.message_vi == (
        "Tệp “bieu.xlsx” có 6 ô không hợp lệ; không có số liệu nào được lưu."
    )
    assert (
        error.message_en
        == "The file 'bieu.xlsx' has 6 invalid cells; nothing was stored."
    )
    assert where(error) == [
        (DATA_SHEET, 5, "D", "03388-01", "XL_HH"),
        (DATA_SHEET, 6, "D", "03388-02", "XL_HH"),
        (DATA_SHEET, 6, "G", "03388-02", "XL_AREA"),
        (DATA_SHEET, 7, "E", "03395-01", "XL_CASH"),
        (DATA_SHEET, 7, "F", "03395-01", "XL_PCT"),
        (DATA_SHEET, 7, "H", "03395-01", "XL_FLAG"),
    ]
    messages = {(r.row, r.column): (r.message_vi, r.message_en) for r in error.rows}
    assert messages[(5, "D")] == (
        "“một trăm” không phải là số.",
        "'một trăm' is not a number.",
    )
    assert messages[(6, "D")] == (
        "Phải là số nguyên, nhận được “61,5”.",
        "Must be a whole number, got '61,5'.",
    )
    assert messages[(6, "G")][0] == (
        "“1.500” có thể hiểu là 1500 hoặc 1,500; hãy viết 1500 nếu là số "
        "nghìn, hoặc 1,500 nếu là số thập phân."
    )
    assert messages[(7, "E")][1] == "'True' is not a number."
    assert messages[(7, "F")][1] == (
        "The cell holds a date or time, not a number (format the cell as Number)."
    )
    assert messages[(7, "H")][0] == (
        "“có lẽ” không phải là giá trị có/không (dùng có, không, x, 1, 0, true, "
        "false, yes, no)."
    )


def test_merged_cells_in_the_data_area_are_refused(world, catalog):
    # given two value cells merged, and a merge in the title row (harmless)
    def merge(book):
        sheet = data_sheet(book)
        sheet.protection.sheet = False
        sheet.merge_cells("D6:E6")
        sheet.merge_cells("A1:C1")

    data = fill(template(catalog, world), {"D6": 5, "D5": 1}, edit=merge)
    # when
    error = refusal(data)
    # then
    assert error.code == "invalid_rows"
    assert where(error) == [(DATA_SHEET, 6, "D", "03388-02", "XL_HH")]
    assert error.rows[0].message_vi == (
        "Các ô D6:E6 bị gộp; hãy bỏ gộp ô (mỗi ô một giá trị)."
    )


def test_formulas_are_refused_naming_the_cell(world, catalog):
    # given a formula computing a value from another cell
    data = fill(template(catalog, world), {"D5": 100, "E6": "=D5*2500"})
    # when
    error = refusal(data)
    # then
    assert error.code == "invalid_rows"
    assert where(error) == [(DATA_SHEET, 6, "E", "03388-02", "XL_CASH")]
    assert error.rows[0].message_en == (
        "The cell holds a formula; the template takes values only (copy and paste "
        "as values)."
    )


def test_error_values_are_refused(world, catalog):
    # given a cell holding #N/A pasted as a value (no formula)
    data = fill(template(catalog, world), {"D5": 100, "D6": 7})
    data = replace_cell(data, "D6", b'<c r="D6" t="e"><v>#N/A</v></c>')
    # when
    error = refusal(data)
    # then
    assert where(error) == [(DATA_SHEET, 6, "D", "03388-02", "XL_HH")]
    assert error.rows[0].message_vi == "Ô chứa giá trị lỗi (như #N/A, #DIV/0!)."


def replace_cell(data, ref, xml):
    """The workbook with the data sheet's cell `ref` replaced by `xml`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                start = content.index(f'<c r="{ref}"'.encode())
                end = content.index(b"</c>", start) + len(b"</c>")
                content = content[:start] + xml + content[end:]
            target.writestr(info, content)
    return out.getvalue()


def test_a_renamed_data_sheet_is_a_wrong_sheet(world, catalog):
    # given the data sheet renamed
    def rename(book):
        data_sheet(book).title = "Sheet1"

    data = fill(template(catalog, world), {"D5": 1}, edit=rename)
    # when
    error = refusal(data)
    # then
    assert error.code == "invalid_file"
    assert error.message_vi == (
        "Tệp “bieu.xlsx” không phải mẫu nhập liệu của hệ thống (không có trang "
        "tính “Nhập liệu”; các trang: Sheet1, _meta). Hãy tải mẫu Excel của biểu "
        "mẫu, điền vào mẫu đó rồi tải lên."
    )


def test_a_workbook_without_meta_is_refused(world, catalog):
    # given any workbook, not made from a template
    book = openpyxl.Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet["A1"] = "Mã đơn vị"
    out = io.BytesIO()
    book.save(out)
    # when
    error = refusal(out.getvalue())
    # then
    assert error.code == "invalid_file"
    assert error.message_en == (
        "The file 'bieu.xlsx' is not a data-entry template of this system (the "
        "hidden sheet '_meta' is missing). Download the data set's Excel template, "
        "fill it in and upload it."
    )


def test_a_foreign_sheet_with_data_is_refused(world, catalog):
    def add_sheet(book):
        book.security.lockStructure = False
        book.create_sheet("Ghi chú")["B2"] = 12

    error = refusal(fill(template(catalog, world), {"D5": 1}, edit=add_sheet))

    assert error.code == "invalid_file"
    assert error.message_en.startswith(
        "The file 'bieu.xlsx' has a foreign sheet 'Ghi chú' holding data"
    )


def test_a_changed_header_is_refused_naming_the_column(world, catalog):
    # given the header of column E retyped
    data = fill(template(catalog, world), {"E3": "Tiền (nghìn đồng)", "D5": 1})
    # when
    error = refusal(data)
    # then
    assert error.code == "invalid_file"
    assert where(error) == [(DATA_SHEET, 3, "E", "", "XL_CASH")]
    assert error.rows[0].message_vi == (
        "Tiêu đề đã bị sửa thành “Tiền (nghìn đồng)”; mẫu ghi “Tiền nhân dân đóng "
        "góp (đồng)”."
    )


def test_a_changed_unit_column_is_refused(world, catalog):
    error = refusal(fill(template(catalog, world), {"A3": "Mã xã", "D5": 1}))

    assert where(error) == [(DATA_SHEET, 3, "A", "", "")]
    assert error.rows[0].message_vi == (
        "Cột A phải là “Mã đơn vị” (mã unit_code); bảng tính đã bị sửa cột."
    )


def test_an_unknown_element_code_and_moved_columns_are_refused(world, catalog):
    # given column D's code replaced, and a column added after the last one
    data = fill(
        template(catalog, world),
        {"D4": "XL_UNKNOWN", "J3": "Thêm", "J4": "XL_EXTRA", "E5": 1},
    )
    # when
    error = refusal(data)
    # then every wrong column is listed
    assert error.code == "invalid_file"
    assert where(error) == [
        (DATA_SHEET, 4, "D", "", "XL_UNKNOWN"),
        (DATA_SHEET, 4, "J", "", "XL_EXTRA"),
    ]
    assert error.rows[0].message_en == (
        "The column 'XL_UNKNOWN' is not in the downloaded template (a column was "
        "added, removed or moved)."
    )


def test_an_element_removed_from_the_data_set_is_refused(world, catalog):
    # given a template downloaded, then an element taken out of the set
    data = fill(template(catalog, world), {"D5": 1})
    DataSetElement.objects.filter(data_element__code="XL_NOTE").delete()
    # when
    error = refusal(data)
    # then
    assert where(error) == [(DATA_SHEET, 4, "I", "", "XL_NOTE")]
    assert error.rows[0].message_vi.startswith(
        "Chỉ tiêu “XL_NOTE” không thuộc biểu mẫu “Biểu thôn, tổ dân phố”"
    )


def test_values_outside_the_templates_columns_are_refused(world, catalog):
    error = refusal(fill(template(catalog, world), {"D5": 1, "K6": 99}))

    assert error.code == "invalid_rows"
    assert where(error) == [(DATA_SHEET, 6, "K", "03388-02", "")]


def test_a_row_with_values_and_no_unit_code_is_refused(world, catalog):
    error = refusal(fill(template(catalog, world), {"D5": 1, "D9": 4}))

    assert where(error) == [(DATA_SHEET, 9, "A", "", "")]
    assert error.rows[0].message_en == "The row has values but no unit code."


def test_a_stray_value_far_away_is_refused_without_reading_the_grid(world, catalog):
    # given a value typed in the very last cell of the sheet (a grid of 17
    # billion cells, which would abort the process if read whole)
    def unprotect(book):
        data_sheet(book).protection.sheet = False

    data = fill(template(catalog, world), {"D5": 1, "XFD1048576": 7}, edit=unprotect)
    # when
    error = refusal(data)
    # then
    assert error.code == "invalid_file"
    assert error.message_en == (
        "The file 'bieu.xlsx': the sheet 'Nhập liệu' uses cells as far as "
        "XFD1048576, too wide to read (at most 5,000,000 cells counted from A1). "
        "Clear the stray cells far away and save it again."
    )


def test_an_empty_template_has_nothing_to_import(world, catalog):
    error = refusal(template(catalog, world))

    assert error.code == "invalid_file"
    assert error.message_vi == (
        "Tệp “bieu.xlsx” không có số liệu nào để nhập: mọi ô số liệu đều trống."
    )


@pytest.mark.parametrize(
    ("data", "message_en"),
    [
        (b"", "The file 'bieu.xlsx' is not an .xlsx workbook or is damaged."),
        (
            b"PK\x03\x04broken",
            "The file 'bieu.xlsx' is not an .xlsx workbook or is damaged.",
        ),
        (
            b"data_element,unit_code\n",
            "The file 'bieu.xlsx' is not an .xlsx workbook or is damaged.",
        ),
    ],
)
def test_what_is_not_a_workbook_is_refused(db, data, message_en):
    error = refusal(data)

    assert error.code == "invalid_file"
    assert error.message_en == message_en


def test_a_zip_without_a_workbook_is_refused(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")

    error = refusal(buffer.getvalue())

    assert error.message_en == (
        "The file 'bieu.xlsx' is not an Excel .xlsx workbook (save it as Excel "
        "2007-365 .xlsx)."
    )


def test_cell_problems_are_capped_with_the_total(world, catalog, monkeypatch):
    # given more bad cells than are listed
    monkeypatch.setattr("vandong.collect.excel.reader.MAX_LISTED", 2)
    data = fill(template(catalog, world), {"D5": "x", "D6": "y", "D7": "z"})
    # when
    error = refusal(data)
    # then
    assert len(error.rows) == 2
    assert error.message_en == (
        "The file 'bieu.xlsx' has 3 invalid cells (the first 2 are listed); "
        "nothing was stored."
    )


# --- files saved by LibreOffice -------------------------------------------------

# What fixtures/excel/libreoffice_filled.xlsx holds (see make_fixtures below).
LIBREOFFICE_CELLS = {
    "D5": 120,
    "E5": "2.142.500",
    "F5": 61.5,
    "G5": "12,75",
    "H5": "Có",
    "I5": "Đã rà soát",
    "D6": "1.500",
    "E6": "-",
    "H6": "Không",
    "D7": 80,
    "F7": "xóa",
}
LIBREOFFICE_ROWS = [
    ("XL_HH", "03388-01", 120, "D5"),
    ("XL_CASH", "03388-01", "2.142.500", "E5"),
    ("XL_PCT", "03388-01", 61.5, "F5"),
    ("XL_AREA", "03388-01", "12,75", "G5"),
    ("XL_FLAG", "03388-01", "Có", "H5"),
    ("XL_NOTE", "03388-01", "Đã rà soát", "I5"),
    ("XL_HH", "03388-02", "1.500", "D6"),
    ("XL_CASH", "03388-02", None, "E6"),
    ("XL_FLAG", "03388-02", "Không", "H6"),
    ("XL_HH", "03395-01", 80, "D7"),
    ("XL_PCT", "03395-01", None, "F7"),
]
# fixtures/excel/libreoffice_formula_merged.xlsx: a formula in E6 and D7:E7 merged.
LIBREOFFICE_BAD_CELLS = {"D5": 100, "E6": "=D5*2500", "D7": 3}


def short(rows):
    return [(r.data_element, r.unit_code, r.value, f"{r.column}{r.row}") for r in rows]


def test_a_workbook_saved_by_libreoffice_reads_back(world, catalog):
    # given a filled template opened and saved by LibreOffice Calc
    data = (FIXTURES / "libreoffice_filled.xlsx").read_bytes()
    # when
    rows = read_workbook(data, filename="libreoffice_filled.xlsx")
    # then
    assert short(rows) == LIBREOFFICE_ROWS
    assert {(r.sheet, r.period) for r in rows} == {(DATA_SHEET, "2025")}


def test_formulas_and_merges_saved_by_libreoffice_are_refused(world, catalog):
    data = (FIXTURES / "libreoffice_formula_merged.xlsx").read_bytes()

    error = refusal(data)

    assert error.code == "invalid_rows"
    assert [(r.row, r.column, r.message_en[:25]) for r in error.rows] == [
        (6, "E", "The cell holds a formula;"),
        (7, "D", "The cells D7:E7 are merge"),
    ]


@pytest.mark.skipif(
    LIBREOFFICE is None,
    reason="LibreOffice Calc is not installed (apt-get install libreoffice-calc-nogui); "
    "the committed fixtures cover its files without it",
)
def test_a_fresh_template_survives_libreoffice(world, catalog, tmp_path):
    # given a template filled today and saved again by LibreOffice
    data = convert_with_libreoffice(
        fill(template(catalog, world), LIBREOFFICE_CELLS), tmp_path
    )
    # when
    rows = read_workbook(data)
    # then
    assert short(rows) == LIBREOFFICE_ROWS


@pytest.mark.skipif(
    os.environ.get("VANDONG_MAKE_EXCEL_FIXTURES") != "1" or LIBREOFFICE is None,
    reason="writes fixtures/excel/*.xlsx; run with VANDONG_MAKE_EXCEL_FIXTURES=1 "
    "and LibreOffice installed",
)
def test_make_fixtures(world, catalog, tmp_path):
    """Regenerates the committed LibreOffice fixtures (then checks them)."""
    filled = convert_with_libreoffice(
        fill(template(catalog, world), LIBREOFFICE_CELLS), tmp_path / "a"
    )

    def merge(book):
        sheet = data_sheet(book)
        sheet.protection.sheet = False
        sheet.merge_cells("D7:E7")

    bad = convert_with_libreoffice(
        fill(template(catalog, world), LIBREOFFICE_BAD_CELLS, edit=merge),
        tmp_path / "b",
    )
    FIXTURES.mkdir(parents=True, exist_ok=True)
    (FIXTURES / "libreoffice_filled.xlsx").write_bytes(filled)
    (FIXTURES / "libreoffice_formula_merged.xlsx").write_bytes(bad)
    assert short(read_workbook(filled)) == LIBREOFFICE_ROWS
    assert refusal(bad).code == "invalid_rows"


# --- properties -----------------------------------------------------------------


@settings(
    database=None,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_raise_nothing_but_domain_error(db, data):
    with pytest.raises(DomainError) as caught:
        read_workbook(data)
    assert caught.value.code == "invalid_file"


@settings(
    database=None,
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    damage=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)),
        min_size=1,
        max_size=8,
    ),
    cut=st.one_of(st.none(), st.integers(min_value=0)),
)
def test_damaged_templates_raise_nothing_but_domain_error(world, catalog, damage, cut):
    # given a real filled template with some bytes changed or cut off
    data = bytearray(_filled_template(world, catalog))
    for position, byte in damage:
        data[position % len(data)] = byte
    if cut is not None:
        data = data[: cut % len(data)]
    # when / then: rows, or a DomainError; never anything else
    try:
        rows = read_workbook(bytes(data))
    except DomainError as error:
        code = error.code
    else:
        code = "read"
        assert all(isinstance(r, ValueRow) for r in rows)
    assert code in {"invalid_file", "invalid_rows", "read"}


_FILLED: dict[int, bytes] = {}


def _filled_template(world, catalog):
    key = catalog["village_set"].pk
    if key not in _FILLED:
        _FILLED.clear()
        _FILLED[key] = fill(
            template(catalog, world), {"D5": 3, "E6": "2.142.500", "H7": "Có"}
        )
    return _FILLED[key]


# --- through the write service --------------------------------------------------


def stored_values(period):
    return {
        (v.data_element.code, v.unit.code): (v.value, v.text_value)
        for v in DataValue.objects.filter(period=period).select_related(
            "data_element", "unit"
        )
    }


def test_an_uploaded_template_is_stored_and_comes_back_in_the_next_one(world, catalog):
    # given the commune officer's template, with a value to be deleted
    e = catalog["elements"]
    y = catalog["y2025"]
    store(e["XL_CASH"], world.village_2, y, 500000)
    data = fill(
        template(catalog, world, actor=world.xa),
        {
            "D5": 120,
            "E5": "2.142.500",
            "F5": "61,5",
            "H5": "Có",
            "I5": "Đã rà soát",
            "E6": "xóa",
            "G6": "2.142,5",
        },
    )
    # when read and written by the commune officer
    result = services.data_values_write(
        actor=world.xa,
        rows=read_workbook(data, filename="bieu.xlsx"),
        channel="import",
        filename="bieu.xlsx",
        fmt="xlsx",
    )
    # then
    assert (result.created, result.updated, result.deleted) == (6, 0, 1)
    assert stored_values(y) == {
        ("XL_HH", "03388-01"): (120.0, ""),
        ("XL_CASH", "03388-01"): (2142500.0, ""),
        ("XL_PCT", "03388-01"): (61.5, ""),
        ("XL_FLAG", "03388-01"): (1.0, ""),
        ("XL_NOTE", "03388-01"): (None, "Đã rà soát"),
        ("XL_AREA", "03388-02"): (2142.5, ""),
    }
    # and the next template shows them
    sheet = data_sheet(open_book(template(catalog, world, actor=world.xa)))
    assert [sheet.cell(5, c).value for c in range(4, 10)] == [
        120,
        2142500,
        61.5,
        None,
        "Có",
        "Đã rà soát",
    ]
    assert sheet["G6"].value == 2142.5


def test_a_template_of_a_wider_scope_is_refused_for_the_other_units(world, catalog):
    # given the province's template, filled for Tân Phong's village too
    data = fill(
        template(catalog, world, actor=world.tinh), {"D5": 10, "D7": 20, "E7": 5}
    )
    rows = read_workbook(data)
    # when the commune officer of Đoàn Kết uploads it
    with pytest.raises(DomainError) as caught:
        services.data_values_write(actor=world.xa, rows=rows, channel="import")
    # then the rows outside the scope are named by sheet, row and column
    assert caught.value.code == "out_of_scope"
    assert where(caught.value) == [
        (DATA_SHEET, 7, "D", "03395-01", "XL_HH"),
        (DATA_SHEET, 7, "E", "03395-01", "XL_CASH"),
    ]
    assert DataValue.objects.count() == 0


def test_values_the_service_refuses_are_named_by_cell(world, catalog):
    # given a typed negative count and a percent over 100
    data = fill(template(catalog, world), {"D5": -3, "F6": 120, "E7": 5})
    # when
    error = refusal(data)
    # then listed with the service's own reasons, before anything is written
    assert error.code == "invalid_rows"
    assert [(r.row, r.column, r.message_en) for r in error.rows] == [
        (5, "D", "Must not be negative, got '-3'."),
        (6, "F", "A percentage must lie between 0 and 100, got '120'."),
    ]
