"""The rollup's loops compiled by Numba: where the C module (`_loops.c`)
was not built, `kernels.py` runs these instead.

Compiled on first use and cached next to this file, so that a process after
the first loads them in a fraction of a second (`kernels.warm_up` does it
ahead, while the caller reads something else). `nogil`: batches of
provinces are rolled up on several threads at once."""

import numpy as np
from numba import njit

# See kernels.SHIFT and kernels.MIXED.
SHIFT = 2**40
MIXED = -(2**31)


@njit(nogil=True, cache=True)
def accumulate(
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
    # Rows come in runs of one unit: its cells are looked up once a run
    # (-1: a unit left out).
    run_unit = -1
    base = -1
    for i in range(len(units)):
        u = units[i]
        if u != run_unit or i == 0:
            run_unit = u
            base = unit_bin[u] if 0 <= u < unit_size else -1
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
def gather(table: np.ndarray, ids: np.ndarray, missing: int) -> np.ndarray:
    found = np.empty(len(ids), dtype=table.dtype)
    size = len(table)
    for i in range(len(ids)):
        j = ids[i]
        found[i] = table[j] if 0 <= j < size else missing
    return found


@njit(nogil=True, cache=True)
def changes(values: np.ndarray) -> np.ndarray:
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
def runs(table: np.ndarray, ids: np.ndarray) -> np.ndarray:
    size = len(table)
    count = 0
    before = 0
    for i in range(len(ids)):
        j = ids[i]
        v = int(table[j]) if 0 <= j < size else -1
        if i > 0 and v != before:
            count += 1
        before = v
    found = np.empty(count, dtype=np.int64)
    count = 0
    for i in range(len(ids)):
        j = ids[i]
        v = int(table[j]) if 0 <= j < size else -1
        if i > 0 and v != before:
            found[count] = i
            count += 1
        before = v
    return found


@njit(nogil=True, cache=True)
def positions_of(ids: np.ndarray, flagged: np.ndarray, offset: int) -> np.ndarray:
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
def counting_order(keys: np.ndarray, size: int) -> np.ndarray:
    starts = np.zeros(size, dtype=np.int64)
    for i in range(len(keys)):
        k = keys[i]
        if k < 0 or k >= size:
            return np.empty(0, dtype=np.int64)
        starts[k] += 1
    at = 0
    for k in range(size):
        count = starts[k]
        starts[k] = at
        at += count
    order = np.empty(len(keys), dtype=np.int64)
    for i in range(len(keys)):
        order[starts[keys[i]]] = i
        starts[keys[i]] += 1
    return order


@njit(nogil=True, cache=True)
def bounds(values: np.ndarray) -> tuple[int, int]:
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
    measure: np.ndarray,
    unit: np.ndarray,
    year: np.ndarray,
    value: np.ndarray,
    n: np.ndarray,
    estimate: np.ndarray,
) -> int:
    """As `cells` in _loops.c: the cells added to, in order (parent,
    measure, year), into the columns; with the columns empty, their count."""
    if len(measure) == 0:
        count = 0
        for i in range(len(tally)):
            if tally[i] != 0:
                count += 1
        return count
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
    return at


@njit(nogil=True, cache=True)
def ratio_cells(
    tally: np.ndarray,
    sums: np.ndarray,
    flagged: np.ndarray,
    ids: np.ndarray,
    nums: np.ndarray,
    dens: np.ndarray,
    factors: np.ndarray,
    measures: int,
    parent_ids: np.ndarray,
    span: int,
    first_year: int,
    measure: np.ndarray,
    unit: np.ndarray,
    year: np.ndarray,
    value: np.ndarray,
    n: np.ndarray,
    estimate: np.ndarray,
) -> int:
    """As `ratio_cells` in _loops.c: factor * num / den where both cells
    were added to and den > 0, into the columns; with them empty, their
    count."""
    fill = len(measure) > 0
    block = measures * span
    at = 0
    for p in range(len(parent_ids)):
        for k in range(len(ids)):
            a = p * block + nums[k] * span
            b = p * block + dens[k] * span
            for y in range(span):
                if tally[a + y] != 0 and tally[b + y] != 0 and sums[b + y] > 0:
                    if fill:
                        measure[at] = ids[k]
                        unit[at] = parent_ids[p]
                        year[at] = y + first_year
                        value[at] = factors[k] * sums[a + y] / sums[b + y]
                        n[at] = tally[a + y]
                        estimate[at] = flagged[a + y] or flagged[b + y]
                    at += 1
    return at


@njit(nogil=True, cache=True)
def survey(
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
    # Rows come in runs of one unit: a unit is looked up once a run.
    run_unit = -1
    unit_picked = False
    for i in range(len(units)):
        u = units[i]
        if u != run_unit or i == 0:
            run_unit = u
            if 0 <= u < unit_size:
                unit_seen[u] = True
            unit_picked = 0 <= u < picked_unit_size and pick_unit[u]
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
        if unit_picked:
            found_unit[by_unit] = i
            by_unit += 1
    return first, last, outside, by_measure, by_unit


@njit(nogil=True, cache=True)
def uniform(table: np.ndarray, ids: np.ndarray) -> int:
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
