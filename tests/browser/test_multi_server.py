"""Two Streamlit servers share one PostgreSQL: progress made on one resumes on the other."""

from __future__ import annotations

import os
import uuid

import pytest

from course.devserver import Server
from tests.browser.conftest import wait_ready

pytestmark = pytest.mark.browser


@pytest.fixture
def pg_database():
    base = os.environ.get("COURSE_TEST_PG_URL")
    if not base:
        if os.environ.get("CI") == "true":
            pytest.fail("COURSE_TEST_PG_URL is not set: scripts/test.sh starts PostgreSQL and sets it")
        pytest.skip("COURSE_TEST_PG_URL is not set (run bash scripts/test.sh)")
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    # A fresh schema (reached through the connection's search_path) keeps this test's data apart.
    schema = f"multi_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base)
    with admin.begin() as c:
        c.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    yield make_url(base).update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    with admin.begin() as c:
        c.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def test_a_learner_answers_on_one_server_and_resumes_on_the_other(browser, pg_database, tmp_path, real_course):
    env = {"COURSE_DB_URL": pg_database, "COURSE_CERT_SECRET": "multi-server-test-secret-0123456789"}
    a, b = Server(env, tmp_path / "a.log"), Server(env, tmp_path / "b.log")
    pages = []
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 1800}, bypass_csp=False).new_page()
        pages.append(page)
        page.goto(a.url)
        wait_ready(page)
        page.get_by_text("Clinic staff onboarding").click()
        page.get_by_role("button", name="Start the course").click()
        wait_ready(page)
        first = real_course.module(real_course.track("staff").modules[0])
        page.get_by_role("button", name=f"Start: {first.title}").click()
        wait_ready(page)
        page.get_by_role("button", name=f"Next: {first.sections[0].heading}").click()
        wait_ready(page)
        page.get_by_role("link", name="Home").click()
        wait_ready(page)
        page.get_by_text("Save your place: your private resume link").click()
        link = page.locator("[data-testid=stCode] code").first.inner_text().strip()
        assert f"127.0.0.1:{a.port}/" in link and "?resume=" in link
        code = link.split("?resume=")[1]

        other = browser.new_context(
            viewport={"width": 1280, "height": 1800}, bypass_csp=False
        ).new_page()  # another device
        pages.append(other)
        other.goto(f"{b.url}/?resume={code}")
        wait_ready(other)
        body = other.locator("[data-testid=stMain]").inner_text()
        assert "Welcome back. Your progress is restored." in body
        assert "Your course: Clinic staff onboarding" in body
        assert f"Continue: {first.title}" in body  # the section read on server A counts here
    finally:
        for p in pages:  # closed, or they keep reconnecting to the stopped servers and load the browser
            p.context.close()
        a.stop()
        b.stop()
