"""Real servers and a real browser: Streamlit processes on free ports, Debian's Chromium."""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from course.devserver import CHROMIUM_ARGS, HEADLESS_SHELL, Server
from course.events import quiz_activity
from tests.browser.ready import TRACKER_JS, wait_ready

ROOT = Path(__file__).resolve().parents[2]
TRAINER_PASSCODE = "browser trainer passcode"


@pytest.fixture(scope="session")
def browser():
    if not Path(HEADLESS_SHELL).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(
                "Chromium's headless shell is missing: scripts/test.sh installs Debian's chromium-headless-shell"
            )
        pytest.skip("Chromium's headless shell is not installed (bash scripts/test.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=HEADLESS_SHELL, args=CHROMIUM_ARGS)
        # Playwright's wait_for_function evaluates its predicate with eval inside the page,
        # which the course's Content-Security-Policy forbids (as it should). Tests that wait
        # that way get contexts that bypass the policy; test_http_hardening.py and
        # test_outage_reload.py pass bypass_csp=False and use the app under the policy.
        # Every context also gets the tracker wait_ready reads (tests/browser/ready.py).
        b.new_context = functools.partial(tracked_context, b.new_context)
        yield b
        b.close()


def tracked_context(new_context, **options):
    """A browser context (with CSP bypassed unless `bypass_csp=False`) whose documents run
    TRACKER_JS before their own scripts, so that wait_ready can tell when a run is over."""
    options.setdefault("bypass_csp", True)
    context = new_context(**options)
    context.add_init_script(TRACKER_JS)
    return context


def start(page, server, track: str) -> None:
    """A new learner chooses `track` on Home and starts the course."""
    page.goto(server.url)
    wait_ready(page)
    page.get_by_text(track, exact=True).click()
    page.get_by_role("button", name="Start the course").first.click()
    wait_ready(page)


def first_quiz_on_the_public_track(page, server, course) -> None:
    """A new public-track learner reads module 1 part by part and opens its quiz."""
    start(page, server, "Community and self-paced learning")
    read_to_the_first_quiz(page, course)


def read_to_the_first_quiz(page, course) -> None:
    """From the course map: module 1 part by part, then its quiz."""
    page.get_by_role("button", name=f"Start: {course.modules[0].title}").click()
    wait_ready(page)
    while page.get_by_role("button", name="Take the quiz").count() == 0:
        page.get_by_role("button", name="Next:").first.click()
        wait_ready(page)
    page.get_by_role("button", name="Take the quiz").click()
    wait_ready(page)


def present_a_module(browser, server):
    """A trainer signs in with the passcode and starts presenting; returns their page."""
    page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
    page.goto(f"{server.url}/trainer-sign-in")
    wait_ready(page)
    page.get_by_label("Trainer passcode").fill(TRAINER_PASSCODE)
    page.get_by_role("button", name="Sign in").click()
    wait_ready(page)
    page.get_by_role("link", name="Present a module", exact=True).click()
    wait_ready(page)
    return page


def pass_every_staff_module(page, server, course) -> None:
    """A new staff-track learner in `page` whose store shows every module's quiz passed."""
    from course.events import PASSED, Event
    from course.records import open_store
    from tests.completing import rule_done

    start(page, server, "Clinic staff onboarding")
    page.get_by_text("Save your place: your private resume link").click()
    code = page.locator("[data-testid=stCode] code").first.inner_text().split("?resume=")[1].strip()
    store = open_store(server.db_url)
    try:
        learner_id = store.learner_for_resume_code(code)
        for m in course.track("staff").modules:
            store.append(
                Event(
                    learner_id=learner_id,
                    verb=PASSED,
                    activity=quiz_activity(m),
                    track="staff",
                    score=9,
                    max_score=10,
                    timestamp=datetime.now(UTC),
                )
            )
        # the staff track's rule: every section read and every scenario played too
        store.append_many(rule_done(course, learner_id, "staff", datetime.now(UTC)))
    finally:
        store.close()


@pytest.fixture(scope="session")
def course_server(tmp_path_factory):
    """One real course server with its own SQLite database, shared by the browser tests."""
    tmp = tmp_path_factory.mktemp("course-server")
    from course.trainer_auth import hash_passcode

    env = {
        "COURSE_DB_URL": f"sqlite:///{tmp / 'course.sqlite'}",
        "COURSE_CERT_SECRET": "browser-test-secret-0123456789abcdef",
        "COURSE_TRAINER_PASSCODE_HASH": hash_passcode(TRAINER_PASSCODE, iterations=1000),
    }
    server = Server(env, tmp / "server.log")
    server.db_url = env["COURSE_DB_URL"]
    server.secret = env["COURSE_CERT_SECRET"].encode()
    yield server
    server.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="module")
def live_room(course_server, real_course) -> str:
    """A public room with its first poll open, answered by two phones and revealed: one per
    test file of the axe display matrix (tests/browser/a11y_matrix.py)."""
    from tests.browser.a11y_matrix import open_live_room

    return open_live_room(course_server, real_course)
