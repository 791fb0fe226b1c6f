import pytest

from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.geo.services import commune_group_set
from vandong.geo.tests.factories import make_unit


@pytest.fixture
def commune(world):
    return make_unit(
        "03406",
        "Xã Bản Giang",
        "xa",
        parent=world.province,
        valid_from=world.doan_ket.valid_from,
    )


def test_province_officer_sets_the_commune_group_and_it_is_audited(world, commune):
    commune_group_set(actor=world.tinh, unit=commune, group=3)
    commune.refresh_from_db()
    assert commune.commune_group == 3
    entry = AuditEntry.objects.get(entity="geo.unit", entity_id=str(commune.pk))
    assert (entry.old, entry.new, entry.actor_id) == (
        {"commune_group": None},
        {"commune_group": 3},
        world.tinh.pk,
    )


@pytest.mark.parametrize("who", ["xa", "ngoai", "thon"])
def test_others_may_not_set_the_commune_group(world, commune, who):
    with pytest.raises(DomainError) as caught:
        commune_group_set(actor=getattr(world, who), unit=commune, group=1)
    assert caught.value.code in {"out_of_scope", "not_allowed"}
    commune.refresh_from_db()
    assert commune.commune_group is None


def test_wards_and_legacy_communes_have_no_group(world):
    with pytest.raises(DomainError) as caught:
        commune_group_set(actor=world.tinh, unit=world.doan_ket, group=1)
    assert caught.value.code == "not_a_commune"


def test_group_outside_one_to_three_is_refused(world, commune):
    with pytest.raises(DomainError) as caught:
        commune_group_set(actor=world.admin, unit=commune, group=4)
    assert caught.value.code == "invalid"


def test_unit_page_form_sets_the_group(client, world, commune):
    client.force_login(world.tinh)
    page = client.get(commune.get_absolute_url()).content.decode()
    assert 'name="commune_group"' in page
    response = client.post(
        f"/units/{commune.code}/commune-group/?on=2025-07-01", {"commune_group": "2"}
    )
    assert response.status_code == 302
    commune.refresh_from_db()
    assert commune.commune_group == 2


def test_unit_page_hides_the_form_from_a_commune_officer(client, world, commune):
    client.force_login(world.xa)
    assert (
        'name="commune_group"'
        not in client.get(commune.get_absolute_url()).content.decode()
    )
    client.post(
        f"/units/{commune.code}/commune-group/?on=2025-07-01", {"commune_group": "2"}
    )
    commune.refresh_from_db()
    assert commune.commune_group is None
