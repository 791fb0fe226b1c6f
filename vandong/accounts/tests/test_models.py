import pytest
from django.db import IntegrityError, transaction

from vandong.accounts.models import Role, RoleAssignment


def test_same_role_on_same_unit_only_once(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=world.xa, role=Role.COMMUNE_OFFICER, unit=world.doan_ket
        )


def test_country_wide_administrator_only_once(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=world.admin, role=Role.ADMINISTRATOR, unit=None
        )


def test_only_administrator_may_be_held_without_unit(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=world.xa, role=Role.VIEWER, unit=None)
