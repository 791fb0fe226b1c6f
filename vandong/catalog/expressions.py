"""The expressions of validation rules, parsed and evaluated. Pure: no Django.

A side of a rule is a sum of terms; a term is a data element code, a code
times a factor, or a constant:

    HH_CULTURAL
    HH_ENV_MET + HH_ENV_REGISTERED * 0.5 - 3
    0

Numbers are written the programmer's way (a dot before decimals).
"""

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

CODE_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")
_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<code>[A-Z][A-Z0-9_]*)|(?P<op>[-+*]))"
)


class ExpressionError(ValueError):
    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(frozen=True)
class Expression:
    # (data element code, factor), in the order written; a code may repeat.
    terms: tuple[tuple[str, float], ...]
    constant: float

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(code for code, _ in self.terms))

    def evaluate(
        self, values: Mapping[str, float | None], *, missing_as_zero: bool = False
    ) -> float | None:
        """The value of the expression, or None when an element has no value
        (unless missing values count as 0)."""
        total = self.constant
        for code, factor in self.terms:
            value = values.get(code)
            if value is None:
                if not missing_as_zero:
                    return None
                value = 0.0
            total += factor * value
        return total


def _tokens(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            bad = stripped[position:].strip()[:20]
            raise ExpressionError(
                f"Biểu thức “{text}”: không đọc được “{bad}” (chỉ dùng mã chỉ tiêu "
                "viết hoa, số, +, - và *).",
                f"Expression '{text}': cannot read '{bad}' (use upper-case data "
                "element codes, numbers, +, - and *).",
            )
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def parse_expression(text: str) -> Expression:
    """Parse one side of a rule; raises ExpressionError saying what is wrong."""
    tokens = _tokens(text)
    if not tokens:
        raise ExpressionError("Biểu thức trống.", "The expression is empty.")

    def bad(reason_vi: str, reason_en: str) -> ExpressionError:
        return ExpressionError(
            f"Biểu thức “{text}”: {reason_vi}.", f"Expression '{text}': {reason_en}."
        )

    terms: list[tuple[str, float]] = []
    constant = 0.0
    sign = 1.0
    i = 0
    while True:
        # An optional sign, then a term.
        if i < len(tokens) and tokens[i] in {("op", "-"), ("op", "+")}:
            if tokens[i][1] == "-":
                sign = -sign
            i += 1
        if i >= len(tokens) or tokens[i][0] == "op":
            raise bad("thiếu một số hạng", "a term is missing")
        kind, value = tokens[i]
        i += 1
        if i < len(tokens) and tokens[i] == ("op", "*"):
            if i + 1 >= len(tokens) or tokens[i + 1][0] == "op":
                raise bad("thiếu thừa số sau dấu *", "a factor is missing after *")
            other_kind, other = tokens[i + 1]
            i += 2
            if {kind, other_kind} != {"code", "number"}:
                raise bad(
                    "chỉ nhân một mã chỉ tiêu với một số",
                    "only a data element code times a number is allowed",
                )
            code, number = (value, other) if kind == "code" else (other, value)
            terms.append((code, sign * float(number)))
        elif kind == "code":
            terms.append((value, sign))
        else:
            constant += sign * float(value)
        if i >= len(tokens):
            break
        if tokens[i] not in {("op", "+"), ("op", "-")}:
            raise bad(f"thừa “{tokens[i][1]}”", f"unexpected '{tokens[i][1]}'")
        sign = -1.0 if tokens[i][1] == "-" else 1.0
        i += 1
        if i >= len(tokens):
            raise bad("kết thúc bằng một phép tính", "it ends with an operator")
    if not all(math.isfinite(f) for _, f in terms) or not math.isfinite(constant):
        raise bad("số quá lớn", "a number is too large")
    return Expression(terms=tuple(terms), constant=constant)


OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<=": lambda a, b: a <= b,
    "<": lambda a, b: a < b,
    ">=": lambda a, b: a >= b,
    ">": lambda a, b: a > b,
    "==": lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9),
    "!=": lambda a, b: not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9),
}


def rule_holds(left: float, operator: str, right: float) -> bool:
    """Whether `left operator right` holds (== and != with a float tolerance)."""
    return OPERATORS[operator](left, right)
