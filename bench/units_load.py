"""Time to load the whole country (both trees and the lineage) into an empty database.

    .venv/bin/python bench/units_load.py            # SQLite, in a temporary folder
    .venv/bin/python bench/units_load.py --postgres # also PostgreSQL at 127.0.0.1:5432

Prints the first (empty database) and second (nothing to change) load times.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VANDONG = [sys.executable, "-m", "vandong.cli"]


def run(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [*VANDONG, *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    return time.perf_counter() - started


def bench(label: str, env: dict[str, str]) -> None:
    run(env, "migrate", "-v0")
    first = run(env, "units", "load")
    second = run(env, "units", "load")
    print(
        f"{label:<11} first load {first:6.1f} s   second load (no change) {second:6.1f} s"
        "   (wall time of `vandong units load`, process start included)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "VANDONG_DATA_DIR": tmp}
        env.pop("DATABASE_URL", None)
        bench("SQLite", env)
        if args.postgres:
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
                )
            finally:
                subprocess.run([*psql, f"DROP DATABASE {db}"], check=True)


if __name__ == "__main__":
    main()
