"""What is still English on a page shown in Spanish: every text an AppTest page holds (titles,
headings, Markdown, captions, notices, buttons, field labels and options, expanders, progress
bars), each compared with the English of the interface catalogue. A text that is exactly an
English string the catalogue translates (or fits the shape of one with placeholders, such as
"Start: {module}") was shown without `_()`.

Used by tests/app/test_language.py on Home and settings; other pages' tests call
`english_left(at)` the same way after walking to their page with `?lang=es`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from course.i18n import catalogue_path

# Element kinds and the attributes that hold their text.
_TEXTS = {
    "title": ("value",),
    "header": ("value",),
    "subheader": ("value",),
    "markdown": ("value",),
    "caption": ("value",),
    "info": ("value",),
    "success": ("value",),
    "warning": ("value",),
    "error": ("value",),
    "button": ("label", "help"),
    "text_input": ("label", "placeholder"),
    "text_area": ("label", "placeholder"),
    "selectbox": ("label", "options"),
    "radio": ("label", "options"),
    "checkbox": ("label",),
    "toggle": ("label",),
    "select_slider": ("label",),
    "expander": ("label",),
}
# A placeholder's literal text must be this long to be matched as a shape: "{n} answer" alone
# would match any English sentence of content that ends in " answer".
_MIN_LITERAL = 8


@cache
def english_strings() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The catalogue's English (singular and plural): exact strings, and the shapes of those
    with placeholders."""
    with catalogue_path("es").open("rb") as handle:
        catalog = read_po(handle, locale="es")
    exact: set[str] = set()
    shapes: list[re.Pattern[str]] = []
    for entry in catalog:
        if not entry.id or not entry.string:
            continue
        for english in [entry.id] if isinstance(entry.id, str) else list(entry.id):
            if "{" not in english:
                exact.add(english)
                continue
            literal = re.sub(r"\{[^{}]*\}", "", english)
            if len(literal.replace(" ", "")) >= _MIN_LITERAL:
                parts = re.split(r"\{[^{}]*\}", english)
                shapes.append(re.compile("(?s)" + ".+?".join(re.escape(p) for p in parts)))
    return frozenset(exact), tuple(shapes)


def texts(at: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text) for every text on the page, main area and sidebar."""
    for kind, attributes in _TEXTS.items():
        for element in at.get(kind):
            for attribute in attributes:
                value = getattr(element, attribute, None)
                if isinstance(value, str) and value:
                    yield f"{kind}.{attribute}", value
                elif isinstance(value, list | tuple):
                    for item in value:
                        if isinstance(item, str) and item:
                            yield f"{kind}.{attribute}", item
    for bar in at.get("progress"):
        text = getattr(bar.proto, "text", "")
        if text:
            yield "progress", text


def _pieces(text: str) -> Iterator[str]:
    """A text, then its paragraphs, then the parts of a line joined with " · "."""
    yield text.strip()
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        yield paragraph
        yield from (part.strip() for part in paragraph.split(" · "))


def english_left(at: AppTest) -> list[str]:
    """Every text on the page that is interface English the catalogue translates ([] when none)."""
    exact, shapes = english_strings()
    found = []
    for where, text in texts(at):
        for piece in dict.fromkeys(_pieces(text)):
            if piece and (piece in exact or any(shape.fullmatch(piece) for shape in shapes)):
                found.append(f"{where}: {piece!r}")
                break
    return found
