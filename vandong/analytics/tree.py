"""The units of both trees as arrays by id, for the rollups."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import polars as pl

from vandong.analytics.engine.arrays import take
from vandong.geo.models import REFORM_DATE

# Figures of this year on are the current units' own; before it, the current
# tree sees them through the succession edges.
REFORM_YEAR = REFORM_DATE.year
# The levels that report, from the villages up.
LEVELS = (4, 3, 2, 1)


@dataclass
class Tree:
    """The units as arrays by id: parent, level, root province, whether in
    the current tree."""

    units: pl.DataFrame
    level_of: np.ndarray
    root_of: np.ndarray
    current: np.ndarray

    @classmethod
    def of(cls, units: pl.DataFrame) -> "Tree":
        top = int(str(units["unit"].max() or 0)) + 1
        level_of = np.full(top, -1, dtype=np.int8)
        root_of = np.full(top, -1, dtype=np.int32)
        current = np.zeros(top, dtype=bool)
        ids = units["unit"].to_numpy()
        level_of[ids] = units["level"].to_numpy()
        root_of[ids] = units["root"].to_numpy()
        current[ids] = units["current"].to_numpy()
        level_of[0], root_of[0] = 0, 0
        return cls(units, level_of, root_of, current)

    def root_kind(self, root: int) -> str:
        """ "current" or "legacy" when every unit under this province (path
        root) is of that tree, else "mixed"."""
        return self._root_kinds.get(int(root), "mixed")

    @cached_property
    def _root_kinds(self) -> dict[int, str]:
        by_root = self.units.group_by("root").agg(
            pl.col("current").all().alias("all"),
            pl.col("current").any().alias("any"),
        )
        return {
            int(root): "current" if every else "mixed" if some else "legacy"
            for root, every, some in by_root.iter_rows()
        }

    def part(self, roots: Sequence[int]) -> "Tree":
        """The units under these provinces (path roots) only."""
        return Tree.of(self.units.filter(pl.col("root").is_in(list(roots))))

    def frame(self, *, current_only: bool = False) -> pl.DataFrame:
        units = self.units.filter(pl.col("current")) if current_only else self.units
        return units.select("unit", "parent", "level")

    def known(self, ids: np.ndarray) -> np.ndarray:
        return (ids >= 0) & (ids < len(self.level_of))

    def levels(self, ids: np.ndarray) -> np.ndarray:
        return self.lookup(self.level_of, ids)

    def roots(self, ids: np.ndarray) -> np.ndarray:
        return self.lookup(self.root_of, ids)

    def lookup(self, table: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """`table[ids]`, -1 for ids outside the tree."""
        return take(table, ids)
