"""Compiled loops of the rollup (Numba): one pass over the rows where NumPy
would take several, each allocating an array as long as the rows.

Compiled on first use and cached next to this file, so that a process after
the first loads them in a fraction of a second. `nogil`: batches of
provinces are rolled up on several threads at once."""

import numpy as np
from numba import njit

# A measure's bin offset when its rows are left out.
SKIP = -(2**62)


@njit(nogil=True, cache=True)
def mark(ids: np.ndarray, offset: int, seen: np.ndarray) -> None:
    """seen[id - offset] = True for every id (ids are small integers)."""
    for i in range(len(ids)):
        seen[ids[i] - offset] = True


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
    """Each row added into its bin: unit_bin[unit] (negative: the row is
    left out) + measure_bin[measure - offset] (SKIP: left out) + year. `counts` empty: each
    row counts 1; `estimates` empty: none is an estimate."""
    has_counts = len(counts) > 0
    has_estimates = len(estimates) > 0
    for i in range(len(units)):
        base = unit_bin[units[i]]
        if base < 0:
            continue
        at = measure_bin[measures[i] - measure_offset]
        if at == SKIP:
            continue
        b = base + at + years[i]
        sums[b] += values[i]
        tally[b] += counts[i] if has_counts else 1
        if has_estimates and estimates[i]:
            flagged[b] = True


@njit(nogil=True, cache=True)
def gather(table: np.ndarray, ids: np.ndarray, missing: int) -> np.ndarray:
    """table[ids], `missing` where an id is outside the table."""
    found = np.empty(len(ids), dtype=table.dtype)
    size = len(table)
    for i in range(len(ids)):
        j = ids[i]
        found[i] = table[j] if 0 <= j < size else missing
    return found


@njit(nogil=True, cache=True)
def changes(values: np.ndarray) -> np.ndarray:
    """The positions where a value differs from the one before it."""
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
def positions_of(ids: np.ndarray, flagged: np.ndarray, offset: int) -> np.ndarray:
    """The positions of the rows whose id is flagged (flagged[id - offset];
    ids outside the table are not)."""
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
