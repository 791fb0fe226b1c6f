"""The store's files as the rollup reads and writes them: facts in one
record batch, rows cut into the provinces' files whatever their order."""

from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]

from vandong.analytics.current import worked
from vandong.analytics.engine import FACT_SCHEMA, ROLLUP_SCHEMA
from vandong.analytics.files import _by_file, read_fact_parts, write_facts
from vandong.analytics.store import Store
from vandong.analytics.tests.test_rebuild_batches import _tree as rows_tree
from vandong.analytics.tree import Tree


def _tree() -> Tree:
    # provinces 1 and 2, a commune under each
    return rows_tree(
        [
            (1, None, 1, 1, True),
            (2, None, 1, 2, True),
            (10, 1, 3, 1, True),
            (20, 2, 3, 2, True),
        ]
    )


def _facts(units: list[int], first_value: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "measure": [1] * len(units),
            "unit": units,
            "year": [2024] * len(units),
            "value": [first_value + i for i in range(len(units))],
        },
        schema=FACT_SCHEMA,
    )


def test_a_fact_file_is_one_record_batch_whatever_the_chunks_it_came_in(
    tmp_path: Path,
) -> None:
    # given the facts of one commune read in three chunks, as from the database
    facts = pl.concat(
        [_facts([10, 10], 1.0), _facts([10], 3.0), _facts([10, 10], 4.0)],
        rechunk=False,
    )
    assert facts.n_chunks() == 3
    store = Store(tmp_path)
    # when written
    write_facts(store, facts, _tree())
    # then the file holds one record batch, with every fact in its order
    with pa.memory_map(str(store.facts_path(1, 3))) as source:
        assert pa.ipc.open_file(source).num_record_batches == 1
    [(root, level, read)] = read_fact_parts(store)
    assert (root, level) == (1, 3)
    assert read["value"].to_list() == [1.0, 2.0, 3.0, 4.0, 5.0]


def _rows(units: list[int]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "measure": [1] * len(units),
            "unit": units,
            "period": list(range(len(units))),
            "value": [float(u) for u in units],
            "n": [1] * len(units),
            "estimate": [False] * len(units),
        },
        schema=ROLLUP_SCHEMA,
    )


def test_rows_of_provinces_taken_in_turn_go_to_their_files_in_order() -> None:
    tree = _tree()
    file_of = np.where(tree.level_of >= 1, tree.root_of, -1).astype(np.int32)
    # given rows that change province at every row (no runs to slice), and
    # one of the country (unit 0, in no province's file)
    units = [10, 20] * 300 + [0]
    # when cut into the provinces' files
    parts = _by_file(_rows(units), file_of)
    # then each file has its province's rows, in the order they came
    assert sorted(parts) == [1, 2]
    assert parts[1]["unit"].to_list() == [10] * 300
    assert parts[1]["period"].to_list() == list(range(0, 600, 2))
    assert parts[2]["period"].to_list() == list(range(1, 600, 2))


def test_the_count_columns_given_to_facts_are_cut_where_the_facts_are() -> None:
    # given facts in two chunks
    facts = pl.concat([_facts([10], 1.0), _facts([20], 2.0)], rechunk=False)
    # when given the rollup's count and estimate columns
    rows = worked(facts)
    # then every column is cut in the same places (so that the rows are
    # sliced into files, not gathered)
    lengths = {tuple(rows[c].chunk_lengths()) for c in rows.columns}
    assert len(lengths) == 1
    assert rows["n"].to_list() == [1, 1]
