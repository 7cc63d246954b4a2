"""A real PostgreSQL outage and a reload do not hand the learner a new identity (issue 18,
defect 1), and what the learner does meanwhile ends up on their own record, once.

The fault is real: the app reaches PostgreSQL through a TCP relay in this process, and the
outage cuts it (the listening socket closed, every open connection reset), so the app's pool
meets refused and broken connections exactly as when the server stops. The relay leaves the
test server itself running, so this runs beside other tests sharing it (COURSE_TEST_PG_URL).
The learner's side is driven through AppTest; the browser's cookie through identity's
cookie hooks (see tests/app/test_outage_identity.py)."""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import make_url
from sqlalchemy.schema import CreateSchema, DropSchema

from course.events import EXPERIENCED
from course.records import RETRY_AFTER_S, open_store
from course.ui import identity
from tests.app.test_outage_identity import CHOOSE_FIRST, cookies  # noqa: F401 (a fixture)
from tests.app.test_records_ui import new_app, pass_first_quiz
from tests.app.test_walkthrough import go, texts

pytestmark = pytest.mark.postgres


class Relay:
    """A TCP relay to PostgreSQL that an outage cuts and recovery restores, on one port."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            listener, self._listener = self._listener, None
            doomed, self._open = self._open, set()
        if listener is not None:
            listener.close()
        for s in doomed:
            with contextlib.suppress(OSError):
                s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                s.close()  # a reset, as a stopped server's connections see

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._listener is not listener:
                    client.close()
                    server.close()
                    return
                self._open |= {client, server}
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.close()


@pytest.fixture
def relayed_pg(monkeypatch) -> Iterator[tuple[Relay, str]]:
    """A fresh schema on the test PostgreSQL, reached by the app through a relay."""
    server = os.environ.get("COURSE_TEST_PG_URL", "").strip()
    if not server:
        message = "COURSE_TEST_PG_URL is not set: start scripts/pg.sh and set it to run the PostgreSQL fault tests"
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = sa.create_engine(server)
    with admin.begin() as conn:
        conn.execute(CreateSchema(schema))
    parsed = make_url(server)
    relay = Relay(parsed.host or "127.0.0.1", parsed.port or 5432)
    url = (
        parsed.set(host="127.0.0.1", port=relay.port)
        .update_query_dict({"options": f"-csearch_path={schema}"})
        .render_as_string(hide_password=False)
    )
    monkeypatch.setenv("COURSE_DB_URL", url)
    monkeypatch.setenv("COURSE_CERT_SECRET", "test-secret-for-certificates-0123456789")
    st.cache_resource.clear()
    try:
        yield relay, url
    finally:
        st.cache_resource.clear()
        relay.cut()
        with admin.begin() as conn:
            conn.execute(DropSchema(schema, cascade=True))
        admin.dispose()


def test_a_postgresql_outage_and_a_reload_keep_the_learner_and_what_they_did(real_course, relayed_pg, cookies):  # noqa: F811
    relay, url = relayed_pg
    jar, set_calls = cookies
    tab, learner_id, code = pass_first_quiz(real_course)
    assert jar == {identity.COOKIE: code}
    set_calls.clear()
    second = real_course.track("staff").modules[1]

    relay.cut()  # the database goes away
    tab.query_params["step"] = real_course.module(second).sections[0].id
    tab = go(tab, second)  # the open tab reads the next module's first part meanwhile
    assert not tab.exception
    assert "We can't reach the course database right now." in texts(tab)
    reloaded = new_app()  # another tab, or this one reloaded: a new session with the cookie
    assert not reloaded.exception
    assert "We can't read your course record right now" in texts(reloaded)
    assert not [b for b in reloaded.button if b.label == "Start the course"]
    reloaded = go(reloaded, "progress")
    assert CHOOSE_FIRST not in texts(reloaded)
    assert set_calls == [], "the browser's cookie is not moved or cleared by the outage"

    relay.restore()  # the database is back
    # The store turns calls away for RETRY_AFTER_S after a failure, then tries again: the tab
    # reads the record on the first run after that (bounded here, never timed).
    deadline = time.monotonic() + RETRY_AFTER_S + 10
    reloaded = go(reloaded, "")
    while "We can't read your course record right now" in texts(reloaded) and time.monotonic() < deadline:
        time.sleep(0.5)
        reloaded = go(reloaded, "")
    assert reloaded.session_state["learner"].learner_id == learner_id
    staff_modules = len(real_course.track("staff").modules)
    assert f"1 of {staff_modules} modules passed" in reloaded.get("progress")[0].proto.text
    tab.run()
    assert not tab.session_state["learner"].writer.pending
    seen = [
        e
        for e in open_store(url).events(learner_id)
        if e.verb == EXPERIENCED and e.activity.startswith(f"section/{second}/")
    ]
    assert len(seen) == 1, "what the learner did meanwhile is on their own record, once"
    assert all(value == code for _, value in set_calls)
    assert jar == {identity.COOKIE: code}
