"""Progress of the imports running now, kept in the cache and never in the
database.

An import runs in one transaction (all or nothing), so its `ImportBatch` row
stays invisible to every other request until it commits. Its progress lives in
the cache instead (by default a FileBasedCache in the data folder, which every
process on the host shares): one entry per import, found through a per-user
index, so users see their own imports and nobody else's.

    tracker = progress.start(user, filename)
    try:
        services.data_values_import(..., progress=tracker.update)
    finally:
        tracker.finish()  # from then on the committed (or rejected) batch shows it

Updates are written at most every `MIN_INTERVAL` seconds, plus one at each
change of phase. An entry expires `ENTRY_TTL` seconds after its last update.
An entry not updated for `STALE_AFTER` seconds belongs to an import that stopped
(its process was killed, the server restarted): its transaction was rolled
back, so nothing of it was saved.
"""

import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

ENTRY_TTL = 10 * 60  # seconds an entry lives after its last update
STALE_AFTER = 60  # seconds without an update before an import counts as stopped
MIN_INTERVAL = 0.25  # seconds between two writes of one import (4 a second)
MAX_PER_USER = 20  # the index keeps this many imports of one user at most
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


class Phase:
    READING = "reading"  # the file is being read, no count yet
    CHECKING = "checking"  # the values are checked (first half of the count)
    WRITING = "writing"  # the values are written (second half)
    FINISHING = "finishing"  # all written: rule checks, then the commit


def new_token() -> str:
    """A token for one upload, as the upload form carries it."""
    return secrets.token_urlsafe(12)


def clean_token(value: object) -> str | None:
    """`value` if it is a token of the right shape, else None."""
    if isinstance(value, str) and TOKEN_RE.match(value):
        return value
    return None


def _index_key(user_id: object) -> str:
    return f"collect:imports:{user_id}"


def _entry_key(user_id: object, token: str) -> str:
    return f"collect:imports:{user_id}:{token}"


def _phase(done: int, total: int) -> str:
    # The write service reports over two halves: checking, then writing
    # (`services.write._Report`).
    if total <= 0:
        return Phase.READING
    if done >= total:
        return Phase.FINISHING
    if done < total // 2:
        return Phase.CHECKING
    return Phase.WRITING


@dataclass
class InFlight:
    """An import of the user that has not finished, as the pages show it."""

    token: str
    filename: str
    done: int
    total: int
    phase: str
    dry_run: bool
    started_at: datetime
    updated_at: datetime
    stale: bool  # no update for STALE_AFTER seconds: it stopped, nothing saved

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total > 0 else 0


@dataclass
class Tracker:
    """Writes one import's progress to the cache; `update` is the service's
    `progress(done, total)` callback."""

    user_id: int
    token: str
    filename: str
    dry_run: bool = False
    started_at: datetime = field(default_factory=timezone.now)
    clock: Callable[[], float] = time.monotonic
    done: int = field(default=0, init=False)  # last reported, written or not
    total: int = field(default=0, init=False)
    finished: bool = field(default=False, init=False)
    _written_at: float | None = field(default=None, init=False)
    _written_phase: str = field(default="", init=False)

    def update(self, done: int, total: int) -> None:
        """Record `done` of `total`; write it unless the last write of the same
        phase is younger than MIN_INTERVAL."""
        if self.finished:
            return
        self.done, self.total = done, total
        phase = _phase(done, total)
        now = self.clock()
        recent = self._written_at is not None and now - self._written_at < MIN_INTERVAL
        if recent and phase == self._written_phase:
            return
        self._write(phase, now)

    def finish(self) -> None:
        """Forget the import: it committed, was rejected or failed."""
        if self.finished:
            return
        self.finished = True
        cache.delete(_entry_key(self.user_id, self.token))
        key = _index_key(self.user_id)
        tokens = cache.get(key) or []
        if self.token in tokens:
            rest = [t for t in tokens if t != self.token]
            if rest:
                cache.set(key, rest, ENTRY_TTL)
            else:
                cache.delete(key)

    def _write(self, phase: str, now: float) -> None:
        self._written_at, self._written_phase = now, phase
        entry: dict[str, Any] = {
            "token": self.token,
            "filename": self.filename,
            "done": self.done,
            "total": self.total,
            "phase": phase,
            "dry_run": self.dry_run,
            "started_at": self.started_at,
            "updated_at": timezone.now(),
        }
        cache.set(_entry_key(self.user_id, self.token), entry, ENTRY_TTL)
        # Another import of the same user, in another process, may have
        # rewritten the index without this one: put it back.
        key = _index_key(self.user_id)
        tokens = cache.get(key) or []
        if self.token in tokens:
            cache.touch(key, ENTRY_TTL)
        else:
            cache.set(key, [*tokens, self.token][-MAX_PER_USER:], ENTRY_TTL)


def start(
    user: Any, filename: str, *, token: str | None = None, dry_run: bool = False
) -> Tracker:
    """Announce an import of `user` (a token of the right shape, else a new one)."""
    tracker = Tracker(
        user_id=int(user.pk),
        token=clean_token(token) or new_token(),
        filename=filename,
        dry_run=dry_run,
    )
    tracker.update(0, 0)
    return tracker


def in_flight(user: Any) -> list[InFlight]:
    """The user's imports not finished, oldest first; the ones that stopped
    say so (`stale`)."""
    if user is None or user.pk is None:
        return []
    tokens = cache.get(_index_key(user.pk)) or []
    if not tokens:
        return []
    keys = {_entry_key(user.pk, t): t for t in tokens}
    found = cache.get_many(list(keys))
    now = timezone.now()
    entries = []
    for key, token in keys.items():
        raw = found.get(key)
        if not isinstance(raw, dict) or raw.get("token") != token:
            continue
        updated_at = raw["updated_at"]
        if now - updated_at > timedelta(seconds=ENTRY_TTL):
            continue
        entries.append(
            InFlight(
                token=token,
                filename=str(raw["filename"]),
                done=int(raw["done"]),
                total=int(raw["total"]),
                phase=str(raw["phase"]),
                dry_run=bool(raw["dry_run"]),
                started_at=raw["started_at"],
                updated_at=updated_at,
                stale=now - updated_at > timedelta(seconds=STALE_AFTER),
            )
        )
    return sorted(entries, key=lambda e: e.started_at)
