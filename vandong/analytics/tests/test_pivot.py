"""The pivot's tables and exports, from rows of the read API (no database)."""

import csv
import io

from openpyxl import load_workbook

from vandong.analytics import pivot
from vandong.analytics.queries import IndicatorInfo, Row

SHARE = IndicatorInfo(
    code="NTM_COMMUNES_PCT",
    name_vi="Tỷ lệ xã đạt chuẩn nông thôn mới",
    name_en="Share of communes meeting the new-rural standard",
    measure_vi="%",
    measure_en="%",
    decimals=1,
    factor=100.0,
    is_ratio=True,
    is_element=False,
    group="ntm",
)
MONEY = IndicatorInfo(
    code="CONTRIB_CASH",
    name_vi="Tiền mặt đóng góp",
    name_en="Cash contributed",
    measure_vi="đồng",
    measure_en="VND",
    decimals=0,
    factor=1.0,
    is_ratio=False,
    is_element=True,
    group="contributions",
)


def row(
    unit_id: int,
    code: str,
    name: str,
    period: str,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
    *,
    estimate: bool = False,
) -> Row:
    return Row(
        unit_id=unit_id,
        unit_code=code,
        unit_name=name,
        unit_level=3,
        unit_type="xa",
        period=period,
        value=value,
        numerator=numerator,
        denominator=denominator,
        estimate=estimate,
    )


SHARE_ROWS = [
    row(1, "03388", "Phường Quyết Tiến", "2024", 50.0, 1, 2),
    row(2, "03388", "Phường Đoàn Kết", "2025", 61.5, 8, 13, estimate=True),
    row(3, "03395", "Xã Bản Hon", "2024", 0.0, 0, 1),
    row(3, "03395", "Xã Bản Hon", "2021-2025", 100.0, 1, 1),
    row(3, "03395", "Xã Bản Hon", "2019", 0.0, 0, 1),  # a period not asked for
]
MONEY_ROWS = [row(3, "03395", "Xã Bản Hon", "2024", 2_142_500.0)]
LABELS = pivot.SheetLabels(
    unit_code="Mã đơn vị",
    unit_name="Đơn vị",
    scope="Tỉnh Lai Châu — Xã · Đơn vị như khi báo cáo",
    estimate_note="Số in nghiêng là ước tính.",
    indicator_title={SHARE.code: "Tỷ lệ xã đạt chuẩn nông thôn mới (%)"},
)


def test_block_keeps_two_units_sharing_a_reused_code_apart() -> None:
    block = pivot.build_block(SHARE, SHARE_ROWS, ["2025", "2021-2025", "2024"])

    assert block.periods == ["2024", "2025", "2021-2025"]
    assert [(u.unit_id, u.name) for u in block.units] == [
        (1, "Phường Quyết Tiến"),
        (2, "Phường Đoàn Kết"),
        (3, "Xã Bản Hon"),
    ]
    table = {
        u.unit_id: [c.value if c else None for c in cells] for u, cells in block.table
    }
    assert table == {
        1: [50.0, None, None],
        2: [None, 61.5, None],
        3: [0.0, None, 100.0],
    }
    assert block.has_estimates is True


def test_xlsx_has_a_sheet_per_indicator_with_numbers_as_numbers() -> None:
    # given
    blocks = [
        pivot.build_block(SHARE, SHARE_ROWS, ["2024", "2025"]),
        pivot.build_block(MONEY, MONEY_ROWS, ["2024", "2025"]),
    ]

    # when
    book = load_workbook(io.BytesIO(pivot.pivot_xlsx(blocks, LABELS)))

    # then one sheet per indicator, titled and with one header row
    assert book.sheetnames == ["NTM_COMMUNES_PCT", "CONTRIB_CASH"]
    sheet = book["NTM_COMMUNES_PCT"]
    assert sheet["A1"].value == "Tỷ lệ xã đạt chuẩn nông thôn mới (%)"
    assert sheet["A2"].value == LABELS.scope
    assert [c.value for c in sheet[3]] == ["Mã đơn vị", "Đơn vị", "2024", "2025"]
    assert [c.value for c in sheet[4]] == ["03388", "Phường Quyết Tiến", 50, None]
    assert [c.value for c in sheet[5]] == ["03388", "Phường Đoàn Kết", None, 61.5]
    assert sheet["D5"].number_format == "#,##0.0"
    assert sheet["D5"].font.italic is True
    assert sheet["C4"].font.italic is not True
    assert sheet["A8"].value == "Số in nghiêng là ước tính."
    assert sheet.freeze_panes == "C4"
    money = book["CONTRIB_CASH"]
    assert money["A1"].value == "CONTRIB_CASH"  # no title given: the code
    assert money["C4"].value == 2_142_500
    assert money["C4"].number_format == "#,##0"
    assert money["A6"].value is None  # no estimates, no note


def test_csv_is_long_utf8_with_bom_and_plain_numbers() -> None:
    blocks = [
        pivot.build_block(SHARE, SHARE_ROWS, ["2024", "2025", "2021-2025"]),
        pivot.build_block(MONEY, MONEY_ROWS, ["2024"]),
    ]

    content = pivot.pivot_csv(blocks)

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(rows[0]) == pivot.CSV_COLUMNS
    assert [
        (r["unit_name"], r["indicator"], r["period"], r["value"]) for r in rows
    ] == [
        ("Phường Quyết Tiến", "NTM_COMMUNES_PCT", "2024", "50"),
        ("Phường Đoàn Kết", "NTM_COMMUNES_PCT", "2025", "61.5"),
        ("Xã Bản Hon", "NTM_COMMUNES_PCT", "2024", "0"),
        ("Xã Bản Hon", "NTM_COMMUNES_PCT", "2021-2025", "100"),
        ("Xã Bản Hon", "CONTRIB_CASH", "2024", "2142500"),
    ]
    assert (rows[1]["numerator"], rows[1]["denominator"], rows[1]["estimate"]) == (
        "8",
        "13",
        "1",
    )
    assert rows[4]["numerator"] == ""


def test_export_file_names_are_ascii() -> None:
    assert pivot.export_filename("chỉ số Tỉnh Lai Châu 2020-2025", "xlsx") == (
        "chi-so-tinh-lai-chau-2020-2025.xlsx"
    )
