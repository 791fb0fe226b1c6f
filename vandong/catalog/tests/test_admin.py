import pytest
from django.test import Client

from vandong.accounts.models import Role
from vandong.accounts.services import user_create
from vandong.catalog.models import DataElement, DataSet, ValidationRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world, catalog):
    root = user_create(
        actor=None,
        username="root",
        password="Mua-lua-chin-vang-2026",
        role=Role.ADMINISTRATOR,
        unit=None,
    )
    client = Client(headers={"accept-language": "en"})
    client.force_login(root)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/catalog/period/",
        "/admin/catalog/dataelement/",
        "/admin/catalog/dataelement/?computed=yes&level__exact=3",
        "/admin/catalog/dataelement/?q=hoc+tap",
        "/admin/catalog/dataelement/add/",
        "/admin/catalog/dataset/",
        "/admin/catalog/dataset/?level__exact=4",
        "/admin/catalog/validationrule/",
        "/admin/catalog/validationrule/add/",
    ],
)
def test_admin_pages_render(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_data_set_page_shows_its_elements_inline(admin_client):
    data_set = DataSet.objects.get(code="DISTRICT_YEARLY")

    response = admin_client.get(f"/admin/catalog/dataset/{data_set.pk}/change/")

    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.total_form_count() == 2


def test_computed_filter_lists_only_ratios(admin_client):
    response = admin_client.get("/admin/catalog/dataelement/?computed=yes")

    shown = {e.code for e in response.context["cl"].result_list}
    assert shown == set(
        DataElement.objects.filter(numerator__isnull=False).values_list(
            "code", flat=True
        )
    )
    assert "HH_CULTURAL_PCT" in shown
    assert "HH_TOTAL" not in shown


def test_rule_form_refuses_an_unknown_element(admin_client):
    rule = ValidationRule.objects.get(code="VR_HH_CULTURAL_LE_TOTAL")
    data = {
        "code": rule.code,
        "name_vi": rule.name_vi,
        "name_en": rule.name_en,
        "left": "HH_CULTURAL + HH_NOPE",
        "operator": "<=",
        "right": "HH_TOTAL * 2",
        "severity": "error",
        "level": 4,
        "is_active": "on",
    }

    response = admin_client.post(
        f"/admin/catalog/validationrule/{rule.pk}/change/", data
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["left"] == [
        "Mã chỉ tiêu không có / unknown data element codes: HH_NOPE"
    ]
    rule.refresh_from_db()
    assert rule.left == "HH_CULTURAL"
