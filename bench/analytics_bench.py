"""The analytics store at national scale, each figure next to its reference.

    .venv/bin/python bench/analytics_bench.py                  # national (~59 M values)
    .venv/bin/python bench/analytics_bench.py --scale 0.02     # a quick run
    .venv/bin/python bench/analytics_bench.py --db NAME        # reuse a database
                                                               # `national_data.py --keep` made

In a PostgreSQL database it creates (`vandong_bench_<pid>`, migrated, then
filled by `national_data.py` with COPY, dropped at the end unless --keep),
it measures on the same data in the same run:

- reference A: the full rollup as one PostgreSQL GROUP BY over an ancestor
  table built from the unit paths (the approach of DHIS2's analytics
  tables): the sum of every element at every strict ancestor of the unit
  that reported it (commune, district, province), for every year, plus the
  count of communes meeting the `ntm_commune` set at every ancestor and
  year (CREATE UNLOGGED TABLE AS, work_mem --pg-work-mem, planner's choice);
- reference B: the same rollup written by hand in DuckDB over the analytics
  store's facts (its Arrow files, read as the store reads them; our own
  Parquet export when there is no store) joined with the same ancestor
  table, timed from opening the files (median of --runs);
- ours: `analytics.services.rebuild(cold=True)` (store deleted, everything
  re-read from PostgreSQL) and `rebuild()` (from the store), each in its own
  process (time, steps, peak memory); the incremental update: one commune's
  whole form saved through `collect.services.data_values_write` as the web
  saves it, timed until the store has the new values (the refresh the save
  starts), checked through `analytics.queries.rows`, and
  `analytics.services.refresh` timed alone; the analytics API under 20
  clients, each sending its next request as soon as the last is answered
  (gunicorn as the README deploys it, or `vandong serve`; a viewer of the
  province with a bearer token;
  `GET /api/v1/analytics?indicator=NV_HH&unit=<province>&level=3&tree=legacy`).

Each timed step starts after `sync` (the files the steps before it wrote
are on disk), so that none pays for another's writeback.

Targets (issue 6): cold rebuild no slower than A; rebuild >= 15x faster than
A and within 1.5x of B; incremental under 1 s; peak memory under 8 GiB; API
p95 under 50 ms with 20 clients. `--profile` prints where the time of the
rebuilds goes.
"""

import argparse
import contextlib
import json
import os
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import national_data  # noqa: E402 - after the path fix

PYTHON = sys.executable
GIB = 2**30
TARGET_COLD_VS_A = 1.0
TARGET_SPEEDUP_VS_A = 15.0
TARGET_VS_B = 1.5
TARGET_INCREMENTAL = 1.0
TARGET_MEMORY = 8 * GIB
TARGET_API_P95 = 0.050


def _peak_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _say(text: str) -> None:
    print(text, flush=True)


def _settle() -> None:
    """The dirty pages of the steps before written out (`sync`), so that a
    timed step does not pay for the writeback of the one before it (the
    kernel writes a step's files back in one burst, 30 s after it)."""
    os.sync()


# --- workers (run in their own process, print one JSON line) -----------------


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vandong.settings")
    import django

    django.setup()


@contextlib.contextmanager
def _profiled(enabled: bool) -> Iterator[None]:
    if not enabled:
        yield
        return
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    try:
        yield
    finally:
        profile.disable()
        stats = pstats.Stats(profile, stream=sys.stderr)
        stats.sort_stats("cumulative").print_stats(30)
        stats.sort_stats("tottime").print_stats(20)


def worker_rebuild(cold: bool, profile: bool) -> dict[str, Any]:
    _setup()
    from django.conf import settings

    from vandong.analytics import services

    store = Path(getattr(settings, "ANALYTICS_DIR", settings.DATA_DIR / "analytics"))
    if cold:
        shutil.rmtree(store, ignore_errors=True)
    started = time.perf_counter()
    with _profiled(profile):
        report = services.rebuild(cold=cold)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "reported_seconds": getattr(report, "seconds", None),
        "facts": getattr(report, "facts", None),
        "rows": getattr(report, "rows", None),
        "steps": getattr(report, "steps", None),
        "peak": _peak_bytes(),
        "store_bytes": sum(f.stat().st_size for f in store.rglob("*") if f.is_file()),
    }


def _new_value(value_type: str, old: float | None) -> object:
    old = old or 0.0
    if value_type == "boolean":
        return not bool(old)
    if value_type in ("decimal", "percent", "area_ha"):
        return round(old + 0.5, 2)
    return int(old) + 1


def worker_incremental(repeats: int) -> dict[str, Any]:
    """Save one commune's whole form (every element, one year), as the web
    does: a legacy commune (2024), a current one (2025), a split legacy one.
    Measured: the save, the time until the store has the new values (the
    refresh the save starts, in the background by default), and the
    refresh alone when called directly."""
    _setup()
    from vandong.analytics import queries, services
    from vandong.analytics import refresh as background
    from vandong.catalog.models import DataElement, DataSetElement
    from vandong.collect.models import DataValue
    from vandong.collect.rows import ValueRow
    from vandong.collect.services import data_values_write
    from vandong.geo.models import Succession, Unit

    legacy = Unit.objects.filter(level=3, valid_to=national_data.LEGACY_END)
    split = Succession.objects.filter(kind="split").values("predecessor_id")
    cases = [
        ("legacy commune", legacy.exclude(pk__in=split).order_by("code")[0], 2024),
        ("current commune", Unit.objects.filter(level=3, valid_from=national_data.REFORM).order_by("code")[0], 2025),
        ("split legacy commune", legacy.filter(pk__in=split).order_by("code")[0], 2024),
    ]  # fmt: skip
    element_ids = DataSetElement.objects.filter(data_set__code="NC_FORM").values(
        "data_element_id"
    )
    elements = list(DataElement.objects.filter(pk__in=element_ids).order_by("code"))
    out: dict[str, Any] = {"cases": []}
    for label, unit, year in cases:
        writes, visible_after, refreshes = [], [], []
        visible = True
        for _ in range(repeats):
            stored = dict(
                DataValue.objects.filter(
                    unit=unit, period__code=str(year), data_element__in=elements
                ).values_list("data_element_id", "value")
            )
            rows = [
                ValueRow(
                    data_element=e.code,
                    unit_code=unit.code,
                    period=str(year),
                    value=_new_value(e.value_type, stored.get(e.pk)),
                )
                for e in elements
            ]
            started = time.perf_counter()
            data_values_write(actor=None, rows=rows, channel="web")
            writes.append(time.perf_counter() - started)
            background.wait_idle(120)
            visible_after.append(time.perf_counter() - started)
            household = next(r for r in rows if r.data_element == "NC_HH")
            tree = "legacy" if year < 2025 else "current"
            got = queries.rows("NC_HH", unit=unit, periods=[str(year)], tree=tree)
            visible &= bool(got) and got[0].value == household.value
            started = time.perf_counter()
            services.refresh(unit_ids=[unit.pk], years=[year])
            refreshes.append(time.perf_counter() - started)
        out["cases"].append(
            {
                "label": label,
                "unit": unit.code,
                "year": year,
                "values": len(elements),
                "write_median": statistics.median(writes),
                "visible_median": statistics.median(visible_after),
                "visible_max": max(visible_after),
                "refresh_median": statistics.median(refreshes),
                "refresh_max": max(refreshes),
                "visible": visible,
            }
        )
    out["peak"] = _peak_bytes()
    return out


def worker_token(province_code: str) -> dict[str, Any]:
    """A viewer of the province and a bearer token for it."""
    _setup()
    from vandong.accounts.services import api_token_create, user_create
    from vandong.geo.models import Unit

    province = Unit.objects.get(code=province_code, level=1)
    user = user_create(
        actor=None,
        username=f"bench{os.getpid()}",
        password="Bench-Analytics-2025!",  # noqa: S106 - a throwaway bench user
        role="viewer",
        unit=province,
    )
    return {"token": api_token_create(actor=None, user=user, name="analytics bench")}


def _worker(env: dict[str, str], *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [PYTHON, __file__, "--worker", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.stderr.strip():
        sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise RuntimeError(f"worker {args} failed ({done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


# --- references ----------------------------------------------------------------

ANCESTORS_SQL = """
CREATE UNLOGGED TABLE bench_ancestor AS
SELECT u.id AS unit_id, a.ancestor_id, g.level AS ancestor_level
FROM geo_unit u
CROSS JOIN LATERAL unnest(
    string_to_array(trim(BOTH '/' FROM u.path), '/')::bigint[]
) AS a(ancestor_id)
JOIN geo_unit g ON g.id = a.ancestor_id
WHERE a.ancestor_id <> u.id
"""

# Element sums at every ancestor and year, and the communes meeting the set.
ROLLUP_A_SQL = """
CREATE UNLOGGED TABLE bench_rollup AS
SELECT v.data_element_id AS measure, a.ancestor_id AS unit_id, v.period_id,
       sum(v.value) AS value
FROM collect_datavalue v
JOIN bench_ancestor a ON a.unit_id = v.unit_id
GROUP BY 1, 2, 3
UNION ALL
SELECT -1, a.ancestor_id, p.id, count(*) FILTER (WHERE e.status = 'met')
FROM criteria_evaluation e
JOIN catalog_criteriaset s ON s.id = e.criteria_set_id AND s.kind = 'ntm_commune'
JOIN bench_ancestor a ON a.unit_id = e.unit_id
JOIN catalog_period p ON p.code = e.year::text
GROUP BY 2, 3
"""


def build_ancestors(conninfo: str) -> tuple[float, int]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_ancestor, bench_rollup")
        started = time.perf_counter()
        conn.execute(ANCESTORS_SQL)
        conn.execute("ANALYZE bench_ancestor")
        seconds = time.perf_counter() - started
        (rows,) = conn.execute("SELECT count(*) FROM bench_ancestor").fetchone() or (0,)
    return seconds, rows


def reference_a(conninfo: str, work_mem: str) -> tuple[float, int]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_rollup")
        conn.execute(f"SET work_mem = '{work_mem}'")
        started = time.perf_counter()
        conn.execute(ROLLUP_A_SQL)
        seconds = time.perf_counter() - started
        (rows,) = conn.execute("SELECT count(*) FROM bench_rollup").fetchone() or (0,)
        conn.execute("DROP TABLE bench_rollup")
    return seconds, rows


def export_ancestors(conninfo: str, path: Path) -> None:
    import polars as pl

    with psycopg.connect(conninfo) as conn:
        rows = conn.execute(
            "SELECT unit_id, ancestor_id, ancestor_level FROM bench_ancestor"
        ).fetchall()
    pl.DataFrame(
        rows,
        schema={
            "unit_id": pl.Int32,
            "ancestor_id": pl.Int32,
            "ancestor_level": pl.Int8,
        },
        orient="row",
    ).write_parquet(path)


@dataclass
class FactsSource:
    """Where reference B reads the facts (measure, unit, year, value): Parquet
    files, or the store's Arrow IPC files (memory-mapped, as the store reads
    them)."""

    files: list[Path]
    label: str

    def relation(self, con: Any) -> str:
        """Make the facts readable in DuckDB; returns what to select from."""
        if self.files[0].suffix == ".parquet":
            names = ", ".join(f"'{f}'" for f in self.files)
            return f"read_parquet([{names}])"
        import polars as pl

        frames = [pl.read_ipc(f) for f in self.files]  # as the store reads them
        con.register("facts", pl.concat(frames, rechunk=False))
        return "facts"


def export_facts(conninfo: str, folder: Path) -> FactsSource:
    """Our own facts export, for a run without the store."""
    import polars as pl

    folder.mkdir(parents=True, exist_ok=True)
    with psycopg.connect(conninfo) as conn:
        years: dict[int, int] = {
            pk: int(code)
            for pk, code in conn.execute(
                "SELECT id, code FROM catalog_period WHERE kind = 'year'"
            ).fetchall()
        }
        cursor = conn.cursor(name="facts")
        cursor.execute(
            "SELECT data_element_id, unit_id, period_id, value FROM collect_datavalue"
        )
        part = 0
        while rows := cursor.fetchmany(5_000_000):
            pl.DataFrame(
                rows,
                schema={
                    "measure": pl.Int32,
                    "unit": pl.Int32,
                    "period": pl.Int32,
                    "value": pl.Float64,
                },
                orient="row",
            ).with_columns(
                year=pl.col("period").replace_strict(years, return_dtype=pl.Int32)
            ).drop("period").write_parquet(folder / f"values-{part}.parquet")
            part += 1
        cursor.close()
        met = conn.execute(
            "SELECT unit_id, year, (status = 'met')::int FROM criteria_evaluation"
        ).fetchall()
    pl.DataFrame(
        met,
        schema={"unit": pl.Int32, "year": pl.Int32, "value": pl.Float64},
        orient="row",
    ).with_columns(measure=pl.lit(-1, dtype=pl.Int32)).select(
        "measure", "unit", "year", "value"
    ).write_parquet(folder / "met.parquet")
    return FactsSource(
        sorted(folder.glob("*.parquet")),
        "our own Parquet export of the values and evaluations",
    )


def store_facts() -> FactsSource | None:
    """The analytics store's facts files (facts/<province>-<level>.arrow)."""
    from vandong.analytics.store import Store

    files = sorted((Store().root / "facts").glob("*.arrow"))
    if not files:
        return None
    return FactsSource(files, f"the store's facts, {len(files)} Arrow files")


def reference_b(source: FactsSource, ancestors: Path, runs: int) -> tuple[float, int]:
    """Median of `runs`, each from opening the files to the table made."""
    import duckdb

    times = []
    rows = 0
    for _ in range(runs):
        con = duckdb.connect()
        started = time.perf_counter()
        facts = source.relation(con)
        con.execute(
            f"""
            CREATE TABLE rollup AS
            SELECT f.measure, a.ancestor_id AS unit, f.year, sum(f.value) AS value
            FROM {facts} f
            JOIN read_parquet('{ancestors}') a ON a.unit_id = f.unit
            GROUP BY ALL
            """  # noqa: S608 - our own files
        )
        times.append(time.perf_counter() - started)
        (rows,) = con.execute("SELECT count(*) FROM rollup").fetchone() or (0,)
        con.close()
    return statistics.median(times), rows


# --- the API under load ------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - our own server
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@dataclass
class ApiFigures:
    requests: int = 0
    errors: int = 0
    times: list[float] = field(default_factory=list)
    single: list[float] = field(default_factory=list)
    first_error: str = ""
    rows: int = 0
    server_peak: int = 0
    bytes: int = 0


def api_load(
    env: dict[str, str],
    *,
    province: str,
    indicator: str,
    clients: int,
    per_client: int,
    server_kind: str,
    workers: int,
    threads: int,
) -> ApiFigures:
    token = _worker(env, "token", province)["token"]
    port = _free_port()
    if server_kind == "gunicorn":
        # As the README deploys it (gunicorn vandong.wsgi -w 4).
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "vandong.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
        ]
    else:
        command = [
            str(ROOT / ".venv" / "bin" / "vandong"),
            "serve",
            "--port",
            str(port),
            "--threads",
            str(threads),
        ]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    figures = ApiFigures()
    base = f"http://127.0.0.1:{port}/api/v1/analytics"
    url = f"{base}?indicator={indicator}&unit={province}&level=3&tree=legacy"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get(url, token)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        if status != 200:
            figures.first_error = f"{status} {body[:300]!r}"
        else:
            data = json.loads(body)
            figures.rows = (
                len(data) if isinstance(data, list) else len(data.get("rows", []))
            )
            figures.bytes = len(body)
        for _ in range(20):  # warm every server thread
            _get(url, token)
        for _ in range(50):
            started = time.perf_counter()
            _get(url, token)
            figures.single.append(time.perf_counter() - started)
        lock = threading.Lock()

        def client() -> None:
            for _ in range(per_client):
                started = time.perf_counter()
                status, body = _get(url, token)
                elapsed = time.perf_counter() - started
                with lock:
                    figures.requests += 1
                    figures.times.append(elapsed)
                    if status != 200:
                        figures.errors += 1
                        figures.first_error = figures.first_error or (
                            f"{status} {body[:300]!r}"
                        )

        clients_running = [threading.Thread(target=client) for _ in range(clients)]
        for w in clients_running:
            w.start()
        for w in clients_running:
            w.join()
        figures.server_peak = sum(_vm_hwm(pid) for pid in _family(server.pid))
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    return figures


def _family(pid: int) -> list[int]:
    """The process and its children (gunicorn's workers)."""
    found = [pid]
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def _vm_hwm(pid: int) -> int:
    """Peak resident memory of a running process (VmHWM), in bytes."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


# --- the run ---------------------------------------------------------------------


def _analytics_ready() -> bool:
    try:
        _setup()
        from vandong.analytics import services
    except Exception:  # anything missing means: not yet
        return False
    return hasattr(services, "rebuild") and hasattr(services, "refresh")


@dataclass
class Table:
    """Figures in columns; notes (details) on their own lines below them."""

    lines: list[tuple[str, ...]] = field(default_factory=list)

    def add(
        self,
        name: str,
        ours: str = "",
        reference: str = "",
        target: str = "",
        verdict: str = "",
    ) -> None:
        self.lines.append((name, ours, reference, target, verdict))

    def note(self, text: str) -> None:
        self.lines.append((text,))

    def print(self) -> None:
        header = ("figure", "ours", "reference (same run)", "target", "")
        rows = [header, *(line for line in self.lines if len(line) == 5)]
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for line in [header, *self.lines]:
            if len(line) == 1:
                print(f"    {line[0]}")
                continue
            cells = zip(line, widths, strict=True)
            print("  ".join(c.ljust(w) for c, w in cells).rstrip())


def _ok(good: bool) -> str:
    return "ok" if good else "MISSED"


def _rows_text(rows: object) -> str:
    if isinstance(rows, dict):
        return ", ".join(f"{k} {v:,}" for k, v in rows.items())
    return f"{rows:,}" if isinstance(rows, int) else "?"


def _steps_text(steps: object) -> str:
    if not isinstance(steps, dict):
        return ""
    return ", ".join(f"{k} {v:.2f}" for k, v in steps.items()) + " s"


def _gib(n: float) -> str:
    return f"{n / GIB:.2f} GiB"


def run(args: argparse.Namespace, db: str, folder: Path) -> None:
    conninfo = national_data.url(db)
    data_dir = folder / "data"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "vandong.settings",
        "DATABASE_URL": conninfo,
        "VANDONG_DATA_DIR": str(data_dir),
    }
    os.environ.update(env)
    table = Table()
    if not args.db:
        _say(f"generating scale {args.scale} (seed {args.seed}) into {db} …")
        world, load = national_data.make(
            db, data_dir, scale=args.scale, seed=args.seed, fmt=args.format, say=_say
        )
        values = load.rows["values"]
        seconds = load.seconds[f"values (COPY {args.format})"]
        table.add(
            f"load {values:,} values (COPY {args.format}, 2 indexes)",
            "",
            f"{seconds:.1f} s = {values / seconds:,.0f}/s",
            "(issue: ~150 s)",
        )
        table.note(
            f"then VACUUM ANALYZE {load.seconds['vacuum, analyze']:.1f} s; units, "
            f"edges, catalog {load.seconds['units, edges, periods, catalog']:.1f} s"
        )
        del world
    with psycopg.connect(conninfo) as conn:
        (values,) = conn.execute(
            "SELECT count(*) FROM collect_datavalue"
        ).fetchone() or (0,)
        (province,) = conn.execute(
            "SELECT code FROM geo_unit WHERE level = 1 AND valid_to IS NOT NULL "
            "ORDER BY code LIMIT 1"
        ).fetchone() or ("",)

    seconds, ancestor_rows = build_ancestors(conninfo)
    _settle()
    _say("reference A: PostgreSQL GROUP BY …")
    a_seconds, a_rows = reference_a(conninfo, args.pg_work_mem)
    table.add(
        "A: PostgreSQL GROUP BY rollup",
        "",
        f"{a_seconds:.1f} s, {a_rows:,} rows",
        "(issue: ~48 s)",
    )
    table.note(
        f"ancestor table (unit, strict ancestor) from the paths: {ancestor_rows:,} "
        f"rows in {seconds:.1f} s, not counted; work_mem {args.pg_work_mem}"
    )
    ancestors = folder / "ancestors.parquet"
    export_ancestors(conninfo, ancestors)

    peaks = [("bench process", _peak_bytes())]
    ready = _analytics_ready() and not args.references_only
    cold: dict[str, Any] | None = None
    warm: list[dict[str, Any]] = []
    if ready:
        _settle()
        _say("ours: cold rebuild …")
        profile = ["profile"] if args.profile else []
        cold = _worker(env, "rebuild", "cold", *profile)
        peaks.append(("cold rebuild", cold["peak"]))
        for i in range(args.runs):
            _settle()
            _say(f"ours: rebuild from the store ({i + 1}/{args.runs}) …")
            warm.append(_worker(env, "rebuild", *(profile if i == 0 else [])))
        peaks.append(("rebuild", max(w["peak"] for w in warm)))

    source = store_facts() if ready else None
    if source is None:
        source = export_facts(conninfo, folder / "facts")
    _settle()
    _say("reference B: DuckDB …")
    b_seconds, b_rows = reference_b(source, ancestors, args.runs)
    table.add(
        "B: DuckDB rollup, by hand",
        "",
        f"{b_seconds:.2f} s, {b_rows:,} rows",
        "(issue: ~2.3 s)",
    )
    table.note(f"B reads {source.label}, joined with the same ancestor table")

    if cold is not None:
        table.add(
            "cold rebuild (store deleted)",
            f"{cold['seconds']:.1f} s",
            f"A {a_seconds:.1f} s",
            "<= A",
            _ok(cold["seconds"] <= a_seconds * TARGET_COLD_VS_A),
        )
        table.note(
            f"{cold['facts'] or 0:,} facts read; rows written: "
            f"{_rows_text(cold['rows'])}; store {cold['store_bytes'] / 2**20:,.0f} MiB"
        )
        table.note("steps: " + _steps_text(cold["steps"]))
    if warm:
        median = statistics.median(w["seconds"] for w in warm)
        table.add(
            f"rebuild from the store (median of {len(warm)})",
            f"{median:.2f} s",
            f"A {a_seconds:.1f} s: {a_seconds / median:.1f}x faster",
            f">= {TARGET_SPEEDUP_VS_A:.0f}x",
            _ok(a_seconds / median >= TARGET_SPEEDUP_VS_A),
        )
        table.add(
            "",
            "",
            f"B {b_seconds:.2f} s: ours/B = {median / b_seconds:.2f}",
            f"<= {TARGET_VS_B}",
            _ok(median <= b_seconds * TARGET_VS_B),
        )
        table.note(
            "runs: "
            + ", ".join(f"{w['seconds']:.2f}" for w in warm)
            + " s; steps of the first: "
            + _steps_text(warm[0]["steps"])
        )

    if ready:
        _settle()
        _say("ours: incremental …")
        incremental = _worker(env, "incremental", str(args.incremental_runs))
        peaks.append(("incremental", incremental["peak"]))
        for case in incremental["cases"]:
            table.add(
                f"incremental: {case['label']} {case['unit']} {case['year']}, "
                f"{case['values']} values saved",
                f"{case['visible_median'] * 1000:,.0f} ms",
                f"save {case['write_median'] * 1000:,.0f} ms; worst "
                f"{case['visible_max'] * 1000:,.0f} ms",
                f"< {TARGET_INCREMENTAL:.0f} s",
                _ok(case["visible_median"] < TARGET_INCREMENTAL)
                + ("" if case["visible"] else ", NOT VISIBLE in queries"),
            )
            table.note(
                f"refresh(unit_ids, years) called alone: median "
                f"{case['refresh_median'] * 1000:,.0f} ms, worst "
                f"{case['refresh_max'] * 1000:,.0f} ms"
            )
        table.note(
            "ours = from the save's start until the store has the new values "
            f"(median of {args.incremental_runs})"
        )
        if not args.skip_api:
            _settle()
            _say("ours: API under load …")
            api = api_load(
                env,
                province=province,
                indicator=args.indicator,
                clients=args.clients,
                per_client=args.requests,
                server_kind=args.server,
                workers=args.server_workers,
                threads=args.server_threads,
            )
            server_text = (
                f"gunicorn -w {args.server_workers}"
                if args.server == "gunicorn"
                else f"vandong serve (waitress) --threads {args.server_threads}"
            )
            if api.times:
                times = sorted(api.times)
                p50 = times[len(times) // 2]
                p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                table.add(
                    f"API p95, {args.clients} clients, province {province} level 3",
                    f"{p95 * 1000:.0f} ms",
                    f"p50 {p50 * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms, "
                    f"{api.requests} requests, {api.errors} errors, "
                    f"{api.rows} rows/{api.bytes / 1024:.0f} KiB each",
                    f"< {TARGET_API_P95 * 1000:.0f} ms",
                    _ok(p95 < TARGET_API_P95 and api.errors == 0),
                )
            if api.single:
                single = sorted(api.single)
                table.note(
                    f"one client alone: p50 {single[len(single) // 2] * 1000:.0f} ms, "
                    f"p95 {single[int(len(single) * 0.95)] * 1000:.0f} ms "
                    f"({len(single)} requests); server: {server_text}"
                )
            if api.first_error:
                table.note(f"API error: {api.first_error}")
            peaks.append(("API server", api.server_peak))
    peaks.append(("bench process", _peak_bytes()))
    worst = max(peaks, key=lambda p: p[1])
    table.add(
        "peak memory (ru_maxrss, per process)",
        _gib(worst[1]),
        worst[0],
        "< 8 GiB",
        _ok(worst[1] < TARGET_MEMORY),
    )
    table.note("; ".join(f"{n} {_gib(b)}" for n, b in peaks))
    print()
    print(f"{values:,} values, scale {args.scale}, {os.cpu_count()} cores")
    table.print()
    if not ready:
        print("vandong.analytics.services.rebuild/refresh not there yet: ours skipped")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--format", choices=["binary", "csv"], default="binary")
    parser.add_argument("--db", help="an existing database national_data.py filled")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--runs", type=int, default=3, help="rebuild and B runs")
    parser.add_argument("--incremental-runs", type=int, default=5)
    parser.add_argument("--pg-work-mem", default="1GB")
    parser.add_argument("--indicator", default="NV_HH")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=25, help="per client")
    parser.add_argument(
        "--server", choices=["gunicorn", "waitress"], default="gunicorn"
    )
    parser.add_argument("--server-workers", type=int, default=4, help="gunicorn -w")
    parser.add_argument("--server-threads", type=int, default=8, help="waitress")
    parser.add_argument("--skip-api", action="store_true")
    parser.add_argument("--references-only", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, rest = args.worker[0], args.worker[1:]
        if kind == "rebuild":
            result = worker_rebuild("cold" in rest, "profile" in rest)
        elif kind == "incremental":
            result = worker_incremental(int(rest[0]))
        else:
            result = worker_token(rest[0])
        print(json.dumps(result))
        return
    db = args.db or f"vandong_bench_{os.getpid()}"
    if not args.db:
        national_data.create_database(db)
    try:
        with tempfile.TemporaryDirectory(prefix="analytics-bench-") as tmp:
            run(args, db, Path(tmp))
    finally:
        if args.db or args.keep:
            print(f"database kept: {national_data.url(db)}")
        else:
            national_data.drop_database(db)


if __name__ == "__main__":
    main()
