"""Reads targets.yaml strictly and stores its targets (`vandong analytics load`).

Every target is checked before anything is written: an unknown or missing
field, an unknown indicator, a scope code that names no unit in the deadline
year, a bad comparator, kind or year; each problem becomes a row of one
`invalid_targets` error naming the line, the target and the field, in
Vietnamese and English. Then the targets are created or updated by code in
one transaction; a second run changes nothing. Targets the file does not
name are left alone.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from vandong.analytics.models import Comparator, Indicator, Target, TargetKind
from vandong.analytics.targets.errors import invalid_targets
from vandong.catalog.expressions import CODE_RE
from vandong.core.errors import RowError
from vandong.criteria.queries import unit_in_year
from vandong.geo.models import Unit

TARGETS_FILE = Path(__file__).with_name("targets.yaml")
FORMAT_VERSION = 1
FIRST_YEAR, LAST_YEAR = 2000, 2100

_REQUIRED = (
    "code",
    "name_vi",
    "name_en",
    "indicator",
    "scope",
    "kind",
    "comparator",
    "value",
    "deadline_year",
    "source",
)
_OPTIONAL = ("baseline_year", "note", "is_active")
_TOP_LEVEL = ("version", "targets")
# The model's max_length of each text field.
_MAX_LENGTH = {"code": 60, "name_vi": 300, "name_en": 300, "source": 300, "note": 500}


@dataclass(frozen=True)
class TargetSpec:
    code: str
    name_vi: str
    name_en: str
    indicator: str
    scope: str | None
    kind: str
    comparator: str
    value: float
    baseline_year: int | None
    deadline_year: int
    source: str
    note: str
    is_active: bool
    line: int


class _Problems:
    """Problems found so far, each naming the file, line, target and field."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.rows: list[RowError] = []

    def add(self, line: int, target: str, field: str, vi: str, en: str) -> None:
        where_vi = f"{self.file}, dòng {line}"
        where_en = f"{self.file}, line {line}"
        if target:
            where_vi += f", mục tiêu {target}"
            where_en += f", target {target}"
        if field:
            where_vi += f", trường “{field}”"
            where_en += f", field '{field}'"
        self.rows.append(
            RowError(
                row=line,
                field=field,
                message_vi=f"{where_vi}: {vi}",
                message_en=f"{where_en}: {en}",
                sheet=self.file,
                element=target,
            )
        )


def _line(node: yaml.Node | None) -> int:
    return node.start_mark.line + 1 if node is not None else 0


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    """The line of each key of a mapping node."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): _line(key) for key, _value in node.value}


def _value_node(node: yaml.Node | None, name: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for key, value in node.value:
        if str(key.value) == name and isinstance(value, yaml.Node):
            return value
    return None


def _duplicate_keys(node: yaml.Node | None) -> list[tuple[str, int]]:
    """Keys written twice in one mapping (YAML would keep the last silently)."""
    found: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                found.append((name, _line(key)))
            seen.add(name)
            found += _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _duplicate_keys(item)
    return found


def _parse(text: str, problems: _Problems) -> tuple[Any, yaml.Node | None]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problems.add(
            line,
            "",
            "",
            f"không đọc được YAML ({exc})",
            f"cannot read the YAML ({exc})",
        )
        return None, None
    finally:
        loader.dispose()
    return data, node


class _TargetReader:
    """Reads one target item, recording its problems."""

    def __init__(
        self,
        item: Mapping[str, Any],
        node: yaml.Node | None,
        problems: _Problems,
        indicators: Mapping[str, Indicator],
    ) -> None:
        self.item = item
        self.line = _line(node)
        self.lines = _key_lines(node)
        self.problems = problems
        self.indicators = indicators
        code = item.get("code")
        self.code = code if isinstance(code, str) else ""

    def problem(self, field: str, vi: str, en: str) -> None:
        line = self.lines.get(field, self.line)
        self.problems.add(line, self.code, field, vi, en)

    def keys(self) -> None:
        for name in _REQUIRED:
            if name not in self.item:
                self.problem(name, "thiếu trường này", "the field is missing")
        known = set(_REQUIRED) | set(_OPTIONAL)
        for name in self.item:
            if name not in known:
                self.problem(
                    str(name),
                    "trường không có trong định dạng; dùng: "
                    + ", ".join(_REQUIRED + _OPTIONAL),
                    "unknown field; use: " + ", ".join(_REQUIRED + _OPTIONAL),
                )

    def text(self, name: str, *, required: bool = True) -> str:
        value = self.item.get(name, None if required else "")
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            if name in self.item or not required:
                self.problem(
                    name,
                    "phải là một chuỗi chữ không rỗng",
                    "must be a non-empty string",
                )
            return ""
        value = " ".join(value.split())
        limit = _MAX_LENGTH.get(name)
        if limit is not None and len(value) > limit:
            self.problem(
                name,
                f"dài {len(value)} ký tự, tối đa {limit}",
                f"is {len(value)} characters long, at most {limit}",
            )
        return value

    def target_code(self) -> str:
        if "code" not in self.item:
            return ""
        code = self.item["code"]
        if not isinstance(code, str) or not CODE_RE.match(code) or len(code) > 60:
            self.problem(
                "code",
                f"mã “{code}” không hợp lệ: chữ in hoa không dấu, số và dấu gạch "
                "dưới, bắt đầu bằng chữ, tối đa 60 ký tự",
                f"code '{code}' is not valid: upper-case letters, digits and "
                "underscores, starting with a letter, at most 60 characters",
            )
            return ""
        return code

    def choice(self, name: str, allowed: list[str]) -> str:
        if name not in self.item:
            return ""
        value = self.item[name]
        if value not in allowed:
            listed = ", ".join(f"“{a}”" for a in allowed)
            listed_en = ", ".join(f"'{a}'" for a in allowed)
            self.problem(
                name,
                f"“{value}” không hợp lệ; dùng một trong: {listed}",
                f"'{value}' is not valid; use one of: {listed_en}",
            )
            return ""
        return str(value)

    def number(self) -> float | None:
        if "value" not in self.item:
            return None
        value = self.item["value"]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            self.problem(
                "value",
                f"phải là một số (viết 57.5, không viết 57,5), không phải “{value}”",
                f"must be a number (written 57.5), not '{value}'",
            )
            return None
        return float(value)

    def year(self, name: str, *, required: bool) -> int | None:
        value = self.item.get(name)
        if value is None:
            if required and name in self.item:
                self.problem(name, "thiếu năm", "the year is missing")
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not FIRST_YEAR <= value <= LAST_YEAR
        ):
            self.problem(
                name,
                f"phải là một năm từ {FIRST_YEAR} đến {LAST_YEAR}, không phải “{value}”",
                f"must be a year from {FIRST_YEAR} to {LAST_YEAR}, not '{value}'",
            )
            return None
        return int(value)

    def flag(self, name: str, default: bool) -> bool:
        value = self.item.get(name, default)
        if not isinstance(value, bool):
            self.problem(name, "phải là true hoặc false", "must be true or false")
            return default
        return value

    def indicator(self) -> str:
        if "indicator" not in self.item:
            return ""
        code = self.item["indicator"]
        if not isinstance(code, str) or code not in self.indicators:
            self.problem(
                "indicator",
                f"không có chỉ số mã “{code}” (nạp indicators.yaml trước, bằng "
                "lệnh vandong analytics load)",
                f"no indicator has code '{code}' (load indicators.yaml first, with "
                "vandong analytics load)",
            )
            return ""
        return code

    def scope(self, deadline_year: int | None) -> str | None:
        """The scope's unit code, checked against the units of the deadline
        year (a code names a unit only together with a date); None for the
        whole country."""
        value = self.item.get("scope")
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(
                "scope",
                f'mã đơn vị “{value}” phải viết trong dấu nháy, ví dụ "12" '
                "(để trống là cả nước)",
                f"the unit code '{value}' must be quoted, such as \"12\" "
                "(null is the whole country)",
            )
            return None
        code = value.strip()
        if deadline_year is not None and not unit_in_year(
            code=code, year=deadline_year
        ):
            self.problem(
                "scope",
                f"không có đơn vị hành chính mã “{code}” trong năm {deadline_year}",
                f"no administrative unit has code '{code}' in {deadline_year}",
            )
        return code

    def read(self) -> TargetSpec | None:
        before = len(self.problems.rows)
        self.keys()
        code = self.target_code()
        name_vi = self.text("name_vi")
        name_en = self.text("name_en")
        indicator = self.indicator()
        kind = self.choice("kind", [k.value for k in TargetKind])
        comparator = self.choice("comparator", [c.value for c in Comparator])
        value = self.number()
        deadline_year = self.year("deadline_year", required=True)
        baseline_year = self.year("baseline_year", required=False)
        scope = self.scope(deadline_year)
        source = self.text("source")
        note = self.text("note", required=False)
        is_active = self.flag("is_active", True)
        if kind == TargetKind.INCREASE and baseline_year is None:
            self.problem(
                "baseline_year",
                "mục tiêu tăng thêm (kind: increase) cần năm gốc",
                "an increase target (kind: increase) needs a baseline year",
            )
        if (
            baseline_year is not None
            and deadline_year is not None
            and baseline_year >= deadline_year
        ):
            self.problem(
                "baseline_year",
                f"năm gốc {baseline_year} phải trước năm hạn {deadline_year}",
                f"the baseline year {baseline_year} must come before the deadline "
                f"year {deadline_year}",
            )
        stored = self.indicators.get(indicator)
        if (
            stored is not None
            and value is not None
            and kind == TargetKind.LEVEL
            and stored.factor == 100
            and not 0 <= value <= 100
        ):
            self.problem(
                "value",
                f"chỉ số {indicator} là tỷ lệ phần trăm: giá trị phải từ 0 đến 100",
                f"indicator {indicator} is a percent: the value must be 0 to 100",
            )
        if len(self.problems.rows) > before or value is None or deadline_year is None:
            return None
        return TargetSpec(
            code=code,
            name_vi=name_vi,
            name_en=name_en,
            indicator=indicator,
            scope=scope,
            kind=kind,
            comparator=comparator,
            value=value,
            baseline_year=baseline_year,
            deadline_year=deadline_year,
            source=source,
            note=note,
            is_active=is_active,
            line=self.line,
        )


def read_targets(text: str, *, file: str = "targets.yaml") -> list[TargetSpec]:
    """Check every target of a targets file against the stored indicators
    and units; raise `invalid_targets` listing every problem."""
    problems = _Problems(file)
    data, root = _parse(text, problems)
    specs: list[TargetSpec] = []
    if root is not None:
        for name, line in _duplicate_keys(root):
            problems.add(
                line,
                "",
                name,
                "trường viết hai lần trong một mục",
                "the field is written twice in one item",
            )
    if not problems.rows:
        specs = _read_document(data, root, problems)
    if problems.rows:
        raise invalid_targets(file, problems.rows)
    return specs


def _read_document(
    data: Any, root: yaml.Node | None, problems: _Problems
) -> list[TargetSpec]:
    if not isinstance(data, dict):
        problems.add(
            _line(root),
            "",
            "",
            "tệp phải là một bảng có “version” và “targets”",
            "the file must be a mapping with 'version' and 'targets'",
        )
        return []
    lines = _key_lines(root)
    for name in data:
        if name not in _TOP_LEVEL:
            problems.add(
                lines.get(str(name), 1),
                "",
                str(name),
                "trường không có trong định dạng; dùng: version, targets",
                "unknown field; use: version, targets",
            )
    if data.get("version") != FORMAT_VERSION:
        problems.add(
            lines.get("version", 1),
            "",
            "version",
            f"phiên bản định dạng phải là {FORMAT_VERSION}",
            f"the format version must be {FORMAT_VERSION}",
        )
    items = data.get("targets")
    items_node = _value_node(root, "targets")
    if not isinstance(items, list) or not isinstance(items_node, yaml.SequenceNode):
        problems.add(
            lines.get("targets", 1),
            "",
            "targets",
            "phải là một danh sách mục tiêu",
            "must be a list of targets",
        )
        return []
    indicators = {i.code: i for i in Indicator.objects.all()}
    specs: list[TargetSpec] = []
    first_line: dict[str, int] = {}
    for item, node in zip(items, items_node.value, strict=True):
        if not isinstance(item, dict):
            problems.add(
                _line(node),
                "",
                "",
                "mỗi mục tiêu phải là một bảng các trường",
                "each target must be a mapping of fields",
            )
            continue
        spec = _TargetReader(item, node, problems, indicators).read()
        if spec is None:
            continue
        if spec.code in first_line:
            problems.add(
                spec.line,
                spec.code,
                "code",
                f"mã đã dùng cho mục tiêu ở dòng {first_line[spec.code]}",
                f"the code is already used by the target on line "
                f"{first_line[spec.code]}",
            )
            continue
        first_line[spec.code] = spec.line
        specs.append(spec)
    return specs


def _scope_unit(code: str | None, deadline_year: int) -> Unit | None:
    if code is None:
        return None
    return unit_in_year(code=code, year=deadline_year)[0]


@transaction.atomic
def store_targets(specs: list[TargetSpec]) -> int:
    """Create or update the targets by code; answer how many were stored."""
    indicators = {
        i.code: i
        for i in Indicator.objects.filter(code__in=[s.indicator for s in specs])
    }
    for spec in specs:
        Target.objects.update_or_create(
            code=spec.code,
            defaults={
                "name_vi": spec.name_vi,
                "name_en": spec.name_en,
                "indicator": indicators[spec.indicator],
                "scope": _scope_unit(spec.scope, spec.deadline_year),
                "kind": spec.kind,
                "comparator": spec.comparator,
                "value": spec.value,
                "baseline_year": spec.baseline_year,
                "deadline_year": spec.deadline_year,
                "source": spec.source,
                "note": spec.note,
                "is_active": spec.is_active,
            },
        )
    return len(specs)


def load_targets(path: Path | str | None = None) -> int:
    """Read and check `path` (default: the shipped targets.yaml), then store
    its targets; answer how many. Indicators must be loaded first."""
    chosen = Path(path) if path is not None else TARGETS_FILE
    try:
        text = chosen.read_text(encoding="utf-8")
    except OSError as exc:
        problems = _Problems(chosen.name)
        problems.add(
            0, "", "", f"không mở được tệp ({exc})", f"cannot open the file ({exc})"
        )
        raise invalid_targets(chosen.name, problems.rows) from exc
    return store_targets(read_targets(text, file=chosen.name))
