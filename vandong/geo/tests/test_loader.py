import datetime
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count

from vandong.geo.loader import units_load
from vandong.geo.models import LEGACY_END, REFORM_DATE, Level, Succession, Unit
from vandong.geo.sources import read_country

pytestmark = pytest.mark.django_db


def _count(level: int, day: datetime.date) -> int:
    return Unit.objects.valid_on(day).filter(level=level).count()


@pytest.mark.slow
def test_whole_country_loads_both_trees_and_every_lineage_edge_once():
    # given an empty database
    # when the whole country is loaded
    first = units_load()
    # then the legacy tree is 63 / 696 / 10,035 on the reform's eve
    assert (_count(1, LEGACY_END), _count(2, LEGACY_END), _count(3, LEGACY_END)) == (
        63,
        696,
        10_035,
    )
    # and the current tree is 34 provinces, no districts, 3,321 communes
    assert (_count(1, REFORM_DATE), _count(2, REFORM_DATE), _count(3, REFORM_DATE)) == (
        34,
        0,
        3_321,
    )
    # every legacy commune and the five island districts without communes have a successor
    with_successor = Unit.objects.filter(successor_edges__isnull=False).distinct()
    assert with_successor.filter(level=Level.COMMUNE).count() == 10_035
    assert with_successor.filter(level=Level.DISTRICT).count() == 5
    # 471 legacy communes were split across several current ones
    split = (
        Unit.objects.filter(level=Level.COMMUNE)
        .annotate(n=Count("successor_edges"))
        .filter(n__gt=1)
    )
    assert split.count() == 471
    assert not Succession.objects.filter(
        kind=Succession.Kind.SPLIT,
        predecessor__in=Unit.objects.annotate(n=Count("successor_edges")).filter(n=1),
    ).exists()
    # every current commune has at least one predecessor
    assert (
        not Unit.objects.valid_on(REFORM_DATE)
        .filter(level=Level.COMMUNE, predecessor_edges__isnull=True)
        .exists()
    )
    assert first.units_created == Unit.objects.count()

    # when it is loaded again, nothing changes
    second = units_load()
    assert second.changed is False
    assert second.units_unchanged == first.units_created
    assert second.edges_unchanged == first.edges_created


def test_lai_chau_legacy_and_current_counts():
    units_load(province="Lai Châu")
    province = Unit.objects.get(code="12", level=Level.PROVINCE)
    # one row in both trees: the reform left Lai Châu whole
    assert province.valid_from is None
    assert province.valid_to is None
    legacy = Unit.objects.within(province).valid_on(LEGACY_END)
    types = Counter(legacy.filter(level=Level.COMMUNE).values_list("type", flat=True))
    assert types == {"xa": 94, "thi_tran": 7, "phuong": 5}
    assert legacy.filter(level=Level.DISTRICT).count() == 8
    current = Unit.objects.within(province).valid_on(REFORM_DATE)
    assert current.filter(level=Level.COMMUNE).count() == 38
    assert current.filter(level=Level.DISTRICT).count() == 0
    assert set(
        current.filter(level=Level.COMMUNE).values_list("parent_id", flat=True)
    ) == {province.pk}
    assert province.region == "tdmnpb"


def test_code_names_a_unit_only_with_a_date_and_lineage_runs_both_ways():
    units_load(province="12")
    before = Unit.objects.valid_on(LEGACY_END).get(code="03388")
    after = Unit.objects.valid_on(REFORM_DATE).get(code="03388")
    assert before.name == "Phường Quyết Tiến"
    assert after.name == "Phường Đoàn Kết"
    assert Unit.objects.valid_on(LEGACY_END).get(code="03389").name == "Phường Đoàn Kết"
    # current Đoàn Kết formed from five legacy units
    formed_from = set(
        after.predecessor_edges.values_list("predecessor__name", flat=True)
    )
    assert formed_from == {
        "Phường Quyết Thắng",
        "Phường Quyết Tiến",
        "Phường Đoàn Kết",
        "Xã Sùng Phài",
        "Xã Lản Nhì Thàng",
    }
    assert set(after.predecessor_edges.values_list("kind", flat=True)) == {"merge"}
    # and legacy Quyết Tiến's successor is the current Đoàn Kết
    assert list(before.successor_edges.values_list("successor_id", flat=True)) == [
        after.pk
    ]


def test_province_group_brings_the_legacy_provinces_merged_into_it():
    # Hà Giang merged into Tuyên Quang: naming either loads both legacy provinces.
    units_load(province="Hà Giang")
    legacy = set(
        Unit.objects.valid_on(LEGACY_END).filter(level=1).values_list("name", flat=True)
    )
    current = set(
        Unit.objects.valid_on(REFORM_DATE)
        .filter(level=1)
        .values_list("name", flat=True)
    )
    assert legacy == {"Tỉnh Hà Giang", "Tỉnh Tuyên Quang"}
    assert current == {"Tỉnh Tuyên Quang"}
    new = Unit.objects.valid_on(REFORM_DATE).get(level=1)
    assert new.valid_from == REFORM_DATE
    assert new.predecessor_edges.count() == 2


def test_unknown_province_is_refused():
    with pytest.raises(LookupError):
        units_load(province="Atlantis")


def test_units_command_prints_progress_and_is_idempotent(capsys):
    call_command("units", "load", "--province", "12")
    call_command("units", "load", "--province", "12")
    out = capsys.readouterr().out
    assert "0 units created, 0 updated, 153 unchanged" in out
    assert "0 lineage edges created" in out


def test_every_current_ward_of_both_packages_is_matched_once():
    country = read_country()
    current = [u for u in country.units if u.valid_from == REFORM_DATE and u.level == 3]
    assert len({u.code for u in current}) == 3_321
    # the seven regions are all used
    assert {u.region for u in country.units if u.level == 1} == {
        "tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl",
    }  # fmt: skip


def test_current_codes_follow_the_statistics_office_list():
    # Công văn 1027/CTK-CSCL (25/6/2025): Phường Cửa Nam 00082, Phường Bồ Đề 00118
    units_load(province="Hà Nội")
    assert Unit.objects.valid_on(REFORM_DATE).get(code="00082").name == "Phường Cửa Nam"
    assert Unit.objects.valid_on(REFORM_DATE).get(code="00118").name == "Phường Bồ Đề"
