"""Multiple select: every right option among two or more, and none of the others.
Response: the ids of the options ticked."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field

from course.questions.base import (
    N_,
    YOU_CHOSE,
    ChoiceQuestion,
    Finding,
    OptionFeedback,
    QuestionResult,
    Response,
    Translate,
    WidgetSpec,
)
from course.schema_base import Slug


class MultipleSelect(ChoiceQuestion):
    type: Literal["multiple"]
    answer: list[Slug] = Field(min_length=1)

    label: ClassVar[str] = "multiple select"
    instruction: ClassVar[str] = N_("Choose all that apply.")
    pack_hint_text: ClassVar[str] = "Choose all that apply."
    interaction_type: ClassVar[str] = "choice"

    def check(self) -> Iterator[Finding]:
        yield from self._answers_name_options(self.answer, single=False)

    def is_answered(self, response: Response) -> bool:
        return isinstance(response, list) and len(response) > 0

    def grade(self, response: Response) -> QuestionResult:
        answered = self.is_answered(response)
        chosen = set(response) if isinstance(response, list) else set()
        key = set(self.answer)
        by_id = {o.id: o for o in self.options}
        feedback = tuple(OptionFeedback(o.id, o.text, o.feedback, o.id in chosen, o.id in key) for o in self.options)
        right = "; ".join(by_id[a].text for a in self.answer)
        return QuestionResult(self.id, answered and chosen == key, answered, feedback, self.explanation, right)

    def feedback_parts(self, result: QuestionResult, tr: Translate = N_) -> list[str]:
        # A right option left unticked gets its feedback too: it says why it belongs.
        chose = tr(YOU_CHOSE)
        did_not = tr(N_("You did not choose “{option}”: {feedback}"))
        lines = []
        for fb in result.feedback:
            if fb.chosen:
                lines.append("- " + chose.format(option=fb.text, feedback=fb.feedback))
            elif fb.correct:
                lines.append("- " + did_not.format(option=fb.text, feedback=fb.feedback))
        return ["\n".join(lines)] if lines else []

    def correct_responses_pattern(self) -> list[str]:
        return ["[,]".join(self.answer)]

    def pack_hint(self) -> str:
        # Most prompts end "Choose all that apply." already: the sheet says it once.
        return "" if "all that apply" in self.prompt.lower() else self.pack_hint_text

    def pack_answer(self, letters: Mapping[str, str]) -> tuple[str, ...]:
        text = {o.id: o.text for o in self.options}
        return tuple(f"{letters[a]}. {text[a]}" for a in self.answer)

    def answer_key(self) -> tuple[str, ...]:
        return tuple(self.answer)

    def option_counts(self, responses: Sequence[Any]) -> tuple[dict[str, int], dict[str, int] | None]:
        counts = dict.fromkeys(self.option_ids(), 0)
        for r in responses:
            for oid in set(r) if isinstance(r, list) else ():
                if oid in counts:
                    counts[oid] += 1
        return counts, None

    def widget(self) -> WidgetSpec:
        return WidgetSpec("tick_each", tuple((o.id, o.text) for o in self.options))

    def draft(self, value: Any) -> Any:
        ticked = value if isinstance(value, Mapping) else {}
        return [o.id for o in self.options if ticked.get(o.id)]

    def widget_value(self, draft: Any) -> Any:
        ids = self.option_ids()
        if not isinstance(draft, list) or not draft or not set(draft) <= set(ids):
            return None
        return {o: o in draft for o in ids}
