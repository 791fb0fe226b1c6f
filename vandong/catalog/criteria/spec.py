"""A criteria set once read: plain, frozen dataclasses, no Django.

The evaluation engine (vandong.criteria.engine) takes a `CriteriaSetSpec`
and data frames; the reader builds one from a YAML file, the store from the
database (where an administrator may have edited thresholds).
"""

import datetime
from dataclasses import dataclass, field
from typing import Literal

# How a unit's value compares with its threshold. `is_true`/`is_false` test a
# yes/no data element and take no threshold.
Comparator = Literal[">=", ">", "<=", "<", "=", "is_true", "is_false"]
COMPARATORS: tuple[str, ...] = (">=", ">", "<=", "<", "=", "is_true", "is_false")
FLAG_COMPARATORS = frozenset({"is_true", "is_false"})

# What thresholds vary by: nothing, the region of the unit (the seven regions
# of the 2010-2025 sets), or the commune group 1/2/3 (the 2026-2030 set).
ThresholdKey = Literal["none", "region", "commune_group"]
THRESHOLD_KEYS: tuple[str, ...] = ("none", "region", "commune_group")
REGIONS: tuple[str, ...] = ("tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl")
COMMUNE_GROUPS: tuple[str, ...] = ("1", "2", "3")

# Results, in the order a reader should care about them.
Status = Literal["met", "not_met", "no_data", "no_threshold"]
MET, NOT_MET, NO_DATA, NO_THRESHOLD = "met", "not_met", "no_data", "no_threshold"
STATUSES: tuple[str, ...] = (MET, NOT_MET, NO_DATA, NO_THRESHOLD)


@dataclass(frozen=True)
class Source:
    """Where a rule or a threshold is written: document number and date,
    appendix, row. `verified` is False for what could not be confirmed in the
    official text: shown as unverified wherever its result appears."""

    document: str = ""
    date: datetime.date | None = None
    appendix: str = ""
    row: str = ""
    url: str = ""
    verified: bool = False
    note: str = ""

    def label(self) -> str:
        parts = [self.document]
        if self.appendix:
            parts.append(self.appendix)
        if self.row:
            parts.append(f"mục {self.row}")
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Threshold:
    """One threshold value. `key` is "" for the general value (chỉ tiêu chung),
    else a region code or a commune group ("1", "2", "3"); `year` set for a
    value that applies to one year only (the income schedule). The most
    specific match wins: key and year, then key, then year, then general."""

    value: float
    source: Source
    key: str = ""
    year: int | None = None

    @property
    def verified(self) -> bool:
        return self.source.verified


@dataclass(frozen=True)
class ValueSpec:
    """What an indicator measures for a unit and year, exactly one of:

    - `element`: a data element's value;
    - `numerator` and `denominator`: 100 × numerator / denominator (a percent;
      no data when the denominator is 0 or missing);
    - `child_element` with `child_level`: the percent of the unit's child
      units at that level (e.g. villages, level 4) whose yes/no element is
      yes; no data unless every child has a value.
    """

    element: str = ""
    numerator: str = ""
    denominator: str = ""
    child_element: str = ""
    child_level: int = 0

    @property
    def kind(self) -> Literal["element", "ratio", "child_share"]:
        if self.child_element:
            return "child_share"
        if self.numerator:
            return "ratio"
        return "element"

    @property
    def elements(self) -> tuple[str, ...]:
        found = (self.element, self.numerator, self.denominator, self.child_element)
        return tuple(code for code in found if code)


@dataclass(frozen=True)
class ConditionSpec:
    """One comparison: value, comparator, thresholds (none for is_true/is_false)."""

    value: ValueSpec
    comparator: Comparator
    thresholds: tuple[Threshold, ...] = ()


@dataclass(frozen=True)
class IndicatorSpec:
    """An indicator (chỉ tiêu) of a criterion. Met when its conditions are met
    by `at_least` of them (None: all). Most indicators have one condition; the
    first condition's value and threshold are the ones shown."""

    code: str
    name_vi: str
    name_en: str
    conditions: tuple[ConditionSpec, ...]
    source: Source
    measure: str = ""  # as printed: "%", "triệu đồng/người/năm", "" for yes/no
    at_least: int | None = None
    # Said in the file when the official text leaves the threshold undefined.
    undefined_vi: str = ""
    undefined_en: str = ""

    @property
    def elements(self) -> tuple[str, ...]:
        codes: dict[str, None] = {}
        for condition in self.conditions:
            codes.update(dict.fromkeys(condition.value.elements))
        return tuple(codes)

    @property
    def verified(self) -> bool:
        """The indicator's rule and every threshold it may use are confirmed."""
        return self.source.verified and all(
            t.verified for c in self.conditions for t in c.thresholds
        )


@dataclass(frozen=True)
class CriterionSpec:
    """A criterion (tiêu chí): met when `at_least` of its indicators are met
    (None: all of them)."""

    code: str
    name_vi: str
    name_en: str
    indicators: tuple[IndicatorSpec, ...]
    group_vi: str = ""
    at_least: int | None = None


@dataclass(frozen=True)
class LegalBasis:
    document: str  # "318/QĐ-TTg"
    date: datetime.date
    title_vi: str = ""
    part: str = ""  # "Phụ lục I"
    url: str = ""


@dataclass(frozen=True)
class CriteriaSetSpec:
    """A versioned criteria set. The unit attains the standard when
    `at_least` of the criteria are met (None: all of them)."""

    code: str  # stable id: "ntm-xa-2021-2025"
    version: int
    name_vi: str
    name_en: str
    kind: str  # see KINDS
    level: int  # 1 province .. 4 village
    unit_types: tuple[str, ...]  # geo UnitType values it applies to
    threshold_key: ThresholdKey
    valid_from: datetime.date
    valid_to: datetime.date | None
    legal_basis: tuple[LegalBasis, ...]
    criteria: tuple[CriterionSpec, ...]
    at_least: int | None = None
    # A province layer: thresholds for one province (GSO code) on top of
    # the national set `extends`, whose criteria it repeats or overrides.
    province: str = ""
    extends: str = ""
    # The yes/no data element that records official recognition of the
    # standard (e.g. NTM_ATTAINED), compared on the disagreements page.
    recognition_element: str = ""
    notes_vi: str = ""
    notes_en: str = ""
    # Warnings the file states about itself: what the text leaves undefined.
    undefined: tuple[str, ...] = field(default_factory=tuple)

    @property
    def indicators(self) -> tuple[IndicatorSpec, ...]:
        return tuple(i for c in self.criteria for i in c.indicators)

    @property
    def elements(self) -> tuple[str, ...]:
        codes: dict[str, None] = {}
        for indicator in self.indicators:
            codes.update(dict.fromkeys(indicator.elements))
        return tuple(codes)

    def applies_in(self, year: int) -> bool:
        if year < self.valid_from.year:
            return False
        return self.valid_to is None or year <= self.valid_to.year


KINDS: dict[str, tuple[str, str]] = {
    "ntm_commune": ("Xã nông thôn mới", "New-rural commune"),
    "ntm_commune_advanced": ("Xã nông thôn mới nâng cao", "Advanced new-rural commune"),
    "urban_civilized": ("Phường, thị trấn văn minh đô thị", "Civilized urban ward"),
    "cultural_family": ("Gia đình văn hóa", "Cultural family"),
    "cultural_village": ("Thôn, tổ dân phố văn hóa", "Cultural village"),
    "cultural_commune": ("Xã, phường, thị trấn tiêu biểu", "Exemplary commune"),
    "ocop": ("Sản phẩm OCOP", "OCOP product"),
    "environment": ("Tiêu chí bảo vệ môi trường", "Environment criteria"),
    "security": ("An ninh, trật tự", "Security and order"),
}
