"""The public portal under load: 50 clients browsing province and commune
pages for 60 s, on SQLite and on PostgreSQL.

    .venv/bin/python bench/portal_load.py                       # both databases
    .venv/bin/python bench/portal_load.py --only sqlite --duration 20
    .venv/bin/python bench/portal_load.py --keep                # keep the data

For each database it loads the demo (`vandong demo`, Lai Châu, 2016-2026)
into a data folder of its own (SQLite: `<work>/sqlite`; PostgreSQL: a
database `vandong_portal_bench_<pid>` it creates and drops at the end unless
--keep), marks every form of the demo approved (the demo holds no approvals;
the approval service would take ~25 ms a form, ~8 minutes for the demo's
~19,000 forms, so this setup step writes the approval rows directly), and
publishes every year but 2021 through `portal.services.publish` as the
demo's province officer `tinh`, so the unpublished year's pages are
browsed too.

It then starts the server in a subprocess (`vandong serve`, waitress, or
gunicorn with --server gunicorn) with empty caches and, from this process,
runs `--clients` threads, each with its own keep-alive connection, fetching
pages one after the other without pause: the province page (every year,
both trees) and commune pages (every commune of both trees, in the years it
existed), 1,158 pages on the demo. Two phases, each reported:

- first visits: every page once, shared out among the clients, from empty
  caches (what the first readers after a restart or a publication meet);
- browsing: `--duration` seconds, each client in its own shuffled order.

No conditional requests (If-None-Match): every answer is a full page. It
prints p50/p95/p99 latency, requests, errors and requests per second.
Target (issue 8): p95 under 200 ms and no errors while browsing.
"""

import argparse
import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VANDONG = str(ROOT / ".venv" / "bin" / "vandong")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
UNPUBLISHED_YEAR = 2021
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"


def _say(text: str) -> None:
    print(text, flush=True)


# -- the data, in a subprocess with the database's settings -------------------------


def prepare() -> None:
    """Approve every form holding values (directly: see the docstring), then
    publish every year but UNPUBLISHED_YEAR. Runs with DJANGO_SETTINGS_MODULE
    and the database's environment."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from vandong.catalog.models import Period, PeriodKind
    from vandong.collect.models import Approval, ApprovalState
    from vandong.geo.models import Level, Unit
    from vandong.portal import services, state
    from vandong.portal.models import Publication

    province = Unit.objects.get(code="12", level=Level.PROVINCE)
    years = sorted(
        p.start.year
        for p in Period.objects.filter(kind=PeriodKind.YEAR)
        if p.start.year <= timezone.localdate().year
    )
    started = time.perf_counter()
    periods = state.year_periods(years)
    triples = state.unapproved_forms(province, years)
    now = timezone.now()
    with transaction.atomic():
        Approval.objects.filter(
            unit__path__startswith=province.path, period_id__in=list(periods)
        ).update(state=ApprovalState.APPROVED, updated_at=now)
        Approval.objects.bulk_create(
            [
                Approval(
                    data_set_id=ds,
                    unit_id=u,
                    period_id=p,
                    state=ApprovalState.APPROVED,
                    updated_at=now,
                )
                for ds, u, p in triples
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
    officer = get_user_model().objects.get(username="tinh")
    published = []
    for year in years:
        if year == UNPUBLISHED_YEAR:
            # The demo publishes its past years: this one is browsed unpublished.
            if Publication.objects.filter(province=province, year=year).exists():
                services.withdraw(actor=officer, province=province, year=year)
            continue
        if not state.has_values(province, year):
            continue
        services.publish(actor=officer, province=province, year=year)
        published.append(year)
    _say(
        f"  {len(triples)} forms approved, years {published[0]}-{published[-1]} "
        f"published but {UNPUBLISHED_YEAR} ({time.perf_counter() - started:.1f} s)"
    )


def urls() -> None:
    """Print the pages the clients browse, one a line."""
    import django

    django.setup()
    from django.urls import reverse

    from vandong.geo.models import Level, Unit
    from vandong.portal import state

    province = Unit.objects.get(code="12", level=Level.PROVINCE)
    public = state.public_years(province)
    years = sorted({*public, UNPUBLISHED_YEAR})
    base = reverse("portal:province", args=[province.code])
    for year in years:
        for tree in ("legacy", "current"):
            print(base + "?" + urlencode({"year": year, "tree": tree}))
    for unit in Unit.objects.filter(
        path__startswith=province.path, level=Level.COMMUNE
    ).order_by("code", "valid_from"):
        first = unit.valid_from.year if unit.valid_from else min(years)
        last = unit.valid_to.year if unit.valid_to else max(years)
        for year in years:
            if first <= year <= last:
                query: dict[str, Any] = {"year": year}
                if unit.valid_to is not None:
                    query["on"] = unit.reference_date.isoformat()
                print(
                    reverse("portal:commune", args=[unit.code]) + "?" + urlencode(query)
                )


# -- one database -------------------------------------------------------------------


@dataclass
class Result:
    name: str
    phase: str = ""
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    pages: int = 0
    bytes: int = 0
    error_samples: list[str] = field(default_factory=list)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def _env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "VANDONG_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "vandong.settings",
        "VANDONG_ANALYTICS_REFRESH": "inline",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        args, env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(
            f"{' '.join(args)} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def _server(
    env: dict[str, str], kind: str, workers: int, threads: int
) -> Iterator[int]:
    port = _free_port()
    if kind == "gunicorn":
        command = [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "vandong.wsgi",
            "-w",
            str(workers),
            "-k",
            "gthread",
            "--threads",
            str(threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ]
    else:
        command = [VANDONG, "serve", "--port", str(port), "--threads", str(threads)]
    server = subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", port), timeout=1),
            ):
                break
            if time.monotonic() > deadline or server.poll() is not None:
                err = server.stderr.read().decode() if server.stderr else ""
                raise SystemExit(f"the server did not start:\n{err[-3000:]}")
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


class Connection:
    """A keep-alive HTTP/1.1 connection with just enough of the protocol to
    fetch pages (http.client parses headers in Python at some cost per
    request, which the clients' own process would then measure)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None
        self.buffer = b""

    def _fill(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(262144)
        if not chunk:
            raise ConnectionError("closed by the server")
        self.buffer += chunk

    def get(self, path: str) -> tuple[int, int]:
        if self.sock is None:
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept-Language: vi\r\nAccept-Encoding: identity\r\n\r\n".encode()
        )
        while b"\r\n\r\n" not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if headers.get("transfer-encoding", "").lower() == "chunked":
            size = 0
            while True:
                while b"\r\n" not in self.buffer:
                    self._fill()
                size_line, self.buffer = self.buffer.split(b"\r\n", 1)
                n = int(size_line.split(b";")[0], 16)
                while len(self.buffer) < n + 2:
                    self._fill()
                self.buffer = self.buffer[n + 2 :]
                size += n
                if n == 0:
                    break
        else:
            size = int(headers.get("content-length", "0"))
            while len(self.buffer) < size:
                self._fill()
            self.buffer = self.buffer[size:]
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, size


def _load(port: int, pages: list[str], clients: int, duration: float | None) -> Result:
    """`clients` threads fetching pages one after the other: for `duration`
    seconds, each in its own shuffled order; or (None) every page once,
    shared out among them."""
    result = Result(name="", pages=len(pages))
    lock = threading.Lock()
    stop = time.monotonic() + (duration or 0)
    queue = pages[:]
    random.Random(0).shuffle(queue)  # noqa: S311 - an order, not a secret

    def next_page(order: list[str], i: int) -> str | None:
        if duration is None:
            with lock:
                return queue.pop() if queue else None
        if time.monotonic() >= stop:
            return None
        return order[i % len(order)]

    def client(seed: int) -> None:
        order = pages[:]
        random.Random(seed).shuffle(order)  # noqa: S311 - an order, not a secret
        conn = Connection(port)
        latencies: list[float] = []
        errors: list[str] = []
        size = 0
        i = 0
        while (path := next_page(order, i)) is not None:
            i += 1
            started = time.perf_counter()
            try:
                status, length = conn.get(path)
                elapsed = time.perf_counter() - started
                if status != 200:
                    errors.append(f"{status} {path}")
                size += length
                latencies.append(elapsed)
            except (OSError, ValueError, IndexError) as exc:
                errors.append(f"{type(exc).__name__} {path}")
                conn.close()
        conn.close()
        with lock:
            result.latencies.extend(latencies)
            result.errors += len(errors)
            result.error_samples.extend(errors[:3])
            result.bytes += size

    threads = [
        threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - started
    result.requests = len(result.latencies)
    return result


def bench_one(
    name: str,
    data_dir: Path,
    database_url: str | None,
    args: argparse.Namespace,
) -> list[Result]:
    env = _env(data_dir, database_url)
    marker = data_dir / "portal-bench-ready"
    if not marker.exists():
        _say(f"{name}: loading the demo into {database_url or data_dir}…")
        started = time.perf_counter()
        _run(env, VANDONG, "demo")
        _say(f"  demo loaded ({time.perf_counter() - started:.0f} s)")
        _say(_run(env, PYTHON, __file__, "_prepare").rstrip())
        marker.write_text("ready\n")
    pages = [line for line in _run(env, PYTHON, __file__, "_urls").splitlines() if line]
    shutil.rmtree(data_dir / "cache", ignore_errors=True)  # start cold
    _say(
        f"{name}: {len(pages)} pages, {args.clients} clients, {args.duration:.0f} s, "
        f"server {args.server}…"
    )
    with _server(env, args.server, args.workers, args.threads) as port:
        first = _load(port, pages, args.clients, None)
        first.name, first.phase = name, "first visits"
        browsing = _load(port, pages, args.clients, args.duration)
        browsing.name, browsing.phase = name, f"{args.duration:.0f} s browsing"
    return [first, browsing]


def _pg_database(name: str, drop: bool) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        if drop:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        else:
            conn.execute(f'CREATE DATABASE "{name}"')


def _print(results: list[Result], args: argparse.Namespace) -> None:
    _say("")
    _say(
        f"Public portal, {args.clients} clients for {args.duration:.0f} s each, "
        f"server: {args.server}"
        + (
            f" -w {args.workers} --threads {args.threads}"
            if args.server == "gunicorn"
            else f" --threads {args.threads}"
        )
        + f", {os.cpu_count()} CPUs (server and clients on one machine)"
    )
    header = (
        f"{'database':<11}{'phase':<16}{'seconds':>8}{'requests':>9}{'errors':>7}"
        f"{'req/s':>7}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'max ms':>8}"
        f"{'KB/page':>8}"
    )
    _say(header)
    for r in results:
        p95 = r.quantile(0.95)
        verdict = ""
        if r.phase.endswith("browsing"):
            ok = p95 < 200 and r.errors == 0
            verdict = "  target p95 < 200 ms, 0 errors: " + ("met" if ok else "MISSED")
        _say(
            f"{r.name:<11}{r.phase:<16}{r.seconds:>8.1f}{r.requests:>9}{r.errors:>7}"
            f"{r.requests / r.seconds:>7.0f}{r.quantile(0.5):>8.1f}{p95:>8.1f}"
            f"{r.quantile(0.99):>8.1f}"
            f"{max(r.latencies) * 1000 if r.latencies else 0:>8.0f}"
            f"{r.bytes / max(1, r.requests) / 1024:>8.1f}{verdict}"
        )
        for sample in r.error_samples[:5]:
            _say(f"{'':<11}error: {sample}")
    if results:
        _say(
            f"{results[0].pages} distinct pages; first visits: every page once, "
            "from empty caches, shared out among the clients."
        )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "_prepare":
        prepare()
        return
    if len(sys.argv) > 1 and sys.argv[1] == "_urls":
        urls()
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument(
        "--server", choices=["waitress", "gunicorn"], default="waitress"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn -w")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--work", default="", help="folder for the data (default: a new temporary one)"
    )
    parser.add_argument("--keep", action="store_true", help="keep data and database")
    args = parser.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="portal-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results = []
    try:
        if args.only in (None, "sqlite"):
            results.extend(bench_one("SQLite", work / "sqlite", None, args))
        if args.only in (None, "postgresql"):
            name = f"vandong_portal_bench_{os.getpid()}"
            marker = work / "postgresql" / "database"
            if marker.exists():
                name = marker.read_text().strip()
            else:
                _pg_database(name, drop=False)
                marker.parent.mkdir(parents=True, exist_ok=True)
                marker.write_text(name + "\n")
            try:
                results.extend(
                    bench_one(
                        "PostgreSQL",
                        work / "postgresql",
                        f"postgres://postgres@127.0.0.1:5432/{name}",
                        args,
                    )
                )
            finally:
                if not args.keep:
                    _pg_database(name, drop=True)
                    marker.unlink(missing_ok=True)
                    (work / "postgresql" / "portal-bench-ready").unlink(missing_ok=True)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    _print(results, args)


if __name__ == "__main__":
    main()
