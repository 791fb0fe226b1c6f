"""Text from officers and citizens is escaped everywhere the portal shows it:
unit names, a petition's answer and reason, registry texts, in the pages, the
charts' JSON and the API."""

import datetime

import pytest
from django.utils import timezone

from vandong.geo.models import Unit
from vandong.petitions import services as petitions
from vandong.portal.tests.scene import publish
from vandong.registries.models import Conference, OcopProduct, OcopRating

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
ATTR = '"><img src=x onerror=alert(1)>'


def assert_escaped(text: str) -> None:
    assert "<script>alert" not in text
    assert "<img src=x" not in text


@pytest.fixture
def hostile(portal):
    world = portal.world
    Unit.objects.filter(pk=world.tan_phong.pk).update(name=f"Phường {SCRIPT}")
    Unit.objects.filter(pk=world.province.pk).update(name=f"Tỉnh {ATTR}")
    product = OcopProduct.objects.create(
        unit=world.tan_phong,
        name=f"Chè {SCRIPT}",
        group="drinks",
        producer_name=f"HTX {ATTR}",
        producer_kind="cooperative",
    )
    OcopRating.objects.create(
        product=product,
        stars=3,
        decision_number="1/QĐ",
        decision_date=datetime.date(2025, 1, 1),
        recognising_body="UBND tỉnh",
        expires_on=datetime.date(2028, 1, 1),
    )
    Conference.objects.create(
        unit=world.tan_phong,
        held_on=datetime.date(2025, 5, 1),
        chair_role="party",
        chair_name="A",
        chair_title=f"Bí thư {ATTR}",
        participants_count=10,
        issues=f"Vấn đề {SCRIPT}",
    )
    publish(world, 2025)
    return world


def test_pages_escape_names_and_texts(client, hostile):
    for url in (
        "/cong-khai/",
        "/cong-khai/tinh/12/?year=2025",
        "/cong-khai/tinh/12/?year=2025&tree=legacy",
        "/cong-khai/xa/03395/?year=2025",
        "/cong-khai/kien-nghi/?tinh=12",
    ):
        page = client.get(url).content.decode()
        assert_escaped(page)
        assert "&lt;script&gt;" in page or "&quot;&gt;&lt;img" in page, url


def test_json_escapes_names(client, hostile):
    for url in (
        "/cong-khai/tinh/12/bieu-do/?year=2025",
        "/api/v1/public/provinces",
        "/api/v1/public/provinces/12?year=2025",
        "/api/v1/public/communes/03395?year=2025",
    ):
        response = client.get(url)
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
        # JSON keeps the text as it is; the pages that show it escape it
        assert response.json()


def test_the_tracking_page_escapes_the_answer(client, hostile):
    world = hostile
    petition = petitions.petition_create(
        actor=world.xa,
        unit=world.doan_ket,
        channel="online",
        topic="land",
        text=f"Kiến nghị {SCRIPT}",
    )
    today = timezone.localdate()
    petitions.petition_assign(
        actor=world.xa,
        petition=petition,
        body=f"UBND {ATTR}",
        deadline=today,
        on=today,
    )
    petitions.petition_answer(
        actor=world.xa, petition=petition, answer=f"Trả lời {SCRIPT}", on=today
    )
    page = client.get(
        "/cong-khai/kien-nghi/tra-cuu/", {"ma": petition.tracking_code}
    ).content.decode()
    assert_escaped(page)
    assert "Trả lời &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_the_form_escapes_what_was_typed(client, hostile):
    response = client.post(
        "/cong-khai/kien-nghi/",
        {
            "tinh": "12",
            "unit": "03388",
            "topic": "land",
            "text": "ngắn",
            "contact_name": ATTR,
            "contact_address": SCRIPT,
        },
    )
    assert response.status_code == 400
    assert_escaped(response.content.decode())


def test_the_tracking_code_typed_is_escaped(client, hostile):
    page = client.get("/cong-khai/kien-nghi/tra-cuu/", {"ma": SCRIPT}).content.decode()
    assert_escaped(page)


def test_the_language_link_escapes_next(client, hostile):
    page = client.get("/cong-khai/tinh/12/?year=2025").content.decode()
    assert 'href="/cong-khai/ngon-ngu/?lang=en&amp;next=' in page
