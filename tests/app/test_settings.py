"""Display settings apply on every page and come back with the learner's record."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.app.test_walkthrough import APP, button, choose_track


def page_css(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def test_settings_apply_everywhere_and_follow_the_resume_link():
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Community and self-paced learning")
    code = at.session_state["learner"].resume_code
    assert "font-size: 150%" not in page_css(at)

    at = button(at, "Display settings").click().run()
    assert at.title[0].value == "Display settings"
    at.select_slider[0].set_value(150)
    at.toggle[0].set_value(True)  # high contrast
    at = button(at, "Save settings").click().run()
    assert at.success[0].value == "Settings saved."
    assert "font-size: 150%" in page_css(at) and "#00209F" in page_css(at)

    # Another device: the resume link brings the settings back, on every page.
    other = AppTest.from_file(APP, default_timeout=60)
    other.query_params["resume"] = code
    other.run()
    assert "font-size: 150%" in page_css(other)
    other = button(other, "View my progress").click().run()
    assert "font-size: 150%" in page_css(other)


def test_settings_chosen_before_a_track_stay_with_the_same_learner():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at = button(at, "Display settings").click().run()
    at.toggle[2].set_value(True)  # readable font
    at = button(at, "Save settings").click().run()
    assert at.success[0].value == "Settings saved."
    at = button(at, "Back to the course").click().run()
    at = choose_track(at, "Community and self-paced learning")
    from course.ui import state

    learner = at.session_state["learner"]
    assert state.store().preferences(learner.learner_id)["readable_font"] is True
