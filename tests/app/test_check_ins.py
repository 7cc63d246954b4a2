"""AppTest: the start check records a knowledge score and survey, shown on My progress."""

from __future__ import annotations

import html
import re

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.test_walkthrough import APP, button, choose_track, fill, texts


def focus_targets(at: AppTest) -> list[str]:
    """Where this run's focus scripts send the focus (course/ui/nav.py)."""
    found = [re.search(r'data-target="([^"]*)"', h.proto.body) for h in at.get("html") if "data-focus" in h.proto.body]
    return [html.unescape(m.group(1)) for m in found if m]


def test_start_check_then_my_progress(real_course):
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = choose_track(at, "Community and self-paced learning")
    at = button(at, "Take the start check").click().run()
    assert at.title[0].value == "Before you start"
    pre = real_course.quizzes[real_course.settings.pre_test]
    items = pre.items("public")
    for _, q in items[:-1]:  # leave the last one unanswered first
        fill(at, f"q-{pre.id}-1-{q.id}", q)
    at = button(at, "Submit knowledge check").click().run()
    assert f"Still to answer: {len(items)}." in at.error[0].value
    last = items[-1][1]
    # The focus goes to the question left, not to the top of the page (WCAG 2.4.3).
    assert focus_targets(at) == [f".st-key-q-{pre.id}-1-{last.id} input, .st-key-qgroup-q-{pre.id}-1-{last.id} input"]
    fill(at, f"q-{pre.id}-1-{last.id}", last)
    at = button(at, "Submit knowledge check").click().run()
    assert f"You answered {len(items)} of {len(items)} correctly (100%)." in at.success[0].value
    assert focus_targets(at) == ["h2#knowledge-check"]  # the questions and their button are gone

    survey = real_course.surveys[real_course.settings.attitude_survey]
    for item in survey.items[1:]:
        at.radio(key=f"survey-{survey.id}-start-{item.id}").set_value(4)
    at = button(at, "Submit survey").click().run()
    assert "Still to answer: 1." in at.error[0].value
    assert focus_targets(at) == [f".st-key-survey-{survey.id}-start-{survey.items[0].id} input"]
    at.radio(key=f"survey-{survey.id}-start-{survey.items[0].id}").set_value(4)
    at = button(at, "Submit survey").click().run()
    assert "Done: thank you for your answers." in texts(at)
    assert focus_targets(at) == ["h2#attitude-survey"]

    at = button(at, "Back to the course map").click().run()
    at = button(at, "View my progress").click().run()
    page = texts(at)
    assert "Knowledge check: before **100%**, after **not taken yet**." in page
    themes = next(t.value for t in at.table if list(t.value.columns[:2]) == ["Theme", "Start (1 to 5)"])
    assert set(themes["Theme"]) == {i.theme for i in survey.items}
    # The learner's own charts come with their data tables.
    knowledge = next(t.value for t in at.table if "Knowledge check" in t.value.columns)
    assert list(knowledge["Score (%)"])[0] == 100
