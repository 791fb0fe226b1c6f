"""Contribution services: totals, scope refusals, audit rows, locks, sync."""

import datetime
from decimal import Decimal
from typing import Any

import pytest

from vandong.catalog.loader import catalog_load
from vandong.collect.models import DataValue
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry, Channel
from vandong.registries.contributions import queries
from vandong.registries.contributions.rules import ContributionIn
from vandong.registries.contributions.services import (
    contribution_create,
    contribution_delete,
    contribution_update,
)
from vandong.registries.contributions.sync import contributions_sync
from vandong.registries.contributions.totals import totals_by, totals_of
from vandong.registries.models import Contribution

D = datetime.date


def give(unit: Any, day: D, **values: Any) -> ContributionIn:
    values.setdefault("kind", "people")
    values.setdefault("purpose", "road")
    return ContributionIn(unit=unit, date=day, **values)


@pytest.fixture
def records(world: Any) -> list[Contribution]:
    """Six records by the system, on the two current wards and their villages,
    and one on a legacy ward, over 2024-2026."""
    items = [
        give(world.doan_ket, D(2025, 8, 1), cash_vnd=5_000_000),
        give(world.village_1, D(2025, 9, 1), cash_vnd=2_000_000, kind="businesses"),
        give(
            world.village_2,
            D(2025, 10, 1),
            land_m2=Decimal("120.5"),
            labour_days=Decimal(10),
            purpose="school",
        ),
        give(
            world.tan_phong,
            D(2025, 11, 1),
            cash_vnd=7_000_000,
            materials_desc="Cát",
            materials_qty=Decimal(5),
            materials_unit="m³",
            materials_vnd=3_000_000,
            kind="businesses",
        ),
        give(world.doan_ket, D(2026, 2, 1), cash_vnd=1_000_000, kind="cadres"),
        give(world.legacy_doan_ket, D(2024, 5, 1), cash_vnd=4_000_000),
    ]
    return [
        contribution_create(actor=None, data=i, channel=Channel.SYSTEM) for i in items
    ]


def test_totals_by_unit_subtree_year_kind_and_purpose(world, records):
    everything = queries.contribution_list(actor=None)
    # the whole province
    assert totals_of(everything.within(world.province)).cash_vnd == 19_000_000
    # a ward and its villages, in 2025
    doan_ket = totals_of(everything.within(world.doan_ket).for_year(2025))
    assert (doan_ket.records, doan_ket.cash_vnd) == (3, 7_000_000)
    assert (doan_ket.land_m2, doan_ket.labour_days) == (Decimal("120.5"), Decimal(10))
    # a date range across years
    ranged = totals_of(everything.between(D(2025, 9, 1), D(2026, 12, 31)))
    assert (ranged.records, ranged.cash_vnd, ranged.materials_vnd) == (
        4,
        10_000_000,
        3_000_000,
    )
    # by kind and by purpose
    by_kind = dict(totals_by(everything.for_year(2025), "kind"))
    assert {k: t.cash_vnd for k, t in by_kind.items()} == {
        "businesses": 9_000_000,
        "people": 5_000_000,
    }
    by_purpose = dict(totals_by(everything, "purpose"))
    assert by_purpose["school"].land_m2 == Decimal("120.5")
    assert by_purpose["road"].cash_vnd == 19_000_000
    by_year = dict(totals_by(everything, "year"))
    assert {y: t.cash_vnd for y, t in by_year.items()} == {
        "2024": 4_000_000,
        "2025": 14_000_000,
        "2026": 1_000_000,
    }


def test_filters_of_the_list(world, records):
    # given the filter of kind and year
    found = queries.contribution_list(
        actor=world.tinh,
        filters=queries.ContributionFilter(
            unit=world.province, year=2025, kind="businesses"
        ),
    )
    assert totals_of(found).cash_vnd == 9_000_000
    # a commune officer sees its commune only
    own = queries.contribution_list(actor=world.xa)
    assert totals_of(own).cash_vnd == 8_000_000
    assert queries.contribution_list(actor=world.ngoai).count() == 0


def test_totals_in_the_seed_notation():
    totals = totals_of(Contribution.objects.none())
    assert totals.prose()["cash_vnd"] == "0 đồng"
    from vandong.registries.contributions.totals import Totals

    seed = Totals(
        records=1,
        cash_vnd=502_386_000_000,
        land_m2=Decimal(2_142_500),
        labour_days=Decimal(991_600),
        materials_vnd=61_923_000_000,
    )
    assert seed.prose() == {
        "cash_vnd": "trên 502 tỷ đồng",
        "land_m2": "2.142.500 m²",
        "labour_days": "991.600 ngày công",
        "materials_vnd": "61.923 triệu đồng",
    }


def test_commune_officer_may_not_write_another_commune(world):
    with pytest.raises(DomainError) as refused:
        contribution_create(
            actor=world.xa, data=give(world.tan_phong, D(2025, 8, 1), cash_vnd=1)
        )
    assert refused.value.code == "out_of_scope"
    assert refused.value.status == 403
    assert "ngoài phạm vi" in refused.value.message_vi
    assert "outside your scope" in refused.value.message_en
    assert Contribution.objects.count() == 0


def test_commune_officer_may_not_move_or_delete_a_record_elsewhere(world, records):
    tan_phong_record = records[3]
    own = records[0]
    with pytest.raises(DomainError) as moved:
        contribution_update(
            actor=world.xa,
            contribution_id=own.pk,
            data=give(world.tan_phong, D(2025, 8, 1), cash_vnd=1),
        )
    assert moved.value.code == "out_of_scope"
    with pytest.raises(DomainError) as deleted:
        contribution_delete(actor=world.xa, contribution_id=tan_phong_record.pk)
    assert deleted.value.code == "not_found"
    assert Contribution.objects.count() == 6


def test_village_reporter_records_on_its_village_only(world):
    contribution_create(
        actor=world.thon, data=give(world.village_1, D(2025, 8, 1), cash_vnd=1)
    )
    with pytest.raises(DomainError) as refused:
        contribution_create(
            actor=world.thon, data=give(world.village_2, D(2025, 8, 1), cash_vnd=1)
        )
    assert refused.value.code == "out_of_scope"


def test_rules_are_named_in_both_languages(world):
    with pytest.raises(DomainError) as refused:
        contribution_create(
            actor=world.xa,
            data=give(world.doan_ket, D(2024, 8, 1), purpose="other"),
        )
    error = refused.value
    assert error.code == "invalid"
    fields = [r.field for r in error.rows]
    # the ward did not exist in 2024; "other" needs a project; nothing given
    assert fields == ["date", "project", "cash_vnd"]
    assert "Chưa ghi đóng góp nào" in error.message_vi
    assert "Nothing given" in error.message_en


def test_audit_rows_for_create_update_delete(world):
    record = contribution_create(
        actor=world.xa,
        data=give(world.doan_ket, D(2025, 8, 1), cash_vnd=1_000_000),
    )
    contribution_update(
        actor=world.xa,
        contribution_id=record.pk,
        data=give(world.doan_ket, D(2025, 8, 1), cash_vnd=1_500_000),
    )
    contribution_delete(actor=world.xa, contribution_id=record.pk)
    entries = list(
        AuditEntry.objects.filter(
            entity="registries.contribution", entity_id=str(record.pk)
        ).order_by("id")
    )
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert all(e.actor_id == world.xa.pk for e in entries)
    created, updated, deleted = ((e.old or {}, e.new or {}) for e in entries)
    assert created[1]["cash_vnd"] == 1_000_000
    assert (updated[0]["cash_vnd"], updated[1]["cash_vnd"]) == (
        1_000_000,
        1_500_000,
    )
    assert deleted[0]["unit"] == "03388"
    assert entries[2].new is None


def test_an_unchanged_update_writes_no_audit_row(world):
    data = give(world.doan_ket, D(2025, 8, 1), cash_vnd=1_000_000)
    record = contribution_create(actor=world.xa, data=data)
    contribution_update(actor=world.xa, contribution_id=record.pk, data=data)
    assert AuditEntry.objects.filter(entity="registries.contribution").count() == 1


def test_names_are_visible_only_to_officers_in_scope(world):
    record = contribution_create(
        actor=world.xa,
        data=give(
            world.village_1,
            D(2025, 8, 1),
            cash_vnd=1,
            contributor_name="Lò Văn Pành",
        ),
    )
    assert queries.name_visible(actor=world.xa, record=record) is True
    assert queries.name_visible(actor=world.tinh, record=record) is True
    assert queries.name_visible(actor=world.ngoai, record=record) is False
    assert queries.name_visible(actor=None, record=record) is False


@pytest.fixture
def catalog(db: None) -> None:
    catalog_load()


def _values(unit: Any, year: int) -> dict[str, float | None]:
    return dict(
        DataValue.objects.filter(unit=unit, period__code=str(year)).values_list(
            "data_element__code", "value"
        )
    )


def test_sync_writes_the_commune_year_totals(world, catalog, records):
    # when the system syncs the two wards for 2025
    contributions_sync(unit_ids=[world.doan_ket.pk, world.village_3.pk], years=[2025])
    # then each ward holds its records and its villages' records
    assert _values(world.doan_ket, 2025) == {
        "CONTRIB_CASH_VND": 7_000_000,
        "CONTRIB_LAND_M2": 121,  # 120,5 m² rounded: the element holds whole m²
        "CONTRIB_LABOUR_DAYS": 10,
        "CONTRIB_MATERIALS_VND": 0,
    }
    assert _values(world.tan_phong, 2025) == {
        "CONTRIB_CASH_VND": 7_000_000,
        "CONTRIB_LAND_M2": 0,
        "CONTRIB_LABOUR_DAYS": 0,
        "CONTRIB_MATERIALS_VND": 3_000_000,
    }


def test_sync_follows_every_change_after_commit(
    world, catalog, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        record = contribution_create(
            actor=world.xa, data=give(world.village_1, D(2025, 8, 1), cash_vnd=300)
        )
    assert _values(world.doan_ket, 2025)["CONTRIB_CASH_VND"] == 300
    with django_capture_on_commit_callbacks(execute=True):
        contribution_update(
            actor=world.xa,
            contribution_id=record.pk,
            data=give(world.doan_ket, D(2025, 8, 1), cash_vnd=450),
        )
    assert _values(world.doan_ket, 2025)["CONTRIB_CASH_VND"] == 450
    with django_capture_on_commit_callbacks(execute=True):
        contribution_delete(actor=world.xa, contribution_id=record.pk)
    # no record left: the values are gone
    assert _values(world.doan_ket, 2025) == {}
