"""Reading one mapping of a file: where it is (`_Here`), and the checks of
its keys and of each kind of field, every problem told with its line and
path."""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from vandong.catalog.criteria.reader.loader import _Map, _Seq
from vandong.catalog.criteria.reader.problems import CriteriaProblem, _choices
from vandong.catalog.criteria.reader.schema import (
    BOOLEAN,
    DATE_RE,
    ITEM_CODE_MAX,
    ITEM_CODE_RE,
    NOT_NUMERIC,
    SOURCE_OPTIONAL,
    SOURCE_REQUIRED,
    KnownElement,
)
from vandong.catalog.criteria.spec import CriteriaSetSpec, Source
from vandong.catalog.reader.specs import LEVELS


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


class _Fields:
    """The base of the reader of one file: its state, and the reading of
    single fields."""

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
