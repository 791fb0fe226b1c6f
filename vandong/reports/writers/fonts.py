"""The serif the PDF embeds and the charts use.

"Vandong Serif" (vandong/reports/data/vandong-serif-*.ttf) is TeX Gyre Termes
(GUST Font License) with TrueType outlines: a Times clone (from URW Nimbus
Roman, metric-compatible with Times and so with Times New Roman, which Nghị
định 30/2020 names) that covers every Vietnamese letter with its diacritics.
It ships in the repository because no pip package has a Times-compatible
Vietnamese serif without a large dependency (rinoh-typeface-texgyretermes
needs rinohtype), Debian's Liberation Serif 1.07 (fonts-liberation) lacks the
Vietnamese letters (Ạ…ỹ), and fpdf2 embeds CFF-outline OpenType fonts as if
they were TrueType (a malformed file): see data/vandong-serif-MANIFEST.
Should the files be missing, DejaVu Serif from matplotlib's wheel is used:
full Vietnamese, but wider than Times.
"""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
STYLES = ("regular", "bold", "italic", "bolditalic")


@dataclass(frozen=True)
class Family:
    name: str
    files: dict[str, Path]  # style -> file


def serif() -> Family:
    termes = {style: DATA / f"vandong-serif-{style}.ttf" for style in STYLES}
    if all(path.exists() for path in termes.values()):
        return Family("Vandong Serif", termes)
    import matplotlib

    folder = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
    names = {
        "regular": "DejaVuSerif.ttf",
        "bold": "DejaVuSerif-Bold.ttf",
        "italic": "DejaVuSerif-Italic.ttf",
        "bolditalic": "DejaVuSerif-BoldItalic.ttf",
    }
    return Family(
        "DejaVu Serif", {style: folder / name for style, name in names.items()}
    )


@lru_cache(maxsize=4)
def _metrics(path: Path) -> tuple[dict[int, int], float]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(str(path), lazy=True)
    cmap = font.getBestCmap()
    widths = font["hmtx"].metrics
    advance = {
        code: widths[glyph][0] for code, glyph in cmap.items() if glyph in widths
    }
    return advance, float(font["head"].unitsPerEm)


def text_width_pt(text: str, size: float, *, bold: bool = False) -> float:
    """How wide `text` is set in the serif (Times metrics) at `size` points."""
    family = serif()
    advance, units = _metrics(family.files["bold" if bold else "regular"])
    default = advance.get(ord("n"), units // 2)
    return sum(advance.get(ord(c), default) for c in text) * size / units
