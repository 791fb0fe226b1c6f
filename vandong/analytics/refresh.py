"""Keeping the analytics store in step with the values and evaluations.

After a write of values (or of evaluations) commits, the provinces and
years it touched are rolled up again. Where that runs:
- "thread" (the default for the web): one background thread per process
  takes the requests, merging those that pile up, so that saving a cell
  does not wait for the rollup and a changed value is on the dashboards a
  moment later;
- "inline": at once, in the caller (the tests, the command line);
- with a task worker (VANDONG_TASK_WORKER), as a background task.
Set with `settings.ANALYTICS_REFRESH`.
"""

import logging
import queue
import threading
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.dispatch import receiver
from django_tasks import task

from vandong.analytics import services
from vandong.analytics.store import Store
from vandong.catalog.models import Period, PeriodKind
from vandong.collect.signals import values_changed
from vandong.criteria.signals import evaluations_changed

logger = logging.getLogger(__name__)


def _mode() -> str:
    if settings.TASKS["default"]["BACKEND"].endswith("DatabaseBackend"):
        return "task"
    return str(getattr(settings, "ANALYTICS_REFRESH", "thread"))


def request_refresh(unit_ids: Iterable[int] | None, years: Iterable[int]) -> None:
    """Bring the store up to date for these units (None: all) and years."""
    ids = None if unit_ids is None else sorted(set(unit_ids))
    wanted = sorted(set(years))
    if not wanted:
        return
    mode = _mode()
    if mode == "inline":
        _run(ids, wanted)
    elif mode == "task":
        refresh_task.enqueue(unit_ids=ids, years=wanted)
    else:
        _worker().put(ids, wanted)


def _run(unit_ids: list[int] | None, years: list[int]) -> None:
    if unit_ids is None:
        # Every unit changed (a whole criteria set evaluated): read everything.
        if Store().is_built():
            services.rebuild(cold=True)
        return
    services.refresh(unit_ids=unit_ids, years=years)


@task()
def refresh_task(unit_ids: list[int] | None, years: list[int]) -> None:
    _run(unit_ids, years)


SETTLE_SECONDS = 0.01


Request = tuple[list[int] | None, list[int]]


class _Worker:
    """One daemon thread; requests that arrive while it works are merged.
    A request that failed is tried again with the next one: a refresh reads
    only the units written, so nothing else would bring them in before a
    rebuild."""

    def __init__(self) -> None:
        self.requests: queue.Queue[Request] = queue.Queue()
        self.failed: list[Request] = []
        self.idle = threading.Event()
        self.idle.set()
        self.thread = threading.Thread(
            target=self._loop, name="analytics-refresh", daemon=True
        )
        self.thread.start()

    def put(self, unit_ids: list[int] | None, years: list[int]) -> None:
        self.idle.clear()
        self.requests.put((unit_ids, years))

    def _loop(self) -> None:
        while True:
            first = self.requests.get()
            batch = [*self.failed, first]
            # A save's commit sends the evaluations its values changed and
            # the values themselves, one right after the other: wait that
            # moment, and roll both up at once.
            deadline = time.monotonic() + SETTLE_SECONDS
            while (left := deadline - time.monotonic()) > 0:
                try:
                    batch.append(self.requests.get(timeout=left))
                except queue.Empty:
                    break
            while not self.requests.empty():
                batch.append(self.requests.get_nowait())
            everything = any(ids is None for ids, _ in batch)
            units = (
                None
                if everything
                else sorted({u for ids, _ in batch for u in ids or []})
            )
            years = sorted({y for _, ys in batch for y in ys})
            try:
                _run(units, years)
                self.failed = []
            except Exception:  # a failed refresh must not kill the thread
                logger.exception("analytics refresh failed")
                self.failed = [(units, years)]
            finally:
                close_old_connections()
                if self.requests.empty():
                    self.idle.set()


_WORKER: _Worker | None = None
_WORKER_LOCK = threading.Lock()


def _worker() -> _Worker:
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            _WORKER = _Worker()
        return _WORKER


def wait_idle(timeout: float = 30.0) -> bool:
    """Wait for this process's background refreshes to finish."""
    return _WORKER is None or _WORKER.idle.wait(timeout)


@receiver(values_changed)
def on_values_changed(
    sender: Any, *, unit_ids: list[int], period_ids: list[int], **kwargs: Any
) -> None:
    years = sorted(
        {
            p.start.year
            for p in Period.objects.filter(pk__in=period_ids, kind=PeriodKind.YEAR)
        }
    )
    request_refresh(unit_ids, years)


@receiver(evaluations_changed)
def on_evaluations_changed(
    sender: Any, *, unit_ids: list[int] | None, years: list[int], **kwargs: Any
) -> None:
    request_refresh(unit_ids, years)
