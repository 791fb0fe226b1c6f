"""Scope: who may record, act on and read petitions."""

import pytest

from vandong.core.errors import DomainError
from vandong.petitions import queries, services
from vandong.petitions.tests.factories import assigned, make_petition

pytestmark = pytest.mark.django_db


def test_commune_officer_may_not_record_outside_the_commune(world):
    with pytest.raises(DomainError) as caught:
        make_petition(world.xa, world.tan_phong)
    assert caught.value.code == "out_of_scope"
    assert caught.value.status == 403


def test_officer_elsewhere_may_not_act_on_a_petition(world):
    petition = make_petition(world.xa, world.doan_ket)
    with pytest.raises(DomainError) as caught:
        assigned(world.ngoai, petition)
    assert caught.value.code == "out_of_scope"


def test_village_reporter_may_read_but_not_handle(world):
    # given a petition of the reporter's village
    petition = make_petition(world.xa, world.village_1)

    # then the reporter sees it, without the contact rights
    assert [p.pk for p in queries.petition_list(actor=world.thon)] == [petition.pk]
    assert queries.may_handle(actor=world.thon, unit=world.village_1) is False
    with pytest.raises(DomainError) as caught:
        make_petition(world.thon, world.village_1)
    assert caught.value.code == "not_allowed"
    with pytest.raises(DomainError):
        services.petition_reject(actor=world.thon, petition=petition, reason="x")


def test_lists_and_lookups_are_scoped(world):
    mine = make_petition(world.xa, world.doan_ket)
    other = make_petition(world.ngoai, world.other_commune)
    assert [p.pk for p in queries.petition_list(actor=world.xa)] == [mine.pk]
    assert {p.pk for p in queries.petition_list(actor=world.tinh)} == {mine.pk}
    assert {p.pk for p in queries.petition_list(actor=world.admin)} == {
        mine.pk,
        other.pk,
    }
    with pytest.raises(DomainError) as caught:
        queries.petition_get(actor=world.xa, pk=other.pk)
    assert caught.value.code == "not_found"


def test_province_officer_handles_the_communes_petitions(world):
    petition = make_petition(world.xa, world.doan_ket)
    assigned(world.tinh, petition)
    assert queries.may_handle(actor=world.tinh, unit=world.doan_ket) is True
