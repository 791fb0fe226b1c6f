"""A small scene for the report tests on the fixed world: the shipped
catalog, indicators and targets; contributions and the cultural-household
counts of the two legacy wards of Thành phố Lai Châu for 2016-2020; the
analytics store rebuilt."""

from typing import Any

from vandong.analytics import services as analytics_services
from vandong.analytics.loader import load_indicators
from vandong.analytics.targets.loader import load_targets
from vandong.catalog.loader import catalog_load
from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_write

# A template of three sentences over the scene's figures.
SMALL = """\
code: thu
version: 1
name: Thử
subject: Thử giai đoạn {{ phase }}

[figures]
cash = value(CONTRIB_CASH_VND, phase)
land = value(CONTRIB_LAND_M2, phase)
labour = value(CONTRIB_LABOUR_DAYS, phase)
urban = value(URBAN_CIVILIZED, end)
wards = units(phuong, thi_tran, period=end)

[section a] Đóng góp
Nhân dân đóng góp {{ cash | money(billion, floor) }}, hiến {{ land | number }} m2 đất.
Góp {{ labour | number }} ngày công.
Đến năm {{ end_year }} có {{ urban | count2 }}/{{ wards }} phường, thị trấn đạt chuẩn văn minh đô thị.
"""

YEARS = ("2016", "2017", "2018", "2019", "2020")
# ward code -> yearly cash (đồng), land (m²)
WARDS = {
    "03388": (1_250_000_000, 1_000),
    "03389": (750_000_000, 500),
}


def make_report_scene(world: Any) -> None:
    catalog_load()
    load_indicators()
    load_targets()
    rows = []
    for code, (cash, land) in WARDS.items():
        for year in YEARS:
            rows += [
                ValueRow("CONTRIB_CASH_VND", code, year, cash),
                ValueRow("CONTRIB_LAND_M2", code, year, land),
            ]
    # the cultural households of the wards' villages are not kept here: the
    # share needs HH_CULTURAL and HH_TOTAL from villages, which the world's
    # legacy wards do not have, so that figure stays missing
    rows.append(ValueRow("URBAN_CIVILIZED", "03388", "2020", True))
    rows.append(ValueRow("URBAN_CIVILIZED", "03389", "2020", False))
    data_values_write(actor=None, rows=rows, channel="system")
    analytics_services.rebuild(cold=True)
