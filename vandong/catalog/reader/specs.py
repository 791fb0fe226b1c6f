"""What the catalog files hold once read: one spec per item, each with where
it was written, and the problems found in them."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vandong.core.errors import RowError

FIXTURES_DIR = Path(__file__).resolve().parents[1] / "fixtures"

LEVELS: dict[str, int] = {"province": 1, "district": 2, "commune": 3, "village": 4}
LEVEL_NAMES_VI = {1: "tỉnh", 2: "huyện", 3: "xã", 4: "thôn"}
KINDS = ("periods", "data_elements", "data_sets", "validation_rules")
KIND_VI = {
    "periods": "kỳ báo cáo",
    "data_elements": "chỉ tiêu",
    "data_sets": "biểu mẫu",
    "validation_rules": "quy tắc kiểm tra",
}

# Item fields: required, then optional with their default.


@dataclass(frozen=True)
class Where:
    """An item of a fixture file: the file, the line it starts on, its list
    and position, and its code when it has one."""

    file: str
    line: int
    kind: str
    index: int
    code: str = ""

    def label(self) -> tuple[str, str]:
        code = f" ({self.code})" if self.code else ""
        return (
            f"{self.file}, dòng {self.line}, {KIND_VI.get(self.kind, self.kind)} "
            f"thứ {self.index}{code}",
            f"{self.file}, line {self.line}, {self.kind} item {self.index}{code}",
        )


@dataclass
class PeriodSpec:
    code: str
    kind: str
    start: datetime.date
    end: datetime.date
    where: Where


@dataclass
class ElementSpec:
    code: str
    values: dict[str, Any]  # model fields except numerator/denominator
    numerator: str | None
    denominator: str | None
    where: Where

    @property
    def is_computed(self) -> bool:
        return self.numerator is not None and self.denominator is not None


@dataclass
class MemberSpec:
    code: str
    section_vi: str
    section_en: str
    order: int
    is_required: bool


@dataclass
class DataSetSpec:
    code: str
    values: dict[str, Any]
    members: list[MemberSpec]
    where: Where


@dataclass
class RuleSpec:
    code: str
    values: dict[str, Any]
    where: Where


@dataclass
class CatalogSpec:
    files: list[str] = field(default_factory=list)
    periods: list[PeriodSpec] = field(default_factory=list)
    elements: list[ElementSpec] = field(default_factory=list)
    data_sets: list[DataSetSpec] = field(default_factory=list)
    rules: list[RuleSpec] = field(default_factory=list)


class Problems:
    """The problems found so far, as RowErrors naming file, line and item."""

    def __init__(self) -> None:
        self.rows: list[RowError] = []

    def add(self, where: Where, field_name: str, vi: str, en: str) -> None:
        label_vi, label_en = where.label()
        self.rows.append(
            RowError(
                row=where.line,
                field=field_name,
                message_vi=f"{label_vi}: {vi}",
                message_en=f"{label_en}: {en}",
                sheet=where.file,
                element=where.code,
            )
        )

    def file(self, name: str, line: int, vi: str, en: str) -> None:
        where = f", dòng {line}" if line else ""
        where_en = f", line {line}" if line else ""
        self.rows.append(
            RowError(
                row=line,
                field="",
                message_vi=f"{name}{where}: {vi}",
                message_en=f"{name}{where_en}: {en}",
                sheet=name,
            )
        )


def choices_text(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values)
