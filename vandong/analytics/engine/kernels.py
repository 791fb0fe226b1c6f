"""The rollup's loops over tens of millions of rows: one pass where NumPy
would take several, each allocating an array as long as the rows.

They run in C (`_loops.c`, built when vandong is installed), which a
process imports at once; where it was not built (no C compiler), the same
loops compiled by Numba (`jitted.py`), which take most of a second to load
in each process (`warm_up` loads them ahead, while the caller reads
something else). Either way they release Python's lock: batches of
provinces are rolled up on several threads at once."""

import contextlib
from collections.abc import Iterator
from types import ModuleType
from typing import Any, NamedTuple

import numpy as np

try:
    from vandong.analytics.engine import _loops  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - built with vandong where gcc is
    _loops = None

# A measure's entry in the table of bin offsets is its offset plus SHIFT,
# so that 0, what a fresh table holds, leaves its rows out: the table is
# never filled (the operating system gives zeroed pages, and only the pages
# of the measures present are touched).
SHIFT = 2**40

# What `uniform` says when the ids do not all give the same value.
MIXED = -(2**31)

# The loops in C, when built ("c"), else Numba's ("numba").
_backend = {"name": "c" if _loops is not None else "numba"}


def backend() -> str:
    return _backend["name"]


@contextlib.contextmanager
def using(name: str) -> Iterator[None]:
    """These loops run by `name` ("c" or "numba") meanwhile (for tests)."""
    if name == "c" and _loops is None:
        raise RuntimeError("the C loops were not built")
    was = _backend["name"]
    _backend["name"] = name
    try:
        yield
    finally:
        _backend["name"] = was


def _c() -> Any:
    return _loops if _backend["name"] == "c" else None


def _jitted() -> ModuleType:
    from vandong.analytics.engine import jitted

    return jitted


def _read_only(values: np.ndarray) -> np.ndarray:
    """A read-only view, so that each Numba loop has one compiled form
    whether an array came from Polars (read-only) or from NumPy."""
    if not values.flags.writeable:
        return values
    view = values.view()
    view.flags.writeable = False
    return view


def _as(values: np.ndarray, dtype: "np.dtype[Any] | type") -> np.ndarray:
    """The array in C order of this type (itself when it already is)."""
    return np.ascontiguousarray(values, dtype=dtype)


def _is_int(values: np.ndarray, sizes: tuple[int, ...]) -> bool:
    return values.dtype.kind == "i" and values.dtype.itemsize in sizes


def accumulate(
    measure_bin: np.ndarray,
    measure_offset: int,
    unit_bin: np.ndarray,
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    counts: np.ndarray,
    estimates: np.ndarray,
    sums: np.ndarray,
    tally: np.ndarray,
    flagged: np.ndarray,
) -> None:
    """Each row (`columns`: measure, unit, year, value) added into its bin:
    unit_bin[unit] (negative, or a unit outside the table: the row is left
    out) + measure_bin[measure - offset] - SHIFT (0, or a measure outside the
    table: left out) + year. `counts` empty: each row counts 1; `estimates`
    empty: none is an estimate."""
    measures, units, years, values = columns
    if c := _c():
        c.accumulate(
            _as(measure_bin, np.int64),
            measure_offset,
            _as(unit_bin, np.int64),
            _as(measures, np.int32),
            _as(units, np.int32),
            _as(years, np.int32),
            _as(values, np.float64),
            _as(counts, np.int32),
            _as(estimates, np.bool_),
            sums,
            tally,
            flagged,
        )
        return
    _jitted().accumulate(
        _read_only(measure_bin),
        measure_offset,
        _read_only(unit_bin),
        *(_read_only(column) for column in columns),
        _read_only(counts),
        _read_only(estimates),
        sums,
        tally,
        flagged,
    )


def gather(table: np.ndarray, ids: np.ndarray, missing: int) -> np.ndarray:
    """table[ids], `missing` where an id is outside the table."""
    c = _c()
    if c and _is_int(table, (1, 2, 4, 8)) and _is_int(ids, (4, 8)):
        found = np.empty(len(ids), dtype=table.dtype)
        table, ids = _as(table, table.dtype), _as(ids, ids.dtype)
        c.gather(table, table.itemsize, ids, ids.itemsize, missing, found)
        return found
    if c:
        inside = (ids >= 0) & (ids < len(table))
        return np.where(inside, table[np.where(inside, ids, 0)], missing).astype(
            table.dtype
        )
    gathered: np.ndarray = _jitted().gather(_read_only(table), _read_only(ids), missing)
    return gathered


def uniform(table: np.ndarray, ids: np.ndarray) -> int:
    """table[id] when it is the same for every id (-1 for ids outside the
    table), else MIXED; without allocating an array as long as the ids."""
    c = _c()
    if c and _is_int(table, (1, 2, 4, 8)) and _is_int(ids, (4, 8)):
        table, ids = _as(table, table.dtype), _as(ids, ids.dtype)
        return int(c.uniform(table, table.itemsize, ids, ids.itemsize))
    if c:
        found = np.unique(gather(table, ids, -1))
        return int(found[0]) if len(found) == 1 else MIXED
    return int(_jitted().uniform(_read_only(table), _read_only(ids)))


def changes(values: np.ndarray) -> np.ndarray:
    """The positions where a value differs from the one before it."""
    c = _c()
    if c and _is_int(values, (1, 2, 4, 8)):
        values = _as(values, values.dtype)
        found = np.empty(c.changes(values, values.itemsize, _NONE), dtype=np.int64)
        if len(found):
            c.changes(values, values.itemsize, found)
        return found
    if c:
        return np.flatnonzero(values[1:] != values[:-1]) + 1
    changed: np.ndarray = _jitted().changes(_read_only(values))
    return changed


def runs(table: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """The positions where table[id] differs from the row before's (-1 for
    ids outside the table): `changes(table[ids])` without the array."""
    c = _c()
    if c and _is_int(table, (1, 2, 4, 8)) and _is_int(ids, (4, 8)):
        table, ids = _as(table, table.dtype), _as(ids, ids.dtype)
        args = (table, table.itemsize, ids, ids.itemsize)
        found = np.empty(c.runs(*args, _NONE), dtype=np.int64)
        if len(found):
            c.runs(*args, found)
        return found
    if c:
        return changes(gather(table, ids, -1))
    at: np.ndarray = _jitted().runs(_read_only(table), _read_only(ids))
    return at


def positions_of(ids: np.ndarray, flagged: np.ndarray, offset: int) -> np.ndarray:
    """The positions of the rows whose id is flagged (flagged[id - offset];
    ids outside the table are not)."""
    if c := _c():
        ids, flagged = _as(ids, np.int32), _as(flagged, np.bool_)
        found = np.empty(c.positions_of(ids, flagged, offset, _NONE), dtype=np.int64)
        if len(found):
            c.positions_of(ids, flagged, offset, found)
        return found
    positions: np.ndarray = _jitted().positions_of(
        _read_only(ids), _read_only(flagged), offset
    )
    return positions


def counting_order(keys: np.ndarray, size: int) -> np.ndarray:
    """The rows' positions ordered by key (0 to size - 1), the rows of one
    key in their order: a counting sort, two passes for any number of rows."""
    keys = _as(keys, np.int32)
    if c := _c():
        order = np.empty(len(keys), dtype=np.int64)
        inside = c.counting_order(keys, np.zeros(size, dtype=np.int64), order)
    else:
        order = _jitted().counting_order(_read_only(keys), size)
        inside = len(order) == len(keys)
    if not inside:
        raise ValueError("a key outside 0 to size - 1")
    return order


def bounds(values: np.ndarray) -> tuple[int, int]:
    """The smallest and the largest value (at least one)."""
    if c := _c():
        low, high = c.bounds(_as(values, np.int32))
    else:
        low, high = _jitted().bounds(_read_only(values))
    return int(low), int(high)


class Survey(NamedTuple):
    first_year: int
    last_year: int
    # A measure fell outside the measures' table (it is then not marked).
    outside: bool
    # The positions of the rows picked by measure, and by unit.
    by_measure: np.ndarray
    by_unit: np.ndarray


_NOTHING = np.zeros(0, dtype=np.bool_)
_NONE = np.zeros(0, dtype=np.int64)


def survey(
    columns: tuple[np.ndarray, np.ndarray, np.ndarray],
    unit_seen: np.ndarray,
    measure_seen: np.ndarray,
    measure_offset: int,
    picks: tuple[np.ndarray, int, np.ndarray] = (_NOTHING, 0, _NOTHING),
) -> Survey:
    """One pass over (unit, measure, year) (at least one row): the units and
    measures present marked (units outside `unit_seen` are not), the first
    and last year, and the positions of the rows picked: `picks` flags
    measures (by measure - offset) and units (by unit id); an empty table
    picks none."""
    units, measures, years = columns
    pick_measure, pick_offset, pick_unit = picks
    rows = len(units)
    found_measure = np.empty(rows if len(pick_measure) else 0, dtype=np.int64)
    found_unit = np.empty(rows if len(pick_unit) else 0, dtype=np.int64)
    if c := _c():
        first, last, outside, by_measure, by_unit = c.survey(
            _as(units, np.int32),
            _as(measures, np.int32),
            _as(years, np.int32),
            unit_seen,
            measure_seen,
            measure_offset,
            _as(pick_measure, np.bool_),
            pick_offset,
            _as(pick_unit, np.bool_),
            found_measure,
            found_unit,
        )
    else:
        first, last, outside, by_measure, by_unit = _jitted().survey(
            *(_read_only(column) for column in columns),
            unit_seen,
            measure_seen,
            measure_offset,
            _read_only(pick_measure),
            pick_offset,
            _read_only(pick_unit),
            found_measure,
            found_unit,
        )
    # Only the pages written to were ever touched: the copies are small.
    return Survey(
        int(first),
        int(last),
        bool(outside),
        found_measure[:by_measure].copy(),
        found_unit[:by_unit].copy(),
    )


def _columns(count: int) -> tuple[np.ndarray, ...]:
    """Empty columns of cells: measure, unit, year, value, n, estimate."""
    return (
        np.empty(count, dtype=np.int32),
        np.empty(count, dtype=np.int32),
        np.empty(count, dtype=np.int32),
        np.empty(count, dtype=np.float64),
        np.empty(count, dtype=np.int32),
        np.empty(count, dtype=np.bool_),
    )


def _filled(loop: Any, arrays: tuple[Any, ...]) -> tuple[np.ndarray, ...]:
    """The columns a loop of cells fills: counted first (with no columns),
    then filled."""
    columns = _columns(loop(*arrays, *_columns(0)))
    if len(columns[0]):
        loop(*arrays, *columns)
    return columns


def _loops_of_cells() -> Any:
    return _c() or _jitted()


def cells(
    tally: np.ndarray,
    sums: np.ndarray,
    flagged: np.ndarray,
    measure_ids: np.ndarray,
    parent_ids: np.ndarray,
    span: int,
    first_year: int,
) -> tuple[np.ndarray, ...]:
    """The cells of a dense (parent, measure, year) array that rows were
    added to, as columns: measure, unit (the parent), year, value, n,
    estimate. (Every array here is the rollup's own.)"""
    arrays = (
        tally,
        sums,
        flagged,
        _as(measure_ids, np.int64),
        _as(parent_ids, np.int64),
        span,
        first_year,
    )
    return _filled(_loops_of_cells().cells, arrays)


def ratio_cells(
    tally: np.ndarray,
    sums: np.ndarray,
    flagged: np.ndarray,
    ratios: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    measures: int,
    parent_ids: np.ndarray,
    span: int,
    first_year: int,
) -> tuple[np.ndarray, ...]:
    """The ratios of the cells of a dense (parent, measure, year) array, as
    the columns of `cells`: factor * num / den where both cells were added
    to and den > 0 (`n` the numerator's, an estimate where either part is
    one). `ratios`: ids, and the positions of their numerators and
    denominators among the `measures`, and factors."""
    ids, nums, dens, factors = ratios
    arrays = (
        tally,
        sums,
        flagged,
        _as(ids, np.int64),
        _as(nums, np.int64),
        _as(dens, np.int64),
        _as(factors, np.float64),
        measures,
        _as(parent_ids, np.int64),
        span,
        first_year,
    )
    return _filled(_loops_of_cells().ratio_cells, arrays)


def warm_up() -> None:
    """Every loop loaded (or compiled) in the forms the rollup calls: at once
    in C; with Numba, most of a second."""
    if _c():
        return
    i32 = np.zeros(2, dtype=np.int32)
    i64 = np.zeros(2, dtype=np.int64)
    yes = np.ones(2, dtype=np.bool_)
    no_counts, no_estimates = np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.bool_)
    for counts, estimates in ((no_counts, no_estimates), (i32 + 1, yes)):
        accumulate(
            i64,
            0,
            i64,
            (i32, i32, i32, np.zeros(2)),
            counts,
            estimates,
            np.zeros(2),
            i64.copy(),
            yes.copy(),
        )
    for table in (np.zeros(2, dtype=np.int8), i32):
        gather(table, i32, -1)
        gather(table, i64, -1)
        uniform(table, i32)
        runs(table, i32)
    changes(np.zeros(2, dtype=np.int8))
    changes(i32)
    positions_of(i32, yes, 0)
    bounds(i32)
    survey((i32, i32, i32), yes.copy(), yes.copy(), 0)
    survey((i32, i32, i32), yes.copy(), yes.copy(), 0, (yes, 0, yes))
    cells(i64, np.zeros(2), yes, i64, i64, 1, 0)
    ratio_cells(i64, np.zeros(2), yes, (i64, i64, i64, np.zeros(2)), 1, i64, 1, 0)
