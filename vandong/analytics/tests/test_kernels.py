"""The rollup's loops in C against the same loops compiled by Numba, on
random rows with the edges a rollup meets: ids outside the tables,
measures left out, empty inputs, counts and estimates."""

import numpy as np
import pytest

from vandong.analytics.engine import kernels

pytestmark = pytest.mark.skipif(
    kernels.backend() != "c", reason="the C loops were not built"
)

RNG = np.random.default_rng(7)


def _both(call):
    """What `call` returns, and the arrays it writes, by each backend."""
    with kernels.using("c"):
        in_c = call()
    with kernels.using("numba"):
        in_numba = call()
    return in_c, in_numba


def _same(a, b) -> None:
    if isinstance(a, tuple | list):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            _same(x, y)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    else:
        assert a == b


def _rows(n: int):
    measures = RNG.integers(-3, 40, n).astype(np.int32)
    units = RNG.integers(-2, 60, n).astype(np.int32)
    years = RNG.integers(2016, 2026, n).astype(np.int32)
    values = RNG.random(n)
    return measures, units, years, values


@pytest.mark.parametrize("n", [0, 1, 5_000])
@pytest.mark.parametrize("weighted", [False, True])
def test_accumulate(n: int, weighted: bool) -> None:
    columns = _rows(n)
    span = 10
    measure_bin = np.zeros(50, dtype=np.int64)
    kept = np.arange(0, 40, 3)
    measure_bin[kept] = np.arange(len(kept)) * span - 2016 + kernels.SHIFT
    unit_bin = np.where(
        np.arange(50) % 7 == 0, -1, (np.arange(50) // 5) * len(kept) * span
    ).astype(np.int64)
    bins = 10 * len(kept) * span
    counts = (
        RNG.integers(1, 4, n).astype(np.int32) if weighted else np.zeros(0, np.int32)
    )
    estimates = RNG.random(n) < 0.1 if weighted else np.zeros(0, np.bool_)

    def call():
        sums, tally = np.zeros(bins), np.zeros(bins, dtype=np.int64)
        flagged = np.zeros(bins, dtype=np.bool_)
        kernels.accumulate(
            measure_bin, 1, unit_bin, columns, counts, estimates, sums, tally, flagged
        )
        return sums, tally, flagged

    in_c, in_numba = _both(call)
    np.testing.assert_allclose(in_c[0], in_numba[0], rtol=1e-12)
    _same(in_c[1:], in_numba[1:])
    assert in_c[1].sum() > 0 or n < 10


@pytest.mark.parametrize("table_type", [np.int8, np.int32])
@pytest.mark.parametrize("id_type", [np.int32, np.int64])
def test_gather_uniform_and_changes(table_type, id_type) -> None:
    table = RNG.integers(-5, 5, 100).astype(table_type)
    ids = RNG.integers(-3, 110, 2_000).astype(id_type)
    runs = np.repeat(RNG.integers(0, 4, 50), 9).astype(table_type)
    same = np.full(30, 7, dtype=id_type)
    _same(*_both(lambda: kernels.gather(table, ids, -1)))
    _same(*_both(lambda: kernels.uniform(table, ids)))
    _same(*_both(lambda: kernels.uniform(table, same)))
    _same(*_both(lambda: kernels.uniform(table, same[:0])))
    _same(*_both(lambda: kernels.changes(runs)))
    _same(*_both(lambda: kernels.changes(runs[:1])))
    sorted_ids = np.sort(ids)
    _same(*_both(lambda: kernels.runs(table, sorted_ids)))
    _same(*_both(lambda: kernels.runs(table, sorted_ids[:0])))
    # As changes(table[ids]) would find them, -1 outside the table.
    with kernels.using("c"):
        found = kernels.runs(table, sorted_ids)
    _same(found, kernels.changes(kernels.gather(table, sorted_ids, -1)))


@pytest.mark.parametrize("n", [0, 1, 5_000])
def test_counting_order_is_a_stable_sort(n: int) -> None:
    keys = RNG.integers(0, 13, n).astype(np.int32)
    in_c, in_numba = _both(lambda: kernels.counting_order(keys, 13))
    _same(in_c, in_numba)
    np.testing.assert_array_equal(in_c, np.argsort(keys, kind="stable"))


def test_counting_order_refuses_a_key_outside() -> None:
    for backend in ("c", "numba"):
        with kernels.using(backend), pytest.raises(ValueError, match="outside"):
            kernels.counting_order(np.array([0, 3, 13], dtype=np.int32), 13)


def test_positions_bounds_and_survey() -> None:
    measures, units, years, _values = _rows(3_000)
    flagged = np.zeros(20, dtype=np.bool_)
    flagged[[2, 5, 11]] = True
    pick_units = np.zeros(30, dtype=np.bool_)
    pick_units[[4, 29]] = True
    _same(*_both(lambda: kernels.positions_of(measures, flagged, -2)))
    _same(*_both(lambda: kernels.bounds(measures)))
    for picks in ((kernels._NOTHING, 0, kernels._NOTHING), (flagged, -2, pick_units)):

        def call(picks=picks):
            unit_seen = np.zeros(50, dtype=np.bool_)
            measure_seen = np.zeros(30, dtype=np.bool_)
            found = kernels.survey(
                (units, measures, years), unit_seen, measure_seen, 0, picks
            )
            return tuple(found), unit_seen, measure_seen

        in_c, in_numba = _both(call)
        _same(in_c, in_numba)
    assert in_c[0][2] is True  # measures beyond the table's 30


def test_cells_and_ratio_cells() -> None:
    parents, measures, span = 7, 5, 4
    bins = parents * measures * span
    tally = np.where(RNG.random(bins) < 0.6, RNG.integers(1, 5, bins), 0).astype(
        np.int64
    )
    sums = np.where(RNG.random(bins) < 0.1, 0.0, RNG.random(bins))
    flagged = RNG.random(bins) < 0.2
    measure_ids = np.array([3, 4, 9, 12, 1_000_002], dtype=np.int64)
    parent_ids = np.array([40, 41, 10, 11, 12, 30, 31], dtype=np.int64)
    ratios = (
        np.array([50, 51], dtype=np.int64),
        np.array([0, 2], dtype=np.int64),
        np.array([1, 4], dtype=np.int64),
        np.array([100.0, 1.0]),
    )
    _same(
        *_both(
            lambda: kernels.cells(
                tally, sums, flagged, measure_ids, parent_ids, span, 2020
            )
        )
    )
    in_c, in_numba = _both(
        lambda: kernels.ratio_cells(
            tally, sums, flagged, ratios, measures, parent_ids, span, 2020
        )
    )
    _same(in_c, in_numba)
    assert len(in_c[0]) > 0


def test_a_rollup_is_the_same_by_either_backend() -> None:
    from vandong.analytics.engine import rollup
    from vandong.analytics.tests.test_engine import RULES, UNITS, VILLAGES

    in_c, in_numba = _both(lambda: rollup(VILLAGES, UNITS, RULES))
    key = ["measure", "unit", "period"]
    assert in_c.sort(key).equals(in_numba.sort(key))
    assert in_c.height > VILLAGES.height


@pytest.mark.parametrize("backend", ["c", "numba"])
def test_rows_in_runs_of_one_unit_as_numpy_counts_them(backend: str) -> None:
    # given rows in runs of one unit (as the store keeps them), the first
    # runs of units outside the tables (-1 first: the loops start there)
    measures, units, years, values = _rows(4_000)
    units = np.sort(units)
    assert units[0] == -2
    units[units == -2] = -1
    span, first_year = 10, 2016
    kept = np.arange(0, 40, 3)
    measure_bin = np.zeros(50, dtype=np.int64)
    measure_bin[kept] = np.arange(len(kept)) * span - first_year + kernels.SHIFT
    unit_bin = np.where(
        np.arange(50) % 7 == 0, -1, (np.arange(50) // 5) * len(kept) * span
    ).astype(np.int64)
    pick_units = np.zeros(30, dtype=np.bool_)
    pick_units[[0, 4, 29]] = True
    picks = (np.zeros(0, dtype=np.bool_), 0, pick_units)
    sums, tally = (
        np.zeros(10 * len(kept) * span),
        np.zeros(10 * len(kept) * span, np.int64),
    )
    unit_seen = np.zeros(50, dtype=np.bool_)
    with kernels.using(backend):
        found = kernels.survey(
            (units, measures, years), unit_seen, np.zeros(50, np.bool_), 0, picks
        )
        kernels.accumulate(
            measure_bin,
            1,
            unit_bin,
            (measures, units, years, values),
            np.zeros(0, np.int32),
            np.zeros(0, np.bool_),
            sums,
            tally,
            np.zeros(len(sums), np.bool_),
        )
    # then the units present, the rows picked and the sums are NumPy's
    inside = (units >= 0) & (units < 50)
    np.testing.assert_array_equal(unit_seen, np.isin(np.arange(50), units[inside]))
    in_picks = (units >= 0) & (units < 30)
    picked = np.flatnonzero(in_picks & pick_units[np.where(in_picks, units, 0)])
    np.testing.assert_array_equal(found.by_unit, picked)
    m = measures.astype(np.int64) - 1
    at = measure_bin[np.clip(m, 0, 49)]
    base = unit_bin[np.clip(units, 0, 49)]
    counted = inside & (base >= 0) & (m >= 0) & (m < 50) & (at != 0)
    cells = (base + at - kernels.SHIFT + years)[counted]
    np.testing.assert_allclose(
        sums, np.bincount(cells, weights=values[counted], minlength=len(sums))
    )
    np.testing.assert_array_equal(tally, np.bincount(cells, minlength=len(sums)))
