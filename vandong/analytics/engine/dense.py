"""Sums of rows into their parents through a dense array of (parent,
measure, year) cells: no sort and no hash table, several times faster than
a group-by on tens of millions of rows.

The frames are surveyed first (one compiled pass each: the units, measures
and years present, and the rows of the few measures or units the caller
wants apart), then every row is added into its cell (a second pass), and
the filled cells become the rows of the result. Several frames are counted
into the same cells, so they are never concatenated."""

import contextlib
import itertools
import threading
from collections.abc import Iterator, Sequence

import numpy as np
import polars as pl

from vandong.analytics.engine.ratios import RatioTable, computed_ratios

# The rollup's working rows: facts with the count of units behind a figure
# and whether part of it is an estimate.
WORK_SCHEMA = {
    "measure": pl.Int32,
    "unit": pl.Int32,
    "year": pl.Int32,
    "value": pl.Float64,
    "n": pl.Int32,
    "estimate": pl.Boolean,
}

_KERNEL_COLUMNS = ("measure", "unit", "year", "value")

# 150 million cells of three arrays is about 2.5 GB: beyond that, a group-by.
_MAX_BINS = 150_000_000

# Each thread's zeroed table of bin offsets by measure, kept for its next
# sums: the table spans every measure id (derived ones start at 1,000,000,
# so two million entries), and zeroing it whole each time costs more than
# the few hundred entries a sum sets.
_spare = threading.local()


@contextlib.contextmanager
def _measure_table(size: int, measures: np.ndarray) -> Iterator[np.ndarray]:
    """A zeroed int64 table of `size` entries; its entries at `measures`
    are zeroed again on leaving, and it is kept for this thread's next."""
    table = getattr(_spare, "table", None)
    _spare.table = None
    if table is None or len(table) != size:
        table = np.zeros(size, dtype=np.int64)
    yield table
    table[measures] = 0
    _spare.table = table


def working(facts: pl.DataFrame) -> pl.DataFrame:
    """Rows in WORK_SCHEMA (a count of 1 and no estimate where not given)."""
    extra = []
    if "n" not in facts.columns:
        extra.append(pl.lit(1, pl.Int32).alias("n"))
    if "estimate" not in facts.columns:
        extra.append(pl.lit(False).alias("estimate"))
    return facts.with_columns(extra).select(
        [pl.col(name).cast(dtype) for name, dtype in WORK_SCHEMA.items()]
    )


class DenseSums:
    """Rows added (`add`), then summed into the parents (`sums`).

    `parent_of[unit]` is a row's parent (negative: the row is left out, as
    are units outside the table and negative ids); the measures in
    `leave_out` are left out too. Measure ids are expected from -window to
    window (a table that size marks them); one outside makes it larger."""

    def __init__(
        self,
        parent_of: np.ndarray,
        *,
        leave_out: Sequence[int] = (),
        window: int = 1 << 15,
        group_of: np.ndarray | None = None,
    ) -> None:
        self.parent_of = parent_of
        # The parents' cells come out in runs of one group (group_of[parent],
        # a province), so that they are cut into the groups' files without
        # a partition.
        self.group_of = group_of
        self.leave_out = leave_out
        self.window = window
        self.unit_seen = np.zeros(len(parent_of), dtype=np.bool_)
        self.measure_seen = np.zeros(2 * window + 1, dtype=np.bool_)
        self.first_year, self.last_year = 2**31, -(2**31)
        self.frames: list[pl.DataFrame] = []

    def add(
        self,
        parts: pl.DataFrame | Sequence[pl.DataFrame],
        *,
        pick_measures: Sequence[int] = (),
        pick_units: Sequence[int] = (),
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """These rows to be summed. Returned, in the same pass: the rows of
        the measures in `pick_measures`, and those of the units in
        `pick_units` (WORK_SCHEMA), whether or not they are summed."""
        from vandong.analytics.engine import kernels  # compiled on first use

        by_measure, measure_offset = _flags(pick_measures)
        by_unit, _ = _flags(pick_units, offset=0)
        picked: tuple[list[pl.DataFrame], list[pl.DataFrame]] = ([], [])
        for p in [parts] if isinstance(parts, pl.DataFrame) else parts:
            for frame in _kernel_columns(p) if p.height else []:
                while True:
                    found = kernels.survey(
                        (
                            frame["unit"].to_numpy(),
                            frame["measure"].to_numpy(),
                            frame["year"].to_numpy(),
                        ),
                        self.unit_seen,
                        self.measure_seen,
                        -self.window,
                        (by_measure, measure_offset, by_unit),
                    )
                    if not found.outside:
                        break
                    self._widen(kernels.bounds(frame["measure"].to_numpy()))
                self.first_year = min(self.first_year, found.first_year)
                self.last_year = max(self.last_year, found.last_year)
                self.frames.append(frame)
                for kept, positions in zip(
                    picked, (found.by_measure, found.by_unit), strict=True
                ):
                    if len(positions):
                        kept.append(frame[positions])
        return _worked(picked[0]), _worked(picked[1])

    def _widen(self, bounds: tuple[int, int]) -> None:
        """The measures' table made large enough for ids within `bounds`,
        keeping what is marked."""
        window = max(self.window, -bounds[0], bounds[1]) + 1
        seen = np.zeros(2 * window + 1, dtype=np.bool_)
        seen[window - self.window : window + self.window + 1] = self.measure_seen
        self.window, self.measure_seen = window, seen

    def sums(self) -> pl.DataFrame:
        """The rows added, summed into their parents (WORK_SCHEMA; `n` the
        rows' counts summed, `estimate` whether any of them was one)."""
        return self.sums_and_ratios(None)[0]

    def sums_and_ratios(
        self, ratios: RatioTable | None
    ) -> tuple[pl.DataFrame, pl.DataFrame]:
        """The sums, and the `ratios` computed from them (`computed_ratios`;
        straight from the cells, where a ratio's parts sit side by side)."""
        from vandong.analytics.engine import kernels

        empty = pl.DataFrame(schema=WORK_SCHEMA)
        if not self.frames:
            return empty, empty
        offset = -self.window
        measure_ids = np.flatnonzero(self.measure_seen) + offset
        if len(self.leave_out):
            measure_ids = measure_ids[~np.isin(measure_ids, self.leave_out)]
        unit_ids = np.flatnonzero(self.unit_seen)
        parents = self.parent_of[unit_ids].astype(np.int64)
        has_parent = parents >= 0
        unit_ids, parents = unit_ids[has_parent], parents[has_parent]
        if len(unit_ids) == 0 or len(measure_ids) == 0:
            return empty, empty
        by_id = np.unique(parents)
        position = np.arange(len(by_id))
        parent_ids = by_id
        if self.group_of is not None:
            from vandong.analytics.engine.arrays import take

            order = np.argsort(take(self.group_of, by_id), kind="stable")
            parent_ids = by_id[order]
            position[order] = np.arange(len(by_id))
        first_year, span = self.first_year, self.last_year - self.first_year + 1
        bins = len(measure_ids) * len(parent_ids) * span
        if bins > _MAX_BINS:
            summed = self._grouped(measure_ids)
            if ratios is None or not len(ratios):
                return summed, empty
            return summed, computed_ratios(summed, ratios.rules)
        # cell = (parent position * measures + measure position) * span +
        # year offset: parent first, so that the rows of one unit (and of its
        # siblings) fall into one small block of cells, which stays in the
        # processor's cache.
        unit_bin = np.full(len(self.parent_of), -1, dtype=np.int64)
        unit_bin[unit_ids] = position[np.searchsorted(by_id, parents)] * (
            len(measure_ids) * span
        )
        sums = np.zeros(bins, dtype=np.float64)
        tally = np.zeros(bins, dtype=np.int64)
        flagged = np.zeros(bins, dtype=np.bool_)
        measures_at = measure_ids - offset
        with _measure_table(len(self.measure_seen), measures_at) as measure_bin:
            measure_bin[measures_at] = (
                np.arange(len(measure_ids)) * span - first_year + kernels.SHIFT
            )
            for f in self.frames:
                kernels.accumulate(
                    measure_bin,
                    offset,
                    unit_bin,
                    tuple(f[name].to_numpy() for name in _KERNEL_COLUMNS),  # type: ignore[arg-type]
                    _counts(f),
                    _estimates(f),
                    sums,
                    tally,
                    flagged,
                )
        columns = kernels.cells(
            tally, sums, flagged, measure_ids, parent_ids, span, first_year
        )
        summed = pl.DataFrame(
            dict(zip(WORK_SCHEMA, columns, strict=True)), schema=WORK_SCHEMA
        )
        parts = _ratio_parts(ratios, measure_ids)
        if parts is None:
            return summed, empty
        columns = kernels.ratio_cells(
            tally, sums, flagged, parts, len(measure_ids), parent_ids, span, first_year
        )
        return summed, pl.DataFrame(
            dict(zip(WORK_SCHEMA, columns, strict=True)), schema=WORK_SCHEMA
        )

    def _grouped(self, measure_ids: np.ndarray) -> pl.DataFrame:
        """The same sums by a group-by, for tables too large to hold."""
        from vandong.analytics.engine.arrays import take

        rows = pl.concat([working(f) for f in self.frames])
        rows = rows.filter(pl.col("measure").is_in(measure_ids.tolist()))
        parents = take(self.parent_of, rows["unit"].to_numpy())
        return (
            rows.with_columns(pl.Series("unit", parents, pl.Int32))
            .filter(pl.col("unit") >= 0)
            .group_by("measure", "unit", "year")
            .agg(
                pl.col("value").sum(),
                pl.col("n").sum().cast(pl.Int32),
                pl.col("estimate").any(),
            )
            .select(list(WORK_SCHEMA))
        )


def _ratio_parts(
    ratios: RatioTable | None, measure_ids: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The ratios whose numerator and denominator were both summed: ids,
    the positions of their parts among `measure_ids` (sorted), factors."""
    if ratios is None or not len(ratios) or not len(measure_ids):
        return None
    nums = np.minimum(np.searchsorted(measure_ids, ratios.nums), len(measure_ids) - 1)
    dens = np.minimum(np.searchsorted(measure_ids, ratios.dens), len(measure_ids) - 1)
    both = (measure_ids[nums] == ratios.nums) & (measure_ids[dens] == ratios.dens)
    if not both.any():
        return None
    return ratios.ids[both], nums[both], dens[both], ratios.factors[both]


def _worked(frames: list[pl.DataFrame]) -> pl.DataFrame:
    """Frames of the kernels' columns put together in WORK_SCHEMA (those
    with a count and an estimate apart from those without)."""
    if not frames:
        return pl.DataFrame(schema=WORK_SCHEMA)
    by_columns: dict[tuple[str, ...], list[pl.DataFrame]] = {}
    for frame in frames:
        by_columns.setdefault(tuple(frame.columns), []).append(frame)
    return pl.concat([working(pl.concat(same)) for same in by_columns.values()])


def dense_sums(
    parts: pl.DataFrame | Sequence[pl.DataFrame],
    parent_of: np.ndarray,
    *,
    leave_out: Sequence[int] = (),
    window: int = 1 << 15,
    group_of: np.ndarray | None = None,
) -> pl.DataFrame:
    """`parts` summed into their parents (see DenseSums)."""
    dense = DenseSums(parent_of, leave_out=leave_out, window=window, group_of=group_of)
    dense.add(parts)
    return dense.sums()


def _flags(ids: Sequence[int], offset: int | None = None) -> tuple[np.ndarray, int]:
    """A table flagging these ids (flags[id - offset]), and its offset."""
    if not ids:
        return np.zeros(0, dtype=np.bool_), 0
    low = min(min(ids), 0) if offset is None else offset
    flags = np.zeros(max(ids) - low + 1, dtype=np.bool_)
    wanted = np.asarray(ids, dtype=np.int64) - low
    flags[wanted[wanted >= 0]] = True
    return flags, low


def rows_of(rows: pl.DataFrame, measures: Sequence[int]) -> pl.DataFrame:
    """The rows of these measures: a few among many, found in one compiled
    pass over each chunk, then gathered."""
    if rows.is_empty() or not measures:
        return rows.clear()
    return rows[positions_of(rows, measures)]


def positions_of(rows: pl.DataFrame, measures: Sequence[int]) -> np.ndarray:
    """The positions of the rows of these measures (one compiled pass over
    each chunk)."""
    if rows.is_empty() or not measures:
        return np.zeros(0, dtype=np.int64)
    from vandong.analytics.engine import kernels

    flags, offset = _flags(measures)
    return np.concatenate(
        [
            kernels.positions_of(chunk["measure"].to_numpy(), flags, offset) + start
            for start, chunk in chunks(rows.select("measure"))
        ]
    )


def chunks(rows: pl.DataFrame) -> list[tuple[int, pl.DataFrame]]:
    """(first row, slice) of each chunk of a frame's first column."""
    lengths = rows.to_series().chunk_lengths()
    cuts = np.cumsum([0, *lengths]).tolist()
    return [(a, rows.slice(a, b - a)) for a, b in itertools.pairwise(cuts)]


def aligned_chunks(rows: pl.DataFrame) -> list[tuple[int, pl.DataFrame]]:
    """(first row, slice) of each chunk, when every column is cut in the
    same places; else the whole frame as one."""
    lengths = rows.to_series().chunk_lengths()
    if any(rows[c].chunk_lengths() != lengths for c in rows.columns):
        return [(0, rows)]
    return [(start, chunk) for start, chunk in chunks(rows) if chunk.height]


def _kernel_columns(rows: pl.DataFrame) -> list[pl.DataFrame]:
    """The columns the kernels read, in their types, as frames of one chunk
    each (NumPy then sees every column without a copy): a frame put
    together from others is cut where its parts meet, not copied whole."""
    names = [*_KERNEL_COLUMNS, *(c for c in ("n", "estimate") if c in rows.columns)]
    schema = rows.schema
    if rows.columns == names and all(schema[c] == WORK_SCHEMA[c] for c in names):
        selected = rows  # a file of the store, as read
    else:
        selected = rows.select(pl.col(c).cast(WORK_SCHEMA[c]) for c in names)
    lengths = selected["unit"].chunk_lengths()
    if len(lengths) <= 1:
        return [selected]
    if any(selected[c].chunk_lengths() != lengths for c in selected.columns):
        return [selected.rechunk()]
    return [part for _start, part in chunks(selected) if part.height]


_NO_COUNTS = np.zeros(0, dtype=np.int32)
_NO_ESTIMATES = np.zeros(0, dtype=np.bool_)


def _counts(rows: pl.DataFrame) -> np.ndarray:
    """The rows' counts, or none when every row counts 1."""
    if "n" not in rows.columns:
        return _NO_COUNTS
    n = rows["n"]
    if n.min() == 1 and n.max() == 1:
        return _NO_COUNTS
    return n.cast(pl.Int32).to_numpy()


def _estimates(rows: pl.DataFrame) -> np.ndarray:
    """The rows' estimate flags, or none when no row is an estimate."""
    if "estimate" not in rows.columns or not rows["estimate"].any():
        return _NO_ESTIMATES
    return rows["estimate"].fill_null(False).to_numpy()
