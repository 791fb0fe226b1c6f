"""The web process's refresh thread: requests that pile up are merged, and
one that failed is tried again with the next."""

import threading

import pytest

from vandong.analytics import refresh


def test_a_failed_refresh_is_tried_again_with_the_next_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[list[int] | None, list[int]]] = []

    def run(units: list[int] | None, years: list[int]) -> None:
        calls.append((units, years))
        if len(calls) == 1:
            raise OSError("no space left on device")

    monkeypatch.setattr(refresh, "_run", run)
    worker = refresh._Worker()
    worker.put([7], [2024])
    assert worker.idle.wait(5)
    worker.put([3], [2025])
    assert worker.idle.wait(5)
    worker.put([3], [2025])
    assert worker.idle.wait(5)
    # The first failed: its units came again with the second, which worked,
    # so the third is alone.
    assert calls == [([7], [2024]), ([3, 7], [2024, 2025]), ([3], [2025])]


def test_requests_arriving_meanwhile_are_rolled_up_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[list[int] | None, list[int]]] = []
    working = threading.Event()
    go_on = threading.Event()

    def run(units: list[int] | None, years: list[int]) -> None:
        calls.append((units, years))
        working.set()
        assert go_on.wait(5)

    monkeypatch.setattr(refresh, "_run", run)
    worker = refresh._Worker()
    worker.put([1], [2023])
    assert working.wait(5)
    # While the first is rolled up, two saves come in.
    worker.put([5, 6], [2024])
    worker.put([5], [2025])
    go_on.set()
    assert worker.idle.wait(5)
    assert calls == [([1], [2023]), ([5, 6], [2024, 2025])]
