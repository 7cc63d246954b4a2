"""True or false: a statement and whether it holds, with feedback for each answer.
Response: True or False."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field

from course.questions.base import (
    N_,
    YOU_CHOSE,
    OptionFeedback,
    QuestionBase,
    QuestionResult,
    Response,
    Translate,
    WidgetSpec,
)
from course.schema_base import NonEmpty

TRUE, FALSE = N_("True"), N_("False")


def _word(value: bool) -> str:
    return TRUE if value else FALSE


class TrueFalse(QuestionBase):
    type: Literal["true_false"]
    answer: bool
    feedback_true: NonEmpty = Field(description="shown to a learner who answers True")
    feedback_false: NonEmpty = Field(description="shown to a learner who answers False")

    label: ClassVar[str] = "true/false"
    instruction: ClassVar[str] = N_("Choose True or False.")
    pack_hint_text: ClassVar[str] = "True or false?"
    interaction_type: ClassVar[str] = "true-false"

    def texts(self) -> Iterator[tuple[tuple[str | int, ...], str]]:
        yield ("prompt",), self.prompt
        yield ("explanation",), self.explanation
        yield ("feedback_true",), self.feedback_true
        yield ("feedback_false",), self.feedback_false

    def is_answered(self, response: Response) -> bool:
        return isinstance(response, bool)

    def grade(self, response: Response) -> QuestionResult:
        answered = self.is_answered(response)
        chosen = response if isinstance(response, bool) else None
        feedback = tuple(
            OptionFeedback(str(value).lower(), str(value), text, chosen is value, value is self.answer)
            for value, text in ((True, self.feedback_true), (False, self.feedback_false))
        )
        return QuestionResult(
            self.id, answered and chosen is self.answer, answered, feedback, self.explanation, _word(self.answer)
        )

    def feedback_parts(self, result: QuestionResult, tr: Translate = N_) -> list[str]:
        said = tr(YOU_CHOSE)
        lines = ["- " + said.format(option=tr(fb.text), feedback=fb.feedback) for fb in result.feedback if fb.chosen]
        return ["\n".join(lines)] if lines else []

    def shown_answer(self, result: QuestionResult, tr: Translate = N_) -> str:
        return tr(result.correct_answer)

    def correct_responses_pattern(self) -> list[str]:
        return ["true" if self.answer else "false"]

    def pack_answer(self, letters: Mapping[str, str]) -> tuple[str, ...]:
        return (_word(self.answer),)

    def poll_options(self) -> tuple[tuple[str, str], ...]:
        return (("true", "True"), ("false", "False"))

    def poll_answer(self) -> str:
        return _word(self.answer)

    def answer_key(self) -> tuple[str, ...]:
        return (str(self.answer).lower(),)

    def option_counts(self, responses: Sequence[Any]) -> tuple[dict[str, int], dict[str, int] | None]:
        counts = {"true": 0, "false": 0}
        for r in responses:
            if isinstance(r, bool):
                counts[str(r).lower()] += 1
        return counts, None

    def widget(self) -> WidgetSpec:
        # The two words are the interface's, not the author's: the page shows them translated.
        return WidgetSpec("choose_one", ((True, TRUE), (False, FALSE)), horizontal=True, interface_words=True)

    def draft(self, value: Any) -> Any:
        return value

    def widget_value(self, draft: Any) -> Any:
        return draft if isinstance(draft, bool) else None
