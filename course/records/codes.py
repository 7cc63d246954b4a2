"""The codes and names people type: cohort and room codes (`KX7-P2M`, letters that cannot be misread
for one another), resume codes (only their hash is stored), and display names; each normalised from
what a person typed or pasted.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from course.typed import clean_code, clean_name, code_candidates

# Cohort codes and certificate ids use letters and digits that cannot be misread for one
# another when read aloud or copied from paper: no 0/O, 1/I/L.
UNAMBIGUOUS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_COHORT_CODE = re.compile(rf"^[{UNAMBIGUOUS}]{{3}}-[{UNAMBIGUOUS}]{{3}}$")
# secrets.token_urlsafe(24): 24 random bytes (192 bits) as 32 base64url characters.
RESUME_CODE_BYTES = 24
_RESUME_CODE = re.compile(r"^[A-Za-z0-9_-]{32}$")
MAX_DISPLAY_NAME = 100
MAX_COHORT_NAME = 200


def hash_resume_code(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def grouped_code(
    code: object, sizes: tuple[int, ...], pattern: re.Pattern[str], *, max_len: int = 32, separators: str = r"[\s-]"
) -> str | None:
    """The canonical form of a code made of dash-separated groups of `sizes`, from what a
    person typed (any case, the groups split by `separators` or not at all), if it matches
    `pattern`; else None."""
    if not isinstance(code, str):
        return None
    code = clean_code(code)  # full-width letters, any dash, invisible characters

    def whole(text: str) -> str | None:
        if len(text) > max_len:
            return None
        letters = re.sub(separators, "", text).upper()
        if len(letters) != sum(sizes):
            return None
        starts = [sum(sizes[:i]) for i in range(len(sizes))]
        candidate = "-".join(letters[at : at + n] for at, n in zip(starts, sizes, strict=True))
        return candidate if pattern.match(candidate) else None

    found = whole(code)
    if found is not None:
        return found
    # Pasted with words around it ("Cohort code: 89J-59W (staff)"): the one code-shaped word.
    inside = {c for c in map(whole, code_candidates(code, sizes)) if c is not None}
    return inside.pop() if len(inside) == 1 else None


def normalize_cohort_code(code: object) -> str | None:
    """`kx7 p2m`, `KX7P2M` and `KX7-P2M` all name the same cohort; anything else is None."""
    return grouped_code(code, (3, 3), _COHORT_CODE)


def normalize_room_code(code: object) -> str | None:
    """Room codes have the cohort codes' shape and alphabet: `qx4 7kd` -> `QX4-7KD`."""
    return normalize_cohort_code(code)


def _new_code() -> str:
    return "-".join("".join(secrets.choice(UNAMBIGUOUS) for _ in range(3)) for _ in range(2))


def _clean_name(name: str | None) -> str | None:
    if name is None:
        return None
    name = clean_name(str(name))[:MAX_DISPLAY_NAME]
    return name or None
