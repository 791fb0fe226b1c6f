"""The OCOP star bands and the certificate's validity, read from the data
file `catalog/criteria/sets/ocop-148-2023.bands` (QĐ 148/QĐ-TTg). Pure: no
Django. Nothing here retypes the file's numbers."""

import calendar
import datetime
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vandong.catalog.criteria.reader.schema import SETS_DIR

BANDS_FILE: Path = SETS_DIR / "ocop-148-2023.bands"


@dataclass(frozen=True)
class Band:
    stars: int
    min_points: int
    below: int | None  # None: the top band, which ends at `max_points`
    verified: bool

    def contains(self, score: float, max_points: int) -> bool:
        if self.below is None:
            return self.min_points <= score <= max_points
        return self.min_points <= score < self.below

    def text(self, max_points: int) -> str:
        """ "70-<90", "90-100" """
        if self.below is None:
            return f"{self.min_points}-{max_points}"
        return f"{self.min_points}-<{self.below}"


@dataclass(frozen=True)
class RecognisingBody:
    stars: frozenset[int]
    body_vi: str


@dataclass(frozen=True)
class OcopRules:
    code: str
    document: str
    product_groups: tuple[str, ...]
    max_points: int
    bands: tuple[Band, ...]
    valid_months: int
    rated_stars: frozenset[int]
    bodies: tuple[RecognisingBody, ...]

    def band_of(self, score: float) -> Band | None:
        for band in self.bands:
            if band.contains(score, self.max_points):
                return band
        return None

    def band_for_stars(self, stars: int) -> Band | None:
        return next((b for b in self.bands if b.stars == stars), None)

    def expires_on(self, decision_date: datetime.date) -> datetime.date:
        """The day the certificate lapses: `valid_months` after the decision."""
        return add_months(decision_date, self.valid_months)

    def body_for(self, stars: int) -> str:
        """The recognising body the file names for a rating of `stars`."""
        return next((b.body_vi for b in self.bodies if stars in b.stars), "")


def add_months(day: datetime.date, months: int) -> datetime.date:
    """`day` moved `months` calendar months on; the 31st becomes the month's
    last day where the month is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def parse_rules(data: dict[str, Any]) -> OcopRules:
    """The rules from the file's parsed YAML; a KeyError or ValueError on a
    file that lacks what the registry needs."""
    bands = tuple(
        sorted(
            (
                Band(
                    stars=int(b["stars"]),
                    min_points=int(b["min_points"]),
                    below=None if b.get("below") is None else int(b["below"]),
                    verified=bool(b.get("verified", False)),
                )
                for b in data["bands"]
            ),
            key=lambda b: -b.stars,
        )
    )
    parts = data.get("score_parts") or []
    max_points = sum(int(p["max_points"]) for p in parts) if parts else 100
    certificate = data["certificate"]
    basis = (data.get("legal_basis") or [{}])[0]
    return OcopRules(
        code=str(data["code"]),
        document=str(basis.get("document", "")),
        product_groups=tuple(str(g) for g in data["product_groups"]),
        max_points=max_points,
        bands=bands,
        valid_months=int(certificate["valid_months"]),
        rated_stars=frozenset(int(s) for s in certificate["applies_to_stars"]),
        bodies=tuple(
            RecognisingBody(
                stars=frozenset(int(s) for s in b["stars"]), body_vi=str(b["body_vi"])
            )
            for b in data.get("recognising_body") or []
        ),
    )


@functools.cache
def ocop_rules() -> OcopRules:
    """The shipped file's rules, read once."""
    with BANDS_FILE.open(encoding="utf-8") as handle:
        return parse_rules(yaml.safe_load(handle))
