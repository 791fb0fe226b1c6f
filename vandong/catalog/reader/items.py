"""Reads the catalog files item by item into specs, recording every problem
(with its file, line and item) instead of stopping at the first."""

import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from vandong.catalog.expressions import CODE_RE
from vandong.catalog.models import (
    Operator,
    PeriodKind,
    TimeAggregation,
    TreeAggregation,
    ValidationRule,
    ValueType,
)
from vandong.catalog.reader.specs import (
    KINDS,
    LEVELS,
    CatalogSpec,
    DataSetSpec,
    ElementSpec,
    MemberSpec,
    PeriodSpec,
    Problems,
    RuleSpec,
    Where,
    choices_text,
)

FIRST_YEAR, LAST_YEAR = 1900, 2100

# Item fields: required, then optional with their default.
_ELEMENT_REQUIRED = (
    "code",
    "name_vi",
    "name_en",
    "value_type",
    "level",
    "tree_aggregation",
    "time_aggregation",
)
_ELEMENT_OPTIONAL: dict[str, object] = {
    "short_name_vi": "",
    "description": "",
    "measure": "",
    "numerator": None,
    "denominator": None,
    "min_value": None,
    "max_value": None,
    "dhis2_uid": "",
    "source_note": "",
    "registry": "",
    "is_active": True,
}
_SET_REQUIRED = ("code", "name_vi", "name_en", "level", "sections")
_SET_OPTIONAL: dict[str, object] = {
    "description": "",
    "period_kind": PeriodKind.YEAR.value,
    "version": 1,
    "dhis2_uid": "",
    "is_active": True,
    "required": [],
}
_RULE_REQUIRED = ("code", "name_vi", "name_en", "left", "operator", "right", "level")
_RULE_OPTIONAL: dict[str, object] = {
    "severity": ValidationRule.Severity.ERROR.value,
    "missing_as_zero": False,
    "is_active": True,
}
_SECTION_FIELDS = ("name_vi", "name_en", "elements")
# Registries that may keep a data element (DataElement.registry).
REGISTRIES = ("contributions", "ocop", "teams", "conferences")

# Text fields and their longest value (the model's max_length).
_MAX_LENGTH = {
    "code": 60,
    "name_vi": 300,
    "name_en": 300,
    "short_name_vi": 120,
    "measure": 30,
    "source_note": 300,
    "left": 500,
    "right": 500,
    "section": 200,
}


def _compose(text: str) -> tuple[Any, yaml.Node | None]:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, node


def _duplicate_keys(node: yaml.Node) -> list[tuple[str, int]]:
    """Keys written twice in one mapping (YAML would keep the last silently)."""
    found: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(getattr(key, "value", ""))
            if name in seen:
                found.append((name, key.start_mark.line + 1))
            seen.add(name)
            found += _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found += _duplicate_keys(item)
    return found


class ItemReader:
    """Reads items into specs, recording every problem instead of stopping."""

    def __init__(self) -> None:
        self.problems = Problems()
        self.spec = CatalogSpec()

    # -- field helpers --

    def text(
        self,
        item: Mapping[str, Any],
        name: str,
        where: Where,
        *,
        required: bool = True,
        default: str = "",
    ) -> str:
        value = item.get(name, None if required else default)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.problems.add(
                where,
                name,
                f"trường “{name}” phải là một chuỗi chữ không rỗng",
                f"field '{name}' must be a non-empty string",
            )
            return ""
        value = value.strip()
        limit = _MAX_LENGTH.get(name)
        if limit is not None and len(value) > limit:
            self.problems.add(
                where,
                name,
                f"trường “{name}” dài {len(value)} ký tự, tối đa {limit}",
                f"field '{name}' is {len(value)} characters long, at most {limit}",
            )
        return value

    def flag(
        self, item: Mapping[str, Any], name: str, where: Where, default: bool
    ) -> bool:
        value = item.get(name, default)
        if not isinstance(value, bool):
            self.problems.add(
                where,
                name,
                f"trường “{name}” phải là true hoặc false",
                f"field '{name}' must be true or false",
            )
            return default
        return value

    def number(self, item: Mapping[str, Any], name: str, where: Where) -> float | None:
        value = item.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.add(
                where,
                name,
                f"trường “{name}” phải là một số (viết 1000 hoặc 0.5), không phải “{value}”",
                f"field '{name}' must be a number (written 1000 or 0.5), not '{value}'",
            )
            return None
        return float(value)

    def choice(
        self,
        item: Mapping[str, Any],
        name: str,
        where: Where,
        allowed: Iterable[str],
        default: str | None = None,
    ) -> str:
        allowed = list(allowed)
        value = item.get(name, default)
        if value not in allowed:
            self.problems.add(
                where,
                name,
                f"giá trị “{value}” của “{name}” không hợp lệ; dùng một trong: "
                f"{choices_text(allowed)}",
                f"'{value}' is not a valid {name}; use one of: {choices_text(allowed)}",
            )
            return ""
        return str(value)

    def level(self, item: Mapping[str, Any], where: Where) -> int:
        value = item.get("level")
        if isinstance(value, str) and value in LEVELS:
            return LEVELS[value]
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4:
            return value
        self.problems.add(
            where,
            "level",
            f"cấp “{value}” không hợp lệ; dùng một trong: {choices_text(LEVELS)} "
            "(hoặc 1-4)",
            f"'{value}' is not a valid level; use one of: {choices_text(LEVELS)} "
            "(or 1-4)",
        )
        return 0

    def code(self, item: Mapping[str, Any], where: Where) -> str:
        code = item.get("code")
        if not isinstance(code, str) or not CODE_RE.match(code) or len(code) > 60:
            self.problems.add(
                where,
                "code",
                f"mã “{code}” không hợp lệ: chữ in hoa không dấu, số và dấu gạch dưới, "
                "bắt đầu bằng chữ, tối đa 60 ký tự",
                f"code '{code}' is not valid: upper-case letters, digits and "
                "underscores, starting with a letter, at most 60 characters",
            )
            return ""
        return code

    def fields(
        self,
        item: Mapping[str, Any],
        where: Where,
        required: Iterable[str],
        optional: Iterable[str],
    ) -> bool:
        known = set(required) | set(optional)
        ok = True
        for name in required:
            if name not in item:
                self.problems.add(
                    where,
                    name,
                    f"thiếu trường “{name}”",
                    f"field '{name}' is missing",
                )
                ok = False
        for name in item:
            if name not in known:
                self.problems.add(
                    where,
                    str(name),
                    f"trường “{name}” không có; các trường: "
                    f"{choices_text(sorted(known))}",
                    f"unknown field '{name}'; the fields are: "
                    f"{choices_text(sorted(known))}",
                )
                ok = False
        return ok

    # -- files --

    def read_file(self, path: Path) -> None:
        name = path.name
        self.spec.files.append(name)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.problems.file(
                name,
                0,
                f"không đọc được tệp ({exc.__class__.__name__}); cần văn bản UTF-8",
                f"cannot read the file ({exc.__class__.__name__}); UTF-8 text expected",
            )
            return
        try:
            data, node = _compose(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 0
            problem = getattr(exc, "problem", None) or str(exc)
            self.problems.file(
                name, line, f"lỗi cú pháp YAML: {problem}", f"YAML syntax: {problem}"
            )
            return
        if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
            self.problems.file(
                name,
                1,
                "tệp phải là một bảng (mapping) có “version” và ít nhất một trong: "
                + choices_text(KINDS),
                "the file must be a mapping with 'version' and at least one of: "
                + choices_text(KINDS),
            )
            return
        for key, line in _duplicate_keys(node):
            self.problems.file(
                name,
                line,
                f"khóa “{key}” viết hai lần trong cùng một bảng",
                f"key '{key}' is written twice in one mapping",
            )
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problems.file(
                name,
                1,
                "thiếu “version” (số nguyên ≥ 1) của tệp",
                "the file's 'version' (a whole number ≥ 1) is missing",
            )
        unknown = sorted(set(map(str, data)) - {"version", *KINDS})
        if unknown:
            self.problems.file(
                name,
                1,
                f"khóa không có: {choices_text(unknown)}; dùng: " + choices_text(KINDS),
                f"unknown keys: {choices_text(unknown)}; use: " + choices_text(KINDS),
            )
        nodes = {str(k.value): v for k, v in node.value}
        if "periods" in data:
            self.read_periods(name, data["periods"], nodes["periods"])
        for kind, read in (
            ("data_elements", self.read_element),
            ("data_sets", self.read_data_set),
            ("validation_rules", self.read_rule),
        ):
            if kind not in data:
                continue
            items, items_node = data[kind], nodes[kind]
            if not isinstance(items, list) or not isinstance(
                items_node, yaml.SequenceNode
            ):
                self.problems.file(
                    name,
                    items_node.start_mark.line + 1,
                    f"“{kind}” phải là một danh sách",
                    f"'{kind}' must be a list",
                )
                continue
            for index, (item, item_node) in enumerate(
                zip(items, items_node.value, strict=True), start=1
            ):
                code = item.get("code") if isinstance(item, dict) else None
                where = Where(
                    name,
                    item_node.start_mark.line + 1,
                    kind,
                    index,
                    code if isinstance(code, str) else "",
                )
                if not isinstance(item, dict):
                    self.problems.add(
                        where, "", "mục phải là một bảng", "the item must be a mapping"
                    )
                    continue
                read(item, where)

    def read_periods(self, name: str, data: Any, node: yaml.Node) -> None:
        where = Where(name, node.start_mark.line + 1, "periods", 1)
        if not isinstance(data, dict):
            self.problems.add(
                where,
                "periods",
                "“periods” phải là một bảng có “years” và/hoặc “phases”",
                "'periods' must be a mapping with 'years' and/or 'phases'",
            )
            return
        if not self.fields(data, where, (), ("years", "phases")):
            return

        def span(value: Any, where: Where) -> tuple[int, int] | None:
            if not isinstance(value, dict) or not self.fields(
                value, where, ("first", "last"), ()
            ):
                if not isinstance(value, dict):
                    self.problems.add(
                        where,
                        "",
                        "cần một bảng có “first” và “last” (năm)",
                        "a mapping with 'first' and 'last' (years) is expected",
                    )
                return None
            first, last = value["first"], value["last"]
            if not all(
                isinstance(y, int)
                and not isinstance(y, bool)
                and FIRST_YEAR <= y <= LAST_YEAR
                for y in (first, last)
            ) or (first > last):
                self.problems.add(
                    where,
                    "first",
                    f"năm đầu “{first}”, năm cuối “{last}” không hợp lệ "
                    f"({FIRST_YEAR}-{LAST_YEAR}, năm đầu ≤ năm cuối)",
                    f"first '{first}' and last '{last}' are not valid years "
                    f"({FIRST_YEAR}-{LAST_YEAR}, first ≤ last)",
                )
                return None
            return first, last

        if "years" in data:
            years = span(data["years"], where)
            if years is not None:
                for year in range(years[0], years[1] + 1):
                    self.spec.periods.append(
                        PeriodSpec(
                            code=str(year),
                            kind=PeriodKind.YEAR,
                            start=datetime.date(year, 1, 1),
                            end=datetime.date(year, 12, 31),
                            where=Where(
                                name,
                                where.line,
                                "periods",
                                year - years[0] + 1,
                                str(year),
                            ),
                        )
                    )
        phases = data.get("phases", [])
        if not isinstance(phases, list):
            self.problems.add(
                where,
                "phases",
                "“phases” phải là một danh sách",
                "'phases' must be a list",
            )
            return
        phase_nodes = getattr(
            {str(k.value): v for k, v in node.value}.get("phases"), "value", []
        )
        for index, phase in enumerate(phases, start=1):
            line = (
                phase_nodes[index - 1].start_mark.line + 1
                if index <= len(phase_nodes)
                else where.line
            )
            phase_where = Where(name, line, "periods", index)
            got = span(phase, phase_where)
            if got is None:
                continue
            code = f"{got[0]}-{got[1]}"
            self.spec.periods.append(
                PeriodSpec(
                    code=code,
                    kind=PeriodKind.PHASE,
                    start=datetime.date(got[0], 1, 1),
                    end=datetime.date(got[1], 12, 31),
                    where=Where(name, line, "periods", index, code),
                )
            )

    def read_element(self, item: dict[str, Any], where: Where) -> None:
        self.fields(item, where, _ELEMENT_REQUIRED, _ELEMENT_OPTIONAL)
        code = self.code(item, where)
        values: dict[str, Any] = {
            "name_vi": self.text(item, "name_vi", where),
            "name_en": self.text(item, "name_en", where),
            "short_name_vi": self.text(item, "short_name_vi", where, required=False),
            "description": self.text(item, "description", where, required=False),
            "measure": self.text(item, "measure", where, required=False),
            "value_type": self.choice(item, "value_type", where, ValueType.values),
            "level": self.level(item, where),
            "tree_aggregation": self.choice(
                item, "tree_aggregation", where, TreeAggregation.values
            ),
            "time_aggregation": self.choice(
                item, "time_aggregation", where, TimeAggregation.values
            ),
            "min_value": self.number(item, "min_value", where),
            "max_value": self.number(item, "max_value", where),
            "dhis2_uid": self.text(item, "dhis2_uid", where, required=False),
            "source_note": self.text(item, "source_note", where, required=False),
            "registry": self.choice(item, "registry", where, REGISTRIES)
            if item.get("registry")
            else "",
            "is_active": self.flag(item, "is_active", where, True),
        }
        refs: dict[str, str | None] = {}
        for name in ("numerator", "denominator"):
            ref = item.get(name)
            if ref is not None and not isinstance(ref, str):
                self.problems.add(
                    where,
                    name,
                    f"“{name}” phải là mã một chỉ tiêu",
                    f"'{name}' must be a data element code",
                )
                ref = None
            refs[name] = ref
        if code:
            self.spec.elements.append(
                ElementSpec(code, values, refs["numerator"], refs["denominator"], where)
            )

    def read_data_set(self, item: dict[str, Any], where: Where) -> None:
        self.fields(item, where, _SET_REQUIRED, _SET_OPTIONAL)
        code = self.code(item, where)
        version = item.get("version", 1)
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problems.add(
                where,
                "version",
                f"phiên bản “{version}” phải là số nguyên ≥ 1",
                f"version '{version}' must be a whole number ≥ 1",
            )
            version = 1
        values: dict[str, Any] = {
            "name_vi": self.text(item, "name_vi", where),
            "name_en": self.text(item, "name_en", where),
            "description": self.text(item, "description", where, required=False),
            "level": self.level(item, where),
            "period_kind": self.choice(
                item, "period_kind", where, PeriodKind.values, PeriodKind.YEAR
            ),
            "version": version,
            "dhis2_uid": self.text(item, "dhis2_uid", where, required=False),
            "is_active": self.flag(item, "is_active", where, True),
        }
        required = item.get("required", [])
        if not isinstance(required, list) or not all(
            isinstance(r, str) for r in required
        ):
            self.problems.add(
                where,
                "required",
                "“required” phải là danh sách mã chỉ tiêu",
                "'required' must be a list of data element codes",
            )
            required = []
        members: list[MemberSpec] = []
        sections = item.get("sections")
        if not isinstance(sections, list) or not sections:
            self.problems.add(
                where,
                "sections",
                "“sections” phải là một danh sách phần không rỗng",
                "'sections' must be a non-empty list of sections",
            )
            sections = []
        for number, section in enumerate(sections, start=1):
            if not isinstance(section, dict) or not self.fields(
                section, where, _SECTION_FIELDS, ()
            ):
                if not isinstance(section, dict):
                    self.problems.add(
                        where,
                        "sections",
                        f"phần thứ {number} phải là một bảng có name_vi, name_en, "
                        "elements",
                        f"section {number} must be a mapping with name_vi, name_en, "
                        "elements",
                    )
                continue
            codes = section["elements"]
            if (
                not isinstance(codes, list)
                or not codes
                or not all(isinstance(c, str) for c in codes)
            ):
                self.problems.add(
                    where,
                    "elements",
                    f"phần thứ {number}: “elements” phải là danh sách mã chỉ tiêu "
                    "không rỗng",
                    f"section {number}: 'elements' must be a non-empty list of data "
                    "element codes",
                )
                continue
            section_vi = self.text(section, "name_vi", where)
            section_en = self.text(section, "name_en", where)
            for name, value in (("name_vi", section_vi), ("name_en", section_en)):
                if len(value) > _MAX_LENGTH["section"]:
                    self.problems.add(
                        where,
                        name,
                        f"tên phần thứ {number} dài quá {_MAX_LENGTH['section']} ký tự",
                        f"section {number}'s name is longer than "
                        f"{_MAX_LENGTH['section']} characters",
                    )
            members += [
                MemberSpec(
                    code=c,
                    section_vi=section_vi,
                    section_en=section_en,
                    order=len(members) + offset + 1,
                    is_required=c in required,
                )
                for offset, c in enumerate(codes)
            ]
        in_set = {m.code for m in members}
        for code_required in required:
            if code_required not in in_set:
                self.problems.add(
                    where,
                    "required",
                    f"chỉ tiêu bắt buộc “{code_required}” không có trong các phần "
                    "của biểu",
                    f"required element '{code_required}' is not in the form's sections",
                )
        if code:
            self.spec.data_sets.append(DataSetSpec(code, values, members, where))

    def read_rule(self, item: dict[str, Any], where: Where) -> None:
        self.fields(item, where, _RULE_REQUIRED, _RULE_OPTIONAL)
        code = self.code(item, where)
        values: dict[str, Any] = {
            "name_vi": self.text(item, "name_vi", where),
            "name_en": self.text(item, "name_en", where),
            "left": self.text(item, "left", where),
            "operator": self.choice(item, "operator", where, Operator.values),
            "right": self.text(item, "right", where),
            "severity": self.choice(
                item,
                "severity",
                where,
                ValidationRule.Severity.values,
                ValidationRule.Severity.ERROR,
            ),
            "level": self.level(item, where),
            "missing_as_zero": self.flag(item, "missing_as_zero", where, False),
            "is_active": self.flag(item, "is_active", where, True),
        }
        if code:
            self.spec.rules.append(RuleSpec(code, values, where))

    # -- across files --
