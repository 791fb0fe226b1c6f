"""The long-format CSV reader and writer, with real bytes."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vandong.collect.csvio import plain_number, read_csv, write_csv
from vandong.collect.models import DataValue
from vandong.collect.numbers import parse_number
from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_import
from vandong.collect.tests.factories import make_catalog
from vandong.core.errors import DomainError
from vandong.core.models import Channel

HEADER = "data_element,unit_code,period,value,comment\r\n"


def test_reads_utf8_with_crlf_and_row_numbers():
    # when
    rows = read_csv(
        (
            HEADER + "T_HH,03388,2025,2.142.500,Đoàn Kết\r\n\r\nT_NOTE,03388,2025,,\r\n"
        ).encode()
    )

    # then
    assert rows == [
        ValueRow("T_HH", "03388", "2025", "2.142.500", comment="Đoàn Kết", row=2),
        ValueRow("T_NOTE", "03388", "2025", None, row=4),
    ]


def test_reads_a_bom_windows_1258_and_semicolons():
    # given: "Đoàn Kết" as Vietnamese Excel writes it in Windows-1258: ê
    # precomposed, the tone mark combining (0xEC)
    cp1258 = b"data_element;unit_code;period;value;comment\nT_HH;03388;2025;61,5;\xd0o\xe0n K\xea\xect\n"
    utf8 = (
        "data_element;unit_code;period;value;comment\nT_HH;03388;2025;61,5;Đoàn Kết\n"
    )

    # when
    with_bom = read_csv(b"\xef\xbb\xbf" + utf8.encode("utf-8"))
    windows = read_csv(cp1258)

    # then
    assert with_bom[0].value == "61,5"
    assert with_bom[0].comment == "Đoàn Kết"
    assert windows == with_bom


def test_reads_quoted_cells_through_the_csv_module():
    # when
    rows = read_csv(
        (HEADER + 'T_NOTE,03388,2025,"a, b ""c""",x\nT_HH,03388,2025,"1,5",\n').encode()
    )

    # then
    assert [(r.value, r.row) for r in rows] == [('a, b "c"', 2), ("1,5", 3)]


@pytest.mark.parametrize(
    ("data", "message_en"),
    [
        (b"", "'values.csv' is empty."),
        (b"\r\n  \n", "'values.csv' is empty."),
        (b"PK\x03\x04rest", "'values.csv' is an Excel or zip file, not CSV."),
        (b"a\x00b", "'values.csv' is not a CSV text file (it contains zero bytes)."),
        (
            b"data_element,orgunit,period,value\nT_HH,1,2025,1\n",
            "The header of 'values.csv' must have the columns data_element, unit_code, "
            "period, value (and optionally comment): missing unit_code; unknown orgunit.",
        ),
        (
            b"data_element,unit_code,period,value\n",
            "'values.csv' has a header but no data rows.",
        ),
    ],
)
def test_refuses_a_file_it_cannot_read(data, message_en):
    with pytest.raises(DomainError) as caught:
        read_csv(data, filename="values.csv")
    assert caught.value.code == "invalid_file"
    assert caught.value.message_en == message_en


def test_refuses_a_file_over_the_limit_saying_the_limit(settings):
    # given
    settings.VANDONG_MAX_IMPORT_BYTES = 2 * 1024 * 1024

    # when
    with pytest.raises(DomainError) as caught:
        read_csv(b"x" * (3 * 1024 * 1024), filename="big.csv")

    # then
    assert caught.value.message_vi == (
        "“big.csv” quá lớn (3 MB); giới hạn là 2 MB. Hãy chia thành nhiều tệp nhỏ hơn."
    )


@pytest.mark.parametrize("quoted", [False, True])
def test_lists_rows_with_the_wrong_number_of_cells(quoted):
    # given
    tail = ',"x"\n' if quoted else ",x\n"
    data = (
        HEADER
        + "T_HH,03388,2025,1"
        + tail
        + "T_HH,03388,2025\n\nT_HH,03388,2025,1,a,b\n"
    ).encode()

    # when
    with pytest.raises(DomainError) as caught:
        read_csv(data)

    # then
    assert caught.value.code == "invalid_rows"
    assert [(r.row, r.message_en) for r in caught.value.rows] == [
        (3, "The row has 3 cells; the header has 5."),
        (5, "The row has 6 cells; the header has 5."),
    ]


def test_an_unclosed_quote_is_named_by_row():
    with pytest.raises(DomainError) as caught:
        read_csv((HEADER + 'T_HH,03388,2025,1,ok\nT_HH,03388,2025,"1,x\n').encode())
    assert caught.value.code == "invalid_rows"
    assert caught.value.rows[0].row == 3


def test_import_of_a_bad_file_names_row_and_field_and_stores_nothing(world):
    # given
    make_catalog()
    data = (
        HEADER + "T_HH,03388,2025,12,\nT_HH_CULT,03388,2025,mười,\nT_HH,03395,2025,1,\n"
    ).encode()

    # when
    with pytest.raises(DomainError) as invalid:
        data_values_import(
            actor=world.tinh, data=data, filename="x.csv", channel=Channel.IMPORT
        )
    with pytest.raises(DomainError) as scope:
        data_values_import(
            actor=world.xa, data=data, filename="x.csv", channel=Channel.IMPORT
        )

    # then
    assert [(r.row, r.field, r.message_vi) for r in invalid.value.rows] == [
        (3, "value", "“mười” không phải là số.")
    ]
    assert [(r.row, r.unit) for r in scope.value.rows] == [(4, "03395")]
    assert DataValue.objects.count() == 0


def test_written_values_read_back_to_the_same_values(world):
    # given
    catalog = make_catalog()
    data = (
        HEADER
        + "T_HH,03388,2025,2142500,\n"
        + 'T_FOREST_HA,03388,2025,"1,1250",\n'
        + "T_RATE,03388,2025,61.5,ghi chú\n"
        + "T_DRUG_FREE,03388,2025,x,\n"
        + 'T_NOTE,03388,2025,"a,b",\n'
    ).encode()
    data_values_import(
        actor=world.xa, data=data, filename="a.csv", channel=Channel.IMPORT
    )
    values = DataValue.objects.select_related(
        "data_element", "unit", "period"
    ).order_by("pk")

    # when
    out = write_csv(values)
    DataValue.objects.all().delete()
    data_values_import(
        actor=world.xa, data=out, filename="b.csv", channel=Channel.IMPORT
    )

    # then
    assert out.startswith(
        b"\xef\xbb\xbfdata_element,unit_code,period,value,comment\r\n"
    )
    assert b"T_FOREST_HA,03388,2025,1.1250,\r\n" in out
    assert sorted(
        DataValue.objects.values_list(
            "data_element__code", "value", "text_value", "comment"
        )
    ) == [
        ("T_DRUG_FREE", 1.0, "", ""),
        ("T_FOREST_HA", 1.125, "", ""),
        ("T_HH", 2142500.0, "", ""),
        ("T_NOTE", None, "a,b", ""),
        ("T_RATE", 61.5, "", "ghi chú"),
    ]
    assert catalog.form.code == "F_COMMUNE"


@settings(max_examples=200, deadline=None)
@given(
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False).map(
        lambda x: round(x, 6)
    )
)
def test_plain_number_reads_back_exactly_in_a_decimal_field(number):
    # (stored values come from figures of at most 40 digits: rounded here)
    assert parse_number(plain_number(number), whole=False) == number


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.text(alphabet="abc,;\"' \tđ\r\n0123", max_size=8), min_size=4, max_size=4
    )
)
def test_any_cells_written_by_the_csv_module_read_back(cells):
    # given
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["data_element", "unit_code", "period", "value"])
    writer.writerow(cells)

    # when
    if all(not c.strip() for c in cells):
        # A row of blank cells is no row: the file has no data.
        with pytest.raises(DomainError) as caught:
            read_csv(out.getvalue().encode())
        assert caught.value.code == "invalid_file"
        return
    rows = read_csv(out.getvalue().encode())

    # then
    [row] = rows
    assert (row.data_element, row.unit_code, row.period) == tuple(
        c.strip() for c in cells[:3]
    )
    assert (row.value or "") == cells[3].strip()
