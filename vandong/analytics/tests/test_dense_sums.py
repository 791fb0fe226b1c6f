"""The compiled dense sums against a plain group-by, on the rows a rollup
meets at its edges: measures far apart, units outside the tree, measures
left out, counts and estimates, several frames counted together."""

import importlib

import numpy as np
import polars as pl
import pytest

from vandong.analytics.engine.ratios import RatioTable, computed_ratios

dense = importlib.import_module("vandong.analytics.engine.dense")


def _rows(**columns: list[float]) -> pl.DataFrame:
    return pl.DataFrame(columns).with_columns(
        pl.col("measure", "unit", "year").cast(pl.Int32),
        pl.col("value").cast(pl.Float64),
    )


def _by_group_by(frames: list[pl.DataFrame], parent_of: np.ndarray, leave_out=()):
    rows = pl.concat([dense.working(f) for f in frames], how="diagonal_relaxed").filter(
        ~pl.col("measure").is_in(list(leave_out))
    )
    units = rows["unit"].to_numpy()
    inside = (units >= 0) & (units < len(parent_of))
    parents = np.where(inside, parent_of[np.where(inside, units, 0)], -1)
    return (
        rows.with_columns(pl.Series("unit", parents, pl.Int32))
        .filter(pl.col("unit") >= 0)
        .group_by("measure", "unit", "year")
        .agg(
            pl.col("value").sum(),
            pl.col("n").sum().cast(pl.Int32),
            pl.col("estimate").any(),
        )
        .sort("measure", "unit", "year")
    )


# Units 1-4 are villages of communes 10 and 11; unit 5 has no parent.
PARENT_OF = np.array([-1, 10, 10, 11, 11, -1, -1, -1, -1, -1, 0, 0], dtype=np.int32)


def test_sums_match_a_group_by_with_far_apart_measures_and_strays():
    plain = _rows(
        measure=[3, 3, 3, 1_000_002, -3, 3, 3, 3],
        unit=[1, 2, 3, 4, 1, 5, 99, -2],
        year=[2020, 2020, 2021, 2024, 2020, 2020, 2020, 2020],
        value=[1.5, 2.0, 4.0, 1.0, 7.0, 100.0, 100.0, 100.0],
    )
    counted = _rows(
        measure=[3, 7], unit=[4, 2], year=[2021, 2016], value=[0.5, 9.0]
    ).with_columns(
        pl.Series("n", [3, 2], pl.Int32), pl.Series("estimate", [True, False])
    )
    frames = [plain, counted]
    # A small window: the derived measure (1,000,002) makes the table grow.
    summed = dense.dense_sums(frames, PARENT_OF, window=16)
    expected = _by_group_by(frames, PARENT_OF)
    assert summed.sort("measure", "unit", "year").equals(expected)
    # Unit 5 (no parent), 99 (outside the tree) and -2 were left out.
    assert summed["value"].sum() == expected["value"].sum() == 25.0


def test_measures_left_out_are_not_summed():
    rows = _rows(
        measure=[3, 8, 8, 3],
        unit=[1, 2, 3, 4],
        year=[2020, 2020, 2020, 2020],
        value=[1.0, 2.0, 3.0, 4.0],
    )
    summed = dense.dense_sums([rows], PARENT_OF, leave_out=[8])
    assert summed.sort("unit").select("measure", "unit", "value").rows() == [
        (3, 10, 1.0),
        (3, 11, 4.0),
    ]
    assert summed.sort("measure", "unit", "year").equals(
        _by_group_by([rows], PARENT_OF, leave_out=[8])
    )


def test_a_measure_summed_before_on_the_same_thread_is_left_out_after():
    """Each thread keeps its table of measures from one sum to the next: a
    measure summed by the first is not summed by the second, which leaves
    it out."""
    rows = _rows(
        measure=[8, 3, 8, 1_000_002],
        unit=[1, 2, 3, 4],
        year=[2016, 2020, 2025, 2020],
        value=[1.0, 2.0, 3.0, 4.0],
    )
    first = dense.dense_sums([rows], PARENT_OF)
    assert sorted(first["measure"].unique().to_list()) == [3, 8, 1_000_002]
    second = dense.dense_sums([rows], PARENT_OF, leave_out=[8, 1_000_002])
    assert second.select("measure", "unit", "year", "value").rows() == [
        (3, 10, 2020, 2.0)
    ]
    assert dense.dense_sums([rows], PARENT_OF).equals(first)


def test_a_frame_of_several_chunks_is_summed_whole():
    parts = [
        _rows(measure=[3], unit=[1], year=[2020], value=[1.0]),
        _rows(measure=[3], unit=[3], year=[2020], value=[2.0]),
        _rows(measure=[3], unit=[2], year=[2020], value=[4.0]),
    ]
    chunked = pl.concat(parts, rechunk=False)
    assert chunked["unit"].n_chunks() == 3
    summed = dense.dense_sums(chunked, PARENT_OF)
    assert summed.sort("unit").select("unit", "value").rows() == [
        (10, 5.0),
        (11, 2.0),
    ]


def test_rows_picked_in_the_survey_are_those_of_the_measures_and_units_asked():
    rows = _rows(
        measure=[3, 8, 8, 3, 1_000_002],
        unit=[1, 2, 3, 4, 3],
        year=[2020, 2020, 2021, 2020, 2022],
        value=[1.0, 2.0, 3.0, 4.0, 5.0],
    )
    other = _rows(measure=[8], unit=[4], year=[2019], value=[6.0])
    sums = dense.DenseSums(PARENT_OF, leave_out=[8], window=16)
    # The derived measure is outside the window: the table grows, and the
    # rows are surveyed again without being picked twice.
    by_measure, by_unit = sums.add(
        [rows, other], pick_measures=[8, 1_000_002], pick_units=[3]
    )
    assert by_measure.columns == list(dense.WORK_SCHEMA)
    assert sorted(by_measure.select("measure", "unit", "value").rows()) == [
        (8, 2, 2.0),
        (8, 3, 3.0),
        (8, 4, 6.0),
        (1_000_002, 3, 5.0),
    ]
    assert sorted(by_unit.select("measure", "value").rows()) == [
        (8, 3.0),
        (1_000_002, 5.0),
    ]
    # Picking does not change the sums: measure 8 is still left out.
    summed = sums.sums()
    assert summed.sort("measure", "unit", "year").equals(
        _by_group_by([rows, other], PARENT_OF, leave_out=[8])
    )


def test_tables_too_large_to_hold_are_summed_by_a_group_by(monkeypatch):
    rows = _rows(
        measure=[3, 3, 8, 3],
        unit=[1, 2, 3, 5],
        year=[2020, 2020, 2021, 2020],
        value=[1.0, 2.0, 3.0, 4.0],
    )
    monkeypatch.setattr(dense, "_MAX_BINS", 0)
    summed = dense.dense_sums([rows], PARENT_OF, leave_out=[8])
    assert summed.sort("measure", "unit", "year").equals(
        _by_group_by([rows], PARENT_OF, leave_out=[8])
    )


RATIOS = pl.DataFrame(
    {
        "measure": [20, 21, 22],
        "num": [3, 3, 9],
        "den": [7, 8, 7],
        "factor": [100.0, 1.0, 1.0],
    }
)


def _ratio_rows():
    # Measure 3 over 7 in units of both communes and years; 8 only in 2021
    # (and 0 there for commune 10); 9 is never reported.
    plain = _rows(
        measure=[3, 3, 3, 7, 7, 7, 3, 8, 8],
        unit=[1, 2, 3, 1, 2, 4, 4, 2, 3],
        year=[2020, 2020, 2020, 2020, 2020, 2020, 2021, 2021, 2021],
        value=[1.0, 2.0, 4.0, 5.0, 5.0, 8.0, 6.0, 0.0, 2.0],
    )
    flagged = _rows(measure=[7], unit=[3], year=[2020], value=[2.0]).with_columns(
        pl.Series("n", [2], pl.Int32), pl.Series("estimate", [True])
    )
    return [plain, flagged]


@pytest.mark.parametrize("max_bins", [None, 0])
def test_ratios_come_from_the_cells_as_the_joins_compute_them(monkeypatch, max_bins):
    if max_bins is not None:
        # The group-by for tables too large computes them by the joins.
        monkeypatch.setattr(dense, "_MAX_BINS", max_bins)
    frames = _ratio_rows()
    sums = dense.DenseSums(PARENT_OF, window=32)
    sums.add(frames)
    summed, ratios = sums.sums_and_ratios(RatioTable.of(RATIOS))
    expected = computed_ratios(_by_group_by(frames, PARENT_OF), RATIOS)
    key = ["measure", "unit", "year"]
    assert ratios.sort(key).equals(expected.sort(key))
    assert ratios.sort(key).rows() == [
        # 100 * (1 + 2) / (5 + 5); 100 * 4 / (8 + 2), an estimate from
        # a part of its denominator.
        (20, 10, 2020, 30.0, 2, False),
        (20, 11, 2020, 40.0, 1, True),
        # Commune 10's denominator in 2021 is 0: no ratio.
        (21, 11, 2021, 3.0, 1, False),
    ]
    assert summed.sort(key).equals(_by_group_by(frames, PARENT_OF))
