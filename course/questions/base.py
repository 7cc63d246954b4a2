"""What every question type is: the fields all questions share, the results grading returns,
the widget description a page draws, and the methods each type module implements.

A question type is a pydantic model with behaviour: the model is its schema (the fields an
author writes in a quiz's YAML), and its methods are everything the course does that depends
on the type. Callers never branch on `q.type`; they call the method, so a new type is one new
module (see `course/questions/__init__.py`).

The widget part stays free of Streamlit (the engine never imports it): a type describes its
widget as data, a `WidgetSpec` of one of three kinds, and converts between the values of those
widgets and its answer. `course/ui/question_widgets.py`, the widget kit, draws each kind with
Streamlit. (Slides carry no quiz questions: in a live session a question reaches the room as a
poll, which `poll_options` describes.) Chosen over a registry of draw functions in the UI because the type then owns every
rule about its answers (which widget values make an answer, how a kept draft is restored,
when it is complete) and stays testable without a browser; only a type that needs a widget
the kit cannot draw yet touches the UI too.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Literal

from pydantic import Field

from course.schema_base import Model, NonEmpty, Slug

# The interface's words a question type shows (its instruction, "True", "You chose ...") are
# marked with `N_` (as course.i18n.N_, which the types cannot import: course.i18n reads the
# course's languages through the schema, which imports the types). A method that shows them
# takes `tr`, the caller's translation function (the UI's `_`); untranslated by default.
Translate = Callable[[str], str]


def N_(message: str) -> str:  # noqa: N802 - the gettext convention extractors look for
    """Mark a constant for translation without translating it here (as course.i18n.N_)."""
    return message


# A line of a question's feedback for an option the learner chose.
YOU_CHOSE = N_("You chose “{option}”: {feedback}")

# A response is what the learner chose, in plain data, so it can be stored as an event and
# graded again later without any UI (each type's docstring says its shape).
Response = str | bool | list[str] | None

# A content path below the question (("options", 2, "id")) and the problem found there.
Finding = tuple[tuple[str | int, ...], str]


@dataclass(frozen=True)
class OptionFeedback:
    option_id: str
    text: str
    feedback: str
    chosen: bool
    correct: bool  # whether choosing (or, for ordering, placing) it this way was right


@dataclass(frozen=True)
class QuestionResult:
    question_id: str
    correct: bool
    answered: bool
    feedback: tuple[OptionFeedback, ...]
    explanation: str
    correct_answer: str  # human-readable, for the learner after they submit


# The widget kinds the UI's widget kit draws:
# - "choose_one": one group of radio buttons; its value is one of the choices' values;
# - "tick_each": a checkbox per choice; its value is {choice value: ticked};
# - "rank_each": a position picker (1..n) per choice; its value is {choice value: position or None}.
WidgetKind = Literal["choose_one", "tick_each", "rank_each"]


@dataclass(frozen=True)
class WidgetSpec:
    kind: WidgetKind
    choices: tuple[tuple[Any, str], ...]  # (value, text shown), in the order shown
    horizontal: bool = False  # short choices (True/False) sit on one line
    # The choices' texts are the interface's own words (True, False), marked for translation
    # and shown in the learner's language, rather than an author's options.
    interface_words: bool = False


class Option(Model):
    id: Slug
    text: NonEmpty
    feedback: NonEmpty


class QuestionBase(Model, ABC):
    """The fields every question has, and the behaviour each type must give."""

    id: Slug
    prompt: NonEmpty
    explanation: NonEmpty
    objective: Slug
    reference: str | None = None
    tracks: list[Slug] | None = Field(default=None, description="only these tracks see the question; all when absent")
    section: Slug | None = Field(default=None, description="id of the section of its module this question tests")
    pairs_with: Slug | None = Field(default=None, description="post-test only: the pre-test question it pairs with")

    # In words, for tables and the trainer's question analysis ("single choice").
    label: ClassVar[str]
    # What kind of answer is wanted, shown once under every question's prompt (marked with
    # `N_`: `prompt_and_instruction` gives it in the learner's language).
    instruction: ClassVar[str]
    # The facilitator pack's line before the options (kept as the printed packs had it).
    pack_hint_text: ClassVar[str]
    # xAPI's cmi.interaction type for this kind of question.
    interaction_type: ClassVar[str]

    # ------------------------------------------------------------------ content

    def options_list(self) -> Sequence[Option]:
        """The options an author wrote (none for a type without options)."""
        return ()

    def check(self) -> Iterator[Finding]:
        """Problems only visible across fields (an answer that names no option); pydantic has
        checked each field already, and the loader checks option ids are unique."""
        return iter(())

    @abstractmethod
    def texts(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        """Every text a learner reads, with its path, for the language checks."""

    # ------------------------------------------------------------------ grading

    @abstractmethod
    def is_answered(self, response: Response) -> bool:
        """Whether `response` is a complete answer (a partial one is not graded as given)."""

    @abstractmethod
    def grade(self, response: Response) -> QuestionResult:
        """Right only when wholly right, with feedback on every option chosen."""

    def feedback_parts(self, result: QuestionResult, tr: Translate = N_) -> list[str]:
        """The learner's choices and their feedback, as Markdown paragraphs (the interface's
        words through `tr`), for the page shown after submitting: here, a line for each option
        chosen."""
        said = tr(YOU_CHOSE)
        lines = ["- " + said.format(option=fb.text, feedback=fb.feedback) for fb in result.feedback if fb.chosen]
        return ["\n".join(lines)] if lines else []

    def shown_answer(self, result: QuestionResult, tr: Translate = N_) -> str:
        """The right answer as the learner reads it after submitting: the options' own words
        (which the content's translation gives), or the interface's through `tr`."""
        return result.correct_answer

    # ------------------------------------------------------------------ xAPI

    @abstractmethod
    def correct_responses_pattern(self) -> list[str]:
        """xAPI's correctResponsesPattern: the right response, as xAPI writes responses."""

    def xapi_response(self, response: Response) -> str | None:
        """A response as xAPI's `result.response` string: several ids joined by "[,]"."""
        if response is None:
            return None
        if isinstance(response, bool):
            return "true" if response else "false"
        if isinstance(response, list):
            return "[,]".join(response)
        return response

    # ------------------------------------------------------------------ facilitator pack

    def pack_hint(self) -> str:
        """The line under the prompt on the printed quiz ("" when the prompt says it already)."""
        return self.pack_hint_text

    @abstractmethod
    def pack_answer(self, letters: Mapping[str, str]) -> tuple[str, ...]:
        """The answer key's lines, with options by their printed letters."""

    def pack_answer_label(self) -> str:
        """The answer key's heading when the answer has several lines."""
        return "Answers:"

    # ------------------------------------------------------------------ room polls

    def poll_options(self) -> tuple[tuple[str, str], ...] | None:
        """(choice id, label) for a one-tap room poll, or None when one tap cannot answer it."""
        return None

    def poll_answer(self) -> str:
        """The right choice's label, for the presenter's eyes; only for a type with poll options."""
        raise NotImplementedError(f"a {self.label} question is not a room poll")

    # ------------------------------------------------------------------ question analysis

    @abstractmethod
    def answer_key(self) -> tuple[str, ...]:
        """The right answer as the trainer's question analysis lists it."""

    @abstractmethod
    def option_counts(self, responses: Sequence[Any]) -> tuple[dict[str, int], dict[str, int] | None]:
        """How many responses chose each answer, and for an ordering what came first."""

    # ------------------------------------------------------------------ widget

    def prompt_and_instruction(self, tr: Translate = N_) -> tuple[str, str]:
        """The prompt and what kind of answer is wanted (through `tr`), to show each once: a prompt
        that ends with its type's instruction ("Which ...? Choose all that apply.", or the
        Spanish of it in a translated prompt) is shown without it, the instruction on its own
        line under it, as every other question has."""
        prompt, said = self.prompt, tr(self.instruction)
        for ending in dict.fromkeys((said, self.instruction)):
            if prompt.lower().endswith(ending.lower()) and len(prompt) > len(ending):
                prompt = prompt[: -len(ending)].rstrip()
                break
        return prompt, said

    @abstractmethod
    def widget(self) -> WidgetSpec:
        """The widget a learner answers with (drawn by course/ui/question_widgets.py)."""

    @abstractmethod
    def draft(self, value: Any) -> Any:
        """The answer as it stands, as kept while the learner works, from the widget's value."""

    @abstractmethod
    def widget_value(self, draft: Any) -> Any:
        """The widget's value for a kept draft, or None when there is none or it does not fit
        (a draft kept for an earlier version of the question)."""

    def response(self, draft: Any) -> Response:
        """The response to grade from a draft (None while it is incomplete)."""
        return draft  # a draft is a response for most types


class ChoiceQuestion(QuestionBase):
    """A question answered by choosing among written options."""

    options: list[Option] = Field(min_length=2)

    def options_list(self) -> Sequence[Option]:
        return self.options

    def option_ids(self) -> list[str]:
        return [o.id for o in self.options]

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        yield ("prompt",), self.prompt
        yield ("explanation",), self.explanation
        for i, o in enumerate(self.options):
            yield ("options", i, "text"), o.text
            yield ("options", i, "feedback"), o.feedback

    def _answers_name_options(self, answers: Sequence[str], single: bool) -> Iterator[Finding]:
        ids = self.option_ids()
        allowed = ", ".join(ids)
        for i, a in enumerate(answers):
            if a not in ids:
                where: tuple[str | int, ...] = ("answer",) if single else ("answer", i)
                yield where, f"answer {a!r} is not one of the options ({allowed})"
        if not single:
            counts: dict[str, int] = {}
            for a in answers:
                counts[a] = counts.get(a, 0) + 1
            for a, n in counts.items():
                if n > 1:
                    yield ("answer",), f"answer lists {a!r} {n} times"
