"""Reading the facts analytics rolls up out of the operational database:
data values, and the units, evaluations and recognitions counted."""

import datetime
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import polars as pl
from django.db import connection

from vandong.analytics.engine import FACT_SCHEMA
from vandong.analytics.measures import Registry, derived_code
from vandong.catalog.models import Period, PeriodKind
from vandong.geo.models import REFORM_DATE

UNIT_FRAME = {
    "unit": pl.Int32,
    "parent": pl.Int32,
    "level": pl.Int8,
    "type": pl.Utf8,
    "root": pl.Int32,
    "first_year": pl.Int32,
    "last_year": pl.Int32,
    "current": pl.Boolean,
    "code": pl.Utf8,
    "region": pl.Utf8,
    "commune_group": pl.Utf8,
}


def _first_year(day: datetime.date | None) -> int | None:
    return day.year if day is not None else None


def _last_year(day: datetime.date | None) -> int | None:
    """A year's figures belong to the units of its last day."""
    if day is None:
        return None
    return day.year if (day.month, day.day) == (12, 31) else day.year - 1


def units() -> pl.DataFrame:
    """Every unit of both trees: its parent, level, type, the province its
    path starts from (its partition in the store), the first and last year
    it is counted in, and whether it belongs to the current tree."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, parent_id, level, type, path, valid_from, valid_to, code, "
            "region, commune_group FROM geo_unit"
        )
        rows = cursor.fetchall()
    reform = REFORM_DATE
    return pl.DataFrame(
        [
            (
                pk,
                parent,
                level,
                kind,
                int(path.strip("/").split("/")[0]),
                _first_year(_date(start)),
                _last_year(_date(end)),
                end is None or (_date(end) or reform) >= reform,
                code,
                region or None,
                str(group) if group else None,
            )
            for pk, parent, level, kind, path, start, end, code, region, group in rows
        ],
        schema=UNIT_FRAME,
        orient="row",
    )


def _date(value: object) -> datetime.date | None:
    # SQLite hands dates back as text through a raw cursor.
    if value is None or isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def _year_of(value: object) -> int | None:
    day = _date(value)
    return day.year if day else None


def year_periods() -> dict[int, int]:
    return dict(
        Period.objects.filter(kind=PeriodKind.YEAR).values_list("pk", "start__year")
    )


@dataclass(frozen=True)
class Scope:
    """Which facts to read: all, or those of units under some provinces
    (by root id) in some years."""

    roots: Sequence[int] | None = None
    years: Sequence[int] | None = None


def data_values(registry: Registry, scope: Scope) -> pl.DataFrame:
    """Numeric data values as facts."""
    periods = year_periods()
    if scope.years is not None:
        periods = {pk: y for pk, y in periods.items() if y in set(scope.years)}
    if not periods:
        return pl.DataFrame(schema=FACT_SCHEMA)
    # Only integers are ever spliced into these queries (see _ints).
    select = "SELECT data_element_id, unit_id, period_id, value FROM collect_datavalue"
    sql = f"{select} WHERE value IS NOT NULL AND period_id IN ({_ints(periods)})"
    if scope.roots is not None:
        sql += f" AND unit_id IN ({_units_under(scope.roots)})"
    raw = _read(
        sql,
        ["measure", "unit", "period", "value"],
        table="collect_datavalue" if scope.roots is None else None,
    )
    numeric = [e.id for e in registry.elements.values()]
    return raw.filter(pl.col("measure").is_in(numeric)).select(
        pl.col("measure").cast(pl.Int32),
        pl.col("unit").cast(pl.Int32),
        pl.col("period").replace_strict(periods, return_dtype=pl.Int32).alias("year"),
        pl.col("value").cast(pl.Float64),
    )


def _units_under(roots: Sequence[int]) -> str:
    likes = " OR ".join(f"path LIKE '/{int(r)}/%'" for r in roots) or "1=0"
    return f"SELECT id FROM geo_unit WHERE {likes}"  # noqa: S608


def _ints(values: object) -> str:
    return ",".join(str(int(v)) for v in values) or "NULL"  # type: ignore[attr-defined]


def _read(sql: str, names: list[str], *, table: str | None = None) -> pl.DataFrame:
    """A query's rows as a frame: through ADBC (Arrow, no Python objects per
    row) on PostgreSQL, through the Django cursor elsewhere. With `table`
    (the query's only table), a large read is split by page ranges between
    parallel connections, one server process each."""
    # ADBC reads on a connection of its own: only when this one has nothing
    # uncommitted it would not see.
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        fast = _read_adbc_parallel(sql, names, table) if table else None
        if fast is None:
            fast = _read_adbc(sql, names)
        if fast is not None:
            return fast
    with connection.cursor() as cursor:
        cursor.execute(sql)
        chunks = []
        while rows := cursor.fetchmany(200_000):
            chunks.append(pl.DataFrame(rows, schema=names, orient="row"))
    if not chunks:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.Float64))
    return pl.concat(chunks, how="vertical_relaxed")


# Above this many pages (8 KiB each) a read is split between connections.
PARALLEL_PAGES = 20_000
READERS = max(2, min(4, os.cpu_count() or 2))


def _read_adbc_parallel(sql: str, names: list[str], table: str) -> pl.DataFrame | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int",
            [table],
        )
        pages = int(cursor.fetchone()[0])
    if pages < PARALLEL_PAGES:
        return None
    step = pages // READERS + 1
    # Each reader scans its own range of the table's pages (a TID range scan).
    parts = [
        f"{sql} AND ctid >= '({a},0)'::tid AND ctid < '({a + step},0)'::tid"
        for a in range(0, pages, step)
    ]
    with ThreadPoolExecutor(max_workers=len(parts)) as pool:
        frames = list(pool.map(lambda part: _read_adbc(part, names), parts))
    if any(f is None for f in frames):
        return None
    return pl.concat([f for f in frames if f is not None])


_LOCAL = threading.local()


def _read_adbc(sql: str, names: list[str]) -> pl.DataFrame | None:
    try:
        import adbc_driver_postgresql.dbapi as adbc
    except ImportError:  # pragma: no cover - installed with vandong
        return None
    settings = connection.settings_dict
    uri = (
        f"postgresql://{settings['USER']}:{settings.get('PASSWORD') or ''}@"
        f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}/"
        f"{settings['NAME']}"
    )
    # One connection per thread, kept: opening one costs a tenth of a second,
    # the time of a whole refresh's read. Autocommit: no idle transaction.
    cached = getattr(_LOCAL, "adbc", None)
    if cached is None or cached[0] != uri:
        if cached is not None:
            cached[1].close()
        cached = (uri, adbc.connect(uri, autocommit=True))
        _LOCAL.adbc = cached
    try:
        with cached[1].cursor() as cursor:
            cursor.execute(sql)
            table = cursor.fetch_arrow_table()
    except Exception:
        # A connection the server dropped: once more on a new one.
        cached[1].close()
        _LOCAL.adbc = None
        with adbc.connect(uri, autocommit=True) as conn, conn.cursor() as cursor:
            cursor.execute(sql)
            table = cursor.fetch_arrow_table()
    frame = pl.DataFrame(pl.from_arrow(table))
    return frame.rename(dict(zip(frame.columns, names, strict=True)))


def evaluations(registry: Registry, scope: Scope) -> pl.DataFrame:
    """`met:<kind>` (1 or 0) and `evaluated:<kind>` (1) per unit and year.
    Where a province layer and its national set both judged a unit, the
    layer's verdict counts."""
    sql = (
        "SELECT e.unit_id, s.kind, e.year, e.status, s.province FROM criteria_evaluation e "
        "JOIN catalog_criteriaset s ON s.id = e.criteria_set_id"
    )
    conditions = []
    if scope.years is not None:
        conditions.append(f"e.year IN ({_ints(scope.years)})")
    if scope.roots is not None:
        conditions.append(f"e.unit_id IN ({_units_under(scope.roots)})")
    if conditions:
        sql += " WHERE " + " AND ".join(conditions)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=FACT_SCHEMA)
    frame = (
        pl.DataFrame(
            rows,
            schema={
                "unit": pl.Int32,
                "kind": pl.Utf8,
                "year": pl.Int32,
                "status": pl.Utf8,
                "province": pl.Utf8,
            },
            orient="row",
        )
        .sort(pl.col("province") != "", descending=True)
        .unique(["unit", "kind", "year"], keep="first")
    )
    return verdict_facts(frame, registry)


def verdict_facts(verdicts: pl.DataFrame, registry: Registry) -> pl.DataFrame:
    """Verdicts (unit, kind, year, status; one per unit, kind and year) as
    the facts `met:<kind>` (1 or 0) and `evaluated:<kind>` (1)."""
    parts = []
    for kind in verdicts["kind"].unique().to_list():
        met = registry.id_of(derived_code("met", kind), create=True)
        judged = registry.id_of(derived_code("evaluated", kind), create=True)
        these = verdicts.filter(pl.col("kind") == kind)
        parts.append(
            these.select(
                pl.lit(met, pl.Int32).alias("measure"),
                pl.col("unit").cast(pl.Int32),
                pl.col("year").cast(pl.Int32),
                (pl.col("status") == "met").cast(pl.Float64).alias("value"),
            )
        )
        parts.append(
            these.select(
                pl.lit(judged, pl.Int32).alias("measure"),
                pl.col("unit").cast(pl.Int32),
                pl.col("year").cast(pl.Int32),
                pl.lit(1.0).alias("value"),
            )
        )
    if not parts:
        return pl.DataFrame(schema=FACT_SCHEMA)
    return pl.concat(parts)


def recognitions(
    registry: Registry, scope: Scope, units_frame: pl.DataFrame, years: Sequence[int]
) -> pl.DataFrame:
    """`recognized:<kind>`: 1 for each year from the recognition's year on,
    while the unit exists and until the year it was revoked in."""
    sql = "SELECT unit_id, kind, year, revoked_on FROM criteria_recognition"
    if scope.roots is not None:
        sql += f" WHERE unit_id IN ({_units_under(scope.roots)})"
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    if not rows or not years:
        return pl.DataFrame(schema=FACT_SCHEMA)
    spans = units_frame.select("unit", "first_year", "last_year")
    frame = pl.DataFrame(
        [(u, k, y, _year_of(r)) for u, k, y, r in rows],
        schema={
            "unit": pl.Int32,
            "kind": pl.Utf8,
            "from": pl.Int32,
            "revoked": pl.Int32,
        },
        orient="row",
    )
    wanted = pl.DataFrame({"year": sorted(set(years))}, schema={"year": pl.Int32})
    held = (
        frame.join(wanted, how="cross")
        .join(spans, on="unit", how="left")
        .filter(
            (pl.col("year") >= pl.col("from"))
            & (pl.col("revoked").is_null() | (pl.col("year") < pl.col("revoked")))
            & (pl.col("last_year").is_null() | (pl.col("year") <= pl.col("last_year")))
        )
        .unique(["unit", "kind", "year"])
    )
    ids = {
        k: registry.id_of(derived_code("recognized", k), create=True)
        for k in held["kind"].unique().to_list()
    }
    return held.select(
        pl.col("kind").replace_strict(ids, return_dtype=pl.Int32).alias("measure"),
        "unit",
        "year",
        pl.lit(1.0).alias("value"),
    )


def unit_counts(
    registry: Registry,
    units_frame: pl.DataFrame,
    years: Sequence[int],
    *,
    every_year: bool = False,
) -> pl.DataFrame:
    """`units:<type>`: 1 for each unit existing on 31 December of a year (or,
    with `every_year`, in every year: the current tree counts its own units
    in the years before they existed)."""
    if units_frame.is_empty() or not years:
        return pl.DataFrame(schema=FACT_SCHEMA)
    ids = {
        t: registry.id_of(derived_code("units", t), create=True)
        for t in units_frame["type"].unique().to_list()
    }
    wanted = pl.DataFrame({"year": sorted(set(years))}, schema={"year": pl.Int32})
    frame = units_frame.select("unit", "type", "first_year", "last_year").join(
        wanted, how="cross"
    )
    if not every_year:
        frame = frame.filter(
            (pl.col("first_year").is_null() | (pl.col("year") >= pl.col("first_year")))
            & (pl.col("last_year").is_null() | (pl.col("year") <= pl.col("last_year")))
        )
    return frame.select(
        pl.col("type").replace_strict(ids, return_dtype=pl.Int32).alias("measure"),
        "unit",
        "year",
        pl.lit(1.0).alias("value"),
    )


def successions() -> pl.DataFrame:
    """The succession edges as (unit, successor, share, split)."""
    from vandong.analytics.engine.mapping import EDGE_SCHEMA

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT predecessor_id, successor_id, kind, area_share FROM geo_succession"
        )
        rows = cursor.fetchall()
    if not rows:
        return pl.DataFrame(schema=EDGE_SCHEMA)
    frame = pl.DataFrame(
        rows,
        schema={
            "unit": pl.Int32,
            "successor": pl.Int32,
            "kind": pl.Utf8,
            "area": pl.Float64,
        },
        orient="row",
    )
    fanout = pl.len().over("unit")
    return frame.select(
        "unit",
        "successor",
        # A split without published shares divides evenly, as an estimate.
        pl.when(fanout == 1)
        .then(1.0)
        .otherwise(pl.col("area").fill_null(1.0 / fanout))
        .alias("share"),
        (fanout > 1).alias("split"),
    )
