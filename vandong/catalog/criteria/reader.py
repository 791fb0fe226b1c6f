"""Reads criteria-set YAML files (vandong/catalog/criteria/sets/*.yaml) into
`CriteriaSetSpec`s, strictly.

Every problem of every file is collected, each naming the file, the line of
the item at fault and its path (`criteria[3].indicators[1].thresholds[0].key`)
in Vietnamese and English, and raised together as one `CriteriaFileError`.
A province layer (`province` + `extends`) is read on top of the set it
extends and returned merged: its indicators replace those with the same code,
what it does not name is inherited.
"""

import datetime
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import yaml

from vandong.catalog.criteria.spec import (
    COMMUNE_GROUPS,
    COMPARATORS,
    FLAG_COMPARATORS,
    KINDS,
    REGIONS,
    THRESHOLD_KEYS,
    Comparator,
    ConditionSpec,
    CriteriaSetSpec,
    CriterionSpec,
    IndicatorSpec,
    LegalBasis,
    Source,
    Threshold,
    ThresholdKey,
    ValueSpec,
)
from vandong.catalog.reader.specs import LEVELS
from vandong.core.errors import DomainError, RowError
from vandong.geo.models import LEVEL_OF_TYPE

SETS_DIR: Path = Path(__file__).parent / "sets"

FORMAT = 1
INVALID_CRITERIA_SET = "invalid_criteria_set"

SET_CODE_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SET_CODE_MAX = 60
# Criterion and indicator codes as printed in the text: "15", "15.3", "8a".
ITEM_CODE_RE = re.compile(r"^[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*$")
ITEM_CODE_MAX = 20
PROVINCE_RE = re.compile(r"^[0-9]{2}$")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
FIRST_YEAR, LAST_YEAR = 1900, 2100

BOOLEAN = "boolean"
# Value types a comparison cannot use.
NOT_NUMERIC = frozenset({BOOLEAN, "text"})

THRESHOLD_KEY_VALUES: dict[str, tuple[str, ...]] = {
    "none": (),
    "region": REGIONS,
    "commune_group": COMMUNE_GROUPS,
}
THRESHOLD_KEY_VI = {"region": "vùng", "commune_group": "nhóm xã"}
THRESHOLD_KEY_EN = {"region": "region", "commune_group": "commune group"}

# Keys of each mapping: required, then optional.
SET_REQUIRED = (
    "format",
    "code",
    "version",
    "kind",
    "name_vi",
    "name_en",
    "level",
    "unit_types",
    "threshold_key",
    "valid_from",
    "legal_basis",
    "criteria",
)
SET_OPTIONAL = (
    "valid_to",
    "at_least",
    "recognition_element",
    "province",
    "extends",
    "notes_vi",
    "notes_en",
    "undefined",
)
# A province layer inherits these from the set it extends when it omits them.
LAYER_INHERITED = ("kind", "level", "unit_types", "threshold_key")
CRITERION_REQUIRED = ("code", "name_vi", "name_en", "indicators")
CRITERION_OPTIONAL = ("group_vi", "at_least")
INDICATOR_REQUIRED = ("code", "name_vi", "name_en", "source")
INDICATOR_OPTIONAL = (
    "measure",
    "value",
    "comparator",
    "thresholds",
    "conditions",
    "at_least",
    "undefined_vi",
    "undefined_en",
)
# In a layer, the names and the measure may be left to the extended set.
LAYER_INDICATOR_INHERITED = ("name_vi", "name_en", "measure")
CONDITION_REQUIRED = ("value", "comparator")
CONDITION_OPTIONAL = ("thresholds",)
THRESHOLD_REQUIRED = ("value",)
THRESHOLD_OPTIONAL = ("key", "year", "source")
SOURCE_REQUIRED = ("document",)
SOURCE_OPTIONAL = ("date", "appendix", "row", "url", "verified", "note")
LEGAL_REQUIRED = ("document", "date")
LEGAL_OPTIONAL = ("title_vi", "part", "url")
VALUE_SHAPES = (
    ("element",),
    ("numerator", "denominator"),
    ("child_element", "child_level"),
)


@dataclass(frozen=True)
class KnownElement:
    """A catalog data element as the reader needs it."""

    code: str
    level: int
    value_type: str  # a catalog ValueType value


@dataclass(frozen=True)
class CriteriaProblem:
    file: str
    line: int
    path: str
    message_vi: str
    message_en: str

    def line_text(self) -> str:
        """One line for `vandong criteria check`; a problem of the whole file
        (syntax) has no path."""
        where = f"{self.path}: " if self.path else ""
        return f"{self.file}:{self.line}: {where}{self.message_vi} / {self.message_en}"


class CriteriaFileError(Exception):
    """Every problem found in one or several criteria-set files."""

    def __init__(self, problems: list[CriteriaProblem]) -> None:
        super().__init__("\n".join(p.line_text() for p in problems))
        self.problems = problems

    def as_domain_error(self) -> DomainError:
        count = len(self.problems)
        return DomainError(
            INVALID_CRITERIA_SET,
            f"Bộ tiêu chí có {count} lỗi",
            f"The criteria set has {count} problem(s)",
            rows=[
                RowError(
                    row=p.line,
                    field=p.path,
                    message_vi=p.message_vi,
                    message_en=p.message_en,
                    sheet=p.file,
                )
                for p in self.problems
            ],
        )


def criteria_set_read(
    text: str,
    *,
    file: str,
    elements: Mapping[str, KnownElement],
    known_sets: Mapping[str, CriteriaSetSpec] | None = None,
) -> CriteriaSetSpec:
    """Read one file; a province layer comes back merged with the set it
    extends, which must be in `known_sets`. Raises CriteriaFileError."""
    problems: list[CriteriaProblem] = []
    data = _load(text, file, problems)
    spec = None
    if data is not None:
        spec = _SetReader(file, elements, problems).read(data, known_sets or {})
    if problems or spec is None:
        raise CriteriaFileError(sorted(problems, key=lambda p: p.line))
    return spec


def criteria_sets_read(
    paths: Iterable[Path],
    *,
    elements: Mapping[str, KnownElement],
    known_sets: Mapping[str, CriteriaSetSpec] | None = None,
) -> list[CriteriaSetSpec]:
    """Read several files, each layer after the set it extends (another of
    the files or one of `known_sets`), in the order given. Raises one
    CriteriaFileError with the problems of all files."""
    problems: list[CriteriaProblem] = []
    loaded: list[tuple[str, _Map]] = []
    names: list[str] = []
    for path in paths:
        names.append(path.name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(
                CriteriaProblem(
                    path.name,
                    0,
                    "",
                    f"không đọc được tệp ({exc.__class__.__name__}); cần văn bản UTF-8",
                    f"cannot read the file ({exc.__class__.__name__}); UTF-8 text expected",
                )
            )
            continue
        data = _load(text, path.name, problems)
        if data is not None:
            loaded.append((path.name, data))

    by_code: dict[str, int] = {}
    for index, (name, data) in enumerate(loaded):
        code = _peek(data, "code")
        if not code:
            continue
        if code in by_code:
            problems.append(
                CriteriaProblem(
                    name,
                    data.key_lines["code"],
                    "code",
                    f"mã bộ tiêu chí “{code}” đã dùng trong tệp {loaded[by_code[code]][0]}",
                    f"criteria set code '{code}' is already used in file "
                    f"{loaded[by_code[code]][0]}",
                )
            )
        else:
            by_code[code] = index
    base_of = {
        index: by_code[ext]
        for index, (_, data) in enumerate(loaded)
        if (ext := _peek(data, "extends")) in by_code and by_code[ext] != index
    }
    cyclic = _cycles(loaded, base_of, problems)

    results: dict[int, CriteriaSetSpec | None] = {}

    def build(index: int) -> CriteriaSetSpec | None:
        if index in results:
            return results[index]
        name, data = loaded[index]
        bases = dict(known_sets or {})
        silent: set[str] = set()
        extends = _peek(data, "extends")
        if index in base_of:
            base_index = base_of[index]
            cut = index in cyclic or base_index in cyclic
            base = None if cut else build(base_index)
            if base is None:  # its problems are reported in its own file
                silent.add(extends)
                bases.pop(extends, None)
            else:
                bases[extends] = base
        results[index] = _SetReader(name, elements, problems, silent).read(data, bases)
        return results[index]

    specs = [build(index) for index in range(len(loaded))]
    if problems:
        # Files in the order given, each top to bottom.
        order = {name: index for index, name in enumerate(names)}
        raise CriteriaFileError(
            sorted(problems, key=lambda p: (order.get(p.file, 0), p.line))
        )
    return [spec for spec in specs if spec is not None]


# -- YAML with lines --


class _Map(dict[str, Any]):
    """A YAML mapping with the line it starts on and the line of each key."""

    line: int
    key_lines: dict[str, int]
    duplicates: list[tuple[str, int]]


class _Seq(list[Any]):
    """A YAML sequence with the line it starts on and the line of each item."""

    line: int
    item_lines: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_map(loader: yaml.SafeLoader, node: yaml.Node) -> _Map:
    loader.flatten_mapping(cast(yaml.MappingNode, node))
    result = _Map()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    result.duplicates = []
    for key_node, value_node in node.value:
        name = str(loader.construct_object(key_node, deep=True))
        line = key_node.start_mark.line + 1
        if name in result:
            result.duplicates.append((name, line))
        result[name] = loader.construct_object(value_node, deep=True)
        result.key_lines[name] = line
    return result


def _construct_seq(loader: yaml.SafeLoader, node: yaml.Node) -> _Seq:
    result = _Seq(loader.construct_object(item, deep=True) for item in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [item.start_mark.line + 1 for item in node.value]
    return result


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    # 2022-02-30 looks like a date but is none: keep the text, so that the
    # reader reports it with its line instead of the parser failing.
    scalar = cast(yaml.ScalarNode, node)
    try:
        return loader.construct_yaml_timestamp(scalar)
    except ValueError:
        return loader.construct_scalar(scalar)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def _load(text: str, file: str, problems: list[CriteriaProblem]) -> _Map | None:
    loader = _Loader(text)
    try:
        data = loader.get_single_data()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else 0
        problem = getattr(exc, "problem", None) or str(exc)
        problems.append(
            CriteriaProblem(
                file,
                line,
                "",
                f"lỗi cú pháp YAML: {problem}",
                f"YAML syntax error: {problem}",
            )
        )
        return None
    finally:
        loader.dispose()
    if not isinstance(data, _Map):
        problems.append(
            CriteriaProblem(
                file,
                1,
                "",
                "tệp phải là một bảng (mapping) bắt đầu bằng “format: 1”",
                "the file must be a mapping starting with 'format: 1'",
            )
        )
        return None
    return data


def _peek(data: _Map, key: str) -> str:
    value = data.get(key)
    return value if isinstance(value, str) else ""


def _cycles(
    loaded: list[tuple[str, _Map]],
    base_of: dict[int, int],
    problems: list[CriteriaProblem],
) -> set[int]:
    """Files whose `extends` chain comes back to themselves; each is told."""
    cyclic: set[int] = set()
    for start in base_of:
        chain = [start]
        while chain[-1] in base_of and base_of[chain[-1]] not in chain:
            chain.append(base_of[chain[-1]])
        if chain[-1] in base_of and base_of[chain[-1]] == start:
            cyclic.add(start)
            codes = [_peek(loaded[i][1], "code") for i in [*chain, start]]
            name, data = loaded[start]
            problems.append(_cycle_problem(name, data.key_lines["extends"], codes))
    return cyclic


def _cycle_problem(file: str, line: int, codes: list[str]) -> CriteriaProblem:
    chain = " → ".join(codes)
    return CriteriaProblem(
        file,
        line,
        "extends",
        f"“extends” tạo thành vòng: {chain}",
        f"'extends' makes a cycle: {chain}",
    )


def _choices(values: Iterable[object]) -> str:
    return ", ".join(str(v) for v in values) or "—"


# -- one file --


@dataclass(frozen=True)
class _Here:
    """The mapping being read: its path, and what messages call it
    ("chỉ tiêu 15.3" / "indicator 15.3")."""

    m: _Map
    path: str
    label_vi: str = ""
    label_en: str = ""

    @property
    def vi(self) -> str:
        return f"{self.label_vi}: " if self.label_vi else ""

    @property
    def en(self) -> str:
        return f"{self.label_en}: " if self.label_en else ""

    def named(self, label_vi: str, label_en: str) -> "_Here":
        return _Here(self.m, self.path, label_vi, label_en)

    def field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def line(self, key: str | None = None) -> int:
        return self.m.key_lines.get(key, self.m.line) if key else self.m.line


@dataclass(frozen=True)
class _Rules:
    """What the set says that its indicators are checked against; None when
    unknown (a broken file), which skips the checks that need it."""

    level: int | None
    threshold_key: str | None


class _SetReader:
    def __init__(
        self,
        file: str,
        elements: Mapping[str, KnownElement],
        problems: list[CriteriaProblem],
        silent: set[str] | None = None,
    ) -> None:
        self.file = file
        self.elements = elements
        self.problems = problems
        self.start = len(problems)
        # Extended sets whose own file is broken: already reported there.
        self.silent = silent or set()
        self.known_sets: Mapping[str, CriteriaSetSpec] = {}
        # Indicator codes are unique across the set: code -> its criterion.
        self.indicator_codes: dict[str, str] = {}

    @property
    def ok(self) -> bool:
        return len(self.problems) == self.start

    def bad(self, here: _Here, key: str | None, vi: str, en: str) -> None:
        path = here.field(key) if key else here.path
        self.problems.append(
            CriteriaProblem(self.file, here.line(key), path, here.vi + vi, here.en + en)
        )

    # -- fields --

    def keys(
        self, here: _Here, required: Iterable[str], optional: Iterable[str]
    ) -> None:
        required = tuple(required)
        known = tuple(dict.fromkeys((*required, *optional)))
        for name, line in here.m.duplicates:
            self.problems.append(
                CriteriaProblem(
                    self.file,
                    line,
                    here.field(name),
                    here.vi + f"khóa “{name}” viết hai lần",
                    here.en + f"key '{name}' is written twice",
                )
            )
        for name in required:
            if name not in here.m:
                self.problems.append(
                    CriteriaProblem(
                        self.file,
                        here.line(),
                        here.field(name),
                        here.vi + f"thiếu trường “{name}”",
                        here.en + f"field '{name}' is missing",
                    )
                )
        for name in here.m:
            if name not in known:
                self.bad(
                    here,
                    name,
                    f"trường “{name}” không có; các trường: {_choices(known)}",
                    f"unknown field '{name}'; the fields are: {_choices(known)}",
                )

    def text(self, here: _Here, key: str, *, required: bool = False) -> str:
        value = here.m.get(key)
        if value is None:
            if required and key in here.m:
                self.bad(
                    here,
                    key,
                    f"“{key}” không được để trống",
                    f"'{key}' must not be empty",
                )
            return ""
        if not isinstance(value, str):
            self.bad(
                here,
                key,
                f"“{key}” phải là chữ (viết trong ngoặc kép), không phải “{value}”",
                f"'{key}' must be text (write it in quotes), not '{value}'",
            )
            return ""
        if required and not value.strip():
            self.bad(
                here, key, f"“{key}” không được để trống", f"'{key}' must not be empty"
            )
        return value.strip()

    def whole(self, here: _Here, key: str, minimum: int) -> int | None:
        value = here.m.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.bad(
                here,
                key,
                f"“{key}” phải là số nguyên ≥ {minimum}, không phải “{value}”",
                f"'{key}' must be a whole number ≥ {minimum}, not '{value}'",
            )
            return None
        return int(value)

    def flag(self, here: _Here, key: str) -> bool:
        value = here.m.get(key, False)
        if not isinstance(value, bool):
            self.bad(
                here,
                key,
                f"“{key}” phải là true hoặc false, không phải “{value}”",
                f"'{key}' must be true or false, not '{value}'",
            )
            return False
        return value

    def date(self, here: _Here, key: str) -> datetime.date | None:
        value = here.m.get(key)
        if value is None:
            return None
        if isinstance(value, str) and DATE_RE.match(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        elif isinstance(value, datetime.date) and not isinstance(
            value, datetime.datetime
        ):
            return value
        self.bad(
            here,
            key,
            f"“{key}” phải là một ngày có thật, viết YYYY-MM-DD, không phải “{value}”",
            f"'{key}' must be a real date written YYYY-MM-DD, not '{value}'",
        )
        return None

    def code(self, here: _Here, key: str = "code") -> str:
        value = here.m.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # 15 is read as a number; "15" is meant
        if (
            isinstance(value, str)
            and ITEM_CODE_RE.match(value)
            and len(value) <= ITEM_CODE_MAX
        ):
            return value
        if value is None:
            return ""
        hint_vi = " (viết trong ngoặc kép)" if isinstance(value, float) else ""
        hint_en = " (write it in quotes)" if isinstance(value, float) else ""
        self.bad(
            here,
            key,
            f"mã “{value}” không hợp lệ{hint_vi}: chữ, số, dấu chấm hoặc gạch ngang, "
            f"như “15” hay “15.3”, tối đa {ITEM_CODE_MAX} ký tự",
            f"code '{value}' is not valid{hint_en}: letters, digits, dots or dashes, "
            f"like '15' or '15.3', at most {ITEM_CODE_MAX} characters",
        )
        return ""

    def level(self, here: _Here, key: str) -> int | None:
        value = here.m.get(key)
        if isinstance(value, str) and value in LEVELS:
            return LEVELS[value]
        if value is None:
            return None
        self.bad(
            here,
            key,
            f"cấp “{value}” không có; dùng một trong: {_choices(LEVELS)}",
            f"unknown level '{value}'; use one of: {_choices(LEVELS)}",
        )
        return None

    def items(self, here: _Here, key: str, *, required: bool) -> list[_Here]:
        """The mappings of the list under `key`, each as a _Here."""
        value = here.m.get(key)
        if value is None and not (required and key in here.m):
            return []
        if not isinstance(value, _Seq) or (required and not value):
            self.bad(
                here,
                key,
                f"“{key}” phải là một danh sách" + (" không rỗng" if required else ""),
                f"'{key}' must be a" + (" non-empty" if required else "") + " list",
            )
            return []
        found = []
        for index, (item, line) in enumerate(zip(value, value.item_lines, strict=True)):
            path = f"{here.field(key)}[{index}]"
            if not isinstance(item, _Map):
                self.problems.append(
                    CriteriaProblem(
                        self.file,
                        line,
                        path,
                        here.vi + f"mục thứ {index + 1} của “{key}” phải là một bảng",
                        here.en + f"item {index + 1} of '{key}' must be a mapping",
                    )
                )
                continue
            found.append(_Here(item, path, here.label_vi, here.label_en))
        return found

    def at_least(self, here: _Here, count: int) -> int | None:
        value = here.m.get("at_least")
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 1 <= value <= count
        ):
            self.bad(
                here,
                "at_least",
                f"“at_least” phải là null (tất cả) hoặc một số nguyên từ 1 đến {count}, "
                f"không phải “{value}”",
                f"'at_least' must be null (all) or a whole number from 1 to {count}, "
                f"not '{value}'",
            )
            return None
        return int(value)

    def element(
        self, here: _Here, key: str, level: int | None, *, boolean: bool | None
    ) -> tuple[str, KnownElement | None]:
        """A data element code at `level`: yes/no when `boolean`, numeric when
        not, either when None (the comparator is broken)."""
        code = here.m.get(key)
        if not isinstance(code, str) or not code:
            if key in here.m:
                self.bad(
                    here,
                    key,
                    f"“{key}” phải là một mã số liệu",
                    f"'{key}' must be a data element code",
                )
            return "", None
        known = self.elements.get(code)
        if known is None:
            self.bad(
                here,
                key,
                f"mã số liệu “{code}” không có trong danh mục",
                f"data element '{code}' is not in the catalog",
            )
            return code, None
        if level is not None and known.level != level:
            self.bad(
                here,
                key,
                f"mã số liệu “{code}” ở cấp {known.level}, cần cấp {level}",
                f"data element '{code}' is at level {known.level}, level {level} is needed",
            )
        if boolean and known.value_type != BOOLEAN:
            self.bad(
                here,
                key,
                f"mã số liệu “{code}” kiểu “{known.value_type}”, cần kiểu có/không (boolean)",
                f"data element '{code}' is of type '{known.value_type}', a yes/no "
                "(boolean) element is needed",
            )
        if boolean is False and known.value_type in NOT_NUMERIC:
            self.bad(
                here,
                key,
                f"mã số liệu “{code}” kiểu “{known.value_type}” không so sánh với ngưỡng số "
                "được; với kiểu có/không dùng is_true hoặc is_false",
                f"data element '{code}' of type '{known.value_type}' cannot be compared "
                "with a number; for a yes/no element use is_true or is_false",
            )
        return code, known

    # -- the set --

    def read(
        self, data: _Map, known_sets: Mapping[str, CriteriaSetSpec]
    ) -> CriteriaSetSpec | None:
        self.known_sets = known_sets
        top = _Here(data, "")
        is_layer = bool(data.get("province") or data.get("extends"))
        required = [k for k in SET_REQUIRED if not (is_layer and k in LAYER_INHERITED)]
        self.keys(top, required, (*SET_OPTIONAL, *LAYER_INHERITED))

        if "format" in data and data["format"] != FORMAT:
            self.bad(
                top,
                "format",
                f"định dạng “{data['format']}” không đọc được; dùng format: {FORMAT}",
                f"format '{data['format']}' cannot be read; use format: {FORMAT}",
            )
        code = data.get("code")
        if code is not None and not (
            isinstance(code, str)
            and SET_CODE_RE.match(code)
            and len(code) <= SET_CODE_MAX
        ):
            self.bad(
                top,
                "code",
                f"mã bộ tiêu chí “{code}” không hợp lệ: chữ thường không dấu, số và "
                f"gạch ngang, như “ntm-xa-2021-2025”, tối đa {SET_CODE_MAX} ký tự",
                f"criteria set code '{code}' is not valid: lower-case letters, digits "
                f"and dashes, like 'ntm-xa-2021-2025', at most {SET_CODE_MAX} characters",
            )
            code = ""
        code = code or ""
        version = self.whole(top, "version", 1)
        name_vi = self.text(top, "name_vi", required=True)
        name_en = self.text(top, "name_en", required=True)
        valid_from = self.date(top, "valid_from")
        valid_to = self.date(top, "valid_to")
        if valid_from and valid_to and valid_from > valid_to:
            self.bad(
                top,
                "valid_to",
                f"“valid_to” ({valid_to}) trước “valid_from” ({valid_from})",
                f"'valid_to' ({valid_to}) is before 'valid_from' ({valid_from})",
            )
        legal_basis = tuple(
            lb
            for index, h in enumerate(self.items(top, "legal_basis", required=True))
            if (lb := self.legal(h, index))
        )
        undefined = self.sentences(top, "undefined")
        notes_vi, notes_en = self.text(top, "notes_vi"), self.text(top, "notes_en")

        base = self.layer_base(top, code) if is_layer else None
        kind = self.set_kind(top, base)
        level = self.set_level(top, base)
        unit_types = self.unit_types(top, level, base)
        threshold_key = self.threshold_key(top, base)
        rules = _Rules(level, threshold_key)

        criteria = self.criteria(top, rules, is_layer, base)
        at_least = self.at_least(top, len(criteria))
        recognition = ""
        if "recognition_element" in data:
            recognition, _ = self.element(
                top, "recognition_element", level, boolean=True
            )
        elif base is not None:
            recognition = base.recognition_element

        if not self.ok or version is None or valid_from is None or kind is None:
            return None
        if level is None or threshold_key is None:
            return None
        if base is not None:
            legal_basis = base.legal_basis + legal_basis
            undefined = base.undefined + undefined
            notes_vi = notes_vi if "notes_vi" in data else base.notes_vi
            notes_en = notes_en if "notes_en" in data else base.notes_en
            if "at_least" not in data:
                at_least = base.at_least
        return CriteriaSetSpec(
            code=code,
            version=version,
            name_vi=name_vi,
            name_en=name_en,
            kind=kind,
            level=level,
            unit_types=unit_types,
            threshold_key=cast(ThresholdKey, threshold_key),
            valid_from=valid_from,
            valid_to=valid_to,
            legal_basis=legal_basis,
            criteria=criteria,
            at_least=at_least,
            province=self.text(top, "province"),
            extends=self.text(top, "extends"),
            recognition_element=recognition,
            notes_vi=notes_vi,
            notes_en=notes_en,
            undefined=undefined,
        )

    def layer_base(self, top: _Here, code: str) -> CriteriaSetSpec | None:
        """The set a province layer extends, after checking both keys."""
        province = top.m.get("province")
        extends = top.m.get("extends")
        if not (isinstance(province, str) and PROVINCE_RE.match(province)):
            key = "province" if "province" in top.m else "extends"
            self.bad(
                top,
                key,
                f"bộ tiêu chí của tỉnh cần “province”: mã GSO 2 chữ số của tỉnh, viết "
                f"trong ngoặc kép như “01”, không phải “{province or ''}”",
                f"a province layer needs 'province': the province's 2-digit GSO code, "
                f"in quotes like '01', not '{province or ''}'",
            )
        if not isinstance(extends, str) or not extends:
            key = "extends" if "extends" in top.m else "province"
            self.bad(
                top,
                key,
                "bộ tiêu chí của tỉnh cần “extends”: mã bộ tiêu chí quốc gia mà nó bổ sung",
                "a province layer needs 'extends': the code of the national set it "
                "builds on",
            )
            return None
        if extends == code:
            self.problems.append(
                _cycle_problem(self.file, top.line("extends"), [code, code])
            )
            return None
        if extends in self.silent:
            return None
        base = self.known_sets.get(extends)
        if base is None:
            self.bad(
                top,
                "extends",
                f"bộ tiêu chí “{extends}” không có (có: {_choices(sorted(self.known_sets))})",
                f"unknown criteria set '{extends}' (known: "
                f"{_choices(sorted(self.known_sets))})",
            )
            return None
        if base.province and base.province != province:
            self.bad(
                top,
                "extends",
                f"“{extends}” là bộ tiêu chí của tỉnh {base.province}, không phải của "
                f"tỉnh {province}",
                f"'{extends}' is the layer of province {base.province}, not of "
                f"province {province}",
            )
        return base

    def set_kind(self, top: _Here, base: CriteriaSetSpec | None) -> str | None:
        kind = top.m.get("kind")
        if kind is None:
            return base.kind if base else None
        if kind not in KINDS:
            self.bad(
                top,
                "kind",
                f"loại “{kind}” không có; dùng một trong: {_choices(KINDS)}",
                f"unknown kind '{kind}'; use one of: {_choices(KINDS)}",
            )
            return None
        self.same_as_base(top, "kind", kind, base.kind if base else None)
        return str(kind)

    def set_level(self, top: _Here, base: CriteriaSetSpec | None) -> int | None:
        if "level" not in top.m:
            return base.level if base else None
        level = self.level(top, "level")
        self.same_as_base(top, "level", level, base.level if base else None)
        return level

    def same_as_base(
        self, top: _Here, key: str, value: object, expected: object
    ) -> None:
        if expected is not None and value is not None and value != expected:
            self.bad(
                top,
                key,
                f"“{key}” là “{value}”, khác bộ tiêu chí được mở rộng (“{expected}”)",
                f"'{key}' is '{value}', unlike the extended set ('{expected}')",
            )

    def unit_types(
        self, top: _Here, level: int | None, base: CriteriaSetSpec | None
    ) -> tuple[str, ...]:
        if "unit_types" not in top.m and base is not None:
            return base.unit_types
        value = top.m.get("unit_types")
        if not isinstance(value, _Seq) or not value:
            if "unit_types" in top.m:
                self.bad(
                    top,
                    "unit_types",
                    "“unit_types” phải là một danh sách loại đơn vị không rỗng",
                    "'unit_types' must be a non-empty list of unit types",
                )
            return ()
        allowed = [t for t, lv in LEVEL_OF_TYPE.items() if level is None or lv == level]
        found: list[str] = []
        for index, (unit_type, line) in enumerate(
            zip(value, value.item_lines, strict=True)
        ):
            path = f"unit_types[{index}]"
            if unit_type not in allowed or (base and unit_type not in base.unit_types):
                valid = [t for t in allowed if not base or t in base.unit_types]
                self.problems.append(
                    CriteriaProblem(
                        self.file,
                        line,
                        path,
                        f"loại đơn vị “{unit_type}” không dùng được ở đây (hợp lệ: "
                        f"{_choices(valid)})",
                        f"unit type '{unit_type}' cannot be used here (valid: "
                        f"{_choices(valid)})",
                    )
                )
            elif unit_type in found:
                self.problems.append(
                    CriteriaProblem(
                        self.file,
                        line,
                        path,
                        f"loại đơn vị “{unit_type}” viết hai lần",
                        f"unit type '{unit_type}' is written twice",
                    )
                )
            else:
                found.append(str(unit_type))
        return tuple(found)

    def threshold_key(self, top: _Here, base: CriteriaSetSpec | None) -> str | None:
        value = top.m.get("threshold_key")
        if value is None:
            return base.threshold_key if base else None
        if value not in THRESHOLD_KEYS:
            self.bad(
                top,
                "threshold_key",
                f"“threshold_key” “{value}” không có; dùng một trong: "
                f"{_choices(THRESHOLD_KEYS)}",
                f"unknown threshold_key '{value}'; use one of: {_choices(THRESHOLD_KEYS)}",
            )
            return None
        self.same_as_base(
            top, "threshold_key", value, base.threshold_key if base else None
        )
        return str(value)

    def legal(self, here: _Here, index: int) -> LegalBasis | None:
        here = here.named(f"căn cứ pháp lý thứ {index + 1}", f"legal basis {index + 1}")
        self.keys(here, LEGAL_REQUIRED, LEGAL_OPTIONAL)
        document = self.text(here, "document", required=True)
        date = self.date(here, "date")
        title_vi, part, url = (self.text(here, k) for k in ("title_vi", "part", "url"))
        if not document or date is None:
            return None
        return LegalBasis(
            document=document, date=date, title_vi=title_vi, part=part, url=url
        )

    def sentences(self, top: _Here, key: str) -> tuple[str, ...]:
        value = top.m.get(key)
        if value is None:
            return ()
        if not isinstance(value, _Seq) or not all(
            isinstance(s, str) and s.strip() for s in value
        ):
            self.bad(
                top,
                key,
                f"“{key}” phải là một danh sách câu chữ không rỗng",
                f"'{key}' must be a list of non-empty sentences",
            )
            return ()
        return tuple(s.strip() for s in value)

    def source(self, here: _Here, key: str) -> Source | None:
        value = here.m.get(key)
        if not isinstance(value, _Map):
            if key in here.m:
                self.bad(
                    here,
                    key,
                    f"“{key}” phải là một bảng có “document”",
                    f"'{key}' must be a mapping with 'document'",
                )
            return None
        inner = _Here(value, here.field(key), here.label_vi, here.label_en)
        self.keys(inner, SOURCE_REQUIRED, SOURCE_OPTIONAL)
        return Source(
            document=self.text(inner, "document", required=True),
            date=self.date(inner, "date"),
            appendix=self.text(inner, "appendix"),
            row=self.text(inner, "row"),
            url=self.text(inner, "url"),
            verified=self.flag(inner, "verified"),
            note=self.text(inner, "note"),
        )

    # -- criteria --

    def criteria(
        self, top: _Here, rules: _Rules, is_layer: bool, base: CriteriaSetSpec | None
    ) -> tuple[CriterionSpec, ...]:
        read: dict[str, CriterionSpec] = {}
        seen: set[str] = set()
        for index, here in enumerate(self.items(top, "criteria", required=True)):
            code = self.code(here)
            vi, en = (code, code) if code else (f"thứ {index + 1}", str(index + 1))
            here = here.named(f"tiêu chí {vi}", f"criterion {en}")
            required = ("code",) if is_layer else CRITERION_REQUIRED
            self.keys(here, required, (*CRITERION_REQUIRED, *CRITERION_OPTIONAL))
            if code in seen:
                self.bad(
                    here,
                    "code",
                    f"mã tiêu chí “{code}” viết hai lần",
                    f"criterion code '{code}' is written twice",
                )
                continue
            national = None
            if is_layer and base is not None and code:
                national = next((c for c in base.criteria if c.code == code), None)
                if national is None:
                    self.bad(
                        here,
                        "code",
                        f"tiêu chí “{code}” không có trong bộ “{base.code}” (có: "
                        f"{_choices(c.code for c in base.criteria)})",
                        f"criterion '{code}' is not in set '{base.code}' (known: "
                        f"{_choices(c.code for c in base.criteria)})",
                    )
            seen.add(code)
            criterion = self.criterion(here, code, rules, is_layer, national)
            if criterion is not None:
                read[code] = criterion
        if base is None:
            return tuple(read.values())
        return tuple(read.get(c.code, c) for c in base.criteria)

    def criterion(
        self,
        here: _Here,
        code: str,
        rules: _Rules,
        is_layer: bool,
        national: CriterionSpec | None,
    ) -> CriterionSpec | None:
        indicators: dict[str, IndicatorSpec] = {}
        for index, item in enumerate(
            self.items(here, "indicators", required=not is_layer)
        ):
            indicator_code = self.code(item)
            vi, en = (
                (indicator_code, indicator_code)
                if indicator_code
                else (
                    f"thứ {index + 1} của {here.label_vi}",
                    f"{index + 1} of {here.label_en}",
                )
            )
            item = item.named(f"chỉ tiêu {vi}", f"indicator {en}")
            if indicator_code in self.indicator_codes:
                self.bad(
                    item,
                    "code",
                    f"mã chỉ tiêu “{indicator_code}” viết hai lần (đã có trong tiêu chí "
                    f"{self.indicator_codes[indicator_code]})",
                    f"indicator code '{indicator_code}' is written twice (already in "
                    f"criterion {self.indicator_codes[indicator_code]})",
                )
                continue
            if indicator_code:
                self.indicator_codes[indicator_code] = code or here.path
            before = None
            if national is not None and indicator_code:
                before = next(
                    (i for i in national.indicators if i.code == indicator_code), None
                )
                if before is None:
                    self.bad(
                        item,
                        "code",
                        f"chỉ tiêu “{indicator_code}” không có trong tiêu chí {code} của bộ "
                        f"được mở rộng (có: {_choices(i.code for i in national.indicators)})",
                        f"indicator '{indicator_code}' is not in criterion {code} of the "
                        f"extended set (known: {_choices(i.code for i in national.indicators)})",
                    )
            indicator = self.indicator(item, indicator_code, rules, is_layer, before)
            if indicator is not None:
                indicators[indicator_code] = indicator
        name_vi = self.text(here, "name_vi", required=True)
        name_en = self.text(here, "name_en", required=True)
        group_vi = self.text(here, "group_vi")
        merged = tuple(indicators.values())
        if national is not None:
            merged = tuple(indicators.get(i.code, i) for i in national.indicators)
            name_vi = name_vi if "name_vi" in here.m else national.name_vi
            name_en = name_en if "name_en" in here.m else national.name_en
            group_vi = group_vi if "group_vi" in here.m else national.group_vi
        at_least = self.at_least(here, len(merged))
        if national is not None and "at_least" not in here.m:
            at_least = national.at_least
        if not code:
            return None
        return CriterionSpec(
            code=code,
            name_vi=name_vi,
            name_en=name_en,
            indicators=merged,
            group_vi=group_vi,
            at_least=at_least,
        )

    def indicator(
        self,
        here: _Here,
        code: str,
        rules: _Rules,
        is_layer: bool,
        before: IndicatorSpec | None,
    ) -> IndicatorSpec | None:
        required = [
            k
            for k in INDICATOR_REQUIRED
            if not (is_layer and k in LAYER_INDICATOR_INHERITED)
        ]
        self.keys(here, required, (*INDICATOR_REQUIRED, *INDICATOR_OPTIONAL))
        source = self.source(here, "source")
        name_vi = self.text(here, "name_vi", required=True)
        name_en = self.text(here, "name_en", required=True)
        measure = self.text(here, "measure")
        if before is not None:
            name_vi = name_vi if "name_vi" in here.m else before.name_vi
            name_en = name_en if "name_en" in here.m else before.name_en
            measure = measure if "measure" in here.m else before.measure
        undefined_vi = self.text(here, "undefined_vi")
        undefined_en = self.text(here, "undefined_en")
        if bool(undefined_vi) != bool(undefined_en):
            missing = "undefined_en" if undefined_vi else "undefined_vi"
            self.bad(
                here,
                "undefined_vi" if undefined_vi else "undefined_en",
                f"viết cả “{missing}”: điều văn bản bỏ ngỏ phải nói bằng hai thứ tiếng",
                f"write '{missing}' as well: what the text leaves undefined is said "
                "in both languages",
            )
        inline = [k for k in ("value", "comparator", "thresholds") if k in here.m]
        conditions: list[ConditionSpec | None] = []
        if "conditions" in here.m:
            if inline:
                self.bad(
                    here,
                    inline[0],
                    f"viết hoặc “conditions”, hoặc “value”/“comparator”/“thresholds”, "
                    f"không cả hai (có “{inline[0]}”)",
                    f"write either 'conditions' or 'value'/'comparator'/'thresholds', "
                    f"not both (found '{inline[0]}')",
                )
            for index, item in enumerate(self.items(here, "conditions", required=True)):
                item = item.named(
                    f"{here.label_vi}, điều kiện thứ {index + 1}",
                    f"{here.label_en}, condition {index + 1}",
                )
                self.keys(item, CONDITION_REQUIRED, CONDITION_OPTIONAL)
                conditions.append(
                    self.condition(item, rules, measure, source, undefined_vi)
                )
        else:
            for key in ("value", "comparator"):
                if key not in here.m:
                    self.problems.append(
                        CriteriaProblem(
                            self.file,
                            here.line(),
                            here.field(key),
                            here.vi + f"thiếu trường “{key}” (hoặc viết “conditions”)",
                            here.en
                            + f"field '{key}' is missing (or write 'conditions')",
                        )
                    )
            if "at_least" in here.m:
                self.bad(
                    here,
                    "at_least",
                    "“at_least” chỉ dùng cùng “conditions”",
                    "'at_least' is only used with 'conditions'",
                )
            if "value" in here.m and "comparator" in here.m:
                conditions.append(
                    self.condition(here, rules, measure, source, undefined_vi)
                )
        at_least = (
            self.at_least(here, len(conditions)) if "conditions" in here.m else None
        )
        if source is None or not code or not conditions or None in conditions:
            return None
        return IndicatorSpec(
            code=code,
            name_vi=name_vi,
            name_en=name_en,
            conditions=tuple(c for c in conditions if c is not None),
            source=source,
            measure=measure,
            at_least=at_least,
            undefined_vi=undefined_vi,
            undefined_en=undefined_en,
        )

    def condition(
        self,
        here: _Here,
        rules: _Rules,
        measure: str,
        source: Source | None,
        undefined_vi: str,
    ) -> ConditionSpec | None:
        comparator = here.m.get("comparator")
        if comparator not in COMPARATORS:
            self.bad(
                here,
                "comparator",
                f"phép so sánh “{comparator}” không có; dùng một trong: "
                f"{_choices(COMPARATORS)}",
                f"unknown comparator '{comparator}'; use one of: {_choices(COMPARATORS)}",
            )
            comparator = None
        flag = None if comparator is None else comparator in FLAG_COMPARATORS
        value, percent = self.value(here, rules, flag=flag)
        percent = percent or measure == "%"
        thresholds = self.thresholds(here, rules, percent, source)
        written = here.m.get("thresholds")
        count = len(written) if isinstance(written, list) else 0
        if flag and count:
            self.bad(
                here,
                "thresholds",
                f"phép so sánh “{comparator}” không có ngưỡng; bỏ “thresholds”",
                f"comparator '{comparator}' takes no threshold; remove 'thresholds'",
            )
        if flag is False and not count and not undefined_vi:
            self.bad(
                here,
                "thresholds" if "thresholds" in here.m else "comparator",
                f"phép so sánh “{comparator}” cần ít nhất một ngưỡng, hoặc ghi "
                "“undefined_vi” nói vì sao văn bản không cho ngưỡng",
                f"comparator '{comparator}' needs at least one threshold, or "
                "'undefined_vi' saying why the text gives none",
            )
        if value is None or comparator is None:
            return None
        return ConditionSpec(
            value=value, comparator=cast(Comparator, comparator), thresholds=thresholds
        )

    def value(
        self, here: _Here, rules: _Rules, *, flag: bool | None
    ) -> tuple[ValueSpec | None, bool]:
        """The value a condition measures, and whether it is a percent."""
        raw = here.m.get("value")
        if not isinstance(raw, _Map):
            if "value" in here.m:
                self.bad(
                    here,
                    "value",
                    "“value” phải là một bảng: {element: …}, {numerator: …, denominator: …} "
                    "hoặc {child_element: …, child_level: …}",
                    "'value' must be a mapping: {element: …}, {numerator: …, "
                    "denominator: …} or {child_element: …, child_level: …}",
                )
            return None, False
        inner = _Here(raw, here.field("value"), here.label_vi, here.label_en)
        shape = next((s for s in VALUE_SHAPES if s[0] in raw), None)
        if shape is None:
            self.keys(inner, (), tuple(k for s in VALUE_SHAPES for k in s))
            self.bad(
                inner,
                None,
                "“value” cần đúng một dạng: {element}, {numerator, denominator} hoặc "
                "{child_element, child_level}",
                "'value' needs exactly one shape: {element}, {numerator, "
                "denominator} or {child_element, child_level}",
            )
            return None, False
        self.keys(inner, shape, ())
        if shape[0] == "element":
            code, known = self.element(inner, "element", rules.level, boolean=flag)
            percent = known is not None and known.value_type == "percent"
            return (ValueSpec(element=code) if code else None), percent
        if flag:
            self.bad(
                inner,
                None,
                "is_true/is_false chỉ dùng với {element: …} kiểu có/không; tỷ lệ là một số",
                "is_true/is_false only take a yes/no {element: …}; a share is a number",
            )
        if shape[0] == "numerator":
            numerator, _ = self.element(inner, "numerator", rules.level, boolean=False)
            denominator, _ = self.element(
                inner, "denominator", rules.level, boolean=False
            )
            if not numerator or not denominator:
                return None, True
            return ValueSpec(numerator=numerator, denominator=denominator), True
        child_level = self.level(inner, "child_level")
        if (
            child_level is not None
            and rules.level is not None
            and child_level <= rules.level
        ):
            self.bad(
                inner,
                "child_level",
                f"“child_level” phải là cấp dưới cấp của bộ tiêu chí ({rules.level})",
                f"'child_level' must be below the set's level ({rules.level})",
            )
        child, _ = self.element(inner, "child_element", child_level, boolean=True)
        if not child or child_level is None:
            return None, True
        return ValueSpec(child_element=child, child_level=child_level), True

    def thresholds(
        self, here: _Here, rules: _Rules, percent: bool, default_source: Source | None
    ) -> tuple[Threshold, ...]:
        found: list[Threshold] = []
        seen: dict[tuple[str, int | None], int] = {}
        for index, item in enumerate(self.items(here, "thresholds", required=False)):
            self.keys(item, THRESHOLD_REQUIRED, THRESHOLD_OPTIONAL)
            nth_vi, nth_en = f"ngưỡng thứ {index + 1}", f"threshold {index + 1}"
            value = item.m.get("value")
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or not math.isfinite(value)
            ):
                if "value" in item.m:
                    self.bad(
                        item,
                        "value",
                        f"{nth_vi} phải là một số (viết 16.5), không phải “{value}”",
                        f"{nth_en} must be a number (written 16.5), not '{value}'",
                    )
                value = None
            elif percent and not 0 <= value <= 100:
                self.bad(
                    item,
                    "value",
                    f"{nth_vi} là tỷ lệ phần trăm, phải từ 0 đến 100, không phải {value}",
                    f"{nth_en} is a percent and must be within 0..100, not {value}",
                )
            key = self.threshold_key_of(item, rules, nth_vi, nth_en)
            year = self.whole(item, "year", FIRST_YEAR)
            if year is not None and year > LAST_YEAR:
                self.bad(
                    item,
                    "year",
                    f"{nth_vi} có năm {year} ngoài {FIRST_YEAR}-{LAST_YEAR}",
                    f"{nth_en} has year {year} outside {FIRST_YEAR}-{LAST_YEAR}",
                )
            source = (
                self.source(item, "source") if "source" in item.m else default_source
            )
            if key is None:
                continue
            if (key, year) in seen:
                self.bad(
                    item,
                    None,
                    f"{nth_vi} trùng ngưỡng thứ {seen[key, year] + 1} (cùng khóa "
                    f"“{key}”, năm {year or '—'})",
                    f"{nth_en} repeats threshold {seen[key, year] + 1} (same key "
                    f"'{key}', year {year or '—'})",
                )
                continue
            seen[key, year] = index
            if value is not None and source is not None:
                found.append(
                    Threshold(value=float(value), source=source, key=key, year=year)
                )
        return tuple(found)

    def threshold_key_of(
        self, item: _Here, rules: _Rules, nth_vi: str, nth_en: str
    ) -> str | None:
        key = item.m.get("key", "")
        if isinstance(key, int) and not isinstance(key, bool):
            key = str(key)  # commune group 1 written without quotes
        if key in ("", None):
            return ""
        if rules.threshold_key == "none":
            self.bad(
                item,
                "key",
                f"{nth_vi} có khóa “{key}” nhưng bộ tiêu chí có threshold_key: none "
                "(ngưỡng không theo vùng hay nhóm xã); bỏ “key”",
                f"{nth_en} has key '{key}' but the set has threshold_key: none "
                "(thresholds do not vary); remove 'key'",
            )
            return None
        if rules.threshold_key is None:
            return str(key)
        valid = THRESHOLD_KEY_VALUES[rules.threshold_key]
        if key not in valid:
            what_vi = THRESHOLD_KEY_VI[rules.threshold_key]
            what_en = THRESHOLD_KEY_EN[rules.threshold_key]
            self.bad(
                item,
                "key",
                f"{nth_vi} có {what_vi} “{key}” không có ({what_vi} hợp lệ: {_choices(valid)})",
                f"{nth_en} has unknown {what_en} '{key}' (valid: {_choices(valid)})",
            )
            return None
        return str(key)
