"""Faults met by a real Streamlit server (course/devserver.py), driven as a browser tab is,
through the websocket protocol (bench/load.py's client): a click on a quiz answer reruns that
question alone, as in Chromium.

- PostgreSQL frozen under the server: the click says "Not saved yet" within seconds (it spun
  for more than 45 s before), the server log has one line when the outage begins and one when
  it ends, and after the thaw each answer is on the learner's record once.
- The server killed (SIGKILL) while learners submit quizzes: the records hold whole
  submissions only, and a new server on the same file carries on.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
from collections import Counter
from pathlib import Path

import pytest

from course.events import ANSWERED, FAILED, PASSED
from course.loader import load_course
from course.records import RETRY_AFTER_S, open_store
from tests.conftest import run_in_own_loop
from tests.slow.test_bench_smoke import bench

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
NOTICE_WITHIN_S = 10  # "within a few seconds", generously
load = bench("load")


def start_server(db_url: str, log: Path):
    env = {**load.server_env(db_url), "COURSE_DB_CONNECT_TIMEOUT": "2", "COURSE_DB_STATEMENT_TIMEOUT": "2"}
    return load.Server(env, log, script=load.COURSE_APP)


async def to_quiz(client, course, track_id: str = "staff"):
    """Home -> choose the track -> read the first module's sections (the staff track's
    completion rule opens its quiz then) -> its quiz; return the run and the quiz."""
    track = course.track(track_id)
    module = course.module(track.modules[0])
    run = await client.open()
    radio = run.find("radio", lambda e: e.el.label == "Track")
    run = await client.interact(
        values={radio.widget_id: ("string_value", track.title)},
        trigger=run.form_submit("choose-track").widget_id,
    )
    if track.completion.sections == "all":
        run = await client.interact(trigger=run.button(f"Start: {module.title}").widget_id)
        for _ in module.sections:
            run = await client.interact(trigger=run.widget_with_key("button", "next").widget_id)
    run = await client.interact(page=f"{module.id}-quiz")
    assert run.heading() == course.quizzes[module.quiz].title, run.texts()
    return run, course.quizzes[module.quiz]


async def click(client, run, quiz, qid, kind, suffix, value):
    widget = run.widget_with_key(kind, f"q-{quiz.id}-staff-1-{qid}{suffix}")
    return await client.interact(values={widget.widget_id: value}, fragment=widget.fragment_id)


@pytest.mark.postgres
def test_a_click_on_a_frozen_database_says_not_saved_within_seconds_and_lands_once_after(pg_cluster, tmp_path):
    course = load_course(ROOT)
    url = pg_cluster.fresh_schema_url()
    log = tmp_path / "server.log"
    server = start_server(url, log)

    async def walk() -> tuple[list[float], str]:
        client = load.StreamlitClient(server.url, timeout=120)
        try:
            run, quiz = await to_quiz(client, course)
            clicks = load.answer_clicks(quiz, "staff")
            pg_cluster.freeze()
            took = []
            for qid, kind, suffix, value in clicks[:2]:  # the first waits out the timeout; the next is turned away
                run = await click(client, run, quiz, qid, kind, suffix, value)
                took.append(run.elapsed)
                assert run.has_text("Not saved yet"), run.texts()
                assert not run.exceptions, run.exceptions
            pg_cluster.thaw()
            await asyncio.sleep(RETRY_AFTER_S)
            for qid, kind, suffix, value in clicks[2:]:
                run = await click(client, run, quiz, qid, kind, suffix, value)
            run = await client.interact(trigger=run.widget_with_key("button", f"submit-{quiz.id}-staff-1").widget_id)
            assert run.has_text("Passed. "), run.texts()
            assert not run.has_text("Not saved yet"), "the waiting answers were written"
            return took, quiz.id
        finally:
            await client.close()

    try:
        took, quiz_id = run_in_own_loop(walk)
    finally:
        server.stop()
    assert all(t < NOTICE_WITHIN_S for t in took), took

    store = open_store(url)
    try:
        learners = store.events_between()
    finally:
        store.close()
    answered = Counter((e.learner_id, e.activity) for e in learners if e.verb == ANSWERED)
    assert len({learner for learner, _ in answered}) == 1, "one learner, the same before and after"
    questions = course.quizzes[quiz_id].items("staff")
    assert sorted(answered.values()) == [1] * len(questions), answered
    text = log.read_text()
    assert text.count("outage: ") == 1 and text.count("recovered: ") == 1, text[-3000:]


def test_a_server_killed_while_learners_submit_leaves_whole_submissions_and_a_new_server_carries_on(tmp_path):
    course = load_course(ROOT)
    db = tmp_path / "course.sqlite"
    url = f"sqlite:///{db}"
    server = start_server(url, tmp_path / "first.log")
    plan = load.make_plan(course, read_pages=0)

    def submitted() -> int:
        try:
            with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
                return conn.execute("SELECT count(*) FROM events WHERE verb IN (?, ?)", (PASSED, FAILED)).fetchone()[0]
        except sqlite3.Error:
            return 0

    async def learners_until_killed() -> None:
        async def one(i: int) -> None:
            client = load.StreamlitClient(server.url, timeout=60)
            try:
                await load.course_learner(client, plan, "staff", 0.0, load.LearnerResult())
            except Exception:  # the server is killed under them: that is the point
                pass
            finally:
                with contextlib.suppress(Exception):
                    await client.close()

        async def killer() -> None:
            while submitted() < 2:  # some submissions in, others on their way
                await asyncio.sleep(0.05)
            os.kill(server.pid, signal.SIGKILL)

        await asyncio.gather(killer(), *(one(i) for i in range(6)))

    try:
        run_in_own_loop(learners_until_killed)
    finally:
        server.proc.wait(timeout=30)
        server.stop()

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    store = open_store(url)
    try:
        events = store.events_between()
    finally:
        store.close()
    quiz = course.quizzes[course.module(course.track("staff").modules[0]).quiz]
    size = len(quiz.items("staff"))
    for learner in {e.learner_id for e in events if e.verb in (PASSED, FAILED)}:
        answers = [e for e in events if e.learner_id == learner and e.verb == ANSWERED]
        assert len(answers) == size, f"a whole submission: {len(answers)} of {size} answers"
    assert len({e.event_id for e in events}) == len(events)

    again = start_server(url, tmp_path / "second.log")  # the same file, a new server
    try:

        async def one_more() -> str:
            client = load.StreamlitClient(again.url, timeout=60)
            res = load.LearnerResult()
            try:
                await load.course_learner(client, plan, "staff", 0.0, res)
            finally:
                await client.close()
            return res.reached

        assert run_in_own_loop(one_more) == "my progress"
    finally:
        again.stop()
