"""The public API (/api/v1/public/...): the same answers as the pages, no
login, caching headers, 304, nothing of an unpublished year, nothing
personal, tracking limited."""

import datetime
import json

import pytest

from vandong.api import api as main_api
from vandong.petitions import services as petitions
from vandong.portal.api import router
from vandong.portal.tests.scene import publish
from vandong.portal.tests.test_pages import make_records

pytestmark = pytest.mark.django_db

API = "/api/v1/public"


def get(client, path, status=200, **headers):
    response = client.get(API + path, headers=headers)
    assert response.status_code == status, response.content[:500]
    return response


def test_provinces(client, portal):
    publish(portal.world, 2024, 2025)
    body = get(client, "/provinces").json()
    assert [(p["code"], p["name"], p["years"]) for p in body["provinces"]] == [
        ("12", "Tỉnh Lai Châu", [2024, 2025])
    ]


def test_a_published_province_year(client, portal):
    publish(portal.world, 2025)
    response = get(client, "/provinces/12?year=2025&tree=current")
    body = response.json()
    assert body["published"] is True
    assert body["years"] == [2025]
    (share,) = [
        h for h in body["headlines"]["items"] if h["code"] == "URBAN_CIVILIZED_SHARE"
    ]
    assert share["value"] == pytest.approx(50.0)
    assert share["previous"] is None  # 2024 is not public
    assert {c["code"]: c["reported"] for c in body["communes"]} == {
        "03388": "not_met",
        "03395": "met",
    }
    assert [t["code"] for t in body["targets"]] == ["T_URBAN"]
    assert response["Cache-Control"] == "public, max-age=60"
    assert response["Content-Type"].startswith("application/json")


def test_an_unpublished_year_has_no_figures(client, portal):
    publish(portal.world, 2025)
    body = get(client, "/provinces/12?year=2024").json()
    assert body["published"] is False
    assert body["headlines"] is None
    assert body["targets"] == []
    assert {c["reported"] for c in body["communes"]} == {None}
    charts = get(client, "/provinces/12/charts?year=2024").json()
    assert charts == {
        "year": 2024,
        "tree": "legacy",
        "published": False,
        "generated_at": charts["generated_at"],
    }


def test_chart_series_hold_public_years_only(client, portal):
    publish(portal.world, 2023, 2025)
    body = get(client, "/provinces/12/charts?year=2025&tree=legacy").json()
    (trend,) = body["trend"]
    assert [p["year"] for p in trend["points"]] == [2023, 2025]


def test_a_commune(client, portal):
    world = portal.world
    make_records(world)
    publish(world, 2025)
    body = get(client, "/communes/03388?year=2025").json()
    assert body["published"] is True
    assert body["commune"]["name"] == "Phường Đoàn Kết"
    assert [p["name"] for p in body["predecessors"]] == [
        "Phường Đoàn Kết",
        "Phường Quyết Tiến",
    ]
    assert body["contributions"]["year"]["cash_vnd"] == 150_000_000
    assert body["ocop"][0]["stars"] == 4
    assert body["ocop"][0]["producer"] == ""  # a household: named by its kind
    assert body["petitions"]["received"] == 1
    text = json.dumps(body, ensure_ascii=False)
    for private in (
        "Lò Thị Riêng Tư",
        "Vàng A Dính",
        "Nguyễn Văn Chủ Trì",
        "Ông Bí Mật",
        "Nội dung kiến nghị riêng",
        "Lò Văn Bình",
        "0912 345 678",
        "contributor_name",
        "contact",
    ):
        assert private not in text


def test_a_legacy_commune_by_its_day(client, portal):
    body = get(client, "/communes/03388?on=2025-06-30&year=2023").json()
    assert body["commune"]["name"] == "Phường Quyết Tiến"
    assert body["commune"]["on"] == "2025-06-30"


def test_unknown_codes_are_404(client, portal):
    assert get(client, "/provinces/99", status=404).json()["code"] == "not_found"
    assert get(client, "/communes/99999", status=404).json()["code"] == "not_found"


def test_etag_and_304(client, portal):
    publish(portal.world, 2025)
    first = get(client, "/provinces/12?year=2025")
    etag = first["ETag"]
    again = get(
        client, "/provinces/12?year=2025", status=304, **{"If-None-Match": etag}
    )
    assert again["ETag"] == etag
    assert again.content == b""


def test_tracking(client, portal):
    world = portal.world
    petition = petitions.petition_create(
        actor=world.xa,
        unit=world.doan_ket,
        channel="online",
        topic="land",
        text="Nội dung riêng",
        contact_phone="0912 345 678",
        received_on=datetime.date(2025, 9, 1),
    )
    response = get(client, f"/petitions/{petition.tracking_code}")
    body = response.json()
    assert (body["code"], body["status"], body["received_on"]) == (
        petition.tracking_code,
        "received",
        "2025-09-01",
    )
    assert response["Cache-Control"] == "no-store"
    assert "Nội dung riêng" not in response.content.decode()
    assert "0912" not in response.content.decode()
    assert get(client, "/petitions/NOPE", status=404).json()["code"] == "not_found"


def test_tracking_is_limited(client, portal, settings):
    settings.PORTAL_LIMITS = {"track": (2, 100, 60)}
    get(client, "/petitions/NOPE", status=404)
    get(client, "/petitions/NOPE", status=404)
    assert get(client, "/petitions/NOPE", status=429).json()["code"] == "rate_limited"


def test_no_login_needed(client, portal):
    # the router's operations are public whatever the API's default auth
    for operation in router.path_operations.values():
        for op in operation.operations:
            assert op.auth_param is None


def test_mounted_on_the_main_api(client, portal):
    paths = {str(p.pattern) for p in main_api.urls[0]}
    assert any(p.startswith("public/") for p in paths)
    # and it answers without login behind the API's default authentication
    assert client.get("/api/v1/public/provinces").status_code == 200
