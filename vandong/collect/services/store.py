# ruff: noqa: S608 - SQL here is built from table names, generated stage names and integers; values are bound parameters
"""The bulk half of the write service: checked rows into the database, in SQL.

The rows are staged in a temporary table, then a handful of statements
compare them with the stored values and write: one count query, one
INSERT … SELECT of the audit rows (one per create, change and delete, with old
and new value as text), one UPDATE … FROM, one INSERT … SELECT and one DELETE.
Statements with nothing to do are skipped. The caller holds the transaction.

The stage is as narrow as possible, because on SQLite every staged value
passes Python's database driver one by one: a key and a number per row,
`k = (unit_id × P + period_id) × E + element_id` (P and E above the largest
period and element ids), so sorting by k sorts by the table's own key; and,
only for rows that carry them, a second table of extras: text value, comment
(NULL keeps the stored one), delete flag. SQLite takes the stage in
multi-row INSERTs of 499 rows, PostgreSQL by COPY.

A row changes nothing when value, text and (given) comment equal the stored
ones.
"""

import datetime
import io
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import polars as pl
from django.db import connection

from vandong.collect.models import DataValue, DataValueAudit

STAGE_CHUNK = 100_000
SQLITE_ROWS_PER_INSERT = 499


@dataclass
class Counts:
    created: int
    updated: int
    unchanged: int
    deleted: int


@dataclass(frozen=True)
class Radix:
    """How the stage's key k packs (unit, period, element) ids."""

    periods: int  # P: above every period id
    elements: int  # E: above every element id

    def key(self) -> pl.Expr:
        return (pl.col("u") * self.periods + pl.col("p")) * self.elements + pl.col("e")


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _as_text(alias: str) -> str:
    """SQL giving a value as the audit writes it (`values.value_text`)."""
    if _postgres():
        number = (
            f"CASE WHEN {alias}.value = trunc({alias}.value) "
            f"THEN trunc({alias}.value)::bigint::text ELSE {alias}.value::text END"
        )
    else:
        number = (
            f"CASE WHEN {alias}.value = CAST({alias}.value AS INTEGER) "
            f"THEN CAST(CAST({alias}.value AS INTEGER) AS TEXT) "
            f"ELSE CAST({alias}.value AS TEXT) END"
        )
    return (
        f"CASE WHEN {alias}.text_value <> '' THEN {alias}.text_value "
        f"WHEN {alias}.value IS NULL THEN '' ELSE {number} END"
    )


def _same(stored: str) -> str:
    equal = "IS NOT DISTINCT FROM" if _postgres() else "IS"
    return (
        f"({stored}.value {equal} s.value AND {stored}.text_value = s.text_value "
        f"AND (s.comment IS NULL OR {stored}.comment = s.comment))"
    )


@contextmanager
def _sqlite_room(rows: int) -> Iterator[None]:
    """On SQLite, for a large write: a page cache big enough for the indexes
    being filled (128 MiB), restored afterwards."""
    if _postgres() or rows < 10_000:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        cache = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA cache_size = -131072")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(cache)}")


def _copy(cursor: object, table: str, columns: str, frame: pl.DataFrame) -> None:
    data = io.BytesIO()
    frame.write_csv(data, include_header=False, null_value="\\N")
    with cursor.cursor.copy(  # type: ignore[attr-defined]
        f"COPY {table} ({columns}) FROM STDIN (FORMAT csv, NULL '\\N')"
    ) as copy:
        copy.write(data.getvalue())


def _insert_pairs(stage: str, keys: list[int], values: list[float | None]) -> None:
    """(k, v) rows into the SQLite stage, 499 to a statement, straight through
    the driver (Django's placeholder rewriting would cost more than the insert)."""
    raw = connection.connection
    flat = [x for pair in zip(keys, values, strict=True) for x in pair]
    step = 2 * SQLITE_ROWS_PER_INSERT
    whole = len(flat) - len(flat) % step
    many = f"INSERT INTO {stage} (k, v) VALUES " + ", ".join(
        ["(?, ?)"] * SQLITE_ROWS_PER_INSERT
    )
    for at in range(0, whole, step):
        raw.execute(many, flat[at : at + step])
    if whole < len(flat):
        rest = (len(flat) - whole) // 2
        raw.execute(
            f"INSERT INTO {stage} (k, v) VALUES " + ", ".join(["(?, ?)"] * rest),
            flat[whole:],
        )


def _stage(
    frame: pl.DataFrame, stage: str, extras: str, report: Callable[[float], None]
) -> bool:
    """Stage (k, value) for every row and the extras of the rows that have
    some; return whether there were extras."""
    keyed = frame.select("k", "value")
    more = frame.filter(
        (pl.col("text_value") != "")
        | pl.col("comment").is_not_null()
        | pl.col("delete")
    ).select("k", "text_value", "comment", pl.col("delete").cast(pl.Int8))
    postgres = _postgres()
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} (k bigint PRIMARY KEY, v double precision)"
            if postgres
            else f"CREATE TEMPORARY TABLE {stage} (k INTEGER PRIMARY KEY, v REAL)"
        )
        total = keyed.height
        for start in range(0, total, STAGE_CHUNK):
            chunk = keyed.slice(start, STAGE_CHUNK)
            if postgres:
                _copy(cursor, stage, "k, v", chunk)
            else:
                _insert_pairs(stage, chunk["k"].to_list(), chunk["value"].to_list())
            report(0.4 * min(start + STAGE_CHUNK, total) / total)
        if more.height:
            cursor.execute(
                f"CREATE TEMPORARY TABLE {extras} (k bigint PRIMARY KEY, t text NOT "
                "NULL, c text, del smallint NOT NULL)"
            )
            if postgres:
                _copy(cursor, extras, "k, t, c, del", more)
            else:
                cursor.executemany(
                    f"INSERT INTO {extras} (k, t, c, del) VALUES (%s, %s, %s, %s)",
                    list(more.iter_rows()),
                )
        if postgres:
            cursor.execute(f"ANALYZE {stage}")
            if more.height:
                cursor.execute(f"ANALYZE {extras}")
    return bool(more.height)


def apply(
    *,
    frame: pl.DataFrame,
    radix: Radix,
    at: datetime.datetime,
    actor_id: int | None,
    channel: str,
    batch_id: int,
    report: Callable[[float], None],
) -> Counts:
    """Write the checked rows of `frame` (k, value, text_value, comment,
    delete; one row per key, sorted by k) with their audit rows; return the
    counts."""
    token = uuid.uuid4().hex[:12]
    with _sqlite_room(frame.height):
        return _write(
            frame,
            radix=radix,
            stage=f"vd_stage_{token}",
            extras=f"vd_extra_{token}",
            when=connection.ops.adapt_datetimefield_value(at),
            actor_id=actor_id,
            channel=channel,
            batch_id=batch_id,
            report=report,
        )


def _write(
    frame: pl.DataFrame,
    *,
    radix: Radix,
    stage: str,
    extras: str,
    when: datetime.datetime | str | None,
    actor_id: int | None,
    channel: str,
    batch_id: int,
    report: Callable[[float], None],
) -> Counts:
    values = DataValue._meta.db_table
    audit = DataValueAudit._meta.db_table
    has_extras = _stage(frame, stage, extras, report)
    p, e = radix.periods, radix.elements
    pe = p * e
    keys = (
        f"st.k / {pe} AS u, st.k / {e} - (st.k / {pe}) * {p} AS p, "
        f"st.k - (st.k / {e}) * {e} AS e, st.v AS value"
    )
    if has_extras:
        staged = (
            f"(SELECT {keys}, COALESCE(x.t, '') AS text_value, x.c AS comment, "
            f"COALESCE(x.del, 0) AS del FROM {stage} st LEFT JOIN {extras} x "
            "ON x.k = st.k)"
        )
    else:
        staged = (
            f"(SELECT {keys}, '' AS text_value, CAST(NULL AS text) AS comment, "
            f"0 AS del FROM {stage} st)"
        )
    on = "d.unit_id = s.u AND d.period_id = s.p AND d.data_element_id = s.e"
    join = f"{staged} s LEFT JOIN {values} d ON {on}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT "
            "COALESCE(SUM(CASE WHEN s.del = 0 AND d.id IS NULL THEN 1 ELSE 0 END), 0), "
            f"COALESCE(SUM(CASE WHEN s.del = 0 AND d.id IS NOT NULL AND NOT {_same('d')} "
            "THEN 1 ELSE 0 END), 0), "
            "COALESCE(SUM(CASE WHEN s.del = 1 AND d.id IS NOT NULL THEN 1 ELSE 0 END), 0) "
            f"FROM {join}",
            [],
        )
        created, updated, deleted = (int(x) for x in cursor.fetchone())
        counts = Counts(
            created=created,
            updated=updated,
            unchanged=frame.height - created - updated - deleted,
            deleted=deleted,
        )
        report(0.5)
        if created or updated or deleted:
            cursor.execute(
                f"INSERT INTO {audit} (data_element_id, unit_id, period_id, action, "
                "old_value, new_value, at, actor_id, channel, batch_id) "
                "SELECT s.e, s.u, s.p, "
                "CASE WHEN d.id IS NULL THEN 'create' WHEN s.del = 1 THEN 'delete' "
                "ELSE 'update' END, "
                f"CASE WHEN d.id IS NULL THEN '' ELSE {_as_text('d')} END, "
                f"CASE WHEN s.del = 1 THEN '' ELSE {_as_text('s')} END, "
                "%s, %s, %s, %s "
                f"FROM {join} "
                f"WHERE (s.del = 0 AND (d.id IS NULL OR NOT {_same('d')})) "
                "OR (s.del = 1 AND d.id IS NOT NULL)",
                [when, actor_id, channel, batch_id],
            )
        report(0.7)
        if updated:
            cursor.execute(
                f"UPDATE {values} AS d SET value = s.value, text_value = s.text_value, "
                "comment = COALESCE(s.comment, d.comment), updated_at = %s, "
                "updated_by_id = %s, channel = %s "
                f"FROM {staged} s WHERE {on} AND s.del = 0 AND NOT {_same('d')}",
                [when, actor_id, channel],
            )
        if created:
            cursor.execute(
                f"INSERT INTO {values} (data_element_id, unit_id, period_id, value, "
                "text_value, comment, updated_at, updated_by_id, channel) "
                "SELECT s.e, s.u, s.p, s.value, s.text_value, COALESCE(s.comment, ''), "
                f"%s, %s, %s FROM {join} WHERE s.del = 0 AND d.id IS NULL",
                [when, actor_id, channel],
            )
        report(0.9)
        if deleted:
            cursor.execute(
                f"DELETE FROM {values} WHERE id IN (SELECT d.id FROM {staged} s "
                f"JOIN {values} d ON {on} WHERE s.del = 1)",
                [],
            )
        cursor.execute(f"DROP TABLE {stage}", [])
        if has_extras:
            cursor.execute(f"DROP TABLE {extras}", [])
    report(1.0)
    return counts
