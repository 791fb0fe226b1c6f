"""The demo's records are built from the stored CONTRIB_* values: the sync
gives them back unchanged."""

from vandong.catalog.loader import catalog_load
from vandong.collect.models import DataValue
from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_write
from vandong.demo.contributions import load_demo_contributions
from vandong.registries.contributions.totals import totals_of
from vandong.registries.models import Contribution


def test_demo_records_reproduce_the_stored_values(world):
    # given stored yearly values of the two wards (as the demo's collect step makes)
    catalog_load()
    stored = {
        ("03388", "2025"): (82_350_000_000, 382_400, 176_300, 10_240_000_000),
        ("03395", "2025"): (3_000_000, 17, 5, 0),
        ("03388", "2026"): (7_000_000, 0, 12, 1_000_000),
    }
    codes = (
        "CONTRIB_CASH_VND",
        "CONTRIB_LAND_M2",
        "CONTRIB_LABOUR_DAYS",
        "CONTRIB_MATERIALS_VND",
    )
    data_values_write(
        actor=None,
        rows=[
            ValueRow(code, unit, year, value)
            for (unit, year), values in stored.items()
            for code, value in zip(codes, values, strict=True)
        ],
        channel="system",
    )
    before = sorted(DataValue.objects.values_list("unit_id", "period_id", "value"))
    said: list[str] = []

    # when the demo's contributions are built and synced
    load_demo_contributions(said.append)

    # then the values are unchanged, and the records add up to them
    assert (
        sorted(DataValue.objects.values_list("unit_id", "period_id", "value")) == before
    )
    assert "sync changed 0 values" in said[0]
    totals = totals_of(Contribution.objects.all())
    assert totals.cash_vnd == 82_360_000_000
    assert totals.land_m2 == 382_417
    assert totals.materials_vnd == 10_241_000_000
    assert Contribution.objects.filter(is_sample=False).count() == 0
    assert Contribution.objects.filter(unit__level=4).exists() is True
    # and a second run is skipped
    count = Contribution.objects.count()
    load_demo_contributions(said.append)
    assert Contribution.objects.count() == count
