"""Reloading the presenter keeps the trainer signed in and in their room; signing out ends it."""

from __future__ import annotations

import pytest

from tests.browser.a11y import click
from tests.browser.conftest import present_a_module, wait_ready

pytestmark = pytest.mark.browser


def main_text(page) -> str:
    return page.locator("[data-testid=stMain]").inner_text()


def test_a_reload_keeps_the_presenter_in_their_room(browser, course_server):
    page = present_a_module(browser, course_server)
    click(page, "button", "Start presenting")
    click(page, "button", "Next slide")
    room = page.evaluate("new URLSearchParams(location.search).get('room')")
    assert room and "Slide 2 of" in main_text(page)

    page.reload()
    wait_ready(page)
    assert page.evaluate("location.pathname").endswith("/present")
    assert page.evaluate("new URLSearchParams(location.search).get('room')") == room
    assert "Slide 2 of" in main_text(page)  # the same room, on the same slide
    assert page.get_by_text("Page not found").count() == 0

    # Another browser is not signed in.
    other = browser.new_context().new_page()
    other.goto(f"{course_server.url}/present")
    wait_ready(other)
    assert other.get_by_role("button", name="Start presenting").count() == 0
    other.context.close()

    # Signing out ends it, for this tab and for a reload.
    click(page, "link", "Trainer dashboard", exact=True)
    click(page, "button", "Sign out of trainer mode")
    page.goto(course_server.url)
    wait_ready(page)
    assert page.get_by_role("link", name="Trainer sign-in").count() == 1
    assert page.get_by_role("link", name="Present a module").count() == 0
    page.context.close()
