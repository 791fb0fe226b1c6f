"""Statuses of the current units in the years before the reform, judged
again on their merged figures (DESIGN.md: "statuses are re-evaluated on the
merged figures, not inherited").

A current commune made of three legacy communes did not exist in 2020; the
question "did it meet the new-rural standard then?" is answered by judging
the criteria set of that year on the sum of its parts' figures (ratios from
summed parts), with the villages of all its parts as its villages.
"""

import polars as pl

from vandong.analytics import extract
from vandong.analytics.engine import FACT_SCHEMA
from vandong.analytics.measures import Registry
from vandong.catalog.criteria.spec import CriteriaSetSpec


def commune_specs() -> list[CriteriaSetSpec]:
    """The active commune-level criteria sets that have something to judge
    (a set being written is left out)."""
    from vandong.catalog.criteria.store import spec_cached
    from vandong.criteria.services import active_sets

    specs = [spec_cached(s) for s in active_sets() if s.level == 3]
    return [s for s in specs if s.indicators]


def re_evaluated(
    carried: pl.DataFrame,
    facts: pl.DataFrame,
    units: pl.DataFrame,
    registry: Registry,
    years: list[int],
    edges: pl.DataFrame,
    specs: list[CriteriaSetSpec] | None = None,
) -> pl.DataFrame:
    """`met:<kind>` and `evaluated:<kind>` facts of the current communes in
    `years`, from the commune-level sets (`specs`, read from the database
    when not given). `carried`: the legacy figures carried onto the current
    units; `facts`: the legacy villages' own; `edges`: the succession edges
    (`extract.successions`)."""
    from vandong.criteria import engine

    if specs is None:
        specs = commune_specs()
    if not years or not specs or carried.is_empty():
        return pl.DataFrame(schema=FACT_SCHEMA)
    # Only the figures the sets read, of the communes carried here.
    needed = {registry.id_of(code) for s in specs for code in s.elements}
    ids = [i for i in needed if i is not None]
    wanted = pl.col("year").is_in(years) & pl.col("measure").is_in(ids)
    carried = carried.filter(wanted)
    facts = facts.filter(wanted)
    primary = (
        edges.sort("share", descending=True)
        .unique("unit", keep="first")
        .select(pl.col("unit").alias("parent"), pl.col("successor"))
    )
    communes = units.filter(
        pl.col("current")
        & (pl.col("level") == 3)
        & pl.col("unit").is_in(carried["unit"].unique().to_list())
    )
    villages = (
        units.filter(~pl.col("current") & (pl.col("level") == 4))
        .join(primary, on="parent", how="inner")
        .with_columns(pl.col("successor").alias("parent"))
    )
    frame = pl.concat(
        [
            communes.select(_unit_columns()),
            villages.select(_unit_columns()),
        ]
    )
    codes = registry.code_of()
    values = (
        pl.concat(
            [
                carried,
                facts.filter(pl.col("unit").is_in(villages["unit"].to_list())),
            ],
            how="diagonal_relaxed",
        )
        .select(
            pl.col("unit").cast(pl.Int64).alias("unit_id"),
            pl.col("year").cast(pl.Int32),
            pl.col("measure")
            .replace_strict(codes, default=None, return_dtype=pl.Utf8)
            .alias("element"),
            pl.col("value").cast(pl.Float64),
        )
        .drop_nulls("element")
    )
    province_codes = dict(
        units.filter(pl.col("level") == 1).select("unit", "code").iter_rows()
    )
    judged = []
    for spec in specs:
        set_years = [y for y in years if spec.applies_in(y)]
        if not set_years:
            continue
        scope = frame
        if spec.province:
            roots = [u for u, c in province_codes.items() if c == spec.province]
            scope = frame.filter(pl.col("root").is_in(roots))
        mine = values.filter(pl.col("element").is_in(list(spec.elements)))
        result = engine.evaluate(spec, mine, scope, set_years)
        judged.append(
            result.overall.select(
                "unit_id",
                "year",
                "status",
                pl.lit(spec.kind).alias("kind"),
                pl.lit(bool(spec.province)).alias("layer"),
            )
        )
    if not judged:
        return pl.DataFrame(schema=FACT_SCHEMA)
    verdicts = (
        pl.concat(judged)
        .sort("layer", descending=True)
        .unique(["unit_id", "kind", "year"], keep="first")
        .rename({"unit_id": "unit"})
    )
    return extract.verdict_facts(verdicts, registry)


def _unit_columns() -> list[pl.Expr]:
    return [
        pl.col("unit").cast(pl.Int64).alias("unit_id"),
        pl.col("parent").cast(pl.Int64).alias("parent_id"),
        pl.col("level"),
        pl.col("type").alias("unit_type"),
        pl.col("region"),
        pl.col("commune_group"),
        pl.lit(None, pl.Int32).alias("first_year"),
        pl.lit(None, pl.Int32).alias("last_year"),
        pl.col("root"),
    ]
