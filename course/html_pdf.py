"""HTML to tagged PDF (PDF/UA-1) with WeasyPrint: the one way the course makes a PDF.

Every PDF the course hands out (facilitator packs, certificates) is an HTML document of its
own, laid out by its print stylesheet and written by WeasyPrint with `pdf_variant="pdf/ua-1"`:
marked content, a structure tree (headings, paragraphs, lists, tables with header cells,
figures, links), `/Lang` from `<html lang>`, the document title shown in the title bar
(`DisplayDocTitle`) and decoration (backgrounds, borders) marked as artifacts. Text is set by
Pango, which shapes every script (Arabic joins, Hebrew reads right to left, Indic marks sit in
place) and falls back through fontconfig to an installed font that has a character.

Three things WeasyPrint 70 leaves short of PDF/UA, finished here on its PDF objects before
they are written (`_finish`):
- Running headers and footers (CSS page-margin boxes) are marked content that no structure
  element reaches; they become `/Artifact`s, which is what PDF/UA asks of pagination.
- An inline SVG's `/Alt` is its `<title>` only; a chart's description (`<desc>`) is added, so a
  screen reader hears what the chart shows, not just its name.
- Table header cells get their `/Scope` (column or row).
- An element with a `lang` of its own (English speaker notes in a Spanish pack) gets it as its
  structure element's `/Lang`, so a screen reader switches language there too
  (`_install_element_languages`); WeasyPrint writes only the document's.

Offline: `OfflineFetcher` refuses every URL outside this package, so a document can never
make a network request while it is rendered, whatever its HTML asks for.

No Streamlit here: the engine and the tests render PDFs alike.
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from course import settings

_log = logging.getLogger(__name__)
PACKAGE_DIR = Path(__file__).resolve().parent
PDF_VARIANT = "pdf/ua-1"


class RefusedURL(ValueError):
    """Raised (and caught by WeasyPrint, which then leaves the resource out) for any URL
    that points outside the package."""


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here: Debian's Pango is not installed."""


PANGO_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"


def _weasyprint() -> Any:
    try:
        import weasyprint
    except OSError as error:  # cffi could not load libpango / libpangoft2
        raise PdfUnavailable(
            f"PDFs cannot be made on this server: Pango is not installed ({error}). "
            f"Run: sudo apt-get install -y {PANGO_PACKAGES} (scripts/_setup.sh installs them)"
        ) from error
    return weasyprint


def unavailable_reason() -> str | None:
    """Why no PDF can be made on this server (for a page to say so before offering a
    download), or None when WeasyPrint and Pango are there."""
    try:
        _weasyprint()
    except PdfUnavailable as error:
        return str(error)
    return None


def _fetcher_base() -> type:
    _weasyprint()
    from weasyprint.urls import URLFetcher

    return URLFetcher


@dataclass
class FetchLog:
    """Every URL WeasyPrint asked for while rendering, and which of them were refused."""

    asked: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def offline_fetcher(log: FetchLog | None = None) -> Any:
    """A WeasyPrint URL fetcher that serves only `file:` URLs inside this package and refuses
    everything else (http, https, ftp, data:, file: outside the package) without opening it."""
    base = _fetcher_base()
    fetch_log = log if log is not None else FetchLog()

    class OfflineFetcher(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
            fetch_log.asked.append(url)
            if not _inside_package(url):
                fetch_log.refused.append(url)
                _log.warning("PDF rendering: refused to fetch %s (documents load nothing from outside)", url[:200])
                raise RefusedURL(f"not fetched while rendering a PDF: {url[:200]}")
            return super().fetch(url, headers)

    fetcher = OfflineFetcher(allowed_protocols=("file",), allow_redirects=False)
    fetcher.log = fetch_log
    return fetcher


def _inside_package(url: str) -> bool:
    if not url.startswith("file://"):
        return False
    from urllib.parse import unquote, urlsplit

    path = Path(unquote(urlsplit(url).path)).resolve()
    return path == PACKAGE_DIR or PACKAGE_DIR in path.parents


@dataclass(frozen=True)
class Rendered:
    """A laid-out document: its PDF bytes, its pages' sizes in points, and the page (1-based)
    each element id of the HTML starts on."""

    data: bytes
    page_sizes: tuple[tuple[float, float], ...]
    anchors: dict[str, int]

    @property
    def page_count(self) -> int:
        return len(self.page_sizes)


def layout(html: str, *, fetch_log: FetchLog | None = None) -> Any:
    """Lay `html` out (WeasyPrint's `Document`), with the offline fetcher."""
    HTML = _weasyprint().HTML

    return HTML(string=html, base_url=str(PACKAGE_DIR) + os.sep, url_fetcher=offline_fetcher(fetch_log)).render()


def anchors_of(document: Any) -> dict[str, int]:
    """Element id -> the 1-based page it starts on."""
    out: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for name in page.anchors:
            out.setdefault(name, number)
    return out


def write_pdf(
    document: Any,
    *,
    compress: bool = True,
    figure_descriptions: dict[str, str] | None = None,
    exact_text: bool = False,
) -> Rendered:
    """The laid-out `document` as PDF/UA-1 bytes. `figure_descriptions` maps an SVG's title to
    its description, appended to the figure's `/Alt`. `exact_text` makes every shaped glyph
    copy out as the text it was drawn for (see `_split_glyph_codes`). `compress=False` leaves
    the content streams readable (tests)."""

    def finish(doc: Any, pdf: Any) -> None:
        if exact_text:
            _split_glyph_codes(doc, pdf)
        _finish(pdf, figure_descriptions or {})

    if exact_text:
        _install_glyph_recording()
    _install_element_languages()
    token = _RECORDING.set(exact_text)
    try:
        data = document.write_pdf(pdf_variant=PDF_VARIANT, uncompressed_pdf=not compress, finisher=finish)
    finally:
        _RECORDING.reset(token)
    sizes = tuple((page.width * 0.75, page.height * 0.75) for page in document.pages)
    return Rendered(data=data, page_sizes=sizes, anchors=anchors_of(document))


def render(html: str, *, compress: bool = True, figure_descriptions: dict[str, str] | None = None) -> Rendered:
    """`html` as a tagged PDF/UA-1 document."""
    return write_pdf(layout(html), compress=compress, figure_descriptions=figure_descriptions)


# --------------------------------------------------------------------------- finishing touches


def _finish(pdf: Any, figure_descriptions: dict[str, str]) -> None:
    import pydyf

    def deref(value: Any) -> Any:
        # pydyf writes a reference as b"12 0 R"; objects[n] is object number n
        if isinstance(value, bytes) and value.endswith(b" R"):
            return pdf.objects[int(value.split()[0])]
        return value

    root = deref(pdf.catalog.get("StructTreeRoot"))
    if root is None:
        return

    # 1. The structure elements the tree reaches, from the root down through /K.
    reachable: set[int] = set()
    stack = [deref(k) for k in root["K"]]
    while stack:
        element = stack.pop()
        if not isinstance(element, pydyf.Dictionary) or element.number in reachable:
            continue
        reachable.add(element.number)
        stack.extend(deref(kid) for kid in element.get("K", ()))

    # 2. Marked content whose structure element the tree does not reach (page-margin boxes:
    # running headers and footers) becomes an artifact, and leaves the parent tree.
    nums = deref(root["ParentTree"])["Nums"]
    page_streams = _page_streams(pdf, deref)
    for i in range(0, len(nums), 2):
        key, value = nums[i], nums[i + 1]
        if not isinstance(value, pydyf.Array) or key >= len(page_streams):
            continue  # an annotation's entry, not a page's
        orphans = set()
        for mcid, ref in enumerate(value):
            element = deref(ref)
            if isinstance(element, pydyf.Dictionary) and element.number not in reachable:
                orphans.add(mcid)
                value[mcid] = "null"
        if orphans:
            for stream in page_streams[key]:
                _artifact_marked_content(stream, orphans)

    # 3. Header cells say what they head: a TH in a table head heads its column, any other TH
    # (scope="row" in the course's tables) its row. WeasyPrint links each TD to its headers
    # (/Headers) but leaves /Scope out, which PDF/UA checkers ask for on every TH.
    for o in pdf.objects:
        if isinstance(o, pydyf.Dictionary) and o.get("S") == "/TH":
            row = deref(o.get("P"))
            section = deref(row.get("P")) if isinstance(row, pydyf.Dictionary) else None
            head = isinstance(section, pydyf.Dictionary) and section.get("S") == "/THead"
            attributes = o.setdefault("A", pydyf.Dictionary({"O": "/Table"}))
            attributes["Scope"] = "/Column" if head else "/Row"

    # 4. Charts: the description joins the title in /Alt.
    if figure_descriptions:
        for o in pdf.objects:
            if isinstance(o, pydyf.Dictionary) and o.get("S") == "/Figure" and "Alt" in o:
                title = _pdf_string_text(o["Alt"])
                if title in figure_descriptions:
                    o["Alt"] = pydyf.String(f"{title}. {figure_descriptions[title]}")


def _page_streams(pdf: Any, deref: Any) -> list[list[Any]]:
    import pydyf

    out = []
    for number in pdf.pages["Kids"][::3]:  # pydyf keeps Kids as number, 0, "R", ...
        page = pdf.objects[number]
        contents = page["Contents"]
        refs = contents if isinstance(contents, pydyf.Array) else [contents]
        out.append([deref(r) for r in refs])
    return out


def _artifact_marked_content(stream: Any, mcids: set[int]) -> None:
    """Rewrite `/Tag <</MCID n>> BDC` as `/Artifact BMC` for the given MCIDs, in place."""
    import pydyf

    items = stream.stream
    i = 0
    while i < len(items) - 2:
        props, op = items[i + 1], items[i + 2]
        if op == b"BDC" and isinstance(props, pydyf.Dictionary) and props.get("MCID") in mcids:
            items[i : i + 3] = ["/Artifact", b"BMC"]
        i += 1


def _pdf_string_text(value: Any) -> str:
    """The text of a pydyf.String (kept as str in `.string`)."""
    return getattr(value, "string", str(value))


# --------------------------------------------------------------------------- fonts


@lru_cache(maxsize=4)
def _coverage_ranges(fontconfig_file: str | None) -> tuple[tuple[int, int], ...] | None:
    """Every code point some installed font has (fontconfig's view, the same Pango falls
    back through); None when fontconfig's `fc-list` cannot be run."""
    del fontconfig_file  # the cache key: fontconfig reads its configuration from the environment
    try:
        result = subprocess.run(
            ["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as error:
        _log.warning("PDF fonts: cannot list the installed fonts with fc-list (%s); names are printed unchecked", error)
        return None
    ranges: list[tuple[int, int]] = []
    for part in re.findall(r"[0-9a-fA-F]+(?:-[0-9a-fA-F]+)?", result.stdout):
        lo, _, hi = part.partition("-")
        ranges.append((int(lo, 16), int(hi or lo, 16)))
    ranges.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def covered(text: Iterable[str]) -> set[str]:
    """The characters of `text` that some installed font can draw."""
    ranges = _coverage_ranges(settings.environ(settings.FONTCONFIG_FILE.name))
    chars = set(text)
    if ranges is None:
        return chars
    import bisect

    starts = [lo for lo, _ in ranges]
    out = set()
    for ch in chars:
        i = bisect.bisect_right(starts, ord(ch)) - 1
        if i >= 0 and ranges[i][0] <= ord(ch) <= ranges[i][1]:
            out.add(ch)
    return out


# --------------------------------------------------------------------------- exact text of shaped names
#
# A PDF maps each glyph to one text (ToUnicode), and WeasyPrint keeps the first text it sees
# for a glyph. Shaping makes that ambiguous: in Devanagari "शर्मा" the reph and vowel sign are
# reordered into one cluster whose text goes on its last glyph, while the same vowel-sign
# glyph elsewhere ("न्या") stands for itself; with one map for both, the name copies out as
# "शार्मा". `exact_text=True` records the text of every glyph as drawn and gives a glyph that
# stands for different text in different places a code of its own per text (a CID mapped
# back to the same glyph), so text extraction, search and screen readers get the name as
# written. Used for certificates, whose content is one name in any script.


class _GlyphTexts(dict):
    """WeasyPrint's glyph -> text map that also records every glyph drawn with its text."""

    def __init__(self) -> None:
        super().__init__()
        self.drawn: list[tuple[int, str]] = []

    def __contains__(self, glyph: object) -> bool:
        # draw_first_line asks before it works out a glyph's text: "no" makes it work it out
        # (and call __setitem__) for every glyph it draws.
        return False

    def __setitem__(self, glyph: int, text: str) -> None:
        self.drawn.append((glyph, text))
        if not dict.__contains__(self, glyph):
            super().__setitem__(glyph, text)


_RECORDING: ContextVar[bool] = ContextVar("record_glyph_texts", default=False)


def _install_glyph_recording() -> None:
    """Fonts WeasyPrint creates while `_RECORDING` is set (in this thread) record the glyphs
    they draw."""
    from weasyprint.pdf import fonts

    original = fonts.Font.__init__
    if getattr(original, "_records", False):
        return

    def init(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if _RECORDING.get():
            self.to_unicode = _GlyphTexts()

    init._records = True  # type: ignore[attr-defined]
    fonts.Font.__init__ = init


def _install_element_languages() -> None:
    """Structure elements made for an HTML element with its own `lang` attribute carry it as
    `/Lang` (PDF/UA-1 7.2: a change of natural language is declared). WeasyPrint 70 builds the
    structure tree in `tags._build_box_tree`, a generator that yields the structure element of
    the box it is given (or, for <html> and <body>, its children's) and calls itself through
    the module for child boxes, so wrapping it reaches every box."""
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    if getattr(original, "_languages", False):
        return

    def build(box: Any, *args: Any) -> Any:
        element = getattr(box, "element", None)
        own = None
        if element is not None and getattr(box, "element_tag", None) not in ("html", "body"):
            own = element.get("lang")
        for struct in original(box, *args):
            if own and "Lang" not in struct:
                struct["Lang"] = pydyf.String(own)
            yield struct

    build._languages = True  # type: ignore[attr-defined]
    tags._build_box_tree = build


_HEX_RUN = re.compile(rb"<([0-9a-f]*)>")


def _split_glyph_codes(document: Any, pdf: Any) -> None:
    """Give a glyph drawn for different texts one code per text (see above)."""
    import pydyf

    fonts = {font.hash: font for font in document.fonts.values() if isinstance(font.to_unicode, _GlyphTexts)}
    if not fonts:
        return
    queues = {name: list(font.to_unicode.drawn) for name, font in fonts.items() if not font.bitmap}
    new_codes: dict[str, dict[tuple[int, str], int]] = {name: {} for name in queues}
    next_code = {name: max(fonts[name].widths, default=0) + 1 for name in queues}
    consistent = dict.fromkeys(queues, True)

    rewrites: list[tuple[list[Any], int, bytes, str]] = []
    for streams in _page_streams(pdf, lambda v: pdf.objects[int(v.split()[0])] if isinstance(v, bytes) else v):
        for stream in streams:
            current: str | None = None
            for index, item in enumerate(stream.stream):
                if not isinstance(item, bytes):
                    continue
                if item.endswith(b" Tf") and item.startswith(b"/"):
                    current = item[1:].split()[0].decode()
                    continue
                if not item.endswith(b"] TJ") or current is None or current not in queues or not consistent[current]:
                    continue
                queue, font_name = queues[current], current

                def recode(
                    match: re.Match[bytes], queue: list[tuple[int, str]] = queue, name: str = font_name
                ) -> bytes:
                    out = []
                    codes = match.group(1)
                    for k in range(0, len(codes), 4):
                        glyph = int(codes[k : k + 4], 16)
                        if not queue or queue[0][0] != glyph:
                            consistent[name] = False  # drawn out of the order recorded: leave it
                            return match.group(0)
                        _, text = queue.pop(0)
                        code = glyph
                        if dict.get(fonts[name].to_unicode, glyph) != text:
                            key = (glyph, text)
                            if key not in new_codes[name]:
                                new_codes[name][key] = next_code[name]
                                next_code[name] += 1
                            code = new_codes[name][key]
                        out.append(f"{code:04x}".encode())
                    return b"<" + b"".join(out) + b">"

                rewritten = _HEX_RUN.sub(recode, item)
                if rewritten != item:
                    rewrites.append((stream.stream, index, rewritten, font_name))

    usable = {name for name, codes in new_codes.items() if codes and consistent[name] and next_code[name] <= 0xFFFF}
    for name in list(usable):
        codes = new_codes[name]
        font_dict = _font_dictionary(pdf, name)
        if font_dict is None:
            usable.discard(name)
            continue
        cid_font = pdf.objects[int(font_dict["DescendantFonts"][0].split()[0])]
        # CIDToGIDMap: every old code is its own glyph, every new one points at its glyph.
        gids = list(range(next_code[name]))
        for (glyph, _), code in codes.items():
            gids[code] = glyph
        cid_to_gid = pydyf.Stream([b"".join(g.to_bytes(2, "big") for g in gids)], compress=True)
        pdf.add_object(cid_to_gid)
        cid_font["CIDToGIDMap"] = cid_to_gid.reference
        widths = fonts[name].widths
        for (glyph, _), code in sorted(codes.items(), key=lambda kv: kv[1]):
            cid_font["W"].extend([code, pydyf.Array([widths.get(glyph, 0)])])
        to_unicode = pdf.objects[int(font_dict["ToUnicode"].split()[0])]
        lines = [f"{len(codes)} beginbfchar".encode()]
        for (_, text), code in codes.items():
            lines.append(f"<{code:04x}> <{text.encode('utf-16-be').hex()}>".encode())
        lines.append(b"endbfchar")
        end = to_unicode.stream.index(b"endcmap")
        to_unicode.stream[end:end] = lines
    for items, index, rewritten, name in rewrites:
        if name in usable:
            items[index] = rewritten


def _font_dictionary(pdf: Any, name: str) -> Any:
    def deref(value: Any) -> Any:
        return pdf.objects[int(value.split()[0])] if isinstance(value, bytes) and value.endswith(b" R") else value

    for number in pdf.pages["Kids"][::3]:
        resources = deref(pdf.objects[number].get("Resources"))
        fonts = deref(resources.get("Font")) if resources else None
        if fonts and name in fonts:
            return deref(fonts[name])
    return None
