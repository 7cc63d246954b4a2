"""The interface's own words in the learner's language: gettext catalogues under
`course/locales/<lang>/LC_MESSAGES/messages.po`, read with babel and compiled in memory once per
process (no compiled `.mo` file is kept in the repository).

Code marks a string for translation where it is shown: the UI with `course.ui.i18n._` (which
knows the learner's language), the engine with `gettext_for(lang, ...)` when it is given a
language, or `N_` for a constant that is translated later where it is shown. Placeholders are
named (`"{done} of {total}"`) so a translation may reorder them. `babel`'s extractor finds every
marked string (keywords `_`, `N_`, `ngettext`, `gettext_for`); tests/unit/test_i18n_catalogue.py
fails when one has no translation. Content (modules, quizzes) is translated elsewhere:
`course.translation`.
"""

from __future__ import annotations

import functools
import gettext
import io
from pathlib import Path

from course.translation import LANGUAGES, TRANSLATED

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
DEFAULT = "en"


def catalogue_path(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of `lang` (English, or a missing catalogue: the strings as written)."""
    path = catalogue_path(lang)
    if lang == DEFAULT or not path.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)  # a fuzzy entry is a guess: shown in English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def gettext_for(lang: str, message: str) -> str:
    """`message` in `lang`, or as written when it has no translation there."""
    return translations(lang).gettext(message)


def ngettext_for(lang: str, singular: str, plural: str, n: int) -> str:
    return translations(lang).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention extractors look for
    """Mark a constant for translation without translating it here."""
    return message


# A name quoted inside a sentence the code writes (a module's title in a list of names): the
# language's own quotation marks, as the catalogue's sentences use them.
_QUOTES = {"es": ("«", "»")}


def quoted(text: str, lang: str = DEFAULT) -> str:
    """`text` in the quotation marks of `lang`: “…” in English, «…» in Spanish."""
    opening, closing = _QUOTES.get(lang, ("“", "”"))
    return f"{opening}{text}{closing}"


def supported(lang: str | None) -> str | None:
    """`lang` (e.g. "es", "es-MX", "ES_us") as one of the course's languages, or None."""
    if not lang:
        return None
    base = lang.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def negotiate(*candidates: str | None) -> str:
    """The first of `candidates` (a link's `?lang=`, the learner's saved choice, the browser's
    locale, in that order) that the course speaks; English otherwise."""
    for candidate in candidates:
        found = supported(candidate)
        if found:
            return found
    return DEFAULT


def from_accept_language(header: str | None) -> str | None:
    """The most preferred language of an Accept-Language header that the course speaks."""
    best: tuple[float, str] | None = None
    for part in (header or "").split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        found = supported(tag)
        if found and quality > 0 and (best is None or quality > best[0]):
            best = (quality, found)
    return best[1] if best else None


__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "N_",
    "TRANSLATED",
    "catalogue_path",
    "from_accept_language",
    "gettext_for",
    "negotiate",
    "ngettext_for",
    "supported",
    "translations",
]
