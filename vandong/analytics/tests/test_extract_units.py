"""The units read for the rollup: on PostgreSQL as text through COPY, which
must give what the plain query gives (NULLs, empty strings, quotes, dates);
and the succession edges, kept in the process while they do not change."""

import datetime

import pytest

from vandong.analytics import extract
from vandong.geo.models import Succession, UnitType
from vandong.geo.tests.factories import make_edge, make_unit

pytestmark = pytest.mark.django_db


def test_units_read_as_text_match_the_query(monkeypatch) -> None:
    province = make_unit("98", "Tỉnh Thử", UnitType.PROVINCE, region="")
    make_unit(
        '98,"001',
        'Xã "Thử", mới',
        UnitType.COMMUNE,
        parent=province,
        region="tdmnpb",
        commune_group=2,
        valid_from=datetime.date(2019, 1, 1),
        valid_to=datetime.date(2025, 6, 30),
    )
    read = extract.units()
    monkeypatch.setattr(extract, "_copies", lambda: False)
    assert read.equals(extract.units())
    commune = read.filter(read["code"] == '98,"001').row(0, named=True)
    assert commune["root"] == province.pk
    assert (commune["first_year"], commune["last_year"]) == (2019, 2024)
    assert commune["region"] == "tdmnpb"
    assert commune["commune_group"] == "2"
    assert commune["current"] is False
    own = read.filter(read["unit"] == province.pk).row(0, named=True)
    assert own["region"] is None
    assert own["parent"] is None
    assert own["current"] is True


def test_the_edges_kept_in_the_process_follow_a_change() -> None:
    province = make_unit("98", "Tỉnh Thử", UnitType.PROVINCE)
    old = make_unit("98001", "Xã Cũ", UnitType.COMMUNE, parent=province)
    new = make_unit("98002", "Xã Mới", UnitType.COMMUNE, parent=province)
    other = make_unit("98003", "Xã Khác", UnitType.COMMUNE, parent=province)
    make_edge(old, new, Succession.Kind.MERGE)
    assert extract.successions()["successor"].to_list() == [new.pk]
    # Read again, unchanged: the same rows.
    assert extract.successions()["successor"].to_list() == [new.pk]
    # Split in two: both edges, each an estimate of half.
    make_edge(old, other, Succession.Kind.SPLIT)
    edges = extract.successions().sort("successor")
    assert edges["successor"].to_list() == [new.pk, other.pk]
    assert edges["share"].to_list() == [0.5, 0.5]
    assert edges["split"].to_list() == [True, True]
