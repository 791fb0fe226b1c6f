"""A rebuild rolls the provinces up in batches that need nothing from each
other; whatever the batches, the store comes out the same."""

from pathlib import Path

import polars as pl
import pytest

from conftest import World
from vandong.analytics import queries, services
from vandong.analytics.services import _batches
from vandong.analytics.store import Store
from vandong.analytics.tests.test_services import _store_contents, catalog, write
from vandong.analytics.tree import Tree
from vandong.collect.tests.factories import Catalog
from vandong.geo.models import LEGACY_END, REFORM_DATE, Succession
from vandong.geo.tests.factories import make_edge, make_unit

pytestmark = pytest.mark.django_db

__all__ = ["catalog"]


def _tree(rows: list[tuple[int, int | None, int, int, bool]]) -> Tree:
    return Tree.of(
        pl.DataFrame(
            rows,
            schema={
                "unit": pl.Int32,
                "parent": pl.Int32,
                "level": pl.Int8,
                "root": pl.Int32,
                "current": pl.Boolean,
            },
            orient="row",
        )
    )


def test_a_merged_province_is_batched_with_the_one_it_went_into(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # provinces 1 and 4 unchanged, 2 merged into 3 (its commune 20 into 30)
    tree = _tree(
        [
            (1, None, 1, 1, True),
            (2, None, 1, 2, False),
            (3, None, 1, 3, True),
            (4, None, 1, 4, True),
            (10, 1, 3, 1, True),
            (20, 2, 3, 2, False),
            (30, 3, 3, 3, True),
            (40, 4, 3, 4, True),
        ]
    )
    edges = pl.DataFrame(
        {"unit": [20], "successor": [30], "share": [1.0], "split": [False]}
    )
    monkeypatch.setattr(services, "_BATCHES", 10)
    assert sorted(_batches(tree, edges, [1, 2, 3, 4])) == [[1], [2, 3], [4]]
    monkeypatch.setattr(services, "_BATCHES", 2)
    batches = _batches(tree, edges, [1, 2, 4])
    assert len(batches) == 2
    assert sorted(r for b in batches for r in b) == [1, 2, 3, 4]
    assert any({2, 3} <= set(b) for b in batches)


def test_the_store_is_the_same_whatever_the_batches(
    world: World, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a legacy province merged into Điện Biên, its commune into Mường Phăng
    merged = make_unit("10", "Tỉnh Cũ", "tinh", region="tdmnpb", valid_to=LEGACY_END)
    old_commune = make_unit("03001", "Xã Cũ", "xa", parent=merged, valid_to=LEGACY_END)
    make_edge(merged, world.other_province, Succession.Kind.MERGE)
    make_edge(old_commune, world.other_commune, Succession.Kind.MERGE)
    make_unit(
        "03127-01",
        "Bản Phăng",
        "ban",
        parent=world.other_commune,
        valid_from=REFORM_DATE,
    )
    write(
        [
            ("T_HH", "03001", "2024", 500),
            ("T_HH_CULT", "03001", "2024", 400),
            ("T_HH", "03127", "2025", 700),
            ("T_HH_CULT", "03127", "2025", 650),
        ]
    )
    # when rolled up in one batch, then in one batch per province group on
    # two threads, cold and warm
    monkeypatch.setattr(services, "_BATCHES", 1)
    monkeypatch.setattr(services, "_WORKERS", 1)
    services.rebuild(cold=True)
    whole = _store_contents()
    monkeypatch.setattr(services, "_BATCHES", 8)
    monkeypatch.setattr(services, "_WORKERS", 2)
    report = services.rebuild(cold=True)
    # then the store is the same
    assert _store_contents() == whole
    services.rebuild()
    assert _store_contents() == whole
    assert report.rows["legacy"] > 0
    assert report.rows["current"] > 0
    # and the merged commune's 2024 is its legacy commune's, the country's
    # the sum of both provinces
    series = {
        r.period: r.numerator
        for r in queries.series("CULT_SHARE", world.other_commune, tree="current")
    }
    assert series["2024"] == 400
    country = {r.period: r.numerator for r in queries.rows("CULT_SHARE")}
    assert country["2024"] == 90 + 150 + 400


def test_a_rebuild_with_nothing_to_roll_up_makes_an_empty_store() -> None:
    # given a database without units or values (a fresh installation)
    # when the store is built, cold then warm
    report = services.rebuild(cold=True)
    again = services.rebuild()
    # then it is built, empty
    assert (report.facts, report.rows) == (0, {"legacy": 0, "current": 0})
    assert again.rows == {"legacy": 0, "current": 0}
    assert Store().manifest()["built_at"]


def test_a_file_the_writer_could_not_write_fails_the_rebuild(
    world: World, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a built store
    services.rebuild(cold=True)
    built = Store().manifest()["built_at"]
    # when a province's rows cannot be written during the next rebuild (the
    # files are written on a thread of their own)
    write_file = Store.write

    def failing(self: Store, path: Path, frame: pl.DataFrame) -> None:
        if path.parent.name == "current" and path.stem != "top":
            raise OSError(28, "No space left on device")
        write_file(self, path, frame)

    monkeypatch.setattr(Store, "write", failing)
    # then the rebuild fails with that error, and the store is not marked built
    with pytest.raises(OSError, match="No space left"):
        services.rebuild()
    assert Store().manifest()["built_at"] == built
    assert Store().progress() is None
