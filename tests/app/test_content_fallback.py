"""A typo in the content does not take the course offline in production: learners get the
last content that validated, trainers see the problems; in development everyone sees the
problems page, as before (issue 18, defect 9)."""

from __future__ import annotations

import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.app.test_walkthrough import APP, texts

TYPO = ("modules/01-history.yaml", "estimated_minutes: 20", "estimated_minutes: twenty")
PROBLEM = "modules/01-history.yaml:6: estimated_minutes: expected a whole number, got 'twenty'"


def serve_good_then_break(course_copy, monkeypatch, env: str) -> None:
    monkeypatch.setenv("COURSE_CONTENT_ROOT", str(course_copy.root))
    monkeypatch.setenv("COURSE_ENV", env)
    st.cache_resource.clear()
    good = AppTest.from_file(APP, default_timeout=60).run()  # the content validates: kept
    assert good.title[0].value != "The course content has problems"
    course_copy.replace(*TYPO)
    st.cache_resource.clear()  # what a restart does


def test_in_production_a_typo_leaves_learners_on_the_last_good_content(course_copy, monkeypatch, isolated_store):
    serve_good_then_break(course_copy, monkeypatch, "production")
    learner = AppTest.from_file(APP, default_timeout=60).run()
    assert not learner.exception
    assert learner.title[0].value != "The course content has problems"
    assert PROBLEM not in texts(learner)  # learners are not shown the authoring problems

    trainer = AppTest.from_file(APP, default_timeout=60)
    trainer.session_state["trainer"] = True
    trainer = trainer.run()
    assert any("the course content has 1 problem" in w.value for w in trainer.warning)
    assert PROBLEM in [t.value for t in trainer.text][0]


def test_in_development_a_typo_shows_everyone_the_problems(course_copy, monkeypatch, isolated_store):
    serve_good_then_break(course_copy, monkeypatch, "development")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "The course content has problems"
    assert PROBLEM in at.text[0].value
