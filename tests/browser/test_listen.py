"""Listen (issue 23): a module part or a question read aloud by the browser's own speech
synthesis, in Chromium under the course's real Content-Security-Policy.

Headless Chromium has no voices, and nothing here should make a sound: `speechSynthesis` is
replaced before the page loads by a recorder (`STUB`) that reports the voices a test gives it
and keeps the text, language and voice of every utterance the page asks it to speak."""

from __future__ import annotations

import json

import pytest

from tests.browser.a11y import FOCUS_VISIBLE_JS, audit, click
from tests.browser.conftest import start, wait_ready

PUBLIC = "Community and self-paced learning"

# `voices` is the browser's voice list (null: no speechSynthesis at all). `window.speech`
# records: spoken (each utterance's text, lang and voice name) and calls (speak, cancel,
# pause, resume, in order); `finish()` ends the utterances queued, as a voice reaching the
# end would.
STUB = """
(() => {
  const voices = %s;
  const speech = { spoken: [], calls: [] };
  window.speech = speech;
  if (voices === null) {
    Object.defineProperty(window, "speechSynthesis", { value: undefined, configurable: true });
    return;
  }
  let queue = [];
  const synth = {
    getVoices: () => voices,
    speak(u) { speech.calls.push("speak"); speech.spoken.push({ text: u.text, lang: u.lang, voice: u.voice && u.voice.name }); queue.push(u); },
    cancel() { speech.calls.push("cancel"); const q = queue; queue = []; q.forEach((u) => u.onerror && u.onerror({ error: "canceled" })); },
    pause() { speech.calls.push("pause"); },
    resume() { speech.calls.push("resume"); },
    addEventListener() {}, removeEventListener() {},
  };
  speech.finish = () => { const q = queue; queue = []; q.forEach((u) => u.onend && u.onend({})); };
  Object.defineProperty(window, "speechSynthesis", { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; this.lang = ""; this.voice = null; } };
})();
"""

US_ENGLISH = [
    # A voice on a speech service (not the device's own) is never used: the text would leave.
    {"name": "Service English", "lang": "en-US", "localService": False, "default": True},
    {"name": "Device British", "lang": "en-GB", "localService": True, "default": False},
    {"name": "Device American", "lang": "en_US", "localService": True, "default": False},
    {"name": "Device Mexican", "lang": "es-MX", "localService": True, "default": False},
]


@pytest.fixture
def listening(browser):
    """A page under the real policy (not bypassed), with the speech recorder installed and
    `voices` (set with `page.voices(...)` before the first load)."""
    contexts = []

    def make(voices):
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=False)
        context.add_init_script(STUB % json.dumps(voices))
        contexts.append(context)
        page = context.new_page()
        page.refused = []  # the policy's complaints in the console (there must be none)
        page.on("console", lambda m: page.refused.append(m.text) if "Content Security Policy" in m.text else None)
        return page

    yield make
    for context in contexts:
        context.close()


def turn_on_listen(page, server) -> None:
    """The learner turns on "Show Listen buttons" in Display settings."""
    page.goto(f"{server.url}/settings")
    wait_ready(page)
    page.get_by_text("Show Listen buttons", exact=False).click()
    click(page, "button", "Save settings")


def first_part(page, server, course):
    """Module 1's first part, opened by its link; returns the section."""
    module = course.modules[0]
    section = module.sections[0]
    page.goto(f"{server.url}/{module.id}?step={section.id}")
    wait_ready(page)
    page.get_by_role("heading", name=section.heading).wait_for()
    return section


def state(page, n: int = 0) -> str:
    return page.locator(".course-listen-state").nth(n).inner_text()


def tab_to(page, name: str, presses: int = 8) -> None:
    """Press Tab until the focus is on the button called `name` (fails if it never is)."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate("() => document.activeElement && document.activeElement.innerText")
        if focused == name:
            return
    raise AssertionError(f"Tab never reached {name!r} (last: {focused!r})")


def test_listen_is_off_by_default_and_nothing_is_drawn(listening, course_server, real_course):
    page = listening(US_ENGLISH)
    start(page, course_server, PUBLIC)
    first_part(page, course_server, real_course)
    assert page.get_by_role("button", name="Listen to this part").count() == 0
    assert page.locator(".course-listen-root").count() == 0
    assert page.evaluate("() => window.speech.calls") == []


def test_a_part_is_read_aloud_by_keyboard_with_pause_resume_and_stop(listening, course_server, real_course):
    page = listening(US_ENGLISH)
    start(page, course_server, PUBLIC)
    turn_on_listen(page, course_server)
    section = first_part(page, course_server, real_course)
    listen = page.get_by_role("button", name="Listen to this part")
    listen.wait_for()
    assert page.evaluate("() => window.speech.calls") == []  # never plays on its own
    assert page.get_by_role("button", name="Pause").count() == 0  # hidden until reading
    assert state(page) == ""  # the status region says nothing until the learner acts

    page.get_by_role("heading", name=section.heading).click()  # Tab goes on from the heading
    tab_to(page, "Listen to this part")
    assert page.evaluate(FOCUS_VISIBLE_JS)["ok"]
    page.keyboard.press("Enter")
    page.get_by_role("status").filter(has_text="Reading aloud…").wait_for()
    spoken = page.evaluate("() => window.speech.spoken")
    assert {s["lang"] for s in spoken} == {"en-US"}
    assert {s["voice"] for s in spoken} == {"Device American"}  # the device's own US voice
    text = " ".join(s["text"] for s in spoken)
    assert text.startswith(section.heading)
    assert "[@" not in text and "**" not in text  # what the learner sees, not its Markdown
    assert all(len(s["text"]) <= 220 for s in spoken)

    tab_to(page, "Pause", presses=1)
    assert page.evaluate(FOCUS_VISIBLE_JS)["ok"]
    page.keyboard.press("Enter")
    assert state(page) == "Paused"
    assert page.evaluate("() => document.activeElement.innerText") == "Resume"
    page.keyboard.press("Enter")
    assert state(page) == "Reading aloud…"
    tab_to(page, "Stop", presses=1)
    page.keyboard.press("Enter")
    assert state(page) == "Stopped"
    assert page.evaluate("() => window.speech.calls").count("pause") == 1
    assert page.evaluate("() => window.speech.calls")[-2:] == ["cancel", "resume"]
    assert page.get_by_role("button", name="Stop").count() == 0
    # Stop has gone: the focus is back on Listen, not lost to the page.
    assert page.evaluate("() => document.activeElement.innerText") == "Listen to this part"

    page.keyboard.press("Enter")
    assert state(page) == "Reading aloud…"
    assert audit(page, "module part, reading aloud") == []
    assert page.refused == []
    page.evaluate("() => window.speech.finish()")
    assert state(page) == "Finished reading"

    # Reading stops with the part: moving on to the next part cancels it.
    page.keyboard.press("Enter")
    assert state(page) == "Reading aloud…"
    click(page, "button", "Next:")
    assert page.evaluate("() => window.speech.calls")[-2:] == ["cancel", "resume"]


def test_questions_each_have_their_own_listen_and_one_stops_the_other(listening, course_server, real_course):
    page = listening(US_ENGLISH)
    start(page, course_server, PUBLIC)
    turn_on_listen(page, course_server)
    page.goto(f"{course_server.url}/start-check")
    wait_ready(page)
    second = page.get_by_role("button", name="Listen to question 2", exact=True)
    second.click()
    spoken = page.evaluate("() => window.speech.spoken")
    assert spoken[0]["text"].startswith("Question 2.")
    page.get_by_role("button", name="Listen to question 1", exact=True).click()
    assert state(page, 0) == "Reading aloud…"
    assert state(page, 1) == "Stopped"
    assert page.evaluate("() => window.speech.spoken")[len(spoken)]["text"].startswith("Question 1.")
    assert audit(page, "knowledge check with Listen buttons") == []
    assert page.refused == []


SPANISH = [
    {"name": "Service US Spanish", "lang": "es-US", "localService": False, "default": False},
    {"name": "Device Spain", "lang": "es_ES", "localService": True, "default": False},
    {"name": "Device Mexican", "lang": "es-MX", "localService": True, "default": False},
    {"name": "Device American", "lang": "en-US", "localService": True, "default": True},
]

# The control's own script, mounted as Streamlit mounts it, with the data the course gives it
# for a Spanish-speaking learner; its Listen button pressed; what it asked the browser to say.
MOUNT_AND_LISTEN = """async (data) => {
  const module = await import("/_stcore/bidi-components/course.listen/listen.js");
  const root = document.createElement("div");
  document.body.append(root);
  module.default({ data, parentElement: root });
  root.querySelector(".course-listen-start").click();
  return window.speech.spoken.at(-1);
}"""


@pytest.mark.parametrize(
    ("voices", "voice", "lang"),
    [(SPANISH, "Device Mexican", "es-MX"), (SPANISH[:2] + SPANISH[3:], "Device Spain", "es-ES")],
    ids=["us-then-mexican", "then-any-spanish"],
)
def test_spanish_is_read_by_a_spanish_voice_of_the_device(listening, course_server, real_course, voices, voice, lang):
    from course.ui.listen import data

    page = listening(voices)
    start(page, course_server, PUBLIC)
    turn_on_listen(page, course_server)
    first_part(page, course_server, real_course)  # the script is served once the control is drawn
    spoken = page.evaluate(MOUNT_AND_LISTEN, data("Hola. ¿Cómo está?", "Escuchar esta parte", "es"))
    # Never the online US Spanish voice, though its language comes first: only the device's own.
    assert spoken == {"text": "Hola. ¿Cómo está?", "lang": lang, "voice": voice}


@pytest.mark.parametrize("voices", [[{"name": "Device French", "lang": "fr-FR", "localService": True}], None])
def test_without_a_voice_for_the_language_listen_hides_and_says_why(listening, course_server, real_course, voices):
    page = listening(voices)
    start(page, course_server, PUBLIC)
    turn_on_listen(page, course_server)
    first_part(page, course_server, real_course)
    note = page.get_by_text("Your browser has no voice for this language, so Listen is not available.")
    note.wait_for()
    assert page.get_by_role("button", name="Listen to this part").count() == 0
    assert page.evaluate("() => window.speech.calls") == []
    # A page of questions says it once, not once per question.
    page.goto(f"{course_server.url}/start-check")
    wait_ready(page)
    note.first.wait_for()
    page.wait_for_timeout(2500)  # every control has given up waiting for voices
    assert page.locator(".course-listen-root").count() > 1
    assert page.locator(".course-listen-note:visible").count() == 1
    assert page.get_by_role("button", name="Listen to question 1").count() == 0
