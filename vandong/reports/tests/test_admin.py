"""Templates in the admin: adding refuses a code already stored (edit that
one instead), and a staff user without the catalog role gets a form error,
never a server error."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from vandong.analytics.loader import load_indicators
from vandong.catalog.loader import catalog_load
from vandong.reports import services
from vandong.reports.models import ReportTemplate
from vandong.reports.tests.factories import SMALL

ADD = "/admin/reports/reporttemplate/add/"


@pytest.fixture
def catalog(world):
    catalog_load()
    load_indicators()
    return world


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser(
        username="root", password="mat-khau-thu-nghiem-2025"
    )


def test_adding_a_template_stores_it(client, catalog, superuser):
    client.force_login(superuser)
    response = client.post(ADD, {"text": SMALL})
    assert response.status_code == 302
    assert ReportTemplate.objects.get(code="thu").version == 1


def test_adding_an_existing_code_is_refused_not_an_update(client, catalog, superuser):
    services.template_save(actor=None, text=SMALL.replace("version: 1", "version: 3"))
    client.force_login(superuser)
    response = client.post(ADD, {"text": SMALL})
    assert response.status_code == 200
    assert "Đã có mẫu “thu”" in response.content.decode()
    stored = ReportTemplate.objects.get(code="thu")
    assert stored.version == 3  # not lowered


def test_a_staff_user_without_the_catalog_role_gets_a_form_error(client, catalog):
    staff = get_user_model().objects.create_user(
        username="staff", password="mat-khau-thu-nghiem-2025", is_staff=True
    )
    staff.user_permissions.set(
        Permission.objects.filter(
            codename__in=["add_reporttemplate", "change_reporttemplate"]
        )
    )
    client.force_login(staff)
    response = client.post(ADD, {"text": SMALL})
    assert response.status_code == 200
    assert "Vai trò của bạn không được phép" in response.content.decode()
    assert not ReportTemplate.objects.exists()
    # nor on the change form
    stored = services.template_save(actor=None, text=SMALL)
    response = client.post(
        f"/admin/reports/reporttemplate/{stored.pk}/change/",
        {"text": SMALL.replace("version: 1", "version: 2")},
    )
    assert response.status_code == 200
    assert "Vai trò của bạn không được phép" in response.content.decode()
    stored.refresh_from_db()
    assert stored.version == 1
