"""Templates stored by administrators: checked whole (unknown figure refused
with its name and line), audited; the shipped files loaded by version."""

import pytest

from vandong.analytics.loader import load_indicators
from vandong.catalog.loader import catalog_load
from vandong.core.errors import DomainError
from vandong.core.models import AuditEntry
from vandong.reports import queries, services
from vandong.reports.models import ReportTemplate
from vandong.reports.tests.factories import SMALL


@pytest.fixture
def catalog(world):
    catalog_load()
    load_indicators()
    return world


def test_a_template_naming_an_unknown_figure_is_refused_with_name_and_line(catalog):
    with pytest.raises(DomainError) as refused:
        services.template_save(
            actor=catalog.admin,
            text=SMALL.replace("{{ land | number }}", "{{ dat | number }}"),
        )
    error = refused.value
    assert error.code == "invalid_template"
    assert [(row.row, row.message_vi) for row in error.rows] == [
        (14, "số liệu “dat” chưa được định nghĩa (thêm vào khối [figures])")
    ]
    assert "dòng 14" in error.message_vi
    assert ReportTemplate.objects.count() == 0


def test_a_template_naming_an_unknown_code_is_refused(catalog):
    with pytest.raises(DomainError) as refused:
        services.template_save(
            actor=catalog.admin,
            text=SMALL.replace("CONTRIB_LAND_M2", "CONTRIB_LAND_HA"),
        )
    assert [row.row for row in refused.value.rows] == [8]
    assert "CONTRIB_LAND_HA" in refused.value.rows[0].message_vi


def test_only_an_administrator_stores_templates_and_each_edit_is_audited(catalog):
    with pytest.raises(DomainError) as refused:
        services.template_save(actor=catalog.tinh, text=SMALL)
    assert refused.value.code == "not_allowed"
    stored = services.template_save(actor=catalog.admin, text=SMALL)
    assert (stored.code, stored.version, stored.edited) == ("thu", 1, True)
    services.template_save(
        actor=catalog.admin, text=SMALL.replace("version: 1", "version: 2")
    )
    entries = AuditEntry.objects.filter(entity="reports.ReportTemplate").order_by("pk")
    assert [(e.action, e.actor_id) for e in entries] == [
        ("create", catalog.admin.pk),
        ("update", catalog.admin.pk),
    ]
    assert entries[1].old == {"version": 1, "text": SMALL}


def test_the_shipped_templates_load_by_version(catalog):
    assert services.templates_load() == {"created": 1, "replaced": 0, "unchanged": 0}
    assert services.templates_load() == {"created": 0, "replaced": 0, "unchanged": 1}
    # an administrator's edit of the same version is kept, and wins
    shipped = queries.shipped_templates()["ket-qua-cuoc-van-dong"]
    edited = shipped.text.replace("name: Kết quả", "name: Đã sửa: Kết quả")
    services.template_save(actor=catalog.admin, text=edited)
    assert services.templates_load()["unchanged"] == 1
    info = queries.template_info("ket-qua-cuoc-van-dong")
    assert (info.origin, info.name.startswith("Đã sửa")) == ("edited", True)


def test_the_admin_refuses_a_bad_template_with_its_line(client, catalog):
    client.force_login(catalog.admin)
    catalog.admin.is_staff = catalog.admin.is_superuser = True
    catalog.admin.save(update_fields=["is_staff", "is_superuser"])
    response = client.post(
        "/admin/reports/reporttemplate/add/",
        {"text": SMALL.replace("{{ wards }}", "{{ phuong }}")},
    )
    assert response.status_code == 200
    assert "dòng 16: số liệu “phuong” chưa được định nghĩa" in response.content.decode()
    response = client.post("/admin/reports/reporttemplate/add/", {"text": SMALL})
    assert response.status_code == 302
    assert ReportTemplate.objects.get().code == "thu"
    response = client.post("/admin/reports/reporttemplate/load-shipped/")
    assert response.status_code == 302
    assert ReportTemplate.objects.count() == 2
