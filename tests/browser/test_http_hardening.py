"""The course's HTTP responses, from a real server (st.App, course/ui/web.py): security headers
on every response, HSTS only over TLS through a trusted proxy, HttpOnly cookies set by the
cookie route, and the app working in Chromium under its Content-Security-Policy (issue 18)."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from course.devserver import Server
from course.records import open_store
from course.trainer_auth import hash_passcode
from tests.browser.a11y import answer_quiz, audit, click
from tests.browser.conftest import TRAINER_PASSCODE, first_quiz_on_the_public_track, wait_ready

pytestmark = pytest.mark.browser
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, headers: dict | None = None, data: bytes | None = None):
    """(status, headers) of one request, errors included."""
    request = urllib.request.Request(
        url, headers=headers or {}, data=data, method="POST" if data is not None else "GET"
    )
    try:
        with _HTTP.open(request, timeout=10) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory):
    """A server that trusts no proxy and may be framed only by one named site."""
    tmp = tmp_path_factory.mktemp("strict-server")
    env = {
        "COURSE_DB_URL": f"sqlite:///{tmp / 'course.sqlite'}",
        "COURSE_CERT_SECRET": "strict-test-secret-0123456789abcdef",
        "COURSE_TRUSTED_PROXIES": "none",
        "COURSE_FRAME_ANCESTORS": "'self' https://lms.example.org",
        "COURSE_TRAINER_PASSCODE_HASH": hash_passcode(TRAINER_PASSCODE, iterations=1000),
    }
    server = Server(env, tmp / "server.log")
    yield server
    server.stop()


@pytest.mark.parametrize("path", ["/", "/join?room=ABC-123", "/_stcore/health", "/favicon.png"])
def test_every_response_carries_the_security_headers(course_server, path):
    status, headers = fetch(course_server.url + path)
    assert status == 200
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'self'" in policy  # by default only the course frames itself
    assert "object-src 'none'" in policy
    assert "'unsafe-eval'" not in policy
    assert "script-src 'self' 'sha256-" in policy  # no 'unsafe-inline' for scripts
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "microphone=()" in headers["Permissions-Policy"]
    assert headers.get("Strict-Transport-Security") is None  # plain http: no HSTS


def test_hsts_only_when_a_trusted_proxy_says_the_request_came_over_tls(course_server, strict_server):
    # course_server trusts the default, this machine's own proxies (deploy/'s nginx).
    _, headers = fetch(course_server.url + "/", {"X-Forwarded-Proto": "https"})
    assert headers["Strict-Transport-Security"] == "max-age=31536000"
    # The same header from a client that is not a trusted proxy is its own claim: ignored.
    _, headers = fetch(strict_server.url + "/", {"X-Forwarded-Proto": "https"})
    assert headers.get("Strict-Transport-Security") is None


def test_frame_ancestors_come_from_the_setting(strict_server):
    _, headers = fetch(strict_server.url + "/")
    assert "frame-ancestors 'self' https://lms.example.org;" in headers["Content-Security-Policy"] + ";"


def test_the_cookie_route_sets_only_cookies_this_server_signed_and_as_httponly(course_server, monkeypatch):
    from course.ui.web import cookie_token

    monkeypatch.setenv("COURSE_CERT_SECRET", course_server.secret.decode())
    route = course_server.url + "/api/course/cookie"
    status, headers = fetch(route, data=cookie_token("ketamine_course_trainer", "abc_123").encode())
    assert status == 204
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("ketamine_course_trainer=abc_123;")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    status, headers = fetch(
        route, {"X-Forwarded-Proto": "https"}, data=cookie_token("ketamine_course_resume", None).encode()
    )
    assert status == 204 and "Max-Age=0" in headers["Set-Cookie"] and "Secure" in headers["Set-Cookie"]
    # Forged, altered or foreign tokens set nothing.
    token = cookie_token("ketamine_course_trainer", "abc_123")
    # The signature's last two hex digits changed (a token already ending "00" gets "11": its
    # "altered" copy was the token itself once in 256 runs, and the route rightly took it).
    altered = token[:-2] + ("11" if token.endswith("00") else "00")
    for body in (b"", b"nonsense", altered.encode()):
        status, headers = fetch(route, data=body)
        assert status == 400 and headers.get("Set-Cookie") is None
    status, headers = fetch(route, {"Origin": "https://evil.example"}, data=token.encode())
    assert status == 403 and headers.get("Set-Cookie") is None


def test_the_join_page_gives_a_phone_one_voter_cookie(course_server):
    _, headers = fetch(course_server.url + "/join?room=ABC-123")
    cookie = headers["Set-Cookie"]
    assert cookie.startswith("ketamine_course_voter=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    token = cookie.split(";")[0]
    _, headers = fetch(course_server.url + "/join?room=ABC-123", {"Cookie": token})
    assert headers.get("Set-Cookie") is None  # a reload keeps the one it has


def test_a_guesser_cannot_buy_fresh_attempts_with_a_forged_forwarded_header(browser, strict_server):
    """Issue 18, defect 3: X-Forwarded-For was believed from any client on the server's machine,
    so a guesser rotated it for a fresh allowance. From a client that is not a trusted proxy,
    the header now changes nothing: the fourth attempt waits, whatever address it claims."""
    messages = []
    for n in range(4):
        context = browser.new_context(extra_http_headers={"X-Forwarded-For": f"198.51.100.{n + 1}"})
        page = context.new_page()
        page.goto(f"{strict_server.url}/trainer-sign-in")
        wait_ready(page)
        page.get_by_label("Trainer passcode").fill("a wrong guess at it")
        page.get_by_role("button", name="Sign in").click()
        wait_ready(page)
        messages.append(page.locator("[data-testid=stAlert]").last.inner_text())
        context.close()
    assert all("That did not work" in m for m in messages[:3]), messages
    assert "Too many attempts. Please wait" in messages[3], messages


def _csp_problems(messages: list[str]) -> list[str]:
    return [m for m in messages if "Content Security Policy" in m or "Content-Security-Policy" in m]


def test_the_app_works_in_chromium_under_its_policy(browser, course_server, real_course):
    """Home, a module page, a quiz, the presenter, the projector and a phone, with the policy
    enforced: no violation in the console, and the pages do what they do."""
    messages: list[str] = []

    def new_page(width=1280, height=1000):
        page = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=False).new_page()
        page.on("console", lambda m: messages.append(m.text))
        return page

    page = new_page()
    first_quiz_on_the_public_track(page, course_server, real_course)
    answer_quiz(page, real_course.quizzes[real_course.modules[0].quiz], "public")  # submits too
    assert "Passed." in page.locator("[data-testid=stMain]").inner_text()
    # The learner's cookie is HttpOnly, and a reload still finds the learner.
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["ketamine_course_resume"]["httpOnly"]
    page.goto(course_server.url)
    wait_ready(page)
    assert page.get_by_text("Choose how you want to take the course").count() == 0
    # The component that reads the browser's copy of unsaved answers back loaded and ran (it was
    # refused when its script came from a blob: URL, and showed an error in its box instead).
    assert page.locator(".st-key-kept-browser").count() == 1
    assert page.locator(".st-key-kept-browser [data-testid=stAlertContainer]").count() == 0
    assert audit(page, "Home under the CSP") == []

    trainer = new_page()
    trainer.goto(f"{course_server.url}/trainer-sign-in")
    wait_ready(trainer)
    trainer.get_by_label("Trainer passcode").fill(TRAINER_PASSCODE)
    trainer.get_by_role("button", name="Sign in").click()
    wait_ready(trainer)
    assert {c["name"]: c for c in trainer.context.cookies()}["ketamine_course_trainer"]["httpOnly"]
    trainer.get_by_role("link", name="Present a module", exact=True).click()
    wait_ready(trainer)
    click(trainer, "button", "Start presenting")
    room = trainer.evaluate("new URLSearchParams(location.search).get('room')")
    projector = new_page()
    projector.goto(f"{course_server.url}/audience?room={room}")
    wait_ready(projector)
    phone = new_page(360, 740)
    phone.goto(f"{course_server.url}/join?room={room}")
    wait_ready(phone)
    assert "has ended or does not exist" not in phone.locator("[data-testid=stMain]").inner_text()

    # A room poll, answered from the phone, which then reloads the page (issue 18, defect 4):
    # the reloaded page knows its answer, and answering again replaces it.
    click(trainer, "button", "Open poll")
    phone.get_by_role("button", name="Send my answer").wait_for(timeout=15000)
    phone.locator("[data-testid=stRadio] [role=radiogroup] label").nth(0).click()
    phone.get_by_role("button", name="Send my answer").click()
    phone.get_by_text("Your answer is in.").wait_for(timeout=15000)
    phone.reload()
    wait_ready(phone)
    phone.get_by_text("You answered:").wait_for(timeout=15000)
    phone.locator("[data-testid=stRadio] [role=radiogroup] label").nth(1).click()
    phone.get_by_role("button", name="Send my answer").click()
    phone.get_by_text("Your answer is in.").wait_for(timeout=15000)
    store = open_store(course_server.db_url)
    try:
        tally = store.poll_tally(store.current_poll(room).poll_id)
    finally:
        store.close()
    assert sum(tally.values()) == 1, tally
    for p in (page, trainer, projector, phone):
        p.context.close()
    assert _csp_problems(messages) == []


def test_home_stays_accessible_when_the_unsaved_answers_script_cannot_load(browser, course_server):
    """Issue 18: when the script of the component that keeps the browser's copy of unsaved
    answers could not load (the policy refused it), Streamlit's error box sat in the component's
    box of no height, which Streamlit makes scrollable: a scroll region no key could reach (axe
    scrollable-region-focusable on Home). That box is not a scroll region now, whatever it holds."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, bypass_csp=False)
    page = context.new_page()
    page.route("**/_stcore/bidi-components/**", lambda route: route.abort())
    page.goto(course_server.url)
    wait_ready(page)
    page.locator(".st-key-kept-browser [data-testid=stAlertContainer]").wait_for(state="attached", timeout=15000)
    assert audit(page, "Home without the component's script") == []
    context.close()
