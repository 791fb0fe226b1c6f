import pytest

pytestmark = pytest.mark.django_db

ELEMENTS = "/api/v1/data-elements"
DATA_SETS = "/api/v1/data-sets"


@pytest.fixture
def api(client, world, catalog):
    client.force_login(world.thon)
    return client


def codes(response):
    return [item["code"] for item in response.json()["items"]]


@pytest.mark.parametrize("url", [ELEMENTS, DATA_SETS])
def test_lists_refuse_anonymous_with_401(client, catalog, url):
    response = client.get(url)

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_element_item_shape(api):
    response = api.get(ELEMENTS, {"q": "HH_CULTURAL_PCT"})

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "code": "HH_CULTURAL_PCT",
                "name_vi": "Tỷ lệ hộ gia đình đạt tiêu chuẩn văn hóa",
                "name_en": "Share of households recognised as cultural families",
                "short_name_vi": "% hộ gia đình văn hóa",
                "value_type": "percent",
                "measure": "%",
                "level": 4,
                "tree_aggregation": "weighted_average",
                "time_aggregation": "last",
                "numerator": "HH_CULTURAL",
                "denominator": "HH_TOTAL",
                "is_computed": True,
                "min_value": 0.0,
                "max_value": 100.0,
                "dhis2_uid": "",
                "source_note": "“Đến năm 2020 toàn tỉnh có … 85% hộ gia đình … đạt "
                "tiêu chuẩn văn hóa”",
                "is_active": True,
            }
        ],
    }


def test_elements_are_paged_with_the_count_before_paging(
    api, django_assert_max_num_queries
):
    # given
    everything = api.get(ELEMENTS, {"limit": 1000}).json()

    # when
    with django_assert_max_num_queries(6):
        page = api.get(ELEMENTS, {"limit": 10, "offset": 10}).json()

    # then
    assert page["count"] == everything["count"] == len(everything["items"])
    assert codes_of(page) == codes_of(everything)[10:20]
    assert codes_of(everything) == sorted(codes_of(everything))


def codes_of(body):
    return [item["code"] for item in body["items"]]


def test_elements_filter_by_level_type_and_data_set(api):
    ratios = api.get(ELEMENTS, {"level": 1, "value_type": "percent"})
    form = api.get(ELEMENTS, {"data_set": "DISTRICT_YEARLY"})
    missing = api.get(ELEMENTS, {"data_set": "NOPE"})

    assert codes(ratios) == ["AGENCIES_CULTURAL_PCT", "FOREST_COVER_PCT"]
    assert codes(form) == ["DISTRICT_NTM_ATTAINED", "DISTRICT_NTM_YEAR"]
    assert {e["time_aggregation"] for e in form.json()["items"]} == {"last"}
    assert missing.status_code == 404
    assert missing.json()["code"] == "not_found"


def test_elements_refuse_a_bad_filter_with_422(api):
    response = api.get(ELEMENTS, {"level": 7})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_data_sets_list_their_elements_in_form_order(
    api, django_assert_max_num_queries
):
    # when
    with django_assert_max_num_queries(7):
        response = api.get(DATA_SETS, {"level": 3})

    # then
    body = response.json()
    assert body["count"] == 2
    commune = body["items"][0]
    assert commune["elements"][:3] == [
        "NTM_ATTAINED",
        "NTM_ATTAINED_YEAR",
        "CULTURAL_NTM_COMMUNE",
    ]


def test_data_sets_are_paged(api):
    response = api.get(DATA_SETS, {"limit": 2, "offset": 3})

    assert response.json()["count"] == 6
    assert codes(response) == ["PROVINCE_YEARLY", "VILLAGE_CRITERIA"]
