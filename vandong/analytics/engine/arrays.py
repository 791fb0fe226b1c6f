"""Array helpers of the rollup that take the compiled path on long arrays
(tens of millions of rows) and stay in NumPy on short ones, so that a page
asking for a few rows never waits for the kernels to load."""

import numpy as np

# Shorter than this, NumPy's own loops are as quick as loading a kernel.
LONG = 1 << 20


def take(table: np.ndarray, ids: np.ndarray, missing: int = -1) -> np.ndarray:
    """table[ids], `missing` where an id is outside the table."""
    if len(ids) >= LONG:
        from vandong.analytics.engine import kernels

        found: np.ndarray = kernels.gather(table, ids, missing)
        return found
    if len(ids) == 0 or (ids.min() >= 0 and ids.max() < len(table)):
        inside_only: np.ndarray = table[ids]
        return inside_only
    inside = (ids >= 0) & (ids < len(table))
    return np.where(inside, table[np.where(inside, ids, 0)], missing).astype(
        table.dtype
    )


def changes(values: np.ndarray) -> np.ndarray:
    """The positions where a value differs from the one before it."""
    if len(values) >= LONG:
        from vandong.analytics.engine import kernels

        found: np.ndarray = kernels.changes(values)
        return found
    return np.flatnonzero(values[1:] != values[:-1]) + 1
