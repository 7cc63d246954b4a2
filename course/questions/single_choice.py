"""Single choice: one right option among two or more. Response: the chosen option's id."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Literal

from course.questions.base import (
    N_,
    ChoiceQuestion,
    Finding,
    OptionFeedback,
    QuestionResult,
    Response,
    WidgetSpec,
)
from course.schema_base import Slug


class SingleChoice(ChoiceQuestion):
    type: Literal["single"]
    answer: Slug

    label: ClassVar[str] = "single choice"
    instruction: ClassVar[str] = N_("Choose one answer.")
    pack_hint_text: ClassVar[str] = "Choose one answer."
    interaction_type: ClassVar[str] = "choice"

    def check(self) -> Iterator[Finding]:
        yield from self._answers_name_options([self.answer], single=True)

    def is_answered(self, response: Response) -> bool:
        return isinstance(response, str) and bool(response)

    def grade(self, response: Response) -> QuestionResult:
        answered = self.is_answered(response)
        chosen = {response} if isinstance(response, str) else set()
        feedback = tuple(
            OptionFeedback(o.id, o.text, o.feedback, o.id in chosen, o.id == self.answer) for o in self.options
        )
        right = next(o.text for o in self.options if o.id == self.answer)
        return QuestionResult(
            self.id, answered and response == self.answer, answered, feedback, self.explanation, right
        )

    def correct_responses_pattern(self) -> list[str]:
        return [self.answer]

    def pack_answer(self, letters: Mapping[str, str]) -> tuple[str, ...]:
        text = {o.id: o.text for o in self.options}
        return (f"{letters[self.answer]}. {text[self.answer]}",)

    def poll_options(self) -> tuple[tuple[str, str], ...]:
        return tuple((o.id, f"{chr(ord('A') + i)}. {o.text}") for i, o in enumerate(self.options))

    def poll_answer(self) -> str:
        return dict(self.poll_options())[self.answer]

    def answer_key(self) -> tuple[str, ...]:
        return (self.answer,)

    def option_counts(self, responses: Sequence[Any]) -> tuple[dict[str, int], dict[str, int] | None]:
        counts = dict.fromkeys(self.option_ids(), 0)
        for r in responses:
            if isinstance(r, str) and r in counts:
                counts[r] += 1
        return counts, None

    def widget(self) -> WidgetSpec:
        return WidgetSpec("choose_one", tuple((o.id, o.text) for o in self.options))

    def draft(self, value: Any) -> Any:
        return value

    def widget_value(self, draft: Any) -> Any:
        return draft if isinstance(draft, str) and draft in self.option_ids() else None
