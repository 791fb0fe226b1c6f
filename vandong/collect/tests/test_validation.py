"""Rule violations and outliers of stored values."""

import pytest

from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_write
from vandong.collect.tests.factories import make_catalog, make_period, make_rule
from vandong.collect.validation import expected_range, outliers_for, violations_for
from vandong.core.models import Channel
from vandong.geo.models import Level


@pytest.fixture
def catalog(world):
    return make_catalog()


def put(*rows):
    data_values_write(
        actor=None, rows=[ValueRow(*r) for r in rows], channel=Channel.SYSTEM
    )


def test_violations_per_unit_and_period_with_both_sides(world, catalog):
    # given
    put(
        ("T_HH", "03388", "2025", "100"),
        ("T_HH_CULT", "03388", "2025", "120"),
        ("T_HH", "03395", "2025", "100"),
        ("T_HH_CULT", "03395", "2025", "90"),
    )

    # when
    found = violations_for(
        unit_ids=[world.doan_ket.pk, world.tan_phong.pk], period_ids=[catalog.y2025.pk]
    )

    # then
    assert [(v.unit_id, v.rule_code, v.left_value, v.right_value) for v in found] == [
        (world.doan_ket.pk, "R_CULT_LE_HH", 120.0, 100.0)
    ]
    assert found[0].message_vi == "Hộ văn hóa ≤ số hộ: không thỏa 120 ≤ 100."
    assert found[0].message_en == "Rule R_CULT_LE_HH: 120 ≤ 100 does not hold."


def test_a_rule_is_skipped_when_a_value_is_missing_unless_missing_counts_as_zero(
    world, catalog
):
    # given
    make_rule("R_CASH_POSITIVE", "T_CASH + T_HH", ">", "0", missing_as_zero=True)
    make_rule("R_RATE_EQ", "T_RATE", "==", "T_FOREST_HA * 0.5 + 1")
    put(("T_HH_CULT", "03388", "2025", "5"), ("T_RATE", "03388", "2025", "21"))
    put(("T_FOREST_HA", "03388", "2025", "40"), ("T_CASH", "03388", "2025", "0"))

    # when
    found = violations_for(unit_ids=[world.doan_ket.pk], period_ids=[catalog.y2025.pk])

    # then: R_CULT_LE_HH is skipped (no T_HH); T_CASH + T_HH is 0 + 0;
    # 21 == 40 × 0.5 + 1 holds
    assert [v.rule_code for v in found] == ["R_CASH_POSITIVE"]
    assert found[0].element_codes == ("T_CASH", "T_HH")


def test_rules_apply_at_their_level_only(world, catalog):
    # given
    make_rule("R_VILLAGE", "V_HH", "<=", "10", level=Level.VILLAGE)
    put(("V_HH", "03388-01", "2025", "40"))

    # when
    found = violations_for(
        unit_ids=[world.village_1.pk, world.doan_ket.pk], period_ids=[catalog.y2025.pk]
    )

    # then
    assert [(v.rule_code, v.unit_id) for v in found] == [
        ("R_VILLAGE", world.village_1.pk)
    ]


def test_expected_range_is_median_plus_minus_three_robust_spreads():
    # MAD of (100, 104, 96, 102, 98) is 2 → 2.9652; 5 % of 100 = 5 wins
    assert expected_range([100, 104, 96, 102, 98], value_type="integer") == (
        85.0,
        115.0,
        100,
    )
    # one wild year does not move it
    low, high, median = expected_range([100, 104, 96, 102, 5000], value_type="integer")
    assert (median, low < 100 < high, high < 200) == (102, True, True)
    # percentages stay within 0..100
    assert expected_range([90, 99, 100, 95], value_type="percent")[1] == 100.0


def test_outliers_against_the_units_own_history(world, catalog):
    # given: legacy Phường Quyết Tiến (03388 until mid-2025), 2016-2024
    for year in range(2016, 2020):
        make_period(str(year))
    history = [
        ("T_HH", "03388", str(y), str(1000 + 10 * (y - 2016)))
        for y in range(2016, 2024)
    ]
    put(*history, ("T_HH", "03388", "2024", "5000"), ("T_RATE", "03388", "2024", "50"))
    unit = world.legacy_quyet_tien

    # when
    found = outliers_for(
        unit_ids=[unit.pk], period_ids=[catalog.y2024.pk, catalog.y2023.pk]
    )

    # then
    [outlier] = found
    assert (outlier.element_code, outlier.value, outlier.period_id) == (
        "T_HH",
        5000.0,
        catalog.y2024.pk,
    )
    assert outlier.message_vi == (
        "5.000 khác thường so với 8 kỳ trước của đơn vị (trung vị 1.035, khoảng "
        "thường gặp 879,75 – 1.190,25); hãy kiểm tra lại."
    )
    assert (outlier.expected_low, outlier.expected_high) == (879.75, 1190.25)


def test_no_outlier_without_three_earlier_values(world, catalog):
    # given
    put(
        *[("T_HH", "03388", str(y), "10") for y in (2021, 2022)],
        ("T_HH", "03388", "2023", "900"),
    )

    # when / then
    assert (
        outliers_for(
            unit_ids=[world.legacy_quyet_tien.pk], period_ids=[catalog.y2023.pk]
        )
        == []
    )


def test_violations_for_a_page_take_few_queries(
    world, catalog, django_assert_max_num_queries
):
    # given
    put(("T_HH", "03388", "2025", "1"), ("T_HH_CULT", "03388", "2025", "2"))

    # when
    with django_assert_max_num_queries(4):
        found = violations_for(
            unit_ids=[world.doan_ket.pk], period_ids=[catalog.y2025.pk]
        )
    with django_assert_max_num_queries(4):
        outliers_for(unit_ids=[world.doan_ket.pk], period_ids=[catalog.y2025.pk])

    # then
    assert len(found) == 1
