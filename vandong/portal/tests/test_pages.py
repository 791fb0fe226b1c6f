"""The public pages through the test client: what a published year shows,
what an unpublished or no longer fully approved one hides, public records
shown whatever the year, caching headers, the language switch."""

import datetime
import re

import pytest
from django.utils import timezone

from vandong.collect.models import Approval
from vandong.collect.services import (
    approval_approve,
    approval_reopen,
    approval_submit,
)
from vandong.petitions.tests.factories import make_petition
from vandong.portal import services
from vandong.portal.tests.scene import publish, unapproved
from vandong.registries.contributions.rules import ContributionIn
from vandong.registries.contributions.services import contribution_create
from vandong.registries.models import Commitment, Conference, OcopProduct, OcopRating

pytestmark = pytest.mark.django_db

PROVINCE = "/cong-khai/tinh/12/"
WARD = "/cong-khai/xa/03395/"
SHARE = "URBAN_CIVILIZED_SHARE"


def get(client, url, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.content[:500]
    return response


def html(client, url, **headers):
    return get(client, url, **headers).content.decode()


def key_figure(page: str, code: str) -> str | None:
    found = re.search(
        rf'data-indicator="{code}">.*?<span data-value>([^<]*)</span>', page, re.S
    )
    return found.group(1) if found else None


def test_an_unpublished_year_shows_no_figure(client, portal):
    page = html(client, PROVINCE + "?year=2025")
    assert 'id="not-published"' in page
    assert "data-indicator" not in page
    assert 'id="charts"' not in page
    # the communes are listed, without a status
    assert "Phường Tân Phong" in page
    assert "data-status" not in page


def test_a_published_year_shows_its_figures_and_targets(client, portal):
    publish(portal.world, 2025)
    page = html(client, PROVINCE + "?year=2025&tree=current")
    assert 'id="not-published"' not in page
    # 1 of the 2 current wards meets the civilized-urban standard
    assert key_figure(page, SHARE) == "50,0%"
    assert 'data-target="T_URBAN"' in page
    # Tân Phong met it as reported, Đoàn Kết did not
    rows = dict(re.findall(r'data-unit="(\d+)">.*?data-status="(\w+)"', page, re.S))
    assert rows == {"03388": "not_met", "03395": "met"}


def test_the_latest_public_year_is_the_default(client, portal):
    publish(portal.world, 2024)
    page = html(client, PROVINCE)
    heading = re.search(r"<h1>(.*?)</h1>", page, re.S)
    assert heading
    assert "2024" in heading.group(1)


def test_a_year_before_is_shown_only_if_public(client, portal):
    # given 2025 published, 2024 not
    publish(portal.world, 2025)
    page = html(client, PROVINCE + "?year=2025&tree=current")
    # the change from 2024 is not told (2024 is not public)
    found = re.search(rf'data-indicator="{SHARE}">(.*?)</li>', page, re.S)
    assert found
    figure = found.group(1)
    assert "fig-change" not in figure
    # and the charts' series hold 2025 only
    charts = get(client, PROVINCE + "bieu-do/?year=2025&tree=current").json()
    trend = next(c for c in charts["charts"] if c["id"] == "chart-trend")
    assert trend["figure"]["data"][0]["x"] == [2025]


def test_a_reopened_form_hides_the_year_again(client, portal):
    world = portal.world
    publish(world, 2025)
    assert key_figure(html(client, PROVINCE + "?year=2025"), SHARE) == "50,0%"
    approval = Approval.objects.filter(period__code="2025").first()
    assert approval is not None
    approval_reopen(
        actor=world.tinh,
        data_set=approval.data_set,
        unit=approval.unit,
        period=approval.period,
    )
    page = html(client, PROVINCE + "?year=2025")
    assert 'id="not-published"' in page
    assert key_figure(page, SHARE) is None


def test_charts_of_an_unpublished_year_are_empty(client, portal):
    body = get(client, PROVINCE + "bieu-do/?year=2025").json()
    assert body == {"year": 2025, "tree": "current", "published": False, "charts": []}


def test_the_legacy_tree_before_the_reform(client, portal):
    publish(portal.world, 2023)
    page = html(client, PROVINCE + "?year=2023&tree=legacy")
    # the legacy wards, as reported: Quyết Tiến met it in 2023
    assert "Phường Quyết Tiến" in page
    assert key_figure(page, SHARE) == "50,0%"
    current = html(client, PROVINCE + "?year=2023&tree=current")
    # on today's wards the merged Đoàn Kết does not meet it as a whole
    assert key_figure(current, SHARE) == "0,0%"


def make_records(world):
    contribution_create(
        actor=world.xa,
        data=ContributionIn(
            unit=world.village_2,
            date=datetime.date(2025, 8, 1),
            kind="people",
            purpose="road",
            contributor_name="Lò Thị Riêng Tư",
            cash_vnd=150_000_000,
            project="Đường bê tông Bản Sùng Phài",
        ),
    )
    product = OcopProduct.objects.create(
        unit=world.doan_ket,
        name="Chè Shan Tuyết",
        group="drinks",
        producer_name="Hộ ông Vàng A Dính",
        producer_kind="household",
    )
    OcopRating.objects.create(
        product=product,
        stars=4,
        decision_number="12/QĐ-UBND",
        decision_date=datetime.date(2025, 3, 1),
        recognising_body="UBND tỉnh",
        expires_on=datetime.date(2028, 3, 1),
    )
    conference = Conference.objects.create(
        unit=world.doan_ket,
        held_on=datetime.date(2025, 10, 2),
        chair_role="government",
        chair_name="Nguyễn Văn Chủ Trì",
        chair_title="Chủ tịch UBND phường",
        participants_count=120,
        participants="Ông Bí Mật, bà Riêng Tư",
        issues="Đường vào bản xuống cấp.",
    )
    Commitment.objects.create(conference=conference, text="Sửa đường", status="done")
    make_petition(
        world.xa,
        world.village_2,
        received_on=datetime.date(2025, 9, 1),
        text="Nội dung kiến nghị riêng của người dân",
    )


def test_a_communes_public_records_show_without_personal_data(client, portal):
    world = portal.world
    make_records(world)
    page = html(client, "/cong-khai/xa/03388/?year=2025")
    # the year is not published: no status, but the public records
    assert 'id="not-published"' in page
    assert "Đường bê tông Bản Sùng Phài" in page
    assert "150 triệu đồng" in page
    assert "Chè Shan Tuyết" in page
    assert 'data-stars="4"' in page
    assert "Đường vào bản xuống cấp." in page
    assert 'data-count="received">1<' in page
    # never a contributor's name, a household producer's name, a chair's or
    # participant's name, a petition's text or contact
    for private in (
        "Lò Thị Riêng Tư",
        "Vàng A Dính",
        "Nguyễn Văn Chủ Trì",
        "Ông Bí Mật",
        "Nội dung kiến nghị riêng",
        "Lò Văn Bình",
        "0912 345 678",
    ):
        assert private not in page


def test_a_communes_published_year_shows_its_scorecard(client, portal):
    publish(portal.world, 2025)
    page = html(client, WARD + "?year=2025")
    assert 'id="standard"' in page
    assert 'data-set="' in page
    assert re.search(r'data-criterion="10">.*?data-status="met"', page, re.S)


def test_a_legacy_commune_is_named_with_its_day(client, portal):
    publish(portal.world, 2023)
    page = html(client, "/cong-khai/xa/03388/?year=2023&on=2025-06-30")
    assert "Phường Quyết Tiến" in page
    # it became part of today's Đoàn Kết
    assert "/cong-khai/xa/03388/" in page
    assert "Phường Đoàn Kết" in page


def test_unknown_units_are_404(client, portal):
    assert client.get("/cong-khai/tinh/99/").status_code == 404
    assert client.get("/cong-khai/xa/99999/").status_code == 404
    # a province code on the commune page is not a commune
    assert client.get("/cong-khai/xa/12/").status_code == 404


def test_pages_are_cached_with_validators(client, portal, django_assert_num_queries):
    publish(portal.world, 2025)
    first = get(client, PROVINCE + "?year=2025")
    assert first["Cache-Control"] == "public, max-age=60"
    assert first["ETag"].startswith('"')
    assert "Last-Modified" in first
    assert {"Accept-Language", "Cookie"} <= {
        v.strip() for v in first["Vary"].split(",")
    }
    # the same page again: from the cache, without a query
    with django_assert_num_queries(0):
        again = get(client, PROVINCE + "?year=2025")
    assert again.content == first.content
    # a browser holding it gets 304
    response = client.get(
        PROVINCE + "?year=2025", headers={"If-None-Match": first["ETag"]}
    )
    assert response.status_code == 304
    assert response["ETag"] == first["ETag"]


def test_the_page_changes_when_the_state_does(client, portal):
    world = portal.world
    publish(world, 2025)
    first = get(client, PROVINCE + "?year=2025")
    approval = Approval.objects.filter(period__code="2025").first()
    assert approval is not None
    approval_reopen(
        actor=world.tinh,
        data_set=approval.data_set,
        unit=approval.unit,
        period=approval.period,
    )
    response = client.get(
        PROVINCE + "?year=2025", headers={"If-None-Match": first["ETag"]}
    )
    assert response.status_code == 200
    assert response["ETag"] != first["ETag"]


def test_pages_read_no_session(client, portal):
    response = get(client, PROVINCE)
    assert "csrftoken" not in response.cookies
    assert "sessionid" not in response.cookies


def test_english_through_the_language_link(client, portal):
    response = client.get("/cong-khai/ngon-ngu/?lang=en&next=/cong-khai/tinh/12/")
    assert response.status_code == 302
    assert response["Location"] == "/cong-khai/tinh/12/"
    english = get(client, PROVINCE)
    assert '<html lang="en">' in english.content.decode()
    # one cached page per language
    client.cookies.clear()
    vietnamese = get(client, PROVINCE)
    assert '<html lang="vi">' in vietnamese.content.decode()
    assert english["ETag"] != vietnamese["ETag"]


def test_the_language_link_never_leaves_the_site(client, portal):
    response = client.get("/cong-khai/ngon-ngu/?lang=en&next=https://evil.example/")
    assert response["Location"] == "/cong-khai/"


def test_a_page_stays_light(client, portal):
    publish(portal.world, 2025)
    for url in (PROVINCE + "?year=2025", WARD + "?year=2025", "/cong-khai/"):
        assert len(get(client, url).content) < 500_000


def test_the_petition_counts_are_public(client, portal):
    world = portal.world
    make_petition(world.xa, world.village_2, received_on=timezone.localdate())
    year = timezone.localdate().year
    page = html(client, f"{PROVINCE}?year={year}")
    assert 'data-count="received">1<' in page


def test_another_provinces_unapproved_figures_stay_hidden(client, portal):
    # given Lai Châu and Điện Biên both published 2025
    world = portal.world
    publish(world, 2025)
    for data_set, unit, period in unapproved(world.other_province, 2025):
        approval_submit(actor=world.admin, data_set=data_set, unit=unit, period=period)
        approval_approve(actor=world.admin, data_set=data_set, unit=unit, period=period)
    services.publish(actor=world.admin, province=world.other_province, year=2025)
    commune = html(client, "/cong-khai/xa/03127/?year=2025")
    assert 'id="not-published"' not in commune
    assert 'id="standard"' in commune
    assert 'id="not-published"' not in html(client, "/cong-khai/tinh/11/?year=2025")
    assert client.get("/api/v1/public/provinces/11?year=2025").json()["published"]

    # when Điện Biên reopens Mường Phăng's form of 2025
    approval = Approval.objects.get(unit=world.other_commune, period__code="2025")
    approval_reopen(
        actor=world.admin,
        data_set=approval.data_set,
        unit=approval.unit,
        period=approval.period,
    )

    # then Điện Biên's 2025 figures are hidden again
    page = html(client, "/cong-khai/tinh/11/?year=2025")
    assert 'id="not-published"' in page
    assert "data-indicator" not in page
    commune = html(client, "/cong-khai/xa/03127/?year=2025")
    assert 'id="not-published"' in commune
    assert 'id="standard"' not in commune
    # and the API says the same
    body = client.get("/api/v1/public/provinces/11?year=2025").json()
    assert body["published"] is False
    assert body["headlines"] is None
    # while Lai Châu's own, all approved, stay public
    assert 'id="not-published"' not in html(client, PROVINCE + "?year=2025")


def test_a_result_on_an_unconfirmed_threshold_is_labelled(client, portal):
    from vandong.criteria.models import Evaluation

    publish(portal.world, 2025)
    judged = Evaluation.objects.filter(unit__code=WARD.split("/")[-2], year=2025)
    assert judged.exists()
    judged.update(unverified=True)
    page = html(client, WARD + "?year=2025")
    card = re.search(r'<details class="card scorecard".*?</summary>', page, re.S)
    assert card is not None
    assert "badge unverified" in card.group(0)
    standard = re.search(r'id="standard".*?</section>', page, re.S)
    assert standard is not None
    assert "badge unverified" in standard.group(0)
    row = re.search(
        rf'<a href="[^"]*{WARD.split("/")[-2]}/[^"]*">.*?</tr>',
        html(client, PROVINCE + "?year=2025"),
        re.S,
    )
    assert row is not None
    assert "badge unverified" in row.group(0)


def test_a_result_on_confirmed_thresholds_carries_no_label(client, portal):
    from vandong.criteria.models import Evaluation

    publish(portal.world, 2025)
    Evaluation.objects.filter(unit__code=WARD.split("/")[-2], year=2025).update(
        unverified=False
    )
    page = html(client, WARD + "?year=2025")
    assert 'data-set="' in page  # the scorecard is there, without the label
    assert "badge unverified" not in page


@pytest.mark.parametrize(
    "year", ["0000", "%C2%B2%C2%B2%C2%B2%C2%B2", "9999", "-2024", "abc"]
)
def test_a_year_the_campaign_cannot_have_shows_the_default_one(client, portal, year):
    publish(portal.world, 2025)
    for url in (
        PROVINCE,
        WARD,
        "/api/v1/public/provinces/12",
        "/api/v1/public/communes/03395",
    ):
        response = client.get(f"{url}?year={year}")
        assert response.status_code == 200, url
        assert "2025" in response.content.decode()


@pytest.mark.parametrize("code", ["%00", "12%00", "x" * 30, "1" * 30, "%C2%B2"])
def test_a_code_that_is_not_an_official_one_is_404(client, portal, code):
    for url in (
        f"/cong-khai/tinh/{code}/",
        f"/cong-khai/xa/{code}/",
        f"/api/v1/public/provinces/{code}",
        f"/api/v1/public/communes/{code}",
    ):
        assert client.get(url).status_code == 404, url
