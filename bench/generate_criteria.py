"""Seeded synthetic national data for the criteria-engine benchmark.

    .venv/bin/python bench/generate_criteria.py                   # summary only
    .venv/bin/python bench/generate_criteria.py --out /tmp/crit   # + parquet files

Builds (no database, no Django) a criteria set like the 2021-2025 new-rural
commune set, and frames in the engine's shapes: 63 provinces spread over the
seven regions, 700 districts, `--communes` communes (type xa) plus a few
wards (which the set ignores), about 8 villages per commune, and one value
per commune, year and element the set reads (and per village for its
child-share indicator) for 2016-2025. Values are drawn around each
condition's thresholds, better for "better" communes and later years, so
every status occurs; about 0.3% of values are missing. The same seed gives
the same frames.

If vandong/catalog/criteria/sets/ntm-xa-2021-2025.yaml exists it is used
instead of the built-in set, read by the set reader against a catalog made
of the elements the file names (the data are generated to fit them).

The built-in set follows the structure of Quyết định 318/QĐ-TTg (19
criteria, ~50 indicators); its thresholds are illustrative, not the
official text.
"""

import argparse
import datetime
import os
import random
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vandong.catalog.criteria.spec import (  # noqa: E402 - after the path fix
    REGIONS,
    ConditionSpec,
    CriteriaSetSpec,
    CriterionSpec,
    IndicatorSpec,
    LegalBasis,
    Source,
    Threshold,
    ValueSpec,
)

YAML = ROOT / "vandong/catalog/criteria/sets/ntm-xa-2021-2025.yaml"
YEARS = list(range(2016, 2026))
PROVINCES, DISTRICTS = 63, 700
MISSING = 0.003  # share of values left out

# ---------------------------------------------------------------- the set

_DOC = "318/QĐ-TTg"
_OK = Source(document=_DOC, appendix="Phụ lục I", verified=True)
_UNSURE = Source(document=_DOC, appendix="Phụ lục I", verified=False)


def _regional(*values: float, unsure: int = -1) -> tuple[Threshold, ...]:
    """One threshold per region, in REGIONS order; `unsure` marks one as
    unverified."""
    return tuple(
        Threshold(value=v, key=r, source=_UNSURE if i == unsure else _OK)
        for i, (r, v) in enumerate(zip(REGIONS, values, strict=True))
    )


def _general(value: float) -> tuple[Threshold, ...]:
    return (Threshold(value=value, source=_OK),)


def _flag(code: str, name: str, element: str) -> IndicatorSpec:
    condition = ConditionSpec(value=ValueSpec(element=element), comparator="is_true")
    return IndicatorSpec(code, name, name, (condition,), _OK)


def _ratio(
    code: str,
    name: str,
    numerator: str,
    denominator: str,
    comparator: str,
    thresholds: tuple[Threshold, ...],
) -> IndicatorSpec:
    condition = ConditionSpec(
        value=ValueSpec(numerator=numerator, denominator=denominator),
        comparator=comparator,  # type: ignore[arg-type]
        thresholds=thresholds,
    )
    return IndicatorSpec(code, name, name, (condition,), _OK, measure="%")


def _element(
    code: str,
    name: str,
    element: str,
    comparator: str,
    thresholds: tuple[Threshold, ...],
    measure: str = "%",
) -> IndicatorSpec:
    condition = ConditionSpec(
        value=ValueSpec(element=element),
        comparator=comparator,  # type: ignore[arg-type]
        thresholds=thresholds,
    )
    return IndicatorSpec(code, name, name, (condition,), _OK, measure=measure)


def _income() -> tuple[Threshold, ...]:
    """Income per head by region (million VND), rising each year 2022-2025;
    the 2022 value alone (no year) covers the other years."""
    start = (39.0, 52.0, 41.0, 43.0, 43.0, 54.0, 47.0)
    end = (48.0, 66.0, 50.0, 55.0, 54.0, 70.0, 60.0)
    found = [
        Threshold(value=v, key=r, source=_OK)
        for r, v in zip(REGIONS, start, strict=True)
    ]
    for step, year in enumerate(range(2022, 2026)):
        for r, a, b in zip(REGIONS, start, end, strict=True):
            found.append(
                Threshold(
                    value=round(a + (b - a) * step / 3, 1), key=r, year=year, source=_OK
                )
            )
    return tuple(found)


def builtin_spec() -> CriteriaSetSpec:
    """A 2021-2025-like commune set: 19 criteria, 58 indicators."""
    hh = "HH_TOTAL"
    groups: list[tuple[str, str, list[IndicatorSpec], int | None]] = [
        ("1", "Quy hoạch", [
            _flag("1.1", "Có quy hoạch chung xây dựng xã được phê duyệt", "PLAN_APPROVED"),
            _flag("1.2", "Ban hành quy định quản lý quy hoạch", "PLAN_RULES"),
        ], None),
        ("2", "Giao thông", [
            _ratio("2.1", "Đường xã được nhựa hóa hoặc bê tông hóa", "ROAD_COMMUNE_OK", "ROAD_COMMUNE", ">=", _general(100)),
            _ratio("2.2", "Đường thôn được cứng hóa", "ROAD_VILLAGE_OK", "ROAD_VILLAGE", ">=", _regional(70, 100, 90, 90, 80, 100, 80)),
            _ratio("2.3", "Đường ngõ, xóm sạch và đảm bảo đi lại", "ROAD_ALLEY_OK", "ROAD_ALLEY", ">=", _regional(70, 100, 90, 90, 80, 100, 80, unsure=3)),
            _ratio("2.4", "Đường trục chính nội đồng được cứng hóa", "ROAD_FIELD_OK", "ROAD_FIELD", ">=", _regional(50, 70, 60, 60, 50, 70, 60)),
        ], None),
        ("3", "Thủy lợi và phòng, chống thiên tai", [
            _ratio("3.1", "Diện tích đất sản xuất được tưới, tiêu chủ động", "LAND_IRRIGATED", "LAND_FARMED", ">=", _regional(70, 90, 80, 80, 70, 80, 80)),
            _flag("3.2", "Đảm bảo yêu cầu phòng chống thiên tai tại chỗ", "DISASTER_READY"),
        ], None),
        ("4", "Điện", [
            _flag("4.1", "Hệ thống điện đạt chuẩn", "POWER_GRID_OK"),
            _ratio("4.2", "Hộ sử dụng điện thường xuyên, an toàn", "HH_POWER", hh, ">=", _regional(95, 99, 98, 98, 98, 99, 98)),
        ], None),
        ("5", "Trường học", [
            _ratio("5", "Trường học các cấp đạt chuẩn cơ sở vật chất", "SCHOOLS_OK", "SCHOOLS", ">=", _regional(70, 80, 80, 80, 70, 80, 70)),
        ], None),
        ("6", "Cơ sở vật chất văn hóa", [
            _flag("6.1", "Có nhà văn hóa hoặc hội trường đa năng", "CULT_HOUSE"),
            _flag("6.2", "Có điểm vui chơi, giải trí và thể thao", "PLAYGROUND"),
            _ratio("6.3", "Thôn có nhà văn hóa hoặc nơi sinh hoạt cộng đồng", "VILLAGE_HALLS", "VILLAGES", ">=", _general(100)),
        ], None),
        ("7", "Cơ sở hạ tầng thương mại nông thôn", [
            _flag("7", "Có chợ hoặc cửa hàng tiện lợi đạt chuẩn", "MARKET_OK"),
        ], None),
        ("8", "Thông tin và Truyền thông", [
            _flag("8.1", "Có điểm phục vụ bưu chính", "POST_OFFICE"),
            _flag("8.2", "Có dịch vụ viễn thông, internet", "INTERNET"),
            _flag("8.3", "Có đài truyền thanh và hệ thống loa", "LOUDSPEAKERS"),
            _flag("8.4", "Có ứng dụng công nghệ thông tin trong quản lý", "E_GOV"),
        ], None),
        ("9", "Nhà ở dân cư", [
            _element("9.1", "Số nhà tạm, dột nát", "HOUSES_TEMPORARY", "<=", _general(0), measure="nhà"),
            _ratio("9.2", "Hộ có nhà ở kiên cố hoặc bán kiên cố", "HH_SOLID_HOUSE", hh, ">=", _regional(75, 80, 80, 80, 75, 80, 70)),
        ], None),
        ("10", "Thu nhập", [
            _element("10", "Thu nhập bình quân đầu người", "INCOME_PER_HEAD", ">=", _income(), measure="triệu đồng/người/năm"),
        ], None),
        ("11", "Nghèo đa chiều", [
            _ratio("11", "Tỷ lệ hộ nghèo đa chiều", "HH_POOR", hh, "<=", _regional(6, 2, 4, 4, 5, 1, 3)),
        ], None),
        ("12", "Lao động", [
            _ratio("12.1", "Lao động có việc làm qua đào tạo", "LABOUR_TRAINED", "LABOUR", ">=", _regional(65, 75, 70, 70, 65, 75, 70)),
            _ratio("12.2", "Lao động qua đào tạo có bằng cấp, chứng chỉ", "LABOUR_CERT", "LABOUR", ">=", _regional(20, 30, 25, 25, 20, 30, 25, unsure=0)),
            _ratio("12.3", "Lao động làm việc trong ngành kinh tế chủ lực", "LABOUR_MAIN", "LABOUR", ">=", _general(50)),
        ], None),
        ("13", "Tổ chức sản xuất và phát triển kinh tế nông thôn", [
            _flag("13.1", "Có hợp tác xã hoạt động hiệu quả", "COOPERATIVE"),
            _flag("13.2", "Có mô hình liên kết sản xuất gắn với tiêu thụ", "VALUE_CHAIN"),
            _flag("13.3", "Có sản phẩm OCOP hoặc làng nghề", "OCOP_PRODUCT"),
            _flag("13.4", "Có kế hoạch phát triển du lịch nông thôn", "RURAL_TOURISM"),
            _flag("13.5", "Có vùng nguyên liệu được cấp mã vùng", "GROWING_AREA_CODE"),
        ], 4),
        ("14", "Giáo dục và Đào tạo", [
            _flag("14.1", "Phổ cập giáo dục mầm non, xóa mù chữ", "EDU_UNIVERSAL"),
            _ratio("14.2", "Học sinh tốt nghiệp THCS tiếp tục học", "PUPILS_CONTINUE", "PUPILS_GRADUATED", ">=", _regional(70, 90, 85, 85, 70, 85, 70)),
            _flag("14.3", "Đạt tiêu chuẩn cộng đồng học tập cấp xã", "LEARNING_COMMUNITY"),
        ], None),
        ("15", "Y tế", [
            _ratio("15.1", "Người dân tham gia bảo hiểm y tế", "PEOPLE_INSURED", "PEOPLE", ">=", _regional(85, 95, 90, 90, 85, 95, 90)),
            _flag("15.2", "Xã đạt tiêu chí quốc gia về y tế", "HEALTH_STATION"),
            _element("15.3", "Trẻ em dưới 5 tuổi suy dinh dưỡng thể thấp còi", "STUNTING_U5_PCT", "<=", _regional(24, 16.5, 21, 22, 26, 15, 20)),
            _ratio("15.4", "Dân số có sổ khám chữa bệnh điện tử", "PEOPLE_EHR", "PEOPLE", ">=", _general(50)),
        ], None),
        ("16", "Văn hóa", [
            IndicatorSpec(
                "16",
                "Thôn đạt chuẩn văn hóa",
                "Villages recognised as cultural",
                (
                    ConditionSpec(
                        value=ValueSpec(child_element="VILLAGE_CULTURAL", child_level=4),
                        comparator=">=",
                        thresholds=_general(70),
                    ),
                ),
                _OK,
                measure="%",
            ),
        ], None),
        ("17", "Môi trường và an toàn thực phẩm", [
            IndicatorSpec(
                "17.1",
                "Hộ sử dụng nước sạch",
                "Households with clean water",
                (
                    ConditionSpec(
                        value=ValueSpec(numerator="HH_WATER_HYGIENIC", denominator=hh),
                        comparator=">=",
                        thresholds=_regional(95, 98, 98, 98, 95, 98, 95),
                    ),
                    ConditionSpec(
                        value=ValueSpec(numerator="HH_WATER_CLEAN", denominator=hh),
                        comparator=">=",
                        thresholds=_regional(35, 55, 45, 45, 35, 55, 40),
                    ),
                ),
                _OK,
                measure="%",
            ),
            _flag("17.2", "Cơ sở sản xuất đảm bảo quy định về môi trường", "FACTORIES_CLEAN"),
            _flag("17.3", "Cảnh quan, không gian xanh - sạch - đẹp", "LANDSCAPE"),
            _flag("17.4", "Mai táng phù hợp, nghĩa trang theo quy hoạch", "CEMETERY"),
            _ratio("17.5", "Chất thải rắn được thu gom, xử lý", "WASTE_TREATED", "WASTE", ">=", _regional(80, 95, 90, 90, 80, 95, 90)),
            _ratio("17.6", "Hộ có nhà tiêu hợp vệ sinh", "HH_LATRINE", hh, ">=", _regional(85, 95, 90, 90, 85, 95, 90)),
            _ratio("17.7", "Hộ chăn nuôi có chuồng trại đảm bảo vệ sinh", "HH_LIVESTOCK_OK", "HH_LIVESTOCK", ">=", _regional(60, 80, 70, 70, 60, 80, 70)),
            _ratio("17.8", "Cơ sở thực phẩm tuân thủ an toàn thực phẩm", "FOOD_SAFE", "FOOD_BUSINESSES", ">=", _general(100)),
            _ratio("17.9", "Hộ phân loại chất thải rắn tại nguồn", "HH_WASTE_SORTED", hh, ">=", _regional(30, 50, 40, 40, 30, 50, 40)),
            _ratio("17.10", "Chất thải nhựa được thu gom, tái sử dụng", "PLASTIC_RECYCLED", "PLASTIC", ">=", _general(50)),
            _element("17.11", "Diện tích cây xanh công cộng", "GREEN_M2_PER_HEAD", ">=", _general(2), measure="m²/người"),
        ], None),
        ("18", "Hệ thống chính trị và tiếp cận pháp luật", [
            _flag("18.1", "Cán bộ, công chức xã đạt chuẩn", "OFFICIALS_QUALIFIED"),
            _flag("18.2", "Có đủ các tổ chức trong hệ thống chính trị", "ORGANISATIONS_FULL"),
            _flag("18.3", "Đảng bộ được xếp loại hoàn thành tốt nhiệm vụ", "PARTY_GOOD"),
            _flag("18.4", "Tổ chức chính trị - xã hội xếp loại tốt", "MASS_ORGS_GOOD"),
            _flag("18.5", "Đạt chuẩn tiếp cận pháp luật", "LAW_ACCESS"),
            _flag("18.6", "Đảm bảo bình đẳng giới và phòng chống bạo lực gia đình", "GENDER_EQUALITY"),
        ], None),
        ("19", "Quốc phòng và An ninh", [
            _flag("19.1", "Xây dựng lực lượng dân quân vững mạnh", "MILITIA_OK"),
            _flag("19.2", "Đạt chuẩn an toàn về an ninh, trật tự", "SECURITY_OK"),
        ], None),
    ]  # fmt: skip
    criteria = tuple(
        CriterionSpec(code, name, name, tuple(indicators), at_least=at_least)
        for code, name, indicators, at_least in groups
    )
    return CriteriaSetSpec(
        code="ntm-xa-2021-2025",
        version=1,
        name_vi="Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021-2025 (thử)",
        name_en="National criteria for new-rural communes, 2021-2025 (benchmark)",
        kind="ntm_commune",
        level=3,
        unit_types=("xa",),
        threshold_key="region",
        valid_from=datetime.date(2022, 1, 1),
        valid_to=datetime.date(2025, 12, 31),
        legal_basis=(LegalBasis(document=_DOC, date=datetime.date(2022, 3, 8)),),
        criteria=criteria,
        recognition_element="NTM_ATTAINED",
    )


def load_spec(builtin: bool = False) -> tuple[CriteriaSetSpec, str]:
    """The set file when it exists and reads cleanly (unless `builtin`),
    else the built-in set; and where it came from."""
    if YAML.exists() and not builtin:
        _django()
        from vandong.catalog.criteria.reader import CriteriaFileError

        try:
            return read_yaml(YAML), str(YAML.relative_to(ROOT))
        except CriteriaFileError as exc:
            print(f"{YAML.name} not read, using the built-in set:\n{exc}")
    return builtin_spec(), "built-in set (bench/generate_criteria.py)"


def _django() -> None:
    """The reader knows unit types through the geo app: Django must be set
    up (no database is touched)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vandong.settings")
    import django

    django.setup()


def read_yaml(path: Path) -> CriteriaSetSpec:
    """Read a set file through the reader, with a catalog made of the
    elements the file names: yes/no where a flag or child share reads them,
    decimal otherwise (the data are generated to fit)."""
    import yaml

    _django()
    from vandong.catalog.criteria.reader import KnownElement, criteria_set_read
    from vandong.catalog.reader.specs import LEVELS

    text = path.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    level = LEVELS[data["level"]]
    elements: dict[str, KnownElement] = {}
    if data.get("recognition_element"):
        code = data["recognition_element"]
        elements[code] = KnownElement(code, level, "boolean")
    for criterion in data["criteria"]:
        for indicator in criterion["indicators"]:
            for condition in indicator.get("conditions") or [indicator]:
                value = condition.get("value") or {}
                flag = condition.get("comparator") in ("is_true", "is_false")
                if "element" in value:
                    kind = "boolean" if flag else "decimal"
                    elements[value["element"]] = KnownElement(
                        value["element"], level, kind
                    )
                for part in ("numerator", "denominator"):
                    if part in value:
                        elements[value[part]] = KnownElement(
                            value[part], level, "decimal"
                        )
                if "child_element" in value:
                    child = value.get("child_level")
                    child_level = (
                        LEVELS[child] if isinstance(child, str) else int(child or 0)
                    )
                    code = value["child_element"]
                    elements[code] = KnownElement(code, child_level, "boolean")
    return criteria_set_read(text, file=path.name, elements=elements)


# ---------------------------------------------------------------- the data


def make_units(communes: int, seed: int) -> pl.DataFrame:
    """Provinces, districts, communes (and 3% wards), villages."""
    rng = random.Random(seed)  # noqa: S311 - seeded sample data, not secrets
    regions = [REGIONS[p % len(REGIONS)] for p in range(PROVINCES)]
    rows: list[tuple[int, int | None, int, str, str | None, str | None]] = [
        (p + 1, None, 1, "tinh", regions[p], None) for p in range(PROVINCES)
    ]
    first_district = PROVINCES + 1
    rows.extend(
        (
            first_district + d,
            1 + d % PROVINCES,
            2,
            "huyen",
            regions[d % PROVINCES],
            None,
        )
        for d in range(DISTRICTS)
    )
    next_id = first_district + DISTRICTS
    wards = communes * 3 // 100
    commune_ids = []
    for c in range(communes + wards):
        district = c % DISTRICTS
        unit_type = "xa" if c < communes else "phuong"
        group = str(1 + rng.randrange(3))
        rows.append(
            (
                next_id,
                first_district + district,
                3,
                unit_type,
                regions[district % PROVINCES],
                group,
            )
        )
        commune_ids.append(next_id)
        next_id += 1
    for commune in commune_ids:
        for _ in range(rng.randint(4, 12)):
            rows.append((next_id, commune, 4, "thon", None, None))
            next_id += 1
    return pl.DataFrame(
        rows,
        schema={
            "unit_id": pl.Int64,
            "parent_id": pl.Int64,
            "level": pl.Int8,
            "unit_type": pl.Utf8,
            "region": pl.Utf8,
            "commune_group": pl.Utf8,
        },
        orient="row",
    )


def _noise(seed: int, salt: int) -> pl.Expr:
    """A uniform draw in [0, 1) per row, from the row's unit and year."""
    bits = pl.struct("unit_id", "year").hash(seed=seed * 7919 + salt)
    return (bits % 1_000_003).cast(pl.Float64) / 1_000_003


def _bounds(condition: ConditionSpec) -> tuple[float, float]:
    values = [float(t.value) for t in condition.thresholds] or [0.0]
    return min(values), max(values)


def _numeric(
    condition: ConditionSpec, passes: pl.Expr, draw: pl.Expr, percent: bool
) -> pl.Expr:
    """A value that meets every threshold of the condition when `passes`,
    and misses every one otherwise."""
    low, high = _bounds(condition)
    comparator = condition.comparator
    if comparator in (">=", ">"):
        good = high + draw * ((100 - high) if percent else max(high, 10) * 0.2)
        bad = low - 0.5 - draw * max(abs(low), 10) * 0.3
    elif comparator in ("<=", "<"):
        good = low * (1 - draw) - (0.0 if low <= 0 else 0.01)
        bad = high + 0.5 + draw * max(high, 2) * 0.5
    else:
        good = pl.lit(low)
        bad = low + 1 + draw * 5
    value = pl.when(passes).then(good).otherwise(bad)
    if percent:
        value = value.clip(0.0, 100.0)
    return value.clip(lower_bound=0.0)


def make_values(
    spec: CriteriaSetSpec, units: pl.DataFrame, years: list[int], seed: int
) -> pl.DataFrame:
    """One value per judged unit, year and element of the set (and per
    village for child shares); about MISSING of them left out."""
    judged = units.filter(
        (pl.col("level") == spec.level)
        & pl.col("unit_type").is_in(list(spec.unit_types))
    ).select("unit_id")
    rng = random.Random(seed)  # noqa: S311 - seeded sample data, not secrets
    quality = pl.Series("quality", [rng.uniform(-1, 1) for _ in range(judged.height)])
    first = min(years)
    base = judged.with_columns(quality).join(
        pl.DataFrame({"year": years}, schema={"year": pl.Int32}), how="cross"
    )
    progress = (0.55 + 0.3 * pl.col("quality") + 0.05 * (pl.col("year") - first)).clip(
        0.0, 0.995
    )
    columns: dict[str, pl.Expr] = {}
    children: dict[tuple[str, int], None] = {}
    salt = 0
    for indicator in spec.indicators:
        for condition in indicator.conditions:
            salt += 2
            passes = _noise(seed, salt) < progress
            draw = _noise(seed, salt + 1)
            value = condition.value
            if value.kind == "child_share":
                children[(value.child_element, value.child_level)] = None
            elif condition.comparator in ("is_true", "is_false"):
                yes = passes if condition.comparator == "is_true" else ~passes
                columns.setdefault(value.element, yes.cast(pl.Float64))
            elif value.kind == "ratio":
                size = (50 + _noise(seed, 10_000 + len(columns)) * 5000).floor()
                columns.setdefault(value.denominator, size)
                share = _numeric(condition, passes, draw, percent=True)
                columns.setdefault(
                    value.numerator,
                    (pl.col(value.denominator) * share / 100).round(0),
                )
            else:
                percent = indicator.measure == "%"
                columns.setdefault(
                    value.element, _numeric(condition, passes, draw, percent)
                )
    denominators = {c.value.denominator for i in spec.indicators for c in i.conditions}
    wide = base.with_columns(
        expr.alias(code) for code, expr in columns.items() if code in denominators
    ).with_columns(
        expr.alias(code) for code, expr in columns.items() if code not in denominators
    )
    frames = [
        wide.unpivot(
            index=["unit_id", "year"], on=list(columns), variable_name="element"
        )
    ]
    for element, level in children:
        villages = units.filter(pl.col("level") == level).select(
            "unit_id", pl.col("parent_id").alias("commune")
        )
        frames.append(
            villages.join(
                base.select(pl.col("unit_id").alias("commune"), "year", "quality"),
                on="commune",
            ).select(
                "unit_id",
                "year",
                pl.lit(element).alias("element"),
                (
                    _noise(seed, 99)
                    < (0.75 + 0.3 * pl.col("quality") + 0.03 * (pl.col("year") - first))
                )
                .cast(pl.Float64)
                .alias("value"),
            )
        )
    values = pl.concat(
        [
            f.select(
                "unit_id",
                pl.col("year").cast(pl.Int32),
                "element",
                pl.col("value").cast(pl.Float64),
            )
            for f in frames
        ]
    )
    kept = (
        pl.struct("unit_id", "year", "element").hash(seed=seed) % 1_000_000
        >= MISSING * 1_000_000
    )
    return values.filter(kept)


def generate(
    communes: int = 10_000,
    years: list[int] | None = None,
    seed: int = 2025,
    builtin: bool = False,
) -> tuple[CriteriaSetSpec, pl.DataFrame, pl.DataFrame, str]:
    """The set, the units, the values, and where the set came from."""
    spec, origin = load_spec(builtin)
    units = make_units(communes, seed)
    values = make_values(spec, units, years or YEARS, seed)
    return spec, units, values, origin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--builtin",
        action="store_true",
        help="the built-in set, even if the file exists",
    )
    parser.add_argument(
        "--out", type=Path, help="write units.parquet and values.parquet here"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    spec, units, values, origin = generate(
        args.communes, YEARS, args.seed, args.builtin
    )
    seconds = time.perf_counter() - started
    conditions = sum(len(i.conditions) for i in spec.indicators)
    print(
        f"{origin}: {len(spec.criteria)} criteria, {len(spec.indicators)} indicators, "
        f"{conditions} conditions, {len(spec.elements)} elements"
    )
    counts = units.group_by("level").len().sort("level")
    print(
        "units: "
        + ", ".join(f"level {level}: {n:,}" for level, n in counts.iter_rows())
    )
    print(
        f"values: {values.height:,} rows, {YEARS[0]}-{YEARS[-1]}, made in {seconds:.2f} s"
    )
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        units.write_parquet(args.out / "units.parquet")
        values.write_parquet(args.out / "values.parquet")
        print(f"-> {args.out}/units.parquet, {args.out}/values.parquet")


if __name__ == "__main__":
    main()
