"""Region (vùng) of each legacy province, by GSO province code.

The new-rural criteria sets 2016-2020 (Quyết định 1980/QĐ-TTg) and 2021-2025
(Quyết định 318/QĐ-TTg) set thresholds for seven regions. The packages carry no
region, so this table follows the General Statistics Office's regional
classification with Bắc Trung Bộ and Duyên hải Nam Trung Bộ apart, as those sets
do. A current (2025) province takes the region of the legacy province whose
name it kept; a current commune takes the region of its predecessors' province.
"""

from vandong.geo.models import Region

_REGION_PROVINCES: dict[str, tuple[str, ...]] = {
    Region.NORTHERN_MIDLANDS_MOUNTAINS: (
        "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "24", "25",
    ),
    Region.RED_RIVER_DELTA: ("01", "22", "26", "27", "30", "31", "33", "34", "35", "36", "37"),
    Region.NORTH_CENTRAL: ("38", "40", "42", "44", "45", "46"),
    Region.SOUTH_CENTRAL_COAST: ("48", "49", "51", "52", "54", "56", "58", "60"),
    Region.CENTRAL_HIGHLANDS: ("62", "64", "66", "67", "68"),
    Region.SOUTHEAST: ("70", "72", "74", "75", "77", "79"),
    Region.MEKONG_DELTA: (
        "80", "82", "83", "84", "86", "87", "89", "91", "92", "93", "94", "95", "96",
    ),
}  # fmt: skip

REGION_OF_LEGACY_PROVINCE: dict[str, str] = {
    code: str(region) for region, codes in _REGION_PROVINCES.items() for code in codes
}
