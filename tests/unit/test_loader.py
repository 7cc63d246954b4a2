"""The loader reports every bad-input case as one exact FILE:LINE: path: message line."""

from __future__ import annotations

import pytest

from course.loader import CourseError, load_course

MODULE = "modules/01-history.yaml"
QUIZ = "quizzes/history.yaml"


def problems(course_copy) -> list[str]:
    with pytest.raises(CourseError) as info:
        load_course(course_copy.root)
    return [str(p) for p in info.value.problems]


def test_the_unedited_copy_loads(course_copy):
    course = load_course(course_copy.root)
    assert [m.id for m in course.modules] == ["history"]


def test_missing_course_file_is_reported(course_copy):
    course_copy.path("modules/course.yaml").unlink()
    assert problems(course_copy) == ["modules/course.yaml:1: (file): file not found"]


def test_yaml_syntax_error_names_file_and_line(course_copy):
    line = course_copy.replace(QUIZ, 'title: "Quiz: History of ketamine"', "title: [unclosed")
    assert problems(course_copy) == [
        f"{QUIZ}:{line + 1}: (file): YAML syntax error: expected ',' or ']', but got ':' (while parsing a flow sequence that starts at line {line})"
    ]


def test_empty_file_is_reported(course_copy):
    course_copy.write(QUIZ, "# nothing here yet\n")
    assert problems(course_copy) == [f"{QUIZ}:1: (file): file is empty"]


def test_unknown_key_is_reported_at_its_line(course_copy):
    line = course_copy.replace(MODULE, "estimated_minutes: 20\n", "estimated_minutes: 20\ncolour: red\n") + 1
    assert problems(course_copy) == [f"{MODULE}:{line}: colour: unknown key 'colour'"]


def test_wrong_type_says_what_was_expected(course_copy):
    line = course_copy.replace(MODULE, "estimated_minutes: 20", "estimated_minutes: twenty")
    assert problems(course_copy) == [f"{MODULE}:{line}: estimated_minutes: expected a whole number, got 'twenty'"]


def test_missing_required_field_is_reported_under_its_parent(course_copy):
    course_copy.replace(
        QUIZ, "    explanation: Ketamine (CI-581) was made in 1962", "    why: Ketamine (CI-581) was made in 1962"
    )
    q_line = course_copy.line_of(QUIZ, "  - id: history-q01")
    why_line = course_copy.line_of(QUIZ, "    why: Ketamine")
    assert problems(course_copy) == [
        f"{QUIZ}:{q_line}: questions[0].explanation: required field is missing",
        f"{QUIZ}:{why_line}: questions[0].why: unknown key 'why'",
    ]


def test_duplicate_question_id_points_at_the_first_use(course_copy):
    first = course_copy.line_of(QUIZ, "  - id: history-q01")
    line = course_copy.replace(QUIZ, "  - id: history-q02", "  - id: history-q01")
    assert problems(course_copy) == [
        f"{QUIZ}:{line}: questions[1].id: duplicate question id 'history-q01' (first used at {QUIZ}:{first})"
    ]


def test_answer_key_that_names_no_option_is_reported(course_copy):
    course_copy.replace(
        QUIZ,
        "        feedback: Not quite. It was developed for anaesthesia in surgery, not for home use.\n    answer: a",
        "        feedback: Not quite. It was developed for anaesthesia in surgery, not for home use.\n    answer: z",
    )
    line = course_copy.line_of(QUIZ, "    answer: z")
    assert problems(course_copy) == [
        f"{QUIZ}:{line}: questions[0].answer: answer 'z' is not one of the options (a, b, c)"
    ]


def test_ordering_answer_must_place_every_option(course_copy):
    line = course_copy.replace(QUIZ, "answer: [made, human, approval, schedule]", "answer: [made, human, approval]")
    assert problems(course_copy) == [
        f"{QUIZ}:{line}: questions[1].answer: the order must place every option; missing schedule"
    ]


def test_dangling_references_are_reported(course_copy):
    quiz_line = course_copy.replace(MODULE, "quiz: history", "quiz: histry")
    obj_line = course_copy.replace(
        QUIZ,
        "    objective: history-origins\n    reference: domino2010",
        "    objective: history-nowhere\n    reference: domino2010",
    )
    assert problems(course_copy) == [
        f"{MODULE}:{quiz_line}: quiz: no quiz has id 'histry' (expected quizzes/histry.yaml)",
        f"{QUIZ}:{obj_line}: questions[0].objective: no module has an objective 'history-nowhere'",
    ]


def test_track_listing_an_unknown_module_is_reported(course_copy):
    text = course_copy.text("modules/course.yaml")
    course_copy.write(
        "modules/course.yaml", text.replace("  - history\n  pass_mark: 80", "  - history\n  - histroy\n  pass_mark: 80")
    )
    line = course_copy.line_of("modules/course.yaml", "  - histroy")
    assert problems(course_copy) == [f"modules/course.yaml:{line}: tracks[0].modules[1]: no module has id 'histroy'"]


def test_figure_without_alt_text_is_reported(course_copy):
    text = course_copy.text(MODULE)
    start = text.index("        alt: >-")
    end = text.index("        caption: >-", start)
    course_copy.write(MODULE, text[:start] + text[end:])
    line = course_copy.line_of(MODULE, "      - id: history-timeline")
    assert problems(course_copy) == [
        f"{MODULE}:{line}: sections[0].figures[0].alt: figure needs alt text that says what the figure shows"
    ]


def test_blank_alt_text_reads_the_same_as_missing(course_copy):
    text = course_copy.text(MODULE)
    start = text.index("        alt: >-")
    end = text.index("        caption: >-", start)
    course_copy.write(MODULE, text[:start] + '        alt: "   "\n' + text[end:])
    line = course_copy.line_of(MODULE, '        alt: "   "')
    assert problems(course_copy) == [
        f"{MODULE}:{line}: sections[0].figures[0].alt: figure needs alt text that says what the figure shows"
    ]


def test_module_that_requires_itself_is_a_cycle(course_copy):
    line = course_copy.replace(MODULE, "quiz: history\n", "quiz: history\nrequires: [history]\n") + 1
    assert problems(course_copy) == [f"{MODULE}:{line}: requires: module order has a cycle: history -> history"]


def test_every_problem_is_reported_in_one_pass(course_copy):
    course_copy.replace(MODULE, "estimated_minutes: 20", "estimated_minutes: twenty")
    course_copy.replace(QUIZ, "answer: [made, human, approval, schedule]", "answer: [made, human, approval, nowhere]")
    course_copy.replace("modules/course.yaml", "pass_mark: 80", "pass_mark: eighty")
    found = problems(course_copy)
    assert len(found) == 3
    assert {p.split(":")[0] for p in found} == {MODULE, QUIZ, "modules/course.yaml"}


def test_a_broken_module_does_not_cascade_into_its_quiz(course_copy):
    course_copy.replace(MODULE, "estimated_minutes: 20", "estimated_minutes: twenty")
    found = problems(course_copy)
    assert len(found) == 1 and "estimated_minutes" in found[0]


def test_unknown_question_type_lists_the_allowed_types(course_copy):
    line = course_copy.replace(QUIZ, "    type: ordering", "    type: matching")
    assert problems(course_copy) == [
        f"{QUIZ}:{line}: questions[1].type: unknown type 'matching'; "
        "expected one of 'single', 'multiple', 'true_false', 'ordering', 'scenario'"
    ]
