"""Reads criteria-set YAML files (vandong/catalog/criteria/sets/*.yaml) into
`CriteriaSetSpec`s, strictly.

Every problem of every file is collected, each naming the file, the line of
the item at fault and its path (`criteria[3].indicators[1].thresholds[0].key`)
in Vietnamese and English, and raised together as one `CriteriaFileError`.
A province layer (`province` + `extends`) is read on top of the set it
extends and returned merged: its indicators replace those with the same code,
what it does not name is inherited.
"""

from vandong.catalog.criteria.reader.files import criteria_set_read, criteria_sets_read
from vandong.catalog.criteria.reader.problems import CriteriaFileError, CriteriaProblem
from vandong.catalog.criteria.reader.schema import SETS_DIR, KnownElement

__all__ = [
    "SETS_DIR",
    "CriteriaFileError",
    "CriteriaProblem",
    "KnownElement",
    "criteria_set_read",
    "criteria_sets_read",
]
