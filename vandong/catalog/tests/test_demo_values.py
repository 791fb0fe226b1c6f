"""The demo's constructed values reproduce every figure of the seed report.

The figures below are written out as the report gives them; they are summed
here from the generated rows (a pure test on a tree of Lai Châu's shape), and
from the DataValue table after the demo loaded them on the real tree.
"""

from collections import defaultdict
from collections.abc import Iterable

import pytest
from django.db.models import Count, Sum

from vandong.catalog.expressions import parse_expression, rule_holds
from vandong.catalog.loader import LEVELS, catalog_load, catalog_read
from vandong.collect.rows import ValueRow
from vandong.demo.collect import (
    DemoTree,
    DemoUnit,
    allocate,
    demo_rows,
    demo_tree_from_db,
    load_demo_values,
)

PHASE = range(2016, 2021)


class Figures:
    """Sums and counts of values by (element, year)."""

    def __init__(self, pairs: Iterable[tuple[str, int, float, int]]) -> None:
        self.sums: dict[tuple[str, int], float] = defaultdict(float)
        self.counts: dict[tuple[str, int], int] = defaultdict(int)
        for element, year, total, count in pairs:
            self.sums[(element, year)] += total
            self.counts[(element, year)] += count

    def total(self, element: str, years: Iterable[int] = (2020,)) -> float:
        return sum(self.sums[(element, y)] for y in years)

    def reported(self, element: str, year: int = 2020) -> int:
        return self.counts[(element, year)]

    def percent(self, numerator: str, denominator: str, year: int = 2020) -> float:
        return 100 * self.total(numerator, [year]) / self.total(denominator, [year])

    def share(self, flag: str, year: int = 2020) -> float:
        """Percent of the units reporting `flag` where it is yes."""
        return 100 * self.total(flag, [year]) / self.reported(flag, year)

    @classmethod
    def of_rows(cls, rows: Iterable[ValueRow]) -> "Figures":
        return cls(
            (r.data_element, int(r.period), float(r.value), 1)  # type: ignore[arg-type]
            for r in rows
        )


def assert_seed_figures(f: Figures) -> None:
    # "vùng lúa đặc sản gần 3.000 ha, chè trên 7.000 ha, cao su trên 13.000 ha,
    # mắc ca trên 4.000 ha, cây quế trên 6.300 ha, cây dược liệu 8.000 ha"
    assert f.total("AREA_SPECIALTY_RICE_HA") == 2_985
    assert f.total("AREA_TEA_HA") == 7_120
    assert f.total("AREA_RUBBER_HA") == 13_210
    assert f.total("AREA_MACADAMIA_HA") == 4_150
    assert f.total("AREA_CINNAMON_HA") == 6_340
    assert f.total("AREA_MEDICINAL_HA") == 8_000
    # "38 sản phẩm OCOP … 3 sao, 9 sản phẩm OCOP … 4 sao"
    assert (f.total("OCOP_3STAR"), f.total("OCOP_4STAR")) == (38, 9)
    # "trên 502 tỷ đồng (tiền mặt), hiến 2.142.500 m2 đất; góp 991.600 ngày công
    # … vật liệu xây dựng … tương đương 61.923 triệu đồng" (2016-2020)
    assert f.total("CONTRIB_CASH_VND", PHASE) == 502_386_000_000
    assert f.total("CONTRIB_LAND_M2", PHASE) == 2_142_500
    assert f.total("CONTRIB_LABOUR_DAYS", PHASE) == 991_600
    assert f.total("CONTRIB_MATERIALS_VND", PHASE) == 61_923_000_000
    # "05/12 phường, thị trấn đạt chuẩn văn minh đô thị, 24/94 xã đạt chuẩn văn
    # hóa nông thôn mới"
    assert (f.total("URBAN_CIVILIZED"), f.reported("URBAN_CIVILIZED")) == (5, 12)
    assert (f.total("CULTURAL_NTM_COMMUNE"), f.reported("CULTURAL_NTM_COMMUNE")) == (
        24,
        94,
    )
    # "85% hộ gia đình, 74% thôn, bản, khu phố, 96% cơ quan, đơn vị, trường học"
    assert abs(f.percent("HH_CULTURAL", "HH_TOTAL") - 85) < 0.01
    assert round(f.share("VILLAGE_CULTURAL")) == 74
    assert abs(f.percent("AGENCIES_CULTURAL", "AGENCIES_TOTAL") - 96) < 0.01
    # "860 tổ đội văn hoá xã, đội văn nghệ thôn, bản, tổ dân phố"
    assert f.total("CULTURE_TEAMS") == 860
    # "gần 79.000 … Gia đình học tập; trên 1.500 Dòng họ học tập; trên 1.300
    # Cộng đồng học tập; 604 Đơn vị học tập"
    assert f.total("LEARNING_FAMILIES") == 78_940
    assert f.total("LEARNING_CLANS") == 1_526
    assert f.total("LEARNING_COMMUNITIES") == 1_318
    assert f.total("LEARNING_UNITS") == 604
    # "giai đoạn 2016 - 2020 đào tạo nghề … cho 31.739 lao động"
    assert f.total("VOCATIONAL_TRAINED", PHASE) == 31_739
    # "bảo hiểm y tế đến năm 2020 đạt 96%"; "suy dinh dưỡng … dưới 20%"
    assert abs(f.percent("HEALTH_INSURED", "POPULATION") - 96) < 0.01
    assert round(f.percent("CHILDREN_U5_UNDERWEIGHT", "CHILDREN_U5_WEIGHED"), 1) == 19.4
    # "trong 5 năm quỹ Đền ơn đáp nghĩa … trên 5,6 tỷ đồng"
    assert f.total("GRATITUDE_FUND_VND", PHASE) == 5_642_000_000
    # "che phủ rừng … trên 50%"
    assert round(f.percent("FOREST_AREA_HA", "NATURAL_AREA_HA"), 1) == 50.6
    # "dân số nông thôn … nước sinh hoạt hợp vệ sinh ước đạt 84%; … hộ dân tộc
    # thiểu số … gần 80%"
    assert abs(f.percent("RURAL_POP_CLEAN_WATER", "RURAL_POP") - 84) < 0.01
    assert round(f.percent("EM_HH_CLEAN_WATER", "EM_HH"), 1) == 79.6
    # "100% các cơ sở sản xuất kinh doanh … cam kết giữ gìn vệ sinh môi trường;
    # 100% xã, bản đăng ký … xanh - sạch - đẹp; 100% xã, bản đăng ký mai táng …;
    # 100% các hộ dân cư, cơ sở kinh doanh cam kết thu gom rác thải"
    assert f.percent("BUSINESSES_ENV_COMMITTED", "BUSINESSES") == 100
    for flag in (
        "VILLAGE_LANDSCAPE_REGISTERED",
        "COMMUNE_LANDSCAPE_REGISTERED",
        "VILLAGE_BURIAL_REGISTERED",
        "COMMUNE_BURIAL_REGISTERED",
    ):
        assert f.share(flag) == 100
    assert f.reported("COMMUNE_LANDSCAPE_REGISTERED") == 106
    assert f.percent("HH_WASTE_COMMITTED", "HH_TOTAL") == 100
    assert f.percent("BUSINESSES_WASTE_COMMITTED", "BUSINESSES") == 100
    # "hộ có nhà tiêu, nhà tắm, bể chứa nước … đạt trên 44%"
    assert round(f.percent("HH_3CLEAN", "HH_TOTAL"), 1) == 44.6
    # "số xã đạt tiêu chí về môi trường là 45/94 xã"
    assert (f.total("ENV_CRITERION_MET"), f.reported("ENV_CRITERION_MET")) == (45, 94)
    # "trên 90% các hộ gia đình và khu dân cư đăng ký và cam kết … ANTT"
    assert round(f.percent("HH_SECURITY_COMMITTED", "HH_TOTAL"), 1) == 92.3
    assert round(f.share("VILLAGE_SECURITY_COMMITTED")) == 95
    # "70 mô hình Khu dân cư an ninh trật tự nông thôn"
    assert f.total("SECURITY_MODELS") == 70
    # "33/106 xã, phường, thị trấn không có tệ nạn ma túy; 6 xã … ra khỏi diện
    # trọng điểm …; 92/94 xã đạt tiêu chí quốc phòng, an ninh"
    assert (f.total("DRUG_FREE"), f.reported("DRUG_FREE")) == (33, 106)
    assert f.total("SECURITY_HOTSPOT_REMOVED") == 6
    assert (
        f.total("SECURITY_CRITERION_MET"),
        f.reported("SECURITY_CRITERION_MET"),
    ) == (92, 94)
    # "1.143 tổ hoà giải ở cơ sở"
    assert f.total("MEDIATION_TEAMS") == 1_143
    # "từ năm 2017 - 2020 đã tổ chức 133 hội nghị đối thoại"
    assert f.total("DIALOGUE_CONFERENCES", range(2017, 2021)) == 133
    assert f.reported("DIALOGUE_CONFERENCES", 2016) == 0
    # The targets for 2025 ("trên 60% phường, thị trấn …; 57,5% xã đạt chuẩn
    # nông thôn mới, thêm 2 huyện"): met by the constructed later years.
    assert f.share("URBAN_CIVILIZED", 2024) > 60
    assert f.share("NTM_ATTAINED", 2025) >= 57.5
    assert f.reported("NTM_ATTAINED", 2025) == 36
    assert (
        f.total("DISTRICT_NTM_ATTAINED", [2024]) - f.total("DISTRICT_NTM_ATTAINED") == 2
    )


# --- a tree of Lai Châu's shape, without the database -----------------------------


def lai_chau_shaped_tree() -> DemoTree:
    """8 districts; 94 xã, 7 thị trấn, 5 phường; 7-14 villages each; merged
    into 36 xã and 2 phường from 2025, the villages carried over."""
    next_id = iter(range(1, 100_000))
    province = DemoUnit(next(next_id), "12", 1, "tinh", None, key="P12")
    districts = [
        DemoUnit(next(next_id), str(code), 2, "huyen", province.id, key=f"L{code}")
        for code in range(105, 113)
    ]
    types = ["phuong"] * 5 + ["thi_tran"] * 7 + ["xa"] * 94
    communes = [
        DemoUnit(
            next(next_id), f"{3386 + i:05d}", 3, t, districts[i % 8].id,
            key=f"L{3386 + i:05d}",
        )
        for i, t in enumerate(types)
    ]  # fmt: skip
    villages = []
    for i, commune in enumerate(communes):
        for j in range(7 + (i * 5) % 8):
            households = 35 + (i * 37 + j * 11) % 126
            code = f"{commune.code}-{j + 1:02d}"
            villages.append(
                DemoUnit(
                    next(next_id), code, 4, "ban", commune.id,
                    households=households, population=households * 4 + j % 5,
                    key=f"L{code}",
                )
            )  # fmt: skip
    current = [
        DemoUnit(
            next(next_id), f"{4000 + k:05d}", 3, "phuong" if k < 2 else "xa",
            province.id, key=f"N{4000 + k}",
            predecessor_keys=tuple(
                c.key for i, c in enumerate(communes) if i * 38 // 106 == k
            ),
        )
        for k in range(38)
    ]  # fmt: skip
    current_of = {c.id: current[i * 38 // 106] for i, c in enumerate(communes)}
    current_of[0] = province  # villages always have a parent: keeps types simple
    current_villages = [
        DemoUnit(
            next(next_id), f"{current_of[v.parent_id or 0].code}-{n:03d}", 4, v.type,
            current_of[v.parent_id or 0].id, households=v.households,
            population=v.population, key=v.key,
        )
        for n, v in enumerate(villages)
    ]  # fmt: skip
    return DemoTree(province, districts, communes, villages, current, current_villages)


@pytest.fixture(scope="module")
def tree() -> DemoTree:
    return lai_chau_shaped_tree()


@pytest.fixture(scope="module")
def rows(tree) -> list[ValueRow]:
    return demo_rows(tree)


def test_generated_rows_reproduce_every_seed_figure(rows):
    assert_seed_figures(Figures.of_rows(rows))


def test_generation_is_deterministic(tree, rows):
    assert demo_rows(tree) == rows


def test_rows_cover_both_trees_so_series_cross_the_reform(tree, rows):
    # given
    legacy = {u.code for u in tree.legacy_communes}
    current = {u.code for u in tree.current_communes}

    # when
    by_year = defaultdict(set)
    for row in rows:
        if row.data_element == "POPULATION":
            by_year[int(row.period)].add(row.unit_code)

    # then
    assert sorted(by_year) == list(range(2016, 2027))
    assert all(by_year[y] == legacy for y in range(2016, 2025))
    assert by_year[2025] == by_year[2026] == current


def test_rows_fit_the_catalog_and_its_rules(tree, rows):
    # given
    spec = catalog_read()
    elements = {e.code: e for e in spec.elements}
    level_of = {
        (u.code, year): u.level
        for year in range(2016, 2027)
        for u in [
            tree.province,
            *tree.districts(year),
            *tree.communes(year),
            *tree.villages(year),
        ]
    }
    values: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)

    # when
    for row in rows:
        element = elements[row.data_element]
        year = int(row.period)
        # then every value is of an entered element, at its level and in range
        assert not element.is_computed
        assert level_of[(row.unit_code, year)] == element.values["level"]
        if element.values["value_type"] == "boolean":
            assert isinstance(row.value, bool)
        else:
            assert isinstance(row.value, int)
            assert not isinstance(row.value, bool)
            low, high = element.values["min_value"], element.values["max_value"]
            assert low is None or row.value >= low, row
            assert high is None or row.value <= high, row
        values[(row.unit_code, year)][row.data_element] = float(row.value)

    # and every validation rule holds on every unit and year
    checked = 0
    for rule in spec.rules:
        left = parse_expression(rule.values["left"])
        right = parse_expression(rule.values["right"])
        for key, unit_values in values.items():
            if level_of[key] != rule.values["level"]:
                continue
            a, b = left.evaluate(unit_values), right.evaluate(unit_values)
            if a is None or b is None:
                continue
            checked += 1
            assert rule_holds(a, rule.values["operator"], b), (rule.code, key)
    assert checked > 10_000


def test_every_entered_element_gets_values_and_every_level_is_used(rows):
    spec = catalog_read()
    # The criteria inputs are made by the criteria demo (vandong/demo/criteria.py).
    entered = {
        e.code
        for e in spec.elements
        if not e.is_computed and e.where.file != "elements_criteria.yaml"
    }

    assert {r.data_element for r in rows} == entered
    assert {e.values["level"] for e in spec.elements} == set(LEVELS.values())


@pytest.mark.parametrize(
    ("total", "weights", "caps", "expected"),
    [
        (10, [1, 1, 1], None, [4, 3, 3]),
        (10, [1, 2, 7], None, [1, 2, 7]),
        (10, [1, 1, 8], [5, 5, 2], [4, 4, 2]),
        (6, [0, 0, 0], None, [2, 2, 2]),
        (12, [5, 5, 5], [4, 4, 4], [4, 4, 4]),
        (0, [3, 1], [1, 1], [0, 0]),
    ],
)
def test_allocate_splits_a_total_exactly_within_caps(total, weights, caps, expected):
    assert allocate(total, weights, caps) == expected


def test_allocate_refuses_a_total_above_the_caps():
    with pytest.raises(ValueError, match="above the caps"):
        allocate(10, [1, 1], [4, 5])


# --- the demo on the real tree, through the write service -------------------------


@pytest.mark.django_db
def test_demo_values_land_in_the_data_value_table():
    # given Lai Châu's units and sample villages, and the catalog
    from vandong.collect.models import DataValue
    from vandong.demo.geo import load_lai_chau, load_sample_villages

    quiet = lambda _message: None  # noqa: E731
    load_lai_chau(quiet)
    load_sample_villages(quiet)
    catalog_load()
    generated = Figures.of_rows(demo_rows(demo_tree_from_db()))

    # when
    said: list[str] = []
    load_demo_values(said.append)
    load_demo_values(said.append)

    # then the generated rows and the stored values both give the seed's figures
    assert_seed_figures(generated)
    stored = Figures(
        (row["data_element__code"], int(row["period__code"]), row["total"], row["n"])
        for row in DataValue.objects.values("data_element__code", "period__code")
        .annotate(total=Sum("value"), n=Count("id"))
        .order_by()
    )
    assert_seed_figures(stored)
    assert stored.sums == generated.sums
    # and the validation engine finds no rule broken anywhere
    from vandong.collect.validation import violations_for

    assert (
        violations_for(
            unit_ids=DataValue.objects.values_list("unit_id", flat=True).distinct(),
            period_ids=DataValue.objects.values_list("period_id", flat=True).distinct(),
        )
        == []
    )
    assert "DỰNG SẴN" in said[0]
    assert "CONSTRUCTED" in said[0]
    assert said[-1] == "Giá trị mẫu đã có / sample values already there."
