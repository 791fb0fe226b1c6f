"""A small cache in this process's memory, least recently used out first,
bounded by entries and by bytes, each entry with its own lifetime.

The portal keeps its rendered pages, their answers and unit look-ups here
rather than in the Django cache: they are many (a page per unit, year, tree
and language), and the shared file cache keeps 300 entries by default,
culling a third of its files, the login and tracking limiters' counters
among them, whenever it holds more. Every key carries what the entry depends
on (the state version and public years read from the shared cache, the
analytics store's stamp), so an entry here is as current as one there.
"""

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from django.conf import settings

ENTRIES = 20_000
BYTES = 128 * 1024 * 1024


class LocalCache:
    def __init__(self, entries: int = ENTRIES, max_bytes: int = BYTES) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self._data: OrderedDict[str, tuple[float, int, Any]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    def get(self, key: str) -> Any:
        now = time.monotonic()
        with self._lock:
            found = self._data.get(key)
            if found is None:
                return None
            expires, size, value = found
            if expires < now:
                del self._data[key]
                self._bytes -= size
                return None
            self._data.move_to_end(key)
            return value

    def set(self, key: str, value: Any, *, seconds: float, size: int = 0) -> None:
        with self._lock:
            old = self._data.pop(key, None)
            if old is not None:
                self._bytes -= old[1]
            self._data[key] = (time.monotonic() + seconds, size, value)
            self._bytes += size
            while self._data and (
                len(self._data) > self.entries or self._bytes > self.max_bytes
            ):
                _key, (_expires, dropped, _value) = self._data.popitem(last=False)
                self._bytes -= dropped

    def get_or_build(
        self,
        key: str,
        build: Callable[[], Any],
        *,
        seconds: float,
        size: Callable[[Any], int] | None = None,
    ) -> Any:
        """The entry, or `build()`'s result kept (`size` tells its bytes): one
        thread builds a missing entry while the others asking for it wait for
        it (no stampede when many readers arrive at a cold page at once)."""
        found = self.get(key)
        if found is not None:
            return found
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            found = self.get(key)
            if found is None:
                found = build()
                self.set(key, found, seconds=seconds, size=size(found) if size else 0)
        with self._lock:
            self._building.pop(key, None)
        return found

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._data)


memory = LocalCache(
    entries=int(getattr(settings, "PORTAL_MEMORY_ENTRIES", ENTRIES)),
    max_bytes=int(getattr(settings, "PORTAL_MEMORY_BYTES", BYTES)),
)
