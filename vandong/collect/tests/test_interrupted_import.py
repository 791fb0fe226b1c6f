"""An import killed half-way (kill -9) leaves the database exactly as it was.

Everything runs in child processes on a database of its own: a file SQLite
database in a temporary folder, or, when the tests run on PostgreSQL, a fresh
database on the same server (dropped at the end). The child imports a large
CSV through `services.data_values_import`, reporting progress; once it has
written the audit rows of the import (inside its transaction) it is killed.
A fingerprint of every collect table and of the audit log, taken before, must
equal the one taken after; and the same import, run to the end, does change
the database (so the kill was what left it untouched).
"""

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
COMMUNES = 2000  # × 10 years × 10 elements = 200,000 values

SNAPSHOT = """
import hashlib, json, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vandong.settings")
import django
django.setup()
from vandong.collect.models import Approval, DataValue, DataValueAudit, ImportBatch
from vandong.core.models import AuditEntry
out = {}
for model in (DataValue, DataValueAudit, ImportBatch, Approval, AuditEntry):
    digest = hashlib.sha256()
    count = 0
    for row in model.objects.order_by("pk").values_list().iterator(chunk_size=20000):
        digest.update(repr(row).encode())
        count += 1
    out[model.__name__] = [count, digest.hexdigest()]
print(json.dumps(out))
"""

IMPORT = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vandong.settings")
import django
django.setup()
from django.contrib.auth import get_user_model
from vandong.accounts.models import Role, RoleAssignment
from vandong.collect.services import data_values_import
from vandong.geo.models import Unit
user, made = get_user_model().objects.get_or_create(username="nhap")
if made:
    RoleAssignment.objects.create(
        user=user, role=Role.PROVINCE_OFFICER, unit=Unit.objects.get(code="98")
    )
path = sys.argv[1]
def progress(done, total):
    print("progress", done, total, flush=True)
result = data_values_import(
    actor=user, data=open(path, "rb").read(), filename=os.path.basename(path),
    channel="import", progress=progress,
)
print("done", result.created, result.updated, result.unchanged, flush=True)
"""


def _postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def _admin_connection(dbname: str = "postgres"):
    import psycopg

    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


@pytest.fixture
def environment(tmp_path):
    env = {**os.environ, "VANDONG_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    if not _postgres():
        yield env, None
        return
    db = settings.DATABASES["default"]
    name = f"vd_interrupt_{os.getpid()}_{int(time.time())}"
    with _admin_connection() as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    user = db["USER"]
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or 5432
    env["DATABASE_URL"] = f"postgres://{user}@{host}:{port}/{name}"
    try:
        yield env, name
    finally:
        with _admin_connection() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(env, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _snapshot(env) -> dict[str, list[int | str]]:
    snapshot: dict[str, list[int | str]] = json.loads(_run(env, "-c", SNAPSHOT))
    return snapshot


def _writing(env, database: str | None, data_dir: Path) -> bool:
    """Whether the child holds an open write transaction that has inserted rows."""
    if database is None:
        import sqlite3

        probe = sqlite3.connect(data_dir / "vandong.sqlite3", timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            return "locked" in str(error)
        else:
            probe.execute("ROLLBACK")
            return False
        finally:
            probe.close()
    with _admin_connection(database) as probe:
        row = probe.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = "
            "'collect_datavalueaudit'::regclass AND mode = 'RowExclusiveLock' "
            "AND pid <> pg_backend_pid()"
        ).fetchone()
    return bool(row and row[0])


def _wait_for_backends_to_end(database: str | None) -> None:
    if database is None:
        return
    deadline = time.monotonic() + 120
    with _admin_connection() as admin:
        while time.monotonic() < deadline:
            row = admin.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [database]
            ).fetchone()
            if not row or not row[0]:
                return
            time.sleep(0.2)
    pytest.fail("the killed import's PostgreSQL backend did not end")


def test_import_killed_while_writing_leaves_the_database_as_before(
    environment, tmp_path
):
    # given: a database holding a first import, and a second file changing every value
    env, database = environment
    _run(env, "-m", "vandong.cli", "migrate", "-v0")
    first = tmp_path / "first.csv"
    second = tmp_path / "second.csv"
    communes = str(COMMUNES)
    _run(env, "bench/generate_values.py", "--communes", communes, "--out", str(first))
    _run(
        env,
        "bench/generate_values.py",
        "--communes",
        communes,
        "--out",
        str(second),
        "--shift",
        "1",
        "--no-world",
    )
    assert "done 200000 0 0" in _run(env, "-c", IMPORT, str(first))
    before = _snapshot(env)

    # when: the second import is killed once it has written its audit rows
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT, str(second)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    killed_writing = False
    for line in child.stdout:
        words = line.split()
        if words[:1] != ["progress"]:
            continue
        done, total = int(words[1]), int(words[2])
        # The write half reports 0.7 of its share once the audit rows are in.
        if done >= total // 2 + 0.7 * (total - total // 2):
            killed_writing = _writing(env, database, tmp_path / "data")
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    _wait_for_backends_to_end(database)
    after = _snapshot(env)

    # then
    assert child.returncode == -signal.SIGKILL
    assert killed_writing is True
    assert after == before
    assert before["DataValue"][0] == 200000
    assert before["DataValueAudit"][0] == 200000
    # and the same import, not interrupted, changes what it should
    finished = _run(env, "-c", IMPORT, str(second))
    assert "done 0 " in finished
    assert int(_snapshot(env)["DataValueAudit"][0]) > 200000
    assert (
        hashlib.sha256(second.read_bytes()).hexdigest()
        != hashlib.sha256(first.read_bytes()).hexdigest()
    )
