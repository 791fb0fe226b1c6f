"""The analytics store: columnar files next to the database.

    <ANALYTICS_DIR>/
      manifest.json         when built, the derived measures' ids, the years
      units.arrow           the units of both trees as the rollup saw them
      facts/<root>-<level>.arrow  the facts as reported, by province (path
                            root) and level
      legacy/<root>.arrow   rolled-up rows of the units under that province
      legacy/top.arrow      rows of the provinces and the country (unit 0)
      current/<root>.arrow  the current tree: legacy figures carried onto the
      current/top.arrow     current units, and everything rolled up from them

Files are Arrow IPC, uncompressed: written at disk speed and read back
memory-mapped. Every file is replaced whole (written aside, then renamed),
so a reader in another process sees the old file or the new one, never
half of one. Writers take `store.lock()`.
"""

import contextlib
import copy
import fcntl
import json
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pyarrow as pa  # type: ignore[import-untyped]
from django.conf import settings

TREES = ("legacy", "current")
TOP = "top"


def default_dir() -> Path:
    configured = getattr(settings, "ANALYTICS_DIR", None)
    return Path(configured) if configured else Path(settings.DATA_DIR) / "analytics"


class Store:
    def __init__(self, root: Path | None = None) -> None:
        self.root = root or default_dir()

    # -- state --------------------------------------------------------------
    def manifest(self) -> dict[str, Any]:
        """The manifest, parsed once per version of the file (pages read it
        several times a request); each caller gets its own copy."""
        return copy.deepcopy(self._manifest())

    def stamp(self) -> str:
        """What changes whenever the store's figures change (asked by every
        API request: no copy of the manifest)."""
        manifest = self._manifest()
        return f"{manifest.get('built_at')}|{manifest.get('refreshed_at')}"

    def _manifest(self) -> dict[str, Any]:
        """The manifest as parsed, shared: not to be changed."""
        path = self.root / "manifest.json"
        try:
            stat = path.stat()
        except FileNotFoundError:
            return {}
        stamp = (stat.st_mtime_ns, stat.st_size)
        key = str(path)
        with _CACHE_LOCK:
            hit = _MANIFESTS.get(key)
        if hit is None or hit[0] != stamp:
            try:
                parsed = dict(json.loads(path.read_text()))
            except FileNotFoundError:
                return {}
            hit = (stamp, parsed)
            with _CACHE_LOCK:
                _MANIFESTS[key] = hit
        return hit[1]

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        self._replace(
            self.root / "manifest.json", json.dumps(manifest, indent=1).encode()
        )

    def is_built(self) -> bool:
        return bool(self.manifest().get("built_at"))

    def progress(self) -> dict[str, Any] | None:
        """What a rebuild running now has done, if one is."""
        path = self.root / "progress.json"
        if not path.exists():
            return None
        try:
            state = dict(json.loads(path.read_text()))
        except ValueError:
            return None
        return state if state.get("running") else None

    def write_progress(self, **state: Any) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self._replace(self.root / "progress.json", json.dumps(state).encode())

    def clear(self) -> None:
        for name in ("facts", *TREES):
            shutil.rmtree(self.root / name, ignore_errors=True)
        for name in ("manifest.json", "units.arrow"):
            (self.root / name).unlink(missing_ok=True)

    # -- frames -------------------------------------------------------------
    def facts_path(self, root: int, level: int) -> Path:
        return self.root / "facts" / f"{root}-{level}.arrow"

    def rows_path(self, tree: str, part: int | str) -> Path:
        return self.root / tree / f"{part}.arrow"

    def fact_roots(self) -> list[int]:
        folder = self.root / "facts"
        if not folder.exists():
            return []
        # Files are named <root>-<level>.arrow.
        return sorted(
            {
                int(p.stem.split("-")[0])
                for p in folder.glob("*-*.arrow")
                if p.stem.split("-")[0].isdigit()
            }
        )

    def read(self, path: Path) -> pl.DataFrame | None:
        """A file's frame, shared between readers of this process until the
        file is replaced."""
        try:
            stamp = path.stat().st_mtime_ns
        except FileNotFoundError:
            return None
        key = str(path)
        with _CACHE_LOCK:
            hit = _CACHE.get(key)
            if hit is not None and hit[0] == stamp:
                return hit[1]
        frame = _mapped(path)
        with _CACHE_LOCK:
            _CACHE[key] = (stamp, frame)
            while len(_CACHE) > _CACHE_FILES:
                _CACHE.pop(next(iter(_CACHE)))
        return frame

    def write(self, path: Path, frame: pl.DataFrame) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        _write_arrow(aside, frame)
        os.replace(aside, path)

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)

    def _replace(self, path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
        aside.write_bytes(data)
        os.replace(aside, path)

    # -- writers ------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, *, wait: float | None = None) -> Iterator[bool]:
        """One writer at a time, across processes. With `wait`, gives up
        after that many seconds and yields False instead of blocking."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            if wait is None:
                fcntl.flock(handle, fcntl.LOCK_EX)
                got = True
            else:
                got = _try_lock(handle, wait)
            try:
                yield got
            finally:
                if got:
                    fcntl.flock(handle, fcntl.LOCK_UN)


def _write_arrow(path: Path, frame: pl.DataFrame) -> None:
    """The frame as an Arrow IPC file, its columns' buffers handed to the
    OS as they are (Polars' own writer copies them first)."""
    table = frame.to_arrow()
    with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as out:
        out.write_table(table)


def _mapped(path: Path) -> pl.DataFrame:
    """The file's frame over its pages in the OS cache (memory-mapped, not
    copied: a file replaced meanwhile stays mapped as it was)."""
    with pa.memory_map(str(path)) as source:
        table = pa.ipc.open_file(source).read_all()
    return pl.DataFrame(pl.from_arrow(table, rechunk=False))


def _try_lock(handle: Any, wait: float) -> bool:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


# Files read in this process, by path: (mtime, frame). Small: a province's
# partition and the tops are what pages ask for.
_CACHE: dict[str, tuple[int, pl.DataFrame]] = {}
_CACHE_LOCK = threading.Lock()
_CACHE_FILES = 64
# Manifests read in this process, by path: ((mtime, size), parsed).
_MANIFESTS: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}
