"""The Excel/CSV page: template download, upload with dry run, refusals."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from vandong.collect import excel
from vandong.collect.models import DataValue, ImportBatch
from vandong.collect.tests.test_views_entry import make_form, write

pytestmark = pytest.mark.django_db

PAGE = reverse("collect:excel")
TEMPLATE = reverse("collect:excel-template")


@pytest.fixture
def form(world):
    return make_form()


@pytest.fixture
def xa(client, world):
    client.force_login(world.xa)
    return client


def csv_file(text: str, name: str = "so-lieu.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


GOOD_CSV = "data_element,unit_code,period,value\nT_HH,03388,2025,1.250\nT_HH_CULT,03388,2025,900\n"


def test_excel_page_offers_the_data_sets_and_the_own_commune(xa, form):
    response = xa.get(PAGE)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<option value="T_XA">Biểu thử cấp xã</option>' in html
    assert '<option value="03388">Phường Đoàn Kết (03388)</option>' in html
    assert "03395" not in html
    assert 'enctype="multipart/form-data"' in html


def test_template_download_is_an_xlsx_of_the_commune(xa, world, form):
    # given a stored value
    write(world.xa, form, T_HH=1250)

    # when
    response = xa.get(TEMPLATE, {"data_set": "T_XA", "period": "2025", "root": "03388"})

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="mau_T_XA_2025_03388.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[excel.DATA_SHEET]
    assert sheet.cell(excel.FIRST_DATA_ROW, 1).value == "03388"
    assert sheet.cell(excel.FIRST_DATA_ROW + 1, 1).value is None


def test_template_of_a_unit_outside_the_scope_is_refused(xa, form):
    response = xa.get(TEMPLATE, {"data_set": "T_XA", "period": "2025", "root": "12"})

    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_csv_dry_run_shows_what_would_change_and_stores_nothing(xa, world, form):
    # given one value already stored, equal to the file's
    write(world.xa, form, T_HH_CULT=900)

    # when
    response = xa.post(PAGE, {"file": csv_file(GOOD_CSV), "dry_run": "on"})

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<td class="num" data-count="created">1</td>' in html
    assert '<td class="num" data-count="updated">0</td>' in html
    assert '<td class="num" data-count="unchanged">1</td>' in html
    assert DataValue.objects.count() == 1


def test_csv_upload_stores_and_shows_the_batch(xa, form):
    # when
    response = xa.post(PAGE, {"file": csv_file(GOOD_CSV)}, follow=True)

    # then
    assert response.status_code == 200
    batch = ImportBatch.objects.get(status="done")
    assert response.redirect_chain[-1][0] == reverse("collect:batch", args=[batch.pk])
    assert sorted(
        v or 0 for v in DataValue.objects.values_list("value", flat=True)
    ) == [900.0, 1250.0]
    assert "so-lieu.csv" in response.content.decode()


def test_refused_csv_lists_every_problem_and_stores_nothing(xa, form):
    # given a file with a fraction in a count and text in a number cell
    text = (
        "data_element,unit_code,period,value\n"
        'T_HH,03388,2025,"12,5"\n'
        "T_HH_CULT,03388,2025,abc\n"
        "T_HH,03388,2024,7\n"
    )

    # when
    response = xa.post(PAGE, {"file": csv_file(text)})

    # then every problem is listed with its row, unit and element
    html = response.content.decode()
    assert response.status_code == 200
    table = html.split('<table class="problems-table">')[1].split("</table>")[0]
    rows = table.split("<tbody>")[1].count("<tr>")
    assert rows >= 2
    assert '<td class="num">2</td>' in table
    assert '<td class="num">3</td>' in table
    assert "<td>03388</td>" in table
    assert "<td>T_HH_CULT</td>" in table
    assert "“abc”" in table
    assert DataValue.objects.count() == 0


def test_unreadable_csv_line_is_listed_and_nothing_stored(xa, form):
    text = "data_element,unit_code,period,value\nT_HH,03388,2025,12,5\n"

    response = xa.post(PAGE, {"file": csv_file(text)})

    table = response.content.decode().split('<table class="problems-table">')[1]
    assert "Dòng có 5 ô, cần 4 ô như dòng tiêu đề." in table
    assert DataValue.objects.count() == 0


def test_crafted_csv_for_another_commune_is_refused(xa, form):
    text = "data_element,unit_code,period,value\nT_HH,03395,2025,5\n"

    response = xa.post(PAGE, {"file": csv_file(text)})

    html = response.content.decode()
    assert 'class="problems-table"' in html
    assert "<td>03395</td>" in html
    assert DataValue.objects.count() == 0


def test_filled_template_round_trips_as_a_dry_run(xa, form):
    # given the template, filled in
    content = xa.get(
        TEMPLATE, {"data_set": "T_XA", "period": "2025", "root": "03388"}
    ).content
    book = load_workbook(io.BytesIO(content))
    sheet = book[excel.DATA_SHEET]
    sheet.cell(excel.FIRST_DATA_ROW, excel.FIRST_ELEMENT_COLUMN).value = 300
    sheet.cell(excel.FIRST_DATA_ROW, excel.FIRST_ELEMENT_COLUMN + 1).value = 250
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("mau.xlsx", out.getvalue())

    # when
    response = xa.post(PAGE, {"file": upload, "dry_run": "on"})

    # then
    html = response.content.decode()
    assert '<td class="num" data-count="created">2</td>' in html
    assert DataValue.objects.count() == 0


def test_upload_refuses_a_file_of_another_kind(xa, form):
    upload = SimpleUploadedFile("so-lieu.txt", b"hello")

    response = xa.post(PAGE, {"file": upload})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="errorlist"' in html
    assert DataValue.objects.count() == 0
