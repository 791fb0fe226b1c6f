"""The analytics rollup: pure functions over polars frames, no Django.

`rollup` takes the facts as reported (one row per measure, unit and year),
the units of a tree and the aggregation rule of each measure, and returns
every measure at every ancestor (up to the country, unit 0) for every year
and phase. `map_to_successors` carries legacy figures onto the current
units through the succession edges, so that the same rollup gives the
current tree's view of the years before the 2025 reform.

How it stays fast at national scale (tens of millions of facts): the tree
is climbed one level at a time (villages into communes, communes into
districts or provinces, ...), so each fact is grouped once and the groups
above work on ever smaller frames; parents are found by indexing an array
with the unit id, not by a join; only the few measures that are not sums
(min, max, averages weighted by another measure, ratios) take a slower path.
"""

from vandong.analytics.engine.frames import (
    FACT_SCHEMA,
    ROLLUP_SCHEMA,
    RULE_SCHEMA,
    UNIT_SCHEMA,
    Rule,
    phase_code,
    rules_frame,
)
from vandong.analytics.engine.mapping import map_to_successors
from vandong.analytics.engine.ratios import recompute_ratios
from vandong.analytics.engine.rollup import phases, rollup

__all__ = [
    "FACT_SCHEMA",
    "ROLLUP_SCHEMA",
    "RULE_SCHEMA",
    "UNIT_SCHEMA",
    "Rule",
    "map_to_successors",
    "phase_code",
    "phases",
    "recompute_ratios",
    "rollup",
    "rules_frame",
]
