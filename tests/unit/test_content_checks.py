"""Editorial checks: stigmatising language, dosing on the public track, reading level, coverage."""

from __future__ import annotations

import gc

import pytest

from course import language_checks
from course.content_checks import dose_findings, plain_text, reading_grade, stigma_findings
from course.loader import CourseError, load_course

MODULE = "modules/01-history.yaml"
QUIZ = "quizzes/history.yaml"


@pytest.mark.parametrize(
    ("text", "term", "suggestion_part"),
    [
        ("He is an addict.", "addict", "person with a substance use disorder"),
        ("Staff called him a junkie.", "junkie", "person who uses drugs"),
        ("She committed suicide last year.", "committed suicide", "died by suicide"),
        ("The urine was clean today.", None, None),
        ("He had a dirty urine screen.", "dirty urine", "'negative' or 'positive' test result"),
        ("He tested clean on Monday.", "tested clean", "'negative' or 'positive' test result"),
        ("That idea is crazy.", "crazy", "respectful description"),
        ("Drug abuse is common.", "Drug abuse", "substance use"),
        ("Wash your hands so they are clean.", None, None),
    ],
)
def test_stigmatising_terms_are_flagged_with_an_alternative(text, term, suggestion_part):
    found = stigma_findings(text)
    if term is None:
        assert found == []
    else:
        assert found[0][0] == term and suggestion_part in found[0][1]


def test_a_quoted_term_is_a_mention_not_a_use():
    assert stigma_findings('The label "substance abuser" made clinicians more punitive.') == []


def test_apostrophes_do_not_hide_a_term():
    assert stigma_findings("Don't call him an addict, it's unkind.")[0][0] == "addict"


@pytest.mark.parametrize("text", ["0.5 mg/kg over 40 minutes", "a 56 mg dose", "84mg twice weekly", "2 ml spray"])
def test_amounts_are_found(text):
    assert dose_findings(text)


def test_percentages_and_years_are_not_amounts():
    assert dose_findings("About 48% reaches the blood; approved in 2019 after 40 minutes.") == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("At first, people come twice a week.", "twice a week"),
        ("then weekly or every-other-week maintenance", "every-other-week"),
        ("twice-weekly sessions at first", "twice-weekly"),
        ("one session every 2 weeks", "every 2 weeks"),
        ("Three times per week for two weeks", "Three times per week"),
        ("taken once daily", "once daily"),
    ],
)
def test_schedules_are_found(text, found):
    assert dose_findings(text) == [found]


def test_words_about_visits_without_a_schedule_are_not_found():
    text = "In the first month, visits are close together; later, people come less often. Every day counts."
    assert dose_findings(text) == []


def test_plain_text_drops_markup_and_citations():
    assert plain_text("**Bold** claim [@ref1].\n- item [link](http://x)") == "Bold claim . item link"


def test_reading_grade_separates_simple_from_dense_text():
    simple = "The cat sat on the mat. It was a good day. We had fun."
    dense = (
        "Pharmacokinetic heterogeneity substantially complicates interpretation of bioavailability "
        "estimates derived from non-intravenous administration pathways in heterogeneous populations."
    )
    assert reading_grade(simple) < 4 < 16 < reading_grade(dense)


@pytest.mark.parametrize("collecting", [True, False])
def test_loading_the_reading_level_dictionaries_leaves_the_garbage_collector_as_it_was(monkeypatch, collecting):
    # The word lists load with the collector paused (language_checks.load_dictionaries); a
    # collector left off would let memory grow for the life of the app.
    monkeypatch.setattr(language_checks, "_dictionaries_loaded", False)
    was = gc.isenabled()
    try:
        (gc.enable if collecting else gc.disable)()
        assert reading_grade("The cat sat on the mat. It was a good day.") < 4
        assert gc.isenabled() is collecting
        assert language_checks._dictionaries_loaded
    finally:
        (gc.enable if was else gc.disable)()


def errors(course_copy) -> list[str]:
    with pytest.raises(CourseError) as info:
        load_course(course_copy.root)
    return [str(p) for p in info.value.problems]


def key_line_before(course_copy, rel: str, needle: str, key: str) -> int:
    """Line of the nearest `key` above `needle`: where the loader reports a block's problems."""
    text = course_copy.text(rel)
    return text[: text.rindex(key, 0, text.index(needle))].count("\n") + 1


def test_stigmatising_term_in_a_module_is_a_problem_with_its_line(course_copy):
    course_copy.replace(
        MODULE,
        "Some people also began to use ketamine outside of medical care",
        "Some addicts also began to use ketamine outside of medical care",
    )
    line = key_line_before(course_copy, MODULE, "Some addicts", "    plain: |")
    assert errors(course_copy) == [
        f"{MODULE}:{line}: sections[1].plain: stigmatising term 'addicts': use person with a substance use disorder"
    ]


def test_dose_in_plain_language_text_is_a_problem(course_copy):
    course_copy.replace(
        MODULE, "Many people felt better within a few days", "Many people felt better within a few days after 0.5 mg/kg"
    )
    line = key_line_before(course_copy, MODULE, "after 0.5 mg/kg", "    plain: |")
    assert errors(course_copy) == [
        f"{MODULE}:{line}: sections[2].plain: public text must not read as dosing instructions: "
        "remove '0.5 mg/kg' (keep amounts and schedules in the staff text)"
    ]


def test_dose_in_a_question_the_public_sees_is_a_problem(course_copy):
    course_copy.replace(QUIZ, "prompt: Why did Parke-Davis develop", "prompt: At 2 mg, why did Parke-Davis develop")
    found = errors(course_copy)
    assert found == [
        f"{QUIZ}:{course_copy.line_of(QUIZ, 'prompt: At 2 mg')}: questions[0].prompt: "
        "public text must not read as dosing instructions: remove '2 mg' (keep amounts and schedules in the staff text)"
    ]


def test_two_dollar_signs_in_a_question_label_are_a_problem(course_copy):
    # Streamlit would draw "$5 or $10" in a radio label as maths; one $ is fine.
    course_copy.replace(
        QUIZ, "prompt: Why did Parke-Davis develop", "prompt: Costing $5 or $10, why did Parke-Davis develop"
    )
    assert errors(course_copy) == [
        f"{QUIZ}:{course_copy.line_of(QUIZ, 'prompt: Costing')}: questions[0].prompt: "
        "a question or option label can hold only one $ sign (two are drawn as maths)"
    ]


def test_dense_plain_language_text_is_a_problem(course_copy):
    course_copy.replace(
        MODULE,
        "These small studies led to bigger ones.",
        "These comparatively underpowered investigations subsequently precipitated substantially "
        "larger multicentre randomised evaluations incorporating heterogeneous populations.",
    )
    found = errors(course_copy)
    assert len(found) == 1 and "sections[2].plain: plain-language text reads at grade" in found[0]
    assert "keep it at grade 8 or below" in found[0]


def test_objective_tested_by_fewer_than_two_questions_is_a_problem(course_copy):
    course_copy.replace(
        QUIZ,
        "    objective: history-depression\n    reference: zarate2006",
        "    objective: history-origins\n    reference: zarate2006",
    )
    course_copy.replace(
        QUIZ,
        "    objective: history-depression\n    reference: spravato-pi",
        "    objective: history-origins\n    reference: spravato-pi",
    )
    found = errors(course_copy)
    assert len(found) == 1
    assert found[0].endswith(
        "objectives[2].id: objective 'history-depression' is tested by 1 question(s); every objective needs at least 2"
    )


def test_section_without_references_is_a_problem(course_copy):
    course_copy.replace(MODULE, "    references: [berman2000, zarate2006]", "    references: []")
    found = errors(course_copy)
    assert found == [
        f"{MODULE}:{course_copy.line_of(MODULE, '    references: []')}: sections[2].references: every section cites at least one reference"
    ]


def test_one_reference_id_cited_two_ways_is_a_problem_at_the_second(tmp_path):
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for folder in ("modules", "quizzes"):
        shutil.copytree(root / folder, tmp_path / folder)
    later = tmp_path / "modules/07-access-stigma.yaml"
    text = later.read_text(encoding="utf-8")
    text = text.replace("Addiction. 2010;105(1):121-133.", "Addiction. 2010;105:121-133.")
    start = text.index("  - id: morgan2010")
    text = text[:start] + text[start:].replace("    url: https://doi.org/10.1111/j.1360-0443.2009.02761.x\n", "", 1)
    later.write_text(text, encoding="utf-8")
    line = text[:start].count("\n") + 1
    index = text[text.index("\nreferences:") : start].count("  - id: ")
    first = (tmp_path / "modules/05-safety.yaml").read_text(encoding="utf-8")
    first_line = first[: first.index("  - id: morgan2010")].count("\n") + 1
    rule = "a reference id names one source, so give it the same wording everywhere"
    with pytest.raises(CourseError) as caught:
        load_course(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"modules/07-access-stigma.yaml:{line}: references[{index}].url: reference 'morgan2010' has a "
        f"different url in modules/05-safety.yaml:{first_line}; {rule}",  # no url: the reference's own line
        f"modules/07-access-stigma.yaml:{line + 1}: references[{index}].citation: reference 'morgan2010' has a "
        f"different citation in modules/05-safety.yaml:{first_line}; {rule}",
    ]
