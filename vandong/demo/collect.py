"""CONSTRUCTED SAMPLE VALUES for the demo — not real data.

Lai Châu's values for the catalog, 2016-2026, made up by a seeded generator so
that the demo has something to show: the legacy units (8 districts, 106
communes, their sample villages) for 2016-2024, the current units (38
communes and their villages) for 2025-2026, so every series crosses the 2025
reform. The 2016-2020 values are constructed so that the provincial figures
of the seed report (the Lai Châu report on the campaign 2016-2020) come out
exactly: 24/94 communes with the cultural new-rural title, 05/12 civilised
wards and townships, 85% cultural households, 502 tỷ đồng cash, 2.142.500 m²
of land… Where the report gives an approximate figure ("trên 7.000 ha",
"gần 79.000") the constructed value is a round number that satisfies it
(7.120 ha, 78.940). Nothing else in these numbers is real: the distribution
over units and years, and every value after 2020, are invented.

The generator is pure (`demo_rows(tree)`), deterministic (hashes of unit keys,
no global random state), and its totals are exact (largest-remainder
allocation). `load_demo_values` reads the tree from the database and writes
the rows through the collect write service.
"""

import functools
import hashlib
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from vandong.collect.rows import ValueRow

Progress = Callable[[str], None]

LAI_CHAU = "12"
LEGACY_YEARS = tuple(range(2016, 2025))  # on the legacy tree
CURRENT_YEARS = (2025, 2026)  # on the current tree (from 2025-07-01)
YEARS = LEGACY_YEARS + CURRENT_YEARS
SEED_YEAR = 2020
SEED_PHASE = tuple(range(2016, 2021))

URBAN_TYPES = frozenset({"phuong", "thi_tran"})
RURAL_TYPE = "xa"

# Growth of households and population per year, around 2020.
HOUSEHOLD_GROWTH = 1.012
POPULATION_GROWTH = 1.011


# --- the tree ---------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUnit:
    id: int
    code: str
    level: int
    type: str
    parent_id: int | None
    households: int = 0
    population: int = 0
    # A stable identity for the generator's hashes: a current village keeps
    # its legacy village's key, so its series goes on across the reform.
    key: str = ""
    # For a current commune: the keys of the legacy communes it came from.
    predecessor_keys: tuple[str, ...] = ()


@dataclass
class DemoTree:
    province: DemoUnit
    legacy_districts: list[DemoUnit]
    legacy_communes: list[DemoUnit]
    legacy_villages: list[DemoUnit]
    current_communes: list[DemoUnit]
    current_villages: list[DemoUnit]

    def communes(self, year: int) -> list[DemoUnit]:
        return self.legacy_communes if year in LEGACY_YEARS else self.current_communes

    def villages(self, year: int) -> list[DemoUnit]:
        return self.legacy_villages if year in LEGACY_YEARS else self.current_villages

    def districts(self, year: int) -> list[DemoUnit]:
        return self.legacy_districts if year in LEGACY_YEARS else []


# --- deterministic helpers ------------------------------------------------------------


@functools.cache
def unit_noise(*parts: object) -> float:
    """A number in [0, 1) fixed by its parts (no random state)."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def allocate(
    total: int, weights: Sequence[float], caps: Sequence[int] | None = None
) -> list[int]:
    """Split a whole `total` over `weights` in proportion, each share at most
    its cap, the shares summing to `total` exactly (largest remainders)."""
    n = len(weights)
    if total < 0 or any(w < 0 for w in weights):
        raise ValueError("total and weights must not be negative")
    if caps is not None and total > sum(caps):
        raise ValueError(f"total {total} is above the caps' sum {sum(caps)}")
    if n == 0:
        if total:
            raise ValueError("nothing to allocate to")
        return []
    shares = [0.0] * n
    free = list(range(n))
    left = float(total)
    # Water-filling: give shares in proportion; fix any share above its cap
    # at the cap and share out the rest again.
    while free:
        weight = sum(weights[i] for i in free)
        if weight <= 0:
            weight, equal = float(len(free)), True
        else:
            equal = False
        over = []
        for i in free:
            share = left * ((1.0 if equal else weights[i]) / weight)
            shares[i] = share
            if caps is not None and share > caps[i]:
                over.append(i)
        if not over:
            break
        for i in over:
            shares[i] = float(caps[i]) if caps is not None else shares[i]
            left -= shares[i]
        fixed = set(over)
        free = [i for i in free if i not in fixed]
    result = [math.floor(s + 1e-9) for s in shares]
    rest = total - sum(result)
    order = sorted(range(n), key=lambda i: (-(shares[i] - result[i]), i))
    for i in order:
        if rest <= 0:
            break
        if caps is None or result[i] < caps[i]:
            result[i] += 1
            rest -= 1
    if rest:
        raise ValueError("cannot allocate within the caps")
    return result


def top(
    units: Sequence[DemoUnit], count: int, score: Callable[[DemoUnit], float]
) -> set[int]:
    """Ids of the `count` units with the highest score (ties by code)."""
    ranked = sorted(units, key=lambda u: (-score(u), u.code))
    return {u.id for u in ranked[:count]}


# --- the constructed trajectories (province totals and rates per year) -----------------
# 2020 is the seed's year; every other number is invented.


def _years(*values: float) -> dict[int, float]:
    """One value per year of YEARS (a table with a missing year fails here)."""
    return dict(zip(YEARS, values, strict=True))


# fmt: off
# Villages: shares of households (rates) or of villages (shares).
RATE_HH_CULTURAL = _years(0.78, 0.795, 0.815, 0.835, 0.85, 0.855, 0.862, 0.868, 0.874, 0.88, 0.885)
SHARE_VILLAGE_CULTURAL = _years(0.62, 0.65, 0.68, 0.71, 0.74, 0.75, 0.76, 0.77, 0.78, 0.79, 0.80)
RATE_HH_ENV_REGISTERED = _years(0.70, 0.74, 0.78, 0.82, 0.86, 0.88, 0.90, 0.91, 0.92, 0.93, 0.95)
RATE_HH_ENV_MET = _years(0.55, 0.60, 0.65, 0.70, 0.75, 0.77, 0.79, 0.81, 0.83, 0.84, 0.85)  # of registered
SHARE_VILLAGE_ENV_REGISTERED = _years(0.70, 0.75, 0.80, 0.85, 0.90, 0.92, 0.94, 0.96, 0.98, 0.99, 1.0)
SHARE_VILLAGE_ENV_MET = _years(0.30, 0.36, 0.42, 0.48, 0.55, 0.59, 0.63, 0.67, 0.70, 0.72, 0.75)
RATE_HH_WASTE = _years(0.85, 0.90, 0.94, 0.97, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
SHARE_VILLAGE_LANDSCAPE = _years(0.80, 0.88, 0.94, 0.98, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
SHARE_VILLAGE_BURIAL = _years(0.75, 0.85, 0.92, 0.97, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
RATE_HH_SECURITY = _years(0.85, 0.87, 0.89, 0.91, 0.923, 0.93, 0.935, 0.94, 0.945, 0.95, 0.955)
SHARE_VILLAGE_SECURITY_COMMITTED = _years(0.86, 0.88, 0.91, 0.93, 0.95, 0.955, 0.96, 0.965, 0.97, 0.975, 0.98)
SHARE_VILLAGE_SECURITY_MET = _years(0.60, 0.64, 0.68, 0.72, 0.76, 0.78, 0.80, 0.82, 0.84, 0.85, 0.86)

# Communes: how many hold a status (legacy: of 94 xã / 12 wards and
# townships / 106 communes; 2025-2026: of the 36 xã / 2 wards / 38 communes).
COUNT_NTM = _years(18, 24, 30, 35, 40, 43, 46, 49, 52, 21, 23)
COUNT_CULTURAL_NTM = _years(8, 12, 16, 20, 24, 26, 28, 30, 32, 12, 13)
COUNT_ENV_CRITERION = _years(25, 31, 36, 41, 45, 48, 52, 56, 60, 24, 26)
COUNT_SECURITY_CRITERION = _years(80, 84, 87, 90, 92, 93, 93, 94, 94, 35, 36)
COUNT_URBAN_CIVILIZED = _years(1, 2, 3, 4, 5, 6, 7, 7, 8, 2, 2)
COUNT_DRUG_FREE = _years(20, 24, 27, 30, 33, 36, 39, 42, 45, 17, 19)
COUNT_HOTSPOT_REMOVED = _years(0, 2, 3, 5, 6, 7, 8, 8, 9, 4, 4)
SHARE_COMMUNE_LANDSCAPE = _years(0.85, 0.90, 0.95, 0.98, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
SHARE_COMMUNE_BURIAL = _years(0.80, 0.88, 0.94, 0.98, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)

RATE_HEALTH_INSURED = _years(0.885, 0.905, 0.925, 0.945, 0.96, 0.962, 0.965, 0.968, 0.97, 0.972, 0.975)
RATE_UNDERWEIGHT = _years(0.245, 0.232, 0.22, 0.206, 0.194, 0.188, 0.182, 0.176, 0.17, 0.165, 0.16)
RATE_RURAL_CLEAN_WATER = _years(0.78, 0.795, 0.81, 0.825, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.90)
RATE_EM_CLEAN_WATER = _years(0.72, 0.735, 0.755, 0.775, 0.796, 0.805, 0.815, 0.825, 0.835, 0.845, 0.855)
RATE_HH_3CLEAN = _years(0.35, 0.37, 0.395, 0.42, 0.446, 0.47, 0.49, 0.51, 0.53, 0.55, 0.57)
RATE_BUSINESSES_ENV = _years(0.82, 0.87, 0.92, 0.96, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)
RATE_BUSINESSES_WASTE = _years(0.80, 0.86, 0.91, 0.95, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)

# Commune counts summed over the province (stocks).
TOTAL_CULTURE_TEAMS = _years(702, 745, 790, 828, 860, 872, 885, 896, 905, 910, 918)
TOTAL_LEARNING_FAMILIES = _years(61_200, 66_100, 70_800, 75_000, 78_940, 80_300, 81_600, 82_700, 83_600, 84_400, 85_100)
TOTAL_LEARNING_CLANS = _years(1_080, 1_190, 1_300, 1_410, 1_526, 1_580, 1_630, 1_675, 1_710, 1_740, 1_770)
TOTAL_LEARNING_COMMUNITIES = _years(905, 1_010, 1_110, 1_215, 1_318, 1_360, 1_395, 1_425, 1_450, 1_470, 1_490)
TOTAL_LEARNING_UNITS = _years(410, 455, 505, 556, 604, 625, 645, 662, 678, 690, 700)
TOTAL_MEDIATION_TEAMS = _years(1_098, 1_110, 1_121, 1_133, 1_143, 1_150, 1_156, 1_161, 1_165, 1_168, 1_170)
TOTAL_SECURITY_MODELS = _years(38, 45, 53, 62, 70, 74, 78, 81, 84, 86, 88)

# Flows, summed over the province in each year. Money in millions of đồng.
TOTAL_VOCATIONAL = _years(5_900, 6_200, 6_400, 6_539, 6_700, 6_350, 6_800, 7_050, 7_200, 7_300, 7_400)
# The regulation on dialogue conferences applies from 2017: no 2016 values.
TOTAL_DIALOGUES = {2017: 28, 2018: 33, 2019: 35, 2020: 37, 2021: 36, 2022: 38, 2023: 39, 2024: 40, 2025: 30, 2026: 34}
MILLIONS_GRATITUDE = _years(1_020, 1_080, 1_130, 1_180, 1_232, 1_250, 1_280, 1_300, 1_320, 1_340, 1_360)
MILLIONS_CASH = _years(82_350, 93_610, 104_520, 108_716, 113_190, 118_000, 121_500, 125_000, 128_400, 131_000, 134_500)
TOTAL_LAND_M2 = _years(382_400, 415_300, 447_800, 440_600, 456_400, 430_000, 418_500, 402_000, 395_600, 380_200, 372_900)
TOTAL_LABOUR_DAYS = _years(176_300, 191_800, 205_400, 206_900, 211_200, 214_000, 216_500, 218_900, 220_400, 222_000, 223_800)
MILLIONS_MATERIALS = _years(10_240, 11_385, 12_610, 13_458, 14_230, 14_800, 15_300, 15_700, 16_100, 16_500, 16_900)

# Province.
PROVINCE_VALUES: dict[str, dict[int, float]] = {
    "AREA_SPECIALTY_RICE_HA": _years(2_310, 2_480, 2_650, 2_820, 2_985, 3_050, 3_120, 3_180, 3_240, 3_300, 3_350),
    "AREA_TEA_HA": _years(5_480, 5_900, 6_350, 6_760, 7_120, 7_650, 8_200, 8_850, 9_400, 9_900, 10_300),
    "AREA_RUBBER_HA": _years(12_430, 12_760, 12_990, 13_110, 13_210, 13_250, 13_280, 13_300, 13_320, 13_330, 13_340),
    "AREA_MACADAMIA_HA": _years(1_620, 2_150, 2_890, 3_540, 4_150, 4_600, 5_100, 5_600, 6_100, 6_500, 6_850),
    "AREA_CINNAMON_HA": _years(2_450, 3_420, 4_380, 5_420, 6_340, 6_900, 7_400, 7_850, 8_200, 8_500, 8_750),
    "AREA_MEDICINAL_HA": _years(3_100, 4_350, 5_600, 6_900, 8_000, 8_600, 9_200, 9_800, 10_300, 10_800, 11_200),
    "OCOP_3STAR": _years(0, 0, 0, 14, 38, 52, 68, 85, 98, 110, 121),
    "OCOP_4STAR": _years(0, 0, 0, 3, 9, 12, 15, 18, 21, 24, 26),
    "NATURAL_AREA_HA": _years(*([906_878] * len(YEARS))),
    "FOREST_AREA_HA": _years(434_100, 441_200, 447_500, 453_300, 458_900, 462_500, 466_000, 469_300, 472_400, 475_200, 477_900),
    "AGENCIES_TOTAL": _years(1_118, 1_127, 1_135, 1_144, 1_152, 1_160, 1_166, 1_171, 1_176, 1_180, 1_184),
}
RATE_AGENCIES_CULTURAL = _years(0.90, 0.915, 0.93, 0.945, 0.96, 0.962, 0.964, 0.966, 0.968, 0.97, 0.972)

# How each element is made. Ratios: (element, rates, denominator, salt,
# spread); the denominator is an element of the same year or "households"
# (the villages' households summed per commune). Flags: (element, counts or
# shares, units, salt); units sharing a salt are ranked alike, so their yes-sets
# nest (a new-rural commune meets the environment criterion). Spreads:
# (element, totals, units, base, salt, scale, per_year).
VILLAGE_RATIOS = [
    ("HH_CULTURAL", RATE_HH_CULTURAL, "HH_TOTAL", "hh-cultural", 0.25),
    ("HH_ENV_REGISTERED", RATE_HH_ENV_REGISTERED, "HH_TOTAL", "env", 0.25),
    ("HH_ENV_MET", RATE_HH_ENV_MET, "HH_ENV_REGISTERED", "env-met", 0.25),
    ("HH_WASTE_COMMITTED", RATE_HH_WASTE, "HH_TOTAL", "waste", 0.25),
    ("HH_SECURITY_COMMITTED", RATE_HH_SECURITY, "HH_TOTAL", "security", 0.25),
]
VILLAGE_FLAGS = [  # shares of the villages
    ("VILLAGE_CULTURAL", SHARE_VILLAGE_CULTURAL, "hh-cultural"),
    ("VILLAGE_ENV_REGISTERED", SHARE_VILLAGE_ENV_REGISTERED, "env"),
    ("VILLAGE_ENV_MET", SHARE_VILLAGE_ENV_MET, "env"),
    ("VILLAGE_LANDSCAPE_REGISTERED", SHARE_VILLAGE_LANDSCAPE, "landscape"),
    ("VILLAGE_BURIAL_REGISTERED", SHARE_VILLAGE_BURIAL, "burial"),
    ("VILLAGE_SECURITY_COMMITTED", SHARE_VILLAGE_SECURITY_COMMITTED, "security"),
    ("VILLAGE_SECURITY_MET", SHARE_VILLAGE_SECURITY_MET, "security"),
]
COMMUNE_FLAGS = [  # counts of units
    ("NTM_ATTAINED", COUNT_NTM, "rural", "ntm"),
    ("CULTURAL_NTM_COMMUNE", COUNT_CULTURAL_NTM, "rural", "ntm"),
    ("ENV_CRITERION_MET", COUNT_ENV_CRITERION, "rural", "ntm"),
    ("SECURITY_CRITERION_MET", COUNT_SECURITY_CRITERION, "rural", "ntm"),
    ("URBAN_CIVILIZED", COUNT_URBAN_CIVILIZED, "urban", "urban"),
    ("DRUG_FREE", COUNT_DRUG_FREE, "all", "drugs"),
    ("SECURITY_HOTSPOT_REMOVED", COUNT_HOTSPOT_REMOVED, "rural", "hotspot"),
]
COMMUNE_SHARE_FLAGS = [  # shares of the communes
    ("COMMUNE_LANDSCAPE_REGISTERED", SHARE_COMMUNE_LANDSCAPE, "all", "landscape"),
    ("COMMUNE_BURIAL_REGISTERED", SHARE_COMMUNE_BURIAL, "all", "burial"),
]
# Years of attainment: (element, status element, year before the series).
COMMUNE_STATUS_YEARS = [
    ("NTM_ATTAINED_YEAR", "NTM_ATTAINED", 2016),
    ("URBAN_CIVILIZED_YEAR", "URBAN_CIVILIZED", 2015),
]
COMMUNE_RATIOS = [  # (element, rates, units, denominator, salt, spread)
    ("HEALTH_INSURED", RATE_HEALTH_INSURED, "all", "POPULATION", "bhyt", 0.08),
    ("CHILDREN_U5_UNDERWEIGHT", RATE_UNDERWEIGHT, "all", "CHILDREN_U5_WEIGHED", "u5", 0.15),
    ("RURAL_POP_CLEAN_WATER", RATE_RURAL_CLEAN_WATER, "rural", "RURAL_POP", "water", 0.2),
    ("EM_HH_CLEAN_WATER", RATE_EM_CLEAN_WATER, "all", "EM_HH", "em-water", 0.2),
    ("HH_3CLEAN", RATE_HH_3CLEAN, "all", "households", "3clean", 0.3),
    ("BUSINESSES_ENV_COMMITTED", RATE_BUSINESSES_ENV, "all", "BUSINESSES", "biz-env", 0.1),
    ("BUSINESSES_WASTE_COMMITTED", RATE_BUSINESSES_WASTE, "all", "BUSINESSES", "biz-waste", 0.1),
]
COMMUNE_SPREADS: list[tuple[str, Mapping[int, float], str, str, str, int, bool]] = [  # (element, totals, units, base, salt, scale, per_year)
    ("CULTURE_TEAMS", TOTAL_CULTURE_TEAMS, "all", "teams", "teams", 1, False),
    ("LEARNING_CLANS", TOTAL_LEARNING_CLANS, "all", "teams", "clans", 1, False),
    ("LEARNING_COMMUNITIES", TOTAL_LEARNING_COMMUNITIES, "all", "teams", "communities", 1, False),
    ("LEARNING_UNITS", TOTAL_LEARNING_UNITS, "all", "POPULATION", "units", 1, False),
    ("VOCATIONAL_TRAINED", TOTAL_VOCATIONAL, "all", "POPULATION", "training", 1, True),
    ("MEDIATION_TEAMS", TOTAL_MEDIATION_TEAMS, "all", "villages", "mediation", 1, False),
    ("SECURITY_MODELS", TOTAL_SECURITY_MODELS, "rural", "villages", "models", 1, False),
    ("DIALOGUE_CONFERENCES", TOTAL_DIALOGUES, "all", "one", "dialogue", 1, True),
    # Money in steps of 100.000 đồng (the fund) or of a million (contributions).
    ("GRATITUDE_FUND_VND", {y: v * 10 for y, v in MILLIONS_GRATITUDE.items()}, "all", "POPULATION", "gratitude", 100_000, True),
    ("CONTRIB_CASH_VND", MILLIONS_CASH, "all", "POPULATION", "cash", 1_000_000, True),
    ("CONTRIB_LAND_M2", TOTAL_LAND_M2, "all", "POPULATION", "land", 1, True),
    ("CONTRIB_LABOUR_DAYS", TOTAL_LABOUR_DAYS, "all", "POPULATION", "labour", 1, True),
    ("CONTRIB_MATERIALS_VND", MILLIONS_MATERIALS, "all", "POPULATION", "materials", 1_000_000, True),
]
# fmt: on

# Districts that attain the new-rural standard (constructed), and when.
DISTRICT_NTM_YEARS = {"105": 2019, "106": 2023, "110": 2024}


# --- the generator ------------------------------------------------------------------------


@dataclass
class _Year:
    """The rows of one year, and the values already made (by element, by unit
    id) that later elements are drawn against."""

    year: int
    rows: list[ValueRow] = field(default_factory=list)
    values: dict[str, dict[int, int]] = field(default_factory=lambda: defaultdict(dict))

    def put(
        self, element: str, units: Sequence[DemoUnit], values: Iterable[int]
    ) -> None:
        """Rows of whole numbers, or of yes/no (bool, kept out of `values`)."""
        year = str(self.year)
        made = self.values[element]
        for unit, value in zip(units, values, strict=True):
            self.rows.append(ValueRow(element, unit.code, year, value))
            if value is not True and value is not False:
                made[unit.id] = value

    def of(self, element: str, units: Sequence[DemoUnit]) -> list[int]:
        return [self.values[element][u.id] for u in units]


def _key(unit: DemoUnit) -> str:
    return unit.key or unit.code


@functools.cache
def _score(unit: DemoUnit, salt: str) -> float:
    """A fixed score per unit; a current commune takes the mean of the communes
    it came from, so statuses carry over the reform roughly."""
    keys = unit.predecessor_keys or (_key(unit),)
    return sum(unit_noise(salt, k) for k in keys) / len(keys)


def _flags(
    out: _Year, element: str, units: Sequence[DemoUnit], count: int, salt: str
) -> set[int]:
    """Yes for the `count` best-scored units, no for the others; the sets are
    nested from year to year because the score does not change."""
    chosen = top(units, count, lambda u: _score(u, salt))
    out.put(element, units, (u.id in chosen for u in units))
    return chosen


def _ratio(
    out: _Year,
    element: str,
    units: Sequence[DemoUnit],
    rate: float,
    denominators: Sequence[int],
    salt: str,
    spread: float,
) -> None:
    """Counts summing to `rate` of the denominators' sum (rounded), each at
    most its denominator."""
    weights = [
        d * min(1.0, max(0.0, rate + spread * (unit_noise(salt, _key(u)) - 0.5)))
        for u, d in zip(units, denominators, strict=True)
    ]
    out.put(
        element, units, allocate(round(rate * sum(denominators)), weights, denominators)
    )


def _spread(
    out: _Year,
    element: str,
    units: Sequence[DemoUnit],
    total: int,
    bases: Sequence[float],
    salt: str,
    scale: int,
    per_year: bool,
) -> None:
    """`total` (in steps of `scale`) over the units, in proportion to their
    bases give or take 15%."""
    weights = [
        max(b, 0.0)
        * (0.85 + 0.3 * unit_noise(salt, _key(u), out.year if per_year else ""))
        for u, b in zip(units, bases, strict=True)
    ]
    out.put(element, units, (v * scale for v in allocate(total, weights)))


def _village_rows(out: _Year, villages: Sequence[DemoUnit]) -> None:
    growth = HOUSEHOLD_GROWTH ** (out.year - SEED_YEAR)
    out.put("HH_TOTAL", villages, (round(v.households * growth) for v in villages))
    for element, rates, denominator, salt, spread in VILLAGE_RATIOS:
        _ratio(
            out,
            element,
            villages,
            rates[out.year],
            out.of(denominator, villages),
            salt,
            spread,
        )
    for element, shares, salt in VILLAGE_FLAGS:
        _flags(out, element, villages, round(shares[out.year] * len(villages)), salt)


def _commune_rows(
    out: _Year,
    communes: Sequence[DemoUnit],
    villages: Sequence[DemoUnit],
    first_years: dict[str, dict[int, int]],
) -> None:
    year = out.year
    groups = {
        "all": list(communes),
        "rural": [c for c in communes if c.type == RURAL_TYPE],
        "urban": [c for c in communes if c.type in URBAN_TYPES],
    }
    bases: dict[str, dict[int, float]] = {
        name: defaultdict(float) for name in ("villages", "households", "people")
    }
    for v in villages:
        parent = v.parent_id or 0
        bases["villages"][parent] += 1
        bases["households"][parent] += out.values["HH_TOTAL"][v.id]
        bases["people"][parent] += v.population
    bases["teams"] = {c.id: bases["villages"][c.id] + 1 for c in communes}
    bases["one"] = {c.id: 1.0 for c in communes}

    holders: dict[str, set[int]] = {}
    for element, counts, group, salt in COMMUNE_FLAGS:
        holders[element] = _flags(out, element, groups[group], int(counts[year]), salt)
    for element, shares, group, salt in COMMUNE_SHARE_FLAGS:
        units = groups[group]
        _flags(out, element, units, round(shares[year] * len(units)), salt)
    for element, status, before in COMMUNE_STATUS_YEARS:
        first_year = first_years.setdefault(element, {})
        attained = [c for c in communes if c.id in holders[status]]
        for c in attained:
            if c.id not in first_year:
                first_year[c.id] = (
                    before - int(unit_noise("since", c.code) * 4)
                    if year == LEGACY_YEARS[0]
                    else year
                )
        out.put(element, attained, (first_year[c.id] for c in attained))

    growth = POPULATION_GROWTH ** (year - SEED_YEAR)
    out.put(
        "POPULATION",
        communes,
        (round(bases["people"][c.id] * growth) for c in communes),
    )
    people = out.values["POPULATION"]
    out.put(
        "CHILDREN_U5_WEIGHED",
        communes,
        (
            round(people[c.id] * (0.09 + 0.03 * unit_noise("u5", _key(c))))
            for c in communes
        ),
    )
    out.put("RURAL_POP", groups["rural"], (people[c.id] for c in groups["rural"]))
    out.put(
        "EM_HH",
        communes,
        (
            round(
                bases["households"][c.id]
                * (
                    (0.83 if c.type == RURAL_TYPE else 0.35)
                    + 0.12 * unit_noise("em", _key(c))
                )
            )
            for c in communes
        ),
    )
    out.put(
        "BUSINESSES",
        communes,
        (
            max(
                1,
                round(
                    people[c.id]
                    / 45
                    * (0.8 + 0.4 * unit_noise("biz", _key(c)))
                    * 1.03 ** (year - SEED_YEAR)
                ),
            )
            for c in communes
        ),
    )
    for element, rates, group, denominator, salt, spread in COMMUNE_RATIOS:
        units = groups[group]
        dens = (
            [int(bases["households"][u.id]) for u in units]
            if denominator == "households"
            else out.of(denominator, units)
        )
        _ratio(out, element, units, rates[year], dens, salt, spread)
    # Learning families: at most one per household.
    households = [int(bases["households"][c.id]) for c in communes]
    weights = [
        h * (0.9 + 0.2 * unit_noise("learning", _key(c)))
        for c, h in zip(communes, households, strict=True)
    ]
    out.put(
        "LEARNING_FAMILIES",
        communes,
        allocate(int(TOTAL_LEARNING_FAMILIES[year]), weights, households),
    )
    for element, totals, group, base, salt, scale, per_year in COMMUNE_SPREADS:
        if year not in totals:
            continue
        units = groups[group]
        weights_of = people if base == "POPULATION" else bases[base]
        _spread(
            out,
            element,
            units,
            int(totals[year]),
            [weights_of[u.id] for u in units],
            salt,
            scale,
            per_year,
        )


def _district_rows(out: _Year, districts: Sequence[DemoUnit]) -> None:
    for district in districts:
        since = DISTRICT_NTM_YEARS.get(district.code, out.year + 1)
        out.put("DISTRICT_NTM_ATTAINED", [district], [since <= out.year])
        if since <= out.year:
            out.put("DISTRICT_NTM_YEAR", [district], [since])


def _province_rows(out: _Year, province: DemoUnit) -> None:
    for code, values in PROVINCE_VALUES.items():
        out.put(code, [province], [int(values[out.year])])
    cultural = (
        RATE_AGENCIES_CULTURAL[out.year] * PROVINCE_VALUES["AGENCIES_TOTAL"][out.year]
    )
    out.put("AGENCIES_CULTURAL", [province], [round(cultural)])


def demo_rows(tree: DemoTree) -> list[ValueRow]:
    """Every constructed value of the demo, 2016-2026, in year order (pure)."""
    rows: list[ValueRow] = []
    first_years: dict[str, dict[int, int]] = {}
    for year in YEARS:
        out = _Year(year)
        villages = tree.villages(year)
        _village_rows(out, villages)
        _commune_rows(out, tree.communes(year), villages, first_years)
        _district_rows(out, tree.districts(year))
        _province_rows(out, tree.province)
        rows += out.rows
    return rows


# --- from and to the database ------------------------------------------------------------


def demo_tree_from_db(province_code: str = LAI_CHAU) -> DemoTree:
    """The demo's units of both trees, read once."""
    from vandong.geo.models import LEGACY_END, REFORM_DATE, Level, Succession, Unit

    province = Unit.objects.get(
        code=province_code, level=Level.PROVINCE, valid_from__isnull=True
    )
    units = list(
        Unit.objects.within(province)
        .filter(level__gte=Level.DISTRICT)
        .order_by("level", "code", "valid_from")
        .values(
            "id",
            "code",
            "level",
            "type",
            "parent_id",
            "households",
            "population",
            "valid_from",
            "valid_to",
        )
    )
    legacy = {u["id"] for u in units if u["valid_to"] == LEGACY_END}
    current = {u["id"] for u in units if u["valid_from"] == REFORM_DATE}
    by_id = {u["id"]: u for u in units}
    predecessors: dict[int, list[int]] = defaultdict(list)
    for pred, succ in (
        Succession.objects.filter(successor_id__in=current)
        .order_by("predecessor__code")
        .values_list("predecessor_id", "successor_id")
    ):
        predecessors[succ].append(pred)

    def legacy_key(unit_id: int) -> str:
        return f"L{by_id[unit_id]['code']}"

    def make(row: Any) -> DemoUnit:
        uid = int(str(row["id"]))
        preds = predecessors.get(uid, [])
        is_current = uid in current
        key = (
            legacy_key(uid)
            if not is_current
            else (
                legacy_key(preds[0])
                if row["level"] == Level.VILLAGE and preds
                else f"N{row['code']}"
            )
        )
        return DemoUnit(
            id=uid,
            code=str(row["code"]),
            level=int(str(row["level"])),
            type=str(row["type"]),
            parent_id=int(str(row["parent_id"]))
            if row["parent_id"] is not None
            else None,
            households=int(str(row["households"] or 0)),
            population=int(str(row["population"] or 0)),
            key=key,
            predecessor_keys=tuple(legacy_key(p) for p in preds)
            if is_current and row["level"] == Level.COMMUNE
            else (),
        )

    def pick(ids: set[int], level: int) -> list[DemoUnit]:
        return [make(u) for u in units if u["id"] in ids and u["level"] == level]

    return DemoTree(
        province=DemoUnit(
            province.pk,
            province.code,
            Level.PROVINCE,
            province.type,
            None,
            key=f"P{province.code}",
        ),
        legacy_districts=pick(legacy, Level.DISTRICT),
        legacy_communes=pick(legacy, Level.COMMUNE),
        legacy_villages=pick(legacy, Level.VILLAGE),
        current_communes=pick(current, Level.COMMUNE),
        current_villages=pick(current, Level.VILLAGE),
    )


def load_demo_values(progress: Progress) -> None:
    """Write the constructed values through the collect write service, one
    year at a time (skipped when the demo's values are already there)."""
    from vandong.collect.models import DataValue
    from vandong.collect.services import data_values_write
    from vandong.geo.models import Level, Unit

    province = Unit.objects.get(
        code=LAI_CHAU, level=Level.PROVINCE, valid_from__isnull=True
    )
    if DataValue.objects.filter(unit=province, period__code=str(SEED_YEAR)).exists():
        progress("Giá trị mẫu đã có / sample values already there.")
        return
    progress(
        "Tạo giá trị mẫu DỰNG SẴN 2016-2026 (không phải số liệu thật; tổng cấp tỉnh "
        "2016-2020 khớp báo cáo) / making CONSTRUCTED sample values 2016-2026 (not "
        "real data; the 2016-2020 provincial totals match the report)…"
    )
    started = time.perf_counter()
    by_year: dict[str, list[ValueRow]] = defaultdict(list)
    for row in demo_rows(demo_tree_from_db()):
        by_year[row.period].append(row)
    written = 0
    for period in sorted(by_year):
        result = data_values_write(actor=None, rows=by_year[period], channel="system")
        written += result.created + result.updated
    progress(
        f"  {written:,} giá trị mẫu dựng sẵn / constructed sample values "
        f"({time.perf_counter() - started:.1f} s)"
    )


def load_demo_collect(progress: Progress) -> None:
    """The demo's step for data collection: the shipped catalog, then the
    constructed sample values."""
    from vandong.catalog.loader import catalog_load
    from vandong.core.models import Channel

    catalog_load(progress, channel=Channel.SYSTEM)
    load_demo_values(progress)
