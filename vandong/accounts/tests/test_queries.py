import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from vandong.accounts.errors import AccountsErrorCode
from vandong.accounts.models import RoleAssignment
from vandong.accounts.permissions import Action
from vandong.accounts.queries import (
    can,
    can_anywhere,
    roles_for,
    scope_q,
    scope_units,
    user_get,
    user_list,
)
from vandong.core.errors import DomainError
from vandong.geo.models import Unit


def fresh(user):
    """The user as a new request would load it: no cached roles."""
    return get_user_model().objects.get(pk=user.pk)


def test_commune_officer_covers_commune_and_its_villages(world):
    for unit in (world.doan_ket, world.village_1, world.village_2):
        assert can(actor=world.xa, action=Action.ENTER_DATA, unit=unit) is True


def test_commune_officer_refused_on_neighbour_and_other_province(world):
    for unit in (world.tan_phong, world.village_3, world.other_commune, world.province):
        assert can(actor=world.xa, action=Action.ENTER_DATA, unit=unit) is False


def test_commune_officer_refused_on_legacy_units_outside_its_subtree(world):
    # The legacy wards merged into Đoàn Kết hang under the legacy district,
    # not under the current commune: the role does not reach them.
    assert can(actor=world.xa, action=Action.VIEW, unit=world.legacy_doan_ket) is False


def test_village_reporter_covers_only_its_village(world):
    assert can(actor=world.thon, action=Action.ENTER_DATA, unit=world.village_1) is True
    assert (
        can(actor=world.thon, action=Action.ENTER_DATA, unit=world.village_2) is False
    )
    assert can(actor=world.thon, action=Action.ENTER_DATA, unit=world.doan_ket) is False
    assert can(actor=world.thon, action=Action.SUBMIT, unit=world.village_1) is False


def test_province_officer_covers_province_including_legacy_units(world):
    # given
    inside = Unit.objects.within(world.province)
    # when
    allowed = [can(actor=world.tinh, action=Action.APPROVE, unit=u) for u in inside]
    # then
    assert len(allowed) == 9
    assert all(allowed) is True
    assert (
        can(actor=world.tinh, action=Action.APPROVE, unit=world.legacy_quyet_tien)
        is True
    )


def test_province_officer_refused_in_other_province_and_country(world):
    assert can(actor=world.tinh, action=Action.VIEW, unit=world.other_province) is False
    assert can(actor=world.tinh, action=Action.VIEW, unit=world.other_commune) is False
    assert can(actor=world.tinh, action=Action.VIEW, unit=None) is False


def test_outsider_refused_in_province(world):
    for unit in Unit.objects.within(world.province):
        assert can(actor=world.ngoai, action=Action.VIEW, unit=unit) is False
    assert can(actor=world.ngoai, action=Action.VIEW, unit=world.other_commune) is True


def test_administrator_may_do_everything_everywhere(world):
    for unit in [*Unit.objects.all(), None]:
        for action in Action.values:
            assert can(actor=world.admin, action=action, unit=unit) is True


def test_manage_units_reaches_villages_only(world):
    assert can(actor=world.xa, action=Action.MANAGE_UNITS, unit=world.village_1) is True
    assert can(actor=world.xa, action=Action.MANAGE_UNITS, unit=world.doan_ket) is False
    assert (
        can(actor=world.xa, action=Action.MANAGE_UNITS, unit=world.village_3) is False
    )
    assert (
        can(actor=world.tinh, action=Action.MANAGE_UNITS, unit=world.village_3) is True
    )
    assert (
        can(actor=world.tinh, action=Action.MANAGE_UNITS, unit=world.tan_phong) is False
    )


def test_new_unit_is_judged_on_its_parent(world):
    # given
    new_village = Unit(code="03388-09", level=4, parent=world.doan_ket, path="")
    new_commune = Unit(code="03400", level=3, parent=world.province, path="")
    # when
    village_allowed = can(actor=world.xa, action=Action.MANAGE_UNITS, unit=new_village)
    commune_allowed = can(
        actor=world.tinh, action=Action.MANAGE_UNITS, unit=new_commune
    )
    # then
    assert village_allowed is True
    assert commune_allowed is False


def test_anonymous_and_inactive_users_may_do_nothing(world):
    # given
    world.xa.is_active = False
    world.xa.save(update_fields=["is_active"])
    # when
    inactive = can(actor=fresh(world.xa), action=Action.VIEW, unit=world.doan_ket)
    anonymous = can(actor=AnonymousUser(), action=Action.VIEW, unit=world.doan_ket)
    # then
    assert inactive is False
    assert anonymous is False
    assert can(actor=None, action=Action.VIEW, unit=world.doan_ket) is False
    assert list(scope_units(actor=AnonymousUser())) == []


def test_superuser_without_roles_is_an_administrator(world):
    # given
    boss = get_user_model().objects.create_user(username="boss", is_superuser=True)
    # when
    allowed = can(actor=boss, action=Action.MANAGE_CATALOG, unit=None)
    # then
    assert allowed is True
    assert scope_units(actor=boss).count() == Unit.objects.count()


def test_can_anywhere_tells_whether_a_role_grants_the_action(world):
    assert can_anywhere(actor=world.thon, action=Action.ENTER_DATA) is True
    assert can_anywhere(actor=world.thon, action=Action.APPROVE) is False
    assert can_anywhere(actor=AnonymousUser(), action=Action.VIEW) is False


def test_scope_units_of_commune_officer(world):
    units = set(scope_units(actor=world.xa, action=Action.ENTER_DATA))
    assert units == {world.doan_ket, world.village_1, world.village_2}


def test_scope_units_of_commune_officer_for_manage_units_are_villages(world):
    units = set(scope_units(actor=world.xa, action=Action.MANAGE_UNITS))
    assert units == {world.village_1, world.village_2}


def test_scope_units_of_village_reporter_and_viewer_action(world):
    assert set(scope_units(actor=world.thon)) == {world.village_1}
    assert list(scope_units(actor=world.thon, action=Action.APPROVE)) == []


def test_scope_units_of_province_officer_include_legacy_units(world):
    units = set(scope_units(actor=world.tinh, action=Action.APPROVE))
    assert units == set(Unit.objects.within(world.province))
    assert world.legacy_quyet_tien in units
    assert world.other_commune not in units


def test_scope_units_of_administrator_are_all_units(world):
    assert scope_units(actor=world.admin).count() == Unit.objects.count()


def test_scope_units_ors_every_role(world):
    # given
    RoleAssignment.objects.create(
        user=world.thon, role="viewer", unit=world.other_commune
    )
    thon = fresh(world.thon)
    # when
    units = set(scope_units(actor=thon))
    # then
    assert units == {world.village_1, world.other_commune}


def test_scope_q_filters_other_models_through_their_unit(world):
    rows = RoleAssignment.objects.filter(scope_q(actor=world.tinh, prefix="unit__"))
    assert {r.user.username for r in rows} == {"tinh", "xa", "thon"}


def test_can_costs_one_query_however_often_called(world, django_assert_num_queries):
    # given
    xa = fresh(world.xa)
    units = list(Unit.objects.all())
    # when / then
    with django_assert_num_queries(1):
        for unit in units:
            for action in Action.values:
                can(actor=xa, action=action, unit=unit)


def test_scope_units_costs_at_most_two_queries(world, django_assert_max_num_queries):
    # given
    tinh = fresh(world.tinh)
    # when / then
    with django_assert_max_num_queries(2):
        units = list(scope_units(actor=tinh, action=Action.ENTER_DATA))
        can(actor=tinh, action=Action.VIEW, unit=world.doan_ket)
    assert len(units) == 9


def test_roles_for_lists_assignments_with_units(world, django_assert_num_queries):
    # given
    tinh = fresh(world.tinh)
    # when
    with django_assert_num_queries(1):
        roles = [
            (a.role, a.unit.code if a.unit else None) for a in roles_for(actor=tinh)
        ]
        roles_for(actor=tinh)
    # then
    assert roles == [("province_officer", "12")]
    assert roles_for(actor=AnonymousUser()) == []


def test_user_list_of_province_officer_is_its_subtree(
    world, django_assert_max_num_queries
):
    # given
    tinh = fresh(world.tinh)
    # when
    with django_assert_max_num_queries(3):
        users = list(user_list(actor=tinh))
        roles = [a.unit.code for u in users for a in u.role_assignments.all() if a.unit]
    # then
    assert [u.username for u in users] == ["thon", "tinh", "xa"]
    assert sorted(roles) == ["03388", "03388-01", "12"]


def test_user_list_of_system_and_administrator_is_everyone(world):
    everyone = ["admin", "ngoai", "thon", "tinh", "xa"]
    assert [u.username for u in user_list(actor=None)] == everyone
    assert [u.username for u in user_list(actor=world.admin)] == everyone


def test_user_get_refuses_users_out_of_scope(world):
    # given
    found = user_get(actor=world.tinh, username="xa")
    # when
    with pytest.raises(DomainError) as refused:
        user_get(actor=world.tinh, username="ngoai")
    # then
    assert found == world.xa
    assert refused.value.code == AccountsErrorCode.UNKNOWN_USER
    assert user_get(actor=world.xa, username="xa") == world.xa
