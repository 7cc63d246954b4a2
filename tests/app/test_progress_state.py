"""My progress shows the learner's state as it is now, after every change: its tables are kept
per distinct rows and shared by every session (course/ui/chart_view.py `rows_table`), so a
change must give a new table, and another learner never sees this one's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.test_walkthrough import APP, answer, button, choose_track


@pytest.fixture
def app() -> AppTest:
    st.cache_resource.clear()
    return AppTest.from_file(APP, default_timeout=60).run()


def _module_row(at: AppTest) -> dict:
    table = next(t.value for t in at.table if "Quiz attempts" in t.value.columns)
    return table.iloc[0].to_dict()


def test_my_progress_shows_the_new_attempt_and_status_after_each_quiz(app, real_course):
    first = real_course.track("staff").modules[0]
    quiz = real_course.quizzes[real_course.module(first).quiz]
    q1 = quiz.items("staff")[0][1]
    wrong = next(o.id for o in q1.options if o.id != q1.answer)
    total = len(quiz.items("staff"))

    at = choose_track(app, "Clinic staff onboarding")
    at = button(at, "View my progress").click().run()
    before = _module_row(at)
    assert before["Quiz attempts"] == 0 and before["Best score"] == "–"

    # One wrong answer: the first attempt, passed with its score.
    at = button(at, "Start: ").click().run()
    while not any(b.key == "to-quiz" for b in at.button):
        at = at.button(key="next").click().run()
    at = at.button(key="to-quiz").click().run()
    at = answer(at, real_course, first, "staff", wrong={q1.id: wrong})
    at = button(at, "Course map").click().run()
    at = button(at, "View my progress").click().run()
    after = _module_row(at)
    assert after["Quiz attempts"] == 1
    assert after["Status"] == "Passed"
    assert after["Best score"] == f"{100 * (total - 1) / total:.0f}%"

    # A second learner in another browser, at the start: their own row, not the first one's.
    other = AppTest.from_file(APP, default_timeout=60).run()
    other = choose_track(other, "Clinic staff onboarding")
    other = button(other, "View my progress").click().run()
    assert _module_row(other) == before


def _due(at: AppTest) -> int:
    """The number in My progress's (or the course map's) refresher line; 0 when there is none."""
    import re

    for m in at.markdown:
        found = re.search(r"\*\*(\d+)\*\* questions? (is|are) due for a refresher", m.value)
        if found:
            return int(found[1])
    return 0


def test_the_refresher_line_counts_again_after_refresher_answers_and_as_time_passes(app, real_course):
    # The schedule behind the line is kept for the session until the record changes.
    from datetime import timedelta

    from course.ui.state import NOW_KEY
    from tests.app.test_walkthrough import go, open_quiz, submit_refresher

    first = real_course.track("staff").modules[0]
    at = choose_track(app, "Clinic staff onboarding")
    at = open_quiz(button(at, "Start: ").click().run())
    at = answer(at, real_course, first, "staff")
    at = go(at, "progress")
    assert _due(at) == 0  # nothing is due right after passing

    at.session_state[NOW_KEY] = datetime.now(UTC) + timedelta(days=300)
    at = at.run()
    due = _due(at)
    assert due > 0  # the time moved on, the record did not: the same schedule, now due

    at = button(at, "Refresh what you learnt").click().run()
    qids = at.session_state["refresher-set"][1]
    at = submit_refresher(at, real_course, first, "staff")
    at = go(at, "progress")
    assert _due(at) == due - len(qids)  # the questions just answered right are no longer due
