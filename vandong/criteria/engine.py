"""Judging units against a criteria set: pure functions over polars frames.

`evaluate` takes a `CriteriaSetSpec`, the values of data elements (long
format) and the units, and returns one row per condition, per criterion and
per unit and year. No Django here: the service reads the frames from the
database and stores the result; the tests and the benchmark call it alone.

How it stays fast: the values the set needs are pivoted once into a wide
frame, one row per (unit, year) and one column per element. Every condition,
indicator and criterion is then a column expression on that frame (a Python
loop over the spec, never over units), and the long results are slices of
the wide frame stacked together, in the set's order.
"""

import functools
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from vandong.catalog.criteria.spec import (
    FLAG_COMPARATORS,
    MET,
    NO_DATA,
    NOT_MET,
    STATUSES,
    ConditionSpec,
    CriteriaSetSpec,
    IndicatorSpec,
    Threshold,
)

# Statuses are small integers while computing (their index in STATUSES) and
# spelled out in the frames returned.
_MET, _NOT_MET, _NO_DATA, _NO_THRESHOLD = range(4)

# Slack of every comparison: a percent computed as 100 × a / b can land a
# rounding error away from a threshold it equals.
EPSILON = 1e-9

INDICATOR_SCHEMA = pl.Schema(
    {
        "unit_id": pl.Int64,
        "year": pl.Int32,
        "criterion": pl.Utf8,
        "indicator": pl.Utf8,
        "condition": pl.Int16,
        "value": pl.Float64,
        "threshold": pl.Float64,
        "comparator": pl.Utf8,
        "verified": pl.Boolean,
        "status": pl.Utf8,
        "gap": pl.Float64,
        "gap_relative": pl.Float64,
    }
)
CRITERION_SCHEMA = pl.Schema(
    {
        "unit_id": pl.Int64,
        "year": pl.Int32,
        "criterion": pl.Utf8,
        "status": pl.Utf8,
        "indicators_met": pl.Int16,
        "indicators_total": pl.Int16,
    }
)
OVERALL_SCHEMA = pl.Schema(
    {
        "unit_id": pl.Int64,
        "year": pl.Int32,
        "status": pl.Utf8,
        "criteria_met": pl.Int16,
        "criteria_not_met": pl.Int16,
        "criteria_no_data": pl.Int16,
        "criteria_total": pl.Int16,
        "gap_score": pl.Float64,
        "unverified": pl.Boolean,
    }
)
NEAREST_SCHEMA = pl.Schema(
    {
        "unit_id": pl.Int64(),
        "criteria_missing": pl.Int16(),
        "gap_score": pl.Float64(),
        "missing": pl.List(pl.Utf8),
    }
)


@dataclass(frozen=True)
class Evaluation:
    """The result of `evaluate`, three long frames (see the *_SCHEMA above):

    - `indicators`: one row per unit, year and condition of an indicator;
    - `criteria`: one row per unit, year and criterion;
    - `overall`: one row per unit and year.

    Rows are grouped by condition (or criterion) in the set's order, so a
    stable group-by on (unit_id, year) lists them as the set does.
    """

    indicators: pl.DataFrame
    criteria: pl.DataFrame
    overall: pl.DataFrame


@dataclass(frozen=True)
class _Slot:
    """A condition of the set and the wide-frame columns that hold it."""

    criterion: str
    indicator: str
    index: int  # position within its indicator, 0 = first
    name: str  # column prefix, unique in the set
    condition: ConditionSpec
    source_verified: bool


def evaluate(
    spec: CriteriaSetSpec,
    values: pl.DataFrame,
    units: pl.DataFrame,
    years: Sequence[int],
) -> Evaluation:
    """Judge every unit of `units` at the set's level and of its unit types,
    for each of `years` (all of them: choosing the years the set applies in
    is the caller's business).

    `values`: unit_id, year, element, value (yes/no as 1.0/0.0), one row per
    (unit_id, year, element); other units and elements are ignored, child
    units' values sit in the same frame. `units`: unit_id, parent_id, level,
    unit_type, region, commune_group (extra columns are ignored).
    """
    slots = _slots(spec)
    grid = _Grid(spec, units, years)
    typed = values.lazy().select(
        pl.col("unit_id").cast(pl.Int64),
        pl.col("year").cast(pl.Int32),
        pl.col("element").cast(pl.Utf8),
        pl.col("value").cast(pl.Float64),
    )
    columns = _element_columns(grid, typed, slots)
    columns += _child_share_columns(grid, spec, units, typed, slots)
    wide = grid.frame.with_columns(columns)
    for stage in _stages(spec):
        wide = wide.with_columns(stage)
    return Evaluation(
        indicators=_indicator_rows(wide, slots),
        criteria=_criterion_rows(wide, spec),
        overall=_overall_rows(wide, spec),
    )


def nearest(evaluation: Evaluation, year: int) -> pl.DataFrame:
    """The units not meeting the standard in `year`, closest first: fewest
    criteria not met or without data, then smallest gap score. `missing`
    lists those criteria (not met or no data) in the set's order."""
    overall = evaluation.overall.filter(
        (pl.col("year") == year) & (pl.col("status") != MET)
    ).select(
        "unit_id",
        (pl.col("criteria_not_met") + pl.col("criteria_no_data"))
        .cast(pl.Int16)
        .alias("criteria_missing"),
        "gap_score",
    )
    missing = (
        evaluation.criteria.filter(
            (pl.col("year") == year) & pl.col("status").is_in([NOT_MET, NO_DATA])
        )
        .group_by("unit_id", maintain_order=True)
        .agg(pl.col("criterion").alias("missing"))
    )
    return (
        overall.join(missing, on="unit_id", how="left")
        .with_columns(pl.col("missing").fill_null(pl.lit([], pl.List(pl.Utf8))))
        .sort("criteria_missing", "gap_score", "unit_id")
        .select(list(NEAREST_SCHEMA))
    )


def thresholds_frame(spec: CriteriaSetSpec) -> pl.DataFrame:
    """Every threshold of the set, one row each, in the set's order: the
    table a page shows beside the rules."""
    rows = [
        {
            "criterion": slot.criterion,
            "indicator": slot.indicator,
            "condition": slot.index,
            "comparator": slot.condition.comparator,
            "key": t.key,
            "year": t.year,
            "value": float(t.value),
            "verified": t.verified,
            "source": t.source.label(),
        }
        for slot in _slots(spec)
        for t in slot.condition.thresholds
    ]
    schema = {
        "criterion": pl.Utf8,
        "indicator": pl.Utf8,
        "condition": pl.Int16,
        "comparator": pl.Utf8,
        "key": pl.Utf8,
        "year": pl.Int32,
        "value": pl.Float64,
        "verified": pl.Boolean,
        "source": pl.Utf8,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


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
    """The rows of the wide frame: every judged unit × every year, unit by
    unit, years in order. Row of (unit u, year y) is u × len(years) + y, so
    values are placed by arithmetic instead of joins or a pivot."""

    def __init__(
        self, spec: CriteriaSetSpec, units: pl.DataFrame, years: Sequence[int]
    ):
        judged = (
            units.filter(
                (pl.col("level") == spec.level)
                & pl.col("unit_type").is_in(list(spec.unit_types))
            )
            .select(pl.col("unit_id").cast(pl.Int64), _key(spec).alias("key"))
            .unique("unit_id", keep="first", maintain_order=True)
        )
        self.unit_ids = judged["unit_id"]
        self.years = pl.Series("year", sorted(set(years)), dtype=pl.Int32)
        self.size = judged.height * len(self.years)
        rows = pl.int_range(self.size, dtype=pl.Int64, eager=True)
        unit = rows // len(self.years) if len(self.years) else rows
        self.frame = pl.DataFrame(
            {
                "unit_id": self.unit_ids.gather(unit),
                "year": self.years.gather(rows % max(len(self.years), 1)),
                "key": judged["key"].gather(unit),
            }
        )

    def unit_index(self, column: str = "unit_id") -> pl.Expr:
        """Position of the unit among the judged ones, null for others."""
        return _position(pl.col(column), self.unit_ids)

    def row(self, unit_index: pl.Expr) -> pl.Expr:
        """Row of the grid, null for a unit or year not judged."""
        return unit_index * len(self.years) + _position(pl.col("year"), self.years)

    def column(
        self, name: str, rows: pl.Series, values: pl.Series, empty: float | None
    ) -> pl.Series:
        """A grid column holding `values` at `rows`, `empty` elsewhere."""
        base = _full(empty, self.size, pl.Float64)
        return base.scatter(rows, values).alias(name)


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


def _element_columns(
    grid: _Grid, values: pl.LazyFrame, slots: list[_Slot]
) -> list[pl.Series]:
    """One column per element the conditions read at the set's level."""
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
    if not codes or not grid.size:
        return [pl.Series(_element(code), [], pl.Float64) for code in codes]
    # All elements in one long column, element after element: each element's
    # column is then a zero-copy slice of it.
    # An Enum cast looks strings up faster than replace_strict; others -> null.
    element = (
        pl.col("element")
        .cast(pl.Enum(codes), strict=False)
        .to_physical()
        .cast(pl.Int64)
    )
    placed = (
        values.select(
            (element * grid.size + grid.row(grid.unit_index())).alias("at"), "value"
        )
        .drop_nulls("at")
        .collect()
    )
    flat = _full(None, grid.size * len(codes), pl.Float64)
    flat = flat.scatter(placed["at"], placed["value"])
    return [
        flat.slice(k * grid.size, grid.size).alias(_element(code))
        for k, code in enumerate(codes)
    ]


def _child_share_columns(
    grid: _Grid,
    spec: CriteriaSetSpec,
    units: pl.DataFrame,
    values: pl.LazyFrame,
    slots: list[_Slot],
) -> list[pl.Series]:
    """One column per (child element, child level): the percent of the
    unit's children whose value is yes, null unless every child has one."""
    pairs = sorted(
        {
            (slot.condition.value.child_element, slot.condition.value.child_level)
            for slot in slots
            if slot.condition.value.child_element
        }
    )
    columns = []
    for element, level in pairs:
        children = (
            _descendants(units, spec.level, level)
            .with_columns(grid.unit_index("ancestor").alias("unit"))
            .drop_nulls("unit")
            .collect()
        )
        counted = children.group_by("unit").agg(pl.len().alias("n"))
        per_unit = _full(0, len(grid.unit_ids), pl.Int64).scatter(
            counted["unit"], counted["n"]
        )
        years = max(len(grid.years), 1)
        rows = pl.int_range(grid.size, dtype=pl.Int64, eager=True)
        total = per_unit.gather(rows // years).cast(pl.Float64)
        answered = (
            values.filter(pl.col("element") == element)
            .join(
                children.lazy().select("child", "unit"),
                left_on="unit_id",
                right_on="child",
                how="inner",
            )
            .select(grid.row(pl.col("unit")).alias("row"), "value")
            .drop_nulls("row")
            .group_by("row")
            .agg(
                pl.col("value").count().cast(pl.Float64).alias("answered"),
                (pl.col("value") != 0).sum().cast(pl.Float64).alias("yes"),
            )
            .collect()
        )
        counts = pl.DataFrame(
            [
                total.alias("total"),
                grid.column("answered", answered["row"], answered["answered"], 0.0),
                grid.column("yes", answered["row"], answered["yes"], 0.0),
            ]
        )
        columns.append(
            counts.select(
                pl.when((pl.col("total") > 0) & (pl.col("answered") == pl.col("total")))
                .then(100.0 * pl.col("yes") / pl.col("total"))
                .alias(_share(element, level))
            ).to_series()
        )
    return columns


def _descendants(units: pl.DataFrame, level: int, child_level: int) -> pl.LazyFrame:
    """child, ancestor: each unit at `child_level` with its ancestor at
    `level`, climbing parent_id one level at a time."""
    parents = units.lazy().select(
        pl.col("unit_id").cast(pl.Int64), pl.col("parent_id").cast(pl.Int64)
    )
    found = (
        units.lazy()
        .filter(pl.col("level") == child_level)
        .select(
            pl.col("unit_id").cast(pl.Int64).alias("child"),
            pl.col("parent_id").cast(pl.Int64).alias("ancestor"),
        )
    )
    for _ in range(child_level - level - 1):
        found = found.join(
            parents, left_on="ancestor", right_on="unit_id", how="inner"
        ).select("child", pl.col("parent_id").alias("ancestor"))
    if child_level <= level:
        found = found.filter(pl.lit(False))
    return found.drop_nulls("ancestor")


@functools.lru_cache(maxsize=16)
def _stages(spec: CriteriaSetSpec) -> tuple[tuple[pl.Expr, ...], ...]:
    """The column expressions that judge a wide frame, stage by stage (each
    stage reads the columns of the ones before); built once per set.

    Per condition: value (:v), threshold (:t, numeric comparators only),
    verified (:ok, when it varies by row), status (:s), gap (:g), relative
    gap (:r). Per indicator (i<n>) and criterion (k<n>): status (:s) and
    conditions or indicators met (:met) and not met (:not). Overall (o:):
    status, criteria met / not met / no data, gap score, unverified."""
    slots = _slots(spec)
    condition_columns = [
        expr
        for slot in slots
        for expr in (
            _value(slot.condition).alias(f"{slot.name}:v"),
            *(
                ()
                if slot.condition.comparator in FLAG_COMPARATORS
                else (_threshold(slot.condition.thresholds).alias(f"{slot.name}:t"),)
            ),
            *(
                ()
                if _constant_verified(slot) is not None
                else (_verified(slot).alias(f"{slot.name}:ok"),)
            ),
        )
    ]
    statuses = [
        _status(slot.condition, slot.name).alias(f"{slot.name}:s") for slot in slots
    ]
    gaps = [expr for slot in slots for expr in _gaps(slot.condition, slot.name)]
    members = _members(spec, slots)
    indicators = [
        expr
        for number, (indicator, names) in enumerate(members)
        for expr in _counted(f"i{number}", [f"{n}:s" for n in names])
    ]
    indicator_statuses = [
        _combined(f"i{number}", len(names), indicator.at_least)
        for number, (indicator, names) in enumerate(members)
    ]
    numbers = _indicator_numbers(spec)
    criteria = [
        expr
        for k, criterion in enumerate(spec.criteria)
        for expr in _counted(f"k{k}", [f"i{i}:s" for i in numbers[k]])
    ]
    criterion_statuses = [
        _combined(f"k{k}", len(criterion.indicators), criterion.at_least)
        for k, criterion in enumerate(spec.criteria)
    ]
    criterion_columns = [f"k{k}:s" for k in range(len(spec.criteria))]
    constant = [_constant_verified(slot) for slot in slots]
    varying = [
        f"{slot.name}:ok" for slot, c in zip(slots, constant, strict=True) if c is None
    ]
    unverified = (
        pl.lit(True)
        if False in constant
        else ~pl.all_horizontal(varying)
        if varying
        else pl.lit(False)
    )
    overall = [
        *_counted("o", criterion_columns),
        _count(criterion_columns, _NO_DATA).alias("o:no_data"),
        _gap_score(members).alias("o:gap"),
        unverified.alias("o:unverified"),
    ]
    return (
        tuple(condition_columns),
        tuple(statuses),
        tuple(gaps + indicators),
        tuple(indicator_statuses),
        tuple(criteria),
        tuple(criterion_statuses),
        tuple(overall),
        (_combined("o", len(spec.criteria), spec.at_least),),
    )


def _members(
    spec: CriteriaSetSpec, slots: list[_Slot]
) -> list[tuple[IndicatorSpec, list[str]]]:
    """Each indicator of the set with the column prefixes of its conditions."""
    found = []
    position = 0
    for criterion in spec.criteria:
        for indicator in criterion.indicators:
            count = len(indicator.conditions)
            found.append(
                (indicator, [s.name for s in slots[position : position + count]])
            )
            position += count
    return found


def _indicator_numbers(spec: CriteriaSetSpec) -> list[list[int]]:
    """For each criterion, the numbers of its indicators (i<n>)."""
    numbers, position = [], 0
    for criterion in spec.criteria:
        count = len(criterion.indicators)
        numbers.append(list(range(position, position + count)))
        position += count
    return numbers


def _count(columns: list[str], status: int) -> pl.Expr:
    if not columns:
        return pl.lit(0, pl.Int16)
    return pl.sum_horizontal(pl.col(c) == status for c in columns).cast(pl.Int16)


def _counted(prefix: str, columns: list[str]) -> tuple[pl.Expr, pl.Expr]:
    """How many of the columns are met (:met) and not met (:not)."""
    return (
        _count(columns, _MET).alias(f"{prefix}:met"),
        _count(columns, _NOT_MET).alias(f"{prefix}:not"),
    )


def _combined(prefix: str, total: int, at_least: int | None) -> pl.Expr:
    """All (at_least None): not met if any is not met, met if all are, else
    no data. At least N: met if N are met, not met if N cannot be reached
    even counting every part without data or threshold, else no data."""
    needed = total if at_least is None else at_least
    met, not_met = pl.col(f"{prefix}:met"), pl.col(f"{prefix}:not")
    return (
        pl.when(met >= needed)
        .then(_MET)
        .when(total - not_met < needed)
        .then(_NOT_MET)
        .otherwise(_NO_DATA)
        .alias(f"{prefix}:s")
    )


def _gap_score(members: list[tuple[IndicatorSpec, list[str]]]) -> pl.Expr:
    """Sum over indicators not met of their relative gap, each at most 1
    (an indicator of several conditions: its failed conditions' gaps added,
    then capped)."""
    parts = []
    for number, (_, names) in enumerate(members):
        gaps = [
            pl.when(pl.col(f"{n}:s") == _NOT_MET)
            .then(pl.col(f"{n}:r").clip(upper_bound=1.0))
            .otherwise(0.0)
            for n in names
        ]
        share = (
            gaps[0]
            if len(gaps) == 1
            else pl.min_horizontal(pl.sum_horizontal(gaps), 1.0)
        )
        parts.append(
            pl.when(pl.col(f"i{number}:s") == _NOT_MET).then(share).otherwise(0.0)
        )
    return pl.sum_horizontal(parts) if parts else pl.lit(0.0)


def _value(condition: ConditionSpec) -> pl.Expr:
    value = condition.value
    if value.kind == "child_share":
        return pl.col(_share(value.child_element, value.child_level))
    if value.kind == "ratio":
        denominator = pl.col(_element(value.denominator))
        # No data when the denominator is 0 or missing.
        return pl.when(denominator != 0).then(
            100.0 * pl.col(_element(value.numerator)) / denominator
        )
    return pl.col(_element(value.element))


def _ranked(thresholds: Sequence[Threshold]) -> list[Threshold]:
    """Most specific first: key and year, key, year, general."""
    return sorted(thresholds, key=lambda t: (t.key == "", t.year is None))


def _applies(threshold: Threshold) -> pl.Expr:
    test = pl.lit(True)
    if threshold.key:
        test = test & (pl.col("key") == threshold.key)
    if threshold.year is not None:
        test = test & (pl.col("year") == threshold.year)
    return test


def _threshold(thresholds: Sequence[Threshold]) -> pl.Expr:
    """The value of the most specific threshold matching the row, else null."""
    ranked = _ranked(thresholds)
    if not ranked:
        return pl.lit(None, pl.Float64)
    # The first that applies: a when/then chain, written as a coalesce.
    return pl.coalesce(
        pl.when(_applies(t)).then(pl.lit(float(t.value), pl.Float64)) for t in ranked
    )


def _constant_verified(slot: _Slot) -> bool | None:
    """Whether every row of the condition is verified, when that does not
    depend on the threshold chosen; else None."""
    if not slot.source_verified:
        return False
    flags = {t.verified for t in slot.condition.thresholds}
    return flags.pop() if len(flags) == 1 else (True if not flags else None)


def _verified(slot: _Slot) -> pl.Expr:
    """Whether the threshold used is verified (the rule is: see
    `_constant_verified`); true where no threshold applies."""
    return pl.coalesce(
        *(
            pl.when(_applies(t)).then(pl.lit(t.verified))
            for t in _ranked(slot.condition.thresholds)
        ),
        pl.lit(True),
    )


def _status(condition: ConditionSpec, name: str) -> pl.Expr:
    value, threshold = pl.col(f"{name}:v"), pl.col(f"{name}:t")
    comparator = condition.comparator
    if comparator in FLAG_COMPARATORS:
        holds = value != 0 if comparator == "is_true" else value == 0
        return (
            pl.when(value.is_null())
            .then(_NO_DATA)
            .when(holds)
            .then(_MET)
            .otherwise(_NOT_MET)
        )
    if comparator == ">=":
        holds = value >= threshold - EPSILON
    elif comparator == ">":
        holds = value > threshold + EPSILON
    elif comparator == "<=":
        holds = value <= threshold + EPSILON
    elif comparator == "<":
        holds = value < threshold - EPSILON
    else:
        holds = (value - threshold).abs() <= EPSILON
    return (
        pl.when(value.is_null())
        .then(_NO_DATA)
        .when(threshold.is_null())
        .then(_NO_THRESHOLD)
        .when(holds)
        .then(_MET)
        .otherwise(_NOT_MET)
    )


def _gaps(condition: ConditionSpec, name: str) -> tuple[pl.Expr, pl.Expr]:
    """Gap in the indicator's unit (0 when met, null without data or
    threshold) and gap relative to |threshold|; a failed flag is 1.0 both."""
    value, threshold = pl.col(f"{name}:v"), pl.col(f"{name}:t")
    status = pl.col(f"{name}:s")
    comparator = condition.comparator
    if comparator in FLAG_COMPARATORS:
        gap = pl.when(status == _MET).then(0.0).when(status == _NOT_MET).then(1.0)
        return gap.alias(f"{name}:g"), gap.alias(f"{name}:r")
    if comparator in (">=", ">"):
        raw = threshold - value
    elif comparator in ("<=", "<"):
        raw = value - threshold
    else:
        raw = (value - threshold).abs()
    gap = (
        pl.when(status == _MET)
        .then(0.0)
        .when(status == _NOT_MET)
        .then(raw.clip(lower_bound=0.0))
    )
    relative = (
        pl.when(status == _MET)
        .then(0.0)
        .when(status == _NOT_MET)
        .then(
            # A threshold of 0 ("no temporary houses"): any miss is a full miss.
            pl.when(raw <= 0)
            .then(0.0)
            .when(threshold == 0)
            .then(1.0)
            .otherwise(raw / threshold.abs())
        )
    )
    return gap.alias(f"{name}:g"), relative.alias(f"{name}:r")


def _stacked(wide: pl.DataFrame, columns: list[str | pl.Series]) -> pl.Series:
    """The columns one after the other, as one long column."""
    return pl.concat(
        [wide.get_column(c) if isinstance(c, str) else c for c in columns],
        rechunk=False,
    )


def _which(parts: int, rows: int) -> pl.Series:
    """For each row of `parts` blocks of `rows` rows, its block number."""
    return pl.int_range(parts * rows, dtype=pl.Int64, eager=True) // max(rows, 1)


def _repeated(labels: list[object], which: pl.Series, dtype: pl.DataType) -> pl.Series:
    """Each label repeated over its block."""
    return pl.Series(labels, dtype=dtype).gather(which)


def _spelled(codes: pl.Series) -> pl.Series:
    return pl.Series(list(STATUSES), dtype=pl.Utf8).gather(codes)


def _indicator_rows(wide: pl.DataFrame, slots: list[_Slot]) -> pl.DataFrame:
    if not slots:
        return pl.DataFrame(schema=INDICATOR_SCHEMA)
    rows = wide.height
    which = _which(len(slots), rows)
    names = [slot.name for slot in slots]
    return pl.DataFrame(
        {
            "unit_id": _stacked(wide, ["unit_id"] * len(slots)),
            "year": _stacked(wide, ["year"] * len(slots)),
            "criterion": _repeated([s.criterion for s in slots], which, pl.Utf8()),
            "indicator": _repeated([s.indicator for s in slots], which, pl.Utf8()),
            "condition": _repeated([s.index for s in slots], which, pl.Int16()),
            "value": _stacked(wide, [f"{n}:v" for n in names]),
            "threshold": _stacked(
                wide,
                [
                    f"{s.name}:t"
                    if s.condition.comparator not in FLAG_COMPARATORS
                    else _full(None, rows, pl.Float64)
                    for s in slots
                ],
            ),
            "comparator": _repeated(
                [s.condition.comparator for s in slots], which, pl.Utf8()
            ),
            "verified": _stacked(wide, [_verified_column(s, rows) for s in slots]),
            "status": _spelled(_stacked(wide, [f"{n}:s" for n in names])),
            "gap": _stacked(wide, [f"{n}:g" for n in names]),
            "gap_relative": _stacked(wide, [f"{n}:r" for n in names]),
        },
        schema=INDICATOR_SCHEMA,
    )


def _verified_column(slot: _Slot, rows: int) -> str | pl.Series:
    constant = _constant_verified(slot)
    if constant is None:
        return f"{slot.name}:ok"
    return _full(constant, rows, pl.Boolean)


def _criterion_rows(wide: pl.DataFrame, spec: CriteriaSetSpec) -> pl.DataFrame:
    if not spec.criteria:
        return pl.DataFrame(schema=CRITERION_SCHEMA)
    rows, count = wide.height, len(spec.criteria)
    which = _which(count, rows)
    return pl.DataFrame(
        {
            "unit_id": _stacked(wide, ["unit_id"] * count),
            "year": _stacked(wide, ["year"] * count),
            "criterion": _repeated([c.code for c in spec.criteria], which, pl.Utf8()),
            "status": _spelled(_stacked(wide, [f"k{n}:s" for n in range(count)])),
            "indicators_met": _stacked(wide, [f"k{n}:met" for n in range(count)]),
            "indicators_total": _repeated(
                [len(c.indicators) for c in spec.criteria], which, pl.Int16()
            ),
        },
        schema=CRITERION_SCHEMA,
    )


def _overall_rows(wide: pl.DataFrame, spec: CriteriaSetSpec) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unit_id": wide.get_column("unit_id"),
            "year": wide.get_column("year"),
            "status": _spelled(wide.get_column("o:s")),
            "criteria_met": wide.get_column("o:met"),
            "criteria_not_met": wide.get_column("o:not"),
            "criteria_no_data": wide.get_column("o:no_data"),
            "criteria_total": _full(len(spec.criteria), wide.height, pl.Int16),
            "gap_score": wide.get_column("o:gap"),
            "unverified": wide.get_column("o:unverified"),
        },
        schema=OVERALL_SCHEMA,
    )
