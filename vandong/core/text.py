"""Text keys for search: "Mường Tè" and "muong te" share the key "muong te"."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ as d, single spaces."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return _SPACES.sub(" ", stripped.lower()).strip()


def is_digits(text: str) -> bool:
    """Only the ASCII digits 0-9: `str.isdigit` also accepts "²" and other
    digits that `int()` refuses."""
    return text.isascii() and text.isdigit()
