"""Judging units against a criteria set: pure functions over polars frames.

`evaluate` takes a `CriteriaSetSpec`, the values of data elements (long
format) and the units, and returns one row per condition, per criterion and
per unit and year. No Django here: the service reads the frames from the
database and stores the result; the tests and the benchmark call it alone.

How it stays fast: the values the set needs are placed once on a grid (one
row per judged unit and year) by arithmetic, not joins. Each level
(conditions, indicators, criteria, the set) is then one long frame, one
block of grid rows per member in the set's order, judged by the same few
expressions whatever the set (a Python loop over the spec, never over
units); a group's members are summed by adding zero-copy slices of their
blocks. Eager calls only: on one commune, a lazy query's planning would
cost more than the work.
"""

from vandong.criteria.engine.judge import evaluate
from vandong.criteria.engine.ranking import nearest
from vandong.criteria.engine.results import (
    CRITERION_SCHEMA,
    INDICATOR_SCHEMA,
    NEAREST_SCHEMA,
    OVERALL_SCHEMA,
    Evaluation,
)
from vandong.criteria.engine.thresholds import thresholds_frame

__all__ = [
    "CRITERION_SCHEMA",
    "INDICATOR_SCHEMA",
    "NEAREST_SCHEMA",
    "OVERALL_SCHEMA",
    "Evaluation",
    "evaluate",
    "nearest",
    "thresholds_frame",
]
