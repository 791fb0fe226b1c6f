"""The values a set reads, placed on the grid: one block of grid rows per
element, then one per share of children answering yes, all in one long
column (the block of a name at `blocks[name]`)."""

import polars as pl

from vandong.catalog.criteria.spec import CriteriaSetSpec
from vandong.criteria.engine.frames import (
    _element,
    _Frame,
    _full,
    _Grid,
    _run,
    _share,
    _Slot,
)


def _placed_values(
    grid: _Grid,
    spec: CriteriaSetSpec,
    units: pl.DataFrame,
    values: pl.DataFrame,
    slots: list[_Slot],
) -> tuple[pl.Series, dict[str, int]]:
    """The long column of values, grid row after grid row within each block,
    and the block number of each element (e:<code>) and share (s:...)."""
    codes = sorted(
        {
            code
            for slot in slots
            for code in (
                slot.condition.value.element,
                slot.condition.value.numerator,
                slot.condition.value.denominator,
            )
            if code
        }
    )
    pairs = sorted(
        {
            (slot.condition.value.child_element, slot.condition.value.child_level)
            for slot in slots
            if slot.condition.value.child_element
        }
    )
    blocks = {_element(code): k for k, code in enumerate(codes)}
    blocks |= {_share(e, level): len(codes) + k for k, (e, level) in enumerate(pairs)}
    parts = [_element_block(grid, values, codes)]
    parts += [_share_block(grid, spec, units, values, e, lv) for e, lv in pairs]
    return pl.concat(parts, rechunk=True), blocks


def _element_block(grid: _Grid, values: pl.DataFrame, codes: list[str]) -> pl.Series:
    """Every element the conditions read at the set's level, element after
    element, null where there is no value."""
    flat = _full(None, grid.size * len(codes), pl.Float64)
    if not codes or not grid.size:
        return flat
    # An Enum cast looks strings up faster than replace_strict; others -> null.
    element = (
        pl.col("element")
        .cast(pl.Enum(codes), strict=False)
        .to_physical()
        .cast(pl.Int64)
    )
    at = (element * grid.size + grid.row(grid.unit_index())).alias("at")

    def steps(frame: _Frame) -> _Frame:
        return frame.select(at, "value").drop_nulls("at")

    placed = _run(values, steps)
    return flat.scatter(placed["at"], placed["value"])


def _share_block(
    grid: _Grid,
    spec: CriteriaSetSpec,
    units: pl.DataFrame,
    values: pl.DataFrame,
    element: str,
    level: int,
) -> pl.Series:
    """The percent of the unit's children (at `level`) whose `element` is
    yes, null unless every child has a value."""
    if not grid.size:
        return pl.Series([], dtype=pl.Float64)
    # Eager calls: on a small grid a lazy query's planning costs more than
    # the work.
    children = (
        _descendants(units, spec.level, level)
        .select("child", grid.unit_index("ancestor").alias("unit"))
        .drop_nulls("unit")
    )
    counted = children.group_by("unit").agg(pl.len().alias("n"))
    row = grid.row(pl.col("unit")).alias("row")

    def steps(frame: _Frame) -> _Frame:
        # The lazy join needs a lazy right side, the eager one an eager one.
        right = children.lazy() if isinstance(frame, pl.LazyFrame) else children
        return (
            frame.filter(pl.col("element") == element)
            .join(right, left_on="unit_id", right_on="child", how="inner")
            .select(row, "value")
            .drop_nulls("row")
            .group_by("row")
            .agg(
                pl.col("value").count().cast(pl.Float64).alias("answered"),
                (pl.col("value") != 0).sum().cast(pl.Float64).alias("yes"),
            )
        )

    answered = _run(values, steps)
    per_unit = _full(0, len(grid.unit_ids), pl.Int64).scatter(
        counted["unit"], counted["n"]
    )
    years = max(len(grid.years), 1)
    rows = pl.int_range(grid.size, dtype=pl.Int64, eager=True)
    total = per_unit.gather(rows // years).cast(pl.Float64)
    got = _full(0.0, grid.size, pl.Float64).scatter(
        answered["row"], answered["answered"]
    )
    yes = _full(0.0, grid.size, pl.Float64).scatter(answered["row"], answered["yes"])
    share = 100.0 * yes / total
    return share.zip_with(
        (total > 0) & (got == total), _full(None, grid.size, pl.Float64)
    )


def _descendants(units: pl.DataFrame, level: int, child_level: int) -> pl.DataFrame:
    """child, ancestor: each unit at `child_level` with its ancestor at
    `level`, climbing parent_id one level at a time."""
    found = units.filter(pl.col("level") == child_level).select(
        pl.col("unit_id").cast(pl.Int64).alias("child"),
        pl.col("parent_id").cast(pl.Int64).alias("ancestor"),
    )
    if child_level <= level:
        return found.clear()
    if child_level - level > 1:
        parents = units.select(
            pl.col("unit_id").cast(pl.Int64), pl.col("parent_id").cast(pl.Int64)
        )
        for _ in range(child_level - level - 1):
            found = found.join(
                parents, left_on="ancestor", right_on="unit_id", how="inner"
            ).select("child", pl.col("parent_id").alias("ancestor"))
    return found.drop_nulls("ancestor")
