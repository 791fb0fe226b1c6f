"""Re-evaluating one commune after one value changes, through the database.

    .venv/bin/python bench/criteria_refresh_bench.py              # SQLite
    .venv/bin/python bench/criteria_refresh_bench.py --postgres   # PostgreSQL

`criteria_bench.py` measures the pure engine; this measures what a user
waits for: the demo (Lai Châu, every shipped set) is loaded into a fresh
database, then one commune's value is changed 50 times through the write
service, as the entry form saves a cell. Each save commits, and the commune
is re-evaluated against every set that uses the element (read its values and
its villages', run the engine, replace its stored evaluation). Printed: the
median and slowest time of the re-evaluation alone, and of the whole save.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
POSTGRES = "postgres://postgres@127.0.0.1:5432/{name}"
PSQL = shutil.which("psql") or "/usr/bin/psql"
RUNS = 50


def _measure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vandong.settings")
    import django

    django.setup()
    from django.db import transaction

    from vandong.collect.rows import ValueRow
    from vandong.collect.services import data_values_write
    from vandong.criteria import refresh
    from vandong.criteria.models import Evaluation
    from vandong.geo.models import Unit

    commune = Unit.objects.get(code="03466", level=3, valid_to__isnull=False)
    element = "INCOME_PER_CAPITA"
    from vandong.catalog.models import DataElement

    element_id = DataElement.objects.get(code=element).pk
    sets = [s.code for s in refresh.affected_sets([element_id])]
    alone: list[float] = []
    saves: list[float] = []
    for run in range(RUNS):
        started = time.perf_counter()
        refresh.refresh(unit_ids=[commune.pk], years=[2024], set_codes=sets)
        alone.append(time.perf_counter() - started)
        value = 30 + run % 20
        started = time.perf_counter()
        with transaction.atomic():
            data_values_write(
                actor=None,
                rows=[ValueRow(element, commune.code, "2024", value)],
                channel="web",
            )
        saves.append(time.perf_counter() - started)
    stored = Evaluation.objects.filter(
        unit=commune, year=2024, criteria_set__code__in=sets
    )
    income = next(
        i["value"] for e in stored for i in e.indicators if i["indicator"] == "10"
    )
    assert income == value, (income, value)  # the last save is what is stored

    def ms(xs: list[float]) -> str:
        xs = sorted(xs)
        return f"median {1000 * statistics.median(xs):.1f} ms, p95 {1000 * xs[int(0.95 * len(xs)) - 1]:.1f} ms, max {1000 * xs[-1]:.1f} ms"

    print(f"  sets re-evaluated per change: {len(sets)} ({', '.join(sets)})")
    print(f"  re-evaluation of one commune, one year: {ms(alone)}")
    print(f"  whole save of one cell (write + audit + re-evaluation): {ms(saves)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        _measure()
        return
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "VANDONG_DATA_DIR": folder}
        name = f"vd_bench_{os.getpid()}"
        if args.postgres:
            env["DATABASE_URL"] = POSTGRES.format(name=name)
            subprocess.run(
                [
                    PSQL,
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-d",
                    "postgres",
                    "-qc",
                    f"CREATE DATABASE {name}",
                ],
                check=True,
            )
        try:
            print(
                f"database: {'PostgreSQL' if args.postgres else 'SQLite'}; loading the demo…"
            )
            started = time.perf_counter()
            subprocess.run(
                [str(Path(sys.executable).parent / "vandong"), "demo"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            print(f"  demo loaded in {time.perf_counter() - started:.1f} s")
            subprocess.run([sys.executable, __file__, "--measure"], env=env, check=True)
        finally:
            if args.postgres:
                subprocess.run(
                    [
                        PSQL,
                        "-h",
                        "127.0.0.1",
                        "-U",
                        "postgres",
                        "-d",
                        "postgres",
                        "-qc",
                        f"DROP DATABASE IF EXISTS {name}",
                    ],
                    check=True,
                )


if __name__ == "__main__":
    main()
