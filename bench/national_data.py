"""Seeded synthetic data of the whole country, for the analytics benchmark.

    .venv/bin/python bench/national_data.py --scale 0.02          # a quick run
    .venv/bin/python bench/national_data.py --db vandong_mine     # keep it in a database
    .venv/bin/python bench/national_data.py --format csv          # COPY as text

Written straight into the operational tables (indexes as the migrations make
them) with COPY, in a PostgreSQL database this script creates and migrates
(`vandong_bench_<pid>`, dropped at the end unless --keep or --db names one).
At --scale 1.0 (national):

- units (`geo_unit`): the legacy tree, 63 provinces > 700 districts > 10,040
  communes > 80,000 villages, valid until 2025-06-30; the current tree, 34
  provinces > 3,321 communes > the same villages hung under the communes
  that succeed theirs, valid from 2025-07-01. Provinces stay 63 and 34 at any
  scale; the rest is scaled;
- succession edges (`geo_succession`, 2025-07-01): each legacy province into
  the current one of its group (63 -> 34: 11 alone, 17 pairs, 6 triples);
  each legacy commune into a current commune of that province (merge, or
  rename when alone), 2% of them split between two neighbours with area
  shares summing to 1 and one of them primary;
- periods 2016..2025 and the phases 2016-2020, 2021-2025, 2026-2030;
- data elements: 50 entered at village level and 200 at commune level (sums
  of stocks and flows, money, areas, labour days, yes/no counted, decimals
  weighted by population, numerator/denominator pairs), plus ratio
  elements computed from those pairs (never entered); one form per level;
- values (`collect_datavalue`): every entered element for every unit of the
  tree of its year: legacy units 2016-2024, current units 2025, about 59
  million values;
- an `ntm_commune` criteria set and one evaluation per commune (type xa)
  and year, met when the commune's NC_CRIT_MET value reaches 19.

The same --seed and --scale give the same rows.
"""

import argparse
import datetime
import io
import json
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import psycopg

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"

FIRST_YEAR, LAST_LEGACY_YEAR, CURRENT_YEAR = 2016, 2024, 2025
LEGACY_YEARS = list(range(FIRST_YEAR, LAST_LEGACY_YEAR + 1))
LEGACY_END = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)
PHASES = [(2016, 2020), (2021, 2025), (2026, 2030)]
# 63 legacy provinces into 34: 11 untouched, 17 pairs, 6 triples.
GROUP_SIZES = [1] * 11 + [2] * 17 + [3] * 6
REGIONS = ["tdmnpb", "dbsh", "btb", "dhntb", "tn", "dnb", "dbscl"]
SPLIT_SHARE = 0.02
CRITERIA_TOTAL = 19  # NC_CRIT_MET >= 19: the commune meets the set
SOURCE = "bench"

Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


# --- the catalog -----------------------------------------------------------


@dataclass(frozen=True)
class Element:
    code: str
    level: int  # 3 commune, 4 village
    value_type: str
    tree: str  # tree_aggregation
    time: str  # time_aggregation
    kind: str  # how values are made: stock, flow, money, ratio_den, ...
    numerator: str = ""
    denominator: str = ""

    @property
    def computed(self) -> bool:
        return bool(self.numerator and self.denominator)


def _elements(prefix: str, level: int, counts: dict[str, int]) -> list[Element]:
    """Entered elements of one level, then the ratios computed from pairs."""
    p = prefix
    out = [
        Element(f"{p}_HH", level, "integer", "sum", "last", "households"),
        Element(f"{p}_POP", level, "integer", "sum", "last", "population"),
    ]
    for i in range(1, counts["ratio"] + 1):
        out.append(Element(f"{p}_R{i:02d}_DEN", level, "integer", "sum", "last", "den"))
        out.append(Element(f"{p}_R{i:02d}_NUM", level, "integer", "sum", "last", "num"))
    out.extend(
        Element(f"{p}_B{i:02d}", level, "boolean", "count_true", "last", "bool")
        for i in range(1, counts["boolean"] + 1)
    )
    out.extend(
        Element(
            f"{p}_AVG{i:02d}",
            level,
            "decimal",
            "weighted_average",
            "last",
            "average",
            denominator=f"{p}_POP",
        )
        for i in range(1, counts["average"] + 1)
    )
    for name, value_type, time_agg, kind in (
        ("MONEY", "money_vnd", "sum", "money"),
        ("LABOUR", "labour_days", "sum", "flow"),
        ("LAND", "area_m2", "sum", "flow"),
        ("FOREST", "area_ha", "last", "hectares"),
        ("FLOW", "integer", "sum", "flow"),
        ("STOCK", "integer", "last", "stock"),
    ):
        out.extend(
            Element(f"{p}_{name}{i:03d}", level, value_type, "sum", time_agg, kind)
            for i in range(1, counts[name.lower()] + 1)
        )
    if level == 3:
        out.append(Element(f"{p}_CRIT_MET", level, "integer", "max", "last", "crit"))
    out.extend(
        Element(
            f"{p}_R{i:02d}_PCT",
            level,
            "percent",
            "weighted_average",
            "last",
            "computed",
            numerator=f"{p}_R{i:02d}_NUM",
            denominator=f"{p}_R{i:02d}_DEN",
        )
        for i in range(1, counts["ratio"] + 1)
    )
    return out


def catalog() -> list[Element]:
    commune = _elements(
        "NC",
        3,
        {
            "ratio": 10,
            "boolean": 10,
            "average": 5,
            "money": 30,
            "labour": 10,
            "land": 10,
            "forest": 15,
            "flow": 47,
            "stock": 50,
        },
    )
    village = _elements(
        "NV",
        4,
        {
            "ratio": 3,
            "boolean": 5,
            "average": 0,
            "money": 10,
            "labour": 5,
            "land": 0,
            "forest": 0,
            "flow": 0,
            "stock": 22,
        },
    )
    return commune + village


# --- the units -------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    legacy_provinces: int
    current_provinces: int
    districts: int
    legacy_communes: int
    current_communes: int
    villages: int

    @classmethod
    def at(cls, scale: float) -> "Sizes":
        districts = max(63, round(700 * scale))
        communes = max(districts, round(10_040 * scale))
        return cls(
            legacy_provinces=63,
            current_provinces=34,
            districts=districts,
            legacy_communes=communes,
            current_communes=min(communes, max(34, round(3_321 * scale))),
            villages=round(80_000 * scale),
        )


@dataclass
class World:
    """Every row but the values (made chunk by chunk, see `value_chunks`)."""

    scale: float
    seed: int
    sizes: Sizes
    units: pl.DataFrame
    edges: pl.DataFrame
    periods: pl.DataFrame
    elements: list[Element]
    element_ids: dict[str, int]
    legacy_communes: np.ndarray  # unit ids, ascending
    current_communes: np.ndarray
    legacy_villages: np.ndarray
    current_villages: np.ndarray
    # Legacy commune id -> its primary successor's id.
    successor_of: dict[int, int] = field(default_factory=dict)

    def period_id(self, year: int) -> int:
        return year - FIRST_YEAR + 1

    def entered(self, level: int) -> list[Element]:
        return [e for e in self.elements if e.level == level and not e.computed]

    @property
    def value_count(self) -> int:
        communes = len(self.entered(3)) * (
            len(self.legacy_communes) * len(LEGACY_YEARS) + len(self.current_communes)
        )
        villages = len(self.entered(4)) * (
            len(self.legacy_villages) * len(LEGACY_YEARS) + len(self.current_villages)
        )
        return communes + villages


def _spread(rng: np.random.Generator, total: int, parents: int) -> np.ndarray:
    """Children per parent: at least one each when there are enough, the
    rest drawn in proportion to uneven parent sizes."""
    base = 1 if total >= parents else 0
    weights = rng.lognormal(0.0, 0.5, parents)
    extra = rng.multinomial(total - base * parents, weights / weights.sum())
    return np.asarray(base + extra, dtype=np.int64)


def _chunk_split(count: int, parts: int) -> np.ndarray:
    """Index of the part each of `count` consecutive items falls in."""
    return np.repeat(
        np.arange(parts), [len(a) for a in np.array_split(range(count), parts)]
    )


def build_world(scale: float = 1.0, seed: int = 2025) -> World:
    rng = np.random.default_rng([seed, 1])
    sizes = Sizes.at(scale)
    n_lp, n_cp = sizes.legacy_provinces, sizes.current_provinces

    # Ids, in this order: legacy provinces, current provinces, districts,
    # legacy communes, current communes, legacy villages, current villages.
    lp_id = np.arange(1, n_lp + 1)
    cp_id = np.arange(n_lp + 1, n_lp + n_cp + 1)
    d_id = np.arange(cp_id[-1] + 1, cp_id[-1] + 1 + sizes.districts)
    lc_id = np.arange(d_id[-1] + 1, d_id[-1] + 1 + sizes.legacy_communes)
    cc_id = np.arange(lc_id[-1] + 1, lc_id[-1] + 1 + sizes.current_communes)
    lv_start = cc_id[-1] + 1

    # Legacy provinces into current ones.
    group_of_lp = np.repeat(np.arange(n_cp), GROUP_SIZES)
    rng.shuffle(group_of_lp)
    lp_region = rng.choice(REGIONS, n_lp)
    lp_lat = rng.uniform(8.7, 23.0, n_lp)
    lp_lon = rng.uniform(102.3, 109.2, n_lp)

    # Districts under legacy provinces, communes under districts (contiguous ids).
    districts_per_lp = _spread(rng, sizes.districts, n_lp)
    d_parent = np.repeat(lp_id, districts_per_lp)
    communes_per_d = _spread(rng, sizes.legacy_communes, sizes.districts)
    lc_parent = np.repeat(d_id, communes_per_d)
    lc_province = d_parent[lc_parent - d_id[0]]
    lc_group = group_of_lp[lc_province - 1]

    # Current communes per current province, in proportion to the legacy
    # communes of the group (at least one each).
    legacy_per_group = np.bincount(lc_group, minlength=n_cp)
    share = legacy_per_group / legacy_per_group.sum() * (sizes.current_communes - n_cp)
    current_per_group = 1 + np.floor(share).astype(np.int64)
    short = sizes.current_communes - current_per_group.sum()
    current_per_group[np.argsort(-(share - np.floor(share)))[:short]] += 1
    cc_parent = np.repeat(cp_id, current_per_group)
    first_cc_of_group = np.concatenate([[0], np.cumsum(current_per_group)[:-1]])

    # Each legacy commune goes whole to one current commune of its group's
    # province: the group's legacy communes in order, cut into as many runs.
    successor = np.empty(sizes.legacy_communes, dtype=np.int64)
    for g in range(n_cp):
        members = np.flatnonzero(lc_group == g)
        parts = min(int(current_per_group[g]), len(members))
        successor[members] = cc_id[
            first_cc_of_group[g] + _chunk_split(len(members), parts)
        ]
    run_size = np.bincount(successor - cc_id[0], minlength=sizes.current_communes)

    # 2% split between their successor and a neighbour of the same province.
    splittable = np.flatnonzero(current_per_group[lc_group] > 1)
    n_split = min(len(splittable), round(SPLIT_SHARE * sizes.legacy_communes))
    split = np.sort(rng.choice(splittable, n_split, replace=False))
    first = cc_id[first_cc_of_group[lc_group[split]]]
    last = first + current_per_group[lc_group[split]] - 1
    neighbour = np.where(
        successor[split] < last, successor[split] + 1, successor[split] - 1
    )
    kept = rng.uniform(0.2, 0.8, n_split)

    # Villages under legacy communes, and their twins under the successors.
    villages_per_lc = _spread(rng, sizes.villages, sizes.legacy_communes)
    lv_id = np.arange(lv_start, lv_start + sizes.villages)
    lv_parent = np.repeat(lc_id, villages_per_lc)
    # A split commune's villages go to its primary successor (the larger share).
    primary = successor.copy()
    primary[split] = np.where(kept >= 0.5, successor[split], neighbour)
    cv_parent_unsorted = primary[lv_parent - lc_id[0]]
    order = np.argsort(cv_parent_unsorted, kind="stable")
    cv_parent = cv_parent_unsorted[order]
    cv_twin_of = lv_id[order]
    cv_id = np.arange(
        lv_id[-1] + 1 if len(lv_id) else lv_start, lv_start + 2 * sizes.villages
    )

    units = _unit_frame(
        rng=rng,
        lp=(lp_id, lp_region, lp_lat, lp_lon),
        cp=(cp_id, group_of_lp, lp_id),
        districts=(d_id, d_parent),
        lc=(lc_id, lc_parent, lc_province),
        cc=(cc_id, cc_parent, run_size),
        lv=(lv_id, lv_parent),
        cv=(cv_id, cv_parent, cv_twin_of),
    )
    edges = _edge_frame(
        group_of_lp=group_of_lp,
        lp_id=lp_id,
        cp_id=cp_id,
        lc_id=lc_id,
        successor=successor,
        run_size=run_size,
        cc_first=int(cc_id[0]),
        split=split,
        neighbour=neighbour,
        kept=kept,
    )
    elements = catalog()
    return World(
        scale=scale,
        seed=seed,
        sizes=sizes,
        units=units,
        edges=edges,
        periods=_period_frame(),
        elements=elements,
        element_ids={e.code: i + 1 for i, e in enumerate(elements)},
        legacy_communes=lc_id,
        current_communes=cc_id,
        legacy_villages=lv_id,
        current_villages=cv_id,
        successor_of=dict(zip(lc_id.tolist(), primary.tolist(), strict=True)),
    )


def _unit_frame(
    *,
    rng: np.random.Generator,
    lp: tuple[np.ndarray, ...],
    cp: tuple[np.ndarray, ...],
    districts: tuple[np.ndarray, ...],
    lc: tuple[np.ndarray, ...],
    cc: tuple[np.ndarray, ...],
    lv: tuple[np.ndarray, ...],
    cv: tuple[np.ndarray, ...],
) -> pl.DataFrame:
    lp_id, lp_region, lp_lat, lp_lon = lp
    cp_id, group_of_lp, _ = cp
    d_id, d_parent = districts
    lc_id, lc_parent, lc_province = lc
    cc_id, cc_parent, run_size = cc
    lv_id, lv_parent = lv
    cv_id, cv_parent, cv_twin_of = cv
    n_lp, n_cp = len(lp_id), len(cp_id)

    # A current province takes the region and place of its first legacy one.
    first_lp_of_group = np.array(
        [np.flatnonzero(group_of_lp == g)[0] for g in range(n_cp)]
    )
    region = {int(i): str(r) for i, r in zip(lp_id, lp_region, strict=True)}
    region.update(
        {int(cp_id[g]): str(lp_region[first_lp_of_group[g]]) for g in range(n_cp)}
    )
    place = {
        int(i): (float(a), float(o))
        for i, a, o in zip(lp_id, lp_lat, lp_lon, strict=True)
    }
    place.update(
        {int(cp_id[g]): place[int(lp_id[first_lp_of_group[g]])] for g in range(n_cp)}
    )

    lc_type = rng.choice(["xa", "phuong", "thi_tran"], len(lc_id), p=[0.8, 0.15, 0.05])
    cc_type = np.where(rng.random(len(cc_id)) < 0.79, "xa", "phuong")
    cc_type[rng.random(len(cc_id)) < 0.004] = "dac_khu"
    d_type = rng.choice(
        ["huyen", "quan", "thi_xa", "thanh_pho"], len(d_id), p=[0.85, 0.07, 0.05, 0.03]
    )
    communes = np.concatenate([lc_id, cc_id])
    commune_province = np.concatenate([lc_province, cc_parent])
    commune_type = np.concatenate([lc_type, cc_type])
    n_communes = len(communes)
    lat = np.array([place[int(p)][0] for p in commune_province]) + rng.normal(
        0, 0.3, n_communes
    )
    lon = np.array([place[int(p)][1] for p in commune_province]) + rng.normal(
        0, 0.3, n_communes
    )
    # A current commune is about three legacy ones.
    size = np.concatenate([np.ones(len(lc_id)), np.maximum(run_size, 1)])
    area = rng.lognormal(3.3, 0.8, n_communes) * size
    households = (rng.lognormal(7.6, 0.5, n_communes) * size).astype(np.int64)

    frames = []

    def part(
        ids: np.ndarray,
        codes: list[str],
        names: list[str],
        keys: list[str],
        types: Any,
        level: int,
        parent: np.ndarray | None,
        valid_from: datetime.date | None,
        valid_to: datetime.date | None,
        **extra: Any,
    ) -> None:
        n = len(ids)
        columns: dict[str, Any] = {
            "id": ids.astype(np.int64),
            "code": codes,
            "name": names,
            "short_name": [""] * n,
            "name_key": keys,
            "type": types if not isinstance(types, str) else [types] * n,
            "level": np.full(n, level, dtype=np.int16),
            "parent_id": parent.astype(np.int64) if parent is not None else [None] * n,
            "valid_from": [valid_from] * n,
            "valid_to": [valid_to] * n,
            "region": extra.get("region", [""] * n),
            "area_class": extra.get("area_class", [""] * n),
            "commune_group": extra.get("commune_group", [None] * n),
            "latitude": extra.get("latitude", [None] * n),
            "longitude": extra.get("longitude", [None] * n),
            "area_km2": extra.get("area_km2", [None] * n),
            "households": extra.get("households", [None] * n),
            "population": extra.get("population", [None] * n),
        }
        frames.append(
            pl.DataFrame(
                columns,
                schema={
                    "id": pl.Int64,
                    "code": pl.String,
                    "name": pl.String,
                    "short_name": pl.String,
                    "name_key": pl.String,
                    "type": pl.String,
                    "level": pl.Int16,
                    "parent_id": pl.Int64,
                    "valid_from": pl.Date,
                    "valid_to": pl.Date,
                    "region": pl.String,
                    "area_class": pl.String,
                    "commune_group": pl.Int16,
                    "latitude": pl.Float64,
                    "longitude": pl.Float64,
                    "area_km2": pl.Float64,
                    "households": pl.Int32,
                    "population": pl.Int32,
                },
            )
        )

    def named(prefix: str, key: str, codes: list[str]) -> tuple[list[str], list[str]]:
        return [f"{prefix} {c}" for c in codes], [f"{key} {c}" for c in codes]

    codes = [f"{i:02d}" for i in range(1, n_lp + 1)]
    part(
        lp_id, codes, *named("Tỉnh Cũ", "tinh cu", codes), "tinh", 1, None, None,
        LEGACY_END, region=[region[int(i)] for i in lp_id],
        latitude=lp_lat, longitude=lp_lon,
    )  # fmt: skip
    codes = [f"{n_lp + i:02d}" for i in range(1, n_cp + 1)]
    part(
        cp_id, codes, *named("Tỉnh Mới", "tinh moi", codes), "tinh", 1, None, REFORM,
        None, region=[region[int(i)] for i in cp_id],
        latitude=[place[int(i)][0] for i in cp_id],
        longitude=[place[int(i)][1] for i in cp_id],
    )  # fmt: skip
    codes = [f"{i:03d}" for i in range(1, len(d_id) + 1)]
    part(
        d_id, codes, *named("Huyện Thử", "huyen thu", codes), d_type, 2, d_parent,
        None, LEGACY_END, region=[region[int(p)] for p in d_parent],
        area_class=np.where(d_type == "huyen", "rural", "urban"),
    )  # fmt: skip
    commune_region = [region[int(p)] for p in commune_province]
    area_class = np.where(commune_type == "phuong", "urban", "rural")
    area_class[commune_type == "thi_tran"] = "urban"
    for sl, prefix, key, first_code, parent, dates in (
        (slice(0, len(lc_id)), "Xã Cũ", "xa cu", 1, lc_parent, (None, LEGACY_END)),
        (
            slice(len(lc_id), n_communes),
            "Xã Mới",
            "xa moi",
            20_001,
            cc_parent,
            (REFORM, None),
        ),
    ):
        ids = communes[sl]
        codes = [f"{first_code + i:05d}" for i in range(len(ids))]
        part(
            ids, codes, *named(prefix, key, codes), commune_type[sl], 3, parent, *dates,
            region=commune_region[sl], area_class=area_class[sl],
            commune_group=(
                rng.integers(1, 4, len(ids)) if dates[0] == REFORM else [None] * len(ids)
            ),
            latitude=lat[sl], longitude=lon[sl], area_km2=np.round(area[sl], 2),
            households=households[sl], population=households[sl] * 4,
        )  # fmt: skip
    code_of = {int(c): f"{1 + i:05d}" for i, c in enumerate(lc_id)}
    code_of.update({int(c): f"{20_001 + i:05d}" for i, c in enumerate(cc_id)})
    type_of = dict(zip(communes.tolist(), commune_type.tolist(), strict=True))
    region_of = dict(zip(communes.tolist(), commune_region, strict=True))
    for ids, parent, prefix, key, dates in (
        (lv_id, lv_parent, "Thôn Cũ", "thon cu", (None, LEGACY_END)),
        (cv_id, cv_parent, "Thôn Mới", "thon moi", (REFORM, None)),
    ):
        # Codes: the commune's code and the village's rank in it.
        rank = np.arange(len(parent)) - np.searchsorted(parent, parent)
        codes = [
            f"{code_of[int(p)]}{r + 1:03d}" for p, r in zip(parent, rank, strict=True)
        ]
        types = ["thon" if type_of[int(p)] == "xa" else "to_dan_pho" for p in parent]
        part(
            ids, codes, *named(prefix, key, codes), types, 4, parent, *dates,
            region=[region_of[int(p)] for p in parent],
        )  # fmt: skip
    del cv_twin_of  # same order as the legacy villages they continue (unused)
    units = pl.concat(frames)
    return _with_paths(units)


def _with_paths(units: pl.DataFrame) -> pl.DataFrame:
    """Each unit's path, "/<pk>/<pk>/.../" from the root."""
    path: dict[int, str] = {}
    for uid, parent in zip(
        units["id"].to_list(), units["parent_id"].to_list(), strict=True
    ):
        path[uid] = (path[parent] if parent is not None else "/") + f"{uid}/"
    return units.with_columns(
        pl.Series("path", [path[u] for u in units["id"].to_list()])
    )


def _edge_frame(
    *,
    group_of_lp: np.ndarray,
    lp_id: np.ndarray,
    cp_id: np.ndarray,
    lc_id: np.ndarray,
    successor: np.ndarray,
    run_size: np.ndarray,
    cc_first: int,
    split: np.ndarray,
    neighbour: np.ndarray,
    kept: np.ndarray,
) -> pl.DataFrame:
    rows: list[tuple[int, int, str, float | None, bool]] = []
    for g in range(len(cp_id)):
        members = np.flatnonzero(group_of_lp == g)
        kind = "merge" if len(members) > 1 else "unchanged"
        rows.extend(
            (int(lp_id[m]), int(cp_id[g]), kind, None, i == 0)
            for i, m in enumerate(members)
        )
    split_at = {int(s): i for i, s in enumerate(split)}
    for i, (old, new) in enumerate(zip(lc_id, successor, strict=True)):
        s = split_at.get(i)
        if s is None:
            kind = "merge" if run_size[new - cc_first] > 1 else "rename"
            rows.append((int(old), int(new), kind, None, True))
        else:
            share = float(round(kept[s], 4))
            rows.append((int(old), int(new), "split", share, share >= 0.5))
            rows.append(
                (int(old), int(neighbour[s]), "split", round(1 - share, 4), share < 0.5)
            )
    return pl.DataFrame(
        rows,
        schema={
            "predecessor_id": pl.Int64,
            "successor_id": pl.Int64,
            "kind": pl.String,
            "area_share": pl.Float64,
            "is_primary": pl.Boolean,
        },
        orient="row",
    ).with_columns(id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))


def _period_frame() -> pl.DataFrame:
    rows = [
        (str(y), "year", datetime.date(y, 1, 1), datetime.date(y, 12, 31))
        for y in range(FIRST_YEAR, CURRENT_YEAR + 1)
    ]
    rows += [
        (f"{a}-{b}", "phase", datetime.date(a, 1, 1), datetime.date(b, 12, 31))
        for a, b in PHASES
    ]
    return pl.DataFrame(
        rows,
        schema={"code": pl.String, "kind": pl.String, "start": pl.Date, "end": pl.Date},
        orient="row",
    ).with_columns(id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))


# --- the values --------------------------------------------------------------


@dataclass
class Chunk:
    """Values in key order (unit, period, element): arrays of one length."""

    unit_id: np.ndarray
    period_id: np.ndarray
    element_id: np.ndarray
    value: np.ndarray

    def __len__(self) -> int:
        return len(self.value)


class _Columns:
    """Per element of a level: how its values are drawn."""

    def __init__(self, world: World, level: int, per_unit: float) -> None:
        rng = np.random.default_rng([world.seed, 2, level])
        elements = world.entered(level)
        self.ids = np.array([world.element_ids[e.code] for e in elements])
        self.kinds = np.array([e.kind for e in elements])
        n = len(elements)
        magnitude = {
            "households": 2_500.0,
            "population": 9_500.0,
            "den": 2_000.0,
            "money": 10**8.5,
            "flow": 800.0,
            "stock": 300.0,
            "hectares": 400.0,
        }
        self.scale = np.array(
            [magnitude.get(k, 1.0) for k in self.kinds]
        ) * rng.lognormal(0.0, 0.6, n)
        self.scale[np.isin(self.kinds, ["households", "population"])] = [
            magnitude[k] for k in self.kinds if k in ("households", "population")
        ]
        self.scale *= per_unit
        self.growth = rng.uniform(-0.01, 0.07, n)
        self.noise = np.where(np.isin(self.kinds, ["money", "flow"]), 0.12, 0.02)
        self.whole = np.isin(
            self.kinds,
            ["households", "population", "den", "num", "money", "flow", "stock"],
        )
        self.num = np.flatnonzero(self.kinds == "num")
        self.den = self.num - 1  # each pair is entered denominator first
        self.boolean = np.flatnonzero(self.kinds == "bool")
        self.average = np.flatnonzero(self.kinds == "average")
        self.crit = np.flatnonzero(self.kinds == "crit")
        self.money = np.flatnonzero(self.kinds == "money")
        self.hectares = np.flatnonzero(self.kinds == "hectares")


def _values(
    rng: np.random.Generator, cols: _Columns, units: int, years: list[int]
) -> np.ndarray:
    """Values of shape (units, years, elements)."""
    n = len(cols.ids)
    t = np.asarray(years, dtype=np.float64) - FIRST_YEAR
    base = cols.scale * rng.lognormal(0.0, 0.5, (units, n))
    trend = (1.0 + cols.growth)[None, :] ** t[:, None]  # (years, elements)
    noise = rng.lognormal(0.0, 1.0, (units, len(years), n)) ** cols.noise
    v = base[:, None, :] * trend[None, :, :] * noise
    # Numerators: a rising share of their denominator (the column before).
    share = np.clip(
        rng.uniform(0.3, 0.95, (units, 1, len(cols.num))) + 0.02 * t[None, :, None],
        0,
        1,
    )
    v[:, :, cols.num] = v[:, :, cols.den] * share
    v[:, :, cols.boolean] = (
        rng.random((units, len(years), len(cols.boolean)))
        < np.clip(0.4 + 0.04 * t, 0, 0.95)[None, :, None]
    )
    # Averages (income per person, million VND): 25-90 rising 6% a year.
    v[:, :, cols.average] = np.round(
        rng.uniform(25, 90, (units, 1, len(cols.average))) * 1.06 ** t[None, :, None], 1
    )
    if len(cols.crit):
        start = rng.uniform(5, 18, (units, 1))
        pace = rng.uniform(0.2, 1.8, (units, 1))
        v[:, :, cols.crit[0]] = np.minimum(CRITERIA_TOTAL, np.floor(start + pace * t))
    v[:, :, cols.whole] = np.round(v[:, :, cols.whole])
    v[:, :, cols.money] = np.round(v[:, :, cols.money], -3)
    v[:, :, cols.hectares] = np.round(v[:, :, cols.hectares], 2)
    return v


def value_chunks(world: World, rows_per_chunk: int = 2_000_000) -> Iterator[Chunk]:
    """Every value, in key order: legacy communes, current communes, legacy
    villages, current villages (their ids ascend in that order)."""
    groups = [
        (world.legacy_communes, 3, LEGACY_YEARS, 1.0),
        (world.current_communes, 3, [CURRENT_YEAR], 3.0),
        (world.legacy_villages, 4, LEGACY_YEARS, 1.0 / 8),
        (world.current_villages, 4, [CURRENT_YEAR], 1.0 / 8),
    ]
    for tag, (ids, level, years, per_unit) in enumerate(groups):
        cols = _Columns(world, level, per_unit)
        n_el = len(cols.ids)
        step = max(1, rows_per_chunk // (n_el * len(years)))
        periods = np.array([world.period_id(y) for y in years])
        for c, start in enumerate(range(0, len(ids), step)):
            unit_ids = ids[start : start + step]
            rng = np.random.default_rng([world.seed, 3, tag, c])
            v = _values(rng, cols, len(unit_ids), years)
            n = len(unit_ids)
            yield Chunk(
                unit_id=np.repeat(unit_ids, len(years) * n_el),
                period_id=np.tile(np.repeat(periods, n_el), n),
                element_id=np.tile(cols.ids, n * len(years)),
                value=v.reshape(-1),
            )


# --- writing -----------------------------------------------------------------

_PG_EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
_VALUE_COLUMNS = (
    "id, data_element_id, unit_id, period_id, value, text_value, comment, "
    "updated_at, updated_by_id, channel"
)
_BINARY = np.dtype(
    [
        ("fields", ">i2"),
        ("id_len", ">i4"),
        ("id", ">i8"),
        ("element_len", ">i4"),
        ("element", ">i8"),
        ("unit_len", ">i4"),
        ("unit", ">i8"),
        ("period_len", ">i4"),
        ("period", ">i8"),
        ("value_len", ">i4"),
        ("value", ">f8"),
        ("text_len", ">i4"),
        ("comment_len", ">i4"),
        ("at_len", ">i4"),
        ("at", ">i8"),
        ("by_len", ">i4"),
        ("channel_len", ">i4"),
        ("channel", "S6"),
    ]
)
_BINARY_HEADER = (
    b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
)
_BINARY_TRAILER = (-1).to_bytes(2, "big", signed=True)


def _updated_at(period_id: np.ndarray) -> np.ndarray:
    """Entered on 15 January after the year (microseconds since 2000, UTC)."""
    at = [
        (datetime.datetime(y + 1, 1, 15, 1, tzinfo=datetime.UTC) - _PG_EPOCH)
        // datetime.timedelta(microseconds=1)
        for y in range(FIRST_YEAR - 1, CURRENT_YEAR + 1)
    ]
    result: np.ndarray = np.asarray(at, dtype=np.int64)[period_id]
    return result


def binary_rows(chunk: Chunk, first_id: int) -> bytes:
    rows = np.empty(len(chunk), dtype=_BINARY)
    rows["fields"] = 10
    for name, size in (
        ("id", 8),
        ("element", 8),
        ("unit", 8),
        ("period", 8),
        ("value", 8),
        ("at", 8),
    ):
        rows[f"{name}_len"] = size
    rows["id"] = np.arange(first_id, first_id + len(chunk))
    rows["element"] = chunk.element_id
    rows["unit"] = chunk.unit_id
    rows["period"] = chunk.period_id
    rows["value"] = chunk.value
    rows["text_len"] = 0
    rows["comment_len"] = 0
    rows["at"] = _updated_at(chunk.period_id)
    rows["by_len"] = -1
    rows["channel_len"] = 6
    rows["channel"] = b"import"
    return rows.tobytes()


def text_rows(chunk: Chunk, first_id: int) -> bytes:
    year = chunk.period_id + FIRST_YEAR - 1
    frame = pl.DataFrame(
        {
            "id": np.arange(first_id, first_id + len(chunk)),
            "element": chunk.element_id,
            "unit": chunk.unit_id,
            "period": chunk.period_id,
            "value": chunk.value,
            "year": year + 1,
        }
    ).select(
        "id",
        "element",
        "unit",
        "period",
        "value",
        text_value=pl.lit(""),
        comment=pl.lit(""),
        updated_at=pl.col("year").cast(pl.String) + "-01-15 01:00:00+00",
        updated_by=pl.lit(None, dtype=pl.Int64),
        channel=pl.lit("import"),
    )
    out = io.BytesIO()
    frame.write_csv(
        out, include_header=False, separator="\t", null_value="\\N", quote_style="never"
    )
    return out.getvalue()


@dataclass
class LoadReport:
    seconds: dict[str, float] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def _copy_frame(cur: psycopg.Cursor[Any], table: str, frame: pl.DataFrame) -> None:
    columns = ", ".join(f'"{c}"' for c in frame.columns)
    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in frame.iter_rows():
            copy.write_row(row)


def load(
    conninfo: str,
    world: World,
    *,
    fmt: str = "binary",
    say: Progress = _quiet,
) -> LoadReport:
    """Write every row of `world` into the migrated, empty database."""
    report = LoadReport()
    now = datetime.datetime(2025, 12, 31, 12, tzinfo=datetime.UTC)
    with psycopg.connect(conninfo, autocommit=False) as conn, conn.cursor() as cur:
        started = time.perf_counter()
        units = world.units.select(
            "id", "code", "name", "short_name", "name_key", "type", "level", "path",
            "valid_from", "valid_to", "region", "area_class", "commune_group",
            "latitude", "longitude", "area_km2", "households", "population",
            pl.lit(False).alias("is_sample"), pl.lit(SOURCE).alias("source"),
            "parent_id",
        )  # fmt: skip
        _copy_frame(cur, "geo_unit", units)
        edges = world.edges.select(
            "id",
            "kind",
            pl.lit(REFORM).alias("effective_date"),
            "area_share",
            "is_primary",
            pl.lit(SOURCE).alias("source"),
            "predecessor_id",
            "successor_id",
        )
        _copy_frame(cur, "geo_succession", edges)
        _copy_frame(cur, "catalog_period", world.periods)
        _write_catalog(cur, world, now)
        conn.commit()
        report.seconds["units, edges, periods, catalog"] = time.perf_counter() - started
        report.rows["units"] = world.units.height
        report.rows["succession edges"] = world.edges.height
        say(
            f"  {world.units.height:,} units, {world.edges.height:,} edges, "
            f"{len(world.elements)} elements in {report.seconds['units, edges, periods, catalog']:.1f} s"
        )

        started = time.perf_counter()
        written, crit = _write_values(cur, world, fmt, say)
        conn.commit()
        report.seconds[f"values (COPY {fmt})"] = time.perf_counter() - started
        report.rows["values"] = written

        started = time.perf_counter()
        evaluations = _write_evaluations(cur, world, crit, now)
        for table in (
            "geo_unit",
            "geo_succession",
            "catalog_period",
            "catalog_dataelement",
            "catalog_dataset",
            "catalog_datasetelement",
            "catalog_criteriaset",
            "catalog_criterion",
            "catalog_indicator",
            "catalog_threshold",
            "criteria_evaluation",
            "collect_datavalue",
        ):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our table names
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        conn.commit()
        report.seconds["evaluations"] = time.perf_counter() - started
        report.rows["evaluations"] = evaluations

    # Outside a transaction: VACUUM sets the hint bits and the visibility map
    # now, so that the first reader does not pay for rewriting every page.
    started = time.perf_counter()
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE) collect_datavalue")
        conn.execute("ANALYZE")
    report.seconds["vacuum, analyze"] = time.perf_counter() - started
    return report


def _write_catalog(
    cur: psycopg.Cursor[Any], world: World, now: datetime.datetime
) -> None:
    ids = world.element_ids
    rows = [
        (
            ids[e.code], now, now, e.code,
            f"Chỉ tiêu thử {e.code}", f"Benchmark element {e.code}", "", "",
            e.value_type, "%" if e.value_type == "percent" else "", e.level,
            e.tree, e.time,
            0.0 if e.value_type in ("percent", "boolean") else None,
            100.0 if e.value_type == "percent" else (1.0 if e.value_type == "boolean" else None),
            "", "", True,
            ids[e.denominator] if e.denominator else None,
            ids[e.numerator] if e.numerator else None, "",
        )
        for e in world.elements
    ]  # fmt: skip
    columns = (
        "id, created_at, updated_at, code, name_vi, name_en, short_name_vi, "
        "description, value_type, measure, level, tree_aggregation, time_aggregation, "
        "min_value, max_value, dhis2_uid, source_note, is_active, denominator_id, "
        "numerator_id, registry"
    )
    with cur.copy(f"COPY catalog_dataelement ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    member_id = 0
    for set_id, (level, code, name) in enumerate(
        ((3, "NC_FORM", "Biểu thử cấp xã"), (4, "NV_FORM", "Biểu thử cấp thôn")),
        start=1,
    ):
        cur.execute(
            "INSERT INTO catalog_dataset (id, created_at, updated_at, code, name_vi, "
            "name_en, description, level, period_kind, dhis2_uid, version, is_active) "
            "VALUES (%s, %s, %s, %s, %s, %s, '', %s, 'year', '', 1, true)",
            (set_id, now, now, code, name, f"Benchmark form, level {level}", level),
        )
        with cur.copy(
            'COPY catalog_datasetelement (id, section_vi, section_en, "order", '
            "is_required, data_element_id, data_set_id) FROM STDIN"
        ) as copy:
            for order, e in enumerate(world.entered(level)):
                member_id += 1
                copy.write_row((member_id, "", "", order, False, ids[e.code], set_id))
    cur.execute(
        "INSERT INTO catalog_criteriaset (id, created_at, updated_at, code, version, "
        "kind, name_vi, name_en, level, unit_types, threshold_key, valid_from, "
        "valid_to, at_least, province, extends, recognition_element, legal_basis, "
        "notes_vi, notes_en, undefined, source_file, source_text, is_active) VALUES "
        "(1, %s, %s, 'BENCH_NTM_COMMUNE', 1, 'ntm_commune', 'Bộ tiêu chí thử xã nông "
        "thôn mới', 'Benchmark new-rural commune set', 3, '[\"xa\"]', 'none', "
        "'2016-01-01', NULL, NULL, '', '', '', '[]', '', '', '[]', '', '', true)",
        (now, now),
    )
    write_criteria_definition(cur, set_id=1)


def write_criteria_definition(cur: psycopg.Cursor[Any], *, set_id: int) -> None:
    """One criterion, one indicator: NC_CRIT_MET >= 19 (the evaluations'
    rule), so that the set can be judged again on merged figures."""
    cur.execute(
        'INSERT INTO catalog_criterion (id, code, "order", name_vi, name_en, '
        "group_vi, at_least, criteria_set_id) VALUES (%s, '1', 1, 'Tiêu chí thử', "
        "'Benchmark criterion', '', NULL, %s)",
        (set_id, set_id),
    )
    cur.execute(
        'INSERT INTO catalog_indicator (id, code, "order", name_vi, name_en, '
        "measure, at_least, conditions, source, verified, undefined_vi, "
        "undefined_en, criterion_id) VALUES (%s, '1.1', 1, 'Số tiêu chí đạt', "
        "'Criteria met', 'tiêu chí', NULL, %s, '{}', false, '', '', %s)",
        (
            set_id,
            json.dumps([{"value": {"element": "NC_CRIT_MET"}, "comparator": ">="}]),
            set_id,
        ),
    )
    cur.execute(
        "INSERT INTO catalog_threshold (id, condition, key, year, value, verified, "
        "document, appendix, row, url, note, edited_at, edited_by_id, indicator_id) "
        "VALUES (%s, 0, '', NULL, %s, false, '', '', '', '', '', NULL, NULL, %s)",
        (set_id, float(CRITERIA_TOTAL), set_id),
    )


def _write_values(
    cur: psycopg.Cursor[Any], world: World, fmt: str, say: Progress
) -> tuple[int, list[pl.DataFrame]]:
    """COPY every value; returns the count and the NC_CRIT_MET values of communes."""
    crit_id = world.element_ids["NC_CRIT_MET"]
    crit: list[pl.DataFrame] = []
    written = 0
    total = world.value_count
    started = time.perf_counter()
    shown = started
    options = "(FORMAT BINARY)" if fmt == "binary" else ""
    with cur.copy(
        f"COPY collect_datavalue ({_VALUE_COLUMNS}) FROM STDIN {options}"
    ) as copy:
        if fmt == "binary":
            copy.write(_BINARY_HEADER)
        for chunk in value_chunks(world):
            if fmt == "binary":
                copy.write(binary_rows(chunk, written + 1))
            else:
                copy.write(text_rows(chunk, written + 1))
            picked = chunk.element_id == crit_id
            if picked.any():
                crit.append(
                    pl.DataFrame(
                        {
                            "unit_id": chunk.unit_id[picked],
                            "period_id": chunk.period_id[picked],
                            "value": chunk.value[picked],
                        }
                    )
                )
            written += len(chunk)
            if time.perf_counter() - shown > 10:
                shown = time.perf_counter()
                rate = written / (shown - started)
                say(
                    f"  values: {written:,} of {total:,} ({rate:,.0f}/s, "
                    f"{(total - written) / rate:.0f} s to go)"
                )
        if fmt == "binary":
            copy.write(_BINARY_TRAILER)
    return written, crit


def _write_evaluations(
    cur: psycopg.Cursor[Any],
    world: World,
    crit: list[pl.DataFrame],
    now: datetime.datetime,
) -> int:
    rural = world.units.filter(pl.col("level") == 3, pl.col("type") == "xa").select(
        unit_id="id"
    )
    frame = (
        pl.concat(crit)
        .join(rural, on="unit_id")
        .sort("unit_id", "period_id")
        .select(
            id=pl.int_range(1, pl.len() + 1, dtype=pl.Int64),
            year=(pl.col("period_id") + FIRST_YEAR - 1).cast(pl.Int16),
            status=pl.when(pl.col("value") >= CRITERIA_TOTAL)
            .then(pl.lit("met"))
            .otherwise(pl.lit("not_met")),
            criteria_met=pl.col("value").cast(pl.Int16),
            criteria_not_met=(CRITERIA_TOTAL - pl.col("value")).cast(pl.Int16),
            criteria_no_data=pl.lit(0, dtype=pl.Int16),
            criteria_total=pl.lit(CRITERIA_TOTAL, dtype=pl.Int16),
            gap_score=(CRITERIA_TOTAL - pl.col("value")).cast(pl.Float64),
            unverified=pl.lit(False),
            criteria=pl.lit("{}"),
            indicators=pl.lit("[]"),
            set_version=pl.lit(1),
            computed_at=pl.lit(now),
            criteria_set_id=pl.lit(1, dtype=pl.Int64),
            unit_id="unit_id",
        )
    )
    _copy_frame(cur, "criteria_evaluation", frame)
    return frame.height


# --- databases ---------------------------------------------------------------


def url(db: str) -> str:
    return f"{PG}/{db}"


def create_database(db: str) -> None:
    with psycopg.connect(url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')


def drop_database(db: str) -> None:
    with psycopg.connect(url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


def migrate(db: str, data_dir: Path) -> None:
    env = {**os.environ, "DATABASE_URL": url(db), "VANDONG_DATA_DIR": str(data_dir)}
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "vandong"), "migrate", "-v0"],
        env=env,
        cwd=ROOT,
        check=True,
    )


def make(
    db: str, data_dir: Path, *, scale: float, seed: int, fmt: str, say: Progress
) -> tuple[World, LoadReport]:
    """Migrate `db` (created by the caller), generate and load it."""
    started = time.perf_counter()
    migrate(db, data_dir)
    say(f"  migrated in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    world = build_world(scale, seed)
    say(
        f"  world planned in {time.perf_counter() - started:.1f} s: "
        f"{world.value_count:,} values to write"
    )
    report = load(url(db), world, fmt=fmt, say=say)
    return world, report


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--format", choices=["binary", "csv"], default="binary")
    parser.add_argument("--db", help="an existing empty database to fill (kept)")
    parser.add_argument("--keep", action="store_true", help="keep the database made")
    args = parser.parse_args()
    db = args.db or f"vandong_bench_{os.getpid()}"
    if not args.db:
        create_database(db)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            _, report = make(
                db,
                Path(tmp),
                scale=args.scale,
                seed=args.seed,
                fmt=args.format,
                say=lambda s: print(s, flush=True),
            )
        for name, rows in report.rows.items():
            print(f"{name:<20} {rows:>12,}")
        for name, seconds in report.seconds.items():
            rate = ""
            if name.startswith("values"):
                rate = f"  ({report.rows['values'] / seconds:,.0f} values/s)"
            print(f"{name:<32} {seconds:8.1f} s{rate}")
    finally:
        if args.db or args.keep:
            print(f"database kept: {url(db)}")
        else:
            drop_database(db)


if __name__ == "__main__":
    main()
