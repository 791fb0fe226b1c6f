# ruff: noqa: S608 - SQL here is built from table names, generated stage names and integers; values are bound parameters
"""The bulk half of the write service: checked rows into the database, in SQL.

The rows are staged in a temporary table and compared with the stored values
in one join, whose rows that change something (a create, a change or a
delete, with the stored id and the old value as text) go to a second
temporary table, the diff. Everything else reads the diff: the counts, one
INSERT … SELECT of the audit rows (one per create, change and delete, with
old and new value as text), one UPDATE … FROM by id, one INSERT … SELECT and
one DELETE; statements with nothing to do are skipped. The diff is in key
order, so the audit rows go into their key index in order. A large write into
units and periods that hold no value yet (the first import of a year) has
nothing to compare: it skips the join and writes from the stage. The caller
holds the transaction.

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
UNIT_CHUNK = 5000
# From this many rows a write gets more memory (`_room`) and PostgreSQL
# statistics of the diff; a cell saved from a form gets neither.
LARGE = 10_000


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
def _room(rows: int) -> Iterator[None]:
    """For a large write, memory to do it in, restored afterwards.

    SQLite: a page cache big enough for the indexes being filled (128 MiB).
    PostgreSQL: a `work_mem` (256 MiB) that holds the hash of the join of a
    million staged and stored values; the default 4 MiB splits it into
    batches written to disk.
    """
    if rows < LARGE:
        yield
        return
    if _postgres():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('work_mem')")
            before = str(cursor.fetchone()[0])
            cursor.execute("SELECT set_config('work_mem', '256MB', true)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('work_mem', %s, true)", [before])
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


def _nothing_stored(frame: pl.DataFrame, radix: Radix) -> bool:
    """Whether no value is stored under any unit and period of `frame`."""
    units = (frame["k"] // (radix.periods * radix.elements)).unique().sort().to_list()
    periods = ((frame["k"] // radix.elements) % radix.periods).unique().to_list()
    if _postgres():
        # Arrays: building an IN list of thousands of ids costs Django and
        # the driver more than the query.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {DataValue._meta.db_table} "
                "WHERE unit_id = ANY(%s) AND period_id = ANY(%s))",
                [units, periods],
            )
            return not cursor.fetchone()[0]
    return not any(
        DataValue.objects.filter(
            unit_id__in=units[start : start + UNIT_CHUNK], period_id__in=periods
        ).exists()
        for start in range(0, len(units), UNIT_CHUNK)
    )


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
    frame: pl.DataFrame,
    stage: str,
    extras: str,
    report: Callable[[float], None],
    *,
    analyze: bool,
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
        # No keys on PostgreSQL: the stage is only read whole (joins by
        # hash), and an index would cost a third of the COPY. Its temporary
        # tables go at commit.
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} (k bigint, v double precision) "
            "ON COMMIT DROP"
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
                f"CREATE TEMPORARY TABLE {extras} (k bigint, t text NOT NULL, "
                "c text, del smallint NOT NULL) ON COMMIT DROP"
                if postgres
                else f"CREATE TEMPORARY TABLE {extras} (k INTEGER PRIMARY KEY, "
                "t text NOT NULL, c text, del smallint NOT NULL)"
            )
            if postgres:
                _copy(cursor, extras, "k, t, c, del", more)
            else:
                cursor.executemany(
                    f"INSERT INTO {extras} (k, t, c, del) VALUES (%s, %s, %s, %s)",
                    list(more.iter_rows()),
                )
        if postgres and analyze:
            # Statistics for planning the join with the stored values.
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
    with _room(frame.height):
        return _write(
            frame,
            radix=radix,
            stage=f"vd_stage_{token}",
            extras=f"vd_extra_{token}",
            diff=f"vd_diff_{token}",
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
    diff: str,
    when: datetime.datetime | str | None,
    actor_id: int | None,
    channel: str,
    batch_id: int,
    report: Callable[[float], None],
) -> Counts:
    values = DataValue._meta.db_table
    audit = DataValueAudit._meta.db_table
    # The caller has locked the units: nothing gets stored under them until
    # the transaction ends, so what the check finds holds for the write.
    fresh = frame.height >= LARGE and _nothing_stored(frame, radix)
    has_extras = _stage(frame, stage, extras, report, analyze=not fresh)
    temporary = [stage, extras] if has_extras else [stage]
    p, e = radix.periods, radix.elements
    pe = p * e
    keys = (
        f"st.k / {pe} AS u, st.k / {e} - (st.k / {pe}) * {p} AS p, "
        f"st.k - (st.k / {e}) * {e} AS e, st.v AS value, st.k"
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
    with connection.cursor() as cursor:
        if fresh:
            # Nothing stored to compare with: every row creates its value, a
            # delete deletes nothing. The rows in the diff's shape:
            changes = (
                "(SELECT s.u, s.p, s.e, CAST(NULL AS bigint) AS id, "
                "'create' AS action, '' AS old, s.value, s.text_value, s.comment "
                f"FROM {staged} s WHERE s.del = 0"
                # The stage is in key order; a join with the extras may not be.
                + (" ORDER BY s.k)" if has_extras else ")")
            )
            created, updated, deleted = int((~frame["delete"]).sum()), 0, 0
        else:
            # The one join of staged and stored values: the rows that change
            # something, with what the statements below need of the stored row.
            cursor.execute(
                f"CREATE TEMPORARY TABLE {diff} "
                + ("ON COMMIT DROP " if _postgres() else "")
                + "AS SELECT s.u, s.p, s.e, d.id, "
                # On PostgreSQL the stored row's address too: the update finds
                # each row by it, without a join of the whole table by id.
                + ("d.ctid AS tid, " if _postgres() else "")
                + "CASE WHEN d.id IS NULL THEN 'create' WHEN s.del = 1 THEN 'delete' "
                "ELSE 'update' END AS action, "
                f"CASE WHEN d.id IS NULL THEN '' ELSE {_as_text('d')} END AS old, "
                "s.value, s.text_value, s.comment "
                f"FROM {staged} s LEFT JOIN {values} d ON {on} "
                f"WHERE (s.del = 0 AND (d.id IS NULL OR NOT {_same('d')})) "
                "OR (s.del = 1 AND d.id IS NOT NULL) "
                # In key order, the order of the audit's index: its rows are
                # then inserted leaf by leaf (a random order costs the insert
                # half as much again) and the updates go page by page.
                "ORDER BY s.k",
                [],
            )
            temporary.append(diff)
            if _postgres() and frame.height >= LARGE:
                # Row counts and the share of each action: without them the
                # planner takes the diff for a few rows and looks up each id.
                cursor.execute(f"ANALYZE {diff}")
            cursor.execute(f"SELECT action, COUNT(*) FROM {diff} GROUP BY action", [])
            done = {str(action): int(n) for action, n in cursor.fetchall()}
            created = done.get("create", 0)
            updated = done.get("update", 0)
            deleted = done.get("delete", 0)
            changes = diff
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
                "SELECT x.e, x.u, x.p, x.action, x.old, "
                f"CASE WHEN x.action = 'delete' THEN '' ELSE {_as_text('x')} END, "
                f"%s, %s, %s, %s FROM {changes} x",
                [when, actor_id, channel, batch_id],
            )
        report(0.7)
        if updated:
            cursor.execute(
                f"UPDATE {values} AS d SET value = x.value, text_value = x.text_value, "
                "comment = COALESCE(x.comment, d.comment), updated_at = %s, "
                "updated_by_id = %s, channel = %s "
                f"FROM {changes} x WHERE "
                + ("d.ctid = x.tid" if _postgres() else "d.id = x.id")
                + " AND x.action = 'update'",
                [when, actor_id, channel],
            )
            if cursor.rowcount != updated:
                # A compared row changed before its update (a write that
                # bypassed the unit locks): raise, and the transaction rolls
                # back whole.
                raise RuntimeError(
                    f"{cursor.rowcount} of {updated} changed values found again"
                )
        if created:
            cursor.execute(
                f"INSERT INTO {values} (data_element_id, unit_id, period_id, value, "
                "text_value, comment, updated_at, updated_by_id, channel) "
                "SELECT x.e, x.u, x.p, x.value, x.text_value, COALESCE(x.comment, ''), "
                f"%s, %s, %s FROM {changes} x WHERE x.action = 'create'",
                [when, actor_id, channel],
            )
        report(0.9)
        if deleted:
            cursor.execute(
                f"DELETE FROM {values} WHERE id IN "
                f"(SELECT x.id FROM {changes} x WHERE x.action = 'delete')",
                [],
            )
        if not _postgres():  # PostgreSQL drops them at commit
            for table in temporary:
                cursor.execute(f"DROP TABLE {table}", [])
    report(1.0)
    return counts
