"""Every condition at once, in long format: one row per condition and grid
row, with the condition's comparator as a small integer column, so the
expressions are the same few whatever the set."""

import functools

import polars as pl

from vandong.catalog.criteria.spec import COMPARATORS

# Statuses are small integers while computing (their index in STATUSES) and
# spelled out in the frames returned.
_MET, _NOT_MET, _NO_DATA, _NO_THRESHOLD = range(4)

# Slack of every comparison: a percent computed as 100 × a / b can land a
# rounding error away from a threshold it equals.
EPSILON = 1e-9

# Comparators as their index in COMPARATORS.
_CODE = {c: k for k, c in enumerate(COMPARATORS)}
_GE, _GT, _LE, _LT, _EQ, _TRUE, _FALSE = (
    _CODE[c] for c in (">=", ">", "<=", "<", "=", "is_true", "is_false")
)


@functools.cache
def _condition_stages() -> tuple[tuple[pl.Expr, ...], ...]:
    """value; status; gap and gap_relative (each stage reads the ones
    before), from the columns of the long frame:
    `a` (the element, share or numerator), `b` (the denominator), `ratio`
    (whether the value is 100 × a / b), `cmp` (comparator code) and `threshold`
    (the threshold, null for flags and where none applies)."""
    a, b, threshold = pl.col("a"), pl.col("b"), pl.col("threshold")
    comparator = pl.col("cmp")
    # No data when the denominator is 0 or missing.
    value = (
        pl.when(~pl.col("ratio"))
        .then(a)
        .when(b != 0)
        .then(100.0 * a / b)
        .alias("value")
    )
    v = pl.col("value")
    flag = comparator.is_in([_TRUE, _FALSE])
    holds = (
        pl.when(comparator == _TRUE)
        .then(v != 0)
        .when(comparator == _FALSE)
        .then(v == 0)
        .when(comparator == _GE)
        .then(v >= threshold - EPSILON)
        .when(comparator == _GT)
        .then(v > threshold + EPSILON)
        .when(comparator == _LE)
        .then(v <= threshold + EPSILON)
        .when(comparator == _LT)
        .then(v < threshold - EPSILON)
        .otherwise((v - threshold).abs() <= EPSILON)
    )
    status = (
        pl.when(v.is_null())
        .then(_NO_DATA)
        .when(~flag & threshold.is_null())
        .then(_NO_THRESHOLD)
        .when(holds)
        .then(_MET)
        .otherwise(_NOT_MET)
        .alias("status")
    )
    s = pl.col("status")
    raw = (
        pl.when(comparator.is_in([_GE, _GT]))
        .then(threshold - v)
        .when(comparator.is_in([_LE, _LT]))
        .then(v - threshold)
        .otherwise((v - threshold).abs())
    )
    # Gap in the indicator's unit (0 when met, null without data or
    # threshold) and relative to |threshold|; a failed flag is 1.0 both.
    gap = (
        pl.when(s == _MET)
        .then(0.0)
        .when(s == _NOT_MET)
        .then(pl.when(flag).then(1.0).otherwise(raw.clip(lower_bound=0.0)))
        .alias("gap")
    )
    relative = (
        pl.when(s == _MET)
        .then(0.0)
        .when(s == _NOT_MET)
        .then(
            # A threshold of 0 ("no temporary houses"): any miss is a full miss.
            pl.when(flag)
            .then(1.0)
            .when(raw <= 0)
            .then(0.0)
            .when(threshold == 0)
            .then(1.0)
            .otherwise(raw / threshold.abs())
        )
        .alias("gap_relative")
    )
    return (value,), (status,), (gap, relative)
