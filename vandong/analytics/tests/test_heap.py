"""The C heap kept while a rebuild runs, given back after."""

import threading

import numpy as np
import pytest

from vandong.analytics.engine import heap

pytestmark = pytest.mark.skipif(not heap.available(), reason="glibc only")


def _resident_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096


def _blocks(count: int = 48) -> list[np.ndarray]:
    # Arrays of 1 MiB, each written (so resident), in the heap's range.
    return [np.ones(1 << 17) for _ in range(count)]


def test_freed_arrays_stay_in_the_process_meanwhile_and_are_given_back_after() -> None:
    with heap.keeping_freed_memory():
        blocks = _blocks()
        held = _resident_bytes()
        del blocks
        kept = _resident_bytes()
    after = _resident_bytes()
    assert kept > held - (4 << 20)
    assert after < kept - (40 << 20)


def test_a_thread_reuses_what_it_freed_without_new_pages() -> None:
    """The arrays a rebuild's thread allocates again land on pages it
    already has (no page faults on the second round)."""
    import resource

    rounds: list[int] = []

    def work() -> None:
        for _ in range(3):
            faults = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
            blocks = _blocks()
            del blocks
            rounds.append(resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - faults)

    with heap.keeping_freed_memory():
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    # (Without it, the second round touches fresh pages again: 48 arrays of
    # 256 pages each.)
    assert max(rounds[1:]) < 4 * 256


def test_holders_keep_it_until_the_last_one_leaves() -> None:
    with heap.keeping_freed_memory():
        with heap.keeping_freed_memory():
            pass
        # More than the heap keeps once the last holder has left (64 MiB).
        blocks = _blocks(96)
        held = _resident_bytes()
        del blocks
        kept = _resident_bytes()
    assert kept > held - (4 << 20)
