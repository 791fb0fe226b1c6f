"""The official administrative units, read from the installed packages.

- `vietnamadminunits` carries the legacy three-tier tree (63 provinces, 696
  districts, 10,035 communes and 5 island districts without communes), the
  current two-tier tree with centroids and areas, and the 2025 conversion data:
  which legacy communes became which current ones, including the 471 legacy
  communes split across several.
- `vietnam-provinces` carries the current tree as published (34 provinces,
  3,321 communes) with each unit's official type, which vietnamadminunits
  lacks. The two packages disagree on 114 current ward codes (27 in Hà Nội,
  the rest across 22 provinces); the codes of the Statistics Office's list (Công văn
  1027/CTK-CSCL, 25/6/2025: Phường Cửa Nam 00082, Phường Bồ Đề 00118) are those
  of vietnamadminunits, so codes come from there, and the packages' wards are
  matched by province and name where their codes differ.

Nothing here touches the database: it returns plain rows for the loader.
"""

import datetime
import importlib.util
import json
import re
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from vietnam_provinces import Province, VietNamDivisionType, Ward

from vandong.core.text import fold
from vandong.geo.models import LEGACY_END, REFORM_DATE, AreaClass, Succession, UnitType
from vandong.geo.regions import REGION_OF_LEGACY_PROVINCE

# (code, valid_from): a GSO code names a unit only together with a date.
Ident = tuple[str, datetime.date | None]

SOURCE_LEGACY = "vietnamadminunits"
SOURCE_CURRENT = "vietnam-provinces"
SOURCE_LINEAGE = "vietnamadminunits:converter_2025"

_LEGACY_DISTRICT_TYPES = {
    "Quận": UnitType.URBAN_DISTRICT,
    "Huyện": UnitType.RURAL_DISTRICT,
    "Thị xã": UnitType.DISTRICT_TOWN,
    "Thành phố": UnitType.PROVINCIAL_CITY,
}
_LEGACY_COMMUNE_TYPES = {
    "Xã": UnitType.COMMUNE,
    "Phường": UnitType.WARD,
    "Thị trấn": UnitType.TOWNSHIP,
    "Đặc khu": UnitType.SPECIAL_ZONE,
}
_CURRENT_TYPES = {
    VietNamDivisionType.TINH: UnitType.PROVINCE,
    VietNamDivisionType.THANH_PHO_TRUNG_UONG: UnitType.CENTRAL_CITY,
    VietNamDivisionType.XA: UnitType.COMMUNE,
    VietNamDivisionType.PHUONG: UnitType.WARD,
    VietNamDivisionType.DAC_KHU: UnitType.SPECIAL_ZONE,
}
_URBAN_TYPES = {
    UnitType.URBAN_DISTRICT,
    UnitType.DISTRICT_TOWN,
    UnitType.PROVINCIAL_CITY,
    UnitType.WARD,
    UnitType.TOWNSHIP,
}


@dataclass(frozen=True)
class UnitRow:
    code: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    name: str
    short_name: str
    type: str
    level: int
    parent: Ident | None
    region: str
    area_class: str
    latitude: float | None
    longitude: float | None
    area_km2: float | None
    source: str

    @property
    def ident(self) -> Ident:
        return (self.code, self.valid_from)


@dataclass(frozen=True)
class EdgeRow:
    predecessor: Ident
    successor: Ident
    kind: str
    is_primary: bool
    area_share: float | None = None


@dataclass
class Country:
    units: list[UnitRow] = field(default_factory=list)
    edges: list[EdgeRow] = field(default_factory=list)


def _package_file(package: str, relative: str) -> Path:
    # Locate the data without importing the package (its import parses every file).
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(f"package {package} is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / relative


def _rows(sql: str) -> list[sqlite3.Row]:
    path = _package_file("vietnamadminunits", "data/dataset.db")
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        conn.row_factory = sqlite3.Row
        return conn.execute(sql).fetchall()


def _area_class(unit_type: str) -> str:
    if unit_type in _URBAN_TYPES:
        return AreaClass.URBAN
    if unit_type in {UnitType.COMMUNE, UnitType.RURAL_DISTRICT, UnitType.SPECIAL_ZONE}:
        return AreaClass.RURAL
    return ""


def _province_type(name: str) -> str:
    return UnitType.CENTRAL_CITY if name.startswith("Thành phố") else UnitType.PROVINCE


def province_matches(wanted: str, code: str, name: str) -> bool:
    """`--province 12`, `--province "Lai Châu"` and `--province lai chau` all name Lai Châu."""
    folded = fold(wanted)
    name_folded = fold(name)
    short = name_folded.removeprefix("thanh pho ").removeprefix("tinh ")
    return wanted.strip().lstrip("0") == code.lstrip("0") or folded in {
        name_folded,
        short,
    }


def read_country(province: str | None = None) -> Country:
    """Both trees and the lineage; only the named province's group when given.

    A province's group is one current province and the legacy provinces merged
    into it, so that every lineage edge has both ends loaded.
    """
    conversion = json.loads(
        _package_file("vietnamadminunits", "data/converter_2025.json").read_text(
            encoding="utf-8"
        )
    )
    legacy_provinces_of: dict[str, list[str]] = conversion["DICT_PROVINCE"]
    legacy = _rows(
        "SELECT * FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
    )
    current = _rows("SELECT * FROM admin_units ORDER BY provinceCode, wardCode")

    legacy_province_by_key = {r["provinceKey"]: r for r in legacy}
    current_province_by_key = {r["provinceKey"]: r for r in current}

    groups = _selected_groups(
        province, legacy_provinces_of, legacy_province_by_key, current_province_by_key
    )
    # A province the reform left alone is one row in both trees.
    unchanged = {k for k in groups if legacy_provinces_of[k] == [k]}
    selected_legacy = {old for k in groups for old in legacy_provinces_of[k]}

    country = Country()
    idents: dict[str, Ident] = {}  # source key -> ident

    # Legacy tree.
    for key in sorted(
        selected_legacy, key=lambda k: legacy_province_by_key[k]["provinceCode"]
    ):
        r = legacy_province_by_key[key]
        code = r["provinceCode"]
        ident: Ident = (code, None)
        idents[f"L:{key}"] = ident
        if key in unchanged:
            continue  # written once, from the current tree's facts, below
        country.units.append(
            UnitRow(
                code=code, valid_from=None, valid_to=LEGACY_END, name=r["province"],
                short_name=r["provinceShort"], type=_province_type(r["province"]), level=1,
                parent=None, region=REGION_OF_LEGACY_PROVINCE[code], area_class="",
                latitude=r["provinceLat"], longitude=r["provinceLon"], area_km2=None,
                source=SOURCE_LEGACY,
            )
        )  # fmt: skip
    seen_districts: set[str] = set()
    for r in legacy:
        if r["provinceKey"] not in selected_legacy:
            continue
        province_ident = idents[f"L:{r['provinceKey']}"]
        region = REGION_OF_LEGACY_PROVINCE[r["provinceCode"]]
        district_key = f"{r['provinceKey']}_{r['districtKey']}"
        if district_key not in seen_districts:
            seen_districts.add(district_key)
            dtype = _LEGACY_DISTRICT_TYPES[r["districtType"]]
            idents[f"L:{district_key}"] = (r["districtCode"], None)
            country.units.append(
                UnitRow(
                    code=r["districtCode"], valid_from=None, valid_to=LEGACY_END,
                    name=r["district"], short_name=r["districtShort"], type=dtype, level=2,
                    parent=province_ident, region=region, area_class=_area_class(dtype),
                    latitude=r["districtLat"], longitude=r["districtLon"], area_km2=None,
                    source=SOURCE_LEGACY,
                )
            )  # fmt: skip
        if not r["wardCode"]:
            continue  # an island district without communes
        wtype = _LEGACY_COMMUNE_TYPES[r["wardType"]]
        idents[f"L:{district_key}_{r['wardKey']}"] = (r["wardCode"], None)
        country.units.append(
            UnitRow(
                code=r["wardCode"], valid_from=None, valid_to=LEGACY_END, name=r["ward"],
                short_name=r["wardShort"], type=wtype, level=3,
                parent=idents[f"L:{district_key}"], region=region,
                area_class=_area_class(wtype), latitude=r["wardLat"],
                longitude=r["wardLon"], area_km2=None, source=SOURCE_LEGACY,
            )
        )  # fmt: skip

    # Current tree: codes, names and types from vietnam-provinces; centroids and
    # areas from vietnamadminunits.
    official_provinces = {f"{int(p.code):02d}": p for p in Province.iter_all()}
    official_wards = official_ward_of(current)
    for key in sorted(groups, key=lambda k: current_province_by_key[k]["provinceCode"]):
        r = current_province_by_key[key]
        code = r["provinceCode"]
        official = official_provinces[code]
        leading = (
            key if key in legacy_provinces_of[key] else legacy_provinces_of[key][0]
        )
        region = REGION_OF_LEGACY_PROVINCE[
            legacy_province_by_key[leading]["provinceCode"]
        ]
        ident = (code, None) if key in unchanged else (code, REFORM_DATE)
        idents[f"C:{key}"] = ident
        country.units.append(
            UnitRow(
                code=code, valid_from=ident[1], valid_to=None, name=r["province"],
                short_name=official.name, type=_CURRENT_TYPES[official.division_type],
                level=1, parent=None, region=region, area_class="",
                latitude=r["provinceLat"], longitude=r["provinceLon"], area_km2=None,
                source=SOURCE_CURRENT,
            )
        )  # fmt: skip
        for old in legacy_provinces_of[key]:
            if key not in unchanged:
                country.edges.append(
                    EdgeRow(
                        idents[f"L:{old}"], ident, Succession.Kind.MERGE, old == key
                    )
                )

    predecessors = _lineage(conversion, groups)
    for r in current:
        if r["provinceKey"] not in groups:
            continue
        official_ward = official_wards[r["wardCode"]]
        code = r["wardCode"]
        wtype = _CURRENT_TYPES[official_ward.division_type]
        ident = (code, REFORM_DATE)
        ward_key = f"{r['provinceKey']}_{r['wardKey']}"
        idents[f"C:{ward_key}"] = ident
        preds = predecessors[ward_key]
        first_old_province = preds[0][0].split("_")[0] if preds else r["provinceKey"]
        region_code = legacy_province_by_key.get(
            first_old_province,
            legacy_province_by_key[legacy_provinces_of[r["provinceKey"]][0]],
        )["provinceCode"]
        country.units.append(
            UnitRow(
                code=code, valid_from=REFORM_DATE, valid_to=None, name=official_ward.name,
                short_name=r["wardShort"], type=wtype, level=3,
                parent=idents[f"C:{r['provinceKey']}"],
                region=REGION_OF_LEGACY_PROVINCE[region_code], area_class=_area_class(wtype),
                latitude=r["wardLat"], longitude=r["wardLon"], area_km2=r["wardAreaKm2"],
                source=SOURCE_CURRENT,
            )
        )  # fmt: skip

    names = {u.ident: u.name for u in country.units}
    for ward_key, preds in predecessors.items():
        successor = idents[f"C:{ward_key}"]
        for old_key, split, primary in preds:
            predecessor = idents[f"L:{old_key.rstrip('_')}"]
            if split:
                kind = Succession.Kind.SPLIT
            elif len(preds) > 1:
                kind = Succession.Kind.MERGE
            elif fold(names[predecessor]) == fold(names[successor]):
                kind = Succession.Kind.UNCHANGED
            else:
                kind = Succession.Kind.RENAME
            country.edges.append(EdgeRow(predecessor, successor, kind, primary))
    return country


def _squash(name: str) -> str:
    # "Xã Ea H'Leo" and "Xã Ea H’Leo" are one name.
    return re.sub(r"[^a-z0-9]", "", fold(name))


def official_ward_of(current: list[sqlite3.Row]) -> dict[str, Ward]:
    """vietnamadminunits' current ward code -> the same ward in vietnam-provinces.

    A ward is the same when code, province and name agree, else when province
    and name agree. Every current ward must be matched exactly once.
    """
    published = {f"{int(w.code):05d}": w for w in Ward.iter_all()}
    matched: dict[str, Ward] = {}
    for r in current:
        ward = published.get(r["wardCode"])
        if (
            ward is not None
            and int(ward.province_code) == int(r["provinceCode"])
            and _squash(ward.name) == _squash(r["ward"])
        ):
            matched[r["wardCode"]] = ward
    taken = {int(w.code) for w in matched.values()}
    by_name: dict[tuple[int, str], list[Ward]] = defaultdict(list)
    for ward in published.values():
        if int(ward.code) not in taken:
            by_name[(int(ward.province_code), _squash(ward.name))].append(ward)
    for r in current:
        if r["wardCode"] in matched:
            continue
        candidates = by_name[(int(r["provinceCode"]), _squash(r["ward"]))]
        if len(candidates) != 1:
            raise RuntimeError(f"cannot match current ward {r['wardCode']} {r['ward']}")
        matched[r["wardCode"]] = candidates[0]
    return matched


def _selected_groups(
    province: str | None,
    legacy_provinces_of: dict[str, list[str]],
    legacy_by_key: dict[str, sqlite3.Row],
    current_by_key: dict[str, sqlite3.Row],
) -> set[str]:
    """Keys of the current provinces to load."""
    if province is None:
        return set(legacy_provinces_of)
    found: set[str] = set()
    for new_key, olds in legacy_provinces_of.items():
        candidates = [current_by_key[new_key]] + [legacy_by_key[o] for o in olds]
        if any(
            province_matches(province, c["provinceCode"], c["province"])
            for c in candidates
        ):
            found.add(new_key)
    if not found:
        raise LookupError(province)
    return found


def _lineage(
    conversion: dict[str, dict[str, dict[str, list[object]]]], groups: Iterable[str]
) -> dict[str, list[tuple[str, bool, bool]]]:
    """Current ward key -> [(legacy key, was split, is the split's default successor)]."""
    result: dict[str, list[tuple[str, bool, bool]]] = defaultdict(list)
    for new_province in groups:
        whole = conversion["DICT_PROVINCE_WARD_NO_DIVIDED"].get(new_province, {})
        for new_ward, olds in whole.items():
            for old in olds:
                result[f"{new_province}_{new_ward}"].append((str(old), False, True))
        divided = conversion["DICT_PROVINCE_WARD_DIVIDED"].get(new_province, {})
        for old, parts in divided.items():
            for part in parts:
                part = cast(dict[str, Any], part)
                result[f"{new_province}_{part['newWardKey']}"].append(
                    (old, True, bool(part["isDefaultNewWard"]))
                )
    return result
