"""The report template format: a versioned text file read line by line.

    # a comment
    code: ket-qua-cuoc-van-dong
    version: 1
    name: Kết quả thực hiện Cuộc vận động theo giai đoạn
    title: BÁO CÁO
    type: BC
    subject: Kết quả {{ phase_years }} năm thực hiện Cuộc vận động giai đoạn {{ phase }}
    issuer: party

    [figures]
    cash = value(CONTRIB_CASH_VND, phase)
    wards = denominator(URBAN_CIVILIZED_SHARE, end)
    plan[12] = text("Quyết định số 239-QĐ/TU")

    [section economy] Phát triển kinh tế, giảm nghèo
    Nhân dân đóng góp {{ cash | money(billion, floor) }} (tiền mặt).
    Một câu một dòng; dòng trống ngăn các đoạn.
    !chart contributions(kind): Đóng góp của Nhân dân theo năm và đối tượng

Pure: no Django. `parse` reads the text and says every problem with its line
(a template is refused whole); `check` adds what only the catalog knows (an
unknown indicator or data element), through the `Catalog` the caller gives.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from vandong.core.text import is_digits

# --- what a template may name --------------------------------------------------

# Figures every report has, without a definition.
BUILTINS: dict[str, str] = {
    "unit_name": "tên đơn vị (Lai Châu)",
    "unit_title": "tên đầy đủ của đơn vị (tỉnh Lai Châu)",
    "unit_kind": "loại đơn vị (tỉnh, huyện, xã…)",
    "start_year": "năm đầu giai đoạn",
    "end_year": "năm cuối giai đoạn",
    "phase": "giai đoạn (2016 - 2020)",
    "phase_years": "số năm của giai đoạn",
    "next_end_year": "năm cuối giai đoạn sau",
    "issuer_name": "tên cơ quan ban hành (Tỉnh ủy Lai Châu)",
}

_PERIOD = re.compile(r"^(?:start|end|phase|next|\d{4}|\d{4}-\d{4})$")
# Years a template may name: the campaign's (as phase_bounds accepts them).
_FIRST_YEAR, _LAST_YEAR = 2000, 2100
# Decimal places a number may be shown with.
_MAX_DIGITS = 6


def _is_period(value: str) -> bool:
    """A period word, a year or an ordered span of years the campaign has."""
    if not _PERIOD.match(value):
        return False
    years = [int(y) for y in re.findall(r"\d{4}", value)]
    return all(_FIRST_YEAR <= y <= _LAST_YEAR for y in years) and years == sorted(years)


def _is_day(value: str) -> bool:
    try:
        day = datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return _FIRST_YEAR <= day.year <= _LAST_YEAR


@dataclass(frozen=True)
class Signature:
    """What a function takes: positional arguments by kind, and keywords."""

    args: tuple[
        str, ...
    ]  # kinds: code, indicator, period, deadline, word:<a|b>, int:<a|b>, string, date
    optional: int = 0  # how many trailing positional arguments may be left out
    keywords: tuple[str, ...] = ()
    repeat: str = ""  # kind of further positional arguments (units(xa, phuong))


FUNCTIONS: dict[str, Signature] = {
    # The analytics store: an indicator or a numeric data element, read at the
    # report's unit for the period (default: the phase).
    "value": Signature(("code", "period"), optional=1),
    "numerator": Signature(("code", "period"), optional=1),
    "denominator": Signature(("code", "period"), optional=1),
    # Units of these types below the report's unit, on 31 December.
    "units": Signature(("unittype",), keywords=("period",), repeat="unittype"),
    # The active target of an indicator for the report's unit and a deadline.
    "target": Signature(("indicator", "deadline"), optional=1),
    # Registries and petitions.
    "contributions": Signature(
        ("word:cash|land|labour|materials|total", "period"),
        optional=1,
        keywords=("kind", "purpose"),
    ),
    "ocop": Signature(("int:3|4|5", "period"), optional=1),
    "petitions": Signature(
        ("word:received|in_progress|overdue|answered|rejected", "period"), optional=1
    ),
    # 100 × one figure of the template over another (both defined above it).
    "share": Signature(("figure", "figure")),
    # Fixed words and dates written in the template (per unit with name[CODE]).
    "text": Signature(("string",)),
    "date": Signature(("date",)),
}

# What contributions(kind=…, purpose=…) may name: the registry's contributor
# kinds and purposes (vandong.registries.models ContributorKind and Purpose;
# a test keeps them equal). A value outside them would filter to nothing and
# print a zero the registry never said.
KEYWORD_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("contributions", "kind"): (
        "people",
        "businesses",
        "benefactors",
        "cadres",
        "other",
    ),
    ("contributions", "purpose"): (
        "road",
        "cultural_house",
        "school",
        "irrigation",
        "housing_poor",
        "other",
    ),
}

UNIT_TYPES = (
    "tinh",
    "thanh_pho_tw",
    "huyen",
    "quan",
    "thi_xa",
    "thanh_pho",
    "xa",
    "phuong",
    "thi_tran",
    "dac_khu",
    "thon",
    "ban",
    "to_dan_pho",
    "ap",
)

# Filters: name -> (positional argument kinds, keywords).
FILTERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "number": (("int?",), ()),
    "count2": ((), ()),
    "percent": (("int?",), ()),
    "floor": (("step",), ()),
    "about": (("step",), ()),
    "under": (("step",), ()),
    "money": (("word:billion|million|dong", "flag:floor?"), ("floor",)),
    "goal": ((), ()),
    "date": ((), ()),
}

CHARTS: dict[str, Signature] = {
    # The yearly series of indicators over the phase (communes meeting a standard).
    "trend": Signature(("code",), repeat="code"),
    # Contributions by year, split by contributor kind (the registry).
    "contributions": Signature(("word:kind|purpose",), optional=1),
}

HEADER_KEYS = ("code", "version", "name", "title", "type", "subject", "issuer")
REPEATED_HEADER_KEYS = ("recipient",)
ISSUERS = ("state", "front", "party")


# --- what a template is ----------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    line: int
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        return (
            f"dòng {self.line}: {self.message_vi} / line {self.line}: {self.message_en}"
        )


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[str, ...]
    keywords: tuple[tuple[str, str], ...] = ()

    def keyword(self, name: str, default: str = "") -> str:
        return dict(self.keywords).get(name, default)


@dataclass(frozen=True)
class FigureDef:
    name: str
    call: Call
    line: int
    unit_code: str = ""  # name[CODE]: only for the unit of that code
    phase: str = ""  # name[@2016-2020] or name[CODE@2016-2020]: only for that phase

    @property
    def key(self) -> str:
        return f"{self.unit_code}@{self.phase}" if self.phase else self.unit_code


@dataclass(frozen=True)
class Filter:
    name: str
    args: tuple[str, ...] = ()
    keywords: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Placeholder:
    name: str
    filters: tuple[Filter, ...]
    line: int
    source: str  # as written, inside the braces


Part = str | Placeholder


@dataclass(frozen=True)
class Sentence:
    parts: tuple[Part, ...]
    line: int
    source: str

    @property
    def placeholders(self) -> list[Placeholder]:
        return [p for p in self.parts if isinstance(p, Placeholder)]


@dataclass(frozen=True)
class Paragraph:
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class ChartDef:
    call: Call
    caption: str
    line: int


Block = Paragraph | ChartDef


@dataclass(frozen=True)
class SectionDef:
    key: str
    title: str
    blocks: tuple[Block, ...]
    line: int


@dataclass(frozen=True)
class ReportSpec:
    code: str
    version: int
    name: str
    title: str
    type_code: str
    subject: tuple[Part, ...]
    issuer: str
    recipients: tuple[tuple[Part, ...], ...]
    figures: tuple[FigureDef, ...]
    sections: tuple[SectionDef, ...]

    def definitions(self, name: str) -> list[FigureDef]:
        return [f for f in self.figures if f.name == name]


class TemplateError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# --- reading ----------------------------------------------------------------------

_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_FIGURE_LINE = re.compile(
    r"^([a-z_][a-z0-9_]*)(?:\[([0-9A-Za-z_-]*)(?:@(\d{4}-\d{4}))?\])?\s*=\s*(.+)$"
)
_SECTION = re.compile(r"^\[section\s+([a-z0-9_-]+)\]\s*(.*)$")
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
_HEADER = re.compile(r"^([a-z_]+)\s*:\s*(.*)$")
_TOKEN = re.compile(
    r"""\s*(?:(?P<string>"[^"]*"|“[^”]*”)|(?P<atom>[A-Za-z0-9_.\-]+)|(?P<op>[(),=]))"""
)


def _problem(problems: list[Problem], line: int, vi: str, en: str) -> None:
    problems.append(Problem(line, vi, en))


def parse_call(text: str) -> Call:
    """`name(arg, arg, key=value)`; ValueError says what is wrong."""
    tokens: list[tuple[str, str]] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match or match.end() == position:
            raise ValueError(f"không đọc được “{text[position:]}”")
        position = match.end()
        kind = match.lastgroup or ""
        value = match.group(kind)
        if kind == "string":
            value = value[1:-1]
        tokens.append((kind, value))
    if len(tokens) < 3 or tokens[0][0] != "atom" or tokens[1] != ("op", "("):
        raise ValueError("cần dạng hàm(đối số, …)")
    if tokens[-1] != ("op", ")"):
        raise ValueError("thiếu dấu “)” ở cuối")
    function = tokens[0][1]
    inner = tokens[2:-1]
    args: list[str] = []
    keywords: list[tuple[str, str]] = []
    groups: list[list[tuple[str, str]]] = [[]]
    for token in inner:
        if token == ("op", ","):
            groups.append([])
        else:
            groups[-1].append(token)
    if groups == [[]]:
        groups = []
    for group in groups:
        if len(group) == 1 and group[0][0] in ("atom", "string"):
            if keywords:
                raise ValueError("đối số thường phải đứng trước đối số có tên")
            args.append(group[0][1])
        elif (
            len(group) == 3
            and group[0][0] == "atom"
            and group[1] == ("op", "=")
            and group[2][0] in ("atom", "string")
        ):
            keywords.append((group[0][1], group[2][1]))
        else:
            raise ValueError("đối số không hợp lệ")
    return Call(function, tuple(args), tuple(keywords))


def _parse_filter(text: str) -> Filter:
    text = text.strip()
    if "(" not in text:
        if not _NAME.match(text):
            raise ValueError(f"bộ lọc “{text}” không hợp lệ")
        return Filter(text)
    call = parse_call(text)
    return Filter(call.function, call.args, call.keywords)


def parse_parts(text: str, line: int, problems: list[Problem]) -> tuple[Part, ...]:
    """Text with `{{ name | filter(args) }}` placeholders."""
    parts: list[Part] = []
    position = 0
    for match in _PLACEHOLDER.finditer(text):
        if match.start() > position:
            parts.append(text[position : match.start()])
        inner = match.group(1).strip()
        pieces = [p.strip() for p in inner.split("|")]
        name = pieces[0]
        if not _NAME.match(name):
            _problem(
                problems,
                line,
                f"tên số liệu “{name}” không hợp lệ (chữ thường, số, dấu _)",
                f"figure name '{name}' is not valid (lower case, digits, _)",
            )
        filters: list[Filter] = []
        for piece in pieces[1:]:
            try:
                filters.append(_parse_filter(piece))
            except ValueError as error:
                _problem(
                    problems,
                    line,
                    f"bộ lọc “{piece}”: {error}",
                    f"filter '{piece}' is not valid",
                )
        parts.append(Placeholder(name, tuple(filters), line, inner))
        position = match.end()
    rest = text[position:]
    if "{{" in rest or "}}" in rest:
        _problem(
            problems,
            line,
            "dấu {{ hoặc }} không khớp",
            "unbalanced {{ or }}",
        )
    if rest:
        parts.append(rest)
    return tuple(parts)


@dataclass
class _Reader:
    problems: list[Problem] = field(default_factory=list)
    header: dict[str, tuple[str, int]] = field(default_factory=dict)
    recipients: list[tuple[Part, ...]] = field(default_factory=list)
    figures: list[FigureDef] = field(default_factory=list)
    sections: list[SectionDef] = field(default_factory=list)
    # the section being read
    key: str = ""
    title: str = ""
    section_line: int = 0
    blocks: list[Block] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)

    def end_paragraph(self) -> None:
        if self.sentences:
            self.blocks.append(Paragraph(tuple(self.sentences)))
            self.sentences = []

    def end_section(self) -> None:
        self.end_paragraph()
        if self.key:
            self.sections.append(
                SectionDef(self.key, self.title, tuple(self.blocks), self.section_line)
            )
        self.key, self.title, self.blocks = "", "", []


def parse(text: str) -> ReportSpec:
    """Read a template; TemplateError lists every problem with its line."""
    reader = _Reader()
    block = "header"
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#"):
            continue
        if line == "[figures]":
            reader.end_section()
            block = "figures"
            continue
        section = _SECTION.match(line)
        if section:
            reader.end_section()
            block = "section"
            reader.key = section.group(1)
            reader.title = section.group(2).strip()
            reader.section_line = number
            if any(s.key == reader.key for s in reader.sections):
                _problem(
                    reader.problems,
                    number,
                    f"mục “{reader.key}” đã có ở trên",
                    f"section '{reader.key}' is written twice",
                )
            continue
        if line.startswith("[") and line.endswith("]"):
            _problem(
                reader.problems,
                number,
                f"khối “{line}” không có: dùng [figures] hoặc [section tên] Tiêu đề",
                f"no block '{line}': use [figures] or [section key] Title",
            )
            continue
        if block == "header":
            _header_line(reader, line, number)
        elif block == "figures":
            _figure_line(reader, line, number)
        else:
            _section_line(reader, line, number)
    reader.end_section()
    spec = _spec(reader)
    if reader.problems:
        raise TemplateError(sorted(reader.problems, key=lambda p: p.line))
    return spec


def _header_line(reader: _Reader, line: str, number: int) -> None:
    if not line:
        return
    match = _HEADER.match(line)
    if not match:
        _problem(
            reader.problems,
            number,
            "phần đầu chỉ có các dòng “khóa: giá trị”",
            "the header holds only 'key: value' lines",
        )
        return
    key, value = match.group(1), match.group(2).strip()
    if key in REPEATED_HEADER_KEYS:
        reader.recipients.append(parse_parts(value, number, reader.problems))
        return
    if key not in HEADER_KEYS:
        _problem(
            reader.problems,
            number,
            f"khóa “{key}” không có (có: {', '.join(HEADER_KEYS + REPEATED_HEADER_KEYS)})",
            f"unknown key '{key}'",
        )
        return
    if key in reader.header:
        _problem(
            reader.problems,
            number,
            f"khóa “{key}” đã ghi ở dòng {reader.header[key][1]}",
            f"key '{key}' is written twice",
        )
        return
    reader.header[key] = (value, number)


def _figure_line(reader: _Reader, line: str, number: int) -> None:
    if not line:
        return
    match = _FIGURE_LINE.match(line)
    if not match:
        _problem(
            reader.problems,
            number,
            "cần dạng “tên = hàm(đối số)”, tên viết thường",
            "expected 'name = function(arguments)', the name in lower case",
        )
        return
    name, unit_code = match.group(1), match.group(2) or ""
    phase, expression = match.group(3) or "", match.group(4)
    if name in BUILTINS:
        _problem(
            reader.problems,
            number,
            f"“{name}” là số liệu có sẵn, không định nghĩa lại được",
            f"'{name}' is built in and cannot be redefined",
        )
        return
    for other in reader.figures:
        if other.name == name and (other.unit_code, other.phase) == (unit_code, phase):
            _problem(
                reader.problems,
                number,
                f"số liệu “{name}” đã định nghĩa ở dòng {other.line}",
                f"figure '{name}' is already defined on line {other.line}",
            )
            return
    try:
        call = parse_call(expression)
    except ValueError as error:
        _problem(
            reader.problems,
            number,
            f"số liệu “{name}”: {error}",
            f"figure '{name}': cannot read '{expression}'",
        )
        return
    _check_call(reader.problems, call, FUNCTIONS, number, "hàm", "function")
    reader.figures.append(FigureDef(name, call, number, unit_code, phase))


def _section_line(reader: _Reader, line: str, number: int) -> None:
    if not line:
        reader.end_paragraph()
        return
    if line.startswith("!chart"):
        reader.end_paragraph()
        body = line[len("!chart") :].strip()
        expression, _, caption = body.partition(":")
        try:
            call = parse_call(expression)
        except ValueError as error:
            _problem(
                reader.problems,
                number,
                f"biểu đồ: {error}",
                f"chart: cannot read '{expression}'",
            )
            return
        _check_call(reader.problems, call, CHARTS, number, "biểu đồ", "chart")
        reader.blocks.append(ChartDef(call, caption.strip(), number))
        return
    if line.startswith("!"):
        _problem(
            reader.problems,
            number,
            f"lệnh “{line.split()[0]}” không có (có: !chart)",
            f"unknown directive '{line.split()[0]}' (there is !chart)",
        )
        return
    parts = parse_parts(line, number, reader.problems)
    reader.sentences.append(Sentence(parts, number, line))


def _check_call(
    problems: list[Problem],
    call: Call,
    table: dict[str, Signature],
    line: int,
    what_vi: str,
    what_en: str,
) -> None:
    signature = table.get(call.function)
    if signature is None:
        _problem(
            problems,
            line,
            f"{what_vi} “{call.function}” không có (có: {', '.join(sorted(table))})",
            f"unknown {what_en} '{call.function}'",
        )
        return
    needed = len(signature.args) - signature.optional
    if len(call.args) < needed or (
        not signature.repeat and len(call.args) > len(signature.args)
    ):
        _problem(
            problems,
            line,
            f"{call.function}(…) cần {needed} đến {len(signature.args)} đối số, "
            f"có {len(call.args)}",
            f"{call.function}(…) takes {needed} to {len(signature.args)} arguments",
        )
        return
    for index, value in enumerate(call.args):
        kind = (
            signature.args[index] if index < len(signature.args) else signature.repeat
        )
        message = _bad_argument(kind, value)
        if message:
            _problem(
                problems,
                line,
                f"{call.function}(…), đối số {index + 1}: {message}",
                f"{call.function}(…), argument {index + 1}: '{value}' is not valid",
            )
    for key, value in call.keywords:
        if key not in signature.keywords:
            _problem(
                problems,
                line,
                f"{call.function}(…) không có đối số tên “{key}”",
                f"{call.function}(…) has no argument '{key}'",
            )
        elif key == "period" and not _is_period(value):
            _problem(
                problems,
                line,
                f"kỳ “{value}” không hợp lệ (start, end, phase, năm hoặc 2017-2020)",
                f"period '{value}' is not valid",
            )
        elif (
            choices := KEYWORD_CHOICES.get((call.function, key))
        ) and value not in choices:
            _problem(
                problems,
                line,
                f"{call.function}(…), {key}=“{value}” không có "
                f"(chọn một trong {', '.join(choices)})",
                f"{call.function}(…), {key}='{value}' is not one of "
                f"{', '.join(choices)}",
            )


def _bad_argument(kind: str, value: str) -> str:
    """Why `value` is not of `kind`, or ""."""
    if kind in ("code", "indicator"):
        return "" if re.match(r"^[A-Z][A-Z0-9_]*$", value) else "cần một mã viết hoa"
    if kind == "period":
        return (
            ""
            if _is_period(value)
            else "kỳ là start, end, phase, năm hoặc 2017-2020 (2000-2100)"
        )
    if kind == "deadline":
        return (
            "" if re.match(r"^(?:next|\d{4})$", value) else "hạn là next hoặc một năm"
        )
    if kind == "unittype":
        return (
            ""
            if value in UNIT_TYPES
            else f"loại đơn vị là một trong {', '.join(UNIT_TYPES)}"
        )
    if kind.startswith(("word:", "int:")):
        choices = kind.split(":", 1)[1].split("|")
        return "" if value in choices else f"chọn một trong {', '.join(choices)}"
    if kind == "figure":
        return "" if _NAME.match(value) else "cần tên một số liệu của mẫu"
    if kind == "date":
        return "" if _is_day(value) else "ngày có thật, ghi YYYY-MM-DD"
    return ""


def _spec(reader: _Reader) -> ReportSpec:
    header = {k: v for k, (v, _) in reader.header.items()}
    for key in ("code", "version", "name"):
        if key not in header:
            _problem(
                reader.problems,
                1,
                f"thiếu khóa “{key}” ở phần đầu",
                f"the header has no '{key}'",
            )
    version = 0
    if "version" in header:
        if is_digits(header["version"]) and 0 < int(header["version"]) < 2**31:
            version = int(header["version"])
        else:
            _problem(
                reader.problems,
                reader.header["version"][1],
                "phiên bản là một số nguyên dương",
                "the version is a positive whole number",
            )
    code = header.get("code", "")
    if code and not re.match(r"^[a-z0-9][a-z0-9-]*$", code):
        _problem(
            reader.problems,
            reader.header["code"][1],
            "mã mẫu chỉ gồm chữ thường không dấu, số và dấu -",
            "the template code holds lower-case letters, digits and -",
        )
    for key, longest in (("code", 60), ("name", 200)):
        if len(header.get(key, "")) > longest:
            _problem(
                reader.problems,
                reader.header[key][1],
                f"“{key}” dài quá {longest} ký tự",
                f"'{key}' is longer than {longest} characters",
            )
    issuer = header.get("issuer", "state")
    if issuer not in ISSUERS:
        _problem(
            reader.problems,
            reader.header["issuer"][1],
            f"thể thức “{issuer}” không có (có: {', '.join(ISSUERS)})",
            f"no issuer format '{issuer}'",
        )
    subject_line = reader.header.get("subject", ("", 1))[1]
    subject = parse_parts(header.get("subject", ""), subject_line, reader.problems)
    if not reader.sections:
        _problem(
            reader.problems,
            1,
            "mẫu chưa có mục nào ([section tên] Tiêu đề)",
            "the template has no section",
        )
    spec = ReportSpec(
        code=code,
        version=version,
        name=header.get("name", ""),
        title=header.get("title", "BÁO CÁO"),
        type_code=header.get("type", "BC"),
        subject=subject,
        issuer=issuer,
        recipients=tuple(reader.recipients),
        figures=tuple(reader.figures),
        sections=tuple(reader.sections),
    )
    _check_names(spec, reader.problems)
    return spec


def placeholders(spec: ReportSpec) -> list[Placeholder]:
    found: list[Placeholder] = [p for p in spec.subject if isinstance(p, Placeholder)]
    for parts in spec.recipients:
        found += [p for p in parts if isinstance(p, Placeholder)]
    for section in spec.sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                for sentence in block.sentences:
                    found += sentence.placeholders
    return found


def _check_names(spec: ReportSpec, problems: list[Problem]) -> None:
    defined = {f.name for f in spec.figures}
    for figure in spec.figures:
        if figure.call.function != "share":
            continue
        earlier = {f.name for f in spec.figures if f.line < figure.line}
        for name in figure.call.args:
            if name not in earlier:
                _problem(
                    problems,
                    figure.line,
                    f"số liệu “{figure.name}”: “{name}” chưa được định nghĩa ở trên",
                    f"figure '{figure.name}': '{name}' is not defined above it",
                )
    for placeholder in placeholders(spec):
        if placeholder.name not in defined and placeholder.name not in BUILTINS:
            _problem(
                problems,
                placeholder.line,
                f"số liệu “{placeholder.name}” chưa được định nghĩa "
                "(thêm vào khối [figures])",
                f"unknown figure '{placeholder.name}' (define it under [figures])",
            )
        for item in placeholder.filters:
            _check_filter(problems, item, placeholder.line)


def _check_filter(problems: list[Problem], item: Filter, line: int) -> None:
    known = FILTERS.get(item.name)
    if known is None:
        _problem(
            problems,
            line,
            f"bộ lọc “{item.name}” không có (có: {', '.join(sorted(FILTERS))})",
            f"unknown filter '{item.name}'",
        )
        return
    kinds, keywords = known
    required = [k for k in kinds if not k.endswith("?")]
    if len(item.args) < len(required) or len(item.args) > len(kinds):
        _problem(
            problems,
            line,
            f"bộ lọc “{item.name}” cần {len(required)} đến {len(kinds)} đối số",
            f"filter '{item.name}' takes {len(required)} to {len(kinds)} arguments",
        )
        return
    for kind, value in zip(kinds, item.args, strict=False):
        kind = kind.rstrip("?")
        ok = True
        if kind == "int":
            ok = is_digits(value) and int(value) <= _MAX_DIGITS
        elif kind == "step":
            ok = bool(re.match(r"^\d+(?:\.\d+)?$", value)) and float(value) > 0
        elif kind.startswith(("word:", "flag:")):
            ok = value in kind.split(":", 1)[1].split("|")
        if not ok:
            _problem(
                problems,
                line,
                f"bộ lọc “{item.name}”: đối số “{value}” không hợp lệ",
                f"filter '{item.name}': argument '{value}' is not valid",
            )
    for key, value in item.keywords:
        if key not in keywords:
            _problem(
                problems,
                line,
                f"bộ lọc “{item.name}” không có đối số tên “{key}”",
                f"filter '{item.name}' has no argument '{key}'",
            )
        elif not (re.match(r"^\d+(?:\.\d+)?$", value) and float(value) > 0):
            _problem(
                problems,
                line,
                f"bộ lọc “{item.name}”: {key}={value} phải là một số lớn hơn 0",
                f"filter '{item.name}': {key}={value} must be a number above 0",
            )


# --- what only the catalog knows ------------------------------------------------------


@dataclass(frozen=True)
class Catalog:
    """What the codes of a template are checked against."""

    measures: Callable[[str], bool]  # an indicator or a numeric data element
    indicators: Callable[[str], bool]  # an indicator (targets and charts)


def check(spec: ReportSpec, catalog: Catalog) -> list[Problem]:
    """Codes the catalog does not know, each with its line."""
    problems: list[Problem] = []
    for figure in spec.figures:
        for code, kind in _codes(figure.call, FUNCTIONS):
            known = (
                catalog.indicators(code)
                if kind == "indicator"
                else catalog.measures(code)
            )
            if not known:
                _problem(
                    problems,
                    figure.line,
                    f"số liệu “{figure.name}”: không có "
                    f"{'chỉ số' if kind == 'indicator' else 'chỉ số hay chỉ tiêu'} “{code}”",
                    f"figure '{figure.name}': no "
                    f"{'indicator' if kind == 'indicator' else 'indicator or data element'} '{code}'",
                )
    for section in spec.sections:
        for block in section.blocks:
            if isinstance(block, ChartDef):
                for code, _ in _codes(block.call, CHARTS):
                    if not catalog.measures(code):
                        _problem(
                            problems,
                            block.line,
                            f"biểu đồ: không có chỉ số hay chỉ tiêu “{code}”",
                            f"chart: no indicator or data element '{code}'",
                        )
    return problems


def _codes(call: Call, table: dict[str, Signature]) -> Iterable[tuple[str, str]]:
    signature = table.get(call.function)
    if signature is None:
        return
    for index, value in enumerate(call.args):
        kind = (
            signature.args[index] if index < len(signature.args) else signature.repeat
        )
        if kind in ("code", "indicator"):
            yield value, kind


def read(text: str, catalog: Catalog | None = None) -> ReportSpec:
    """Parse and, with a catalog, check: TemplateError with every problem."""
    spec = parse(text)
    if catalog is not None:
        problems = check(spec, catalog)
        if problems:
            raise TemplateError(problems)
    return spec
