"""The grid: one row per judged unit and year; and the slots (the
conditions of the set)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

import polars as pl

from vandong.catalog.criteria.spec import ConditionSpec, CriteriaSetSpec


@dataclass(frozen=True)
class _Slot:
    """A condition of the set and its place in it."""

    criterion: str
    indicator: str
    index: int  # position within its indicator, 0 = first
    name: str  # column prefix, unique in the set
    condition: ConditionSpec
    source_verified: bool


def _slots(spec: CriteriaSetSpec) -> list[_Slot]:
    slots: list[_Slot] = []
    for criterion in spec.criteria:
        for indicator in criterion.indicators:
            for index, condition in enumerate(indicator.conditions):
                slots.append(
                    _Slot(
                        criterion=criterion.code,
                        indicator=indicator.code,
                        index=index,
                        name=f"c{len(slots)}",
                        condition=condition,
                        source_verified=indicator.source.verified,
                    )
                )
    return slots


def _judged(spec: CriteriaSetSpec) -> pl.Expr:
    """The units judged: at the set's level, of one of its unit types."""
    return (pl.col("level") == spec.level) & pl.col("unit_type").is_in(
        list(spec.unit_types)
    )


def _key(spec: CriteriaSetSpec) -> pl.Expr:
    """What picks a unit's threshold: its region, its commune group, or nothing."""
    if spec.threshold_key == "region":
        return pl.col("region").cast(pl.Utf8)
    if spec.threshold_key == "commune_group":
        return pl.col("commune_group").cast(pl.Utf8)
    return pl.lit(None, pl.Utf8)


def _element(code: str) -> str:
    return f"e:{code}"


def _share(element: str, level: int) -> str:
    return f"s:{element}:{level}"


class _Grid:
    """The rows judged: every judged unit × every year, unit by
    unit, years in order. Row of (unit u, year y) is u × len(years) + y, so
    values are placed by arithmetic instead of joins or a pivot."""

    def __init__(
        self, spec: CriteriaSetSpec, units: pl.DataFrame, years: Sequence[int]
    ):
        judged = units.select(
            pl.col("unit_id").cast(pl.Int64).filter(_judged(spec)),
            _key(spec).filter(_judged(spec)).alias("key"),
        )
        if judged.height and judged.get_column("unit_id").n_unique() < judged.height:
            judged = judged.unique("unit_id", keep="first", maintain_order=True)
        self.unit_ids = judged.get_column("unit_id")
        self.years = pl.Series("year", sorted(set(years)), dtype=pl.Int32)
        self.size = judged.height * len(self.years)
        # The threshold rules depend on the row only through its key and
        # year: number each (key, year) pair, a "combo", null key last.
        named = judged.get_column("key").drop_nulls().unique().sort().to_list()
        self.keys: tuple[str | None, ...] = (*named, None)
        count = max(len(self.years), 1)
        unit = pl.int_range(self.size, dtype=pl.Int64) // count
        year = pl.int_range(self.size, dtype=pl.Int64) % count
        key_index = (
            pl.col("key")
            .cast(pl.Enum(named))
            .to_physical()
            .cast(pl.Int64)
            .fill_null(len(named))
        )
        self.frame = judged.select(
            pl.col("unit_id").gather(unit),
            pl.lit(self.years).gather(year).alias("year"),
            pl.col("key").gather(unit),
            (key_index.gather(unit) * count + year).alias("combo"),
        )
        self.combo = self.frame.get_column("combo")

    def unit_index(self, column: str = "unit_id") -> pl.Expr:
        """Position of the unit among the judged ones, null for others."""
        return _position(pl.col(column), self.unit_ids)

    def row(self, unit_index: pl.Expr) -> pl.Expr:
        """Row of the grid, null for a unit or year not judged."""
        return unit_index * len(self.years) + _position(pl.col("year"), self.years)


def _full(
    value: object, length: int, dtype: pl.DataType | type[pl.DataType]
) -> pl.Series:
    """`value` `length` times (much cheaper than pl.repeat for short ones)."""
    return pl.Series([value], dtype=dtype).new_from_index(0, length)


# Largest span of keys looked up through a dense table (8 bytes per slot).
DENSE_SPAN = 4_000_000


def _position(column: pl.Expr, keys: pl.Series) -> pl.Expr:
    """Position of the column's value in `keys` (distinct integers), null
    when absent. Unit ids and years are dense enough for a table indexed by
    value, several times faster than a hash lookup."""
    positions = pl.int_range(len(keys), dtype=pl.Int64, eager=True)
    column = column.cast(pl.Int64)
    if not len(keys):
        return pl.lit(None, pl.Int64)
    low, high = int(keys.min()), int(keys.max())  # type: ignore[arg-type]
    span = high - low + 1
    if span > DENSE_SPAN:
        return column.replace_strict(
            keys, positions, default=None, return_dtype=pl.Int64
        )
    # Slot 0 and the last are null: values out of range are clipped onto them.
    table = _full(None, span + 2, pl.Int64).scatter(
        keys.cast(pl.Int64) - low + 1, positions
    )
    return pl.lit(table).gather((column - low + 1).clip(0, span + 1))


# Below this many rows a frame is worked on by eager calls: a lazy query's
# planning (a few hundred µs) would cost more than the work, and one commune
# is re-evaluated while a user waits. Above, one lazy query, which fuses the
# steps and runs expressions in parallel (eager is ~3× slower at 10⁶ rows).
EAGER_ROWS = 50_000

_Frame = TypeVar("_Frame", pl.DataFrame, pl.LazyFrame)


class _Steps(Protocol):
    """Steps written once for an eager or a lazy frame."""

    def __call__(self, frame: _Frame, /) -> _Frame: ...


def _run(frame: pl.DataFrame, steps: _Steps) -> pl.DataFrame:
    """`steps` applied to `frame`: eagerly if it is small, else as one lazy
    query."""
    if frame.height < EAGER_ROWS:
        return steps(frame)
    return steps(frame.lazy()).collect()
