"""Rolling facts up a tree, level by level; phases from the years."""

import itertools
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import polars as pl

from vandong.analytics.engine.arrays import changes, take
from vandong.analytics.engine.frames import ROLLUP_SCHEMA, phase_code

_KEY = ["measure", "unit", "year"]
_WORK = {
    "measure": pl.Int32,
    "unit": pl.Int32,
    "year": pl.Int32,
    "value": pl.Float64,
    "n": pl.Int32,
    "estimate": pl.Boolean,
}


class _Rules:
    """The measures that do not simply sum, by how they aggregate."""

    def __init__(self, rules: pl.DataFrame) -> None:
        # The measures' ids span this (weights carried as -m included): the
        # size of the rollup's tables by measure.
        self.window = int(rules["measure"].abs().max() or 0) + 1  # type: ignore[arg-type]
        special = rules.filter(pl.col("agg") != "sum")
        self.by_agg: dict[str, list[int]] = defaultdict(list)
        for measure, agg in special.select("measure", "agg").iter_rows():
            self.by_agg[agg].append(measure)
        self.special = special["measure"].to_list()
        self.weights = dict(
            special.filter(pl.col("agg") == "weighted")
            .select("measure", "weight")
            .iter_rows()
        )
        # Weighted measures carry the sum of their weights as measure -m.
        self.carried = [-m for m in self.weights]
        self.ratios = special.filter(pl.col("agg") == "ratio").select(
            "measure", "num", "den", "factor"
        )
        weights = set(self.weights.values())
        # Rows redone by rule, and the rows they need (the weights).
        self.special_all = self.special + self.carried
        self.involved = self.special_all + sorted(weights)
        self.odd = [
            m for agg in ("min", "max", "ratio", "none") for m in self.by_agg[agg]
        ]


def rollup(
    facts: pl.DataFrame | Sequence[pl.DataFrame],
    units: pl.DataFrame,
    rules: pl.DataFrame,
    *,
    include_own: bool = True,
) -> pl.DataFrame:
    """Every measure of `facts` at its own unit and at every ancestor up to
    the country (unit 0), for every year (ROLLUP_SCHEMA, `period` = year).

    `facts` (one frame, or several never put together) may carry `n` and
    `estimate` (the mapped facts of the current tree do); facts of units
    not in `units` are left out. A measure is reported at one level: a
    unit's own figure is never merged with the sum of its children's.
    Without `include_own`, only the rows computed above the facts' own
    units (the store keeps the facts apart).
    """
    from vandong.analytics.engine import kernels  # compiled on first use

    known = _Rules(rules)
    # Only the few rows of measures that do not simply sum are given the
    # count and estimate columns (the kernels read those when present).
    frames = [
        f.select([pl.col(c).cast(_WORK[c]) for c in f.columns if c in _WORK])
        for f in ([facts] if isinstance(facts, pl.DataFrame) else facts)
        if not f.is_empty()
    ]
    top = max((int(f["unit"].max()) for f in frames), default=0)  # type: ignore[arg-type]
    parent_of, level_of = _tree_arrays(units, top)
    own_by_level: dict[int, list[pl.DataFrame]] = defaultdict(list)
    for frame in frames:
        ids = frame["unit"].to_numpy()
        # A file of the store is of one level: known without a gather.
        level = kernels.uniform(level_of, ids)
        split = (
            [(level, frame)]
            if level != kernels.MIXED
            else _by_level(frame, kernels.gather(level_of, ids, -1))
        )
        for level, part in split:
            # Level 0 and below: the country itself, and units not in the tree.
            if level > 0:
                own_by_level[level].append(part)
    arrived: dict[int, list[pl.DataFrame]] = defaultdict(list)
    aggregated: list[pl.DataFrame] = []
    for level in (4, 3, 2, 1, 0):
        came_up = arrived.pop(level, [])
        merged = _merge(came_up, known) if came_up else None
        if merged is not None:
            aggregated.append(merged)
        if level == 0:
            break
        parts = own_by_level.get(level, []) + ([merged] if merged is not None else [])
        if not parts:
            continue
        up = _up(parts, parent_of, known)
        parent_levels = pl.Series("level", level_of[up["unit"].to_numpy()])
        for key, part in (
            up.with_columns(parent_levels).partition_by("level", as_dict=True).items()
        ):
            arrived[int(str(key[0]))].append(part.drop("level"))
    above = pl.concat(aggregated) if aggregated else pl.DataFrame(schema=_WORK)
    above = _ratios(above.filter(pl.col("measure") >= 0), known)
    if include_own:
        own = [_working(p) for level in own_by_level.values() for p in level]
        above = pl.concat([*own, above])
    return above.rename({"year": "period"}).select(list(ROLLUP_SCHEMA))


def _working(facts: pl.DataFrame) -> pl.DataFrame:
    extra = []
    if "n" not in facts.columns:
        extra.append(pl.lit(1, pl.Int32).alias("n"))
    if "estimate" not in facts.columns:
        extra.append(pl.lit(False).alias("estimate"))
    return facts.with_columns(extra).select(
        [pl.col(name).cast(dtype) for name, dtype in _WORK.items()]
    )


def _tree_arrays(units: pl.DataFrame, top_fact: int) -> tuple[np.ndarray, np.ndarray]:
    """The parent and level of each unit id, by position (-1: not in the tree)."""
    top = max(int(units["unit"].max() or 0), top_fact) + 1  # type: ignore[arg-type]
    parent_of = np.full(top, -1, dtype=np.int32)
    level_of = np.full(top, -1, dtype=np.int8)
    ids = units["unit"].to_numpy()
    parent_of[ids] = units["parent"].fill_null(0).to_numpy()
    level_of[ids] = units["level"].to_numpy()
    level_of[0] = 0
    return parent_of, level_of


def _to_parents(rows: pl.DataFrame, parent_of: np.ndarray) -> pl.DataFrame:
    parents = pl.Series("unit", take(parent_of, rows["unit"].to_numpy()), pl.Int32)
    return rows.with_columns(parents)


def _merge(frames: list[pl.DataFrame], known: _Rules) -> pl.DataFrame:
    """Rows that came up to the same level from different levels below (a
    province gets its legacy districts' and its current communes' sums)."""
    if len(frames) == 1:
        return frames[0]
    return _aggregate(_weighted_products(pl.concat(frames), known), known)


def _up(
    parts: list[pl.DataFrame], parent_of: np.ndarray, known: _Rules
) -> pl.DataFrame:
    """The rows summed into their parents, each measure by its rule: all of
    them summed in one dense pass, then the few measures that do not simply
    sum (and the weighted ones) redone from their own rows."""
    summed = _dense_sums(parts, parent_of, window=known.window)
    if not known.special:
        return summed
    involved = [_rows_of(p, known.involved) for p in parts]
    involved = [_working(p) for p in involved if not p.is_empty()]
    if not involved:
        return summed
    special = _weighted_products(pl.concat(involved), known)
    special = special.filter(pl.col("measure").is_in(known.special_all))
    redone = _aggregate(_to_parents(special, parent_of), known)
    plain = summed.filter(~pl.col("measure").is_in(known.special_all))
    return pl.concat([plain, redone])


def _rows_of(
    rows: pl.DataFrame, ids: Sequence[int], *, column: str = "measure"
) -> pl.DataFrame:
    """The rows of these measures (or units): a few among many, found in
    one compiled pass on long frames, then gathered."""
    if rows.is_empty() or not ids:
        return rows.clear()
    from vandong.analytics.engine import kernels

    offset = min(min(ids), 0)
    flagged = np.zeros(max(ids) - offset + 1, dtype=np.bool_)
    flagged[np.asarray(ids) - offset] = True
    found = [
        kernels.positions_of(chunk[column].to_numpy(), flagged, offset) + start
        for start, chunk in _chunks(rows.select(column))
    ]
    return rows[np.concatenate(found)] if found else rows.clear()


def _chunks(rows: pl.DataFrame) -> list[tuple[int, pl.DataFrame]]:
    """(first row, slice) of each chunk of a frame's first column."""
    lengths = rows.to_series().chunk_lengths()
    cuts = np.cumsum([0, *lengths]).tolist()
    return [(a, rows.slice(a, b - a)) for a, b in itertools.pairwise(cuts)]


def _by_level(
    facts: pl.DataFrame, levels: np.ndarray
) -> list[tuple[int, pl.DataFrame]]:
    """The facts of each level; zero-copy slices when they come in runs of
    one level each (the store keeps them so), else one partition."""
    if len(levels) == 0:
        return []
    starts = np.concatenate([[0], changes(levels)])
    if len(set(levels[starts].tolist())) < len(starts):
        parts = facts.with_columns(pl.Series("_level", levels)).partition_by(
            "_level", as_dict=True
        )
        return [
            (int(str(key[0])), part.drop("_level"))
            for key, part in sorted(parts.items(), key=lambda item: str(item[0]))
        ]
    ends = [*starts[1:].tolist(), len(levels)]
    return [
        (int(levels[a]), facts.slice(a, b - a))
        for a, b in zip(starts.tolist(), ends, strict=True)
    ]


def _dense_sums(
    parts: pl.DataFrame | Sequence[pl.DataFrame],
    parent_of: np.ndarray,
    *,
    leave_out: Sequence[int] = (),
    window: int = 1 << 15,
) -> pl.DataFrame:
    """Sums into the parents by counting into a dense array of (parent,
    measure, year) bins: no sort and no hash table, several times faster
    than a group-by on tens of millions of rows. The bin of a row is the
    sum of two entries of small tables (by unit, by measure) and its year,
    and every row is added in one compiled pass; `parts` are counted into
    the same bins, so they are never concatenated. Rows whose parent is
    negative, and the measures in `leave_out`, are left out. Measure ids
    are expected from -window to window (a table that size marks them); one
    outside makes the table larger."""
    frames = [
        chunk
        for p in ([parts] if isinstance(parts, pl.DataFrame) else parts)
        if not p.is_empty()
        for chunk in _kernel_columns(p)
        if chunk.height
    ]
    if not frames:
        return pl.DataFrame(schema=_WORK)
    from vandong.analytics.engine import kernels  # compiled on first use

    # Units outside the tree (and negative ids) have no parent: not marked.
    unit_seen = np.zeros(len(parent_of), dtype=np.bool_)
    offset, measure_seen, years = _survey(frames, unit_seen, window)
    if measure_seen is None:
        ends = [kernels.bounds(f["measure"].to_numpy()) for f in frames]
        window = max(max(-low, high) for low, high in ends) + 1
        offset, measure_seen, years = _survey(frames, unit_seen, window)
        if measure_seen is None:  # sized from the bounds: never
            raise RuntimeError("the measures' table is too small")
    first_year, span = years[0], years[1] - years[0] + 1
    last_measure = len(measure_seen) - 1 + offset
    gone = np.asarray(leave_out, dtype=np.int64) - offset
    measure_seen[gone[(gone >= 0) & (gone < len(measure_seen))]] = False
    unit_ids = np.flatnonzero(unit_seen)
    parents = parent_of[unit_ids].astype(np.int64)
    has_parent = parents >= 0
    unit_ids, parents = unit_ids[has_parent], parents[has_parent]
    if len(unit_ids) == 0:
        return pl.DataFrame(schema=_WORK)
    parent_ids = np.unique(parents)
    measure_ids = np.flatnonzero(measure_seen) + offset
    if len(measure_ids) == 0:
        return pl.DataFrame(schema=_WORK)
    bins = len(measure_ids) * len(parent_ids) * span
    if bins > _MAX_BINS:
        rows = pl.concat([_working(f) for f in frames])
        rows = rows.filter(pl.col("measure").is_in(measure_ids.tolist()))
        return _sums(_to_parents(rows, parent_of).filter(pl.col("unit") >= 0))
    # bin = (parent position * measures + measure position) * span + year
    # offset: parent first, so that the rows of one unit (and of its
    # siblings) fall into one small block of bins, which stays in the
    # processor's cache.
    measure_bin = np.full(last_measure - offset + 1, kernels.SKIP, dtype=np.int64)
    measure_bin[measure_ids - offset] = np.arange(len(measure_ids)) * span - first_year
    unit_bin = np.full(len(parent_of), -1, dtype=np.int64)
    unit_bin[unit_ids] = np.searchsorted(parent_ids, parents) * (
        len(measure_ids) * span
    )
    sums = np.zeros(bins, dtype=np.float64)
    tally = np.zeros(bins, dtype=np.int64)
    flagged = np.zeros(bins, dtype=np.bool_)
    for f in frames:
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
    return pl.DataFrame(dict(zip(_WORK, columns, strict=True)), schema=_WORK)


_KERNEL_COLUMNS = ("measure", "unit", "year", "value")


def _survey(
    frames: list[pl.DataFrame], unit_seen: np.ndarray, window: int
) -> tuple[int, np.ndarray | None, tuple[int, int]]:
    """The units and measures of the frames marked, and their first and
    last year; the measures' table is None when one fell outside it."""
    from vandong.analytics.engine import kernels

    measure_seen = np.zeros(2 * window + 1, dtype=np.bool_)
    first, last = 2**31, -(2**31)
    for f in frames:
        low, high, outside = kernels.survey(
            (f["unit"].to_numpy(), f["measure"].to_numpy(), f["year"].to_numpy()),
            unit_seen,
            measure_seen,
            -window,
        )
        if outside:
            return -window, None, (0, 0)
        first, last = min(first, low), max(last, high)
    return -window, measure_seen, (first, last)


def _kernel_columns(rows: pl.DataFrame) -> list[pl.DataFrame]:
    """The columns the kernels read, in their types, as frames of one chunk
    each (NumPy then sees every column without a copy): a frame put
    together from others is cut where its parts meet, not copied whole."""
    columns = [pl.col(name).cast(_WORK[name]) for name in _KERNEL_COLUMNS]
    columns += [pl.col(name) for name in ("n", "estimate") if name in rows.columns]
    selected = rows.select(columns)
    lengths = selected["unit"].chunk_lengths()
    if len(lengths) <= 1:
        return [selected]
    if any(selected[c].chunk_lengths() != lengths for c in selected.columns):
        return [selected.rechunk()]
    return [part for _start, part in _chunks(selected)]


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


# 150 million bins of three arrays is about 2.5 GB: beyond that, a group-by.
_MAX_BINS = 150_000_000


def _aggregate(rows: pl.DataFrame, known: _Rules) -> pl.DataFrame:
    """Group rows by (measure, unit, year) by each measure's rule; `unit`
    already names the unit they are summed into."""
    if not known.special:
        return _sums(rows)
    is_odd = pl.col("measure").is_in(known.odd)
    parts = [_sums(rows.filter(~is_odd))]
    odd_rows = rows.filter(is_odd)
    for agg, value in (
        ("min", pl.col("value").min()),
        ("max", pl.col("value").max()),
        # Recomputed from numerator and denominator afterwards; a lone
        # child's ratio is exact and kept where those are missing.
        ("ratio", pl.when(pl.len() == 1).then(pl.col("value").first())),
    ):
        these = odd_rows.filter(pl.col("measure").is_in(known.by_agg[agg]))
        if not these.is_empty():
            parts.append(_agg(these.group_by(_KEY), value))
    grouped = pl.concat(parts)
    return _weighted_averages(grouped, known)


def _sums(rows: pl.DataFrame) -> pl.DataFrame:
    return _agg(rows.group_by(_KEY), pl.col("value").sum())


def _agg(grouped: "pl.dataframe.group_by.GroupBy", value: pl.Expr) -> pl.DataFrame:
    return grouped.agg(
        value.alias("value"),
        pl.col("n").sum().cast(pl.Int32),
        pl.col("estimate").any(),
    ).select(list(_WORK))


def _weighted_products(rows: pl.DataFrame, known: _Rules) -> pl.DataFrame:
    """Before grouping: each weighted measure's value times its weight, and
    the weight itself as measure -m, so that both simply sum. The weight is
    the weight measure's own figure for reported rows, and the carried sum
    of weights for rows that came up from below."""
    if not known.weights:
        return rows
    is_weighted = pl.col("measure").is_in(list(known.weights))
    values = rows.filter(is_weighted)
    if values.is_empty():
        return rows
    is_carried = pl.col("measure").is_in(known.carried)
    carried = rows.filter(is_carried).select(
        (-pl.col("measure")).alias("measure"),
        "unit",
        "year",
        pl.col("value").alias("w"),
    )
    with_carried = set(carried["measure"].unique().to_list())
    pairs = pl.DataFrame(
        [(m, w) for m, w in known.weights.items() if m not in with_carried],
        schema={"measure": pl.Int32, "weight": pl.Int32},
        orient="row",
    )
    own = rows.join(pairs, left_on="measure", right_on="weight", suffix="_w").select(
        pl.col("measure_w").alias("measure"), "unit", "year", pl.col("value").alias("w")
    )
    joined = values.join(pl.concat([carried, own]), on=_KEY).filter(pl.col("w") > 0)
    return pl.concat(
        [
            rows.filter(~is_weighted & ~is_carried),
            joined.select(
                "measure",
                "unit",
                "year",
                pl.col("value") * pl.col("w"),
                "n",
                "estimate",
            ),
            joined.select(
                (-pl.col("measure")).alias("measure"),
                "unit",
                "year",
                pl.col("w").alias("value"),
                "n",
                "estimate",
            ),
        ]
    )


def _weighted_averages(grouped: pl.DataFrame, known: _Rules) -> pl.DataFrame:
    """After grouping: sum(value * weight) / sum(weight)."""
    if not known.weights:
        return grouped
    is_weighted = pl.col("measure").is_in(list(known.weights))
    products = grouped.filter(is_weighted)
    if products.is_empty():
        return grouped
    weights = grouped.filter(pl.col("measure").is_in(known.carried)).select(
        (-pl.col("measure")).alias("measure"),
        "unit",
        "year",
        pl.col("value").alias("w"),
    )
    averaged = products.join(weights, on=_KEY).select(
        "measure", "unit", "year", pl.col("value") / pl.col("w"), "n", "estimate"
    )
    return pl.concat([grouped.filter(~is_weighted), averaged])


def _ratios(rows: pl.DataFrame, known: _Rules) -> pl.DataFrame:
    """Ratios recomputed from their summed numerator and denominator, never
    averaged; where those are missing the ratio keeps what came up."""
    return with_ratios_recomputed(rows, known.ratios)


def with_ratios_recomputed(rows: pl.DataFrame, ratios: pl.DataFrame) -> pl.DataFrame:
    """`rows` with the rows of the ratio measures in `ratios` (measure, num,
    den, factor) replaced by `recompute_ratios`."""
    if ratios.is_empty() or rows.is_empty():
        return rows
    return pl.concat(
        [
            rows.filter(~pl.col("measure").is_in(ratios["measure"].to_list())),
            recompute_ratios(rows, ratios).select(rows.columns),
        ]
    )


def recompute_ratios(rows: pl.DataFrame, ratios: pl.DataFrame) -> pl.DataFrame:
    """The rows of the ratio measures in `ratios` (measure, num, den, factor),
    computed from the num and den rows of `rows` where both exist (den > 0),
    else as they were in `rows`. Key columns: measure, unit and `year` or
    `period`, whichever `rows` has."""
    time = "year" if "year" in rows.columns else "period"
    key = ["unit", time]
    num = rows.join(
        ratios.select("measure", pl.col("num")), left_on="measure", right_on="num"
    ).select(
        pl.col("measure_right").alias("ratio"),
        *key,
        pl.col("value").alias("num_value"),
        "n",
        "estimate",
    )
    den = rows.join(
        ratios.select("measure", pl.col("den")), left_on="measure", right_on="den"
    ).select(
        pl.col("measure_right").alias("ratio"),
        *key,
        pl.col("value").alias("den_value"),
        pl.col("estimate").alias("den_estimate"),
    )
    factors = ratios.select(pl.col("measure").alias("ratio"), "factor")
    computed = (
        num.join(den, on=["ratio", *key], how="inner")
        .join(factors, on="ratio")
        .filter(pl.col("den_value") > 0)
        .select(
            pl.col("ratio").cast(pl.Int32).alias("measure"),
            *key,
            (pl.col("factor") * pl.col("num_value") / pl.col("den_value")).alias(
                "value"
            ),
            "n",
            (pl.col("estimate") | pl.col("den_estimate")).alias("estimate"),
        )
    )
    kept = rows.filter(pl.col("measure").is_in(ratios["measure"].to_list())).join(
        computed.select("measure", *key), on=["measure", *key], how="anti"
    )
    return pl.concat([computed.select(rows.columns), kept.select(rows.columns)])


def phases(
    yearly: pl.DataFrame,
    rules: pl.DataFrame,
    spans: Sequence[tuple[int, int]],
) -> pl.DataFrame:
    """Phase rows (`period` = start * 10000 + end) from yearly rollup rows:
    flows sum over the years, stocks take the last year with a figure,
    ratios are recomputed from their phase numerator and denominator."""
    if yearly.is_empty() or not spans:
        return pl.DataFrame(schema=ROLLUP_SCHEMA)
    timed = yearly.join(rules.select("measure", "time"), on="measure", how="left")
    timed = timed.with_columns(pl.col("time").fill_null("last"))
    parts: list[pl.DataFrame] = []
    for start, end in spans:
        inside = timed.filter(pl.col("period").is_between(start, end))
        if inside.is_empty():
            continue
        code = pl.lit(phase_code(start, end), pl.Int32).alias("period")
        flows = (
            inside.filter(pl.col("time") == "sum")
            .group_by("measure", "unit")
            .agg(pl.col("value").sum(), pl.col("n").max(), pl.col("estimate").any())
        )
        stocks = (
            inside.filter(pl.col("time") == "last")
            .sort("period")
            .group_by("measure", "unit")
            .agg(pl.col("value").last(), pl.col("n").last(), pl.col("estimate").last())
        )
        parts.extend(
            frame.with_columns(code).select(list(ROLLUP_SCHEMA))
            for frame in (flows, stocks)
        )
    if not parts:
        return pl.DataFrame(schema=ROLLUP_SCHEMA)
    result = pl.concat(parts)
    ratios = rules.filter(pl.col("agg") == "ratio").select(
        "measure", "num", "den", "factor"
    )
    return pl.DataFrame(with_ratios_recomputed(result, ratios))
