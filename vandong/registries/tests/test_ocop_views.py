"""The pages of the OCOP, models-and-teams and conference registries: every
page renders for the fixed world, forms create records, XLSX exports open,
and writes outside the scope are refused."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from vandong.registries.conferences.services import (
    CommitmentIn,
    ConferenceIn,
    conference_create,
)
from vandong.registries.models import Conference, ModelTeam, OcopProduct
from vandong.registries.ocop.services import ProductIn, RatingIn, ocop_product_create
from vandong.registries.teams.services import ModelTeamIn, model_team_create

D = datetime.date


@pytest.fixture
def records(world):
    product = ocop_product_create(
        actor=world.xa,
        data=ProductIn(world.doan_ket, "Chè", "drinks", "HTX Chè", "cooperative"),
        ratings=[RatingIn(3, 60, "1/QĐ", D(2025, 8, 1))],
    )
    model = model_team_create(
        actor=world.xa,
        data=ModelTeamIn(world.village_1, "mediation_team", "Tổ hòa giải", 2025),
    )
    conference = conference_create(
        actor=world.xa,
        data=ConferenceIn(world.doan_ket, D(2025, 9, 1), "party", "A", "Bí thư", 50),
        commitments=[CommitmentIn(text="Sửa đường")],
    )
    return product, model, conference


def test_every_page_renders(client, world, records):
    product, model, conference = records
    client.force_login(world.xa)
    urls = [
        reverse("registries:ocop"),
        reverse("registries:ocop") + "?stars=3&on=2025-12-31&unit=03388",
        reverse("registries:ocop-new"),
        reverse("registries:ocop-counts") + "?on=2025-12-31&unit=12",
        reverse("registries:ocop-detail", args=[product.pk]),
        reverse("registries:ocop-edit", args=[product.pk]),
        reverse("registries:ocop-rating-new", args=[product.pk]),
        reverse(
            "registries:ocop-rating-edit", args=[product.pk, product.ratings.get().pk]
        ),
        reverse("registries:models") + "?year=2025&category=mediation",
        reverse("registries:model-new"),
        reverse("registries:model-edit", args=[model.pk]),
        reverse("registries:conferences") + "?year=2025",
        reverse("registries:conference-new"),
        reverse("registries:conference", args=[conference.pk]),
        reverse("registries:conference-edit", args=[conference.pk]),
        reverse("registries:commitment-new", args=[conference.pk]),
        reverse(
            "registries:commitment-edit",
            args=[conference.pk, conference.commitments.get().pk],
        ),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url


def test_the_counts_page_shows_products_valid_on_the_date(client, world, records):
    client.force_login(world.tinh)
    page = client.get(reverse("registries:ocop-counts"), {"on": "2025-12-31"})
    assert 'data-unit="12"' in page.content.decode()
    lapsed = client.get(reverse("registries:ocop-counts"), {"on": "2028-08-01"})
    assert (
        "No product holds a valid rating on this date." in lapsed.content.decode()
        or ("Không có sản phẩm" in lapsed.content.decode())
    )


def test_the_exports_open_as_workbooks(client, world, records):
    client.force_login(world.xa)
    for name in (
        "registries:ocop-export",
        "registries:models-export",
        "registries:conferences-export",
    ):
        response = client.get(reverse(name))
        assert response.status_code == 200
        book = load_workbook(io.BytesIO(response.content))
        assert book.worksheets[0].max_row >= 2


def test_forms_create_records(client, world):
    client.force_login(world.xa)
    created = client.post(
        reverse("registries:ocop-new"),
        {
            "p-unit": world.doan_ket.pk,
            "p-name": "Mật ong",
            "p-group": "food",
            "p-producer_name": "Hộ ông A",
            "p-producer_kind": "household",
            "r-stars": "4",
            "r-score": "80",
            "r-decision_number": "5/QĐ",
            "r-decision_date": "2025-10-01",
        },
    )
    assert created.status_code == 302
    assert OcopProduct.objects.get().ratings.get().stars == 4
    client.post(
        reverse("registries:model-new"),
        {
            "unit": world.doan_ket.pk,
            "kind": "learning_family",
            "name": "Gia đình học tập",
            "count": "78",
            "recognized_year": "2025",
            "active": "on",
        },
    )
    assert ModelTeam.objects.get().count == 78
    client.post(
        reverse("registries:conference-new"),
        {
            "unit": world.doan_ket.pk,
            "held_on": "2025-09-09",
            "chair_role": "government",
            "chair_name": "B",
            "chair_title": "Chủ tịch UBND",
            "participants_count": "70",
        },
    )
    assert Conference.objects.count() == 1


def test_a_band_mismatch_comes_back_on_the_form(client, world):
    client.force_login(world.xa)
    response = client.post(
        reverse("registries:ocop-new"),
        {
            "p-unit": world.doan_ket.pk,
            "p-name": "Mật ong",
            "p-group": "food",
            "p-producer_name": "Hộ ông A",
            "p-producer_kind": "household",
            "r-stars": "5",
            "r-score": "80",
            "r-decision_number": "5/QĐ",
            "r-decision_date": "2025-10-01",
        },
    )
    assert response.status_code == 200
    assert "80 điểm thuộc hạng 4 sao" in response.content.decode()
    assert OcopProduct.objects.count() == 0


def test_pages_refuse_writes_outside_the_scope(client, world, records):
    product, model, conference = records
    client.force_login(world.ngoai)
    assert (
        client.get(reverse("registries:ocop-detail", args=[product.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("registries:model-edit", args=[model.pk])).status_code == 404
    )
    client.force_login(world.thon)
    # the village reporter sees the commune's conference? No: only their village.
    assert (
        client.get(reverse("registries:conference", args=[conference.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("registries:model-edit", args=[model.pk])).status_code == 200
    )


def test_the_list_query_count_is_fixed(client, world, django_assert_max_num_queries):
    for i in range(6):
        model_team_create(
            actor=world.xa,
            data=ModelTeamIn(world.village_1, "mediation_team", f"Tổ {i}", 2025),
        )
    client.force_login(world.xa)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("registries:models")).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(reverse("registries:ocop"))
    assert response.status_code == 302
