"""The interface catalogue is complete: every string the code marks for translation (`_`, `N_`,
`ngettext`, `gettext_for`, `ngettext_for`) has a Spanish translation in
course/locales/es/LC_MESSAGES/messages.po that is not empty, not fuzzy, and names the same
{placeholders} as the English. The marked strings are extracted from the source with babel's
own extractor, as a translator's tool would (no generated .pot file is kept)."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from course.i18n import catalogue_path

ROOT = Path(__file__).resolve().parents[2]
# Where each keyword's message is among its arguments (gettext_for's first is the language).
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "gettext_for": (2,), "ngettext_for": (2, 3)}
METHOD_MAP = [("course/**.py", "python")]

Message = str | tuple[str, ...]


@cache
def marked(root: Path = ROOT) -> dict[Message, str]:
    """Every marked message in course/, with the first FILE:LINE that marks it."""
    found: dict[Message, str] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(root), method_map=METHOD_MAP, keywords=KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault(key, f"{filename}:{lineno}")
    return found


def catalogue(lang: str = "es") -> Catalog:
    with catalogue_path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def placeholders(text: str) -> set[str]:
    """The named fields of a format string ("{done} of {total}" -> {"done", "total"});
    ValueError for a string `str.format` cannot read."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def problems(messages: dict[Message, str], catalog: Catalog) -> list[str]:
    """What is wrong with the catalogue for these messages, one line each, FILE:LINE first."""
    out = []
    for message, where in messages.items():
        singular = message if isinstance(message, str) else message[0]
        english = [message] if isinstance(message, str) else list(message)
        entry = catalog.get(singular)
        if entry is None:
            out.append(f"{where}: no Spanish for {singular!r}: add msgid/msgstr to {catalogue_path('es')}")
            continue
        if entry.fuzzy:
            out.append(f"{where}: the Spanish for {singular!r} is marked fuzzy: check it, then remove the flag")
            continue
        spanish = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        if not all(s and s.strip() for s in spanish):
            out.append(f"{where}: the Spanish for {singular!r} is empty")
            continue
        if len(english) != len(spanish) and not (len(english) == 2 and len(spanish) == 2):
            out.append(f"{where}: {singular!r} has plural forms; its Spanish needs msgid_plural and msgstr[0], [1]")
            continue
        for n, text in enumerate(spanish):
            source = english[min(n, len(english) - 1)]
            try:
                wanted, got = placeholders(source), placeholders(text)
            except ValueError as exc:
                out.append(f"{where}: {text!r} is not a format string str.format can read ({exc})")
                continue
            if wanted != got:
                out.append(f"{where}: the Spanish for {singular!r} names {sorted(got)}, the English {sorted(wanted)}")
    return out


def test_every_marked_string_has_a_spanish_translation_with_the_same_placeholders():
    found = problems(marked(), catalogue())
    assert not found, "\n".join(found)


def test_the_catalogue_holds_no_translation_the_code_no_longer_uses():
    used = {m if isinstance(m, str) else m[0] for m in marked()}
    unused = [
        entry.id
        for entry in catalogue()
        if entry.id and (entry.id if isinstance(entry.id, str) else entry.id[0]) not in used
    ]
    assert not unused, f"remove these from {catalogue_path('es')} (no code marks them): {unused}"


def test_the_extraction_finds_strings_in_the_pages_and_the_engine():
    # Guards the check itself: an extractor that found nothing would pass every catalogue.
    messages = marked()
    assert "Course map" in messages  # a page (course/ui/pages/home.py)
    assert ("{n} answer", "{n} answers") in messages  # the engine, through ngettext_for
    assert "Not started" in messages  # N_ in course/progress.py


def test_a_missing_an_empty_a_fuzzy_and_a_mismatched_translation_are_each_reported():
    catalog = Catalog(locale="es")
    catalog.add("Hello {name}", "Hola {nombre}")
    catalog.add("Empty", "")
    catalog.add("Guess", "Adivinanza", flags=["fuzzy"])
    catalog.add(("{n} answer", "{n} answers"), ("{n} respuesta", "respuestas"))
    messages: dict[Message, str] = {
        "Hello {name}": "a.py:1",
        "Empty": "a.py:2",
        "Guess": "a.py:3",
        "Missing": "a.py:4",
        ("{n} answer", "{n} answers"): "a.py:5",
    }
    found = problems(messages, catalog)
    assert len(found) == 5, found
    assert found[0].startswith("a.py:1:") and "['nombre']" in found[0]
    assert "empty" in found[1] and "fuzzy" in found[2] and "no Spanish" in found[3]
    assert found[4].startswith("a.py:5:")
