"""The shipped course meets the content standard (issue: seven cited, two-level modules;
issue 19: modules added after them, some for one track only)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from course.content_checks import MAX_PLAIN_GRADE, dose_findings, reading_grade, stigma_findings
from course.schema import CITATION_MARK, Scenario
from course.stats import markdown_table

ROOT = Path(__file__).resolve().parents[2]
# The seven modules every track opens with, in this order.
CORE_ORDER = ["history", "nmda-mechanism", "routes", "protocols", "safety", "ethics", "access-stigma"]
# Every module course.yaml names, read as written (not through the loader) so that each one is
# checked against the standard below, however many modules are added.
MODULE_ORDER = yaml.safe_load((ROOT / "modules" / "course.yaml").read_text(encoding="utf-8"))["modules"]
# Modules written for clinic staff only: the public track must not include them.
STAFF_ONLY = ["onboarding"]


def test_the_seven_core_modules_come_first_in_course_order_on_every_track(real_course):
    ids = [m.id for m in real_course.modules]
    assert ids == MODULE_ORDER
    assert ids[: len(CORE_ORDER)] == CORE_ORDER
    for track in real_course.settings.tracks:
        assert track.modules[: len(CORE_ORDER)] == CORE_ORDER
        assert track.modules == [m for m in ids if m in track.modules], f"{track.id} is not in course order"


def test_the_staff_track_has_every_module_and_the_public_track_no_staff_only_module(real_course):
    ids = [m.id for m in real_course.modules]
    assert real_course.track("staff").modules == ids
    public = real_course.track("public").modules
    assert public == [m for m in ids if m not in STAFF_ONLY]


def test_questions_of_a_module_off_the_public_track_are_marked_staff_only(real_course):
    public = set(real_course.track("public").modules)
    for m in real_course.modules:
        if m.id not in public:
            for q in real_course.quizzes[m.quiz].questions:
                assert q.tracks == ["staff"], f"{q.id}: its module is not on the public track"


def test_the_onboarding_module_says_it_is_education_that_defers_to_the_clinic(real_course):
    m = real_course.module("onboarding")
    opening = m.sections[0].body
    assert "This module is education, not a protocol." in opening
    assert "written emergency procedure" in opening and "prescriber's orders" in opening
    assert "it does not replace them" in m.takeaways[0]


def test_both_tracks_include_the_other_conditions_module(real_course):
    # Issue 19: the evidence beyond depression is for staff and public alike.
    for track in real_course.settings.tracks:
        assert "other-conditions" in track.modules


def test_notice_says_education_not_medical_advice(real_course):
    assert "Education, not medical advice" in real_course.settings.notice


@pytest.mark.parametrize("module_id", MODULE_ORDER)
def test_each_module_meets_the_structure_standard(real_course, module_id):
    m = real_course.module(module_id)
    assert 3 <= len(m.objectives) <= 5
    assert len(m.sections) >= 4
    assert m.takeaways and m.estimated_minutes > 0
    assert any(s.figures for s in m.sections)
    refs = {r.id for r in m.references}
    for s in m.sections:
        assert s.plain and s.speaker_notes, s.id
        assert s.references and set(s.references) <= refs
        assert set(CITATION_MARK.findall(s.body)) <= refs
        assert CITATION_MARK.search(s.body), f"{module_id}/{s.id}: staff text cites nothing"
        assert reading_grade(s.plain) <= MAX_PLAIN_GRADE, s.id
        assert not dose_findings(s.plain), s.id
        for text in (s.body, s.plain, s.speaker_notes):
            assert not stigma_findings(text), (s.id, stigma_findings(text))
        for f in s.figures:
            assert f.alt.strip() and f.caption.strip() and len(f.data) >= 2


@pytest.mark.parametrize("module_id", MODULE_ORDER)
def test_each_quiz_mixes_types_and_tests_every_objective_twice(real_course, module_id):
    m = real_course.module(module_id)
    quiz = real_course.quizzes[m.quiz]
    items = quiz.items()
    assert len(items) >= 10
    assert {q.type for _, q in items} == {"single", "multiple", "true_false", "ordering"}
    scenarios = [q for q in quiz.questions if isinstance(q, Scenario)]
    assert scenarios and all(sc.tracks == ["staff"] for sc in scenarios)
    objectives = {o.id for o in m.objectives}
    refs = {r.id for r in m.references}
    counts = {o: 0 for o in objectives}
    for _, q in items:
        assert q.objective in objectives and q.reference in refs and q.explanation
        counts[q.objective] += 1
    assert min(counts.values()) >= 2, counts


@pytest.mark.parametrize("module_id", MODULE_ORDER)
def test_public_track_questions_never_mention_amounts(real_course, module_id):
    quiz = real_course.quizzes[real_course.module(module_id).quiz]
    for _, q in quiz.items("public"):
        texts = [q.prompt, q.explanation]
        if q.type == "true_false":
            texts += [q.feedback_true, q.feedback_false]
        else:
            texts += [t for o in q.options for t in (o.text, o.feedback)]
        for t in texts:
            assert not dose_findings(t), (q.id, t)


def test_question_ids_are_unique_across_the_course(real_course):
    ids = [q.id for quiz in real_course.quizzes.values() for _, q in quiz.items()]
    assert len(ids) == len(set(ids))


def test_readme_content_table_is_current(real_course):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- content-table -->\n(.*?)<!-- /content-table -->", readme, re.S)
    assert block, "README.md needs the <!-- content-table --> block"
    assert block.group(1).strip() == markdown_table(real_course).strip(), (
        "run: python -m course stats --update-readme README.md"
    )
