"""Listen: a module part, a quiz question or a survey statement read aloud by the browser's
own speech synthesis (the Web Speech API), in the learner's language.

Nothing is installed on the server and no audio is made or sent by it: the page's text goes to
a small script (course/ui/browser/listen.js) that hands it to `speechSynthesis` in the
learner's browser, using only voices the device itself provides (`localService`), so the
text is not sent to a speech service either.

The control is off by default ("Show Listen buttons" in Display settings): a screen reader
already reads the page, and a second voice would talk over it. When on, it only ever speaks
after a press of its own button (never on load), shows its state in words ("Reading aloud…",
"Paused", "Stopped"), in a polite status region that changes only when the state does, and
starting one control stops any other. Where the browser has no voice for the language, or no
speech synthesis at all, the buttons stay hidden and a short note says why.

The text read is the plain text the learner sees: Markdown marks, citation markers
(`[@domino2010]`), HTML and icons are removed (`plain_text`), and it is cut into sentences
(`chunks`), because some browsers stop reading a long utterance part way. It goes to the
browser as component data (JSON), never as script source.

It is a Streamlit components v2 element drawn in the page itself (not an iframe), so its
buttons are in the page's accessibility tree and Tab order. Its script is a file Streamlit
serves from this server, which the Content-Security-Policy allows as 'self' (course/ui/web.py):
no inline script, so no hash to add.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from course.schema import CITATION_MARK, Gradable
from course.ui import display, widgets
from course.ui.i18n import _, content_language
from course.ui.question_widgets import question_legend, statement_legend  # the words questions are drawn with

SETTING = "listen"  # the display setting (course/ui/display.py DEFAULTS) that shows the controls
COMPONENT = "course.listen"
ASSETS = Path(__file__).parent / "browser"
COMPONENT_JS = "listen.js"
MAX_CHUNK = 220  # characters per utterance: Chrome has stopped reading long ones after about 15 s

# The voices wanted for each language, best first; the script then takes any voice whose
# language starts with the last one ("es" matches es-ES, es-419, ...). US Spanish first: the
# course's crisis services and framing are for the United States; Mexican Spanish next, the
# most widely installed neutral Latin American voice.
VOICES: dict[str, tuple[str, ...]] = {"en": ("en-US", "en"), "es": ("es-US", "es-MX", "es")}

# Styling for the controls, in rem so they follow the text-size setting; the page's own styles
# (focus ring, high contrast, readable font) reach them too, as the element is not isolated.
CSS = """
.course-listen { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin: 0.25rem 0 0.5rem 0; }
.course-listen button { font: inherit; font-size: 0.875rem; color: inherit; background: transparent;
  border: 1px solid currentColor; border-radius: 0.5rem; padding: 0.375rem 0.875rem; min-height: 2.25rem;
  cursor: pointer; }
.course-listen button:hover { background: rgba(11, 79, 138, 0.08); }
.course-listen button:focus-visible { outline: 3px solid #0B4F8A; outline-offset: 2px; }
.course-listen [hidden], .course-listen-note[hidden] { display: none !important; }
.course-listen-state { margin: 0; font-size: 0.875rem; }
.course-listen-note { margin: 0.25rem 0 0.5rem 0; font-size: 0.875rem; }
"""

# ---------------------------------------------------------------- the text read aloud

_FENCE = re.compile(r"^\s*(```|~~~).*$", re.M)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_ICON = re.compile(r":material/[a-z0-9_]+:")
_COLOUR = re.compile(r":(?:red|orange|green|blue|violet|gray|grey|rainbow|primary)(?:-background)?\[([^\]]*)\]")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+", re.M)
_QUOTE = re.compile(r"^\s*>\s?", re.M)
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.M)
_RULE = re.compile(r"^\s*(?:[-*_]\s*){3,}$", re.M)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$", re.M)
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", re.S)
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", re.S)
_STRIKE = re.compile(r"~~(.+?)~~", re.S)
_CODE = re.compile(r"`+([^`]*)`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|>~:])")
_ENTITY = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&nbsp;": " "}
_SENTENCE_END = re.compile(r"[.!?…:;]['\"”’)]*$")


def plain_text(markdown: str) -> str:
    """The words a learner sees in `markdown`, as plain text to read aloud: each paragraph,
    heading, list item and table row on a line of its own, with no Markdown marks, HTML tags,
    icons or citation markers ("... in 1962 [@domino2010]." reads "... in 1962."). A line that
    does not end a sentence gets a full stop, so a voice pauses before the next."""
    lines: list[str] = []
    for block in re.split(r"\n\s*\n", CITATION_MARK.sub("", markdown)):
        current: list[str] = []
        for raw in block.split("\n"):
            if _FENCE.match(raw) or _RULE.match(raw) or _TABLE_RULE.match(raw):
                continue
            heading = bool(_HEADING.match(raw))
            starts = heading or bool(_BULLET.match(raw) or raw.lstrip().startswith("|"))
            raw = _BULLET.sub("", _QUOTE.sub("", _HEADING.sub("", raw)), count=1)
            if starts and current:
                lines.append(" ".join(current))
                current = []
            current.append(raw)
            if heading:  # a heading is a line of its own, whatever follows it
                lines.append(raw)
                current = []
        if current:
            lines.append(" ".join(current))
    out = []
    for line in lines:
        line = _inline(line)
        if line:
            out.append(line if _SENTENCE_END.search(line) else line + ".")
    return "\n".join(out)


def _inline(text: str) -> str:
    """One paragraph's text without its inline marks."""
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _ICON.sub("", text)
    text = _COLOUR.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _STRIKE.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _ESCAPE.sub(r"\1", text)
    for entity, char in _ENTITY.items():
        text = text.replace(entity, char)
    text = re.sub(r"\s*\|\s*", ", ", text.strip().strip("|"))  # a table row's cells
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s+([.,;:!?)])", r"\1", text)  # the space a citation marker left


def chunks(text: str, limit: int = MAX_CHUNK) -> list[str]:
    """`text` (from `plain_text`) cut into pieces of at most `limit` characters, at sentence
    ends where possible, then at commas, then at spaces: one utterance each."""
    out: list[str] = []
    for line in text.split("\n"):
        current = ""
        for sentence in re.split(r"(?<=[.!?…])\s+", line.strip()):
            for piece in _fit(sentence, limit):
                if current and len(current) + 1 + len(piece) <= limit:
                    current += " " + piece
                else:
                    if current:
                        out.append(current)
                    current = piece
        if current:
            out.append(current)
    return out


def _fit(sentence: str, limit: int) -> list[str]:
    """A sentence longer than `limit` cut at commas (or semicolons), else at spaces."""
    if len(sentence) <= limit:
        return [sentence] if sentence else []
    pieces: list[str] = []
    current = ""
    for word in re.split(r"(?<=[,;])\s+|\s+", sentence):
        if current and len(current) + 1 + len(word) > limit:
            pieces.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
        while len(current) > limit:  # one "word" longer than the limit (a long address)
            pieces.append(current[:limit])
            current = current[limit:]
    if current:
        pieces.append(current)
    return pieces


# ---------------------------------------------------------------- the controls


def enabled() -> bool:
    """Whether the learner turned on "Show Listen buttons" (Display settings; off by default)."""
    return bool(display.current().get(SETTING))


def part(heading: str, markdown: str, key: str) -> None:
    """A Listen control for a module part: its heading, then its text as the learner sees it."""
    if enabled():
        _draw(f"{heading}\n\n{markdown}", key, _("Listen to this part"))


def question(n: int, q: Gradable, key: str) -> None:
    """A Listen control for a quiz or knowledge-check question: its number and prompt, what kind
    of answer is wanted, then each choice, as the question shows them."""
    if not enabled():
        return
    choices = [text for _value, text in q.widget().choices]
    text = question_legend(n, q) + "\n\n" + "\n".join(f"- {c}" for c in choices)
    _draw(text, key, _("Listen to question {n}").format(n=n))


def statement(n: int, text: str, scale: Mapping[int, str], key: str) -> None:
    """A Listen control for an attitude-survey statement: its legend (number, statement and the
    ends of the scale, as drawn) and each choice on the scale."""
    if not enabled():
        return
    choices = "\n".join(f"- {v} – {label}" for v, label in scale.items())
    _draw(statement_legend(n, text, dict(scale)) + "\n\n" + choices, key, _("Listen to statement {n}").format(n=n))


def labels() -> dict[str, str]:
    """The control's words in the learner's language (given to the script as data)."""
    return {
        "pause": _("Pause"),
        "resume": _("Resume"),
        "stop": _("Stop"),
        "reading": _("Reading aloud…"),
        "paused": _("Paused"),
        "stopped": _("Stopped"),
        "finished": _("Finished reading"),
        "unavailable": _("Your browser has no voice for this language, so Listen is not available."),
    }


def data(text: str, label: str, lang: str) -> dict[str, Any]:
    """What the script is given: the text in pieces, the voices wanted and the words to show."""
    voices = VOICES.get(lang, VOICES["en"])
    return {"chunks": chunks(plain_text(text)), "voices": list(voices), "listen": label, "labels": labels()}


def _draw(text: str, key: str, label: str) -> None:
    # The voice reads the content's language (English staff text on a Spanish page); the
    # buttons speak the page's.
    _component()(key=key, data=data(text, label, content_language()))


def _component() -> Callable[..., Any]:
    """The component, with its script served from course/ui/browser/ (`widgets.asset_component`).
    Not isolated: the page's focus ring, high contrast and text size apply to the buttons."""
    return widgets.asset_component(COMPONENT, ASSETS, COMPONENT_JS, css=CSS, isolate_styles=False)
