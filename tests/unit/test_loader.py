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


def test_a_module_yaml_cannot_read_does_not_cascade_either(course_copy):
    # A bad indent used to add "no module has id 'history'" and an unknown objective for
    # every question of its quiz: about 20 lines after the one that matters.
    line = course_copy.replace(MODULE, "estimated_minutes: 20\n", "estimated_minutes: 20\n  oops: [\n")
    found = problems(course_copy)
    assert len(found) == 1 and found[0].startswith(f"{MODULE}:{line + 1}: (file): YAML syntax error"), found


def test_a_key_given_twice_is_reported_not_silently_overwritten(course_copy):
    # YAML keeps the last of two keys: a second `answer:` changed the answer key without a word.
    first = course_copy.replace(QUIZ, "    answer: [a, b]\n", "    answer: [a, b]\n    answer: [a]\n")
    assert problems(course_copy) == [
        f"{QUIZ}:{first + 1}: questions[4].answer: this key is given twice (first at line {first}); "
        "YAML keeps only the last"
    ]


@pytest.mark.parametrize(
    ("text", "trouble"),
    [
        # An alias inside its own anchor: the walk of the file never ended.
        ("id: &a [*a]\n", "the alias to the anchor at line 1 is inside that anchor, a loop"),
        # Aliases of aliases: ten lines that stand for 9^9 values; it ran out of memory.
        (
            "a: &a [x, x, x, x, x, x, x, x, x]\n"
            + "".join(f"{k}: &{k} [{', '.join([f'*{p}'] * 9)}]\n" for p, k in zip("abcdefg", "bcdefgh", strict=True))
            + "i: ["
            + ", ".join(["*h"] * 9)
            + "]\n",
            "its aliases make it stand for more than 100,000 values",
        ),
    ],
)
def test_yaml_aliases_that_loop_or_explode_are_refused_not_followed(course_copy, text, trouble):
    course_copy.write("quizzes/extra.yaml", text)
    assert problems(course_copy) == [f"quizzes/extra.yaml:1: (file): cannot be read: {trouble}"]


def test_a_plain_yaml_alias_is_fine(course_copy):
    # yaml.safe_dump writes an anchor and an alias for a list used twice (as the tracks' modules).
    text = course_copy.text("modules/course.yaml")
    assert "&id" not in text and "*id" not in text  # no anchor or alias yet ("&" in a name is text)
    import yaml

    settings = yaml.safe_load(text)
    shared = ["history"]
    for track in settings["tracks"]:
        track["modules"] = shared
    course_copy.write("modules/course.yaml", yaml.safe_dump(settings, sort_keys=False))
    assert "*id001" in course_copy.text("modules/course.yaml")
    assert [list(t.modules) for t in load_course(course_copy.root).settings.tracks] == [["history"], ["history"]]


def test_a_control_character_is_reported_at_its_line_not_as_a_traceback(course_copy):
    line = course_copy.replace(QUIZ, "title:", "title: \x00", 1)
    assert problems(course_copy) == [
        f"{QUIZ}:{line}: (file): a control character (U+0000) that YAML does not allow; remove it"
    ]


def test_text_that_is_not_utf8_is_reported_at_its_line(course_copy):
    line = course_copy.line_of(MODULE, "estimated_minutes: 20")
    path = course_copy.path(MODULE)
    path.write_bytes(path.read_bytes().replace(b"estimated_minutes: 20", b"estimated_minutes: 20 caf\xe9"))
    assert problems(course_copy) == [
        f"{MODULE}:{line}: (file): not UTF-8 text (invalid continuation byte); save the file as UTF-8"
    ]


def test_a_yml_file_is_reported_as_not_read(course_copy):
    course_copy.path(QUIZ).rename(course_copy.path("quizzes/history.yml"))
    assert problems(course_copy) == [
        "quizzes/history.yml:1: (file): not read: course files end in .yaml; rename it history.yaml"
    ]


def test_a_course_folder_that_is_missing_or_a_file_says_so(tmp_path):
    for root, what in ((tmp_path / "nowhere", "does not exist"), (tmp_path / "file.txt", "is a file, not a folder")):
        if what.startswith("is a file"):
            root.write_text("x", encoding="utf-8")
        with pytest.raises(CourseError) as info:
            load_course(root)
        assert [str(p) for p in info.value.problems] == [f"{root}:1: (folder): the course folder {what}"]


@pytest.mark.parametrize("break_it", ["empty", "bad pass mark"])
def test_a_broken_course_yaml_is_the_only_problem_reported(tmp_path, break_it):
    # Without valid settings every track used to count as public, so ~35 staff-only dosing
    # lines were reported as public dosing instructions, some twice.
    import shutil

    from tests.conftest import ROOT

    for folder in ("modules", "quizzes"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    settings = tmp_path / "modules" / "course.yaml"
    text = settings.read_text(encoding="utf-8")
    if break_it == "empty":
        settings.write_text("", encoding="utf-8")
        expected = ["modules/course.yaml:1: (file): file is empty"]
    else:
        line = text[: text.index("pass_mark: 80")].count("\n") + 1
        settings.write_text(text.replace("pass_mark: 80", "pass_mark: 180", 1), encoding="utf-8")
        expected = [f"modules/course.yaml:{line}: tracks[0].pass_mark: Input should be less than or equal to 100"]
    with pytest.raises(CourseError) as info:
        load_course(tmp_path)
    assert [str(p) for p in info.value.problems] == expected


def test_true_is_not_taken_for_a_number_of_minutes(course_copy):
    # Lax parsing stored `estimated_minutes: true` as 1 minute.
    line = course_copy.replace(MODULE, "estimated_minutes: 20", "estimated_minutes: true")
    assert problems(course_copy) == [f"{MODULE}:{line}: estimated_minutes: expected a whole number, got True"]
