"""The learner's language in the app: a `?lang=es` link, the browser's language, the choice on
Home and in Display settings (immediate, kept with the learner's record and in the address),
no progress lost by switching, the staff track's English-only content, and no interface
English left on the public Home in Spanish (tests/app/spanish.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from course.events import PASSED, Event, quiz_activity
from course.i18n import gettext_for
from course.translation import translate_course
from course.ui import language, state
from course.ui.i18n import LANG_KEY
from tests.app.spanish import english_left
from tests.app.test_walkthrough import APP, button
from tests.conftest import ROOT

PUBLIC, STAFF = "public", "staff"


def new_app(**query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    return at.run()


def choose(at: AppTest, track_id: str) -> AppTest:
    """Choose a track on Home in whatever language the page is in (track titles come from the
    course as the learner reads it)."""
    lang = at.session_state[LANG_KEY]
    course = translate_course(state.english_course(), ROOT, lang)
    title = next(t.title for t in course.settings.tracks if t.id == track_id)
    start = gettext_for(lang, "Start the course")
    next(r for r in at.radio if title in r.options).set_value(title)
    return button(at, start).click().run()


def english_parts(at: AppTest) -> list[str]:
    """The Markdown inside the page's containers marked English (`language.english`)."""
    found: list[str] = []

    def walk(node, inside: bool) -> None:
        for child in getattr(node, "children", {}).values():
            here = inside or language.ENGLISH_PART in str(getattr(getattr(child, "proto", None), "id", ""))
            if here and child.type == "markdown":
                found.append(child.value)
            walk(child, here)

    walk(at.main, False)
    return found


def switch(at: AppTest, where: str, name: str) -> AppTest:
    return at.selectbox(key=f"lang-choice-{where}").set_value(name).run()


def test_a_link_with_lang_es_opens_home_in_spanish_and_keeps_it_in_the_address():
    at = new_app(lang="es")
    assert not at.exception
    assert at.session_state[LANG_KEY] == "es"
    assert at.header[0].value == "Elija cómo quiere hacer el curso"
    assert [b.label for b in at.button][:2] == ["Opciones de pantalla", "Empezar el curso"]
    assert at.selectbox(key="lang-choice-home").value == "Español"
    assert at.query_params["lang"] == "es"


def test_the_browsers_language_chooses_for_a_new_visitor(monkeypatch):
    monkeypatch.setattr(language, "_browser_locale", lambda: "es-MX")
    assert new_app().header[0].value == "Elija cómo quiere hacer el curso"
    monkeypatch.setattr(language, "_browser_locale", lambda: "fr-FR")  # not offered: English
    assert new_app().header[0].value == "Choose how you want to take the course"


def test_no_interface_english_is_left_on_the_public_home_in_spanish():
    at = new_app(lang="es")
    assert english_left(at) == []  # the track form
    at = choose(at, PUBLIC)
    assert at.header[0].value.startswith("Su curso: ")
    assert english_left(at) == []  # the course map
    at = button(at, "Opciones de pantalla").click().run()
    assert at.title[0].value == "Opciones de pantalla"
    assert english_left(at) == []  # Display settings


def test_the_check_finds_english_the_page_left_untranslated():
    # The same page in English is full of the catalogue's English: the check is not blind.
    at = new_app(lang="en")
    assert "header.value: 'Choose how you want to take the course'" in english_left(at)
    assert any(found.startswith("button.label: 'Start the course'") for found in english_left(at))


def test_switching_language_keeps_the_learners_progress_and_is_saved_with_their_record(isolated_store):
    at = choose(new_app(lang="es"), PUBLIC)
    learner = at.session_state["learner"]
    course = state.english_course()
    first = course.track(PUBLIC).modules[0]
    db = state.store()
    assert db is not None
    db.append(
        Event(
            learner_id=learner.learner_id,
            verb=PASSED,
            activity=quiz_activity(first),
            track=PUBLIC,
            score=5,
            max_score=5,
            timestamp=datetime.now(UTC),
        )
    )
    total = len(course.track(PUBLIC).modules)
    at.run()
    assert at.get("progress")[0].proto.text == f"1 de {total} módulos aprobados"

    at = switch(at, "home", "English")
    assert at.session_state[LANG_KEY] == "en"
    assert at.header[0].value == "Your course: Community and self-paced learning"
    assert at.get("progress")[0].proto.text == f"1 of {total} modules passed"
    assert at.session_state["learner"].learner_id == learner.learner_id
    assert at.query_params["lang"] == "en"
    assert db.preferences(learner.learner_id)["lang"] == "en"

    # Another device, by the resume link: the saved language comes back with the progress.
    at = switch(at, "home", "Español")
    other = new_app(resume=learner.resume_code)
    assert other.session_state[LANG_KEY] == "es"
    assert other.get("progress")[0].proto.text == f"1 de {total} módulos aprobados"
    # A link that names the language wins over the saved one.
    assert new_app(resume=learner.resume_code, lang="en").session_state[LANG_KEY] == "en"


def test_a_language_chosen_before_a_track_goes_onto_the_new_record_and_survives_display_settings():
    at = switch(new_app(), "home", "Español")
    assert at.header[0].value == "Elija cómo quiere hacer el curso"
    at = button(at, "Opciones de pantalla").click().run()
    at.toggle[0].set_value(True)  # high contrast
    at = button(at, "Guardar las opciones").click().run()
    assert at.success[0].value == "Opciones guardadas."
    learner = at.session_state["learner"]
    assert state.store().preferences(learner.learner_id) == {
        "high_contrast": True,
        "lang": "es",
        "listen": False,  # the read-aloud setting (off by default) is saved with them
        "readable_font": False,
        "reduced_motion": False,
        "text_size": 100,
    }
    at = switch(at, "settings", "English")  # from Display settings, at once
    assert at.title[0].value == "Display settings"
    assert state.store().preferences(learner.learner_id)["lang"] == "en"


def test_a_staff_learner_reading_spanish_is_told_their_track_is_english_and_its_content_says_so():
    at = switch(choose(new_app(), STAFF), "home", "Español")
    assert "El itinerario para el personal de la clínica solo está disponible en inglés" in " ".join(
        i.value for i in at.info
    )
    english = state.english_course()
    first = english.track(STAFF).modules[0]
    title = english.module(first).title
    # The staff track's module titles and summaries stay English, each in a part marked so.
    assert f"### 1. {title}" in "\n".join(english_parts(at))
    assert not any("Sin empezar" in text for text in english_parts(at))  # the status is Spanish, outside
    html = "\n".join(h.proto.body for h in at.get("html"))
    assert 'data-lang="es"' in html  # the running page is told its language


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_page_tells_the_running_document_its_language_once(lang):
    at = new_app(lang=lang)
    scripts = [h.proto.body for h in at.get("html") if "data-lang=" in h.proto.body]
    assert scripts == [language.lang_script(lang)]
    at.run()  # a rerun in the same language sends nothing more
    assert not [h for h in at.get("html") if "data-lang=" in h.proto.body]


def cookie_scripts(at: AppTest) -> list[str]:
    """The languages this run asked the server to put in the language cookie."""
    from course.ui.signing import read_cookie_token

    found = []
    for h in at.get("html"):
        if 'data-token="' in h.proto.body and "/api/course/cookie" in h.proto.body:
            token = h.proto.body.split('data-token="')[1].split('"')[0]
            parsed = read_cookie_token(token)
            if parsed and parsed[0] == language.COOKIE:
                found.append(parsed[1])
    return found


def test_each_choice_asks_for_the_language_cookie_even_back_to_the_one_the_tab_opened_with():
    at = new_app()
    assert cookie_scripts(at) == []  # nothing chosen: no cookie
    at = switch(at, "home", "Español")
    assert cookie_scripts(at) == ["es"]
    at = switch(at, "home", "English")
    assert cookie_scripts(at) == ["en"]
    at = switch(at, "home", "Español")
    assert cookie_scripts(at) == ["es"]


def test_a_visitor_reading_spanish_sees_only_the_translated_modules_in_the_menu(real_course):
    from tests.app.test_walkthrough import menu

    english = menu(new_app())
    spanish = menu(new_app(lang="es"))
    public = real_course.track_modules("public")
    assert len(english) == len(real_course.modules)  # before a track: every module, English titles
    assert len(spanish) == len(public)  # the staff-only module (English only) is not listed
    assert not any(m.title in entry for m in real_course.modules for entry in spanish)
    assert spanish[0].startswith("1. Historia")
