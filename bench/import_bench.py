"""Speed of the CSV import and of saving one cell, on SQLite and PostgreSQL.

    .venv/bin/python bench/import_bench.py                  # SQLite and PostgreSQL
    .venv/bin/python bench/import_bench.py --no-postgres    # SQLite only
    .venv/bin/python bench/import_bench.py --communes 1000  # a smaller run

For each database (SQLite in a temporary folder; a fresh PostgreSQL database at
127.0.0.1:5432, dropped afterwards) it migrates, makes the benchmark world and
two seeded files (`generate_values.py`: 10,000 communes × 10 years × 10
elements = 1,000,000 values), then imports through the service every channel
uses (`services.data_values_import`: read, checked, scoped to a province
officer, typed, audited, committed), each in its own process:

1. the first file into an empty database (every value created),
2. the same file again (every value unchanged),
3. the second file (every value changed),

and prints for each the wall time of the import call, values per second and
the process's peak memory (ru_maxrss, Python and Django included). Then it
saves one cell 50 times through `services.data_values_write` with 1,000,000
values stored, and prints the median and the slowest server time.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PYTHON = sys.executable


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vandong.settings")
    import django

    django.setup()


def _officer() -> "AbstractBaseUser":
    from django.contrib.auth import get_user_model

    from vandong.accounts.models import Role, RoleAssignment
    from vandong.geo.models import Unit

    user, made = get_user_model().objects.get_or_create(username="bench")
    if made:
        RoleAssignment.objects.create(
            user=user, role=Role.PROVINCE_OFFICER, unit=Unit.objects.get(code="98")
        )
    return user


def worker_import(path: Path) -> None:
    import resource

    _setup()
    from vandong.collect.services import data_values_import

    actor = _officer()
    data = path.read_bytes()
    started = time.perf_counter()
    result = data_values_import(
        actor=actor, data=data, filename=path.name, channel="import"
    )
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(
        json.dumps(
            {
                "seconds": seconds,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "violations": len(result.violations),
                "peak": peak,
            }
        )
    )


def worker_cell() -> None:
    _setup()
    from vandong.collect.models import DataValue
    from vandong.collect.rows import ValueRow
    from vandong.collect.services import data_values_write

    actor = _officer()
    stored = DataValue.objects.count()
    times = []
    for i in range(50):
        row = ValueRow(
            data_element="B_HH",
            unit_code=f"B{(i * 37) % 1000:05d}",
            period="2024",
            value=str(1000 + i),
        )
        started = time.perf_counter()
        data_values_write(actor=actor, rows=[row], channel="web")
        times.append(time.perf_counter() - started)
    print(
        json.dumps(
            {
                "stored": stored,
                "median": statistics.median(times),
                "p95": sorted(times)[int(len(times) * 0.95) - 1],
                "max": max(times),
            }
        )
    )


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [PYTHON, *args], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return done.stdout


def bench(label: str, env: dict[str, str], folder: Path, communes: int) -> None:
    _run(env, "-m", "vandong.cli", "migrate", "-v0")
    first = folder / "values.csv"
    second = folder / "values-changed.csv"
    _run(
        env,
        "bench/generate_values.py",
        "--communes",
        str(communes),
        "--out",
        str(first),
    )
    _run(
        env,
        "bench/generate_values.py",
        "--communes",
        str(communes),
        "--out",
        str(second),
        "--shift",
        "1",
        "--no-world",
    )
    size = first.stat().st_size / 1e6
    for title, path in (
        ("create (empty table)", first),
        ("same file (unchanged)", first),
        ("every value changed", second),
    ):
        out = json.loads(
            _run(env, "bench/import_bench.py", "--worker", "import", str(path))
        )
        rows = out["created"] + out["updated"] + out["unchanged"]
        print(
            f"{label:<10} {title:<22} {rows:>9,} values in {out['seconds']:6.2f} s = "
            f"{rows / out['seconds']:>9,.0f} values/s   peak memory "
            f"{out['peak'] / 2**20:6.0f} MiB   ({size:.0f} MB CSV; created "
            f"{out['created']:,}, changed {out['updated']:,}, unchanged "
            f"{out['unchanged']:,}; {out['violations']:,} rule violations)",
            flush=True,
        )
    cell = json.loads(_run(env, "bench/import_bench.py", "--worker", "cell"))
    print(
        f"{label:<10} save one cell (50 saves, {cell['stored']:,} values stored): "
        f"median {cell['median'] * 1000:.1f} ms, p95 {cell['p95'] * 1000:.1f} ms, "
        f"slowest {cell['max'] * 1000:.1f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--worker", nargs="+")
    args = parser.parse_args()
    if args.worker:
        if args.worker[0] == "import":
            worker_import(Path(args.worker[1]))
        else:
            worker_cell()
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "VANDONG_DATA_DIR": str(folder / "data")}
        env.pop("DATABASE_URL", None)
        if not args.no_sqlite:
            bench("SQLite", env, folder, args.communes)
        if not args.no_postgres:
            db = f"vandong_bench_{os.getpid()}"
            psql = [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-qc",
            ]
            subprocess.run([*psql, f"CREATE DATABASE {db}"], check=True)
            try:
                bench(
                    "PostgreSQL",
                    {**env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}"},
                    folder,
                    args.communes,
                )
            finally:
                subprocess.run([*psql, f"DROP DATABASE {db}"], check=True)


if __name__ == "__main__":
    main()
