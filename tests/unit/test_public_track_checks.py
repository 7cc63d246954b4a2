"""Issue 19's checks: module reviews, public versions and their reading level, the section a
public question tests, pre/post pairing, crisis services and voices. Each test edits one
thing in the small course (tests/small_course.py) and looks for the problem it causes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from course.cli import main
from course.loader import CourseError, Problem, load_course
from tests import small_course

MODULE = "modules/01-basics.yaml"
QUIZ = "quizzes/basics.yaml"
PRE, POST = "quizzes/pre-test.yaml", "quizzes/post-test.yaml"
SETTINGS = "modules/course.yaml"


def problems(root: Path, today: date | None = None) -> list[str]:
    try:
        load_course(root, today=today)
    except CourseError as exc:
        return [str(p) for p in exc.problems]
    return []


def line(root: Path, rel: str, needle: str, after: str | None = None) -> int:
    """The 1-based line of `needle` in a file (the first after `after`, if given)."""
    text = (root / rel).read_text(encoding="utf-8")
    start = text.index(after) if after else 0
    return text[: text.index(needle, start)].count("\n") + 1


@pytest.fixture
def data():
    return small_course.data()


def written(tmp_path: Path, data) -> Path:
    return small_course.write(tmp_path, data)


def test_the_small_course_passes_every_check(tmp_path, data):
    assert problems(written(tmp_path, data), today=date(2026, 12, 7)) == []


# --------------------------------------------------------------------------- review


def test_a_module_without_a_review_block_is_a_problem(tmp_path, data):
    del data[MODULE]["review"]
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:1: review: required field is missing (who reviewed the module, and when: see docs/authoring.md)"
    ]


def test_a_next_review_before_the_last_review_is_a_problem(tmp_path, data):
    data[MODULE]["review"]["next_review"] = "2026-01-01"
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:{line(root, MODULE, 'review:')}: review: next_review (2026-01-01) must come after "
        "last_reviewed (2026-12-07)"
    ]


def test_a_review_date_that_is_not_a_date_says_how_to_write_one(tmp_path, data):
    data[MODULE]["review"]["last_reviewed"] = "7 December 2026"
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:{line(root, MODULE, 'last_reviewed')}: review.last_reviewed: expected a date written as "
        "YYYY-MM-DD, e.g. 2027-12-07, got '7 December 2026'"
    ]


def review_check(root: Path, today: date) -> tuple[list[str], list[str]]:
    warnings: list[Problem] = []
    try:
        load_course(root, today=today, warnings=warnings)
        errors = []
    except CourseError as exc:
        errors = [str(p) for p in exc.problems]
    return errors, [str(w) for w in warnings]


def test_a_review_due_within_30_days_is_a_warning_not_an_error(tmp_path, data):
    root = written(tmp_path, data)
    at = line(root, MODULE, "next_review")
    assert review_check(root, date(2027, 11, 8)) == (
        [],
        [f"{MODULE}:{at}: review.next_review: review due: next_review is 2027-12-07, in 29 days"],
    )
    assert review_check(root, date(2027, 11, 6)) == ([], [])  # 31 days ahead: nothing yet


def test_a_review_overdue_within_the_grace_period_is_a_warning(tmp_path, data):
    root = written(tmp_path, data)
    errors, warnings = review_check(root, date(2028, 3, 6))  # 90 days past
    assert errors == []
    assert warnings == [
        f"{MODULE}:{line(root, MODULE, 'next_review')}: review.next_review: review overdue: next_review was "
        "2027-12-07, 90 days ago; after 90 days this is an error"
    ]


def test_a_review_more_than_90_days_overdue_is_an_error(tmp_path, data):
    root = written(tmp_path, data)
    errors, warnings = review_check(root, date(2028, 3, 7))  # 91 days past
    assert warnings == []
    assert errors == [
        f"{MODULE}:{line(root, MODULE, 'next_review')}: review.next_review: review overdue: next_review was "
        "2027-12-07, 91 days ago (more than the 90-day grace period); review the module, then update its "
        "review: block"
    ]


def test_the_app_loads_a_course_whose_review_is_overdue(tmp_path, data):
    """Without a date (as the app loads it), a date passing never takes the course offline."""
    data[MODULE]["review"].update(last_reviewed="2020-01-01", next_review="2021-01-01")
    assert problems(written(tmp_path, data)) == []


def test_validate_prints_review_warnings_and_passes(tmp_path, data, capsys):
    root = written(tmp_path, data)
    assert main(["validate", str(root), "--today", "2027-12-01"]) == 0
    out = capsys.readouterr().out
    assert f"warning: {MODULE}:{line(root, MODULE, 'next_review')}: review.next_review: review due" in out
    assert out.rstrip().endswith("ok: A small course 1.0: 1 modules, 4 sections, 14 questions")


def test_validate_fails_on_an_overdue_review(tmp_path, data, capsys):
    root = written(tmp_path, data)
    assert main(["validate", str(root), "--today", "2028-06-01"]) == 1
    assert "review overdue" in capsys.readouterr().out


def test_review_changes_shown_to_the_public_must_not_read_as_dosing(tmp_path, data):
    data[MODULE]["review"]["changes"] = ["We now say the dose is 56 mg."]
    root = written(tmp_path, data)
    assert any(
        p.startswith(f"{MODULE}:{line(root, MODULE, '- We now say')}: review.changes[0]: public text must not read")
        for p in problems(root)
    )


# --------------------------------------------------------------------------- public versions


DENSE = (
    "Characterise the pharmacological lineage of phencyclidine-derived dissociative anaesthetics "
    "and their neuropsychopharmacological mechanisms of antidepressant efficacy."
)


def test_a_technical_objective_with_a_plain_version_passes(tmp_path, data):
    assert data[MODULE]["objectives"][0]["plain"]  # the staff text is technical
    assert problems(written(tmp_path, data)) == []


def test_a_technical_objective_without_a_plain_version_is_a_problem_naming_the_fix(tmp_path, data):
    data[MODULE]["objectives"][1]["text"] = DENSE
    root = written(tmp_path, data)
    found = problems(root)
    assert len(found) == 1
    assert found[0].startswith(
        f"{MODULE}:{line(root, MODULE, 'Characterise', after='basics-mood')}: objectives[1].text:"
    )
    assert "the public track shows this text, which reads at grade" in found[0]
    assert found[0].endswith("; or add `plain:` with a public version")


def test_a_dense_plain_objective_is_a_problem(tmp_path, data):
    data[MODULE]["objectives"][0]["plain"] = DENSE
    found = problems(written(tmp_path, data))
    assert len(found) == 1 and ": objectives[0].plain: the public track shows this text" in found[0]


def test_a_dense_summary_without_a_plain_summary_is_a_problem(tmp_path, data):
    data[MODULE]["summary"] = DENSE
    found = problems(written(tmp_path, data))
    assert len(found) == 1 and ": summary: the public track shows this text" in found[0]
    assert found[0].endswith("`plain_summary:` with a public version")
    data[MODULE]["plain_summary"] = "Where the drug came from and how a clinic keeps you safe."
    assert problems(written(tmp_path, data)) == []


def test_staff_takeaways_may_hold_amounts_when_there_are_public_takeaways(tmp_path, data):
    data[MODULE]["takeaways"] = ["The label gives 56 mg or 84 mg by nasal spray."]
    root = written(tmp_path, data)
    assert any(": takeaways[0]: public text must not read as dosing" in p for p in problems(root))
    data[MODULE]["plain_takeaways"] = ["The dose is set by the label and your own doctor."]
    assert problems(written(tmp_path, data)) == []


def test_amounts_in_public_takeaways_are_a_problem(tmp_path, data):
    data[MODULE]["plain_takeaways"] = ["Most people get 56 mg."]
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:{line(root, MODULE, '- Most people get')}: plain_takeaways[0]: public text must not read as "
        "dosing instructions: remove '56 mg' (keep amounts and schedules in the staff text)"
    ]


def test_a_dense_figure_alt_text_without_a_public_version_is_a_problem(tmp_path, data):
    figure = data[MODULE]["sections"][0]["figures"][0]
    figure["alt"] = DENSE
    found = problems(written(tmp_path, data))
    assert len(found) == 1 and ": sections[0].figures[0].alt: the public track shows this text" in found[0]
    assert found[0].endswith("`plain_alt:` with a public version")
    figure["plain_alt"] = "A timeline: the drug was first made in 1962 and first tried for low mood in 2000."
    assert problems(written(tmp_path, data)) == []


def test_a_public_caption_must_not_read_as_dosing(tmp_path, data):
    data[MODULE]["sections"][0]["figures"][0]["plain_caption"] = "People got 0.5 mg/kg over forty minutes."
    found = problems(written(tmp_path, data))
    assert any(": sections[0].figures[0].plain_caption: public text must not read as dosing" in p for p in found)


def test_short_options_are_graded_together_and_reported_once(tmp_path, data):
    q = data[QUIZ]["questions"][3]
    q["options"][0]["text"] = "Pharmacological antidepressant efficacy"
    q["options"][1]["text"] = "Neuropsychological deterioration"
    root = written(tmp_path, data)
    found = problems(root)
    assert len(found) == 1
    assert found[0].startswith(f"{QUIZ}:{line(root, QUIZ, 'prompt:', after='id: q04')}: questions[3].prompt: ")
    assert "the short texts of question 'q04' the public track shows (questions[3].prompt, " in found[0]
    assert "questions[3].options[0].text, questions[3].options[0].feedback" in found[0]
    assert "read together, are at grade" in found[0]


def test_short_plain_options_pass(tmp_path, data):
    """The same question with everyday words: each option alone would grade oddly, together they read easily."""
    assert problems(written(tmp_path, data)) == []


def test_a_public_question_with_a_long_dense_explanation_is_a_problem(tmp_path, data):
    data[QUIZ]["questions"][0]["explanation"] = DENSE
    found = problems(written(tmp_path, data))
    assert len(found) == 1 and ": questions[0].explanation: the public track shows this text" in found[0]


def test_staff_only_questions_are_not_graded_for_reading_level(tmp_path, data):
    q = data[QUIZ]["questions"][0]
    q["explanation"] = DENSE
    q["tracks"] = ["staff"]
    data[QUIZ]["questions"].append(small_course._question(11, *small_course.QUESTIONS[0]))
    assert problems(written(tmp_path, data)) == []


# --------------------------------------------------------------------------- section


def test_a_public_question_without_a_section_is_a_problem(tmp_path, data):
    del data[QUIZ]["questions"][4]["section"]
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{QUIZ}:{line(root, QUIZ, 'id: q05')}: questions[4]: a question the public track sees names the section "
        "of module 'basics' it tests (section: <section id>), so a public learner can answer it from that "
        "section's plain text"
    ]


def test_a_staff_only_question_needs_no_section(tmp_path, data):
    q = data[QUIZ]["questions"][4]
    del q["section"]
    q["tracks"] = ["staff"]
    data[QUIZ]["questions"].append(small_course._question(11, *small_course.QUESTIONS[4]))
    assert problems(written(tmp_path, data)) == []


def test_a_section_that_is_not_in_the_module_is_a_problem(tmp_path, data):
    data[QUIZ]["questions"][4]["section"] = "moods"
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{QUIZ}:{line(root, QUIZ, 'section: moods')}: questions[4].section: module 'basics' has no section "
        "'moods' (its sections: start, mood, care, risks)"
    ]


def test_a_public_question_citing_a_section_without_plain_text_is_a_problem(tmp_path, data):
    del data[MODULE]["sections"][1]["plain"]
    root = written(tmp_path, data)
    found = problems(root)
    assert (
        f"{QUIZ}:{line(root, QUIZ, 'section: mood')}: questions[3].section: section 'mood' of module 'basics' "
        "has no plain text, so a public learner cannot learn the answer from it"
    ) in found


def test_a_course_wide_check_question_names_a_section_of_its_objectives_module(tmp_path, data):
    data[PRE]["questions"][0]["section"] = "nowhere"
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{PRE}:{line(root, PRE, 'section: nowhere')}: questions[0].section: module 'basics' has no section "
        "'nowhere' (its sections: start, mood, care, risks)"
    ]


def test_a_scenario_section_covers_its_questions(tmp_path, data):
    sub = small_course._question(11, *small_course.QUESTIONS[0])
    del sub["section"]
    data[QUIZ]["questions"].append(
        {"id": "s01", "type": "scenario", "title": "A visit", "case": "Sam goes to a clinic.", "questions": [sub]}
    )
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{QUIZ}:{line(root, QUIZ, 'id: q11')}: questions[10].questions[0]: a question the public track sees "
        "names the section of module 'basics' it tests (section: <section id>), so a public learner can answer "
        "it from that section's plain text"
    ]
    data[QUIZ]["questions"][-1]["section"] = "start"
    assert problems(written(tmp_path, data)) == []


# --------------------------------------------------------------------------- pairing


def test_a_final_check_question_without_pairs_with_is_a_problem(tmp_path, data):
    del data[POST]["questions"][1]["pairs_with"]
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{POST}:{line(root, POST, 'id: post-q2')}: questions[1]: a post-test question names the pre-test "
        "question it pairs with (pairs_with: <id in pre-test>)",
        f"{PRE}:{line(root, PRE, 'id: pre-q2')}: questions[1].id: no post-test question pairs with pre-test "
        "question 'pre-q2' (pairs_with: pre-q2)",
    ]


def test_pairs_with_an_unknown_question_is_a_problem(tmp_path, data):
    data[POST]["questions"][0]["pairs_with"] = "pre-q9"
    root = written(tmp_path, data)
    assert (
        f"{POST}:{line(root, POST, 'pairs_with: pre-q9')}: questions[0].pairs_with: the pre-test 'pre-test' has no question 'pre-q9'"
        in problems(root)
    )


def test_a_pair_must_test_the_same_objective(tmp_path, data):
    data[POST]["questions"][1]["objective"] = "basics-mood"
    data[POST]["questions"][1]["section"] = "mood"
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{POST}:{line(root, POST, 'pairs_with: pre-q2')}: questions[1].pairs_with: pairs with 'pre-q2', which "
        "tests objective 'basics-care', but this question tests 'basics-mood'; a pair tests the same objective"
    ]


def test_two_final_check_questions_cannot_pair_with_one(tmp_path, data):
    data[POST]["questions"][1]["pairs_with"] = "pre-q1"
    data[POST]["questions"][1]["objective"] = "basics-origins"
    root = written(tmp_path, data)
    first = line(root, POST, "pairs_with: pre-q1")
    assert problems(root) == [
        f"{POST}:{line(root, POST, 'pairs_with: pre-q1', after='post-q2')}: questions[1].pairs_with: pre-test "
        f"question 'pre-q1' is already paired by the question at {POST}:{first}; each pre-test question pairs "
        "with exactly one post-test question",
        f"{PRE}:{line(root, PRE, 'id: pre-q2')}: questions[1].id: no post-test question pairs with pre-test "
        "question 'pre-q2' (pairs_with: pre-q2)",
    ]


def test_pairs_with_on_a_start_check_question_is_a_problem(tmp_path, data):
    data[PRE]["questions"][0]["pairs_with"] = "pre-q2"
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{PRE}:{line(root, PRE, 'pairs_with')}: questions[0].pairs_with: pairs_with belongs on post-test "
        "questions only"
    ]


# --------------------------------------------------------------------------- crisis


def test_course_settings_without_crisis_services_are_a_problem(tmp_path, data):
    del data[SETTINGS]["crisis"]
    assert problems(written(tmp_path, data)) == [
        f"{SETTINGS}:1: crisis: required field is missing (the crisis services shown with the notice: "
        "see docs/authoring.md)"
    ]


def test_a_crisis_link_must_be_a_whole_web_address(tmp_path, data):
    data[SETTINGS]["crisis"]["services"][0]["url"] = "988lifeline.org"
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{SETTINGS}:{line(root, SETTINGS, 'url: 988lifeline.org')}: crisis.services[0].url: '988lifeline.org' is "
        "not a web address; write it in full, e.g. https://988lifeline.org"
    ]


def test_crisis_services_need_at_least_one_service(tmp_path, data):
    data[SETTINGS]["crisis"]["services"] = []
    root = written(tmp_path, data)
    assert problems(root) == [f"{SETTINGS}:{line(root, SETTINGS, 'services')}: crisis.services: needs at least 1 item"]


# --------------------------------------------------------------------------- voices


def voices(data) -> list[dict]:
    return data[MODULE]["sections"][1]["voices"]


def test_a_composite_voice_without_sources_is_a_problem(tmp_path, data):
    del voices(data)[0]["sources"]
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:{line(root, MODULE, 'id: relief-and-caution')}: sections[1].voices[0].sources: a composite account "
        "lists the module references it is built from (sources: [id, ...])"
    ]


def test_a_composite_voice_source_must_be_a_module_reference(tmp_path, data):
    voices(data)[0]["sources"] = ["lascelles2019"]
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:{line(root, MODULE, '- lascelles2019')}: sections[1].voices[0].sources[0]: reference "
        "'lascelles2019' is not in this module's references"
    ]


def test_a_real_account_without_consent_is_a_problem(tmp_path, data):
    del voices(data)[1]["consent"]
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:{line(root, MODULE, 'id: nurse-view')}: sections[1].voices[1].consent: a real person's account says "
        "how and when they gave consent, and for what use (consent: ...)"
    ]


def test_a_voice_the_public_sees_must_not_read_as_dosing(tmp_path, data):
    voices(data)[0]["text"] = "They gave me 0.5 mg/kg and I felt far away."
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:{line(root, MODULE, 'text: They gave me')}: sections[1].voices[0].text: public text must not "
        "read as dosing instructions: remove '0.5 mg/kg' (keep amounts and schedules in the staff text)"
    ]


def test_a_staff_only_voice_may_name_an_amount(tmp_path, data):
    voices(data)[1]["text"] = "I check the pump is set to 0.5 mg/kg before we start."
    assert problems(written(tmp_path, data)) == []


def test_a_voice_for_an_unknown_track_is_a_problem(tmp_path, data):
    voices(data)[1]["tracks"] = ["nurses"]
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:{line(root, MODULE, '- nurses')}: sections[1].voices[1].tracks[0]: no track has id 'nurses'"
    ]


def test_an_unknown_voice_kind_is_a_problem(tmp_path, data):
    voices(data)[0]["kind"] = "quote"
    root = written(tmp_path, data)
    assert problems(root) == [
        f"{MODULE}:{line(root, MODULE, 'kind: quote')}: sections[1].voices[0].kind: 'quote' is not allowed; "
        "expected 'composite' or 'account'"
    ]


def test_a_group_of_short_items_under_12_words_in_all_is_not_graded():
    from course.content_checks import readable_findings
    from course.loader import Source

    src = Source("modules/x.yaml", {}, {})
    dense = [(("options", 0, "text"), "Pharmacokinetics", None), (("options", 1, "text"), "Neuropsychiatry", None)]
    assert list(readable_findings(src, dense, "question 'q'")) == []  # two words: the formula means nothing
    assert list(readable_findings(src, dense * 6, "question 'q'"))  # twelve such words: it does


# --------------------------------------------------------------------------- what the public is shown


def test_the_public_deck_and_pack_read_the_public_versions(tmp_path, data):
    from course.export import build_pack, facilitator_pack_html
    from course.slides import build_slides

    data[MODULE]["plain_takeaways"] = ["A nurse stays with you the whole time."]
    data[MODULE]["sections"][0]["figures"][0]["plain_caption"] = "It was used in surgery first."
    course = load_course(written(tmp_path, data))
    public = {s.kind: s for s in build_slides(course, "basics", "public")}
    staff = {s.kind: s for s in build_slides(course, "basics", "staff")}
    assert "• Say where the drug came from." in public["objectives"].paragraphs
    assert any(p.startswith("• Characterise") for p in staff["objectives"].paragraphs)
    assert public["takeaways"].paragraphs == ("• A nurse stays with you the whole time.",)
    assert public["figure"].paragraphs == ("It was used in surgery first.",)
    assert staff["figure"].paragraphs == ("The drug was used in surgery long before it was tried for low mood.",)
    assert build_pack(course, "basics", "public").takeaways == ("A nurse stays with you the whole time.",)
    page = facilitator_pack_html(course, "basics", "public")
    assert "<strong>988 Suicide &amp; Crisis Lifeline</strong> (https://988lifeline.org): Call or text 988" in page
    assert "Outside United States: <strong>Find A Helpline (international directory of crisis lines)</strong> " in page
    assert "If someone discloses a crisis during the session</h2>" in page
    assert "<li>Ask directly: “Are you thinking about suicide?”" in page


def test_trainer_analysis_links_to_the_section_a_question_names(tmp_path, data):
    from course.analytics import question_section

    course = load_course(written(tmp_path, data))
    q = course.quizzes["basics"].questions[8]  # objective basics-care, section risks
    assert question_section(course, q) == ("basics", "risks")
