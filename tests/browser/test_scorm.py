"""A SCORM 1.2 package in a real SCORM runtime (issue 20): scorm-again, the npm package LMSs
embed, is the LMS API on a test page served from another origin; the package exported by
`python -m course export --format scorm12` is unzipped under it and a SCO launched. The
learner reads, leaves, comes back where they left off, fails the quiz, passes it, and the
runtime holds what an LMS would record. A forged or expired launch gets a clear page and no
record."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import zipfile
from pathlib import Path

import pytest

from course.devserver import Server, free_port
from course.lms import launch as lms_launch
from course.lms.package import PackageOptions, scorm12_zip
from course.records import open_store
from tests.browser.a11y import answer_quiz
from tests.browser.conftest import wait_ready

ROOT = Path(__file__).resolve().parents[2]
SCORM_AGAIN = ROOT / "tests" / "lms" / "node_modules" / "scorm-again" / "dist" / "scorm12.min.js"
SECRET = "scorm-browser-test-secret-0123456789"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def lms_and_course(tmp_path_factory, real_course):
    if not SCORM_AGAIN.exists():
        pytest.skip("scorm-again is not installed: scripts/test.sh runs npm ci in tests/lms")
    tmp = tmp_path_factory.mktemp("scorm")
    site = tmp / "lms"
    (site / "pkg").mkdir(parents=True)
    shutil.copy(SCORM_AGAIN, site / "scorm12.min.js")
    shutil.copy(ROOT / "tests" / "lms" / "lms_page.html", site / "lms.html")
    lms_port = free_port()
    lms = http.server.ThreadingHTTPServer(("127.0.0.1", lms_port), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=lms.serve_forever, daemon=True).start()
    lms_url = f"http://127.0.0.1:{lms_port}"
    env = {
        "COURSE_DB_URL": f"sqlite:///{tmp / 'course.sqlite'}",
        "COURSE_CERT_SECRET": SECRET,
        "COURSE_FRAME_ANCESTORS": f"'self' {lms_url}",
    }
    server = Server(env, tmp / "server.log")
    # the package an administrator would upload, unzipped where the LMS serves it
    zip_path = tmp / "package.zip"
    zip_path.write_bytes(scorm12_zip(real_course, PackageOptions("staff", server.url)))
    zipfile.ZipFile(zip_path).extractall(site / "pkg")
    yield lms_url, server, env["COURSE_DB_URL"]
    server.stop()
    lms.shutdown()


class _InFrame:
    """The course's frame, with the page's keyboard (answer_quiz types into select boxes)."""

    def __init__(self, page, frame):
        self._frame, self.keyboard = frame, page.keyboard

    def __getattr__(self, name):
        return getattr(self._frame, name)


def _course_frame(page):
    page.wait_for_selector("iframe#sco")
    sco = page.frame_locator("iframe#sco")
    sco.locator("iframe#course").wait_for(state="visible", timeout=30000)
    for _ in range(100):
        frame = next((f for f in page.frames if "lms=" in f.url or re.search(r":\d+/history", f.url)), None)
        if frame is not None and "/pkg/" not in frame.url:
            wait_ready(frame)
            return _InFrame(page, frame)
        page.wait_for_timeout(200)
    raise AssertionError("the course frame did not open")


def _stored(page, settle_for: str | None = None) -> dict:
    if settle_for is not None:
        page.wait_for_function(f"() => window.stored['cmi.core.lesson_status'] === {settle_for!r}", timeout=30000)
    return page.evaluate("() => ({...window.stored})")


def _learner_count(db_url: str) -> int:
    import sqlalchemy as sa

    from course.records import learners_table

    store = open_store(db_url)
    try:
        with store._read() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(learners_table)).scalar_one()
    finally:
        store.close()


def test_a_sco_records_status_score_time_and_resumes(browser, lms_and_course, real_course):
    lms_url, server, db_url = lms_and_course
    # Under the course's real Content-Security-Policy: the report script is allowed by its hash,
    # so no inline script is blocked. (The kept-answers component's blob: script is blocked on
    # main too, with or without an LMS: not this test's concern.)
    context = browser.new_context(viewport={"width": 1400, "height": 1100}, bypass_csp=False)
    page = context.new_page()
    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "inline script" in m.text else None)
    module = real_course.module("history")
    quiz = real_course.quizzes[module.quiz]

    # 1. First launch: the module opens in the frame; the learner reads two parts and leaves.
    page.goto(f"{lms_url}/lms.html?student_id=emp-0042")
    frame = _course_frame(page)
    frame.get_by_role("heading", name=module.title).first.wait_for()
    for _ in range(2):
        frame.get_by_role("button", name="Next:").first.click()
        wait_ready(frame)
    second = module.sections[1]
    frame.get_by_role("heading", name=second.heading).first.wait_for()
    page.wait_for_function(f"() => window.stored['cmi.core.lesson_location'] === {second.id!r}", timeout=30000)
    page.evaluate("() => window.closeSco()")
    page.wait_for_function("() => window.finished === true", timeout=10000)
    first = _stored(page)
    assert first["cmi.core.lesson_status"] == "incomplete"
    assert first["cmi.core.lesson_location"] == second.id
    assert re.fullmatch(r"\d{4}:\d{2}:\d{2}(\.\d{1,2})?", first["cmi.core.session_time"])
    assert first["cmi.core.exit"] == "suspend"
    assert _learner_count(db_url) == 1

    # 2. Relaunch (the LMS gives back the saved location): the same learner lands on that part.
    page.goto(f"{lms_url}/lms.html?student_id=emp-0042&location={second.id}&status=incomplete")
    frame = _course_frame(page)
    frame.get_by_role("heading", name=second.heading).first.wait_for()
    assert _learner_count(db_url) == 1  # the same course record, not a new one

    # 3. The quiz, failed: the runtime holds failed and the score out of 100.
    while frame.get_by_role("button", name="Take the quiz").count() == 0:
        frame.get_by_role("button", name="Next:").first.click()
        wait_ready(frame)
    frame.get_by_role("button", name="Take the quiz").click()
    wait_ready(frame)
    items = quiz.items("staff")
    wrong = {}
    for _, q in items:
        if q.type in ("single", "true_false") and len(wrong) < max(1, len(items) // 2):
            wrong[q.id] = next(o.id for o in q.options if o.id != q.answer) if q.type == "single" else not q.answer
    answer_quiz(frame, quiz, "staff", wrong=wrong)
    failed = _stored(page, settle_for="failed")
    assert int(failed["cmi.core.score.raw"]) < real_course.track("staff").pass_mark
    assert (failed["cmi.core.score.min"], failed["cmi.core.score.max"]) == ("0", "100")

    # 4. Tried again and passed; the learner closes the lesson: committed and finished.
    frame.get_by_role("button", name="Try again").first.click()
    wait_ready(frame)
    answer_quiz(frame, quiz, "staff")
    passed = _stored(page, settle_for="passed")
    assert int(passed["cmi.core.score.raw"]) >= real_course.track("staff").pass_mark
    page.evaluate("() => window.closeSco()")
    page.wait_for_function("() => window.finished === true", timeout=10000)
    final = _stored(page)
    assert final["cmi.core.lesson_status"] == "passed" and final["cmi.core.exit"] == ""
    runtime = page.evaluate("() => window.API.cmi.core.lesson_status")
    assert runtime == "passed"
    assert blocked == [], blocked
    context.close()


@pytest.mark.parametrize("kind", ["forged", "expired"])
def test_a_forged_or_expired_launch_gets_a_clear_page_and_no_record(browser, lms_and_course, kind):
    lms_url, server, db_url = lms_and_course
    before = _learner_count(db_url)
    launch = lms_launch.new_launch(
        "emp-9999", "Mallory", lms_url, "history", "staff", None, now=0 if kind == "expired" else None
    )
    key = SECRET.encode() if kind == "expired" else b"a key the course does not have"
    token = lms_launch.sign(launch, key)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server.url}/history?lms={token}")
    wait_ready(page)
    page.get_by_role("heading", name="This lesson cannot be opened").wait_for()
    expected = "has expired" if kind == "expired" else "not one the course made"
    assert expected in page.locator("[data-testid=stMain]").inner_text()
    assert _learner_count(db_url) == before
    context.close()


def _post(url: str, body: bytes, origin: str | None) -> tuple[int, dict, dict]:
    import json
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "text/plain"})
    if origin:
        req.add_header("Origin", origin)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), json.loads(exc.read())


def test_the_launch_route_answers_only_allowed_origins_and_good_requests(lms_and_course):
    import json

    lms_url, server, db_url = lms_and_course
    route = f"{server.url}/api/course/lms/launch"
    good = {"student_id": "emp-1", "student_name": "A", "module": "history", "track": "staff", "location": ""}
    status, headers, body = _post(route, json.dumps(good).encode(), "https://evil.example")
    assert status == 403 and "https://evil.example" in body["error"] and "COURSE_FRAME_ANCESTORS" in body["error"]
    status, _, body = _post(route, b"{not json", lms_url)
    assert status == 400 and "JSON object" in body["error"]
    status, _, body = _post(route, json.dumps({**good, "module": "nope"}).encode(), lms_url)
    assert status == 400 and "'nope'" in body["error"]
    status, _, body = _post(route, json.dumps({**good, "student_id": ""}).encode(), lms_url)
    assert status == 400 and "no learner id" in body["error"]
    status, headers, body = _post(route, json.dumps(good).encode(), lms_url)
    assert status == 200 and body["path"].startswith("/history?lms=")
    assert headers["access-control-allow-origin"] == lms_url


def test_a_malformed_cmi5_launch_gets_a_page_naming_the_problem(lms_and_course):
    import urllib.error
    import urllib.request

    _, server, db_url = lms_and_course
    before = _learner_count(db_url)
    try:
        urllib.request.urlopen(f"{server.url}/api/course/cmi5/launch?module=history&track=staff", timeout=10)
        raise AssertionError("a launch without its parameters was accepted")
    except urllib.error.HTTPError as exc:
        assert exc.code == 400
        assert "no endpoint parameter" in exc.read().decode()
    assert _learner_count(db_url) == before


def test_a_launch_page_opened_outside_an_lms_says_so(browser, lms_and_course):
    lms_url, _, _ = lms_and_course
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{lms_url}/pkg/sco/history.html")
    status = page.get_by_role("status")
    status.get_by_text("must be opened from your learning platform").wait_for(timeout=10000)
    assert page.locator("iframe#course").is_hidden()
    context.close()
