"""Rule violations and outliers of stored values, per unit and period.

**Violations.** Each active `ValidationRule` of a unit's level is checked for
every (unit, period) that has a value of one of its elements: `left operator
right`, each side a sum of data elements times factors plus a constant
(`catalog.expressions`). Unless the rule says missing values count as 0, a
rule is skipped where an element it names has no value (a sum with a missing
term is unknown). `==` and `!=` allow a float tolerance.

**Outliers.** A numeric value is flagged against the unit's own history of the
same element: the values of up to 10 earlier periods of the same kind (years
against years), at least 3 of them. With m their median and MAD the median of
the absolute deviations from m, the expected range is

    m ± 3 × max(1.4826 × MAD, 5 % of |m|, 1 for whole-number types)

(1.4826 × MAD estimates the standard deviation and is not moved by one wild
year; the floor keeps a flat history, where MAD is 0, from flagging every small
change). Counts and percentages are not expected below 0 nor percentages above
100. A value outside the range is flagged with the range and the median, in
both languages. Booleans and text are not checked.
"""

import logging
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl
from django.db import connection

from vandong.catalog.expressions import (
    Expression,
    ExpressionError,
    parse_expression,
)
from vandong.catalog.models import (
    WHOLE_TYPES,
    DataElement,
    Operator,
    Period,
    ValidationRule,
    ValueType,
)
from vandong.collect.models import DataValue
from vandong.collect.values import NON_NEGATIVE_TYPES
from vandong.geo.models import Unit

logger = logging.getLogger(__name__)

CHUNK = 5000
HISTORY_PERIODS = 10
HISTORY_MIN = 3
K = 3.0
MAD_TO_SD = 1.4826
FLOOR_SHARE = 0.05

OPERATOR_SIGNS = dict(Operator.choices)


@dataclass
class Violation:
    rule_code: str
    severity: str
    message_vi: str
    message_en: str
    unit_id: int
    period_id: int
    left_value: float
    right_value: float
    element_codes: tuple[str, ...]


@dataclass
class Outlier:
    element_code: str
    unit_id: int
    period_id: int
    value: float
    expected_low: float
    expected_high: float
    message_vi: str
    message_en: str


@dataclass(frozen=True)
class _Rule:
    rule: ValidationRule
    left: Expression
    right: Expression
    codes: tuple[str, ...]


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _shown(value: float) -> tuple[str, str]:
    """(Vietnamese, English) notation, up to two decimals: ("2.142.500", "2,142,500")."""
    if value == int(value):
        en = f"{value:,.0f}"
    else:
        en = f"{value:,.2f}".rstrip("0").rstrip(".")
    return en.translate(_VI_MARKS), en


_VI_MARKS = str.maketrans({",": ".", ".": ","})


def _rules() -> list[_Rule]:
    parsed = []
    for rule in ValidationRule.objects.filter(is_active=True).order_by("code"):
        try:
            left = parse_expression(rule.left)
            right = parse_expression(rule.right)
        except ExpressionError as error:
            logger.warning("Validation rule %s cannot be read: %s", rule.code, error)
            continue
        codes = tuple(dict.fromkeys(left.codes + right.codes))
        parsed.append(_Rule(rule=rule, left=left, right=right, codes=codes))
    return parsed


def _values(
    *, element_ids: Sequence[int], unit_ids: Sequence[int], period_ids: Sequence[int]
) -> list[tuple[int, int, int, float | None]]:
    """(unit_id, period_id, data_element_id, value) rows, in few queries."""
    if not element_ids or not unit_ids or not period_ids:
        return []
    table = DataValue._meta.db_table
    rows: list[tuple[int, int, int, float | None]] = []
    elements = ",".join(str(int(e)) for e in element_ids)
    periods = ",".join(str(int(p)) for p in period_ids)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Arrays, one statement: an IN list of thousands of ids costs the
            # driver more than the query.
            cursor.execute(
                f"SELECT unit_id, period_id, data_element_id, value FROM {table} "  # noqa: S608 - table name only
                "WHERE unit_id = ANY(%s) AND period_id = ANY(%s) "
                "AND data_element_id = ANY(%s)",
                [list(unit_ids), list(period_ids), list(element_ids)],
            )
            rows.extend(cursor.fetchall())
            return rows
        for chunk in _chunks(unit_ids):
            units = ",".join(str(int(u)) for u in chunk)
            cursor.execute(
                f"SELECT unit_id, period_id, data_element_id, value FROM {table} "  # noqa: S608 - integers only
                f"WHERE unit_id IN ({units}) AND period_id IN ({periods}) "
                f"AND data_element_id IN ({elements})"
            )
            rows.extend(cursor.fetchall())
    return rows


def violations_for(
    *, unit_ids: Iterable[int], period_ids: Iterable[int]
) -> list[Violation]:
    """Violations of the active rules on the units and periods given, ordered
    by unit, period and rule. Evaluated in bulk: the values are pivoted to one
    row per (unit, period) and each rule is one column expression."""
    units = sorted(set(unit_ids))
    periods = sorted(set(period_ids))
    rules = _rules()
    if not rules or not units or not periods:
        return []
    codes = sorted({code for r in rules for code in r.codes})
    element_ids = dict(
        DataElement.objects.filter(code__in=codes).values_list("code", "id")
    )
    levels: dict[int, int] = {}
    for chunk in _chunks(units):
        levels.update(Unit.objects.filter(pk__in=chunk).values_list("pk", "level"))
    rows = _values(
        element_ids=sorted(element_ids.values()), unit_ids=units, period_ids=periods
    )
    if not rows:
        return []
    long = pl.DataFrame(
        rows,
        schema={"u": pl.Int64, "p": pl.Int64, "e": pl.Int64, "v": pl.Float64},
        orient="row",
    )
    wide = long.pivot(on="e", index=["u", "p"], values="v")
    wide = wide.join(
        pl.DataFrame(
            {"u": list(levels), "level": list(levels.values())},
            schema={"u": pl.Int64, "level": pl.Int64},
        ),
        on="u",
        how="left",
    )

    def column(code: str) -> pl.Expr:
        name = str(element_ids.get(code, -1))
        if name in wide.columns:
            return pl.col(name)
        return pl.lit(None, dtype=pl.Float64)

    def side(expression: Expression, zero: bool) -> pl.Expr:
        total: pl.Expr = pl.lit(expression.constant, dtype=pl.Float64)
        for code, factor in expression.terms:
            term = column(code)
            if zero:
                term = term.fill_null(0.0)
            total = total + term * factor
        return total

    found: list[tuple[int, int, str, Violation]] = []
    for r in rules:
        present = pl.any_horizontal([column(c).is_not_null() for c in r.codes])
        zero = r.rule.missing_as_zero
        checked = wide.filter((pl.col("level") == r.rule.level) & present).select(
            "u",
            "p",
            left=side(r.left, zero),
            right=side(r.right, zero),
        )
        broken = checked.filter(
            pl.col("left").is_not_null()
            & pl.col("right").is_not_null()
            & ~_holds(r.rule.operator)
        )
        for unit_id, period_id, left, right in broken.iter_rows():
            found.append(
                (
                    unit_id,
                    period_id,
                    r.rule.code,
                    _violation(r, unit_id, period_id, left, right),
                )
            )
    found.sort(key=lambda item: item[:3])
    return [item[3] for item in found]


def _holds(operator: str) -> pl.Expr:
    """`left operator right` as a column expression (== and != with the
    tolerance of `catalog.expressions.rule_holds`)."""
    left, right = pl.col("left"), pl.col("right")
    close = (left - right).abs() <= pl.max_horizontal(
        1e-9 * pl.max_horizontal(left.abs(), right.abs()), pl.lit(1e-9)
    )
    return {
        "<=": left <= right,
        "<": left < right,
        ">=": left >= right,
        ">": left > right,
        "==": close,
        "!=": ~close,
    }[operator]


def _violation(
    r: _Rule, unit_id: int, period_id: int, left: float, right: float
) -> Violation:
    sign = OPERATOR_SIGNS.get(r.rule.operator, r.rule.operator)
    left_vi, left_en = _shown(left)
    right_vi, right_en = _shown(right)
    return Violation(
        rule_code=r.rule.code,
        severity=r.rule.severity,
        message_vi=f"{r.rule.name_vi}: không thỏa {left_vi} {sign} {right_vi}.",
        message_en=f"{r.rule.name_en}: {left_en} {sign} {right_en} does not hold.",
        unit_id=unit_id,
        period_id=period_id,
        left_value=left,
        right_value=right,
        element_codes=r.codes,
    )


def expected_range(
    history: Sequence[float], *, value_type: str
) -> tuple[float, float, float]:
    """(low, high, median) a new value is expected in, from earlier values."""
    median = statistics.median(history)
    mad = statistics.median(abs(x - median) for x in history)
    spread = max(MAD_TO_SD * mad, FLOOR_SHARE * abs(median))
    if value_type in WHOLE_TYPES:
        spread = max(spread, 1.0)
    low, high = median - K * spread, median + K * spread
    if value_type in NON_NEGATIVE_TYPES:
        low = max(low, 0.0)
    if value_type == ValueType.PERCENT:
        high = min(high, 100.0)
    return low, high, median


def outliers_for(
    *, unit_ids: Iterable[int], period_ids: Iterable[int]
) -> list[Outlier]:
    """Values of the units and periods given that stand out from the unit's
    own history (see the module docstring), ordered by unit, period, element."""
    units = sorted(set(unit_ids))
    targets = list(Period.objects.filter(pk__in=sorted(set(period_ids))))
    if not units or not targets:
        return []
    kinds = {p.kind for p in targets}
    latest = max(p.start for p in targets)
    periods = {
        p.pk: p
        for p in Period.objects.filter(kind__in=kinds, start__lte=latest).order_by(
            "start"
        )
    }
    elements = {
        pk: (code, value_type)
        for pk, code, value_type in DataElement.objects.exclude(
            value_type__in=[ValueType.TEXT, ValueType.BOOLEAN]
        ).values_list("pk", "code", "value_type")
    }
    series: dict[tuple[int, int], dict[int, float]] = defaultdict(dict)
    for unit_id, period_id, element_id, value in _values(
        element_ids=sorted(elements), unit_ids=units, period_ids=sorted(periods)
    ):
        if value is not None:
            series[unit_id, element_id][period_id] = value
    by_kind: dict[str, list[Period]] = defaultdict(list)
    for p in periods.values():
        by_kind[p.kind].append(p)
    result = []
    for (unit_id, element_id), by_period in sorted(series.items()):
        code, value_type = elements[element_id]
        for target in sorted(targets, key=lambda p: p.start):
            value = by_period.get(target.pk)
            if value is None:
                continue
            earlier = [p for p in by_kind[target.kind] if p.end < target.start]
            history = [
                by_period[p.pk] for p in earlier[-HISTORY_PERIODS:] if p.pk in by_period
            ]
            if len(history) < HISTORY_MIN:
                continue
            low, high, median = expected_range(history, value_type=value_type)
            if low <= value <= high:
                continue
            result.append(
                _outlier(
                    code, unit_id, target.pk, value, low, high, median, len(history)
                )
            )
    result.sort(key=lambda o: (o.unit_id, o.period_id, o.element_code))
    return result


def _outlier(
    code: str,
    unit_id: int,
    period_id: int,
    value: float,
    low: float,
    high: float,
    median: float,
    n: int,
) -> Outlier:
    value_vi, value_en = _shown(value)
    low_vi, low_en = _shown(round(low, 2))
    high_vi, high_en = _shown(round(high, 2))
    median_vi, median_en = _shown(median)
    return Outlier(
        element_code=code,
        unit_id=unit_id,
        period_id=period_id,
        value=value,
        expected_low=low,
        expected_high=high,
        message_vi=(
            f"{value_vi} khác thường so với {n} kỳ trước của đơn vị (trung vị "
            f"{median_vi}, khoảng thường gặp {low_vi} – {high_vi}); hãy kiểm tra lại."
        ),
        message_en=(
            f"{value_en} stands out from the unit's {n} earlier periods (median "
            f"{median_en}, expected {low_en} – {high_en}); please check it."
        ),
    )
