"""The question-type registry: every kind of quiz question, one module each.

Each type is a pydantic model with behaviour (`course/questions/base.py` says what every type
gives): its fields are the schema an author writes in YAML, and its methods grade a response,
describe it for xAPI, print it in the facilitator pack, offer it as a room poll, analyse the
room's answers and describe the widget a learner answers with. Nothing else in the course
branches on a question's type: callers call these methods, or look a type up here by name.

To add a question type (say "numeric"):
1. write `course/questions/numeric.py`: a model `Numeric(QuestionBase)` with
   `type: Literal["numeric"]`, its fields, the ClassVars (label, instruction, pack hint, xAPI
   interaction type) and every abstract method of `QuestionBase`; its `widget()` returns one of
   the kinds the UI's widget kit draws (course/ui/question_widgets.py), or the kit gains a kind;
2. register it below: import it, add it to `Gradable` and to `TYPES`;
3. add `tests/unit/test_question_types.py` cases for its grading and xAPI description.
The loader, grading, quiz pages, packs, polls, analytics and xAPI then handle it unchanged.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from course.questions.base import Option as Option
from course.questions.base import (
    OptionFeedback,
    QuestionBase,
    QuestionResult,
    Response,
    WidgetSpec,
)
from course.questions.multiple_select import MultipleSelect
from course.questions.ordering import Ordering
from course.questions.single_choice import SingleChoice
from course.questions.true_false import TrueFalse

# Every gradable question, as a type; the YAML's `type:` picks the model.
Gradable = SingleChoice | MultipleSelect | TrueFalse | Ordering
SubQuestion = Annotated[Gradable, Field(discriminator="type")]

# Type name (the YAML's `type:`) -> its model, in the order tables list them.
TYPES: dict[str, type[QuestionBase]] = {
    "single": SingleChoice,
    "multiple": MultipleSelect,
    "true_false": TrueFalse,
    "ordering": Ordering,
}


def question_type(name: str) -> type[QuestionBase]:
    """The model of the type named `name`; KeyError names the types there are."""
    try:
        return TYPES[name]
    except KeyError:
        raise KeyError(f"no question type {name!r}; the types are {', '.join(TYPES)}") from None


def type_label(name: str) -> str:
    """A type's name in words ("single choice"); an unknown name as it is."""
    return TYPES[name].label if name in TYPES else name


__all__ = [
    "TYPES",
    "Gradable",
    "MultipleSelect",
    "Option",
    "OptionFeedback",
    "Ordering",
    "QuestionBase",
    "QuestionResult",
    "Response",
    "SingleChoice",
    "SubQuestion",
    "TrueFalse",
    "WidgetSpec",
    "question_type",
    "type_label",
]
