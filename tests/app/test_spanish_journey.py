"""Issue 23 in the app: the public journey in Spanish, from a module part to My progress and the
check-ins. Each page shows its interface in Spanish (known strings asserted), and no text element
on it is one of the catalogue's English strings left untranslated.

The track is chosen on Home in English (Home's own words are tested with the language choice),
then the learner's language is set to Spanish: in the session (course.ui.i18n.LANG_KEY) and in
the address (`?lang=es`), the two ways a page knows it. Pages are then opened by their buttons'
keys, which stay the same in every language. Content shows in English where it has no Spanish
yet (the small course has none), so only interface strings are asserted here.
"""

from __future__ import annotations

import html
import json
import re
from functools import cache
from pathlib import Path

import pytest
import streamlit as st
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from course.i18n import catalogue_path
from course.ui.i18n import LANG_KEY
from course.ui.state import CONTENT_ROOT_ENV
from tests import small_course
from tests.app.spanish import english_left

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
PUBLIC = "Community and self-paced learning"
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "info", "success", "warning", "error")


@cache
def english_strings() -> frozenset[str]:
    """The catalogue's English strings that read differently in Spanish (or have no Spanish yet)
    and have no placeholder: a text element made of one of them alone is shown untranslated."""
    with catalogue_path("es").open("rb") as handle:
        catalogue = read_po(handle, locale="es")
    found = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for english, spanish in zip(ids, strings, strict=False):
            # An entry without its Spanish yet counts: its English is what a page would show.
            if english and "{" not in english and spanish != english:
                found.add(english)
    return frozenset(found)


def shown(at: AppTest) -> list[str]:
    """Every text a learner reads on the page: text elements, and the labels of its controls."""
    out = [str(e.value) for kind in TEXT_KINDS for e in getattr(at, kind)]
    for kind in ("button", "radio", "checkbox", "selectbox", "text_input", "toggle", "expander"):
        out += [str(getattr(e, "label", "")) for e in getattr(at, kind)]
    return [t for t in out if t]


def assert_no_english(at: AppTest) -> None:
    """No text element or control label is, as a whole, one of the catalogue's English strings."""
    left = sorted({t for t in shown(at) if t.strip("* ") in english_strings()})
    assert not left, f"English left on a Spanish page: {left}"
    # And no catalogue string inside a longer text, nor in the shape of one with placeholders.
    assert not english_left(at), f"English left on a Spanish page: {english_left(at)}"


def page_text(at: AppTest) -> str:
    return "\n".join(shown(at))


def in_spanish(at: AppTest) -> AppTest:
    at.session_state[LANG_KEY] = "es"
    at.query_params["lang"] = "es"
    return at


def start_public(tmp_path, monkeypatch, data) -> AppTest:
    root = small_course.write(tmp_path / "content", data)
    monkeypatch.setenv(CONTENT_ROOT_ENV, str(root))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio[0].set_value(PUBLIC)
    start = [b for b in at.button if b.label.startswith("Start the course")]
    return in_spanish(start[0].click().run())


def focus_targets(at: AppTest) -> list[str]:
    found = [re.search(r'data-target="([^"]*)"', h.proto.body) for h in at.get("html") if "data-focus" in h.proto.body]
    return [html.unescape(m.group(1)) for m in found if m]


def test_a_public_learner_reads_a_module_answers_a_check_and_the_quiz_and_sees_my_progress_in_spanish(
    tmp_path, monkeypatch
):
    at = start_public(tmp_path, monkeypatch, small_course.with_scenario())
    at = at.button(key="open-basics").click().run()

    # The module's overview.
    assert [h.value for h in at.header] == ["Introducción"]
    assert {"Lo que va a aprender", "En este módulo", "Casos prácticos"} <= {s.value for s in at.subheader}
    assert any(c.value.startswith("Unos 10 minutos · parte 1 de ") for c in at.caption)
    assert "Última revisión: 7 de diciembre de 2026 (versión 1.1)" in page_text(at)
    assert at.button(key="next").label == "Siguiente: Where it began"  # the heading is content: English
    assert_no_english(at)

    # A part with an inline check: answered in place, its feedback in Spanish.
    while not any(s.value == "Compruebe lo que entendió" for s in at.subheader):
        at = at.button(key="next").click().run()
    assert at.button(key="prev").label.startswith("Anterior: ")
    assert "Sin puntaje: una comprobación rápida para usted. Su respuesta queda guardada." in page_text(at)
    at = at.radio(key="check-basics-care-check").set_value("A nurse").run()
    assert at.success[0].value.startswith("**Correcto.** Yes. A nurse stays with you.")
    assert_no_english(at)

    # The practice scenario, a part of the module.
    played = False
    while not any(b.key == "to-quiz" for b in at.button):
        at = at.button(key="next").click().run()
        if any(s.value == "Paso 1: lo que pasa" for s in at.subheader):
            played = True
            assert "¿Qué hace usted?" in [s.value for s in at.subheader]
            assert any(c.value.startswith("Caso práctico · unos 3 minutos · ") for c in at.caption)
            assert_no_english(at)
    assert played, "the scenario's first step was shown on the way to the summary"
    assert at.button(key="to-quiz").label == "Hacer la prueba"
    assert [h.value for h in at.header] == ["Resumen"]
    assert "Ideas clave" in [s.value for s in at.subheader]

    # The quiz: instructions, each question's number and instruction, a refused submission.
    at = at.button(key="to-quiz").click().run()
    quiz_id = "basics"
    attempt = at.session_state[f"attempt-{quiz_id}-public"]
    prefix = f"q-{quiz_id}-public-{attempt}"
    assert "Preguntas" in [h.value for h in at.header]
    assert (
        "Responda todas las preguntas y luego pulse Enviar respuestas. Cada respuesta se guarda al elegirla, "
        "así que puede salir de esta página y terminar más tarde."
    ) in page_text(at)
    first = at.radio(key=f"{prefix}-q01")
    assert first.label.startswith("Pregunta 1. ") and first.label.endswith("\n\nElija una respuesta.")
    assert at.button(key=f"submit-{quiz_id}-public-{attempt}").label == "Enviar respuestas"
    assert_no_english(at)
    at = at.button(key=f"submit-{quiz_id}-public-{attempt}").click().run()
    assert "**No se envió.** Responda todas las preguntas antes de enviar. Falta responder: preguntas 1, " in page_text(
        at
    )

    # Answered and submitted: the result and the feedback in Spanish, the focus on the result
    # heading by the id it has in every language.
    for n in range(1, 11):
        at.radio(key=f"{prefix}-q{n:02d}").set_value("b" if n == 9 else "a")
    at = at.button(key=f"submit-{quiz_id}-public-{attempt}").click().run()
    assert "Su resultado" in [h.value for h in at.header]
    assert any(
        s.value.startswith("Aprobado. 9 de 10 correctas (90%). La nota para aprobar es 70%.") for s in at.success
    )
    feedback = [m.value for m in at.markdown if m.value.startswith("### Pregunta")]
    assert feedback[0].startswith("### Pregunta 1: :material/check_circle: Correcta")
    assert feedback[8].startswith("### Pregunta 9: :material/cancel: Incorrecta")
    assert (
        "**Respuesta correcta:** " in feedback[8]
        and "**Vuelva a leer:** la parte «Risks» de este módulo." in (feedback[8])
    )
    assert "Usted eligió «" in feedback[8]
    assert focus_targets(at) == ["h2#your-result"]
    assert_no_english(at)

    # My progress, from the course map.
    at = at.button(key="home-top").click().run()
    at = at.button(key="to-progress").click().run()
    assert at.title[0].value == "Mi progreso"
    headers = [h.value for h in at.header]
    assert {"Módulos", "Controles: desde que empezó", "Puntajes y tiempo", "Sus registros", "Cambiar de ruta"} <= set(
        headers
    )
    modules = next(t.value for t in at.table if "Módulo" in t.value.columns)
    assert list(modules.columns[:3]) == ["Módulo", "Estado", "Secciones leídas"]
    assert list(modules["Estado"]) == ["Aprobado"]
    assert "Todavía no hizo los controles. Están en las páginas Antes de empezar y Control final." in page_text(at)
    assert_no_english(at)

    # The refresher page: the passed module's questions come back later, on a Spanish date.
    from tests.app.test_walkthrough import go

    at = go(at, "refresh")
    assert at.title[0].value == "Repasar lo que aprendió"
    said = [s.value for s in at.success]
    assert len(said) == 1 and re.fullmatch(
        r"En este momento no hay nada para repasar\. La próxima toca el \d{1,2} de [a-z]+ de \d{4}\.", said[0]
    ), said
    assert_no_english(at)


def test_the_check_ins_are_in_spanish(real_course):
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio[0].set_value(PUBLIC)
    at = in_spanish([b for b in at.button if b.label.startswith("Start the course")][0].click().run())
    at = at.button(key="to-start-check").click().run()
    assert at.title[0].value == "Antes de empezar"
    assert [h.value for h in at.header][:2] == ["Prueba de conocimientos", "Encuesta de opiniones"]
    pre = real_course.quizzes[real_course.settings.pre_test]
    items = pre.items("public")
    first = next(q for _scenario, q in items if q.type in ("single", "true_false"))
    assert at.radio(key=f"q-{pre.id}-1-{first.id}").label.startswith("Pregunta ")
    survey = real_course.surveys[real_course.settings.attitude_survey]
    statement = at.radio(key=f"survey-{survey.id}-start-{survey.items[0].id}")
    assert statement.label.startswith("Frase 1. ")
    assert "\n\nElija una opción, de 1 (" in statement.label
    assert_no_english(at)

    # A knowledge check sent with a question left: refused, in Spanish.
    at = at.button(key=f"submit-check-{pre.id}").click().run()
    assert at.error[0].value.startswith("Responda todas las preguntas antes de enviar. Falta responder: 1, ")

    from tests.app.test_walkthrough import fill

    for _scenario, q in items:
        fill(at, f"q-{pre.id}-1-{q.id}", q)
    at = at.button(key=f"submit-check-{pre.id}").click().run()
    n = len(items)
    assert f"Gracias. Usted respondió bien {n} de {n} (100%)." in [s.value for s in at.success]
    assert focus_targets(at) == ["h2#knowledge-check"]  # the heading's id is the same in Spanish

    for item in survey.items:
        at.radio(key=f"survey-{survey.id}-start-{item.id}").set_value(4)
    at = at.button(key=f"submit-survey-{survey.id}-start").click().run()
    assert "Listo: gracias por sus respuestas." in [s.value for s in at.success]
    assert focus_targets(at) == ["h2#attitude-survey"]
    assert at.button(key="checks-home-start").label == "Volver al mapa del curso"
    assert_no_english(at)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_english_stays_the_default_and_spanish_is_only_shown_when_chosen(tmp_path, monkeypatch, lang):
    root = small_course.write(tmp_path / "content", small_course.data())
    monkeypatch.setenv(CONTENT_ROOT_ENV, str(root))
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio[0].set_value(PUBLIC)
    at = [b for b in at.button if b.label.startswith("Start the course")][0].click().run()
    if lang == "es":
        in_spanish(at)
    at = at.button(key="open-basics").click().run()
    assert [h.value for h in at.header] == (["Introducción"] if lang == "es" else ["Overview"])


def test_verify_says_a_certificate_is_valid_with_its_dates_in_spanish(real_course, isolated_store):
    from datetime import UTC, datetime, timedelta

    from course import certificates
    from course.records import open_store
    from course.ui.state import NOW_KEY
    from tests.app.test_walkthrough import go

    issued = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    store = open_store(isolated_store)
    secret = b"test-secret-for-certificates-0123456789"
    cert = certificates.issue(store, "learner-es", "Ana Pérez", real_course, 90, secret, issued, 12)
    page = AppTest.from_file(APP, default_timeout=60)
    page.session_state[NOW_KEY] = issued + timedelta(days=10)
    in_spanish(page)
    page = go(page.run(), "verify")
    assert page.title[0].value == "Verificar un certificado"
    page.text_input[0].set_value(cert.certificate_id)
    page = next(b for b in page.button if b.label == "Verificar").click().run()
    assert [s.value for s in page.success] == ["Este certificado es válido. Vence el 7 de diciembre de 2027."]
    table = page.table[0].value
    assert list(table.columns) == ["Nombre", "Curso", "Versión", "Emitido", "Válido hasta", "Estado"]
    assert table.iloc[0].tolist()[3:] == ["7 de diciembre de 2026", "7 de diciembre de 2027", "Válido"]
    assert_no_english(page)


def test_the_join_page_for_a_room_poll_is_in_spanish():
    at = AppTest.from_file(str(Path(__file__).with_name("presenter_harness.py")), default_timeout=30)
    at.session_state["harness-page"] = "join"
    in_spanish(at).run()
    assert at.title[0].value == "Unirse a la sesión"
    assert at.text_input[0].label == "Código de la sala"
    at.text_input[0].set_value("ZZZ-999")
    at = next(b for b in at.button if b.label == "Unirse").click().run()
    assert [e.value for e in at.error] == [
        "Este código de sala ya terminó o no existe. Pida el código actual a la persona que presenta."
    ]
    assert_no_english(at)


# --------------------------------------------------------------------------- a room in Spanish


def room_tab(page: str, code: str, *, spanish: bool) -> AppTest:
    """A projector or phone opened from the room's link: `?room=` and, for a Spanish room, `?lang=es`."""
    at = AppTest.from_file(str(Path(__file__).with_name("presenter_harness.py")), default_timeout=60)
    at.session_state["harness-page"] = page
    at.query_params["room"] = code
    if spanish:
        in_spanish(at)  # the app's first step reads the link's ?lang= into the session (language.settle)
    at = at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_public_room_presented_in_spanish_shows_its_slides_and_poll_in_spanish(real_course, isolated_store):
    from course.polls import poll_questions
    from course.records import open_store
    from course.slides import build_slides
    from course.translation import translate_course
    from tests.app.spanish import english_left
    from tests.app.test_presenter import MODULE, no_errors, tab
    from tests.app.test_presenter import page_text as room_text
    from tests.conftest import ROOT

    spanish = translate_course(real_course, ROOT, "es")
    deck = build_slides(spanish, MODULE, "public", lang="es")
    assert len(deck) != len(build_slides(real_course, MODULE, "public")), "the two decks differ: one language for all"

    # The presenter chooses the room's language; the page itself stays English (staff).
    at = tab("presenter", trainer=True)
    assert at.selectbox(key="present-lang").label == "Language of the slides and polls"
    assert at.selectbox(key="present-lang").value == "en"  # English unless chosen
    at.selectbox(key="present-module").set_value(MODULE)
    at.radio(key="present-audience").set_value("public")
    at.selectbox(key="present-lang").set_value("es")
    at = no_errors(at.button(key="start").click().run())
    code = at.session_state["presenter-room"]
    text = room_text(at)
    assert f"/audience?room={code}&lang=es" in text and f"/join?room={code}&lang=es" in text
    assert f"Slide 1 of {len(deck)}" in text  # the presenter moves through the Spanish deck
    assert at.query_params["room_lang"] in ("es", ["es"])  # a refresh resumes in it
    for _ in range(2):
        at = no_errors(at.button(key="slide-next").click().run())

    projector = room_tab("audience", code, spanish=True)
    assert projector.title[0].value == spanish.module(MODULE).title
    assert deck[2].heading in [h.value for h in projector.header]
    assert f"Diapositiva 3 de {len(deck)} · Código de la sala {code}" in [c.value for c in projector.caption]
    assert not english_left(projector)
    assert_no_english(projector)

    # A poll: its question and options in Spanish on the phone and the projector.
    question = poll_questions(spanish, MODULE, "public")[0]
    at.selectbox(key="poll-question").set_value(question.id)
    at = no_errors(at.button(key="poll-open").click().run())
    poll_id = open_store(isolated_store).current_poll(code).poll_id
    phone = room_tab("join", code, spanish=True)
    choice = phone.radio(key=f"poll-choice-{poll_id}")
    assert choice.label == question.prompt
    assert choice.options == [label for _, label in question.options]
    assert phone.header[0].value == "Pregunta de la persona que presenta"
    assert not english_left(phone)
    assert_no_english(phone)
    choice.set_value(question.options[0][0])
    phone = phone.button(key=f"poll-send-{poll_id}").click().run()
    assert not english_left(phone)

    projector = projector.run()
    text = room_text(projector)
    assert question.prompt in text and "1 respuesta" in text
    assert not english_left(projector)

    at = no_errors(at.button(key="poll-reveal").click().run())
    projector = projector.run()
    spec = json.loads(projector.get("vega_lite_chart")[0].proto.spec)
    assert spec["description"].startswith(f"{question.prompt}: 1 respuesta en total.")
    assert not english_left(projector)
    phone = phone.run()
    assert list(phone.table[0].value.columns) == ["Respuesta", "Respuestas", "Porcentaje (%)"]
    assert not english_left(phone)

    # A phone that reads English sees the same poll in English (the tally is by option).
    english_question = poll_questions(real_course, MODULE, "public")[0]
    assert english_question.id == question.id
    english_phone = room_tab("join", code, spanish=False)
    assert english_phone.radio(key=f"poll-choice-{poll_id}").label == english_question.prompt


def test_a_staff_room_stays_english_on_a_spanish_projector_and_says_so(real_course, isolated_store):
    from tests.app.test_presenter import MODULE, no_errors, tab

    at = tab("presenter", trainer=True)
    at.selectbox(key="present-module").set_value(MODULE)
    at.radio(key="present-audience").set_value("staff")
    at.selectbox(key="present-lang").set_value("es")  # the staff track is English only
    at = no_errors(at.button(key="start").click().run())
    code = at.session_state["presenter-room"]
    assert "lang=es" not in "\n".join(c.value for c in at.code)
    projector = room_tab("audience", code, spanish=True)
    assert projector.title[0].value == real_course.module(MODULE).title
    # English content on a Spanish page, each part marked lang="en"; the page's own words Spanish.
    assert english_marked(projector, "module-title") and english_marked(projector, "slide")
    assert projector.caption[0].value.startswith("Diapositiva 1 de ")  # the English deck's own words are English


def english_marked(at: AppTest, key: str) -> bool:
    """A container drawn by `language.english(key)` is on the page."""
    from course.ui import language

    def walk(node) -> bool:
        for child in getattr(node, "children", {}).values():
            if f"{language.ENGLISH_PART}{key}" in str(getattr(getattr(child, "proto", None), "id", "")):
                return True
            if walk(child):
                return True
        return False

    return walk(at.main)


# --------------------------------------------------------------------------- the staff track in Spanish


def test_a_staff_learner_reading_spanish_gets_the_module_in_english_marked_so_with_a_note(isolated_store):
    from course.ui import state
    from tests.app.test_language import STAFF, choose, english_parts, new_app, switch

    at = switch(choose(new_app(), STAFF), "home", "Español")
    english = state.english_course()
    first = english.module(english.track(STAFF).modules[0])
    at = at.button(key=f"open-{first.id}").click().run()
    assert not at.exception
    assert any("solo está disponible en inglés" in i.value for i in at.info)
    assert at.title[0].value == first.title  # English content …
    assert english_marked(at, "module-title")  # … marked lang="en"
    assert [h.value for h in at.header] == ["Introducción"]  # the interface is Spanish
    parts = "\n".join(english_parts(at))
    assert first.objectives[0].shown("staff")[:30] in parts
    assert "Lo que va a aprender" not in parts  # Spanish headings stay outside the English parts
    assert not english_left(at)
    assert_no_english(at)


def test_the_presenter_page_offers_the_public_facilitator_pack_in_spanish(real_course):
    from tests.app.test_presenter import no_errors, tab

    at = tab("presenter", trainer=True)
    at.radio(key="pack-audience").set_value("public")
    at = no_errors(at.selectbox(key="pack-lang").set_value("es").run())
    labels = [d.proto.label for d in at.get("download_button")]
    assert "Download pack in Español (HTML)" in labels
    at = no_errors(at.radio(key="pack-audience").set_value("staff").run())
    assert not any(s.key == "pack-lang" for s in at.selectbox), "the staff pack is English only"
    assert "Download pack (HTML)" in [d.proto.label for d in at.get("download_button")]


def test_a_staff_learners_certificate_and_its_renewal_are_said_in_spanish(real_course, isolated_store):
    from datetime import UTC, datetime, timedelta

    from course import certificates, dates
    from course.events import PASSED, Event, quiz_activity
    from course.records import open_store
    from course.ui.state import NOW_KEY
    from tests.app.test_walkthrough import answer, button, choose_track, open_quiz
    from tests.completing import rule_done

    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Clinic staff onboarding")
    first, *rest = real_course.track("staff").modules
    at = answer(open_quiz(button(at, "Start: ").click().run()), real_course, first, "staff")
    learner = at.session_state["learner"].learner_id
    store = open_store(isolated_store)
    now = datetime.now(UTC)
    quizzes = [quiz_activity(real_course.module(m).quiz) for m in rest]
    store.append_many(Event(learner, PASSED, q, track="staff", score=9, max_score=10, timestamp=now) for q in quizzes)
    store.append_many(rule_done(real_course, learner, "staff", now))
    at = button(button(at, "Course map").click().run(), "View my progress").click().run()
    next(t for t in at.text_input if t.label.startswith("Your full name")).set_value("Alex Ngata")
    at = button(at, "Issue my certificate").click().run()
    (cert,) = certificates.for_learner(store, learner, b"test-secret-for-certificates-0123456789")

    at.session_state[NOW_KEY] = cert.issued_at + timedelta(days=300)  # the renewal window is open
    at = in_spanish(at).run()
    assert at.title[0].value == "Mi progreso"
    assert any(
        s.value
        == f"Certificado {cert.certificate_id}, emitido el {dates.day(cert.issued_at, 'es')} a nombre de Alex Ngata. "
        f"Válido hasta el {dates.day(cert.expires_at, 'es')}."
        for s in at.success
    ), [s.value for s in at.success]
    assert any(m.value.startswith("La renovación ya está abierta. Para renovar, apruebe ") for m in at.markdown)
    assert "Agregar un recordatorio de renovación a mi calendario (.ics)" in [
        d.proto.label for d in at.get("download_button")
    ]
    assert not english_left(at)


def test_a_scenario_played_with_a_spanish_room_asks_the_phones_in_spanish(real_course, isolated_store):
    from course.records import open_store
    from course.translation import translate_course
    from course.ui import scenario_room
    from tests.app.test_presenter import no_errors, tab
    from tests.conftest import ROOT

    spanish = translate_course(real_course, ROOT, "es")
    scenario = spanish.scenarios["friend-starting-treatment"]
    at = tab("presenter", trainer=True)
    at.selectbox(key="present-module").set_value(scenario.module)
    at.radio(key="present-audience").set_value("public")
    at.selectbox(key="present-lang").set_value("es")
    code = no_errors(at.button(key="start").click().run()).session_state["presenter-room"]
    store = open_store(isolated_store)
    store.open_poll(code, scenario_room.poll_id_for(scenario.id, scenario.steps[0].id, None))
    poll_id = store.current_poll(code).poll_id

    phone = room_tab("join", code, spanish=True)
    choice = phone.radio(key=f"poll-choice-{poll_id}")
    assert choice.label == "¿Qué debemos hacer?"
    assert choice.options[0] == f"A. {scenario.steps[0].choices[0].text}"
    assert any(m.value.startswith(f"**{scenario.title}**") for m in phone.markdown)
    assert not english_left(phone)
    projector = room_tab("audience", code, spanish=True)
    assert "¿Qué debemos hacer?" in "\n".join(m.value for m in projector.markdown)
    assert not english_left(projector)
