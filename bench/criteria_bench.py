"""Speed of the criteria engine, national scale and one commune.

    .venv/bin/python bench/criteria_bench.py                  # 10,000 communes
    .venv/bin/python bench/criteria_bench.py --communes 1000  # a smaller run
    .venv/bin/python bench/criteria_bench.py --builtin        # the in-code set

With the seeded data of `generate_criteria.py` (the 2021-2025 commune set
file, or with --builtin a like set built in code with every threshold
filled; 10,000 communes × 10 years, ~8 villages each) it times, with no
database:

1. the full evaluation (`engine.evaluate`, every commune and year): median
   of `--runs` runs, the rows produced and the process's peak memory
   (ru_maxrss; the generated frames included);
2. the re-evaluation of one commune for one year after one of its values
   changes: the frames cut to that commune and its villages, one value
   changed, then evaluated; median and p95 of `--single-runs` runs.

Targets: under 2 s and under 50 ms.
"""

import argparse
import resource
import statistics
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate_criteria import YEARS, generate  # noqa: E402 - after the path fix

from vandong.catalog.criteria.spec import STATUSES, CriteriaSetSpec  # noqa: E402
from vandong.criteria import engine  # noqa: E402

FULL_TARGET, SINGLE_TARGET = 2.0, 0.050


def _peak_mib() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _verdict(seconds: float, target: float) -> str:
    return "ok" if seconds < target else "OVER TARGET"


def bench_full(
    spec: CriteriaSetSpec, values: pl.DataFrame, units: pl.DataFrame, runs: int
) -> engine.Evaluation:
    times = []
    result = None
    for _ in range(runs):
        started = time.perf_counter()
        result = engine.evaluate(spec, values, units, YEARS)
        times.append(time.perf_counter() - started)
    assert result is not None
    median = statistics.median(times)
    rows = result.indicators.height + result.criteria.height + result.overall.height
    print(
        f"full evaluation: {result.overall.height:,} unit-years in {median:.2f} s "
        f"(median of {runs}; runs {', '.join(f'{t:.2f}' for t in times)} s) "
        f"[target < {FULL_TARGET:.0f} s: {_verdict(median, FULL_TARGET)}]"
    )
    print(
        f"  rows produced: {rows:,} ({result.indicators.height:,} condition, "
        f"{result.criteria.height:,} criterion, {result.overall.height:,} overall); "
        f"peak memory {_peak_mib():,.0f} MiB"
    )
    last = YEARS[-1]
    counts = dict(
        result.overall.filter(pl.col("year") == last).group_by("status").len().rows()
    )
    print(f"  {last}: " + ", ".join(f"{s} {counts.get(s, 0):,}" for s in STATUSES[:3]))
    return result


def bench_single(
    spec: CriteriaSetSpec,
    values: pl.DataFrame,
    units: pl.DataFrame,
    full: engine.Evaluation,
    runs: int,
) -> None:
    # A commune with villages, in the middle of the list; its latest year.
    commune = int(full.overall["unit_id"][full.overall.height // 2])
    year = YEARS[-1]
    mine = units.filter(
        (pl.col("unit_id") == commune) | (pl.col("parent_id") == commune)
    )
    theirs = values.filter(
        pl.col("unit_id").is_in(mine["unit_id"].implode()) & (pl.col("year") == year)
    )
    # The commune's own first element is the value that changes.
    changed = (pl.col("unit_id") == commune) & (
        pl.col("element") == theirs.filter(pl.col("unit_id") == commune)["element"][0]
    )
    times = []
    result = None
    for i in range(runs):
        started = time.perf_counter()
        edited = theirs.with_columns(
            pl.when(changed).then(pl.col("value") + i % 2).otherwise(pl.col("value"))
        )
        result = engine.evaluate(spec, edited, mine, [year])
        times.append(time.perf_counter() - started)
    assert result is not None
    times.sort()
    median, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    print(
        f"one commune, one year, one value changed ({theirs.height} values, "
        f"{mine.height - 1} villages, {result.indicators.height} condition rows): "
        f"median {median * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms over {runs} runs "
        f"[target < {SINGLE_TARGET * 1000:.0f} ms: {_verdict(p95, SINGLE_TARGET)}]"
    )
    # The same figures as the full run (the last run left the value unchanged
    # when `runs` is odd; compare a fresh unchanged run).
    again = engine.evaluate(spec, theirs, mine, [year])
    expected = full.overall.filter(
        (pl.col("unit_id") == commune) & (pl.col("year") == year)
    )
    print(
        f"  same result as the full run: {'yes' if again.overall.equals(expected) else 'NO'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--single-runs", type=int, default=50)
    parser.add_argument(
        "--builtin",
        action="store_true",
        help="the built-in set (thresholds everywhere) instead of the YAML file",
    )
    args = parser.parse_args()
    started = time.perf_counter()
    spec, units, values, origin = generate(
        args.communes, YEARS, args.seed, args.builtin
    )
    conditions = sum(len(i.conditions) for i in spec.indicators)
    print(
        f"data: {origin}: {len(spec.criteria)} criteria, {len(spec.indicators)} "
        f"indicators, {conditions} conditions; {units.height:,} units, "
        f"{values.height:,} values, {YEARS[0]}-{YEARS[-1]} "
        f"(made in {time.perf_counter() - started:.1f} s; peak memory so far "
        f"{_peak_mib():,.0f} MiB)"
    )
    full = bench_full(spec, values, units, args.runs)
    bench_single(spec, values, units, full, args.single_runs)


if __name__ == "__main__":
    main()
