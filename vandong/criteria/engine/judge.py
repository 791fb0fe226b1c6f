"""`evaluate`: conditions, indicators, criteria, then the whole set, each
level a long frame judged by one query of a few expressions.

A level holds one block of grid rows per member (condition, indicator,
criterion) in the set's order. Summing a group's members (an indicator's
conditions, a criterion's indicators) adds zero-copy slices of the blocks,
so no group-by or join is needed and the work per call is fixed: a few
queries whatever the set and the number of units."""

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from vandong.catalog.criteria.spec import COMPARATORS, STATUSES, CriteriaSetSpec
from vandong.criteria.engine.columns import _placed_values
from vandong.criteria.engine.conditions import (
    _MET,
    _NO_DATA,
    _NOT_MET,
    _condition_stages,
)
from vandong.criteria.engine.frames import (
    _element,
    _Frame,
    _full,
    _Grid,
    _run,
    _share,
    _Slot,
    _slots,
    _Steps,
)
from vandong.criteria.engine.results import (
    CRITERION_SCHEMA,
    INDICATOR_SCHEMA,
    OVERALL_SCHEMA,
    Evaluation,
)
from vandong.criteria.engine.thresholds import _Rules, _rules


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
    plan = _plan(spec)
    grid = _Grid(spec, units, years)
    if not grid.size:
        return Evaluation(
            indicators=pl.DataFrame(schema=INDICATOR_SCHEMA),
            criteria=pl.DataFrame(schema=CRITERION_SCHEMA),
            overall=pl.DataFrame(schema=OVERALL_SCHEMA),
        )
    typed = _typed(values)
    flat, blocks = _placed_values(grid, spec, units, typed, plan.slots)
    combos = (grid.keys, tuple(grid.years.to_list()))
    rules = plan.rules.get(combos)
    if rules is None:
        rules = plan.rules[combos] = _rules(spec, *combos)
    size = grid.size
    judged = _judge_conditions(grid, plan, flat, blocks, rules)
    indicators = _judge_group(
        judged, size, plan.indicator_members, plan.indicator_needed, share=True
    )
    criteria = _judge_group(
        indicators, size, plan.criterion_members, plan.criterion_needed
    )
    return Evaluation(
        indicators=_indicator_rows(judged, grid, plan),
        criteria=_criterion_rows(criteria, grid, plan),
        overall=_judge_overall(grid, spec, indicators, criteria, rules.unverified),
    )


_VALUE_SCHEMA = {
    "unit_id": pl.Int64,
    "year": pl.Int32,
    "element": pl.Utf8,
    "value": pl.Float64,
}


def _typed(values: pl.DataFrame) -> pl.DataFrame:
    """The value columns in the engine's types; cast only if they differ (a
    national frame is millions of rows)."""
    if all(values.schema.get(c) == t for c, t in _VALUE_SCHEMA.items()):
        return values
    return values.select(pl.col(c).cast(t) for c, t in _VALUE_SCHEMA.items())


@dataclass(frozen=True)
class _Plan:
    """What a set's evaluation needs beyond the spec, built once per set."""

    slots: list[_Slot]
    # Per condition, in the set's order.
    criterion: pl.Series
    indicator: pl.Series
    index: pl.Series
    comparator: pl.Series
    comparator_code: pl.Series
    ratio: pl.Series
    # The conditions of each indicator and indicators of each criterion (as
    # ranges of their numbers), and how many of them must be met.
    indicator_members: list[range]
    indicator_needed: list[int]
    criterion_members: list[range]
    criterion_needed: list[int]
    criterion_code: pl.Series
    criterion_total: pl.Series
    # The thresholds by (keys, years) of the grids seen (see `_rules`).
    rules: dict[tuple[tuple[str | None, ...], tuple[int, ...]], _Rules]

    def rule_base(self, combos: int) -> pl.Series:
        """Each condition's first row in the rules (condition × combos)."""
        return pl.Series(range(0, len(self.slots) * combos, combos), dtype=pl.Int64)


# Plans by id of their set: hashing a set (nested frozen dataclasses) would
# cost more than a small evaluation. The set is kept, so its id stays its own.
_PLANS: dict[int, tuple[CriteriaSetSpec, _Plan]] = {}


def _plan(spec: CriteriaSetSpec) -> _Plan:
    known = _PLANS.get(id(spec))
    if known is not None and known[0] is spec:
        return known[1]
    if len(_PLANS) >= 16:
        _PLANS.clear()
    plan = _new_plan(spec)
    _PLANS[id(spec)] = (spec, plan)
    return plan


def _new_plan(spec: CriteriaSetSpec) -> _Plan:
    slots = _slots(spec)
    indicator_members, indicator_needed = [], []
    criterion_members, criterion_needed = [], []
    position = indicators = 0
    for criterion in spec.criteria:
        count = len(criterion.indicators)
        criterion_members.append(range(indicators, indicators + count))
        criterion_needed.append(
            count if criterion.at_least is None else criterion.at_least
        )
        indicators += count
        for indicator in criterion.indicators:
            count = len(indicator.conditions)
            indicator_members.append(range(position, position + count))
            indicator_needed.append(
                count if indicator.at_least is None else indicator.at_least
            )
            position += count
    codes = {c: k for k, c in enumerate(COMPARATORS)}
    return _Plan(
        slots=slots,
        criterion=pl.Series([s.criterion for s in slots], dtype=pl.Utf8),
        indicator=pl.Series([s.indicator for s in slots], dtype=pl.Utf8),
        index=pl.Series([s.index for s in slots], dtype=pl.Int16),
        comparator=pl.Series([s.condition.comparator for s in slots], dtype=pl.Utf8),
        comparator_code=pl.Series(
            [codes[s.condition.comparator] for s in slots], dtype=pl.Int8
        ),
        ratio=pl.Series(
            [s.condition.value.kind == "ratio" for s in slots], dtype=pl.Boolean
        ),
        indicator_members=indicator_members,
        indicator_needed=indicator_needed,
        criterion_members=criterion_members,
        criterion_needed=criterion_needed,
        criterion_code=pl.Series([c.code for c in spec.criteria], dtype=pl.Utf8),
        criterion_total=pl.Series(
            [len(c.indicators) for c in spec.criteria], dtype=pl.Int16
        ),
        rules={},
    )


def _judge_conditions(
    grid: _Grid, plan: _Plan, flat: pl.Series, blocks: dict[str, int], rules: _Rules
) -> pl.DataFrame:
    """The long frame of conditions, condition after condition: the value's
    operands (a, b), threshold and verified, then what `_condition_stages`
    computes, and the tally for the indicators. Built from zero-copy slices
    and eager calls: on a small grid a lazy query's planning would cost more
    than the work."""
    size = grid.size
    first, second = [], []
    for slot in plan.slots:
        value = slot.condition.value
        if value.kind == "child_share":
            a = blocks[_share(value.child_element, value.child_level)]
        elif value.kind == "ratio":
            a = blocks[_element(value.numerator)]
        else:
            a = blocks[_element(value.element)]
        b = blocks[_element(value.denominator)] if value.kind == "ratio" else a
        first.append(flat.slice(a * size, size))
        second.append(flat.slice(b * size, size))
    count = len(plan.slots)
    combos = rules.threshold.len() // max(count, 1)
    # The row of each condition's rule: condition × combos + combo.
    rule = _repeated(plan.rule_base(combos), size, pl.Int64) + _concat(
        [grid.combo] * count, pl.Int64
    )
    frame = pl.DataFrame(
        {
            "a": _concat(first, pl.Float64),
            "b": _concat(second, pl.Float64),
            "ratio": _repeated(plan.ratio, size, pl.Boolean),
            "cmp": _repeated(plan.comparator_code, size, pl.Int8),
            "threshold": rules.threshold.gather(rule),
            "verified": rules.verified.gather(rule),
        }
    )
    return _run(
        frame,
        _stages(
            *_condition_stages(),
            (
                _tally(pl.col("status")),
                pl.when(pl.col("status") == _NOT_MET)
                .then(pl.col("gap_relative").clip(upper_bound=1.0))
                .otherwise(0.0)
                .alias("share"),
            ),
        ),
    )


def _stages(*stages: Sequence[pl.Expr]) -> _Steps:
    """The stages' columns added, stage after stage (for `_run`)."""

    def steps(frame: _Frame) -> _Frame:
        for stage in stages:
            frame = frame.with_columns(stage)
        return frame

    return steps


# A tally packs three counts in one integer, so that one sum adds them all:
# met, not met, and no data (a count is below 2**21).
_BASE = 1 << 21


def _tally(status: pl.Expr) -> pl.Expr:
    return (
        (status == _MET).cast(pl.Int64)
        + (status == _NOT_MET).cast(pl.Int64) * _BASE
        + (status == _NO_DATA).cast(pl.Int64) * (_BASE * _BASE)
    ).alias("tally")


def _counts(tally: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """met, not met, no data from a summed tally."""
    return tally % _BASE, tally // _BASE % _BASE, tally // (_BASE * _BASE)


def _judge_group(
    parts: pl.DataFrame,
    size: int,
    members: list[range],
    needed: list[int],
    share: bool = False,
) -> pl.DataFrame:
    """One block per group (indicator, criterion): how many of its members
    are met, its status and tally (for the next level); with `share`, its
    gap share (part)."""
    columns = {
        "tally": _group_sums(parts.get_column("tally"), size, members),
        "total": _repeated(pl.Series([len(r) for r in members]), size, pl.Int64),
        "needed": _repeated(pl.Series(needed), size, pl.Int64),
    }
    if share:
        columns["share"] = _group_sums(parts.get_column("share"), size, members)
    met, not_met, _ = _counts(pl.col("tally"))
    status = [
        _combined(met, not_met, pl.col("total"), pl.col("needed")).alias("status"),
        met.alias("members_met"),
    ]
    part = [
        pl.when(pl.col("status") == _NOT_MET)
        .then(pl.min_horizontal(pl.col("share"), 1.0))
        .otherwise(0.0)
        .alias("part")
    ]
    return _run(
        pl.DataFrame(columns),
        _stages(status, part if share else [], [_tally(pl.col("status"))]),
    )


def _judge_overall(
    grid: _Grid,
    spec: CriteriaSetSpec,
    indicators: pl.DataFrame,
    criteria: pl.DataFrame,
    unverified: pl.Series,
) -> pl.DataFrame:
    size, count = grid.size, len(spec.criteria)
    everything = [range(count)]
    parts = range(indicators.height // size)
    needed = count if spec.at_least is None else spec.at_least
    frame = pl.DataFrame(
        {
            "unit_id": grid.frame.get_column("unit_id"),
            "year": grid.frame.get_column("year"),
            "tally": _group_sums(criteria.get_column("tally"), size, everything),
            "gap": _group_sums(indicators.get_column("part"), size, [parts]),
            "unverified": unverified.gather(grid.combo),
        }
    )
    met, not_met, no_data = _counts(pl.col("tally"))
    return frame.select(
        "unit_id",
        "year",
        _spelled(_combined(met, not_met, pl.lit(count), pl.lit(needed))).alias(
            "status"
        ),
        met.cast(pl.Int16).alias("criteria_met"),
        not_met.cast(pl.Int16).alias("criteria_not_met"),
        no_data.cast(pl.Int16).alias("criteria_no_data"),
        pl.lit(count, pl.Int16).alias("criteria_total"),
        pl.col("gap").cast(pl.Float64).alias("gap_score"),
        "unverified",
    )


def _combined(
    met: pl.Expr, not_met: pl.Expr, total: pl.Expr, needed: pl.Expr
) -> pl.Expr:
    """All (needed = total): not met if any is not met, met if all are, else
    no data. At least N: met if N are met, not met if N cannot be reached
    even counting every part without data or threshold, else no data."""
    return (
        pl.when(met >= needed)
        .then(_MET)
        .when(total - not_met < needed)
        .then(_NOT_MET)
        .otherwise(_NO_DATA)
    )


def _spelled(code: pl.Expr) -> pl.Expr:
    return pl.lit(pl.Series(list(STATUSES), dtype=pl.Utf8)).gather(code)


def _indicator_rows(judged: pl.DataFrame, grid: _Grid, plan: _Plan) -> pl.DataFrame:
    count, size = len(plan.slots), grid.size
    return _select(
        judged,
        _concat([grid.frame.get_column("unit_id")] * count, pl.Int64).alias("unit_id"),
        _concat([grid.frame.get_column("year")] * count, pl.Int32).alias("year"),
        _repeated(plan.criterion, size, pl.Utf8).alias("criterion"),
        _repeated(plan.indicator, size, pl.Utf8).alias("indicator"),
        _repeated(plan.index, size, pl.Int16).alias("condition"),
        pl.col("value").cast(pl.Float64),
        pl.col("threshold").cast(pl.Float64),
        _repeated(plan.comparator, size, pl.Utf8).alias("comparator"),
        "verified",
        _spelled(pl.col("status")).alias("status"),
        pl.col("gap").cast(pl.Float64),
        pl.col("gap_relative").cast(pl.Float64),
    )


def _criterion_rows(criteria: pl.DataFrame, grid: _Grid, plan: _Plan) -> pl.DataFrame:
    count, size = len(plan.criterion_members), grid.size
    return _select(
        criteria,
        _concat([grid.frame.get_column("unit_id")] * count, pl.Int64).alias("unit_id"),
        _concat([grid.frame.get_column("year")] * count, pl.Int32).alias("year"),
        _repeated(plan.criterion_code, size, pl.Utf8).alias("criterion"),
        _spelled(pl.col("status")).alias("status"),
        pl.col("members_met").cast(pl.Int16).alias("indicators_met"),
        _repeated(plan.criterion_total, size, pl.Int16).alias("indicators_total"),
    )


def _select(frame: pl.DataFrame, *columns: pl.Expr | pl.Series | str) -> pl.DataFrame:
    """`frame.select(*columns)`, through `_run`."""

    def steps(frame: _Frame) -> _Frame:
        return frame.select(*columns)

    return _run(frame, steps)


def _concat(
    parts: list[pl.Series], dtype: pl.DataType | type[pl.DataType]
) -> pl.Series:
    if not parts:
        return pl.Series([], dtype=dtype)
    return pl.concat(parts, rechunk=True)


def _repeated(
    values: pl.Series, size: int, dtype: pl.DataType | type[pl.DataType]
) -> pl.Series:
    """Each value repeated over a block of `size` rows."""
    values = values.cast(dtype)
    return _concat([values.new_from_index(k, size) for k in range(len(values))], dtype)


def _group_sums(series: pl.Series, size: int, members: list[range]) -> pl.Series:
    """One block per group: the sum of its members' blocks, added left to
    right (as sum_horizontal does; 0 for none). A run of groups of one
    member each is one zero-copy slice."""
    pieces: list[pl.Series] = []
    run: list[int] = []  # first and last member of the current run

    def close() -> None:
        if run:
            pieces.append(series.slice(run[0] * size, (run[1] - run[0] + 1) * size))
            run.clear()

    for group in members:
        if len(group) == 1 and (not run or group[0] == run[1] + 1):
            run[:] = [run[0] if run else group[0], group[0]]
            continue
        close()
        if len(group) == 1:
            run[:] = [group[0], group[0]]
            continue
        blocks = [series.slice(m * size, size) for m in group]
        total = blocks[0] if blocks else _full(0, size, series.dtype)
        for block in blocks[1:]:
            total = total + block
        pieces.append(total)
    close()
    if not pieces:
        return pl.Series(series.name, [], dtype=series.dtype)
    return pl.concat(pieces, rechunk=True)
