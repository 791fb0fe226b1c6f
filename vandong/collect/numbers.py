"""Numbers as people in Vietnam write them, read strictly.

Vietnamese notation groups thousands with dots and marks decimals with a comma
("2.142.500", "61,5"); files exported by English-locale software use the
opposite ("2,142,500", "61.5"). A number is read only when the field's type
leaves one meaning:
- a whole-number field reads "2.142.500", "2,142,500", "2 142 500" and
  "2142500" as 2142500; "1.500" and "1,500" are 1500; "61,5" is refused;
- a decimal field reads "61,5", "61.5", "2.142.500,75" and "2,142,500.75"; but
  "1.500" or "1,500" (one separator followed by exactly three digits) could be
  1500 or 1,5 and is refused with the reason;
- a group of thousands never starts with 0, so "0.500" and "0,500" are one half
  (a decimal field reads them, a whole-number field refuses them);
- more than 40 digits are refused, so nothing overflows a float.
Anything else raises NumberError, never another exception.
"""

import math
import re
from dataclasses import dataclass

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN = re.compile(r"[+-]?\d+")
# A thousands group never leads with 0: "0.500" and "012.345" are not grouped
# thousands (in a decimal field "0.500" is one half; in a whole field, refused).
_GROUPED = {
    ".": re.compile(r"[+-]?[1-9]\d{0,2}(\.\d{3})+"),
    ",": re.compile(r"[+-]?[1-9]\d{0,2}(,\d{3})+"),
}
_DECIMAL = {
    ",": re.compile(r"[+-]?(\d+|[1-9]\d{0,2}(\.\d{3})+),\d+"),
    ".": re.compile(r"[+-]?(\d+|[1-9]\d{0,2}(,\d{3})+)\.\d+"),
}
# Beyond this many digits a value is no figure of the campaign (and Python's
# int() refuses more than 4,300 digits); 2^53 has 16.
_MAX_DIGITS = 40


@dataclass
class NumberError(ValueError):
    message_vi: str
    message_en: str

    def __str__(self) -> str:
        return self.message_en


def _not_a_number(text: str) -> NumberError:
    return NumberError(
        f"“{text}” không phải là số.",
        f"'{text}' is not a number.",
    )


def _too_long(text: str) -> NumberError:
    return NumberError(
        f"“{text}” có quá nhiều chữ số (tối đa {_MAX_DIGITS}).",
        f"'{text}' has too many digits (at most {_MAX_DIGITS}).",
    )


def parse_number(raw: object, *, whole: bool) -> float:
    """The number `raw` denotes, or NumberError saying why not.

    `raw` may be a string from a file or a form, or a number a spreadsheet
    already typed. Whole-number fields refuse fractions.
    """
    if isinstance(raw, bool):
        raise _not_a_number(str(raw))
    if isinstance(raw, int | float):
        number = float(raw)
        if not math.isfinite(number):
            raise _not_a_number(str(raw))
        if whole and not number.is_integer():
            raise NumberError(
                f"Phải là số nguyên, nhận được {raw}.",
                f"Must be a whole number, got {raw}.",
            )
        return number
    text = _SPACES.sub("", str(raw)).replace("\u2212", "-")
    shown = str(raw).strip()
    if not text:
        raise NumberError("Ô trống.", "The cell is empty.")
    if len(text) > _MAX_DIGITS and sum(c.isdigit() for c in text) > _MAX_DIGITS:
        raise _too_long(shown[:50] + ("…" if len(shown) > 50 else ""))
    if _PLAIN.fullmatch(text):
        return float(int(text))
    for sep, pattern in _GROUPED.items():
        if pattern.fullmatch(text):
            if not whole and text.count(sep) == 1:
                thousands = text.replace(sep, "")
                fraction = text.replace(sep, ",")
                raise NumberError(
                    f"“{shown}” có thể hiểu là {thousands} hoặc {fraction}; hãy viết "
                    f"{thousands} nếu là số nghìn, hoặc {fraction} nếu là số thập phân.",
                    f"'{shown}' could mean {thousands} or {text.replace(sep, '.')} "
                    f"(decimal); write {thousands} or {text.replace(sep, ',')} "
                    "(Vietnamese decimal comma) to say which.",
                )
            return float(int(text.replace(sep, "")))
    for decimal_sep, pattern in _DECIMAL.items():
        if pattern.fullmatch(text):
            group_sep = "." if decimal_sep == "," else ","
            normal = text.replace(group_sep, "").replace(decimal_sep, ".")
            number = float(normal)
            if whole and not number.is_integer():
                raise NumberError(
                    f"Phải là số nguyên, nhận được “{shown}”.",
                    f"Must be a whole number, got '{shown}'.",
                )
            return number
    raise _not_a_number(shown)
