"""Helpers for the browser tests of the course in Spanish: the interface's words in Spanish (from
the shipped catalogue, so a test follows a reworded translation), the course as a Spanish reader
sees it, and the English left on a page: every visible text (and the accessible names a screen
reader reads) compared with the English strings of the catalogue, as tests/app/spanish.py does
for an AppTest page.
"""

from __future__ import annotations

import re
from functools import cache

from course.i18n import gettext_for
from course.schema import Course
from tests.app.spanish import english_strings
from tests.browser.conftest import ROOT

# Visible text of the page, element by element: the main area and the sidebar, each text-bearing
# element's own text (a paragraph, a heading, a list item, a button's or a field's label, an
# option, a notice), plus the names a screen reader announces (aria-label, alt, placeholder).
VISIBLE_TEXTS_JS = """
() => {
  const roots = ['[data-testid=stMain]', '[data-testid=stSidebar]', '[role=dialog]'];
  const tags = ['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'label', 'button', 'summary', 'th', 'td',
                'figcaption', '[role=option]', '[data-testid=stCaptionContainer]', '[data-testid=stSidebarNavLink]'];
  // English on purpose, and marked so (WCAG 3.1.2): a part with its own lang="en" below <html>.
  const english = el => { const part = el.closest('body [lang]'); return !!part && part.lang.startsWith('en'); };
  const out = [];
  const seen = new Set();
  for (const root of roots) {
    for (const el of document.querySelectorAll(tags.map(t => root + ' ' + t).join(', '))) {
      if (seen.has(el)) continue;
      seen.add(el);
      if (english(el)) continue;
      if (el.offsetParent !== null && el.innerText.trim()) out.push(el.innerText);
    }
    for (const el of document.querySelectorAll(root + ' [aria-label], ' + root + ' img[alt], ' + root + ' [placeholder]')) {
      if (english(el)) continue;
      for (const a of ['aria-label', 'alt', 'placeholder']) {
        const v = el.getAttribute(a);
        if (v && v.trim()) out.push(v);
      }
    }
  }
  return out;
}
"""


def t(message: str) -> str:
    """An interface string as the Spanish page shows it."""
    return gettext_for("es", message)


@cache
def spanish_course() -> Course:
    """The course as a Spanish reader of the public track sees it."""
    from course.loader import load_course
    from course.translation import translate_course

    return translate_course(load_course(ROOT), ROOT, "es")


def track_title(track_id: str) -> str:
    return next(tr.title for tr in spanish_course().settings.tracks if tr.id == track_id)


def _pieces(text: str):
    """A text, its lines, and the parts of a line joined with " · " (a caption's parts)."""
    yield text.strip()
    for line in text.splitlines():
        line = line.strip()
        yield line
        yield from (part.strip() for part in line.split(" · "))


@cache
def _translated_english() -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """The catalogue's English strings whose Spanish differs from them ("Email" or "OK" may
    rightly read the same in both), exact, and the shapes of those with placeholders."""
    exact, shapes = english_strings()
    return frozenset(e for e in exact if gettext_for("es", e) != e), shapes


def english_left(page) -> list[str]:
    """Every text on the page that is interface English the catalogue translates ([] when none)."""
    exact, shapes = _translated_english()
    found = []
    for text in dict.fromkeys(page.evaluate(VISIBLE_TEXTS_JS)):
        for piece in dict.fromkeys(_pieces(text)):
            if piece and (piece in exact or any(shape.fullmatch(piece) for shape in shapes)):
                found.append(repr(piece))
                break
    return found
