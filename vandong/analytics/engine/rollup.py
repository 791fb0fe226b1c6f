"""Rolling facts up a tree, level by level; phases from the years."""

import threading
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import polars as pl

from vandong.analytics.engine.arrays import changes, take
from vandong.analytics.engine.dense import (
    WORK_SCHEMA,
    DenseSums,
    dense_sums,
    rows_of,
    working,
)
from vandong.analytics.engine.frames import ROLLUP_SCHEMA, phase_code
from vandong.analytics.engine.ratios import (
    RatioTable,
    recompute_ratios,
    with_ratios_recomputed,
)

_KEY = ["measure", "unit", "year"]

# The last few frames of rules and their tables (_Rules.of).
_rules_made: list[tuple[pl.DataFrame, "_Rules"]] = []
_rules_lock = threading.Lock()


class _Rules:
    """The measures that do not simply sum, by how they aggregate (`of`)."""

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
        # Ratios of two measures that simply sum: computed in the dense
        # cells their parts are summed in.
        simple = ~pl.col("num").is_in(self.special_all) & ~pl.col("den").is_in(
            self.special_all
        )
        self.in_cells = RatioTable.of(self.ratios.filter(simple))

    @classmethod
    def of(cls, rules: pl.DataFrame) -> "_Rules":
        """The rules' tables, made once for a frame of rules (every batch
        of a rebuild, on every thread, rolls up with the same one)."""
        with _rules_lock:
            for frame, known in _rules_made:
                if frame is rules:
                    return known
        known = cls(rules)
        with _rules_lock:
            # The frame is held with its tables: its id is not reused meanwhile.
            _rules_made[:] = [(rules, known), *_rules_made[:3]]
        return known

    def ratios_in_cells(self, but: Sequence[int] = ()) -> RatioTable:
        """The ratios computed in the cells, but those with a part in `but`."""
        if not but:
            return self.in_cells
        rules = self.in_cells.rules
        return RatioTable.of(
            rules.filter(~pl.col("num").is_in(but) & ~pl.col("den").is_in(but))
        )


def rollup(
    facts: pl.DataFrame | Sequence[pl.DataFrame],
    units: pl.DataFrame,
    rules: pl.DataFrame,
    *,
    include_own: bool = True,
    group_of: np.ndarray | None = None,
    top: int = 0,
) -> pl.DataFrame:
    """Every measure of `facts` at its own unit and at every ancestor up to
    the country (unit 0), for every year (ROLLUP_SCHEMA, `period` = year).

    `facts` (one frame, or several never put together) may carry `n` and
    `estimate` (the mapped facts of the current tree do); facts of units
    not in `units` are left out. A measure is reported at one level: a
    unit's own figure is never merged with the sum of its children's.
    Without `include_own`, only the rows computed above the facts' own
    units (the store keeps the facts apart). With `group_of` (a table of
    each unit's group, its province), the sums come out in runs of one
    group. `top`: the highest level summed into (1: the provinces, when the
    country is summed later from all of them).
    """
    from vandong.analytics.engine import kernels  # compiled on first use

    known = _Rules.of(rules)
    # Only the few rows of measures that do not simply sum are given the
    # count and estimate columns (the kernels read those when present).
    frames = [
        _work_columns(f)
        for f in ([facts] if isinstance(facts, pl.DataFrame) else facts)
        if not f.is_empty()
    ]
    last_unit = max((int(f["unit"].max()) for f in frames), default=0)  # type: ignore[arg-type]
    parent_of, level_of = _tree_arrays(units, last_unit)
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
    # What came up to each level, by the level it came from and its kind.
    arrived: dict[int, list[_Came]] = defaultdict(list)
    aggregated: list[Kept] = []
    for level in (4, 3, 2, 1, 0):
        merged = _merge(arrived.pop(level, []), known)
        aggregated.extend(merged)
        if level <= top:
            break
        # The ratios computed in the cells are final: they do not climb.
        parts = own_by_level.get(level, []) + [
            frame for frame, kind in merged if kind != RATIOS
        ]
        if not parts:
            continue
        for frame, kind in _up(parts, parent_of, known, group_of):
            for parent_level, part in _by_parent_level(frame, level_of):
                arrived[parent_level].append((level, part, kind))
    above = pl.concat(_with_ratios(aggregated, known, known.in_cells))
    if include_own:
        own = [working(p) for level in own_by_level.values() for p in level]
        above = pl.concat([*own, above])
    return above.rename({"year": "period"}).select(list(ROLLUP_SCHEMA))


def _work_columns(facts: pl.DataFrame) -> pl.DataFrame:
    """The columns of WORK_SCHEMA that `facts` have, in its types (a frame
    already so, a file of the store as read, is not selected again)."""
    schema = facts.schema
    names = [c for c in facts.columns if c in WORK_SCHEMA]
    if len(names) == len(schema) and all(schema[c] == WORK_SCHEMA[c] for c in names):
        return facts
    return facts.select(pl.col(c).cast(WORK_SCHEMA[c]) for c in names)


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


# What a frame of the climb holds. PLAIN: sums of the measures that simply
# sum, and nothing else; RATIOS: the ratios computed in the cells of those
# sums; REDONE: the rows redone by their rules (any measure).
PLAIN, RATIOS, REDONE = "plain", "ratios", "redone"

# A frame of the climb, and its kind.
Kept = tuple[pl.DataFrame, str]

# Rows that came up to a level: (the level they came from, rows, kind).
_Came = tuple[int, pl.DataFrame, str]


def _merge(came_up: list[_Came], known: _Rules) -> list[Kept]:
    """The rows that came up to one level, grouped again only where they
    came from different levels below (a province gets its legacy districts'
    and its current communes' sums; their ratios are computed again from
    the merged parts)."""
    if len({origin for origin, _frame, _kind in came_up}) <= 1:
        return [(frame, kind) for _origin, frame, kind in came_up]
    rows = pl.concat([frame for _origin, frame, kind in came_up if kind != RATIOS])
    return [(_aggregate(_weighted_products(rows, known), known), REDONE)]


def _by_parent_level(
    rows: pl.DataFrame, level_of: np.ndarray
) -> list[tuple[int, pl.DataFrame]]:
    """The rows of each level (rows of one level, the usual case, whole)."""
    from vandong.analytics.engine import kernels

    if rows.is_empty():
        return []
    ids = rows["unit"].to_numpy()
    level = kernels.uniform(level_of, ids)
    if level != kernels.MIXED:
        return [(level, rows)]
    return _by_level(rows, kernels.gather(level_of, ids, -1))


def _up(
    parts: list[pl.DataFrame],
    parent_of: np.ndarray,
    known: _Rules,
    group_of: np.ndarray | None = None,
) -> list[Kept]:
    """The rows summed into their parents, each measure by its rule: the
    measures that simply sum in one dense pass, with the ratios of their
    sums; the few others (and the weighted ones) picked out in the same
    pass and redone from their own rows. Returns the three, apart."""
    dense = DenseSums(
        parent_of,
        leave_out=known.special_all,
        window=known.window,
        group_of=group_of,
    )
    involved, _ = dense.add(parts, pick_measures=known.involved)
    summed, ratios = dense.sums_and_ratios(known.in_cells)
    if involved.is_empty():
        return [(summed, PLAIN), (ratios, RATIOS)]
    special = _weighted_products(involved, known)
    special = special.filter(pl.col("measure").is_in(known.special_all))
    redone = _aggregate(_to_parents(special, parent_of), known)
    return [(summed, PLAIN), (ratios, RATIOS), (redone, REDONE)]


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


def _aggregate(rows: pl.DataFrame, known: _Rules) -> pl.DataFrame:
    """Group rows by (measure, unit, year) by each measure's rule; `unit`
    already names the unit they are summed into."""
    if not known.special:
        return _sums(rows)
    # The measures that simply sum in one dense pass, the others left out of
    # it (not filtered out: the rows are not copied).
    parts = [_sums(rows, leave_out=known.odd)]
    odd_rows = rows.filter(pl.col("measure").is_in(known.odd))
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


def _sums(rows: pl.DataFrame, leave_out: Sequence[int] = ()) -> pl.DataFrame:
    """Rows summed by (measure, unit, year): dense sums of each unit into
    itself (rows of negative units, and of the measures in `leave_out`, are
    left out)."""
    if rows.is_empty():
        return pl.DataFrame(schema=WORK_SCHEMA)
    top = int(rows["unit"].max())  # type: ignore[arg-type]
    itself = np.arange(max(top, 0) + 1, dtype=np.int32)
    low, high = rows["measure"].min(), rows["measure"].max()
    window = max(-int(low), int(high)) + 1  # type: ignore[arg-type]
    return dense_sums(rows, itself, window=window, leave_out=leave_out)


def _agg(grouped: "pl.dataframe.group_by.GroupBy", value: pl.Expr) -> pl.DataFrame:
    return grouped.agg(
        value.alias("value"),
        pl.col("n").sum().cast(pl.Int32),
        pl.col("estimate").any(),
    ).select(list(WORK_SCHEMA))


def _weighted_products(rows: pl.DataFrame, known: _Rules) -> pl.DataFrame:
    """Before grouping: each weighted measure's value times its weight, and
    the weight itself as measure -m, so that both simply sum. The weight is
    the weight measure's own figure for reported rows, and the carried sum
    of weights for rows that came up from below (where any row carries one).
    Rows without a positive weight are left out."""
    found_weighted = _weighted_rows(rows, known)
    if found_weighted is None:
        return rows
    measures, ids, is_weighted = found_weighted
    is_carried = np.isin(measures, -ids)
    with_carried = set((-np.unique(measures[is_carried])).tolist())
    keys = _unit_year_keys(rows)
    values = rows["value"].to_numpy()
    weights = np.full(len(rows), np.nan)
    for measure, weight in known.weights.items():
        source = -measure if measure in with_carried else weight
        targets = np.flatnonzero(is_weighted & (measures == measure))
        sources = np.flatnonzero(measures == source)
        found = _find(keys[targets], keys[sources])
        if found is None:
            # A weight twice for one unit and year (rows from two levels
            # met): each pairing counts, as a join gives them.
            return _weighted_products_joined(rows, known)
        hit = found >= 0
        weights[targets[hit]] = values[sources[found[hit]]]
    positive = np.flatnonzero(~np.isnan(weights) & (weights > 0))
    weighted = rows[positive]
    weight = pl.Series("value", weights[positive])
    return pl.concat(
        [
            rows.filter(pl.Series(~is_weighted & ~is_carried)),
            weighted.with_columns(pl.col("value") * weight),
            weighted.with_columns(-pl.col("measure"), weight),
        ]
    )


def _weighted_products_joined(rows: pl.DataFrame, known: _Rules) -> pl.DataFrame:
    """`_weighted_products` by joins, for rows where a unit and year may
    have a weight twice."""
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
    """After grouping: sum(value * weight) / sum(weight) (rows without their
    summed weight are left out)."""
    found_weighted = _weighted_rows(grouped, known)
    if found_weighted is None:
        return grouped
    measures, _ids, is_weighted = found_weighted
    keys = _unit_year_keys(grouped)
    products, weights = [], []
    for measure in known.weights:
        mine = np.flatnonzero(measures == measure)
        summed_weights = np.flatnonzero(measures == -measure)
        found = _find(keys[mine], keys[summed_weights])
        if found is None:
            return _weighted_averages_joined(grouped, known)
        hit = found >= 0
        products.append(mine[hit])
        weights.append(summed_weights[found[hit]])
    product_rows = np.concatenate(products)
    weight = grouped["value"].to_numpy()[np.concatenate(weights)]
    averaged = grouped[product_rows].with_columns(pl.col("value") / weight)
    return pl.concat([grouped.filter(pl.Series(~is_weighted)), averaged])


def _weighted_averages_joined(grouped: pl.DataFrame, known: _Rules) -> pl.DataFrame:
    """`_weighted_averages` by a join, where a unit and year may have a
    summed weight twice."""
    is_weighted = pl.col("measure").is_in(list(known.weights))
    products = grouped.filter(is_weighted)
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


def _weighted_rows(
    rows: pl.DataFrame, known: _Rules
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The rows' measures, the weighted measures' ids, and which rows are of
    one of them; None when none is."""
    if not known.weights or rows.is_empty():
        return None
    measures = rows["measure"].to_numpy()
    ids = np.fromiter(known.weights, dtype=np.int64)
    is_weighted = np.isin(measures, ids)
    return (measures, ids, is_weighted) if is_weighted.any() else None


def _unit_year_keys(rows: pl.DataFrame) -> np.ndarray:
    """One integer per (unit, year) of the rows."""
    units = rows["unit"].to_numpy().astype(np.int64)
    years = rows["year"].to_numpy().astype(np.int64)
    return (units << 32) + (years + 2**31)


def _find(keys: np.ndarray, among: np.ndarray) -> np.ndarray | None:
    """The position in `among` of each key (-1 where absent), by a binary
    search over its sorted keys; None when `among` has a key twice."""
    if len(among) == 0:
        return np.full(len(keys), -1, dtype=np.int64)
    order = np.argsort(among, kind="stable")
    ordered = among[order]
    if bool((ordered[1:] == ordered[:-1]).any()):
        return None
    at = np.minimum(np.searchsorted(ordered, keys), len(ordered) - 1)
    return np.where(ordered[at] == keys, order[at], -1)


def _with_ratios(
    parts: Sequence[Kept], known: _Rules, in_cells: RatioTable
) -> list[pl.DataFrame]:
    """The rows with their ratios recomputed from their summed numerator
    and denominator, never averaged (where those are missing a ratio keeps
    what came up), and without the carried weights (measures below 0).
    The plain sums are kept as they are: the ratios `in_cells` were
    computed from their cells (RATIOS); only the parts of any other ratio
    are read from them."""
    plain = [frame for frame, kind in parts if kind == PLAIN and frame.height]
    computed = [frame for frame, kind in parts if kind == RATIOS and frame.height]
    others = [frame for frame, kind in parts if kind == REDONE and frame.height]
    rows = (
        pl.concat(others).filter(pl.col("measure") >= 0)
        if others
        else pl.DataFrame(schema=WORK_SCHEMA)
    )
    ratios = known.ratios
    if ratios.is_empty():
        return [*plain, rows]
    elsewhere = ratios.filter(~pl.col("measure").is_in(in_cells.ids.tolist()))
    inputs = sorted(
        set(elsewhere["num"].drop_nulls()) | set(elsewhere["den"].drop_nulls())
    )
    read = pl.concat([*(rows_of(frame, inputs) for frame in plain), rows])
    if read.is_empty():
        return [*plain, *computed, rows]
    recomputed = recompute_ratios(read, ratios).select(rows.columns)
    if computed and recomputed.height:
        # A ratio computed in the cells wins over a lone part's that came up.
        key = ["measure", "unit", "year"]
        recomputed = recomputed.join(
            pl.concat(computed).select(key), on=key, how="anti"
        )
    is_ratio = pl.col("measure").is_in(ratios["measure"].to_list())
    return [*plain, *computed, rows.filter(~is_ratio), recomputed]


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
