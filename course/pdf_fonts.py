"""Fonts for PDFs that print people's names: any script a name is written in, set correctly.

The PDF core fonts (Helvetica) cover Latin-1 only, so a certificate for "Łukasz", "王芳" or
"محمد" could only approximate the name. This module gives an `FPDF` document Unicode
TrueType fonts instead:

- **DejaVu Sans** (Debian `fonts-dejavu-core`) for the text itself: Latin with every accent,
  Greek, Cyrillic, Armenian, Georgian, Hebrew and Arabic.
- **Fallback fonts**, added only for characters DejaVu lacks: the Noto Sans font of that
  script (`fonts-noto-core`: Devanagari, Bengali, Tamil, Thai, Ethiopic and many more) or
  WenQuanYi Micro Hei (`fonts-wqy-microhei`: Chinese, Japanese and Korean). The fonts are
  subset, so a PDF carries only the glyphs it uses.
- **Text shaping** (HarfBuzz, through `uharfbuzz`) joins Arabic letters, orders right-to-left
  text and places the marks of Indic scripts.

Where the fonts are not installed (a machine set up without the README's scripts), the
document falls back to `CORE_FONTS`: Helvetica and `latin1()`, which spells a name as
closely as Latin-1 allows, and says so once in the log. A character no installed font has
is printed as its unaccented letter where there is one, else "?" (a symbol is left out);
that too is logged. The facilitator pack, which holds only the course's own English text,
uses `latin1()` with the core fonts as well.

No Streamlit here: certificates are rendered by the engine and by tests alike.
"""

from __future__ import annotations

import functools
import logging
import os
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

_log = logging.getLogger(__name__)

FONT_DIRS_ENV = "COURSE_PDF_FONT_DIRS"
DEFAULT_FONT_DIRS = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/truetype/wqy",
    "/usr/share/fonts/truetype/droid",
)
PRIMARY = ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
CJK_FALLBACKS = ("wqy-microhei.ttc", "DroidSansFallbackFull.ttf")  # Hangul is in the first only
BODY = "Body"  # the family name pages set; "Helvetica" when only the core fonts are there

# Noto fonts that are not a plain sans for running text (or that repeat Latin in another
# style); everything else named NotoSans<Script>-Regular.ttf is a candidate fallback.
_NOT_FALLBACKS = ("Mono", "Display", "UI", "Math", "Symbols", "Music", "Unjoined")


@dataclass(frozen=True)
class FontFile:
    path: Path
    bold: Path | None  # the bold face beside it, if installed
    index: int = 0  # the face in a font collection (.ttc)


def font_dirs() -> tuple[Path, ...]:
    """Where fonts are looked for: `COURSE_PDF_FONT_DIRS` (os.pathsep-separated), else
    Debian's folders."""
    configured = os.environ.get(FONT_DIRS_ENV, "")
    dirs = [d for d in configured.split(os.pathsep) if d] or list(DEFAULT_FONT_DIRS)
    return tuple(Path(d) for d in dirs)


@functools.lru_cache(maxsize=8)
def _find(dirs: tuple[Path, ...]) -> tuple[FontFile | None, tuple[FontFile, ...]]:
    """The primary font and the candidate fallbacks (Noto scripts, then the CJK font)."""

    def first(name: str) -> Path | None:
        return next((d / name for d in dirs if (d / name).is_file()), None)

    regular, bold = first(PRIMARY[0]), first(PRIMARY[1])
    primary = FontFile(regular, bold) if regular else None
    fallbacks: list[FontFile] = []
    seen: set[str] = set()
    for d in dirs:
        if not d.is_dir():
            continue
        for path in sorted(d.glob("NotoSans*-Regular.ttf")):
            family = path.name.removesuffix("-Regular.ttf")
            if family == "NotoSans" or any(word in family for word in _NOT_FALLBACKS) or family in seen:
                continue
            seen.add(family)
            sibling = path.with_name(f"{family}-Bold.ttf")
            fallbacks.append(FontFile(path, sibling if sibling.is_file() else None))
    for name in CJK_FALLBACKS:
        cjk = first(name)
        if cjk:
            fallbacks.append(FontFile(cjk, None))
    return primary, tuple(fallbacks)


@functools.lru_cache(maxsize=512)
def _coverage(path: Path, index: int = 0) -> frozenset[int]:
    """The code points a font has glyphs for (read once per font per process)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        cmap = font.getBestCmap() or {}
    return frozenset(cmap)


# Joiners, direction marks and variation selectors only steer shaping: no font draws them.
_INVISIBLE = frozenset([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10)])


def _needs_no_glyph(ch: str) -> bool:
    return ch.isspace() or ord(ch) in _INVISIBLE or unicodedata.category(ch) == "Cc"


def _shaping_available() -> bool:
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


_WARNED: set[str] = set()


def _warn_once(key: str, message: str, *args: object) -> None:
    if key not in _WARNED:
        _WARNED.add(key)
        _log.warning(message, *args)


@dataclass(frozen=True)
class Fonts:
    """What a page sets text with: `family` for `set_font`, and `text()` for every string."""

    family: str
    text: Callable[[str], str]
    unicode: bool


def use_fonts(pdf: FPDF, texts: Iterable[str]) -> Fonts:
    """Give `pdf` fonts for every character in `texts` (all the text the document will hold).

    Registers the body family (regular and bold), the fallback fonts these texts need, and
    text shaping. Returns the family to set and the function to pass each string through.
    A damaged font file raises (fontTools' TTLibError, here or when the PDF is written): the
    caller then makes the document again with `CORE_FONTS`.
    """
    texts = [unicodedata.normalize("NFC", t) for t in texts]
    primary, candidates = _find(font_dirs())
    if primary is None:
        _warn_once(
            "no-primary",
            "PDF fonts: %s not found in %s; names outside Latin-1 are approximated "
            "(install Debian's fonts-dejavu-core, or set %s)",
            PRIMARY[0],
            ", ".join(str(d) for d in font_dirs()),
            FONT_DIRS_ENV,
        )
        return CORE_FONTS

    pdf.add_font(BODY, "", str(primary.path))
    pdf.add_font(BODY, "B", str(primary.bold or primary.path))
    covered = set(_coverage(primary.path))
    wanted = {ch for t in texts for ch in t if not _needs_no_glyph(ch)}
    missing = {ch for ch in wanted if ord(ch) not in covered}
    fallbacks: list[str] = []
    for candidate in candidates:
        if not missing:
            break
        has = _coverage(candidate.path, candidate.index)
        found = {ch for ch in missing if ord(ch) in has}
        if not found:
            continue
        name = f"Fallback{len(fallbacks) + 1}"
        pdf.add_font(name, "", str(candidate.path), collection_font_number=candidate.index)
        if candidate.bold:
            pdf.add_font(name, "B", str(candidate.bold))
        fallbacks.append(name)
        covered |= has
        missing -= found
    if fallbacks:
        pdf.set_fallback_fonts(fallbacks, exact_match=False)
    if _shaping_available():
        pdf.set_text_shaping(True)
    else:
        _warn_once("no-shaping", "PDF fonts: uharfbuzz is not installed; Arabic and Indic names are not shaped")
    if missing:
        _warn_once(
            "missing:" + "".join(sorted(missing)),
            "PDF fonts: no installed font has %s; printed as the nearest letter or '?'",
            ", ".join(f"U+{ord(ch):04X}" for ch in sorted(missing)),
        )

    def prints(ch: str) -> bool:
        return ord(ch) in covered or _needs_no_glyph(ch)

    return Fonts(BODY, functools.partial(_printable, prints=prints, spelled={}), unicode=True)


# Core PDF fonts cover Latin-1 only. Letters that do not decompose to a Latin-1 base are
# spelled the way people write them without the accent; anything else becomes "?" (or, for
# symbols such as emoji, is dropped) so a name never makes the PDF fail.
_SPELLED = {
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ħ": "h",
    "Ħ": "H",
    "ı": "i",
    "œ": "oe",
    "Œ": "OE",
    "ŋ": "ng",
    "ſ": "s",
    "‘": "'",
    "’": "'",
    "‚": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "€": "EUR",
    "™": "(TM)",
}


def latin1(text: str) -> str:
    """`text` made printable with the core fonts, keeping as much of it as possible."""
    return _printable(text, _in_latin1, _SPELLED)


def _in_latin1(ch: str) -> bool:
    try:
        ch.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _printable(text: str, prints: Callable[[str], bool], spelled: dict[str, str]) -> str:
    """`text` with only characters `prints` accepts: spaces of every kind as one space,
    control characters dropped, `spelled` ones spelled out, others as their unaccented
    letters where those print, else "?" for a letter or digit; symbols (emoji) go."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) == "Cc":
            continue
        elif ch in spelled:
            out.append(spelled[ch])
        elif prints(ch):
            out.append(ch)
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            if base and all(prints(c) for c in base):
                out.append(base)
            elif unicodedata.category(ch)[0] in "LN":
                out.append("?")
    return " ".join("".join(out).split())


CORE_FONTS = Fonts("Helvetica", latin1, unicode=False)
