import json
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from vandong.accounts.auth import token_digest
from vandong.accounts.models import ApiToken
from vandong.catalog.models import DataElement, DataSet, Period, ValueType
from vandong.collect.models import Approval, DataValue, DataValueAudit, ImportBatch
from vandong.collect.rows import ValueRow
from vandong.collect.tests.factories import (
    make_data_set,
    make_element,
    make_period,
    make_rule,
)
from vandong.geo.models import Level

pytestmark = pytest.mark.django_db

WRITE = "/api/v1/data-values"
LIST = "/api/v1/data-values"
AUDIT = "/api/v1/data-values/audit"
IMPORT = "/api/v1/data-values/import"
APPROVALS = "/api/v1/approvals"


# --- a small catalog (also used by test_formats and test_commands) ----------------


@dataclass
class Catalog:
    y2020: Period
    y2025: Period
    commune_set: DataSet
    village_set: DataSet
    elements: dict[str, DataElement]


def catalog() -> Catalog:
    """Two years, commune and village elements of several types, a form of each
    level, and the rule cultural households ≤ households for villages."""
    specs = [
        ("XA_TO_HOA_GIAI", "Số tổ hòa giải", "Mediation teams", ValueType.INTEGER, 3),
        ("XA_TY_LE_BHYT", "Tỷ lệ tham gia BHYT", "Insured share", ValueType.PERCENT, 3),
        ("XA_DAT_CHUAN", "Đạt chuẩn NTM", "Meets the standard", ValueType.BOOLEAN, 3),
        ("THON_SO_HO", "Số hộ", "Households", ValueType.INTEGER, 4),
        (
            "THON_HO_VAN_HOA",
            "Số hộ văn hóa",
            "Cultural households",
            ValueType.INTEGER,
            4,
        ),
    ]
    elements = {
        code: make_element(
            code, name_vi=vi, name_en=en, value_type=value_type, level=level
        )
        for code, vi, en, value_type, level in specs
    }
    make_rule(
        "THON_VAN_HOA_LE_SO_HO",
        "THON_HO_VAN_HOA",
        "<=",
        "THON_SO_HO",
        level=Level.VILLAGE,
        name_vi="Hộ văn hóa không vượt số hộ",
        name_en="Cultural households do not exceed households",
    )
    return Catalog(
        y2020=make_period("2020"),
        y2025=make_period("2025"),
        commune_set=make_data_set(
            "XA_NAM", [e for e in elements.values() if e.level == Level.COMMUNE]
        ),
        village_set=make_data_set(
            "THON_NAM",
            [e for e in elements.values() if e.level == Level.VILLAGE],
            level=Level.VILLAGE,
        ),
        elements=elements,
    )


def write_as_system(rows, *, dry_run=False):
    from vandong.collect.services import data_values_write

    return data_values_write(
        actor=None,
        rows=[
            ValueRow(data_element=e, unit_code=u, period=p, value=v, row=n)
            for n, (e, u, p, v) in enumerate(rows, start=1)
        ],
        channel="system",
        dry_run=dry_run,
    )


def stored():
    return sorted(
        (dv.data_element.code, dv.unit.code, dv.period.code, dv.value)
        for dv in DataValue.objects.select_related("data_element", "unit", "period")
    )


@pytest.fixture
def cat(world):
    return catalog()


@pytest.fixture
def as_xa(client, world, cat):
    client.force_login(world.xa)
    return client


@pytest.fixture
def as_tinh(client, world, cat):
    client.force_login(world.tinh)
    return client


def post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def v(element, unit, val, period="2025", **more):
    return {
        "data_element": element,
        "unit": unit,
        "period": period,
        "value": val,
        **more,
    }


# --- POST /data-values ------------------------------------------------------------


def test_write_stores_values_audits_them_and_answers_counts(as_xa, world):
    # when
    response = post(
        as_xa,
        WRITE,
        {
            "values": [
                v("XA_TO_HOA_GIAI", "03388", 4, comment="theo báo cáo"),
                v("XA_TY_LE_BHYT", "03388", "61,5"),
            ]
        },
    )

    # then
    body = response.json()
    assert response.status_code == 200, body
    assert body["created"] == 2
    assert (body["updated"], body["unchanged"], body["deleted"]) == (0, 0, 0)
    assert body["dry_run"] is False
    assert body["violations"] == []
    assert ImportBatch.objects.filter(pk=body["batch_id"]).exists() is True
    assert stored() == [
        ("XA_TO_HOA_GIAI", "03388", "2025", 4.0),
        ("XA_TY_LE_BHYT", "03388", "2025", 61.5),
    ]
    note = DataValue.objects.get(data_element__code="XA_TO_HOA_GIAI")
    assert note.comment == "theo báo cáo"
    assert note.channel == "api"
    assert note.unit == world.doan_ket
    assert note.updated_by == world.xa
    audits = DataValueAudit.objects.all()
    assert {(a.action, a.channel, a.actor_id) for a in audits} == {
        ("create", "api", world.xa.pk)
    }
    assert audits.count() == 2


def test_write_updates_keeps_and_deletes(as_xa):
    # given
    post(
        as_xa,
        WRITE,
        {"values": [v("XA_TO_HOA_GIAI", "03388", 4), v("XA_TY_LE_BHYT", "03388", 50)]},
    )
    post(as_xa, WRITE, {"values": [v("XA_DAT_CHUAN", "03388", True)]})

    # when
    response = post(
        as_xa,
        WRITE,
        {
            "values": [
                v("XA_TO_HOA_GIAI", "03388", 5),
                v("XA_TY_LE_BHYT", "03388", "50"),
                v("XA_DAT_CHUAN", "03388", None),
            ]
        },
    )

    # then
    body = response.json()
    assert response.status_code == 200, body
    assert (body["created"], body["updated"], body["unchanged"], body["deleted"]) == (
        0,
        1,
        1,
        1,
    )
    assert stored() == [
        ("XA_TO_HOA_GIAI", "03388", "2025", 5.0),
        ("XA_TY_LE_BHYT", "03388", "2025", 50.0),
    ]


def test_commune_officer_is_refused_a_neighbour_commune_with_the_row_named(
    as_xa,
):
    # when
    response = post(
        as_xa,
        WRITE,
        {
            "values": [
                v("XA_TO_HOA_GIAI", "03388", 4),
                v("XA_TO_HOA_GIAI", "03395", 9),
                v("XA_TO_HOA_GIAI", "03127", 1),
            ]
        },
    )

    # then
    body = response.json()
    assert response.status_code == 403
    assert body["code"] == "out_of_scope"
    assert body["message_vi"]
    assert body["message_en"]
    assert [(r["row"], r["unit"], r["element"]) for r in body["rows"]] == [
        (2, "03395", "XA_TO_HOA_GIAI"),
        (3, "03127", "XA_TO_HOA_GIAI"),
    ]
    assert all(r["message_vi"] and r["message_en"] for r in body["rows"])
    assert DataValue.objects.count() == 0
    assert DataValueAudit.objects.count() == 0


def test_village_reporter_is_refused_a_commune_value(client, world, cat):
    client.force_login(world.thon)

    response = post(
        client,
        WRITE,
        {"values": [v("THON_SO_HO", "03388-01", 80), v("THON_SO_HO", "03388-02", 70)]},
    )

    assert response.status_code == 403
    assert [r["row"] for r in response.json()["rows"]] == [2]
    assert DataValue.objects.count() == 0


def test_write_answers_the_rule_violations_it_leaves(as_xa):
    # when
    response = post(
        as_xa,
        WRITE,
        {
            "values": [
                v("THON_SO_HO", "03388-01", 80),
                v("THON_HO_VAN_HOA", "03388-01", 95),
            ]
        },
    )

    # then
    body = response.json()
    assert response.status_code == 200, body
    assert body["created"] == 2
    assert len(body["violations"]) == 1
    violation = body["violations"][0]
    assert violation["rule_code"] == "THON_VAN_HOA_LE_SO_HO"
    assert violation["severity"] == "error"
    assert (violation["unit"], violation["period"]) == ("03388-01", "2025")
    assert (violation["left_value"], violation["right_value"]) == (95.0, 80.0)
    assert sorted(violation["element_codes"]) == ["THON_HO_VAN_HOA", "THON_SO_HO"]
    assert violation["message_vi"]
    assert violation["message_en"]


def test_invalid_rows_are_all_listed_and_nothing_is_stored(as_xa):
    # when
    response = post(
        as_xa,
        WRITE,
        {
            "values": [
                v("XA_TO_HOA_GIAI", "03388", 4),
                v("XA_DAT_CHUAN", "03388", "có lẽ"),
                v("KHONG_CO", "03388", 1),
                v("XA_TY_LE_BHYT", "03388", 120),
                v("XA_TO_HOA_GIAI", "99999", 1),
                v("THON_SO_HO", "03388", 1),
            ]
        },
    )

    # then
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "invalid_rows"
    assert body["message_vi"]
    assert body["message_en"]
    assert {r["row"] for r in body["rows"]} == {2, 3, 4, 5, 6}
    assert DataValue.objects.count() == 0


def test_a_locked_data_set_refuses_writes_with_409(client, world, cat):
    # given
    from vandong.collect.services import approval_approve, approval_submit

    write_as_system([("XA_TO_HOA_GIAI", "03388", "2025", "4")])
    approval_submit(
        actor=world.xa, data_set=cat.commune_set, unit=world.doan_ket, period=cat.y2025
    )
    approval_approve(
        actor=world.tinh,
        data_set=cat.commune_set,
        unit=world.doan_ket,
        period=cat.y2025,
    )
    client.force_login(world.xa)

    # when
    response = post(
        client,
        WRITE,
        {"values": [v("THON_SO_HO", "03388-01", 80), v("XA_TO_HOA_GIAI", "03388", 5)]},
    )

    # then
    body = response.json()
    assert response.status_code == 409
    assert body["code"] == "locked"
    assert [(r["row"], r["unit"], r["element"]) for r in body["rows"]] == [
        (2, "03388", "XA_TO_HOA_GIAI")
    ]
    assert stored() == [("XA_TO_HOA_GIAI", "03388", "2025", 4.0)]


def test_dry_run_counts_and_stores_nothing(as_xa):
    # given
    post(as_xa, WRITE, {"values": [v("XA_TO_HOA_GIAI", "03388", 4)]})

    # when
    response = post(
        as_xa,
        WRITE,
        {
            "values": [v("XA_TO_HOA_GIAI", "03388", 6), v("XA_TY_LE_BHYT", "03388", 1)],
            "dry_run": True,
        },
    )

    # then
    body = response.json()
    assert response.status_code == 200, body
    assert body["dry_run"] is True
    assert (body["created"], body["updated"]) == (1, 1)
    assert stored() == [("XA_TO_HOA_GIAI", "03388", "2025", 4.0)]
    assert DataValueAudit.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"values": []},
        {"values": [{"data_element": "XA_TO_HOA_GIAI", "unit": "03388"}]},
        {"values": [{**v("XA_TO_HOA_GIAI", "03388", 1), "value": {"x": 1}}]},
        {"values": [{**v("XA_TO_HOA_GIAI", "03388", 1), "comment": "x" * 501}]},
        {"values": "03388"},
    ],
)
def test_a_malformed_body_is_refused_with_422(as_xa, body):
    response = post(as_xa, WRITE, body)

    assert response.status_code == 422
    assert response.json()["code"] == "invalid"
    assert DataValue.objects.count() == 0


def test_a_body_that_is_not_json_is_refused(as_xa):
    response = as_xa.post(WRITE, "values=1", content_type="application/json")

    assert response.status_code in (400, 422)
    assert DataValue.objects.count() == 0


def test_too_many_values_are_refused_and_the_limit_said(as_xa, settings):
    # given
    settings.VANDONG_MAX_API_VALUES = 2

    # when
    response = post(
        as_xa,
        WRITE,
        {"values": [v("XA_TO_HOA_GIAI", "03388", n) for n in range(3)]},
    )

    # then
    body = response.json()
    assert response.status_code == 400
    assert body["code"] == "too_many_values"
    assert body["message_en"] == (
        "At most 2 values a call; this request has 3. Send them in several calls."
    )
    assert body["message_vi"] == (
        "Mỗi lần gọi gửi tối đa 2 giá trị; yêu cầu này có 3. Hãy chia thành nhiều "
        "lần gửi."
    )


def test_the_default_limit_is_50000_values(settings):
    from vandong.collect.api import max_api_values

    assert max_api_values() == 50_000


def test_a_body_over_the_byte_limit_is_refused_with_413(as_xa, settings):
    # given
    settings.VANDONG_MAX_API_BYTES = 200

    # when
    response = post(
        as_xa,
        WRITE,
        {"values": [v("XA_TO_HOA_GIAI", "03388", n) for n in range(5)]},
    )

    # then
    body = response.json()
    assert response.status_code == 413
    assert body["code"] == "too_large"
    assert "the limit is 200 byte a call" in body["message_en"]
    assert "giới hạn là 200 byte mỗi lần gọi" in body["message_vi"]
    assert DataValue.objects.count() == 0


def test_a_body_above_djangos_upload_limit_is_read(as_xa, settings):
    # given: Django alone would refuse any body over 2.5 MB (here 300 bytes).
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 300
    values = [
        v("THON_SO_HO", "03388-01", 80, comment="x" * 200),
        v("THON_HO_VAN_HOA", "03388-01", 60, comment="y" * 200),
    ]
    assert len(json.dumps({"values": values})) > 300

    # when
    response = post(as_xa, WRITE, {"values": values})

    # then
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 2


def test_anonymous_is_refused_with_401(client, cat):
    response = post(client, WRITE, {"values": [v("XA_TO_HOA_GIAI", "03388", 4)]})

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert DataValue.objects.count() == 0


def test_a_session_write_needs_the_csrf_token(world, cat):
    # given
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.xa)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    body = {"values": [v("XA_TO_HOA_GIAI", "03388", 4)]}

    # when
    without = post(client, WRITE, body)
    with_token = post(client, WRITE, body, HTTP_X_CSRFTOKEN=token)

    # then
    assert without.status_code == 403
    assert DataValue.objects.count() == 1
    assert with_token.status_code == 200, with_token.content


def test_a_bearer_token_writes_as_its_user(client, world, cat):
    # given
    ApiToken.objects.create(
        user=world.xa, name="test", digest=token_digest("tok-xa"), prefix="tok"
    )

    # when
    response = post(
        client,
        WRITE,
        {"values": [v("XA_TO_HOA_GIAI", "03388", 4), v("XA_TO_HOA_GIAI", "03395", 4)]},
        HTTP_AUTHORIZATION="Bearer tok-xa",
    )
    ok = post(
        client,
        WRITE,
        {"values": [v("XA_TO_HOA_GIAI", "03388", 4)]},
        HTTP_AUTHORIZATION="Bearer tok-xa",
    )
    wrong = post(
        client,
        WRITE,
        {"values": [v("XA_TO_HOA_GIAI", "03388", 4)]},
        HTTP_AUTHORIZATION="Bearer nope",
    )

    # then
    assert response.status_code == 403
    assert [r["row"] for r in response.json()["rows"]] == [2]
    assert ok.status_code == 200
    assert DataValue.objects.get().updated_by == world.xa
    assert wrong.status_code == 401


# --- GET /data-values -------------------------------------------------------------


@pytest.fixture
def values(world, cat):
    write_as_system(
        [
            ("XA_TO_HOA_GIAI", "03388", "2025", "4"),
            ("XA_TY_LE_BHYT", "03388", "2025", "61,5"),
            ("XA_DAT_CHUAN", "03388", "2025", "có"),
            ("XA_TO_HOA_GIAI", "03395", "2025", "7"),
            ("XA_TO_HOA_GIAI", "03127", "2025", "2"),
            ("THON_SO_HO", "03388-01", "2025", "80"),
            ("THON_SO_HO", "03388-02", "2025", "70"),
            # 2020: the code 03388 names the legacy ward Quyết Tiến.
            ("XA_TO_HOA_GIAI", "03388", "2020", "3"),
            ("XA_TO_HOA_GIAI", "03389", "2020", "5"),
        ]
    )


def keys(response):
    return [
        (i["data_element"], i["unit"], i["period"]) for i in response.json()["items"]
    ]


def test_list_item_shape_and_typed_values(as_xa, values, world):
    response = as_xa.get(LIST, {"unit": "03388", "period": "2025"})

    body = response.json()
    assert response.status_code == 200, body
    assert body["count"] == 3
    by_element = {i["data_element"]: i for i in body["items"]}
    assert by_element["XA_TO_HOA_GIAI"]["value"] == 4
    assert by_element["XA_TY_LE_BHYT"]["value"] == 61.5
    assert by_element["XA_DAT_CHUAN"]["value"] is True
    item = by_element["XA_TO_HOA_GIAI"]
    assert set(item) == {
        "data_element",
        "unit",
        "unit_name",
        "period",
        "value",
        "comment",
        "updated_at",
    }
    assert (item["unit"], item["unit_name"], item["period"]) == (
        "03388",
        "Phường Đoàn Kết",
        "2025",
    )


def test_list_is_scoped_to_what_the_user_may_view(client, world, values):
    client.force_login(world.ngoai)

    response = client.get(LIST)

    assert response.json()["count"] == 1
    assert keys(response) == [("XA_TO_HOA_GIAI", "03127", "2025")]


def test_list_for_the_province_officer_holds_both_trees(as_tinh, values):
    response = as_tinh.get(LIST, {"limit": 1000})

    assert response.json()["count"] == 8
    assert ("XA_TO_HOA_GIAI", "03127", "2025") not in keys(response)


def test_list_reads_the_unit_code_on_the_periods_last_day(as_tinh, values):
    legacy = as_tinh.get(LIST, {"unit": "03388", "period": "2020"})
    current = as_tinh.get(LIST, {"unit": "03388", "period": "2025"})

    assert legacy.json()["items"][0]["unit_name"] == "Phường Quyết Tiến"
    assert keys(legacy) == [("XA_TO_HOA_GIAI", "03388", "2020")]
    assert current.json()["count"] == 3


def test_list_without_a_period_reads_the_unit_code_today_or_on_valid_on(
    as_tinh, values
):
    today = as_tinh.get(LIST, {"unit": "03388"})
    in_2020 = as_tinh.get(LIST, {"unit": "03388", "valid_on": "2020-06-01"})

    assert {i["unit_name"] for i in today.json()["items"]} == {"Phường Đoàn Kết"}
    assert today.json()["count"] == 3
    assert keys(in_2020) == [("XA_TO_HOA_GIAI", "03388", "2020")]


def test_list_with_children_holds_the_subtree(as_xa, values):
    response = as_xa.get(LIST, {"unit": "03388", "period": "2025", "children": "true"})

    assert sorted(keys(response)) == [
        ("THON_SO_HO", "03388-01", "2025"),
        ("THON_SO_HO", "03388-02", "2025"),
        ("XA_DAT_CHUAN", "03388", "2025"),
        ("XA_TO_HOA_GIAI", "03388", "2025"),
        ("XA_TY_LE_BHYT", "03388", "2025"),
    ]


def test_list_by_data_element(as_tinh, values):
    response = as_tinh.get(LIST, {"data_element": "THON_SO_HO"})

    assert sorted(keys(response)) == [
        ("THON_SO_HO", "03388-01", "2025"),
        ("THON_SO_HO", "03388-02", "2025"),
    ]


def test_list_pages_with_a_stable_order(as_tinh, values):
    pages = [
        as_tinh.get(LIST, {"limit": 3, "offset": offset}).json() for offset in (0, 3, 6)
    ]

    assert [p["count"] for p in pages] == [8, 8, 8]
    assert [len(p["items"]) for p in pages] == [3, 3, 2]
    seen = [
        k
        for p in pages
        for k in [(i["data_element"], i["unit"], i["period"]) for i in p["items"]]
    ]
    assert len(set(seen)) == 8


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"data_element": "KHONG_CO"}, "data_element"),
        ({"period": "1999"}, "period"),
        ({"unit": "99999", "period": "2025"}, "unit"),
    ],
)
def test_list_unknown_codes_are_404(as_xa, values, params, field):
    response = as_xa.get(LIST, params)

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["field"] == field


def test_list_refuses_a_bad_limit(as_xa):
    assert as_xa.get(LIST, {"limit": 0}).status_code == 422
    assert as_xa.get(LIST, {"limit": 1001}).status_code == 422


def test_list_query_count_does_not_grow_with_the_values(
    as_tinh, world, cat, django_assert_max_num_queries
):
    # given
    write_as_system([("THON_SO_HO", "03388-01", "2025", "1")])
    with CaptureQueriesContext(connection) as few:
        as_tinh.get(LIST, {"limit": 1000})
    write_as_system(
        [
            (element, village, "2025", "5")
            for element in ("THON_SO_HO", "THON_HO_VAN_HOA")
            for village in ("03388-01", "03388-02", "03395-01")
        ]
        + [
            (element, commune, year, "1")
            for element in ("XA_TO_HOA_GIAI", "XA_TY_LE_BHYT")
            for commune, year in (
                ("03388", "2025"),
                ("03395", "2025"),
                ("03389", "2020"),
            )
        ]
    )

    # when
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = as_tinh.get(LIST, {"limit": 1000})

    # then
    assert response.json()["count"] == 12
    assert len(many.captured_queries) == len(few.captured_queries)
    # session, user, roles, the page, the count
    assert len(few.captured_queries) == 5


def test_list_with_every_filter_has_a_fixed_query_count(
    as_tinh, values, django_assert_num_queries
):
    # session, user, roles, element, period, unit, the page, the count
    with django_assert_num_queries(8):
        response = as_tinh.get(
            LIST,
            {
                "data_element": "THON_SO_HO",
                "unit": "03388",
                "period": "2025",
                "children": "true",
            },
        )

    assert response.json()["count"] == 2


def test_list_with_a_token_has_a_fixed_query_count(
    client, world, values, django_assert_num_queries
):
    # given
    ApiToken.objects.create(
        user=world.tinh, name="t", digest=token_digest("tok-tinh"), prefix="tok"
    )
    client.get(LIST, HTTP_AUTHORIZATION="Bearer tok-tinh")  # stamps last_used_at

    # when: token and user (one join), roles, the page, the count
    with django_assert_num_queries(4):
        response = client.get(LIST, HTTP_AUTHORIZATION="Bearer tok-tinh")

    # then
    assert response.json()["count"] == 8


# --- GET /data-values/audit -------------------------------------------------------


def test_audit_lists_every_change_newest_first(as_xa, world):
    # given
    post(as_xa, WRITE, {"values": [v("XA_TO_HOA_GIAI", "03388", 4)]})
    post(as_xa, WRITE, {"values": [v("XA_TO_HOA_GIAI", "03388", 6)]})
    write_as_system([("XA_TO_HOA_GIAI", "03388", "2025", None)])

    # when
    response = as_xa.get(
        AUDIT, {"data_element": "XA_TO_HOA_GIAI", "unit": "03388", "period": "2025"}
    )

    # then
    body = response.json()
    assert response.status_code == 200, body
    assert (body["unit"], body["unit_name"], body["period"]) == (
        "03388",
        "Phường Đoàn Kết",
        "2025",
    )
    assert [(i["action"], i["actor"], i["channel"]) for i in body["items"]] == [
        ("delete", None, "system"),
        ("update", "xa", "api"),
        ("create", "xa", "api"),
    ]
    assert [i["new_value"] for i in body["items"]][1:] == ["6", "4"]
    assert body["items"][1]["old_value"] == "4"
    assert all(i["batch_id"] for i in body["items"])


def test_audit_of_a_neighbour_commune_is_refused(client, world, values):
    client.force_login(world.ngoai)

    response = client.get(
        AUDIT, {"data_element": "XA_TO_HOA_GIAI", "unit": "03388", "period": "2025"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "out_of_scope"


def test_audit_needs_the_whole_key(as_xa):
    response = as_xa.get(AUDIT, {"data_element": "XA_TO_HOA_GIAI", "unit": "03388"})

    assert response.status_code == 422


# --- approvals ----------------------------------------------------------------------


def approval_body(unit="03388"):
    return {"data_set": "XA_NAM", "unit": unit, "period": "2025"}


def test_submit_approve_reopen_through_the_api(client, world, values):
    # given
    client.force_login(world.xa)

    # when
    submitted = post(client, f"{APPROVALS}/submit", approval_body())
    refused = post(client, f"{APPROVALS}/approve", approval_body())
    client.force_login(world.tinh)
    approved = post(client, f"{APPROVALS}/approve", approval_body())
    state = client.get(APPROVALS, approval_body())
    reopened = post(client, f"{APPROVALS}/reopen", approval_body())

    # then
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["state"] == "submitted"
    assert submitted.json()["updated_by"] == "xa"
    assert refused.status_code == 403
    assert refused.json()["code"] in ("out_of_scope", "not_allowed")
    assert approved.json()["state"] == "approved"
    assert state.json() == {
        **approved.json(),
        "unit_name": "Phường Đoàn Kết",
    }
    assert state.json()["state"] == "approved"
    assert reopened.json()["state"] == "draft"
    assert Approval.objects.get().state == "draft"


def test_approval_state_without_a_row_is_draft(as_xa):
    response = as_xa.get(APPROVALS, approval_body())

    assert response.status_code == 200
    assert response.json() == {
        "data_set": "XA_NAM",
        "unit": "03388",
        "unit_name": "Phường Đoàn Kết",
        "period": "2025",
        "state": "draft",
        "updated_at": None,
        "updated_by": None,
    }


def test_approval_of_a_neighbour_commune_is_refused(client, world, cat):
    client.force_login(world.ngoai)

    submitted = post(client, f"{APPROVALS}/submit", approval_body())
    read = client.get(APPROVALS, approval_body())

    assert submitted.status_code == 403
    assert read.status_code == 403
    assert Approval.objects.count() == 0


def test_approval_unknown_action_and_codes(as_xa):
    assert post(as_xa, f"{APPROVALS}/lock", approval_body()).status_code == 422
    unknown = post(as_xa, f"{APPROVALS}/submit", {**approval_body(), "data_set": "X"})
    assert unknown.status_code == 404
    assert unknown.json()["field"] == "data_set"


# --- POST /data-values/import -------------------------------------------------------


def upload(client, name, content, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(
        f"{IMPORT}?{query}" if query else IMPORT,
        {"file": SimpleUploadedFile(name, content)},
    )


CSV = (
    "data_element,unit_code,period,value,comment\n"
    "THON_SO_HO,03388-01,2025,80,\n"
    "THON_HO_VAN_HOA,03388-01,2025,60,tự khai\n"
).encode()


def test_import_a_csv_through_the_api(as_xa, world):
    response = upload(as_xa, "so-lieu.csv", CSV)

    body = response.json()
    assert response.status_code == 200, body
    assert body["created"] == 2
    batch = ImportBatch.objects.get(pk=body["batch_id"])
    assert (batch.filename, batch.format, batch.channel) == (
        "so-lieu.csv",
        "csv",
        "import",
    )
    assert {a.channel for a in DataValueAudit.objects.all()} == {"import"}
    assert stored() == [
        ("THON_HO_VAN_HOA", "03388-01", "2025", 60.0),
        ("THON_SO_HO", "03388-01", "2025", 80.0),
    ]


def test_import_a_filled_excel_template_through_the_api(as_xa, world, cat):
    # given: the village template of the commune, two cells typed in
    import io

    from openpyxl import load_workbook

    from vandong.collect import excel

    template = excel.build_template(
        data_set=cat.village_set, period=cat.y2025, root=world.doan_ket, actor=world.xa
    )
    book = load_workbook(io.BytesIO(template))
    sheet = book[excel.DATA_SHEET]
    codes = [c.value for c in sheet[excel.FIRST_DATA_ROW - 1]]
    units = [c.value for c in sheet["A"]]
    row = units.index("03388-02") + 1
    sheet.cell(row=row, column=codes.index("THON_SO_HO") + 1).value = 70
    sheet.cell(row=row, column=codes.index("THON_HO_VAN_HOA") + 1).value = 65
    filled = io.BytesIO()
    book.save(filled)

    # when
    response = upload(as_xa, "thon.xlsx", filled.getvalue())

    # then
    body = response.json()
    assert response.status_code == 200, body
    assert body["created"] == 2
    assert ImportBatch.objects.get(pk=body["batch_id"]).format == "xlsx"
    assert stored() == [
        ("THON_HO_VAN_HOA", "03388-02", "2025", 65.0),
        ("THON_SO_HO", "03388-02", "2025", 70.0),
    ]


def test_import_dry_run_stores_nothing(as_xa):
    response = upload(as_xa, "so-lieu.csv", CSV, dry_run="true")

    assert response.status_code == 200
    assert response.json()["dry_run"] is True
    assert response.json()["created"] == 2
    assert DataValue.objects.count() == 0


def test_import_of_a_neighbour_commune_names_the_row(as_xa):
    content = CSV + b"THON_SO_HO,03395-01,2025,12,\n"

    response = upload(as_xa, "so-lieu.csv", content)

    body = response.json()
    assert response.status_code == 403
    assert body["code"] == "out_of_scope"
    assert [(r["row"], r["unit"]) for r in body["rows"]] == [(4, "03395-01")]
    assert DataValue.objects.count() == 0


def test_import_refuses_a_png_renamed_csv(as_xa):
    response = upload(as_xa, "so-lieu.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_file"
    assert response.json()["message_en"].endswith("it holds a PNG image.")


def test_import_refuses_a_file_over_the_limit(as_xa, settings):
    settings.VANDONG_MAX_IMPORT_BYTES = 50

    response = upload(as_xa, "so-lieu.csv", CSV)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_file"
    assert "the limit is 50 byte" in response.json()["message_en"]


def test_import_needs_a_file(as_xa):
    assert as_xa.post(IMPORT).status_code == 422


# --- OpenAPI ----------------------------------------------------------------------


def test_the_endpoints_are_documented(client):
    schema = client.get("/api/v1/openapi.json").json()

    paths = schema["paths"]
    assert paths["/api/v1/data-values"]["post"]["summary"] == (
        "Write data values, all or none"
    )
    assert paths["/api/v1/data-values"]["get"]["summary"] == (
        "List data values you may view"
    )
    assert "get" in paths["/api/v1/data-values/audit"]
    assert "post" in paths["/api/v1/data-values/import"]
    assert "post" in paths["/api/v1/approvals/{action}"]
    assert "get" in paths["/api/v1/approvals"]
    for name in ("DataValuesIn", "ValueIn", "WriteResultOut", "ErrorOut"):
        assert name in schema["components"]["schemas"]
    responses = paths["/api/v1/data-values"]["post"]["responses"]
    assert set(responses) >= {"200", "400", "403", "409", "413"}
