"""PostgreSQL storage for bulk writes of values and their audit rows.

- Values fill their pages to half (fillfactor 50), so that an import changing
  every value writes each new row version on the page of the old one: a HOT
  update, which adds no entry to the two indexes (no indexed column changes).
  With full pages every changed value is a new entry in both indexes, three
  times the time of the update itself. The old versions are pruned when a
  later write reads the page. (Pages written before this migration stay
  full until the table is rewritten.)
- The id sequences of values and audit rows hand out ids 100 at a time per
  connection instead of locking the sequence for each row; the ids a
  connection leaves unused are a gap, as a rolled-back write leaves one.

SQLite has neither setting; there the migration does nothing.
"""

from django.db import migrations


def _alter(apps, schema_editor, fillfactor: str, cache: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    value = apps.get_model("collect", "DataValue")._meta.db_table
    audit = apps.get_model("collect", "DataValueAudit")._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {value} {fillfactor}")
        for table in (value, audit):
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            (sequence,) = cursor.fetchone()
            cursor.execute(f"ALTER SEQUENCE {sequence} CACHE {cache}")


def forward(apps, schema_editor):
    _alter(apps, schema_editor, "SET (fillfactor = 50)", 100)


def backward(apps, schema_editor):
    _alter(apps, schema_editor, "RESET (fillfactor)", 1)


class Migration(migrations.Migration):
    dependencies = [("collect", "0001_values_audit_approval")]

    operations = [migrations.RunPython(forward, backward)]
