"""What a person types or pastes: names and codes, cleaned the same way everywhere.

Names (a learner's name on a certificate, a cohort's name) lose the invisible characters that
only steer layout or direction: with them a name could be blank on a certificate, look
exactly like another cohort's, or show reversed ("\u202eevil" reads "live"). Joiners (U+200C,
U+200D) stay, since some scripts and emoji need them. Codes (cohort, room, certificate) also
take full-width letters and any kind of dash, and can be found inside a pasted sentence.
"""

from __future__ import annotations

import re
import unicodedata

# Soft hyphen, zero-width space, word joiner, byte-order mark, the Arabic letter mark, the
# direction marks, embeddings, overrides and isolates.
INVISIBLE = frozenset(
    [0x00AD, 0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"


def _visible(text: str) -> str:
    return "".join(ch for ch in text if ch.isspace() or (ord(ch) not in INVISIBLE and unicodedata.category(ch) != "Cc"))


def clean_name(text: object) -> str:
    """A name as it will be stored and shown: composed (NFC), without invisible layout and
    direction characters or control characters, with each run of spaces as one, trimmed."""
    if not isinstance(text, str):
        return ""
    return " ".join(_visible(unicodedata.normalize("NFC", text)).split())


def name_problem(name: str, limit: int, what: str = "name") -> str | None:
    """Why a cleaned, non-empty name cannot be used, in words for the person who typed it."""
    if not any(unicodedata.category(ch)[0] in "LN" for ch in name):
        return f"The {what} has no letters or digits in it. Type it again with letters."
    if len(name) > limit:
        return f"The {what} is {len(name)} characters long; it can have at most {limit}. Shorten it, then try again."
    return None


def clean_code(text: object) -> str:
    """A code as typed, made comparable: full-width letters and digits as plain ones (NFKC),
    any dash as "-", invisible characters removed, trimmed."""
    if not isinstance(text, str):
        return ""
    text = _visible(unicodedata.normalize("NFKC", text))
    return "".join("-" if ch in DASHES else ch for ch in text).strip()


def code_candidates(text: str, sizes: tuple[int, ...], limit: int = 300) -> list[str]:
    """Code-shaped words in a pasted sentence ("Cohort code: 89J-59W (staff)" -> ["89J-59W"]):
    groups of `sizes` letters or digits joined by dashes, standing on their own."""
    if len(text) > limit:
        return []
    shape = "-".join(f"[A-Za-z0-9]{{{n}}}" for n in sizes)
    return re.findall(rf"(?<![A-Za-z0-9-]){shape}(?![A-Za-z0-9-])", text)


def shown(text: str, limit: int = 40) -> str:
    """What a person typed, cut for repeating back in a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
