"""Reading the facts analytics rolls up out of the operational database:
data values, and the units, evaluations and recognitions counted."""

import atexit
import contextlib
import datetime
import hashlib
import os
import threading
import weakref
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl
from django.db import connection
from django.db.models import Model

from vandong.analytics.engine import FACT_SCHEMA
from vandong.analytics.measures import Registry, derived_code
from vandong.catalog.models import DataElement, Period, PeriodKind
from vandong.geo.models import REFORM_DATE, Unit

if TYPE_CHECKING:
    from polars._typing import PolarsDataType

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


# The columns of the units the rollup reads.
_UNIT_COLUMNS = (
    "id, parent_id, level, type, path, valid_from, valid_to, code, region, "
    "commune_group"
)
# Changes whenever `units` makes something else of the same rows.
_UNITS_FORMAT = hashlib.sha256(
    repr((1, _UNIT_COLUMNS, UNIT_FRAME, REFORM_DATE)).encode()
).hexdigest()[:12]


def units_fingerprint() -> str | None:
    """What the units `units` reads hash to: equal while none of them
    changed, so that a copy made from them can be used instead of reading
    them again. One pass in the database (PostgreSQL; None elsewhere)."""
    found = _fingerprint("geo_unit", _UNIT_COLUMNS)
    return None if found is None else f"{_UNITS_FORMAT}:{found}"


def _fingerprint(table: str, columns: str) -> str | None:
    """The rows' count and the sum of their hashes (PostgreSQL)."""
    if not _copies():
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), coalesce(sum(hash_record_extended("  # noqa: S608 - fixed names
            f"ROW({columns}), 0)), 0) FROM {table}"
        )
        count, total = cursor.fetchone()
    return f"{count}:{total}"


def units() -> pl.DataFrame:
    """Every unit of both trees: its parent, level, type, the province its
    path starts from (its partition in the store), the first and last year
    it is counted in, and whether it belongs to the current tree."""
    sql = f"SELECT {_UNIT_COLUMNS} FROM geo_unit"  # noqa: S608 - fixed columns
    columns = {
        "unit": pl.Int64,
        "parent": pl.Int64,
        "level": pl.Int16,
        "type": pl.Utf8,
        "path": pl.Utf8,
        "start": pl.Date,
        "end": pl.Date,
        "code": pl.Utf8,
        "region": pl.Utf8,
        "commune_group": pl.Int64,
    }
    # A few columns of every unit, strings mostly: as text through COPY on
    # Django's own connection, which waits for the server without holding
    # Python's lock (the rebuild opens the store's files meanwhile).
    raw = _read_text(sql, columns) if _copies() else _read(sql, list(columns))
    if raw.is_empty():
        return pl.DataFrame(schema=UNIT_FRAME)
    start, end = _as_date(raw["start"]), _as_date(raw["end"])
    frame = raw.select(
        pl.col("unit").cast(pl.Int32),
        pl.col("parent").cast(pl.Int32),
        pl.col("level").cast(pl.Int8),
        pl.col("type").cast(pl.Utf8),
        pl.col("path")
        .cast(pl.Utf8)
        .str.strip_chars("/")
        .str.split("/")
        .list.first()
        .cast(pl.Int32)
        .alias("root"),
        start.dt.year().cast(pl.Int32).alias("first_year"),
        # A year's figures belong to the units of its last day.
        pl.when((end.dt.month() == 12) & (end.dt.day() == 31))
        .then(end.dt.year())
        .otherwise(end.dt.year() - 1)
        .cast(pl.Int32)
        .alias("last_year"),
        (end.is_null() | (end >= REFORM_DATE)).alias("current"),
        pl.col("code").cast(pl.Utf8),
        pl.col("region").cast(pl.Utf8).replace("", None),
        pl.col("commune_group")
        .cast(pl.Int64)
        .replace(0, None)
        .cast(pl.Utf8)
        .alias("commune_group"),
    )
    return frame.select([pl.col(n).cast(t) for n, t in UNIT_FRAME.items()])


def _as_date(column: pl.Series) -> pl.Series:
    # SQLite hands dates back as text through a raw cursor.
    if column.dtype == pl.Date:
        return column
    if column.dtype in (pl.Utf8, pl.Null) or column.null_count() == len(column):
        return column.cast(pl.Utf8).str.slice(0, 10).str.to_date("%Y-%m-%d")
    return column.cast(pl.Date)


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
    (by root id), or of some units, in some years."""

    roots: Sequence[int] | None = None
    years: Sequence[int] | None = None
    units: Sequence[int] | None = None

    def unit_condition(self, column: str) -> str | None:
        """SQL keeping the rows whose `column` is a unit of the scope."""
        if self.units is not None:
            return f"{column} IN ({_ints(self.units)})"
        if self.roots is not None:
            return f"{column} IN ({_units_under(self.roots)})"
        return None


def data_values(registry: Registry, scope: Scope) -> pl.DataFrame:
    """Numeric data values as facts."""
    periods = year_periods()
    if scope.years is not None:
        periods = {pk: y for pk, y in periods.items() if y in set(scope.years)}
    if not periods:
        return pl.DataFrame(schema=FACT_SCHEMA)
    # The three ids travel packed into one integer: every field the server
    # sends and the client decodes costs more than the arithmetic.
    element_bits, period_bits, unit_bits = _id_bits(DataElement, Period, Unit)
    packed = element_bits + period_bits + unit_bits <= 62
    key = (
        f"(unit_id * {1 << period_bits} + period_id) * {1 << element_bits} "
        "+ data_element_id"
    )
    columns = (
        f"{key}, value" if packed else "data_element_id, unit_id, period_id, value"
    )
    # Only integers are ever spliced into these queries (see _ints).
    sql = (
        f"SELECT {columns} FROM collect_datavalue "  # noqa: S608
        f"WHERE value IS NOT NULL AND period_id IN ({_ints(periods)})"
    )
    if (units := scope.unit_condition("unit_id")) is not None:
        sql += f" AND {units}"
    table = "collect_datavalue" if units is None else None
    if packed:
        raw = _read(sql, ["key", "value"], table=table)
        ids = pl.col("key").cast(pl.Int64)
        raw = raw.select(
            (ids % (1 << element_bits)).alias("measure"),
            (ids // (1 << (element_bits + period_bits))).alias("unit"),
            (ids // (1 << element_bits) % (1 << period_bits)).alias("period"),
            "value",
        )
    else:
        raw = _read(sql, ["measure", "unit", "period", "value"], table=table)
    numeric = [e.id for e in registry.elements.values()]
    return raw.filter(pl.col("measure").is_in(numeric)).select(
        pl.col("measure").cast(pl.Int32),
        pl.col("unit").cast(pl.Int32),
        pl.col("period").replace_strict(periods, return_dtype=pl.Int32).alias("year"),
        pl.col("value").cast(pl.Float64),
    )


def _id_bits(*models: type[Model]) -> list[int]:
    """How many bits the largest id of each model's table takes (one query)."""
    quote = connection.ops.quote_name
    # Table names from the models, quoted; never from input.
    tops = [
        f"(SELECT max(id) FROM {quote(m._meta.db_table)})"  # noqa: S608
        for m in models
    ]
    sql = "SELECT " + ", ".join(tops)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        found = cursor.fetchone()
    return [max(int(top or 0), 1).bit_length() for top in found]


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
            chunks.append(
                pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
            )
    if not chunks:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.Float64))
    return pl.concat(chunks, how="vertical_relaxed")


def _copies() -> bool:
    return connection.vendor == "postgresql"


def _read_text(sql: str, columns: Mapping[str, "PolarsDataType"]) -> pl.DataFrame:
    """A query's rows (PostgreSQL) as CSV through COPY on Django's
    connection, parsed by Polars into `columns` (names and types)."""
    text = bytearray()
    with connection.cursor() as cursor:
        copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
        with cursor.cursor.copy(copy_sql) as copy:
            for block in copy:
                text += block
    if not text:
        return pl.DataFrame(schema=columns)
    return pl.read_csv(
        bytes(text),
        has_header=False,
        new_columns=list(columns),
        schema=columns,
    )


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
# Every connection kept, closed at exit while the driver is still loaded
# (left to the garbage collector, each printed an error as Python stopped).
_KEPT: "weakref.WeakSet[Any]" = weakref.WeakSet()


@atexit.register
def _close_kept() -> None:
    for kept in list(_KEPT):
        with contextlib.suppress(Exception):
            kept.close()


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
        _KEPT.add(cached[1])
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
    if (units := scope.unit_condition("e.unit_id")) is not None:
        conditions.append(units)
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
    if (units := scope.unit_condition("unit_id")) is not None:
        sql += f" WHERE {units}"
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


_EDGE_COLUMNS = "predecessor_id, successor_id, kind, area_share"
# The edges last read in this process, by their fingerprint: every refresh
# asks for them, and they change only when the tree does.
_EDGES: tuple[str, pl.DataFrame] | None = None
_EDGES_LOCK = threading.Lock()


def successions() -> pl.DataFrame:
    """The succession edges as (unit, successor, share, split)."""
    global _EDGES
    key = _fingerprint("geo_succession", _EDGE_COLUMNS)
    with _EDGES_LOCK:
        if key is not None and _EDGES is not None and _EDGES[0] == key:
            return _EDGES[1]
    edges = _read_successions()
    if key is not None:
        with _EDGES_LOCK:
            _EDGES = (key, edges)
    return edges


def _read_successions() -> pl.DataFrame:
    from vandong.analytics.engine.mapping import EDGE_SCHEMA

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_EDGE_COLUMNS} FROM geo_succession")  # noqa: S608 - fixed names
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
