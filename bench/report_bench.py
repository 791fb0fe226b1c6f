"""The narrative report's speed (issue 7), each figure next to its target.

    .venv/bin/python bench/report_bench.py                        # both parts
    .venv/bin/python bench/report_bench.py --demo-dir /tmp/demo   # reuse a loaded demo
    .venv/bin/python bench/report_bench.py --scale 1.0            # the national data at full size
    .venv/bin/python bench/report_bench.py --national-db NAME --national-dir DIR
                                                                  # reuse a kept database
    .venv/bin/python bench/report_bench.py --skip-national

1. The province report: `vandong report --province "Lai Châu" --phase
   2016-2020 --format docx,pdf,xlsx` on the demo (built with `vandong demo`
   into a temporary SQLite data folder unless --demo-dir names one). Printed:
   the time the command itself reports (composing and writing the three
   files) and the wall time of the whole process, first run and the median
   of the next ones. Target: under 5 s for DOCX + PDF + XLSX.
2. A national summary: `bench/national_data.py` generates the whole country
   (seeded; --scale) into a PostgreSQL database of the real schema, the
   analytics store is rebuilt from it (`vandong analytics rebuild --cold`),
   then `vandong report --country --template-file bench/national_summary.txt`
   writes the summary with its annex per province. Target: under 60 s.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

VANDONG = str(ROOT / ".venv" / "bin" / "vandong")
FORMATS = "docx,pdf,xlsx"


def _env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "VANDONG_ANALYTICS_DIR")
    }
    env["VANDONG_DATA_DIR"] = str(data_dir)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, the seconds the command printed last, its output."""
    started = time.perf_counter()
    done = subprocess.run(
        [VANDONG, *args], env=env, capture_output=True, check=False, cwd=ROOT
    )
    wall = time.perf_counter() - started
    out = done.stdout.decode()
    if done.returncode != 0:
        raise SystemExit(f"vandong {' '.join(args)} failed:\n{done.stderr.decode()}")
    said = [line for line in out.splitlines() if line.endswith(" s")]
    inner = float(said[-1].split()[0]) if said else wall
    return wall, inner, out


def _verdict(seconds: float, target: float) -> str:
    return "OK" if seconds < target else "OVER"


def province(demo_dir: Path | None, runs: int) -> list[tuple[str, float, str]]:
    rows: list[tuple[str, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        data = demo_dir or Path(tmp) / "demo"
        env = _env(data)
        if demo_dir is None:
            print("loading the demo (Lai Châu) …", flush=True)
            wall, _, _ = _run(["demo"], env)
            rows.append(("demo loaded (not timed against a target)", wall, ""))
        args = [
            "report",
            "--province",
            "Lai Châu",
            "--phase",
            "2016-2020",
            "--format",
            FORMATS,
            "--output",
            str(Path(tmp) / "out"),
        ]
        timings = [_run(args, env) for _ in range(max(runs, 2))]
        first_wall, first_inner, _ = timings[0]
        later_inner = statistics.median(t[1] for t in timings[1:])
        later_wall = statistics.median(t[0] for t in timings[1:])
        rows += [
            (
                "province report, DOCX+PDF+XLSX, first run",
                first_inner,
                _verdict(first_inner, 5),
            ),
            (
                "province report, DOCX+PDF+XLSX, median of later runs",
                later_inner,
                _verdict(later_inner, 5),
            ),
            ("  whole process (Django start included), first run", first_wall, ""),
            ("  whole process, median of later runs", later_wall, ""),
        ]
        sizes = {p.suffix: p.stat().st_size for p in (Path(tmp) / "out").iterdir()}
        rows.append(
            (
                "  files: "
                + ", ".join(
                    f"{k[1:]} {v / 1024:.0f} KiB" for k, v in sorted(sizes.items())
                ),
                0.0,
                "",
            )
        )
    return rows


def national(
    scale: float, seed: int, db: str | None, data_dir: Path | None, keep: bool
) -> list[tuple[str, float, str]]:
    import national_data

    rows: list[tuple[str, float, str]] = []
    made = db is None
    name = db or f"vandong_reportbench_{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        folder = data_dir or Path(tmp) / "national"
        folder.mkdir(parents=True, exist_ok=True)
        env = _env(folder, national_data.url(name))
        try:
            if made:
                national_data.create_database(name)
                print(
                    f"generating national data, scale {scale} (seed {seed}) into {name} …",
                    flush=True,
                )
                started = time.perf_counter()
                world, _ = national_data.make(
                    name,
                    folder,
                    scale=scale,
                    seed=seed,
                    fmt="binary",
                    say=lambda s: print(s, flush=True),
                )
                rows.append(
                    (
                        f"national data generated: {world.value_count:,} values (not timed against a target)",
                        time.perf_counter() - started,
                        "",
                    )
                )
                wall, _, _ = _run(["analytics", "rebuild", "--cold"], env)
                rows.append(
                    ("analytics store rebuilt from the database (cold)", wall, "")
                )
            args = [
                "report",
                "--country",
                "--template-file",
                str(ROOT / "bench" / "national_summary.txt"),
                "--phase",
                "2016-2020",
                "--format",
                FORMATS,
                "--output",
                str(Path(tmp) / "out"),
            ]
            first_wall, first_inner, _ = _run(args, env)
            second_wall, second_inner, _ = _run(args, env)
            rows += [
                (
                    "national summary, DOCX+PDF+XLSX, first run",
                    first_inner,
                    _verdict(first_inner, 60),
                ),
                (
                    "national summary, second run",
                    second_inner,
                    _verdict(second_inner, 60),
                ),
                ("  whole process, first run", first_wall, ""),
                ("  whole process, second run", second_wall, ""),
            ]
        finally:
            if made and not keep:
                national_data.drop_database(name)
            elif made:
                print(
                    f"database kept: {national_data.url(name)} (data folder {folder})"
                )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--demo-dir", type=Path, help="a data folder holding the loaded demo"
    )
    parser.add_argument("--runs", type=int, default=3, help="province report runs")
    parser.add_argument(
        "--scale",
        type=float,
        default=0.1,
        help="national data scale (1.0: the whole country)",
    )
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument(
        "--national-db", help="a database national_data.py --keep filled"
    )
    parser.add_argument(
        "--national-dir", type=Path, help="its data folder (analytics store)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the national database"
    )
    parser.add_argument("--skip-national", action="store_true")
    parser.add_argument("--skip-province", action="store_true")
    args = parser.parse_args()
    rows: list[tuple[str, float, str]] = []
    if not args.skip_province:
        rows += province(args.demo_dir, args.runs)
    if not args.skip_national:
        rows += national(
            args.scale, args.seed, args.national_db, args.national_dir, args.keep
        )
    print()
    print(f"{'figure':<66} {'seconds':>9}  target")
    for label, seconds, verdict in rows:
        shown = f"{seconds:9.2f}" if seconds else " " * 9
        target = ""
        if verdict:
            target = f"< {'5' if 'province' in label else '60'} s {verdict}"
        print(f"{label:<66} {shown}  {target}")
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
