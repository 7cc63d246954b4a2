"""The language checks of translated public text (Spanish today), as `course.language_checks`
does them for the English: reading ease, stigmatising terms with person-first alternatives, and
nothing that reads as dosing instructions. `course.translation` applies them to every
translation file and reports each finding at the translation's FILE:LINE.

Reading ease uses textstat's Spanish formulas. A text passes when either the Fernández Huerta
score is at least 70 or the Szigriszt-Pazos (INFLESZ) score is at least 65: both mean "bastante
fácil" (fairly easy) or easier on their own published scales. Both formulas need a few sentences
to mean anything, so only texts of `MIN_WORDS` words or more are scored (section texts, cases,
explanations); short options and labels are not.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from typing import Any, Protocol

from course.language_checks import plain_text
from course.yaml_source import Problem


class Entry(Protocol):
    """One translated text as `course.translation` reads it (structurally: this module does not
    import that one, which imports this one when it checks)."""

    @property
    def text(self) -> str: ...

    @property
    def line(self) -> int: ...


MIN_WORDS = 40
FERNANDEZ_HUERTA_EASY = 70.0
SZIGRISZT_PAZOS_EASY = 65.0

# (pattern, person-first alternative). A term inside double quotes or «» is a mention, not a use.
STIGMA_TERMS_ES: list[tuple[str, str]] = [
    (r"\b(?:drogadict|toxic[oó]man|adict)[oa]s?\b", "persona con un trastorno por consumo de sustancias"),
    (r"\bdrogadicci[oó]n\b", "trastorno por consumo de sustancias"),
    (r"\babuso de (?:sustancias|drogas|ketamina)\b", "consumo de sustancias, o uso no médico"),
    (r"\babusador(?:es|as?)?\b", "persona que consume drogas"),
    (r"\byonquis?\b|\bdrogatas?\b|\bviciosos?\b", "persona que consume drogas"),
    (r"\b(?:locos?|locas?|chiflad[oa]s?|dementes?|lun[aá]tic[oa]s?)\b", "una descripción concreta y respetuosa"),
    (r"\bpsic[oó]pat[ao]s?\b|\bpsic[oó]tic[oa]s\b", "persona que vive una psicosis"),
    (r"\b(?:los|las) enferm[oa]s mentales\b", "las personas con una enfermedad mental"),
    (r"\b(?:un|una|el|la|los|las) esquizofr[eé]nic[oa]s?\b", "persona con esquizofrenia"),
    (r"\b(?:los|las) depresiv[oa]s\b", "las personas con depresión"),
    (r"\bcometi[óo] suicidio\b|\bcometer suicidio\b|\bse suicid[óo]\b", "murió por suicidio"),
    (r"\b(?:estar|est[aá]|sigue|seguir|qued[oó]) limpi[oa]\b", "«en recuperación» o «no consume»"),
    (r"\b(?:orina|prueba|an[aá]lisis) (?:limpi[oa]|suci[oa])\b", "resultado «negativo» o «positivo»"),
]
_STIGMA = [(re.compile(p, re.IGNORECASE), s) for p, s in STIGMA_TERMS_ES]
_QUOTED = re.compile(r"\"[^\"]{1,80}\"|“[^”]{1,80}”|«[^»]{1,80}»")

_VECES = r"(?:una|dos|tres|cuatro|\d+) veces"
_DOSE_ES = re.compile(
    r"\b\d+(?:[.,]\d+)?\s*(?:mg/kg|mg|mcg|µg|ug|ml|mL|miligramos?|microgramos?)\b|mg/kg|por kilo(?:gramo)?"
    rf"|\b{_VECES} (?:al|por|a la|cada) (?:d[ií]a|semana|mes)\b"
    r"|\bcada (?:dos|tres|cuatro|\d+|otra) (?:d[ií]as?|semanas?|meses)\b",
    re.IGNORECASE,
)


def stigma_findings_es(text: str) -> list[tuple[str, str]]:
    """(term found, person-first alternative) for every stigmatising Spanish term outside quotes."""
    unquoted = _QUOTED.sub(" ", text)
    return [(m.group(0), s) for pattern, s in _STIGMA for m in pattern.finditer(unquoted)]


def dose_findings_es(text: str) -> list[str]:
    return [m.group(0) for m in _DOSE_ES.finditer(text)]


@functools.cache
def _spanish() -> Any:
    # Its own textstat instance: `set_lang` is per instance, and the English checks share the
    # module-level one.
    from textstat.textstat import textstatistics

    stats = textstatistics()
    stats.set_lang("es")
    return stats


def reading_ease_es(markdown: str) -> tuple[float, float]:
    """(Fernández Huerta, Szigriszt-Pazos) of a Spanish text: higher is easier."""
    text = plain_text(markdown)
    stats = _spanish()
    return float(stats.fernandez_huerta(text)), float(stats.szigriszt_pazos(text))


def easy_enough(markdown: str) -> bool:
    fh, sp = reading_ease_es(markdown)
    return fh >= FERNANDEZ_HUERTA_EASY or sp >= SZIGRISZT_PAZOS_EASY


def text_problems(trel: str, entries: Mapping[str, Entry], lang: str) -> list[Problem]:
    """The language checks of one translation file's texts, each at its FILE:LINE."""
    if lang != "es":
        return []
    out: list[Problem] = []
    for key, entry in entries.items():
        for term, alternative in stigma_findings_es(entry.text):
            out.append(Problem(trel, entry.line, key, f"stigmatising term {term!r}: use {alternative}"))
        for amount in dose_findings_es(entry.text):
            out.append(
                Problem(trel, entry.line, key, f"public text must not read as dosing instructions: remove {amount!r}")
            )
        if len(plain_text(entry.text).split()) >= MIN_WORDS and not easy_enough(entry.text):
            fh, sp = reading_ease_es(entry.text)
            out.append(
                Problem(
                    trel,
                    entry.line,
                    key,
                    f"hard to read: Fernández Huerta {fh:.0f} (needs {FERNANDEZ_HUERTA_EASY:.0f}) and "
                    f"Szigriszt-Pazos {sp:.0f} (needs {SZIGRISZT_PAZOS_EASY:.0f}); use shorter sentences and words",
                )
            )
    return out
