"""Legacy figures carried onto the current units through the succession edges."""

from collections.abc import Sequence

import numpy as np
import polars as pl

from vandong.analytics.engine.dense import WORK_SCHEMA, DenseSums, positions_of
from vandong.analytics.engine.ratios import RatioTable
from vandong.analytics.engine.rollup import (
    PLAIN,
    RATIOS,
    REDONE,
    Kept,
    _aggregate,
    _Rules,
    _weighted_products,
    _with_ratios,
)

EDGE_SCHEMA = {
    "unit": pl.Int32,  # the legacy unit
    "successor": pl.Int32,  # the current unit
    "share": pl.Float64,  # of the legacy unit's figures that went to it
    "split": pl.Boolean,  # the legacy unit was split: the share is an estimate
}


def map_to_successors(
    rows: pl.DataFrame | Sequence[pl.DataFrame],
    edges: pl.DataFrame,
    rules: pl.DataFrame,
    *,
    all_of: Sequence[int] = (),
    leave_out: Sequence[int] = (),
    group_of: np.ndarray | None = None,
) -> pl.DataFrame:
    """The figures of legacy units (`rows`: measure, unit, year, value[, n,
    estimate]; one frame or several never put together) as facts of their
    successors, following DESIGN.md: additive figures sum over merged units
    (a split one gives each successor its share, marked as an estimate);
    ratios are recomputed from their summed numerator and denominator;
    averages are weighted again; minima and maxima are taken again. Figures
    that do not aggregate go across only where one legacy unit became one
    current unit. Yes/no figures in `all_of` (a commune met the standard)
    are yes for a merged unit only where they were yes for every part (a
    part without the figure counts as no): a status is judged again on the
    merged unit, not added up, and never inherited from one part. Rows of
    units without an edge, and of the measures in `leave_out`, are left out.
    With `group_of` (each unit's group, its province), the sums come out in
    runs of one group.
    """
    known = _Rules.of(rules)
    frames = [
        f for f in ([rows] if isinstance(rows, pl.DataFrame) else rows) if f.height
    ]
    if not frames or edges.is_empty():
        return pl.DataFrame(schema=WORK_SCHEMA)
    statuses = list(all_of)
    # The statuses are judged after the sums: a ratio of them is not
    # computed in the cells.
    in_cells = known.ratios_in_cells(but=statuses)
    # Every measure that simply sums carried into the successors in one
    # dense pass (with the ratios of their sums); the others are picked out
    # in the same pass and redone from their own rows.
    plain, ratios, involved = _summed_into_successors(
        frames, edges, known, statuses, leave_out, group_of, in_cells
    )
    if statuses:
        plain = _statuses(plain, edges, statuses)
    parts: list[Kept] = [(plain, PLAIN), (ratios, RATIOS)]
    if involved.height:
        parts.append((_by_rule(involved, edges, known), REDONE))
    return pl.concat(_with_ratios(parts, known, in_cells))


def _summed_into_successors(
    frames: list[pl.DataFrame],
    edges: pl.DataFrame,
    known: _Rules,
    statuses: list[int],
    leave_out: Sequence[int],
    group_of: np.ndarray | None,
    in_cells: RatioTable,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """One dense pass: a merged or renamed unit's rows go to its successor;
    a split unit's rows, once per successor, each taking its share (statuses
    whole), through one stand-in unit id per edge. Returns those sums
    (without the measures that do not simply sum), the ratios `in_cells`
    computed from them, and the rows of the measures that do not simply sum
    and of their weights (without the measures in `leave_out`)."""
    single = edges.filter(pl.len().over("unit") == 1)
    split = edges.filter(pl.len().over("unit") > 1)
    top_row = max(int(str(f["unit"].max())) for f in frames)
    top = max(top_row, int(str(edges["unit"].max()))) + 1
    successor_of = np.full(top + split.height, -1, dtype=np.int32)
    successor_of[single["unit"].to_numpy()] = single["successor"].to_numpy()
    left_out = set(leave_out)
    dense = DenseSums(
        successor_of,
        leave_out=[*left_out, *known.special_all],
        window=known.window,
        group_of=group_of,
    )
    involved, of_split = dense.add(
        frames,
        pick_measures=[m for m in known.involved if m not in left_out],
        pick_units=split["unit"].unique().to_list(),
    )
    if split.height:
        successor_of[top:] = split["successor"].to_numpy()
        whole = [*known.odd, *statuses]
        stand_ins = split.with_row_index("edge").select(
            "unit", (pl.col("edge").cast(pl.Int32) + top).alias("stand_in"), "share"
        )
        # Only the split units' rows are joined (a few in a hundred).
        shares = of_split.join(stand_ins, on="unit", how="inner").select(
            "measure",
            pl.col("stand_in").alias("unit"),
            "year",
            pl.when(pl.col("measure").is_in(whole))
            .then(pl.col("value"))
            .otherwise(pl.col("value") * pl.col("share"))
            .alias("value"),
            "n",
            pl.lit(True).alias("estimate"),
        )
        dense.add(shares)
    summed, ratios = dense.sums_and_ratios(in_cells)
    return summed, ratios, involved


def _statuses(
    summed: pl.DataFrame, edges: pl.DataFrame, statuses: list[int]
) -> pl.DataFrame:
    """A yes/no figure is yes for a successor only where every part said yes:
    the sum of the parts' 1s equals the number of its parts. Only the value
    column is copied, the status rows found by one compiled pass."""
    at = positions_of(summed, statuses)
    if not len(at):
        return summed
    successors = edges["successor"].to_numpy()
    parts = np.bincount(successors[successors >= 0]).astype(np.float64)
    units = summed["unit"].to_numpy()[at]
    inside = (units >= 0) & (units < len(parts))
    wanted = np.where(inside, parts[np.where(inside, units, 0)], np.nan)
    values = summed["value"].to_numpy().copy()
    values[at] = np.where(values[at] >= wanted - 1e-9, 1.0, 0.0)
    return summed.with_columns(pl.Series("value", values))


def _by_rule(rows: pl.DataFrame, edges: pl.DataFrame, known: _Rules) -> pl.DataFrame:
    """The measures that do not simply sum (and the weights they need),
    carried by their rules: weighted averages weighted again, minima and
    maxima taken again, ratios kept where a lone part gives them, figures
    that do not aggregate across one-to-one edges only."""
    # Weighted averages become sums (value x weight, and the weight) on the
    # legacy units, before several of them meet on one successor.
    rows = _weighted_products(rows, known)
    mapped = rows.join(edges, on="unit", how="inner")
    not_scaled = [
        m for agg in ("min", "max", "ratio", "none") for m in known.by_agg[agg]
    ]
    scaled = pl.col("measure").is_in(not_scaled).not_() & (pl.col("share") != 1.0)
    mapped = mapped.select(
        "measure",
        pl.col("successor").alias("unit"),
        "year",
        pl.when(scaled)
        .then(pl.col("value") * pl.col("share"))
        .otherwise(pl.col("value"))
        .alias("value"),
        "n",
        (pl.col("estimate") | pl.col("split")).alias("estimate"),
    )
    one_to_one = edges.filter(
        (pl.len().over("successor") == 1) & (pl.len().over("unit") == 1)
    )["successor"].to_list()
    lone = mapped.filter(
        pl.col("measure").is_in(known.by_agg["none"]) & pl.col("unit").is_in(one_to_one)
    )
    grouped = _aggregate(mapped, known)
    grouped = grouped.filter(pl.col("measure").is_in(known.special))
    return pl.concat([grouped, lone.select(grouped.columns)])
