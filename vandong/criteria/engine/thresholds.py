"""Thresholds: the one that applies to a row, whether it is verified, and
the table of all of them."""

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from vandong.catalog.criteria.spec import FLAG_COMPARATORS, CriteriaSetSpec, Threshold
from vandong.criteria.engine.frames import _Slot, _slots


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


def _ranked(thresholds: Sequence[Threshold]) -> list[Threshold]:
    """Most specific first: key and year, key, year, general."""
    return sorted(thresholds, key=lambda t: (t.key == "", t.year is None))


def _applies(threshold: Threshold, key: str | None, year: int) -> bool:
    return (not threshold.key or threshold.key == key) and (
        threshold.year is None or threshold.year == year
    )


def _constant_verified(slot: _Slot) -> bool | None:
    """Whether every row of the condition is verified, when that does not
    depend on the threshold chosen; else None."""
    if not slot.source_verified:
        return False
    flags = {t.verified for t in slot.condition.thresholds}
    return flags.pop() if len(flags) == 1 else (True if not flags else None)


@dataclass(frozen=True)
class _Rules:
    """For each condition and (key, year) combo, at condition × combos +
    combo: the threshold that applies (null for none, and for flags) and
    whether the row is verified; and per combo, whether any is not."""

    threshold: pl.Series
    verified: pl.Series
    unverified: pl.Series


def _rules(
    spec: CriteriaSetSpec, keys: tuple[str | None, ...], years: tuple[int, ...]
) -> _Rules:
    """The rules for the combos of `keys` × `years` (key after key); a few
    dozen conditions times a few combos, so plain Python (the caller keeps
    them)."""
    combos = [(key, year) for key in keys for year in years or (0,)]
    thresholds: list[float | None] = []
    verified: list[bool] = []
    for slot in _slots(spec):
        flag = slot.condition.comparator in FLAG_COMPARATORS
        ranked = _ranked(slot.condition.thresholds)
        constant = _constant_verified(slot)
        for key, year in combos:
            # The most specific threshold that applies, else none.
            used = next((t for t in ranked if _applies(t, key, year)), None)
            thresholds.append(None if flag or used is None else float(used.value))
            # Verified: constant, else the threshold used's (true without).
            verified.append(
                constant if constant is not None else used is None or used.verified
            )
    step = len(combos)
    unverified = [
        not all(verified[c::step]) if verified else False for c in range(step)
    ]
    return _Rules(
        pl.Series(thresholds, dtype=pl.Float64),
        pl.Series(verified, dtype=pl.Boolean),
        pl.Series(unverified, dtype=pl.Boolean),
    )
