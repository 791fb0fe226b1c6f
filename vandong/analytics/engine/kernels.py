"""Compiled loops of the rollup (Numba): one pass over the rows where NumPy
would take several, each allocating an array as long as the rows.

Compiled on first use and cached next to this file, so that a process after
the first loads them in a fraction of a second (`warm_up` does it ahead,
while the caller reads something else). `nogil`: batches of provinces are
rolled up on several threads at once. The arrays the loops only read are
passed as read-only views, so that each loop has one compiled form whether
an array came from Polars (read-only) or from NumPy."""

from typing import NamedTuple

import numpy as np
from numba import njit

# A measure's entry in the table of bin offsets is its offset plus SHIFT,
# so that 0, what a fresh table holds, leaves its rows out: the table is
# never filled (the operating system gives zeroed pages, and only the pages
# of the measures present are touched).
SHIFT = 2**40


def _read_only(values: np.ndarray) -> np.ndarray:
    if not values.flags.writeable:
        return values
    view = values.view()
    view.flags.writeable = False
    return view


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
    measures, units, years, values = (_read_only(c) for c in columns)
    _accumulate(
        _read_only(measure_bin),
        measure_offset,
        _read_only(unit_bin),
        measures,
        units,
        years,
        values,
        _read_only(counts),
        _read_only(estimates),
        sums,
        tally,
        flagged,
    )


def gather(table: np.ndarray, ids: np.ndarray, missing: int) -> np.ndarray:
    """table[ids], `missing` where an id is outside the table."""
    found: np.ndarray = _gather(_read_only(table), _read_only(ids), missing)
    return found


# What `uniform` says when the ids do not all give the same value.
MIXED = -(2**31)


def uniform(table: np.ndarray, ids: np.ndarray) -> int:
    """table[id] when it is the same for every id (-1 for ids outside the
    table), else MIXED; without allocating an array as long as the ids."""
    return int(_uniform(_read_only(table), _read_only(ids)))


def changes(values: np.ndarray) -> np.ndarray:
    """The positions where a value differs from the one before it."""
    found: np.ndarray = _changes(_read_only(values))
    return found


def positions_of(ids: np.ndarray, flagged: np.ndarray, offset: int) -> np.ndarray:
    """The positions of the rows whose id is flagged (flagged[id - offset];
    ids outside the table are not)."""
    found: np.ndarray = _positions_of(_read_only(ids), _read_only(flagged), offset)
    return found


def bounds(values: np.ndarray) -> tuple[int, int]:
    """The smallest and the largest value (at least one)."""
    low, high = _bounds(_read_only(values))
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


def survey(
    columns: tuple[np.ndarray, np.ndarray, np.ndarray],
    unit_seen: np.ndarray,
    measure_seen: np.ndarray,
    measure_offset: int,
    picks: tuple[np.ndarray, int, np.ndarray] = (_NOTHING, 0, _NOTHING),
) -> Survey:
    """One pass over (unit, measure, year): the units and measures present
    marked (units outside `unit_seen` are not), the first and last year,
    and the positions of the rows picked: `picks` flags measures (by
    measure - offset) and units (by unit id); an empty table picks none."""
    units, measures, years = (_read_only(c) for c in columns)
    pick_measure, pick_offset, pick_unit = picks
    rows = len(units)
    found_measure = np.empty(rows if len(pick_measure) else 0, dtype=np.int64)
    found_unit = np.empty(rows if len(pick_unit) else 0, dtype=np.int64)
    first, last, outside, by_measure, by_unit = _survey(
        units,
        measures,
        years,
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


def warm_up() -> None:
    """Every loop loaded (or compiled) in the forms the rollup calls."""
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
    changes(np.zeros(2, dtype=np.int8))
    changes(i32)
    positions_of(i32, yes, 0)
    bounds(i32)
    survey((i32, i32, i32), yes.copy(), yes.copy(), 0)
    survey((i32, i32, i32), yes.copy(), yes.copy(), 0, (yes, 0, yes))
    cells(i64, np.zeros(2), yes, i64, i64, 1, 0)
    ratio_cells(i64, np.zeros(2), yes, (i64, i64, i64, np.zeros(2)), 1, i64, 1, 0)


@njit(nogil=True, cache=True)
def _accumulate(
    measure_bin: np.ndarray,
    measure_offset: int,
    unit_bin: np.ndarray,
    measures: np.ndarray,
    units: np.ndarray,
    years: np.ndarray,
    values: np.ndarray,
    counts: np.ndarray,
    estimates: np.ndarray,
    sums: np.ndarray,
    tally: np.ndarray,
    flagged: np.ndarray,
) -> None:
    has_counts = len(counts) > 0
    has_estimates = len(estimates) > 0
    unit_size = len(unit_bin)
    measure_size = len(measure_bin)
    for i in range(len(units)):
        u = units[i]
        if u < 0 or u >= unit_size:
            continue
        base = unit_bin[u]
        if base < 0:
            continue
        m = measures[i] - measure_offset
        if m < 0 or m >= measure_size:
            continue
        at = measure_bin[m]
        if at == 0:
            continue
        b = base + at - SHIFT + years[i]
        sums[b] += values[i]
        tally[b] += counts[i] if has_counts else 1
        if has_estimates and estimates[i]:
            flagged[b] = True


@njit(nogil=True, cache=True)
def _gather(table: np.ndarray, ids: np.ndarray, missing: int) -> np.ndarray:
    found = np.empty(len(ids), dtype=table.dtype)
    size = len(table)
    for i in range(len(ids)):
        j = ids[i]
        found[i] = table[j] if 0 <= j < size else missing
    return found


@njit(nogil=True, cache=True)
def _changes(values: np.ndarray) -> np.ndarray:
    count = 0
    for i in range(1, len(values)):
        if values[i] != values[i - 1]:
            count += 1
    found = np.empty(count, dtype=np.int64)
    count = 0
    for i in range(1, len(values)):
        if values[i] != values[i - 1]:
            found[count] = i
            count += 1
    return found


@njit(nogil=True, cache=True)
def _positions_of(ids: np.ndarray, flagged: np.ndarray, offset: int) -> np.ndarray:
    size = len(flagged)
    count = 0
    for i in range(len(ids)):
        j = ids[i] - offset
        if 0 <= j < size and flagged[j]:
            count += 1
    found = np.empty(count, dtype=np.int64)
    count = 0
    for i in range(len(ids)):
        j = ids[i] - offset
        if 0 <= j < size and flagged[j]:
            found[count] = i
            count += 1
    return found


@njit(nogil=True, cache=True)
def _bounds(values: np.ndarray) -> tuple[int, int]:
    low = values[0]
    high = values[0]
    for i in range(1, len(values)):
        v = values[i]
        if v < low:
            low = v
        elif v > high:
            high = v
    return low, high


@njit(nogil=True, cache=True)
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
    estimate. (Every array here is the rollup's own: no read-only view.)"""
    count = 0
    for i in range(len(tally)):
        if tally[i] != 0:
            count += 1
    measure = np.empty(count, dtype=np.int32)
    unit = np.empty(count, dtype=np.int32)
    year = np.empty(count, dtype=np.int32)
    value = np.empty(count, dtype=np.float64)
    n = np.empty(count, dtype=np.int32)
    estimate = np.empty(count, dtype=np.bool_)
    # The cells in order: parent, measure, year (no division per cell).
    at = 0
    i = 0
    for p in range(len(parent_ids)):
        for m in range(len(measure_ids)):
            for y in range(span):
                if tally[i] != 0:
                    year[at] = y + first_year
                    measure[at] = measure_ids[m]
                    unit[at] = parent_ids[p]
                    value[at] = sums[i]
                    n[at] = tally[i]
                    estimate[at] = flagged[i]
                    at += 1
                i += 1
    return measure, unit, year, value, n, estimate


@njit(nogil=True, cache=True)
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
    block = measures * span
    count = 0
    for p in range(len(parent_ids)):
        for k in range(len(ids)):
            a = p * block + nums[k] * span
            b = p * block + dens[k] * span
            for y in range(span):
                if tally[a + y] != 0 and tally[b + y] != 0 and sums[b + y] > 0:
                    count += 1
    measure = np.empty(count, dtype=np.int32)
    unit = np.empty(count, dtype=np.int32)
    year = np.empty(count, dtype=np.int32)
    value = np.empty(count, dtype=np.float64)
    n = np.empty(count, dtype=np.int32)
    estimate = np.empty(count, dtype=np.bool_)
    at = 0
    for p in range(len(parent_ids)):
        for k in range(len(ids)):
            a = p * block + nums[k] * span
            b = p * block + dens[k] * span
            for y in range(span):
                if tally[a + y] != 0 and tally[b + y] != 0 and sums[b + y] > 0:
                    measure[at] = ids[k]
                    unit[at] = parent_ids[p]
                    year[at] = y + first_year
                    value[at] = factors[k] * sums[a + y] / sums[b + y]
                    n[at] = tally[a + y]
                    estimate[at] = flagged[a + y] or flagged[b + y]
                    at += 1
    return measure, unit, year, value, n, estimate


@njit(nogil=True, cache=True)
def _survey(
    units: np.ndarray,
    measures: np.ndarray,
    years: np.ndarray,
    unit_seen: np.ndarray,
    measure_seen: np.ndarray,
    measure_offset: int,
    pick_measure: np.ndarray,
    pick_offset: int,
    pick_unit: np.ndarray,
    found_measure: np.ndarray,
    found_unit: np.ndarray,
) -> tuple[int, int, bool, int, int]:
    first = years[0]
    last = years[0]
    outside = False
    unit_size = len(unit_seen)
    measure_size = len(measure_seen)
    picked_measure_size = len(pick_measure)
    picked_unit_size = len(pick_unit)
    by_measure = 0
    by_unit = 0
    for i in range(len(units)):
        u = units[i]
        if 0 <= u < unit_size:
            unit_seen[u] = True
        m = measures[i]
        j = m - measure_offset
        if 0 <= j < measure_size:
            measure_seen[j] = True
        else:
            outside = True
        y = years[i]
        first = min(first, y)
        last = max(last, y)
        k = m - pick_offset
        if 0 <= k < picked_measure_size and pick_measure[k]:
            found_measure[by_measure] = i
            by_measure += 1
        if 0 <= u < picked_unit_size and pick_unit[u]:
            found_unit[by_unit] = i
            by_unit += 1
    return first, last, outside, by_measure, by_unit


@njit(nogil=True, cache=True)
def _uniform(table: np.ndarray, ids: np.ndarray) -> int:
    size = len(table)
    first = MIXED
    for i in range(len(ids)):
        j = ids[i]
        v = int(table[j]) if 0 <= j < size else -1
        if i == 0:
            first = v
        elif v != first:
            return MIXED
    return first
