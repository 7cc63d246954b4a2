"""Issue 19 in a real browser on a 320-pixel phone: the crisis services are real links named by
their service, the review line and a voice fit the screen, and axe finds no violation. The course
is the small one in tests/small_course.py, so the test does not wait on the real content."""

from __future__ import annotations

from course.devserver import Server
from tests import small_course
from tests.browser.a11y import audit, click
from tests.browser.conftest import wait_ready
from tests.browser.test_accessibility import on_a_phone


def test_crisis_links_review_line_and_voices_are_accessible_at_320_pixels(browser, tmp_path):
    root = small_course.write(tmp_path / "content")
    server = Server(
        {"COURSE_CONTENT_ROOT": str(root), "COURSE_DB_URL": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        tmp_path / "server.log",
    )
    try:
        page = browser.new_context(viewport={"width": 320, "height": 900}).new_page()
        page.goto(server.url)
        wait_ready(page)
        problems = on_a_phone(page, "home") + audit(page, "home")
        main = page.locator("[data-testid=stMain]")
        lifeline = main.get_by_role("link", name="988 Suicide & Crisis Lifeline", exact=True)
        assert lifeline.get_attribute("href") == "https://988lifeline.org"
        directory = main.get_by_role("link", name="Find A Helpline (international directory of crisis lines)")
        assert directory.get_attribute("href") == "https://findahelpline.com"

        page.get_by_text("Community and self-paced learning", exact=True).click()
        click(page, "button", "Start the course")
        click(page, "button", "Start: The basics")
        wait_ready(page)
        assert "Last reviewed 7 December 2026 (version 1.1)" in main.inner_text()
        problems += on_a_phone(page, "overview") + audit(page, "overview")
        for _ in range(2):
            click(page, "button", "Next:")
        wait_ready(page)
        voice = page.get_by_role("figure", name="Composite account")
        assert "not one real person" in voice.locator("figcaption").inner_text()
        problems += on_a_phone(page, "section with a voice") + audit(page, "section with a voice")
        assert not problems, "\n".join(problems)
    finally:
        server.stop()
