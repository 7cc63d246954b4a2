"""The question-type registry: every type is registered, grades its responses, describes them
for xAPI and converts between its widget's values and its answer."""

from __future__ import annotations

import json
import typing

import jsonschema
import pytest

from course.events import ANSWERED, Event, question_activity
from course.questions import TYPES, Gradable, MultipleSelect, Ordering, SingleChoice, TrueFalse, question_type
from course.xapi import SCHEMA_PATH, statement

OPTS = [
    {"id": "a", "text": "Alpha", "feedback": "A is right."},
    {"id": "b", "text": "Beta", "feedback": "B is wrong."},
    {"id": "c", "text": "Gamma", "feedback": "C is right too."},
]
COMMON = {"prompt": "P?", "explanation": "Because.", "objective": "obj"}

SINGLE = SingleChoice(id="s", type="single", options=OPTS, answer="a", **COMMON)
MULTIPLE = MultipleSelect(id="m", type="multiple", options=OPTS, answer=["a", "c"], **COMMON)
TRUE_FALSE = TrueFalse(id="t", type="true_false", answer=False, feedback_true="No.", feedback_false="Yes.", **COMMON)
ORDERING = Ordering(id="o", type="ordering", options=OPTS, answer=["c", "a", "b"], **COMMON)
EXAMPLES = {"single": SINGLE, "multiple": MULTIPLE, "true_false": TRUE_FALSE, "ordering": ORDERING}


def test_every_gradable_model_is_registered_under_its_yaml_type_name():
    assert set(typing.get_args(Gradable)) == set(TYPES.values())
    for name, kind in TYPES.items():
        assert kind.model_fields["type"].annotation == typing.Literal[name]
    assert set(EXAMPLES) == set(TYPES), "a new type needs its cases in this file"


def test_an_unknown_type_name_says_which_types_there_are():
    with pytest.raises(KeyError, match="single, multiple, true_false, ordering"):
        question_type("essay")


@pytest.mark.parametrize(
    ("question", "right", "wrong", "incomplete"),
    [
        (SINGLE, "a", "b", ""),
        (MULTIPLE, ["c", "a"], ["a"], []),
        (TRUE_FALSE, False, True, None),
        (ORDERING, ["c", "a", "b"], ["a", "c", "b"], ["c", "a"]),
    ],
    ids=lambda v: getattr(v, "type", None),
)
def test_each_type_grades_right_wrong_and_incomplete_answers(question, right, wrong, incomplete):
    assert question.grade(right).correct and question.grade(right).answered
    assert not question.grade(wrong).correct and question.grade(wrong).answered
    unanswered = question.grade(incomplete)
    assert not unanswered.correct and not unanswered.answered


def test_the_right_answer_is_written_out_for_the_learner_by_each_type():
    assert [EXAMPLES[t].grade(None).correct_answer for t in TYPES] == [
        "Alpha",
        "Alpha; Gamma",
        "False",
        "Gamma → Alpha → Beta",
    ]


@pytest.mark.parametrize(
    ("question", "response", "interaction", "pattern", "said"),
    [
        (SINGLE, "b", "choice", ["a"], "b"),
        (MULTIPLE, ["a", "b"], "choice", ["a[,]c"], "a[,]b"),
        (TRUE_FALSE, True, "true-false", ["false"], "true"),
        (ORDERING, ["a", "c", "b"], "sequencing", ["c[,]a[,]b"], "a[,]c[,]b"),
    ],
    ids=lambda v: getattr(v, "type", None),
)
def test_each_type_describes_itself_and_a_response_for_xapi(question, response, interaction, pattern, said):
    assert question.interaction_type == interaction
    assert question.correct_responses_pattern() == pattern
    assert question.xapi_response(response) == said
    # and a statement about an answer says the same as the type
    event = Event("L1", ANSWERED, question_activity(question.id), response=response)
    stmt = statement(event, "https://course.example.org", course=_course(question))
    assert stmt["result"]["response"] == said
    assert stmt["object"]["definition"]["interactionType"] == interaction
    assert stmt["object"]["definition"]["correctResponsesPattern"] == pattern
    jsonschema.validate(stmt, json.loads(SCHEMA_PATH.read_text()))


def _course(question):
    """The smallest course the xAPI lookup needs: one quiz holding `question`."""
    from types import SimpleNamespace

    quiz = SimpleNamespace(id="quiz", items=lambda track=None: [(None, question)])
    settings = SimpleNamespace(pre_test=None, post_test=None)
    return SimpleNamespace(modules=[], settings=settings, quizzes={"quiz": quiz}, surveys={})


@pytest.mark.parametrize("name", list(TYPES))
def test_a_draft_kept_from_the_widget_comes_back_into_the_widget_and_grades_as_given(name):
    q = EXAMPLES[name]
    spec = q.widget()
    right = {"single": "a", "true_false": False}.get(name)
    if spec.kind == "tick_each":
        value = {oid: oid in q.answer for oid, _ in spec.choices}
    elif spec.kind == "rank_each":
        value = {oid: q.answer.index(oid) + 1 for oid, _ in spec.choices}
    else:
        value = right
    draft = q.draft(value)
    assert q.widget_value(draft) == value
    assert q.grade(q.response(draft)).correct


@pytest.mark.parametrize("name", list(TYPES))
def test_a_draft_that_does_not_fit_the_question_restores_nothing(name):
    q = EXAMPLES[name]
    assert q.widget_value("zz" if name != "true_false" else "yes") is None
    assert q.widget_value(None) is None


def test_an_ordering_with_a_position_missing_or_given_twice_is_not_yet_a_response():
    assert ORDERING.response({"a": 1, "b": 2, "c": None}) is None
    assert ORDERING.response({"a": 1, "b": 1, "c": 3}) is None
    assert ORDERING.response({"a": 2, "b": 3, "c": 1}) == ["c", "a", "b"]


def test_only_one_tap_types_are_room_polls_with_lettered_options():
    assert SINGLE.poll_options() == (("a", "A. Alpha"), ("b", "B. Beta"), ("c", "C. Gamma"))
    assert SINGLE.poll_answer() == "A. Alpha"
    assert TRUE_FALSE.poll_options() == (("true", "True"), ("false", "False"))
    assert TRUE_FALSE.poll_answer() == "False"
    assert MULTIPLE.poll_options() is None and ORDERING.poll_options() is None


def test_the_printed_answer_key_names_options_by_letter():
    letters = {"a": "A", "b": "B", "c": "C"}
    assert SINGLE.pack_answer(letters) == ("A. Alpha",)
    assert MULTIPLE.pack_answer(letters) == ("A. Alpha", "C. Gamma")
    assert TRUE_FALSE.pack_answer(letters) == ("False",)
    assert ORDERING.pack_answer(letters) == ("1. Gamma (C)", "2. Alpha (A)", "3. Beta (B)")
    assert ORDERING.pack_answer_label() == "Correct order:"


def test_an_answer_naming_no_option_or_an_order_missing_one_is_found():
    bad = SingleChoice(id="s", type="single", options=OPTS, answer="z", **COMMON)
    assert [m for _, m in bad.check()] == ["answer 'z' is not one of the options (a, b, c)"]
    short = Ordering(id="o", type="ordering", options=OPTS, answer=["a", "a"], **COMMON)
    assert [m for _, m in short.check()] == [
        "answer lists 'a' 2 times",
        "the order must place every option; missing b, c",
    ]


def test_the_analysis_counts_each_answer_once_per_learner():
    assert MULTIPLE.option_counts([["a", "a", "b"], ["c"], "junk"]) == ({"a": 1, "b": 1, "c": 1}, None)
    assert ORDERING.option_counts([["c", "a", "b"], ["a", "c", "b"]]) == (
        {"correct order": 1, "other order": 1},
        {"a": 1, "b": 0, "c": 1},
    )


def test_what_kind_of_answer_is_wanted_is_said_once_under_the_prompt():
    said = MultipleSelect(
        id="m", type="multiple", options=OPTS, answer=["a"], **{**COMMON, "prompt": "Which? Choose all that apply."}
    )
    assert said.prompt_and_instruction() == ("Which?", "Choose all that apply.")
    assert SINGLE.prompt_and_instruction() == ("P?", "Choose one answer.")
    assert [EXAMPLES[t].instruction for t in TYPES] == [
        "Choose one answer.",
        "Choose all that apply.",
        "Choose True or False.",
        "Give each item its place in the order: 1 is first.",
    ]


def test_the_question_types_build_on_the_schema_base_only_and_never_import_streamlit():
    # course.schema imports the types (to re-export them and build Quiz), so the types must not
    # import course.schema back; and the engine never imports streamlit.
    import ast
    from pathlib import Path

    import course.questions

    for path in Path(course.questions.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        course_modules = {m for m in imported if m.startswith("course")}
        assert course_modules <= {"course.schema_base"} | {
            m for m in course_modules if m.startswith("course.questions")
        }, (
            path.name,
            course_modules,
        )
        assert not any(m.split(".")[0] == "streamlit" for m in imported), path.name
