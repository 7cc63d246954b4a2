"""Ordering: put every option in its place. Response: the option ids in the order given.

While the learner works, the draft is each option's position ({id: 1..n or None}), as the
position pickers hold it; it becomes a response only when every option has its own position.
Graded as a whole: right only in exactly the right order.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, ClassVar, Literal

from pydantic import Field

from course.questions.base import (
    N_,
    ChoiceQuestion,
    Finding,
    OptionFeedback,
    QuestionResult,
    Response,
    Translate,
    WidgetSpec,
)
from course.schema_base import Slug


class Ordering(ChoiceQuestion):
    type: Literal["ordering"]
    answer: list[Slug] = Field(min_length=2, description="option ids in the correct order")

    label: ClassVar[str] = "ordering"
    instruction: ClassVar[str] = N_("Give each item its place in the order: 1 is first.")
    pack_hint_text: ClassVar[str] = "Put these in order."
    interaction_type: ClassVar[str] = "sequencing"

    def check(self) -> Iterator[Finding]:
        yield from self._answers_name_options(self.answer, single=False)
        ids = set(self.option_ids())
        if set(self.answer) <= ids and len(self.answer) != len(ids):
            missing = ", ".join(sorted(ids - set(self.answer)))
            yield ("answer",), f"the order must place every option; missing {missing}"

    def is_answered(self, response: Response) -> bool:
        # every option placed exactly once
        return isinstance(response, list) and sorted(response) == sorted(self.option_ids())

    def grade(self, response: Response) -> QuestionResult:
        answered = self.is_answered(response)
        placed = list(response) if isinstance(response, list) else []
        position = {oid: i for i, oid in enumerate(placed)}
        by_id = {o.id: o for o in self.options}
        feedback = tuple(
            OptionFeedback(o.id, o.text, o.feedback, o.id in position, position.get(o.id) == self.answer.index(o.id))
            for o in sorted(self.options, key=lambda o: position.get(o.id, math.inf))
        )
        right = " → ".join(by_id[a].text for a in self.answer)
        return QuestionResult(
            self.id, answered and placed == list(self.answer), answered, feedback, self.explanation, right
        )

    def feedback_parts(self, result: QuestionResult, tr: Translate = N_) -> list[str]:
        # The learner's order, then every item's feedback in that order.
        order = tr(N_("Your order: {order}")).format(order=" → ".join(f"“{fb.text}”" for fb in result.feedback))
        lines = [f"- “{fb.text}”: {fb.feedback}" for fb in result.feedback]
        return [order, "\n".join(lines)] if lines else [order]

    def correct_responses_pattern(self) -> list[str]:
        return ["[,]".join(self.answer)]

    def pack_answer(self, letters: Mapping[str, str]) -> tuple[str, ...]:
        text = {o.id: o.text for o in self.options}
        return tuple(f"{i}. {text[a]} ({letters[a]})" for i, a in enumerate(self.answer, start=1))

    def pack_answer_label(self) -> str:
        return "Correct order:"

    def answer_key(self) -> tuple[str, ...]:
        return ("correct order",)

    def option_counts(self, responses: Sequence[Any]) -> tuple[dict[str, int], dict[str, int] | None]:
        # Whole-order right or not (that is how it is graded), and what went first, which
        # shows the most common misconception about the start of the sequence.
        counts = dict.fromkeys(self.option_ids(), 0)
        right = sum(isinstance(r, list) and list(r) == list(self.answer) for r in responses)
        for r in responses:
            if isinstance(r, list) and r and r[0] in counts:
                counts[r[0]] += 1
        return {"correct order": right, "other order": len(responses) - right}, counts

    def widget(self) -> WidgetSpec:
        return WidgetSpec("rank_each", tuple((o.id, o.text) for o in self.options))

    def draft(self, value: Any) -> Any:
        given = value if isinstance(value, Mapping) else {}
        return {o.id: given.get(o.id) for o in self.options}

    def widget_value(self, draft: Any) -> Any:
        if not isinstance(draft, dict):
            return None
        n = len(self.options)
        ids = self.option_ids()
        placed = {
            o: pos
            for o, pos in draft.items()
            if o in ids and isinstance(pos, int) and not isinstance(pos, bool) and 1 <= pos <= n
        }
        return placed or None

    def response(self, draft: Any) -> Response:
        placed: dict[int, str] = {}
        for option, pos in (draft or {}).items():
            if pos is None or pos in placed:
                return None
            placed[pos] = option
        return [placed[p] for p in sorted(placed)]
