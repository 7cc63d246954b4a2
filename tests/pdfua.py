"""PDF/UA-1 checks the tests run on every PDF the course makes (no validator such as veraPDF
can be installed from the registries this project uses; docs/accessibility.md lists what these
checks cover and what they do not).

`problems(data)` returns what a reader with assistive technology would run into, one line
each; an empty list means the PDF passed every check here:

- the document is tagged (`/MarkInfo /Marked true`), has a structure tree, a language
  (`/Lang`), a title that viewers show instead of the file name (`DisplayDocTitle`), and says
  it is PDF/UA-1 in its XMP metadata (`pdfuaid:part 1`);
- every piece of text on every page is either tagged content that the structure tree reaches,
  or an artifact: nothing is left for a screen reader to guess about;
- headings start at H1, never skip a level and are never empty;
- every figure has alternative text (`/Alt`); every table has header cells (`/TH`), each with
  its `/Scope`; every list (`/L`) has list items (`/LI`); every link has content.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pikepdf
import pypdf

TEXT_OPS = {"Tj", "TJ", "'", '"'}


def struct_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element, in reading order (depth first through /K)."""
    root = pdf.Root.StructTreeRoot
    stack = list(reversed(_kids(root)))
    while stack:
        element = stack.pop()
        if not isinstance(element, pikepdf.Dictionary) or element.get("/Type") not in (None, "/StructElem"):
            continue
        if "/S" not in element:
            continue
        yield element
        stack.extend(reversed(_kids(element)))


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    if isinstance(kids, pikepdf.Array):
        return list(kids)
    return [kids]


def tag(element: pikepdf.Dictionary) -> str:
    return str(element.S)[1:]


def descendants(element: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
    stack = list(_kids(element))
    while stack:
        kid = stack.pop()
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            stack.extend(_kids(kid))


def headings(pdf: pikepdf.Pdf) -> list[int]:
    return [int(tag(e)[1]) for e in struct_elements(pdf) if re.fullmatch(r"H[1-6]", tag(e))]


def _reachable_ids(pdf: pikepdf.Pdf) -> set[tuple[int, int]]:
    return {e.objgen for e in struct_elements(pdf)}


def problems(data: bytes) -> list[str]:
    pdf = pikepdf.open(io.BytesIO(data))
    root = pdf.Root
    out: list[str] = []
    if not (root.get("/MarkInfo") and root.MarkInfo.get("/Marked") is True):
        out.append("not marked as tagged (/MarkInfo /Marked true)")
    if "/StructTreeRoot" not in root:
        return [*out, "no structure tree (/StructTreeRoot)"]
    if not str(root.get("/Lang", "")).strip():
        out.append("no document language (/Lang)")
    prefs = root.get("/ViewerPreferences")
    if not (prefs and prefs.get("/DisplayDocTitle") is True):
        out.append("the title bar shows the file name, not the title (DisplayDocTitle)")
    with pdf.open_metadata() as meta:
        if not str(meta.get("dc:title", "")).strip():
            out.append("no document title in the XMP metadata (dc:title)")
        if str(meta.get("pdfuaid:part", "")) != "1":
            out.append("no PDF/UA-1 identifier in the XMP metadata (pdfuaid:part)")

    levels = headings(pdf)
    if not levels or levels[0] != 1:
        out.append(f"headings do not start with H1: {levels[:3]}")
    for before, after in zip(levels, levels[1:], strict=False):
        if after > before + 1:
            out.append(f"heading level skipped: H{before} then H{after}")
            break

    for element in struct_elements(pdf):
        kind = tag(element)
        if re.fullmatch(r"H[1-6]", kind) and not _kids(element):
            out.append(f"an empty heading ({kind})")
        if kind == "Figure" and not str(element.get("/Alt", "")).strip():
            out.append("a figure has no alternative text (/Alt)")
        if kind == "Table" and not any(tag(d) == "TH" for d in descendants(element)):
            out.append("a table has no header cells (/TH)")
        if kind == "TH" and str(element.get("/A", {}).get("/Scope", "")) not in ("/Column", "/Row", "/Both"):
            out.append("a header cell does not say whether it heads a column or a row (/Scope)")
        if kind == "L" and not any(tag(d) == "LI" for d in descendants(element)):
            out.append("a list has no list items (/LI)")

    out += _content_problems(pdf)
    out += _link_problems(data)
    return out


def _content_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Text outside marked content, and marked content the structure tree does not reach."""
    out = []
    reachable = _reachable_ids(pdf)
    parent_tree = _number_tree(pdf.Root.StructTreeRoot.ParentTree)
    for number, page in enumerate(pdf.pages, start=1):
        parents = parent_tree.get(int(page.obj.get("/StructParents", -1)))
        stack: list[str] = []
        for operands, op in pikepdf.parse_content_stream(page):
            name = str(op)
            if name == "BDC":
                stack.append(str(operands[0]))
                props = operands[1]
                if isinstance(props, pikepdf.Dictionary) and "/MCID" in props and stack[-1] != "/Artifact":
                    mcid = int(props.MCID)
                    element = parents[mcid] if parents is not None and mcid < len(parents) else None
                    if not isinstance(element, pikepdf.Dictionary) or element.objgen not in reachable:
                        out.append(f"page {number}: marked content {mcid} is not in the structure tree")
            elif name == "BMC":
                stack.append(str(operands[0]))
            elif name == "EMC" and stack:
                stack.pop()
            elif name in TEXT_OPS and not stack:
                out.append(f"page {number}: text that is neither tagged nor an artifact")
    return sorted(set(out))


def _number_tree(node: pikepdf.Dictionary) -> dict[int, pikepdf.Array]:
    out: dict[int, pikepdf.Array] = {}
    nums = node.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums), 2):
            out[int(nums[i])] = nums[i + 1]
    for kid in node.get("/Kids", []):
        out.update(_number_tree(kid))
    return out


def _link_problems(data: bytes) -> list[str]:
    out = []
    pdf = pikepdf.open(io.BytesIO(data))
    for element in struct_elements(pdf):
        if tag(element) == "Link" and not any(isinstance(k, int | pikepdf.Dictionary) for k in _kids(element)):
            out.append("a link has no content")
    return out


# --------------------------------------------------------------------------- text


def pages_text(data: bytes) -> list[str]:
    """Each page's text, as pypdf extracts it (a list of the caller's own)."""
    return list(_pages_text(data))


@functools.lru_cache(maxsize=32)
def _pages_text(data: bytes) -> tuple[str, ...]:
    # Once per PDF: tests/pdf/test_all_pdfs.py reads each of its 18 packs' text in three or
    # four tests (slide pages, parts, reading order, doses), and pypdf's extraction, pure
    # Python, was most of that file's time. Keyed by the PDF's bytes.
    return tuple(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def artifact_text(data: bytes) -> tuple[list[str], list[str]]:
    """(text inside artifacts, text outside them) per page, as pypdf reads it."""
    artifacts, content = [], []
    for page in pypdf.PdfReader(io.BytesIO(data)).pages:
        depth: list[bool] = []  # True for an artifact
        parts: dict[bool, list[str]] = {True: [], False: []}

        def before(op: bytes, args: list, cm: object, tm: object, depth: list[bool] = depth) -> None:
            if op in (b"BDC", b"BMC"):
                depth.append(str(args[0]) == "/Artifact" or bool(depth and depth[-1]))
            elif op == b"EMC" and depth:
                depth.pop()

        def text(t: str, cm: object, tm: object, font: object, size: object, depth=depth, parts=parts) -> None:
            parts[bool(depth and depth[-1])].append(t)

        page.extract_text(visitor_operand_before=before, visitor_text=text)
        artifacts.append(" ".join("".join(parts[True]).split()))
        content.append(" ".join("".join(parts[False]).split()))
    return artifacts, content


def squeeze(text: str) -> str:
    """Text with every space and line break taken out: line breaking is the PDF's business."""
    return re.sub(r"\s+", "", text)


class PrintedBlocks(HTMLParser):
    """The text blocks (headings, paragraphs, list items, table cells, captions) of an HTML
    document that its print stylesheet shows, in document order. `hidden` names what print
    hides: tags, ids, classes, and "main > p.notice"-like parent>child pairs."""

    BLOCKS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "th", "td", "caption", "figcaption"}
    VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr"}

    def __init__(self, text: str, hidden_ids=(), hidden_classes=(), hidden_tags=("head", "svg", "nav")):
        super().__init__(convert_charrefs=True)
        self.hidden_ids, self.hidden_classes, self.hidden_tags = set(hidden_ids), set(hidden_classes), set(hidden_tags)
        self.blocks: list[str] = []
        self._stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self._current: list[str] | None = None
        self._block_depth = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        a = dict(attrs)
        hidden = bool(self._stack and self._stack[-1][1])
        classes = set((a.get("class") or "").split())
        if tag in self.hidden_tags or a.get("id") in self.hidden_ids or classes & self.hidden_classes:
            hidden = True
        if tag in self.BLOCKS and not hidden:
            self._flush()
            self._current = []
            self._block_depth = len(self._stack) + 1
        self._stack.append((tag, hidden))

    def handle_endtag(self, tag):
        if tag in self.VOID or not self._stack:
            return
        while self._stack:
            t, _ = self._stack.pop()
            if len(self._stack) < self._block_depth:
                self._flush()
            if t == tag:
                break

    def handle_data(self, data):
        if self._stack and self._stack[-1][1]:
            return
        if self._current is not None:
            self._current.append(data)

    def _flush(self):
        if self._current is not None:
            text = " ".join("".join(self._current).split())
            if text:
                self.blocks.append(text)
        self._current = None
        self._block_depth = 0


def reading_order_problems(html: str, data: bytes, **hidden) -> list[str]:
    """Each printed HTML block's text must appear in the PDF's text, in the same order."""
    pdf_text = squeeze("".join(pages_text(data)))
    position = 0
    out = []
    for block in PrintedBlocks(html, **hidden).blocks:
        found = pdf_text.find(squeeze(block), position)
        if found < 0:
            where = "earlier in the PDF" if squeeze(block) in pdf_text else "nowhere in the PDF"
            out.append(f"{block[:80]!r} is not where the HTML has it ({where})")
            continue
        position = found + len(squeeze(block))
    return out


# --------------------------------------------------------------------------- glyphs


def missing_glyphs(data: bytes) -> list[str]:
    """Glyphs drawn that the embedded font does not have: glyph 0 (.notdef, the empty box) or a
    glyph number past the font's last glyph (how WeasyPrint draws a character no font has).
    One line per font with such glyphs."""
    from fontTools.ttLib import TTFont

    pdf = pikepdf.open(io.BytesIO(data))
    out = []
    glyph_counts: dict[tuple[int, int], int] = {}
    for page in pdf.pages:
        fonts = page.Resources.get("/Font", {})
        current = None
        drawn: dict[str, set[int]] = {}
        for operands, op in pikepdf.parse_content_stream(page):
            if str(op) == "Tf":
                current = str(operands[0])
            elif str(op) in ("TJ", "Tj") and current is not None:
                parts = operands[0] if str(op) == "TJ" else [operands[0]]
                for part in parts:
                    if isinstance(part, pikepdf.String):
                        raw = bytes(part)
                        drawn.setdefault(current, set()).update(
                            int.from_bytes(raw[k : k + 2], "big") for k in range(0, len(raw) - 1, 2)
                        )
        for name, codes in drawn.items():
            font = fonts[name]
            if str(font.get("/Subtype")) != "/Type0":
                continue
            cid_font = font.DescendantFonts[0]
            if cid_font.objgen not in glyph_counts:
                face = TTFont(io.BytesIO(cid_font.FontDescriptor.FontFile2.read_bytes()))
                glyph_counts[cid_font.objgen] = face["maxp"].numGlyphs
            count = glyph_counts[cid_font.objgen]
            mapping = cid_font.get("/CIDToGIDMap")
            table = mapping.read_bytes() if isinstance(mapping, pikepdf.Stream) else None

            def gid(code: int, table: bytes | None = table) -> int:
                if table is None:
                    return code
                return int.from_bytes(table[2 * code : 2 * code + 2], "big") if 2 * code + 1 < len(table) else 0

            bad = sorted(code for code in codes if gid(code) == 0 or gid(code) >= count)
            if bad:
                out.append(f"{font.BaseFont}: glyph codes {bad[:10]} are not in the font")
    return sorted(set(out))
