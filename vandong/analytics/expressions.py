"""The numerator and denominator of an indicator: a sum of terms.

    HH_CULTURAL                     a data element (aggregated by its rule)
    CONTRIB_CASH + CONTRIB_KIND     several, added
    units(phuong, thi_tran)         how many units of these types exist
    met(urban_civilized)            how many units meet a criteria set's kind
    evaluated(ntm_commune)          how many units were evaluated against it
    recognized(ntm_commune)         how many hold an official recognition
    2 * X - Y, 0.001 * CONTRIB_CASH factors and subtraction

Pure: no Django. Each term becomes a measure code (`HH_CULTURAL`,
`units:phuong`, `met:urban_civilized`) with a factor.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from vandong.catalog.expressions import ExpressionError

__all__ = ["DERIVED_KINDS", "ExpressionError", "Sum", "check", "parse"]

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<name>[A-Za-z][A-Za-z0-9_]*)"
    r"|(?P<op>[-+*(),]))"
)
# The counts kept for every unit and year, besides the data elements.
DERIVED_KINDS = ("units", "met", "evaluated", "recognized")
_FUNCTIONS = DERIVED_KINDS


@dataclass(frozen=True)
class Sum:
    # (measure code, factor) in the order written.
    terms: tuple[tuple[str, float], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for code, _ in self.terms))


def parse(text: str) -> Sum:
    """Parse a side of an indicator; ExpressionError says what is wrong."""
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError("Biểu thức trống.", "The expression is empty.")
    terms: list[tuple[str, float]] = []
    position = 0
    sign = 1.0
    while position < len(tokens):
        if tokens[position] in (("op", "+"), ("op", "-")):
            sign = -sign if tokens[position][1] == "-" else sign
            position += 1
            if position == len(tokens):
                _fail(text, tokens[-1][1])
            continue
        position, found = _term(text, tokens, position)
        terms.extend((code, sign * factor) for code, factor in found)
        sign = 1.0
        if position < len(tokens) and tokens[position] not in (
            ("op", "+"),
            ("op", "-"),
        ):
            _fail(text, tokens[position][1])
    if not terms:
        _fail(text, text)
    return Sum(tuple(terms))


def _term(
    text: str, tokens: list[tuple[str, str]], position: int
) -> tuple[int, list[tuple[str, float]]]:
    factor = 1.0
    kind, value = tokens[position]
    if kind == "number":
        factor = float(value)
        if position + 1 < len(tokens) and tokens[position + 1] == ("op", "*"):
            position += 2
            if position >= len(tokens):
                _fail(text, "*")
            kind, value = tokens[position]
        else:
            _fail(text, value)
    if kind != "name":
        _fail(text, value)
    if position + 1 < len(tokens) and tokens[position + 1] == ("op", "("):
        if value not in _FUNCTIONS:
            raise ExpressionError(
                f"Biểu thức “{text}”: không có hàm “{value}” (dùng "
                f"{', '.join(_FUNCTIONS)}).",
                f"Expression '{text}': no function '{value}' (use "
                f"{', '.join(_FUNCTIONS)}).",
            )
        args: list[str] = []
        position += 2
        while position < len(tokens) and tokens[position] != ("op", ")"):
            arg_kind, arg = tokens[position]
            if arg_kind == "name":
                args.append(arg)
            elif (arg_kind, arg) != ("op", ","):
                _fail(text, arg)
            position += 1
        if position >= len(tokens) or not args:
            _fail(text, value)
        return position + 1, [(f"{value}:{a}", factor) for a in args]
    if not value.isupper() and not value[0].isupper():
        _fail(text, value)
    return position + 1, [(value, factor)]


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            _fail(text, stripped[position:].strip()[:20])
        assert match is not None  # noqa: S101 - _fail raises
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _fail(text: str, near: str) -> None:
    raise ExpressionError(
        f"Biểu thức “{text}”: không đọc được ở “{near}” (mã chỉ tiêu viết hoa, "
        "units(...), met(...), evaluated(...), recognized(...), số, +, - và *).",
        f"Expression '{text}': cannot read at '{near}' (upper-case data element "
        "codes, units(...), met(...), evaluated(...), recognized(...), numbers, "
        "+, - and *).",
    )


def check(
    parsed: Sum,
    *,
    element_exists: Callable[[str], bool],
    unit_types: set[str],
    kinds: set[str],
) -> list[tuple[str, str]]:
    """What in a parsed side names nothing known, as (vi, en) messages."""
    problems = []
    for code in parsed.codes:
        kind, _, key = code.partition(":")
        if not key:
            if not element_exists(code):
                problems.append(
                    (f"không có chỉ tiêu “{code}”", f"no data element '{code}'")
                )
        elif kind == "units" and key not in unit_types:
            problems.append((f"không có loại đơn vị “{key}”", f"no unit type '{key}'"))
        elif kind != "units" and key not in kinds:
            problems.append(
                (f"không có loại bộ tiêu chí “{key}”", f"no criteria-set kind '{key}'")
            )
    return problems
