"""OCOP registry: bands from the data file, validity at a date, counts, scope,
audit and the sync into OCOP_3STAR / OCOP_4STAR."""

import datetime

import pytest

from vandong.collect.models import DataValue
from vandong.collect.tests.factories import make_element, make_period
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.geo.models import Level
from vandong.registries.models import OcopRating, ProductGroup
from vandong.registries.ocop import queries
from vandong.registries.ocop.bands import add_months, ocop_rules
from vandong.registries.ocop.services import (
    ProductIn,
    RatingIn,
    check_rating,
    ocop_product_create,
    ocop_product_update,
    ocop_rating_add,
    ocop_rating_update,
)
from vandong.registries.ocop.sync import ocop_sync

D = datetime.date


def product_in(unit, name="Chè Shan tuyết"):
    return ProductIn(
        unit=unit,
        name=name,
        group=ProductGroup.DRINKS,
        producer_name="HTX Chè Tân Uyên",
        producer_kind="cooperative",
    )


def rating(stars, day, score=None, number="1/QĐ-UBND"):
    return RatingIn(stars=stars, score=score, decision_number=number, decision_date=day)


def make_product(world, unit=None, ratings=(), name="Chè Shan tuyết"):
    return ocop_product_create(
        actor=world.tinh,
        data=product_in(unit or world.doan_ket, name),
        ratings=list(ratings),
    )


# --- the bands file -----------------------------------------------------------------


def test_product_groups_are_the_six_of_the_bands_file():
    rules = ocop_rules()
    assert len(rules.product_groups) == 6
    assert len(ProductGroup.values) == len(rules.product_groups)
    assert rules.product_groups[0] == "Thực phẩm"


def test_rules_come_from_the_bands_file():
    rules = ocop_rules()
    assert rules.valid_months == 36
    assert rules.rated_stars == frozenset({3, 4, 5})
    assert [getattr(rules.band_of(s), "stars", None) for s in (29, 69, 70, 100)] == [
        1,
        3,
        4,
        5,
    ]
    assert rules.expires_on(D(2020, 3, 15)) == D(2023, 3, 15)


def test_add_months_keeps_the_last_day_of_a_short_month():
    assert add_months(D(2020, 2, 29), 36) == D(2023, 2, 28)
    assert add_months(D(2019, 12, 31), 2) == D(2020, 2, 29)


def test_a_score_outside_the_stars_band_is_refused_with_a_clear_error():
    with pytest.raises(DomainError) as caught:
        check_rating(rating(4, D(2020, 5, 1), score=65))
    error = caught.value
    assert error.code == "score_band_mismatch"
    assert error.field == "score"
    assert error.message_vi == (
        "65 điểm thuộc hạng 3 sao; hạng 4 sao cần 70-<90 điểm (148/QĐ-TTg)."
    )
    assert error.message_en == (
        "A score of 65 is in the 3-star band; 4 stars need 70-<90 points (148/QĐ-TTg)."
    )


def test_two_stars_are_not_an_ocop_rating():
    with pytest.raises(DomainError) as caught:
        check_rating(rating(2, D(2020, 5, 1)))
    assert caught.value.field == "stars"


def test_the_recognising_body_defaults_from_the_rules():
    assert check_rating(rating(3, D(2020, 5, 1), 55)).recognising_body == (
        "Ủy ban nhân dân cấp tỉnh"
    )


# --- validity and counts ---------------------------------------------------------------


def test_a_rating_lapses_36_months_after_its_decision(world):
    # given
    product = make_product(world, ratings=[rating(3, D(2020, 3, 15), 60)])
    stored = product.ratings.get()

    # then
    assert stored.expires_on == D(2023, 3, 15)

    def count(day):
        return queries.ocop_counts(actor=world.tinh, day=day, within=None).total.stars(
            3
        )

    assert count(D(2020, 3, 14)) == 0
    assert count(D(2020, 3, 15)) == 1
    assert count(D(2023, 3, 14)) == 1
    assert count(D(2023, 3, 15)) == 0


def test_an_upgrade_counts_once_as_four_stars_from_its_date(world):
    # given
    product = make_product(world, ratings=[rating(3, D(2020, 3, 1), 60)])
    ocop_rating_add(
        actor=world.xa, product=product, data=rating(4, D(2021, 6, 1), 75, "2/QĐ-UBND")
    )

    # when
    before = queries.ocop_counts(actor=world.tinh, day=D(2021, 5, 31), within=None)
    after = queries.ocop_counts(actor=world.tinh, day=D(2021, 12, 31), within=None)

    # then
    assert before.total.by_stars == {3: 1}
    assert after.total.by_stars == {4: 1}
    assert after.total.total == 1
    # the upgrade's own 36 months, not the first rating's
    later = queries.ocop_counts(actor=world.tinh, day=D(2024, 5, 31), within=None)
    assert later.total.by_stars == {4: 1}


def test_counts_by_stars_and_by_unit(world):
    # given
    make_product(world, ratings=[rating(3, D(2024, 1, 10), 55)], name="A")
    make_product(world, ratings=[rating(4, D(2024, 2, 10), 80)], name="B")
    make_product(world, world.tan_phong, [rating(3, D(2024, 3, 10), 52)], name="C")
    make_product(world, world.tan_phong, [rating(5, D(2024, 3, 10), 92)], name="D")
    make_product(world, world.tan_phong, [], name="E (not rated)")

    # when
    result = queries.ocop_counts(
        actor=world.tinh, day=D(2025, 12, 31), within=world.province
    )

    # then
    by_unit = {row.unit.code if row.unit else "": row.by_stars for row in result.rows}
    assert by_unit == {"03388": {3: 1, 4: 1}, "03395": {3: 1, 5: 1}}
    assert result.total.by_stars == {3: 2, 4: 1, 5: 1}
    assert queries.ocop_counts(
        actor=world.tinh, day=D(2025, 12, 31), within=world.doan_ket
    ).total.by_stars == {3: 1, 4: 1}


def test_counts_are_scoped_to_the_reader(world):
    make_product(world, ratings=[rating(3, D(2024, 1, 10), 55)])
    assert (
        queries.ocop_counts(
            actor=world.ngoai, day=D(2025, 1, 1), within=None
        ).total.total
        == 0
    )


def test_the_list_filters_products_by_stars_valid_on_a_day(world):
    make_product(world, ratings=[rating(3, D(2020, 1, 10), 55)], name="old")
    make_product(world, ratings=[rating(4, D(2024, 1, 10), 75)], name="new")
    names = [
        p.name
        for p in queries.ocop_product_list(actor=world.xa, stars=4, on=D(2024, 6, 1))
    ]
    assert names == ["new"]
    assert [
        p.name
        for p in queries.ocop_product_list(actor=world.xa, stars=3, on=D(2024, 6, 1))
    ] == []


# --- scope and rules of the services ----------------------------------------------------


def test_creating_outside_scope_is_refused(world):
    with pytest.raises(DomainError) as caught:
        ocop_product_create(actor=world.ngoai, data=product_in(world.doan_ket))
    assert caught.value.code == "out_of_scope"
    assert caught.value.status == 403


def test_a_viewer_elsewhere_cannot_rate_a_product(world):
    product = make_product(world)
    with pytest.raises(DomainError) as caught:
        ocop_rating_add(
            actor=world.ngoai, product=product, data=rating(3, D(2024, 1, 1), 55)
        )
    assert caught.value.code == "out_of_scope"
    assert OcopRating.objects.count() == 0


def test_a_product_belongs_to_a_commune(world):
    with pytest.raises(DomainError) as caught:
        ocop_product_create(actor=world.tinh, data=product_in(world.village_1))
    assert caught.value.code == "wrong_level"


def test_two_decisions_on_one_day_are_refused(world):
    product = make_product(world, ratings=[rating(3, D(2024, 1, 1), 55)])
    with pytest.raises(DomainError) as caught:
        ocop_rating_add(
            actor=world.xa, product=product, data=rating(4, D(2024, 1, 1), 75)
        )
    assert caught.value.code == "duplicate"


def test_every_write_is_audited(world):
    # given
    product = make_product(world, ratings=[rating(3, D(2024, 1, 1), 55)])
    stored = product.ratings.get()

    # when
    ocop_product_update(
        actor=world.xa, product=product, data=product_in(world.doan_ket, "Chè cổ thụ")
    )
    ocop_rating_update(actor=world.xa, rating=stored, data=rating(3, D(2024, 2, 1), 58))

    # then
    entries = {
        (e.entity, e.action): e
        for e in AuditEntry.objects.filter(entity__startswith="registries.ocop")
    }
    assert set(entries) == {
        ("registries.ocop_product", "create"),
        ("registries.ocop_product", "update"),
        ("registries.ocop_rating", "create"),
        ("registries.ocop_rating", "update"),
    }
    update = entries[("registries.ocop_rating", "update")]
    assert (update.old or {})["decision_date"] == "2024-01-01"
    assert (update.new or {})["expires_on"] == "2027-02-01"
    assert update.actor_id == world.xa.pk
    product_update = entries[("registries.ocop_product", "update")]
    assert (product_update.new or {})["name"] == "Chè cổ thụ"


# --- sync ------------------------------------------------------------------------------


@pytest.fixture
def ocop_elements(db):
    for code in ("OCOP_3STAR", "OCOP_4STAR"):
        make_element(code, level=Level.PROVINCE)
    for year in range(2016, 2027):
        make_period(str(year))


def values(code):
    return {
        (dv.unit.code, dv.period.code): dv.value
        for dv in DataValue.objects.filter(data_element__code=code).select_related(
            "unit", "period"
        )
    }


def test_the_sync_writes_counts_valid_at_the_year_end(
    world, ocop_elements, django_capture_on_commit_callbacks
):
    # given: a 3-star rated 2019 (lapses 2022), upgraded to 4 stars in 2021
    with django_capture_on_commit_callbacks(execute=True):
        product = make_product(world, ratings=[rating(3, D(2019, 6, 1), 60)])
        make_product(world, ratings=[rating(3, D(2020, 12, 31), 60)], name="B")
    with django_capture_on_commit_callbacks(execute=True):
        ocop_rating_add(
            actor=world.xa, product=product, data=rating(4, D(2021, 3, 1), 72, "9/QĐ")
        )

    # then
    three, four = values("OCOP_3STAR"), values("OCOP_4STAR")
    assert three[("12", "2019")] == 1
    assert three[("12", "2020")] == 2
    assert three[("12", "2021")] == 1
    assert four[("12", "2021")] == 1
    assert three[("12", "2022")] == 1
    assert three[("12", "2023")] == 0  # B lapses on 31/12/2023 itself
    assert four[("12", "2024")] == 0  # the upgrade lapsed on 1/3/2024
    assert ("12", "2018") not in three


def test_the_sync_leaves_a_province_without_products_alone(world, ocop_elements):
    assert ocop_sync([world.other_province.pk], [2020]) == 0
    assert values("OCOP_3STAR") == {}
