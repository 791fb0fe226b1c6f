"""What a criteria-set file may hold: its format, the keys of each mapping
(required, then optional), the shapes of codes, and what the reader knows
of a catalog data element."""

import re
from dataclasses import dataclass
from pathlib import Path

from vandong.catalog.criteria.spec import COMMUNE_GROUPS, REGIONS

SETS_DIR: Path = Path(__file__).parent.parent / "sets"

FORMAT = 1

SET_CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SET_CODE_MAX = 60
# Criterion and indicator codes as printed in the text: "15", "15.3", "8a".
ITEM_CODE_RE = re.compile(r"^[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*$")
ITEM_CODE_MAX = 20
PROVINCE_RE = re.compile(r"^[0-9]{2}$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
FIRST_YEAR, LAST_YEAR = 1900, 2100

BOOLEAN = "boolean"
# Value types a comparison cannot use.
NOT_NUMERIC = frozenset({BOOLEAN, "text"})

THRESHOLD_KEY_VALUES: dict[str, tuple[str, ...]] = {
    "none": (),
    "region": REGIONS,
    "commune_group": COMMUNE_GROUPS,
}
THRESHOLD_KEY_VI = {"region": "vùng", "commune_group": "nhóm xã"}
THRESHOLD_KEY_EN = {"region": "region", "commune_group": "commune group"}

# Keys of each mapping: required, then optional.
SET_REQUIRED = (
    "format",
    "code",
    "version",
    "kind",
    "name_vi",
    "name_en",
    "level",
    "unit_types",
    "threshold_key",
    "valid_from",
    "legal_basis",
    "criteria",
)
SET_OPTIONAL = (
    "valid_to",
    "at_least",
    "recognition_element",
    "province",
    "extends",
    "notes_vi",
    "notes_en",
    "undefined",
)
# A province layer inherits these from the set it extends when it omits them.
LAYER_INHERITED = ("kind", "level", "unit_types", "threshold_key")
CRITERION_REQUIRED = ("code", "name_vi", "name_en", "indicators")
CRITERION_OPTIONAL = ("group_vi", "at_least")
INDICATOR_REQUIRED = ("code", "name_vi", "name_en", "source")
INDICATOR_OPTIONAL = (
    "measure",
    "value",
    "comparator",
    "thresholds",
    "conditions",
    "at_least",
    "undefined_vi",
    "undefined_en",
)
# In a layer, the names and the measure may be left to the extended set.
LAYER_INDICATOR_INHERITED = ("name_vi", "name_en", "measure")
CONDITION_REQUIRED = ("value", "comparator")
CONDITION_OPTIONAL = ("thresholds",)
THRESHOLD_REQUIRED = ("value",)
THRESHOLD_OPTIONAL = ("key", "year", "source")
SOURCE_REQUIRED = ("document",)
SOURCE_OPTIONAL = ("date", "appendix", "row", "url", "verified", "note")
LEGAL_REQUIRED = ("document", "date")
LEGAL_OPTIONAL = ("title_vi", "part", "url")
VALUE_SHAPES = (
    ("element",),
    ("numerator", "denominator"),
    ("child_element", "child_level"),
)


@dataclass(frozen=True)
class KnownElement:
    """A catalog data element as the reader needs it."""

    code: str
    level: int
    value_type: str  # a catalog ValueType value
