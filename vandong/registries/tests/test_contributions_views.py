"""Contribution pages: list with totals, form, delete, import, export."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from conftest import PASSWORD
from vandong.core.models import Channel
from vandong.registries.contributions.rules import ContributionIn
from vandong.registries.contributions.services import contribution_create
from vandong.registries.models import Contribution

LIST = "/registries/contributions/"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def make(world, unit=None, cash=5_000_000, name="Lò Văn A"):
    return contribution_create(
        actor=None,
        data=ContributionIn(
            unit=unit or world.village_1,
            date=datetime.date(2025, 8, 1),
            kind="people",
            purpose="road",
            contributor_name=name,
            cash_vnd=cash,
        ),
        channel=Channel.SYSTEM,
    )


def test_the_list_shows_records_names_and_totals(world, django_assert_max_num_queries):
    make(world)
    make(world, unit=world.tan_phong, cash=1_000_000)
    xa = client_for("xa")
    with django_assert_max_num_queries(12):
        page = xa.get(LIST)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Lò Văn A" in text
    assert "5.000.000" in text
    assert 'data-cash="5000000"' in text  # Tân Phong is not in xa's scope
    assert "Lò Văn A" not in client_for("ngoai").get(LIST).content.decode()


def test_the_form_records_and_redirects_to_the_commune(world):
    xa = client_for("xa")
    assert xa.get(LIST + "new/").status_code == 200
    response = xa.post(
        LIST + "new/",
        {
            "unit": world.doan_ket.pk,
            "date": "2025-08-01",
            "kind": "businesses",
            "cash_vnd": "12.500.000",
            "purpose": "school",
        },
    )
    assert response.status_code == 302
    assert f"unit={world.doan_ket.pk}" in response["Location"]
    assert Contribution.objects.get().cash_vnd == 12_500_000


def test_the_form_shows_a_broken_rule_on_its_field(world):
    response = client_for("xa").post(
        LIST + "new/",
        {
            "unit": world.doan_ket.pk,
            "date": "2025-08-01",
            "kind": "people",
            "purpose": "other",
        },
    )
    assert response.status_code == 200
    assert "cần ghi tên công trình" in response.content.decode()
    assert Contribution.objects.count() == 0


def test_delete_asks_then_deletes(world):
    record = make(world)
    xa = client_for("xa")
    assert xa.get(f"{LIST}{record.pk}/delete/").status_code == 200
    assert xa.post(f"{LIST}{record.pk}/delete/").status_code == 302
    assert Contribution.objects.count() == 0
    other = make(world, unit=world.tan_phong)
    assert xa.post(f"{LIST}{other.pk}/delete/").status_code == 404


def test_import_checks_then_records_on_confirmation(world):
    xa = client_for("xa")
    data = (
        b"unit_code,date,kind,cash_vnd,purpose\n03388,2025-08-01,people,1000000,road\n"
    )
    checked = xa.post(LIST + "import/", {"file": SimpleUploadedFile("a.csv", data)})
    assert checked.status_code == 200
    token = checked.context["token"]
    assert Contribution.objects.count() == 0
    confirmed = xa.post(LIST + "import/", {"token": token})
    assert confirmed.status_code == 302
    assert Contribution.objects.count() == 1


def test_import_lists_bad_rows(world):
    data = b"unit_code,date,kind,cash_vnd,purpose\n03388,2025-08-01,aliens,1,road\n"
    page = client_for("xa").post(
        LIST + "import/", {"file": SimpleUploadedFile("a.csv", data)}
    )
    assert page.context["problems"][0]["row"] == 2
    assert page.context["problems"][0]["field"] == "kind"


def test_export_leaves_names_out_unless_an_officer_asks(world):
    make(world)
    xa = client_for("xa")

    def cells(url: str) -> list[object]:
        book = load_workbook(io.BytesIO(xa.get(url).content))
        sheet = book.active
        assert sheet is not None
        return [c.value for row in sheet.iter_rows() for c in row]

    assert "Lò Văn A" not in cells(LIST + "export.xlsx")
    assert "Lò Văn A" in cells(LIST + "export.xlsx?names=1")
