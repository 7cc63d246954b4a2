"""The display matrix, shared by test_a11y_matrix.py (the default theme) and
test_a11y_matrix_high_contrast.py (the high-contrast theme): two files, so the two test
processes share the matrix (a test file stays in one process) instead of one running it alone.

axe at 0 violations on every page, at 1280 and 320 CSS pixels, at 100% and 200% text, in the
default and the high-contrast theme: 4 display settings x 2 widths x every page in English, and
every page in Spanish at the two ends (100% text in the default theme, 200% in high contrast),
where the document must say lang="es", axe's language rules must run and pass, and no English
string of the interface catalogue may be left on the page (tests/browser/spanish.py).

Kept fast on purpose (one server and one browser for the whole run, as every browser test; one
learner per language and display setting, who sets it once on the Display settings page as a learner does;
each page loaded once and audited at both widths by resizing the window, which reflows the page
without a reload). The states behind a click (quiz feedback, a submitted check, verify results)
are audited at the default setting in test_accessibility.py; here each page's first state, plus
the rooms' live states (an open poll on a phone, revealed results on the projector). The
Spanish learner's browser speaks Spanish (`locale="es-MX"`: Accept-Language and the browser's
language), so every page opens in Spanish as it would for them, with no `?lang=` in the address.
"""

from __future__ import annotations

import pytest

from course.i18n import gettext_for
from course.polls import poll_questions
from course.records import open_store
from tests.browser.a11y import audit
from tests.browser.conftest import wait_ready
from tests.browser.spanish import english_left, track_title

WIDTHS = (1280, 320)
LOCALES = {"en": "en-US", "es": "es-MX"}
# (lang, text size, high contrast) by theme: each test file takes one theme's settings.
DEFAULT_THEME = [
    pytest.param("en", 100, False, id="en-100pct-default"),
    pytest.param("en", 200, False, id="en-200pct-default"),
    pytest.param("es", 100, False, id="es-100pct-default"),
]
HIGH_CONTRAST = [
    pytest.param("en", 100, True, id="en-100pct-high-contrast"),
    pytest.param("en", 200, True, id="en-200pct-high-contrast"),
    pytest.param("es", 200, True, id="es-200pct-high-contrast"),
]


def open_live_room(course_server, real_course) -> str:
    """A public room with its first poll open, answered by two phones and revealed."""
    store = open_store(course_server.db_url)
    try:
        code = store.start_presentation("history", "public", created_by="axe matrix")
        question = poll_questions(real_course, "history", "public")[0]
        poll_id = store.open_poll(code, question.id)
        for n in range(2):
            store.answer_poll(poll_id, f"matrix-phone-{n}", question.options[n][0])
        store.reveal_poll(poll_id)
        return code
    finally:
        store.close()


def pages(course, room: str) -> list[tuple[str, str]]:
    """(name, address) of every page a learner, a phone in a room or a projector opens."""
    first = course.track_modules("public")[0]
    return [
        ("home", "/"),
        ("module overview", f"/{first.id}"),
        ("module section", f"/{first.id}?step=1"),
        ("quiz", f"/{first.id}-quiz"),
        ("before you start", "/start-check"),
        ("final check", "/final-check"),
        ("my progress", "/progress"),
        ("refresh", "/refresh"),
        ("display settings", "/settings"),
        ("verify", "/verify"),
        ("about", "/about"),
        ("trainer sign-in", "/trainer-sign-in"),
        ("join, poll open", f"/join?room={room}"),
        ("projector, results", f"/audience?room={room}"),
    ]


def start_public(page, url: str, lang: str) -> None:
    """A new learner, on Home in `lang`, chooses the public track and starts the course."""
    page.goto(url)
    wait_ready(page)
    title = track_title("public") if lang == "es" else "Community and self-paced learning"
    page.get_by_text(title, exact=True).click()
    page.get_by_role("button", name=gettext_for(lang, "Start the course")).first.click()
    wait_ready(page)


def choose_display(page, url: str, text_size: int, high_contrast: bool, lang: str = "en") -> None:
    """On Display settings, as a learner: the text size by keyboard, the theme by its switch."""
    page.goto(f"{url}/settings")
    wait_ready(page)
    slider = page.get_by_role("slider", name=gettext_for(lang, "Text size"))
    slider.focus()
    slider.press("Home")
    for _ in range((100, 125, 150, 200).index(text_size)):
        slider.press("ArrowRight")
    if high_contrast:
        theme = gettext_for(lang, "High contrast (black text, stronger borders and focus outlines)")
        page.get_by_text(theme.split("(")[0] + "(", exact=False).click()
    page.get_by_role("button", name=gettext_for(lang, "Save settings")).click()
    wait_ready(page)


def every_page_at_both_widths(browser, course_server, real_course, live_room, lang, text_size, high_contrast) -> None:
    """The test of both files: a learner with the setting opens every page; axe finds nothing
    at either width, the text size holds on every page, and Spanish pages keep no English."""
    context = browser.new_context(viewport={"width": WIDTHS[0], "height": 900}, locale=LOCALES[lang])
    page = context.new_page()
    start_public(page, course_server.url, lang)  # a learner, so settings are kept
    choose_display(page, course_server.url, text_size, high_contrast, lang)
    problems: list[str] = []
    theme = "high contrast" if high_contrast else "default theme"
    for name, path in pages(real_course, live_room):
        page.set_viewport_size({"width": WIDTHS[0], "height": 900})
        page.goto(course_server.url + path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # audit waits for the page to be drawn first (wait_ready): no second wait here.
            problems += audit(page, f"{name} in {lang} at {width} px, {text_size}% text, {theme}", lang=lang)
            if width != WIDTHS[0]:
                continue
            # The setting is the learner's, on every page they open (not only the one it was set on).
            root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
            assert root == 16 * text_size / 100, f"{name}: text size {root} px, the learner chose {text_size}%"
            if lang == "es":  # every text in Spanish: none of the interface's English left
                problems += [f"{name} in es: English left: {e}" for e in english_left(page)]
    context.close()
    assert not problems, "\n".join(problems)
