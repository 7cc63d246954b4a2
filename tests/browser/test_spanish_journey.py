"""The whole public journey in Spanish, in Chromium, by a new visitor whose browser speaks Spanish
(`locale="es-MX"`: Accept-Language and the browser's language), who never chooses a language:
Home, the public track, a module part and its inline check, Next, the summary, the quiz (sent
unanswered, then answered) and its result, My progress, the knowledge check and the attitude
survey, verifying a certificate id. At every step, and in the states behind a click (feedback
shown, a result shown): the document says lang="es", a known Spanish text is
there, no English string of the interface catalogue is left on the page (tests/browser/spanish.py)
and axe finds nothing, its language rules run and passing. Then a reload keeps Spanish, and
`?lang=en` switches the same learner to English with their progress kept.
"""

from __future__ import annotations

import pytest

from tests.browser.a11y import answer_quiz, audit
from tests.browser.conftest import wait_ready
from tests.browser.spanish import english_left, spanish_course, t, track_title

pytestmark = pytest.mark.browser


class Walk:
    """One learner's page, and every problem found on the way (all reported at the end)."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []

    def main_text(self) -> str:
        return self.page.locator("[data-testid=stMain]").inner_text()

    def check(self, name: str, *known: str, loaded: bool = False) -> None:
        """The page as it is now: in Spanish, showing `known`, no English left, no axe problem.
        Every step comes after a wait for the page (`click`, `answer_quiz`) but those that
        `loaded` it afresh (an address opened, a reload), which wait here."""
        self.problems += audit(self.page, f"{name} (Spanish)", lang="es", wait=loaded)
        shown = self.main_text()
        self.problems += [f"{name}: {k!r} is not on the page" for k in known if k not in shown]
        self.problems += [f"{name}: English left: {e}" for e in english_left(self.page)]

    def click(self, role: str, name: str, exact: bool = False) -> None:
        self.page.get_by_role(role, name=name, exact=exact).first.click()
        wait_ready(self.page)


def test_a_spanish_speaking_visitor_does_the_public_track_in_spanish(browser, course_server):
    course = spanish_course()
    module = course.track_modules("public")[0]
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="es-MX")
    walk = Walk(context.new_page())
    page = walk.page

    # Home: Spanish from the browser's language, nothing chosen, nothing in the address.
    page.goto(course_server.url)
    walk.check("home", "Elija cómo quiere hacer el curso", "Empezar el curso", loaded=True)
    assert "lang=" not in page.url

    page.get_by_text(track_title("public"), exact=True).click()
    walk.click("button", t("Start the course"))
    walk.check("course map", "Mapa del curso", module.title)

    # A module part with an inline check, answered: its feedback shown.
    walk.click("button", t("Start: {module}").format(module=module.title))
    walk.check("module overview", "Lo que va a aprender", module.objectives[0].shown("public"))
    section = next(s for s in module.sections if any(c.visible_to("public") for c in s.checks))
    while page.locator("[data-testid=stMain] h2").first.inner_text() != section.heading:
        walk.click("button", "Siguiente:")
    walk.check(f"part “{section.heading}”", "Compruebe lo que entendió")
    inline = next(c for c in section.checks if c.visible_to("public"))
    right = next(o for o in inline.options if o.correct)
    page.get_by_role("radiogroup", name=inline.prompt).get_by_text(right.text, exact=True).click()
    wait_ready(page)
    walk.check(f"part “{section.heading}”, inline check answered", "Correcto.")

    # Next: the following part.
    walk.click("button", "Siguiente:")
    following = module.sections[module.sections.index(section) + 1]
    assert page.locator("[data-testid=stMain] h2").first.inner_text() == following.heading
    walk.check(f"part “{following.heading}”", following.heading)

    # The quiz: every question answered, one of them wrong so its feedback shows; the result.
    while page.get_by_role("button", name="Hacer la prueba").count() == 0:
        walk.click("button", "Siguiente:")
    # The summary: its references stay English as published, in a part marked lang="en", so
    # axe's valid-lang rule applies here (and must pass).
    page.wait_for_selector("[data-testid=stMain] [class*=st-key-lang-en-all-references][lang=en]", timeout=15000)
    walk.check("module summary", "Ideas clave", "Todas las referencias de este módulo")
    walk.click("button", "Hacer la prueba")
    walk.check("quiz", "Enviar respuestas")
    walk.click("button", "Enviar respuestas")  # nothing answered yet: told what is missing
    walk.check("quiz submitted with questions unanswered", "No se envió.")
    quiz = course.quizzes[module.quiz]
    q1 = quiz.items("public")[0][1]
    answer_quiz(page, quiz, "public", wrong={q1.id: next(o.id for o in q1.options if o.id != q1.answer)}, lang="es")
    walk.check("quiz result", "Su resultado", "Aprobado.", "Incorrecta")

    walk.click("link", "Mi progreso", exact=True)
    modules = len(course.track_modules("public"))
    progress = t("{passed} of {total} modules passed ({percent}%)").split("(")[0].format(passed=1, total=modules)
    walk.check("my progress", "Mi progreso", progress.strip())

    # The knowledge check and the attitude survey (the check-ins before the first module).
    walk.click("link", "Antes de empezar", exact=True)
    walk.check("before you start", "Prueba de conocimientos", "Encuesta de opiniones")
    check = course.quizzes[course.settings.pre_test]
    answer_quiz(page, check, "public", lang="es", submit="Submit knowledge check")
    walk.check("knowledge check submitted", "Gracias. Usted respondió bien")
    page.get_by_text("Ver las respuestas y por qué", exact=True).click()
    wait_ready(page)
    walk.check("knowledge check, answers and why", "Correcta")
    survey = course.surveys[course.settings.attitude_survey]
    agree = survey.scale.labels[-2]
    radios = page.locator("[data-testid=stMain] [data-testid=stRadio]")
    assert radios.count() == len(survey.items)
    for n in range(len(survey.items)):
        radios.nth(n).get_by_text(f"{survey.scale.max - 1} – {agree}", exact=True).click()
    walk.click("button", "Enviar la encuesta")
    walk.check("attitude survey submitted", "Listo: gracias por sus respuestas.")

    # Verify a certificate: an id that is not one, told so.
    walk.click("link", "Verificar un certificado", exact=True)
    walk.check("verify: empty", "Código del certificado")
    page.get_by_label("Código del certificado").fill("KT-ABCD-EFGH-JKMN")  # the shape of an id, but none issued
    walk.click("button", "Verificar", exact=True)
    walk.check("verify: not valid", "Ningún certificado válido tiene este código.")

    # A reload keeps Spanish, and the answers.
    walk.click("link", "Antes de empezar", exact=True)
    page.reload()
    walk.check("before you start, reloaded", "Antes de empezar", "Listo: gracias por sus respuestas.", loaded=True)

    # `?lang=en`: the same learner in English, with their progress.
    page.goto(f"{course_server.url}/progress?lang=en")
    wait_ready(page)
    assert page.evaluate("() => document.documentElement.lang") == "en"
    shown = walk.main_text()
    assert "My progress" in shown
    assert f"1 of {modules} modules passed" in shown
    context.close()
    assert not walk.problems, "\n".join(walk.problems)
