"""The analytics store built from the database, queried on both trees, and
kept in step when values change; through the services, the API and the
command line."""

import polars as pl
import pytest
from django.core.management import call_command
from django.test import Client

from conftest import PASSWORD, World
from vandong.analytics import extract, queries, services
from vandong.analytics.models import Indicator
from vandong.analytics.store import Store
from vandong.collect.rows import ValueRow
from vandong.collect.services import data_values_write
from vandong.collect.tests.factories import Catalog, make_catalog
from vandong.geo.models import LEGACY_END
from vandong.geo.tests.factories import make_unit
from vandong.geo.tree import set_path

pytestmark = pytest.mark.django_db


def write(rows: list[tuple[str, str, str, object]]) -> None:
    data_values_write(
        actor=None, rows=[ValueRow(e, u, p, v) for e, u, p, v in rows], channel="import"
    )


@pytest.fixture
def catalog(world: World) -> Catalog:
    catalog = make_catalog()
    # Before the reform the two legacy wards report; after, the merged ward.
    write(
        [
            ("T_HH", "03388", "2024", 100),
            ("T_HH_CULT", "03388", "2024", 90),
            ("T_HH", "03389", "2024", 300),
            ("T_HH_CULT", "03389", "2024", 150),
            ("T_DRUG_FREE", "03388", "2024", 1),
            ("T_DRUG_FREE", "03389", "2024", 0),
            ("T_CASH", "03388", "2024", 1_000_000),
            ("T_CASH", "03389", "2024", 2_000_000),
            ("T_HH", "03388", "2025", 410),
            ("T_HH_CULT", "03388", "2025", 300),
            ("T_HH", "03395", "2025", 200),
            ("T_HH_CULT", "03395", "2025", 180),
            ("T_DRUG_FREE", "03388", "2025", 1),
        ]
    )
    Indicator.objects.create(
        code="CULT_SHARE",
        name_vi="Tỷ lệ hộ văn hóa",
        name_en="Cultural households",
        numerator="T_HH_CULT",
        denominator="T_HH",
        factor=100,
        measure_vi="%",
    )
    Indicator.objects.create(
        code="DRUG_FREE_WARDS",
        name_vi="Tỷ lệ phường không ma túy",
        name_en="Drug-free wards",
        numerator="T_DRUG_FREE",
        denominator="units(phuong)",
        factor=100,
    )
    return catalog


def by_period(rows: list[queries.Row]) -> dict[str, queries.Row]:
    return {r.period: r for r in rows}


def test_province_share_is_recomputed_from_summed_parts(
    world: World, catalog: Catalog
) -> None:
    services.rebuild(cold=True)
    rows = by_period(queries.rows("CULT_SHARE", unit=world.province))
    # 2024: (90 + 150) / (100 + 300) = 60 %, not the wards' average of 67.5 %.
    assert rows["2024"].value == pytest.approx(60.0)
    assert (rows["2024"].numerator, rows["2024"].denominator) == (240, 400)
    assert rows["2025"].value == pytest.approx(480 / 610 * 100)


def test_the_legacy_tree_shows_the_wards_as_reported(
    world: World, catalog: Catalog
) -> None:
    services.rebuild(cold=True)
    rows = queries.rows("T_HH", unit=world.legacy_district, level=3, periods=["2024"])
    assert [(r.unit_code, r.unit_name, r.value) for r in rows] == [
        ("03388", "Phường Quyết Tiến", 100),
        ("03389", "Phường Đoàn Kết", 300),
    ]


def test_the_merged_ward_on_the_current_tree_carries_its_legacy_wards(
    world: World, catalog: Catalog
) -> None:
    services.rebuild(cold=True)
    series = by_period(queries.series("CULT_SHARE", world.doan_ket, tree="current"))
    # Quyết Tiến and Đoàn Kết merged into today's Phường Đoàn Kết (code 03388).
    assert series["2024"].numerator == 240
    assert series["2024"].denominator == 400
    assert series["2024"].value == pytest.approx(60.0)
    assert not series["2024"].estimate
    assert series["2025"].value == pytest.approx(300 / 410 * 100)
    # A status is judged again, not added: one of the two wards was not drug-free.
    drug = by_period(queries.series("T_DRUG_FREE", world.doan_ket, tree="current"))
    assert drug["2024"].value == 0
    assert drug["2025"].value == 1
    # Flows sum over the merged wards.
    cash = by_period(queries.series("T_CASH", world.doan_ket, tree="current"))
    assert cash["2024"].value == 3_000_000


def test_counts_of_units_follow_the_tree(world: World, catalog: Catalog) -> None:
    services.rebuild(cold=True)
    legacy = by_period(
        queries.rows("DRUG_FREE_WARDS", unit=world.province, tree="legacy")
    )
    current = by_period(
        queries.rows("DRUG_FREE_WARDS", unit=world.province, tree="current")
    )
    # As reported: 1 of the 2 legacy wards in 2024; in 2025 1 of the 2 current.
    assert (legacy["2024"].numerator, legacy["2024"].denominator) == (1, 2)
    assert (legacy["2025"].numerator, legacy["2025"].denominator) == (1, 2)
    # Today's wards seen back in 2024: Đoàn Kết was not drug-free as a whole,
    # Tân Phong did not report.
    assert (current["2024"].numerator, current["2024"].denominator) == (0, 2)


def test_phases_sum_flows_and_take_the_last_stock(
    world: World, catalog: Catalog
) -> None:
    services.rebuild(cold=True)
    rows = by_period(
        queries.rows("T_CASH", unit=world.province, periods=["2021-2025", "2024"])
    )
    assert rows["2021-2025"].value == 3_000_000
    households = by_period(
        queries.rows("T_HH", unit=world.province, periods=["2021-2025"])
    )
    assert households["2021-2025"].value == 610  # 2025's, not the sum of years


def test_a_changed_value_is_rolled_up_without_a_rebuild(
    world: World, catalog: Catalog, django_capture_on_commit_callbacks
) -> None:
    services.rebuild(cold=True)
    with django_capture_on_commit_callbacks(execute=True):
        write([("T_HH_CULT", "03389", "2024", 250)])
    rows = by_period(queries.rows("CULT_SHARE", unit=world.province))
    assert rows["2024"].numerator == 340
    current = by_period(queries.series("CULT_SHARE", world.doan_ket, tree="current"))
    assert current["2024"].numerator == 340
    assert Store().manifest()["refreshed_at"]


def test_a_warm_rebuild_gives_what_a_cold_one_gives(
    world: World, catalog: Catalog
) -> None:
    services.rebuild(cold=True)
    cold = queries.rows("CULT_SHARE", unit=world.province, level=3, tree="current")
    report = services.rebuild()
    assert not report.cold
    assert (
        queries.rows("CULT_SHARE", unit=world.province, level=3, tree="current") == cold
    )


def test_a_warm_rebuild_reads_the_units_again_only_when_they_changed(
    world: World, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.rebuild(cold=True)
    reads: list[pl.DataFrame] = []
    read = extract.units

    def counted() -> pl.DataFrame:
        reads.append(read())
        return reads[-1]

    monkeypatch.setattr(extract, "units", counted)
    # PostgreSQL tells that no unit changed: the store's copy serves.
    told = extract.units_fingerprint() is not None
    services.rebuild()
    assert len(reads) == (0 if told else 1)
    # A legacy ward moved into another district of the province.
    district = make_unit(
        "106", "Huyện Tam Đường", "huyen", parent=world.province, valid_to=LEGACY_END
    )
    ward = world.legacy_doan_ket
    ward.parent = district
    ward.save(update_fields=["parent"])
    set_path(ward)
    services.rebuild()
    assert len(reads) == (1 if told else 2)
    districts = queries.rows(
        "T_HH", unit=world.province, level=2, periods=["2024"], tree="legacy"
    )
    assert [(r.unit_code, r.value) for r in districts] == [("105", 100), ("106", 300)]


def test_unknown_indicator_level_period_and_tree_are_refused(
    world: World, catalog: Catalog
) -> None:
    services.rebuild(cold=True)
    for call in (
        lambda: queries.rows("NOPE"),
        lambda: queries.rows("CULT_SHARE", periods=["20x4"]),
        lambda: queries.rows("CULT_SHARE", periods=["²²²²"]),
        lambda: queries.rows("CULT_SHARE", tree="future"),
        lambda: queries.rows("CULT_SHARE", unit=world.doan_ket, level=1),
    ):
        with pytest.raises(queries.AnalyticsError) as error:
            call()
        assert error.value.message_vi
        assert error.value.message_en


def test_the_api_answers_rows_and_errors_in_both_languages(
    world: World, catalog: Catalog
) -> None:
    services.rebuild(cold=True)
    client = Client()
    client.login(username="xa", password=PASSWORD)
    answer = client.get(
        "/api/v1/analytics",
        {
            "indicator": "CULT_SHARE",
            "unit": "12",
            "level": "3",
            "period": "2025",
            "tree": "current",
        },
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["indicator"]["code"] == "CULT_SHARE"
    assert [(r["unit"], r["value"]) for r in body["rows"]] == [
        ("03388", pytest.approx(300 / 410 * 100)),
        ("03395", pytest.approx(90.0)),
    ]
    listed = client.get("/api/v1/indicators").json()
    assert "CULT_SHARE" in [i["code"] for i in listed]
    missing = client.get("/api/v1/analytics", {"indicator": "NOPE"})
    assert missing.status_code == 404
    assert missing.json()["message_vi"].startswith("Không có")
    assert (
        Client().get("/api/v1/analytics", {"indicator": "CULT_SHARE"}).status_code
        == 401
    )


def test_an_edited_indicator_is_answered_anew(world: World, catalog: Catalog) -> None:
    services.rebuild(cold=True)
    client = Client()
    client.login(username="xa", password=PASSWORD)
    ask = {"indicator": "CULT_SHARE", "unit": "03395", "period": "2025"}
    assert client.get("/api/v1/analytics", ask).json()["rows"][0]["value"] == (
        pytest.approx(90.0)
    )
    # the same question after the factor changed (a share, no longer a percent)
    indicator = Indicator.objects.get(code="CULT_SHARE")
    indicator.factor = 1
    indicator.save()
    assert client.get("/api/v1/analytics", ask).json()["rows"][0]["value"] == (
        pytest.approx(0.9)
    )


def test_the_command_rebuilds_and_reports(
    world: World, catalog: Catalog, capsys
) -> None:
    call_command("analytics", "rebuild", "--cold")
    out = capsys.readouterr().out
    assert "rows" in out
    assert "(cold)" in out
    call_command("analytics", "status")
    assert "built_at" in capsys.readouterr().out


def test_a_merged_wards_status_is_judged_again_on_its_merged_figures(
    world: World, django_capture_on_commit_callbacks
) -> None:
    from vandong.catalog.criteria.store import criteria_set_upload
    from vandong.catalog.loader import catalog_load
    from vandong.criteria import services as criteria
    from vandong.criteria.tests.test_services import WARD_SET
    from vandong.geo.models import LEGACY_END
    from vandong.geo.tests.factories import make_unit

    catalog_load()
    for ward in (world.legacy_quyet_tien, world.legacy_doan_ket, world.doan_ket):
        ward.region = "tdmnpb"
        ward.save()
    stored, _ = criteria_set_upload(WARD_SET, file="t.yaml", actor=world.admin)
    for group, parent, cultural in (
        ("03388-91", world.legacy_quyet_tien, True),
        ("03389-91", world.legacy_doan_ket, True),
        ("03389-92", world.legacy_doan_ket, False),
        ("03389-93", world.legacy_doan_ket, False),
    ):
        make_unit(
            group, f"Tổ {group}", "to_dan_pho", parent=parent, valid_to=LEGACY_END
        )
        write([("VILLAGE_CULTURAL", group, "2024", cultural)])
    for code in ("03388", "03389"):
        write(
            [
                ("POPULATION", code, "2024", 1000),
                ("HEALTH_INSURED", code, "2024", 900),
                ("DRUG_FREE", code, "2024", True),
            ]
        )
    criteria.evaluate(sets=[stored], years=[2024])
    Indicator.objects.create(
        code="CIVILIZED",
        name_vi="Phường đạt chuẩn (đánh giá)",
        name_en="Wards meeting the standard (evaluated)",
        numerator="met(urban_civilized)",
    )
    services.rebuild(cold=True)
    legacy = queries.rows(
        "CIVILIZED", unit=world.legacy_district, level=3, periods=["2024"]
    )
    # Quyết Tiến met it (1 of 1 residential groups cultural); Đoàn Kết did
    # not (1 of 3).
    assert [(r.unit_name, r.value) for r in legacy] == [
        ("Phường Quyết Tiến", 1),
        ("Phường Đoàn Kết", 0),
    ]
    current = queries.rows(
        "CIVILIZED", unit=world.doan_ket, periods=["2024"], tree="current"
    )
    # Merged, 2 of 4 groups are cultural (50 % >= 50): met, although one part
    # was not; not inherited from either ward, and counted once.
    assert [r.value for r in current] == [1]


def _store_contents() -> dict[str, list[tuple[object, ...]]]:
    """Every rows file of the store (and the statuses), sorted; derived
    measures by code (a cold rebuild numbers them anew)."""
    store = Store()
    code_of = {i: code for code, i in store.manifest()["derived"].items()}
    out = {}
    for path in sorted(store.root.glob("*/*.arrow")):
        if path.parent.name == "facts" and path.name != "statuses.arrow":
            continue
        frame = store.read(path)
        assert frame is not None
        out[f"{path.parent.name}/{path.name}"] = sorted(
            (str(code_of.get(row[0], row[0])), *row[1:]) for row in frame.rows()
        )
    return out


@pytest.mark.parametrize("spliced", [True, False], ids=["units", "provinces"])
def test_a_refresh_leaves_the_store_as_a_rebuild_would(
    world: World,
    catalog: Catalog,
    django_capture_on_commit_callbacks,
    monkeypatch: pytest.MonkeyPatch,
    spliced: bool,
) -> None:
    # A refresh reads again the facts of the units written, or past a
    # number of them their provinces whole.
    monkeypatch.setattr(services, "SPLICED_UNITS", 2_000 if spliced else 0)
    # given a store of 2024 and 2025, and values of 2023 written later
    services.rebuild(cold=True)
    with django_capture_on_commit_callbacks(execute=True):
        write(
            [
                ("T_HH", "03388", "2023", 95),
                ("T_HH_CULT", "03388", "2023", 80),
                ("T_HH", "03389", "2023", 280),
            ]
        )
    # when one year's values change, then another's
    with django_capture_on_commit_callbacks(execute=True):
        write([("T_HH_CULT", "03389", "2024", 250), ("T_CASH", "03389", "2024", None)])
    with django_capture_on_commit_callbacks(execute=True):
        write([("T_HH", "03395", "2025", 210)])
    refreshed = _store_contents()

    # then every file holds what a rebuild from the database gives, every
    # year kept: the years not written, and the rows of the years written
    services.rebuild(cold=True)
    rebuilt = _store_contents()
    assert refreshed.keys() == rebuilt.keys()
    for name, rows in rebuilt.items():
        assert refreshed[name] == rows, name
    years = {row[2] for rows in rebuilt.values() for row in rows if len(row) > 2}
    assert {2023, 2024, 2025} <= years
