"""The portal's in-process cache: bounded by entries and bytes, entries
expire, one builder per missing key."""

import threading
import time

from vandong.portal.localcache import LocalCache


def test_least_recently_used_go_first_by_entries_and_bytes():
    cache = LocalCache(entries=2, max_bytes=100)
    cache.set("a", 1, seconds=60, size=10)
    cache.set("b", 2, seconds=60, size=10)
    assert cache.get("a") == 1  # a is now the most recent
    cache.set("c", 3, seconds=60, size=10)
    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)
    cache.set("big", 4, seconds=60, size=95)
    assert len(cache) == 1
    assert cache.get("big") == 4


def test_entries_expire():
    cache = LocalCache()
    cache.set("a", 1, seconds=-1)
    assert cache.get("a") is None


def test_one_thread_builds_a_missing_entry():
    cache = LocalCache()
    calls = []
    gate = threading.Event()

    def build():
        calls.append(1)
        gate.wait(1)
        return "page"

    results = []
    threads = [
        threading.Thread(
            target=lambda: results.append(cache.get_or_build("k", build, seconds=60))
        )
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    time.sleep(0.1)
    gate.set()
    for t in threads:
        t.join()
    assert results == ["page"] * 8
    assert calls == [1]
