"""The entry form: the grid, cell saves, rule checks, scope, approval, read-only."""

import datetime
import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from vandong.catalog.models import (
    DataElement,
    DataSet,
    DataSetElement,
    Period,
    ValidationRule,
)
from vandong.collect import services
from vandong.collect.models import Approval, ApprovalState, DataValue
from vandong.collect.rows import ValueRow

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@dataclass
class Form:
    """A small commune-level data set: households and cultural households,
    with the rule cultural <= households."""

    data_set: DataSet
    households: DataElement
    cultural: DataElement
    rule: ValidationRule
    period: Period


def make_form() -> Form:
    period, _created = Period.objects.get_or_create(
        code="2025",
        defaults={
            "kind": "year",
            "start": datetime.date(2025, 1, 1),
            "end": datetime.date(2025, 12, 31),
        },
    )
    households = DataElement.objects.create(
        code="T_HH",
        name_vi="Tổng số hộ",
        name_en="Households",
        value_type="integer",
        measure="hộ",
        level=3,
    )
    cultural = DataElement.objects.create(
        code="T_HH_CULT",
        name_vi="Số hộ gia đình văn hóa",
        name_en="Cultural households",
        value_type="integer",
        measure="hộ",
        level=3,
    )
    data_set = DataSet.objects.create(
        code="T_XA", name_vi="Biểu thử cấp xã", name_en="Test commune form", level=3
    )
    for order, element in enumerate([households, cultural], start=1):
        DataSetElement.objects.create(
            data_set=data_set,
            data_element=element,
            section_vi="Hộ gia đình",
            section_en="Households",
            order=order,
        )
    rule = ValidationRule.objects.create(
        code="T_CULT_LE_HH",
        name_vi="Số hộ văn hóa không vượt tổng số hộ",
        name_en="Cultural households do not exceed households",
        left="T_HH_CULT",
        operator="<=",
        right="T_HH",
        level=3,
    )
    return Form(
        data_set=data_set,
        households=households,
        cultural=cultural,
        rule=rule,
        period=period,
    )


def entry_url(form: Form, unit_code: str = "03388") -> str:
    return reverse(
        "collect:entry", args=[form.data_set.code, form.period.code, unit_code]
    )


def cell_url(form: Form, element: str, unit_code: str = "03388") -> str:
    return reverse(
        "collect:entry-cell",
        args=[form.data_set.code, form.period.code, unit_code, element],
    )


def write(actor, form: Form, **values: object) -> None:
    services.data_values_write(
        actor=actor,
        rows=[
            ValueRow(data_element=code, unit_code="03388", period="2025", value=v)
            for code, v in values.items()
        ],
        channel="web",
    )


def stored(form: Form) -> dict[str, float | None]:
    return {
        v.data_element.code: v.value
        for v in DataValue.objects.filter(period=form.period).select_related(
            "data_element"
        )
    }


@pytest.fixture
def form(world) -> Form:
    return make_form()


@pytest.fixture
def xa(client, world):
    client.force_login(world.xa)
    return client


def test_entry_sends_anonymous_to_login(client, form):
    response = client.get(entry_url(form))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_entry_shows_the_grid_in_vietnamese(xa, form):
    response = xa.get(entry_url(form))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Biểu thử cấp xã</h1>" in html
    assert "Phường Đoàn Kết" in html
    assert "<legend>Hộ gia đình</legend>" in html
    assert "Số hộ gia đình văn hóa" in html
    # each cell is typed for its element and saved when left
    assert 'id="v-T_HH" name="v-T_HH" value="" inputmode="numeric"' in html
    assert f'hx-post="{cell_url(form, "T_HH")}" hx-trigger="change"' in html
    # the commune officer may submit (an existing Vietnamese string)
    assert ">Gửi duyệt</button>" in html
    assert 'value="approve"' not in html


def test_entry_shows_stored_numbers_in_vietnamese_notation(xa, world, form):
    # given
    write(world.xa, form, T_HH=2142500)

    # when
    html = xa.get(entry_url(form)).content.decode()

    # then
    assert 'id="v-T_HH" name="v-T_HH" value="2.142.500"' in html


def test_entry_refuses_a_commune_outside_the_scope(xa, form):
    response = xa.get(entry_url(form, "03395"))

    assert response.status_code == 404


def test_entry_page_query_count_is_pinned(
    xa, world, form, django_assert_max_num_queries
):
    # given values that break the rule
    write(world.xa, form, T_HH=10, T_HH_CULT=12)

    # when / then
    with django_assert_max_num_queries(13):
        response = xa.get(entry_url(form))
    assert response.status_code == 200


def test_cell_save_answers_the_saved_cell_and_the_checks(xa, form):
    # when
    response = xa.post(cell_url(form, "T_HH"), {"v-T_HH": "1.250"}, **HTMX)

    # then the cell is saved, shown in Vietnamese notation
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div class="cell is-saved" id="cell-T_HH">')
    assert 'value="1.250"' in html
    assert stored(form) == {"T_HH": 1250.0}
    # and the form's state (one of two filled) and rule checks come along, out of band
    assert '<section id="entry-state" class="card entry-state"' in html
    assert '<section id="problems" class="card problems"' in html
    assert html.count('hx-swap-oob="true"') == 2
    assert 'data-filled="1"' in html


def test_cell_save_shows_the_violation_it_causes(xa, world, form):
    # given
    write(world.xa, form, T_HH=100)

    # when
    response = xa.post(cell_url(form, "T_HH_CULT"), {"v-T_HH_CULT": "120"}, **HTMX)

    # then
    html = response.content.decode()
    assert "is-saved" in html
    assert 'data-rule="T_CULT_LE_HH"' in html
    assert '<a href="#v-T_HH_CULT">Số hộ gia đình văn hóa</a>' in html
    assert stored(form) == {"T_HH": 100.0, "T_HH_CULT": 120.0}


def test_cell_save_clears_the_violation_once_fixed(xa, world, form):
    # given
    write(world.xa, form, T_HH=100, T_HH_CULT=120)

    # when
    response = xa.post(cell_url(form, "T_HH_CULT"), {"v-T_HH_CULT": "90"}, **HTMX)

    # then
    html = response.content.decode()
    assert "is-saved" in html
    assert "data-rule=" not in html
    assert stored(form)["T_HH_CULT"] == 90.0


def test_cell_refuses_a_fraction_in_a_whole_number_cell_and_keeps_the_input(xa, form):
    # when
    response = xa.post(cell_url(form, "T_HH"), {"v-T_HH": "12,5"}, **HTMX)

    # then the cell shows the error with the Vietnamese reason, and what was typed
    html = response.content.decode()
    assert response.status_code == 200
    assert '<div class="cell is-error" id="cell-T_HH">' in html
    assert 'value="12,5"' in html
    assert 'aria-invalid="true"' in html
    reason = re.search(
        r'<span class="cell-state" id="s-T_HH" role="status">(.*?)</span>', html
    )
    assert reason is not None
    assert "số nguyên" in reason.group(1)
    assert stored(form) == {}


def test_crafted_cell_post_for_another_commune_is_refused(xa, form):
    # when the commune officer posts a cell of Tân Phong (03395)
    response = xa.post(cell_url(form, "T_HH", "03395"), {"v-T_HH": "5"}, **HTMX)

    # then it is refused and nothing is stored
    assert response.status_code == 403
    assert "is-error" in response.content.decode()
    assert DataValue.objects.count() == 0


def test_cell_of_an_element_outside_the_data_set_is_not_found(xa, form):
    DataElement.objects.create(
        code="T_OTHER", name_vi="Khác", name_en="Other", value_type="integer", level=3
    )

    response = xa.post(cell_url(form, "T_OTHER"), {"v-T_OTHER": "1"}, **HTMX)

    assert response.status_code == 404
    assert DataValue.objects.count() == 0


def test_cell_comment_is_saved_with_the_value(xa, world, form):
    # given
    write(world.xa, form, T_HH=1500)

    # when the comment changes and the value is posted as shown
    response = xa.post(
        cell_url(form, "T_HH"),
        {"v-T_HH": "1.500", "c-T_HH": "Số liệu điều tra 2025"},
        **HTMX,
    )

    # then
    assert "is-saved" in response.content.decode()
    value = DataValue.objects.get()
    assert value.value == 1500.0
    assert value.comment == "Số liệu điều tra 2025"


def test_a_decimal_shown_with_a_thousands_dot_is_posted_back_unchanged(xa, world, form):
    # given a decimal element whose value 1500 shows as "1.500"
    area = DataElement.objects.create(
        code="T_AREA",
        name_vi="Diện tích",
        name_en="Area",
        value_type="area_ha",
        level=3,
    )
    DataSetElement.objects.create(data_set=form.data_set, data_element=area, order=3)
    write(world.xa, form, T_AREA="1500")
    assert 'value="1.500"' in xa.get(entry_url(form)).content.decode()

    # when only the comment changes
    response = xa.post(
        cell_url(form, "T_AREA"), {"v-T_AREA": "1.500", "c-T_AREA": "đo lại"}, **HTMX
    )

    # then "1.500" is not read as ambiguous: the stored number is kept
    assert "is-saved" in response.content.decode()
    assert DataValue.objects.get(data_element=area).value == 1500.0


def test_cell_post_without_htmx_redirects_back_to_the_form(xa, form):
    response = xa.post(cell_url(form, "T_HH"), {"v-T_HH": "7"})

    assert response.status_code == 302
    assert response["Location"] == entry_url(form)
    assert stored(form) == {"T_HH": 7.0}


def test_save_all_writes_every_changed_cell(xa, form):
    # when the form is posted whole (no JavaScript)
    response = xa.post(entry_url(form), {"v-T_HH": "100", "v-T_HH_CULT": "80"})

    # then
    assert response.status_code == 302
    assert response["Location"] == entry_url(form)
    assert stored(form) == {"T_HH": 100.0, "T_HH_CULT": 80.0}


def test_save_all_stores_nothing_when_one_cell_is_bad(xa, form):
    response = xa.post(entry_url(form), {"v-T_HH": "100", "v-T_HH_CULT": "tám"})

    html = response.content.decode()
    assert response.status_code == 400
    assert '<div class="cell is-error" id="cell-T_HH_CULT">' in html
    assert 'value="tám"' in html
    assert stored(form) == {}


def test_submit_then_approve(client, world, form):
    # given
    write(world.xa, form, T_HH=100, T_HH_CULT=80)
    approval_url = reverse(
        "collect:entry-approval", args=[form.data_set.code, "2025", "03388"]
    )

    # when the commune officer submits
    client.force_login(world.xa)
    response = client.post(approval_url, {"step": "submit"})

    # then
    assert response.status_code == 302
    assert Approval.objects.get().state == ApprovalState.SUBMITTED

    # when the province officer approves
    client.force_login(world.tinh)
    assert 'value="approve"' in client.get(entry_url(form)).content.decode()
    response = client.post(approval_url, {"step": "approve"})

    # then
    assert response.status_code == 302
    assert Approval.objects.get().state == ApprovalState.APPROVED


def test_commune_officer_cannot_approve(xa, world, form):
    # given
    services.approval_submit(
        actor=world.xa, data_set=form.data_set, unit=world.doan_ket, period=form.period
    )
    approval_url = reverse(
        "collect:entry-approval", args=[form.data_set.code, "2025", "03388"]
    )

    # when
    response = xa.post(approval_url, {"step": "approve"}, follow=True)

    # then the refusal is shown and the state is unchanged
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert Approval.objects.get().state == ApprovalState.SUBMITTED


def test_approved_form_is_read_only(xa, world, form):
    # given an approved form
    write(world.xa, form, T_HH=100, T_HH_CULT=80)
    services.approval_submit(
        actor=world.xa, data_set=form.data_set, unit=world.doan_ket, period=form.period
    )
    services.approval_approve(
        actor=world.tinh,
        data_set=form.data_set,
        unit=world.doan_ket,
        period=form.period,
    )

    # when
    html = xa.get(entry_url(form)).content.decode()

    # then every input is disabled, the state is shown, no step is offered
    inputs = re.findall(r'<(?:input|select) [^>]*id="[vc]-T_[^>]*>', html)
    assert len(inputs) == 2  # the two values; no comment was written
    assert all(tag.endswith(" disabled>") for tag in inputs)
    assert 'data-state="approved"' in html
    assert 'name="step"' not in html
    assert "data-save" not in html


def test_cell_post_to_an_approved_form_is_refused(xa, world, form):
    # given
    write(world.xa, form, T_HH=100)
    services.approval_submit(
        actor=world.xa, data_set=form.data_set, unit=world.doan_ket, period=form.period
    )
    services.approval_approve(
        actor=world.tinh,
        data_set=form.data_set,
        unit=world.doan_ket,
        period=form.period,
    )

    # when
    response = xa.post(cell_url(form, "T_HH"), {"v-T_HH": "5"}, **HTMX)

    # then the cell says why and nothing changes
    assert response.status_code == 200
    assert "is-error" in response.content.decode()
    assert stored(form) == {"T_HH": 100.0}


def test_province_officer_reopens_an_approved_form(client, world, form):
    # given
    services.approval_submit(
        actor=world.xa, data_set=form.data_set, unit=world.doan_ket, period=form.period
    )
    services.approval_approve(
        actor=world.tinh,
        data_set=form.data_set,
        unit=world.doan_ket,
        period=form.period,
    )
    client.force_login(world.tinh)

    # when
    response = client.post(
        reverse("collect:entry-approval", args=[form.data_set.code, "2025", "03388"]),
        {"step": "reopen"},
    )

    # then
    assert response.status_code == 302
    assert Approval.objects.get().state == ApprovalState.DRAFT
