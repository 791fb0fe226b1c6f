"""Reads for the criteria pages and API: the sets as stored, and the stored
evaluations of the units in the actor's scope (scorecard, trend, matrix, the
units nearest to the standard, and where evaluation and recognition disagree).

Nothing is evaluated here: the pages show what `services.evaluate` stored. A
code names a unit only together with a day; here with a year: the unit the
code names at the year's end, else earlier that year (a legacy commune of
2025 whose code a new commune took over).
"""

from vandong.criteria.queries.definitions import SetDefinition, criteria_set_definition
from vandong.criteria.queries.disagreement import disagreements
from vandong.criteria.queries.overview import SORTS, matrix, missing, nearest
from vandong.criteria.queries.results import (
    ConditionResult,
    combine,
    evaluation_results,
)
from vandong.criteria.queries.scorecards import scorecard, unit_trend
from vandong.criteria.queries.sets import (
    SetSummary,
    applies_in,
    criteria_set_get,
    criteria_set_list,
    latest_year,
    set_years,
)
from vandong.criteria.queries.units import (
    district_choices,
    evaluations_in_scope,
    root_unit,
    scorecard_unit,
    unit_in_year,
    visible,
)

__all__ = [
    "SORTS",
    "ConditionResult",
    "SetDefinition",
    "SetSummary",
    "applies_in",
    "combine",
    "criteria_set_definition",
    "criteria_set_get",
    "criteria_set_list",
    "disagreements",
    "district_choices",
    "evaluation_results",
    "evaluations_in_scope",
    "latest_year",
    "matrix",
    "missing",
    "nearest",
    "root_unit",
    "scorecard",
    "scorecard_unit",
    "set_years",
    "unit_in_year",
    "unit_trend",
    "visible",
]
