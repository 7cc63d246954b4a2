"""Listen (issue 23): "Show Listen buttons" is a display setting like the others (off until
chosen, saved with the learner's record), and the control reads in the learner's language."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from course.ui.i18n import LANG_KEY
from tests.app.test_walkthrough import APP, button, choose_track


def listen_controls(at: AppTest) -> list[dict]:
    """The data of each Listen control drawn on the page."""
    return [json.loads(e.proto.json) for e in at.get("bidi_component") if e.proto.component_name == "course.listen"]


def first_part(at: AppTest) -> AppTest:
    """From Home, module 1's first part (Start or Continue, then Next from the overview)."""
    # In the page's language: Home's "Start:" is "Empezar:" in Spanish; Next is found by its key.
    starts = ("Start:", "Continue:", "Empezar:", "Continuar:")
    at = next(b for b in at.button if b.label.startswith(starts)).click().run()
    if at.query_params.get("step") in (None, "overview", ["overview"]):
        at = at.button(key="next").click().run()
    return at


def resumed(code: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["resume"] = code
    return at.run()


def test_listen_buttons_are_off_until_chosen_and_come_back_with_the_resume_link():
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Community and self-paced learning")
    code = at.session_state["learner"].resume_code
    at = button(at, "Display settings").click().run()
    assert next(t for t in at.toggle if t.label.startswith("Show Listen buttons")).value is False
    at = button(at, "Back to the course").click().run()
    assert listen_controls(first_part(at)) == []

    at = button(resumed(code), "Display settings").click().run()
    next(t for t in at.toggle if t.label.startswith("Show Listen buttons")).set_value(True)
    at = button(at, "Save settings").click().run()
    assert at.success[0].value == "Settings saved."

    # Another device: the resume link brings the setting back.
    other = first_part(resumed(code))
    [control] = listen_controls(other)
    assert control["listen"] == "Listen to this part"
    assert control["voices"] == ["en-US", "en"]
    assert control["chunks"][0] == other.header[0].value + "."  # the part's heading first


def test_a_spanish_learner_hears_spanish_and_sees_the_control_in_spanish():
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Community and self-paced learning")
    at = button(at, "Display settings").click().run()
    next(t for t in at.toggle if t.label.startswith("Show Listen buttons")).set_value(True)
    at = button(at, "Save settings").click().run()
    at.session_state[LANG_KEY] = "es"
    at = button(at, "Back to the course").click().run()
    [control] = listen_controls(first_part(at))
    assert control["voices"] == ["es-US", "es-MX", "es"]
    assert control["listen"] == "Escuchar esta parte"
    assert control["labels"]["reading"] == "Leyendo en voz alta…"
    assert control["labels"]["unavailable"].startswith("Su navegador no tiene una voz para este idioma")


def test_english_staff_text_on_a_spanish_page_is_read_with_an_english_voice():
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Clinic staff onboarding")
    at = button(at, "Display settings").click().run()
    next(t for t in at.toggle if t.label.startswith("Show Listen buttons")).set_value(True)
    at = button(at, "Save settings").click().run()
    at.session_state[LANG_KEY] = "es"
    at = button(at, "Back to the course").click().run()
    [control] = listen_controls(first_part(at))
    assert control["voices"] == ["en-US", "en"]  # the staff track is English only
    assert control["listen"] == "Escuchar esta parte"  # the page's own words stay Spanish
