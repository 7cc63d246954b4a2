"""Room polls without Streamlit: which quiz questions a room can answer with one tap, and the
words and numbers the presenter, the projector and the phones show about a poll.

Presenter mode's pages (course/ui/pages/presenter.py, audience.py, join.py) draw these; the
scenario room (course/ui/scenario_room.py) builds a `PollQuestion` for each step it puts to
the room. Nothing here reads the store: the tally comes in as a mapping of option id to count.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from course.export import audience_questions
from course.i18n import ngettext_for
from course.schema import Audience, Course

__all__ = [
    "PollQuestion",
    "answers_text",
    "as_audience",
    "clock_text",
    "is_local_only",
    "poll_questions",
    "tally_rows",
]


@dataclass(frozen=True)
class PollQuestion:
    """A quiz question as a room poll: one answer per person, options labelled A, B, C…"""

    id: str
    prompt: str
    case: str | None  # the scenario's case text, for a question inside a scenario
    options: tuple[tuple[str, str], ...]  # (option id, label shown)
    answer: str  # the correct option's label, for the presenter's eyes only


def as_audience(value: str) -> Audience:
    """A room's stored audience ("public" or "staff") as the type the slides and quizzes take.

    The store keeps it as text; anything else is a damaged row, said so rather than guessed."""
    if value == "public":
        return "public"
    if value == "staff":
        return "staff"
    raise ValueError(f"A room's audience must be 'public' or 'staff', not {value!r}.")


def poll_questions(course: Course, module_id: str, audience: str) -> list[PollQuestion]:
    """The module's quiz questions a room can answer with one tap: single-answer and
    true/false questions that this audience sees (a public room never gets staff-only ones)."""
    module = course.module(module_id)
    quiz = course.quizzes[module.quiz]
    out: list[PollQuestion] = []
    for scenario, q in audience_questions(course, quiz, as_audience(audience)):
        options = q.poll_options()  # each question type knows whether one tap answers it
        if options is None:
            continue  # multiple-select and ordering need more than one tap
        out.append(PollQuestion(q.id, q.prompt, scenario.case if scenario else None, options, q.poll_answer()))
    return out


def tally_rows(question: PollQuestion, tally: Mapping[str, int]) -> list[tuple[str, int]]:
    """(label, count) for every option in the question's order, 0 for an option nobody chose."""
    return [(label, tally.get(option_id, 0)) for option_id, label in question.options]


def answers_text(n: int, lang: str = "en") -> str:
    """ "1 answer", "5 answers", in `lang` (the interface's language)."""
    return ngettext_for(lang, "{n} answer", "{n} answers", n).format(n=n)


def clock_text(elapsed: timedelta) -> str:
    """The presenter's clock: "4:05", or "1:02:03" past the hour; never negative."""
    seconds = max(0, int(elapsed.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


_LOCAL = re.compile(r"^https?://(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(/|$)")


def is_local_only(url: str) -> bool:
    """True for a link only this computer can open (localhost): phones in the room cannot."""
    return bool(_LOCAL.match(url))
