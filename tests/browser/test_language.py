"""The page's language in a real server and Chromium: the served document's `<html lang>`
follows `?lang=`, the language cookie and Accept-Language (course/ui/web.py, `PageLanguage`);
after an in-page switch the running document's `lang` follows (course/ui/language.py), under
the Content-Security-Policy; the staff track's English parts carry lang="en"; and Home in
Spanish has no axe violation (html-has-lang, html-lang-valid and valid-lang included)."""

from __future__ import annotations

import re
import urllib.request

import pytest

from tests.browser.a11y import audit
from tests.browser.conftest import wait_ready

pytestmark = pytest.mark.browser
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def served(url: str, headers: dict | None = None) -> tuple[str, str, str | None]:
    """(the document's <html> tag, its lang, the Content-Language header) of one GET."""
    request = urllib.request.Request(url, headers={"Accept": "text/html", **(headers or {})})
    with _HTTP.open(request, timeout=10) as response:
        body = response.read().decode()
        language = response.headers.get("Content-Language")
    tag = re.search(r"<html[^>]*>", body)
    assert tag, body[:200]
    lang = re.search(r'\blang="([^"]*)"', tag.group(0))
    return tag.group(0), lang.group(1) if lang else "", language


def test_the_served_document_carries_the_language_the_page_will_show(course_server):
    url = course_server.url
    assert served(f"{url}/?lang=es")[1:] == ("es", "es")
    assert served(f"{url}/progress?lang=es")[1] == "es"  # every page's address serves the same document
    assert served(url, {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"})[1] == "es"
    assert served(url, {"Cookie": "ketamine_course_lang=es", "Accept-Language": "en"})[1] == "es"
    assert served(f"{url}/?lang=en", {"Accept-Language": "es"})[1] == "en"
    assert served(url, {"Accept-Language": "fr-FR"})[1:] == ("en", "en")


def track_title(track_id: str) -> str:
    """A track's name as a Spanish reader sees it (its translation, once there is one)."""
    from course.loader import load_course
    from course.translation import translate_course
    from tests.browser.conftest import ROOT

    course = translate_course(load_course(ROOT), ROOT, "es")
    return next(t.title for t in course.settings.tracks if t.id == track_id)


def choose_language(page, name: str) -> None:
    """Choose `name` in the language select box at the top of the page."""
    page.get_by_label("Language · Idioma").first.click()
    page.get_by_role("option", name=name, exact=True).click()
    wait_ready(page)


def test_switching_in_the_page_changes_the_documents_language_under_the_policy(browser, course_server):
    messages: list[str] = []
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US", bypass_csp=False)
    page = context.new_page()
    page.on("console", lambda m: messages.append(m.text))
    page.goto(course_server.url)
    wait_ready(page)
    assert page.evaluate("document.documentElement.lang") == "en"

    choose_language(page, "Español")
    page.get_by_role("heading", name="Elija cómo quiere hacer el curso").wait_for(timeout=15000)
    page.wait_for_selector(
        "html[lang=es]", state="attached", timeout=15000
    )  # the inline script ran (its hash is allowed)
    assert page.evaluate("document.documentElement.lang") == "es"
    assert "lang=es" in page.url
    assert not [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]
    assert audit(page, "Home in Spanish") == []

    # A reload keeps the language: the address carries it and the server serves lang="es".
    page.reload()
    wait_ready(page)
    assert page.evaluate("document.documentElement.lang") == "es"
    page.get_by_role("heading", name="Elija cómo quiere hacer el curso").wait_for(timeout=15000)
    page.get_by_text(track_title("public"), exact=True).click()
    page.get_by_role("button", name="Empezar el curso").click()
    wait_ready(page)
    page.get_by_role("heading", name="Mapa del curso").wait_for(timeout=15000)
    assert audit(page, "the course map in Spanish") == []

    choose_language(page, "English")
    page.wait_for_selector("html[lang=en]", state="attached", timeout=15000)
    page.get_by_role("heading", name="Course map").wait_for(timeout=15000)
    context.close()


def test_the_staff_tracks_english_parts_say_they_are_english_on_a_spanish_page(browser, course_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=False)
    page = context.new_page()
    page.goto(f"{course_server.url}/?lang=es")
    wait_ready(page)
    page.get_by_text(track_title("staff"), exact=True).click()
    page.get_by_role("button", name="Empezar el curso").click()
    wait_ready(page)
    page.get_by_role("heading", name="Mapa del curso").wait_for(timeout=15000)
    page.wait_for_selector('[class*="st-key-lang-en-module-"][lang=en]', timeout=15000)
    unmarked = page.locator('[class*="st-key-lang-en-"]:not([lang=en])').count()
    assert unmarked == 0
    assert page.get_by_text("solo está disponible en inglés").count() == 1
    assert audit(page, "Home in Spanish, staff track") == []
    context.close()


def test_streamlits_own_english_controls_are_marked_or_named_on_a_spanish_page(browser, course_server):
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="es-MX", bypass_csp=False)
    page = context.new_page()
    page.goto(course_server.url)
    wait_ready(page)
    page.wait_for_selector("html[lang=es]", state="attached", timeout=15000)
    page.wait_for_selector('[aria-label="Páginas del curso"]', state="attached", timeout=15000)
    skip = page.evaluate(
        "[...document.querySelectorAll('a')].filter(a => a.textContent.trim() === 'Skip to main content')"
        ".map(a => a.getAttribute('lang'))"
    )
    assert skip and set(skip) == {"en"}  # Streamlit's skip link, in English, says so
    unmarked = page.evaluate(
        "[...document.querySelectorAll('[aria-label]')].filter(e => ['Sidebar', 'App pages', 'Collapse sidebar',"
        " 'Link to heading'].includes(e.getAttribute('aria-label')) && !e.closest('[lang=en]'))"
        ".map(e => e.getAttribute('aria-label'))"
    )
    assert unmarked == []
    choose_language(page, "English")
    page.wait_for_selector('[aria-label="App pages"]', state="attached", timeout=15000)
    assert page.evaluate("document.querySelectorAll('[aria-label=\"Páginas del curso\"]').length") == 0
    context.close()
