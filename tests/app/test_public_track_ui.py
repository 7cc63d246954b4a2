"""Issue 19 in the app: crisis services with the notice, the module's review line, the public
versions of shared text on the public track, and voices with their attribution. The course is
the small one in tests/small_course.py, so what is asserted is known text."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from course.ui.state import CONTENT_ROOT_ENV
from tests import small_course

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
HARNESS = str(Path(__file__).with_name("presenter_harness.py"))
PUBLIC, STAFF = "Community and self-paced learning", "Clinic staff onboarding"
CRISIS_LINK = "[988 Suicide & Crisis Lifeline](https://988lifeline.org): Call or text 988, or chat online"
DIRECTORY_LINK = (
    "Outside United States: [Find A Helpline \\(international directory of crisis lines\\)](https://findahelpline.com)"
)
PLAIN_OBJECTIVE = "Say where the drug came from."
STAFF_OBJECTIVE = "Characterise the pharmacological lineage"


@pytest.fixture(autouse=True)
def small(tmp_path, monkeypatch):
    data = small_course.data()
    data["modules/01-basics.yaml"]["plain_summary"] = "Where the drug came from and how a clinic keeps you safe."
    root = small_course.write(tmp_path / "content", data)
    monkeypatch.setenv(CONTENT_ROOT_ENV, str(root))
    st.cache_resource.clear()
    return root


def texts(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "success", "warning", "error", "header", "subheader", "title")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


def button(at: AppTest, label_start: str):
    found = [b for b in at.button if b.label.startswith(label_start)]
    assert found, f"no button starting {label_start!r}; have {[b.label for b in at.button]}"
    return found[0]


def start(track: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio[0].set_value(track)
    return button(at, "Start the course").click().run()


def open_module(track: str) -> AppTest:
    at = start(track)
    return button(at, "Start: The basics").click().run()


def next_part(at: AppTest) -> AppTest:
    return at.button(key="next").click().run()


def notice_box(at: AppTest) -> str:
    found = [i.value for i in at.info if i.value.startswith("Education, not medical advice.")]
    assert len(found) == 1, [i.value for i in at.info]
    return found[0]


def test_home_shows_the_crisis_services_with_the_notice():
    at = AppTest.from_file(APP, default_timeout=60).run()
    box = notice_box(at)
    assert "**If you or someone you know is in crisis** (United States):" in box
    assert CRISIS_LINK in box
    assert "- **Emergency services**: Call 911 if someone is in immediate danger" in box
    assert DIRECTORY_LINK in box


def test_the_public_overview_shows_the_public_objective_summary_and_the_review():
    at = open_module(PUBLIC)
    shown = texts(at)
    assert CRISIS_LINK in notice_box(at)
    assert f"- {PLAIN_OBJECTIVE}" in shown
    assert STAFF_OBJECTIVE not in shown
    assert "Where the drug came from and how a clinic keeps you safe." in shown
    assert "Last reviewed 7 December 2026 (version 1.1)" in shown
    assert "- We added a part on how a nurse checks on you." in shown


def test_the_staff_overview_shows_the_staff_objective_and_summary():
    at = open_module(STAFF)
    shown = texts(at)
    assert STAFF_OBJECTIVE in shown
    assert PLAIN_OBJECTIVE not in shown
    assert "Where the drug came from, what it does for mood, and how a clinic keeps you safe." in shown
    assert "Last reviewed 7 December 2026 (version 1.1)" in shown


def test_the_public_course_map_shows_the_plain_summary():
    at = start(PUBLIC)
    assert "Where the drug came from and how a clinic keeps you safe." in texts(at)


def voices_on(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if 'class="course-voice"' in m.value]


def test_a_composite_voice_is_labelled_and_attributed_and_a_staff_only_account_stays_off_the_public_track():
    at = next_part(next_part(open_module(PUBLIC)))  # overview -> Where it began -> Help for low mood
    assert any(h.value == "Help for low mood" for h in at.header)
    shown = voices_on(at)
    assert len(shown) == 1
    voice = shown[0]
    assert '<figure class="course-voice" aria-label="Composite account"' in voice
    assert "<strong>Composite account</strong>" in voice
    assert "<blockquote" in voice and "<p>The first time, I felt far away." in voice
    assert (
        "<figcaption" in voice
        and "A composite account written for this course from published interviews; not one real person." in voice
    )


def test_staff_see_a_real_account_labelled_in_their_own_words():
    at = next_part(next_part(open_module(STAFF)))
    shown = voices_on(at)
    assert len(shown) == 2
    assert "<strong>In their own words</strong>" in shown[1]
    assert "A nurse at the clinic, in her own words." in shown[1]


def test_the_quiz_page_shows_the_crisis_services():
    at = open_module(PUBLIC)
    while not [b for b in at.button if b.key == "to-quiz"]:
        at = next_part(at)
    at = at.button(key="to-quiz").click().run()
    assert at.title[0].value == "Quiz: the basics"
    assert CRISIS_LINK in notice_box(at)


def test_a_wrong_answer_names_the_part_to_read_again():
    at = open_module(PUBLIC)
    while not [b for b in at.button if b.key == "to-quiz"]:
        at = next_part(at)
    at = at.button(key="to-quiz").click().run()
    prefix = f"q-basics-public-{at.session_state['attempt-basics-public']}"
    for n in range(1, 11):
        at.radio(key=f"{prefix}-q{n:02d}").set_value("b" if n == 9 else "a")
    at = button(at, "Submit answers").click().run()
    feedback = [m.value for m in at.markdown if m.value.startswith("### Question")]
    assert "**Read again:** the part “Risks” of this module." in feedback[8]
    assert "Read again" not in feedback[0]  # answered right


def test_the_join_page_shows_the_notice_and_the_crisis_services():
    at = AppTest.from_file(HARNESS, default_timeout=30)
    at.session_state["harness-page"] = "join"
    at.run()
    assert at.title[0].value == "Join the session"
    # Not an alert: the page's one alert is its live status region (tests/app/test_presenter.py).
    (box,) = [m.value for m in at.markdown if "Education, not medical advice." in m.value]
    assert box.startswith(":material/health_and_safety: Education, not medical advice.")
    assert CRISIS_LINK in box and DIRECTORY_LINK in box


def test_a_figure_on_the_public_track_has_its_public_caption_and_on_staff_the_staff_one(small):
    data = small_course.data()
    data["modules/01-basics.yaml"]["sections"][0]["figures"][0]["plain_caption"] = "It was used in surgery first."
    small_course.write(small, data)
    st.cache_resource.clear()
    public = next_part(open_module(PUBLIC))
    assert "It was used in surgery first." in [c.value for c in public.caption]
    staff = next_part(open_module(STAFF))
    captions = [c.value for c in staff.caption]
    assert "The drug was used in surgery long before it was tried for low mood." in captions
    assert "It was used in surgery first." not in captions
