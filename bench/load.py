"""Load benchmark: hundreds of simulated learners, no browsers, against the course and a floor.

    python bench/load.py                           # N = 1, 20, 50, 100: course vs floor
    python bench/load.py --apps course,floor,course@6b23088 # and the course at an earlier commit
    python bench/load.py --levels 1,5 --think 0.5  # a quick run
    python bench/load.py --target http://127.0.0.1:8640 --pids 123,124 --apps course --name replicas-2
                                                   # an already running deployment (deploy/up.sh)
    python bench/load.py --handoff http://127.0.0.1:8511 http://127.0.0.1:8512
                                                   # progress written via one replica, read via another
    python bench/load.py --target http://127.0.0.1:8640 --levels 100 --bracket 1 --apps course --name replicas-1
                                                   # and one more level if the knee is not bracketed
    python bench/load.py --compare bench/results/replicas-1.json bench/results/replicas-2.json

Each simulated learner speaks Streamlit's own protocol over the websocket `/_stcore/stream`
(subprotocol `streamlit`, protobuf `BackMsg` up and `ForwardMsg` down), exactly as the
browser does: it opens the app, chooses a track in the Home form, presses "Start: <module>",
reads `--pages` pages with the Next button (1 by default; -1 reads them all and takes the
summary's "Take the quiz" button, otherwise the quiz opens by its address), takes the quiz
with the right answers from the course files, and opens My progress. Each answer is a click of
its own, as in the browser: the question is a fragment, so the click reruns that question
alone and saves the answer (course/ui/kept.py); then Submit answers grades the quiz. Every step is checked against what the server rendered (the
heading of the module page, "Passed." after the quiz, ...); a step that does not show what
a learner would see counts as an error, as does an exception element, the database-offline
notice, a timeout or a dropped connection.

In the same run the same number of sessions drive `bench/floor_app.py` (one line of text
and one button) with as many button presses as a course learner makes interactions: the
floor is what Streamlit itself costs, so the course/floor ratio is the course's own cost.

For every N the servers are fresh processes started here on free 127.0.0.1 ports (headless,
developmentMode false, no file watcher), the course with COURSE_DB_URL pointing at a
temporary SQLite file (or `--db-url`). One learner warms each server up first; then N
learners start spread over `--ramp` seconds, think `--think` seconds (uniformly 0.5x..1.5x)
before each interaction, and stay connected when done, so the server's VmRSS
(/proc/PID/status) after minus before, divided by N, is the memory of an idle session.

Figures: first render (connect to the end of the first script run), interaction (BackMsg
sent to the end of the run it caused, including any st.rerun/st.switch_page follow-up run),
p50/p95, errors, RSS per session, server CPU per interaction (/proc/PID/stat), completed
interactions per second, and the app's tracebacks from the server log (the client only
sees Streamlit's redacted message). Results go to bench/results/NAME.json and NAME.md.

`course@REV` serves the course as it was at git revision REV (a temporary worktree, same
packages), so a change can be measured against what came before in the same run.
`floor+K` is the floor app drawing K more paragraphs on each press: Streamlit's own cost for a
page of about as many elements as a course page sends, with no course logic at all. The
message counts per step (printed with the results) say which K matches the course.
Only 127.0.0.1 is contacted; every loop is bounded.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import http.cookies
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from course.devserver import Server  # noqa: E402
from course.loader import load_course  # noqa: E402
from course.progress import OVERVIEW, steps  # noqa: E402
from course.schema import Course, Module, Quiz  # noqa: E402

RESULTS = ROOT / "bench" / "results"
FLOOR_APP = ROOT / "bench" / "floor_app.py"
COURSE_APP = ROOT / "streamlit_app.py"
EARLY_FOR_RERUN = ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN
FRAGMENT_RUN = ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
ANSWER = "answer"  # the step name of one click on a quiz answer (a fragment run)
OFFLINE_NOTICE = "We can't reach the course database right now"


class StepFailed(Exception):
    """The server did not show what a learner would see at this step."""


class Stopped(Exception):
    """The learner was asked to stop before their next step (run_sessions' `stop`): not an error."""


# --------------------------------------------------------------------------- protocol client


@dataclass
class Rendered:
    """One element the server drew in a run: its delta path, element type and proto."""

    path: tuple[int, ...]
    kind: str
    el: Any
    fragment_id: str = ""  # the fragment that drew it, if any

    @property
    def text(self) -> str:
        fields = self.el.DESCRIPTOR.fields_by_name
        parts = [getattr(self.el, name) for name in ("label", "body", "text", "code_text") if name in fields]
        return " ".join(p for p in parts if isinstance(p, str) and p)

    @property
    def widget_id(self) -> str:
        return self.el.id if "id" in self.el.DESCRIPTOR.fields_by_name else ""


@dataclass
class Run:
    """What one interaction produced: the final script run's elements and how long it took."""

    elapsed: float
    elements: list[Rendered]
    runs: int  # script runs it took: 2 after st.rerun() or st.switch_page()
    exceptions: list[str]
    messages: int = 0  # ForwardMsgs received, every run included

    def texts(self) -> list[str]:
        return [e.text for e in self.elements]

    def has_text(self, needle: str) -> bool:
        return any(needle in t for t in self.texts())

    def heading(self, tag: str = "h1") -> str | None:
        return next((e.el.body for e in self.elements if e.kind == "heading" and e.el.tag == tag), None)

    def find(self, kind: str, pred: Callable[[Rendered], bool] = lambda e: True) -> Rendered:
        for e in self.elements:
            if e.kind == kind and pred(e):
                return e
        raise StepFailed(f"no {kind} matching on a page titled {self.heading()!r}")

    def widget_with_key(self, kind: str, key: str) -> Rendered:
        return self.find(kind, lambda e: e.widget_id.endswith(f"-{key}"))

    def button(self, label: str) -> Rendered:
        return self.find("button", lambda e: e.el.label == label)

    def form_submit(self, form_id: str) -> Rendered:
        return self.find("button", lambda e: e.el.is_form_submitter and e.el.form_id == form_id)


COOKIE_TOKEN = re.compile(r'data-token="([^"]+)"')  # course/ui/common.py's COOKIE_SCRIPT


class StreamlitClient:
    """One browser tab's worth of Streamlit protocol: page, query string, widget values.

    With `browser_cookies`, it also does what the page's cookie script does in a browser: it
    posts each signed cookie token the app draws to the cookie route (course/ui/web.py) and
    keeps the cookies the server sets, sending them when it connects again (a reload)."""

    def __init__(self, base_url: str, cookie: str | None = None, timeout: float = 60.0, browser_cookies: bool = False):
        self._elements: dict[tuple[int, ...], Rendered] = {}  # what is on screen, across fragment runs
        self.base_url = base_url.rstrip("/")
        self.ws_url = base_url.replace("http://", "ws://").rstrip("/") + "/_stcore/stream"
        self.cookie = cookie
        self.browser_cookies = browser_cookies
        self.jar: dict[str, str] = {}  # cookies the server set (browser_cookies)
        self.timeout = timeout
        self.page_hash = ""
        self.query = ""
        self.pages: dict[str, str] = {}  # url path ('' for the default page) -> page_script_hash
        self._values: dict[str, WidgetState] = {}  # what the frontend re-sends on every rerun
        self._ws: ClientConnection | None = None

    async def open(self, query: str = "") -> Run:
        """Connect and run the script for the first time, as a browser opening the page does."""
        cookies = {**({"course_route": self.cookie} if self.cookie else {}), **self.jar}
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else None
        start = time.perf_counter()
        self._ws = await connect(
            self.ws_url,
            subprotocols=["streamlit"],
            additional_headers=headers,
            proxy=None,
            max_size=None,
            compression=None,
            open_timeout=self.timeout,
            ping_interval=None,  # a busy server must not be dropped for a late pong
        )
        self.query = query
        return await self._rerun([], start=start)

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def interact(
        self,
        values: dict[str, tuple[str, Any]] | None = None,
        trigger: str | None = None,
        page: str | None = None,
        query: str | None = None,
        fragment: str | None = None,
    ) -> Run:
        """Set widget values, press a button (or form submit button), or open another page.
        With `fragment`, only that fragment reruns, as when a widget inside it changes."""
        for wid, (kind, value) in (values or {}).items():
            state = WidgetState(id=wid)
            setattr(state, kind, value)
            self._values[wid] = state
        if page is not None:
            self.page_hash = self.pages[page]
            self.query = query or ""
            self._values.clear()  # a new page: its widgets start afresh
        elif query is not None:
            self.query = query
        triggers = [WidgetState(id=trigger, trigger_value=True)] if trigger else []
        return await self._rerun(triggers, fragment=fragment)

    async def _rerun(self, triggers: list[WidgetState], start: float | None = None, fragment: str | None = None) -> Run:
        assert self._ws is not None, "open() first"
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        if fragment:
            rerun.fragment_id = fragment
        rerun.widget_states.widgets.extend([*self._values.values(), *triggers])
        start = time.perf_counter() if start is None else start
        await self._ws.send(msg.SerializeToString())
        try:
            run = await asyncio.wait_for(self._collect(start), self.timeout)
        except TimeoutError:
            raise StepFailed(f"no end of script run within {self.timeout:.0f} s") from None
        if self.browser_cookies:
            for e in run.elements:
                if e.kind == "html" and "/api/course/cookie" in e.el.body:
                    for token in COOKIE_TOKEN.findall(e.el.body):
                        await asyncio.to_thread(self._post_cookie, html.unescape(token))
        return run

    def _post_cookie(self, token: str) -> None:
        """POST the token as the page's script does; keep what Set-Cookie says (a cleared cookie
        goes). Only the cookie route on this client's own 127.0.0.1 server is contacted."""
        request = urllib.request.Request(
            f"{self.base_url}/api/course/cookie", data=token.encode(), headers={"Content-Type": "text/plain"}
        )
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(request, timeout=self.timeout) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in http.cookies.SimpleCookie(header).items():
                    if morsel.value and morsel["max-age"] != "0":
                        self.jar[name] = morsel.value
                    else:
                        self.jar.pop(name, None)

    async def _collect(self, start: float) -> Run:
        assert self._ws is not None
        elements = self._elements
        exceptions: list[str] = []
        runs = 0
        messages = 0
        started = False
        while True:
            data = await self._ws.recv()
            messages += 1
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                started = True  # a script run begins; what it draws replaces the last run
                if not fwd.metadata.run.fragment_ids:  # a fragment's run redraws that fragment alone
                    elements.clear()
                exceptions.clear()
            elif not started:
                continue  # the tail of the previous run (session_status_changed)
            elif kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el_kind = fwd.delta.new_element.WhichOneof("type")
                el = getattr(fwd.delta.new_element, el_kind)
                path = tuple(fwd.metadata.delta_path)
                # An element drawn where a container was (st.empty() over a form) replaces
                # the container and everything in it, as in the browser.
                for inside in [k for k in elements if k[: len(path)] == path and len(k) > len(path)]:
                    del elements[inside]
                elements[path] = Rendered(path, el_kind, el, fwd.delta.fragment_id)
                if el_kind == "exception":
                    exceptions.append(f"{el.type}: {el.message}")
            elif kind == "navigation":
                self.page_hash = fwd.navigation.page_script_hash
                for p in fwd.navigation.app_pages:
                    self.pages[p.url_pathname] = p.page_script_hash
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "page_not_found":
                exceptions.append(f"page not found: {fwd.page_not_found.page_name}")
            elif kind == "script_finished":
                runs += 1
                if fwd.script_finished == EARLY_FOR_RERUN:
                    continue  # st.rerun() or st.switch_page(): the next run follows at once
                elapsed = time.perf_counter() - start
                ordered = [elements[k] for k in sorted(elements)]
                if fwd.script_finished != FRAGMENT_RUN:
                    live = {e.widget_id for e in ordered if e.widget_id}
                    # The frontend forgets the state of widgets that are no longer drawn.
                    self._values = {k: v for k, v in self._values.items() if k in live}
                return Run(elapsed, ordered, runs, exceptions, messages)


DROPPED = (ConnectionClosed, OSError, EOFError)  # the server went away under the client


class ReconnectingClient(StreamlitClient):
    """A tab that lives through a server restart, as a learner's browser does.

    When the connection drops during an interaction (the websocket closes, or cannot be
    opened), the client reconnects to the same address every 0.5 s for up to `reconnect_s`
    seconds, sending the cookies the app set (browser_cookies is on: the learner's resume
    code is one). Once connected it opens the page it was on, with its query string and no
    widget values: a reload, so what the page shows comes from the server and its store, not
    from this tab. `on_reload(run)` sees that page (the soak checks a quiz's kept answers
    there). Then the learner repeats the click that was lost, once. Each reconnection is
    counted in `reconnects`, with the seconds it took in `outage_s`. Opening the app for the
    first time is retried the same way (a tab opened while the server restarts waits for it)."""

    def __init__(
        self,
        base_url: str,
        cookie: str | None = None,
        timeout: float = 60.0,
        reconnect_s: float = 120.0,
        on_reload: Callable[[Run], None] | None = None,
    ):
        super().__init__(base_url, cookie, timeout, browser_cookies=True)
        self.reconnect_s = reconnect_s
        self.on_reload = on_reload
        self.reconnects = 0
        self.outage_s: list[float] = []

    async def interact(self, *args: Any, **kwargs: Any) -> Run:
        page_before, query_before = self.page_hash, self.query
        try:
            return await super().interact(*args, **kwargs)
        except DROPPED:
            pass
        self.page_hash, self.query = page_before, query_before  # where the tab was
        run = await self.reload()
        if self.on_reload is not None:
            self.on_reload(run)
        return await super().interact(*args, **kwargs)

    async def open(self, query: str = "") -> Run:
        """The first connection, retried as a reconnection is (not counted as one)."""
        return await self._connect(query)

    async def reload(self) -> Run:
        """Connect again (bounded) and open the page this tab was on, as a reload."""
        started = time.perf_counter()
        run = await self._connect(self.query)
        self.reconnects += 1
        self.outage_s.append(round(time.perf_counter() - started, 2))
        return run

    async def _connect(self, query: str) -> Run:
        with contextlib.suppress(Exception):
            await self.close()
        deadline = time.perf_counter() + self.reconnect_s
        while True:
            self._values.clear()
            self._elements.clear()
            try:
                return await super().open(query=query)
            except DROPPED:
                with contextlib.suppress(Exception):
                    await self.close()
                if time.perf_counter() > deadline:
                    raise StepFailed(f"the server did not come back within {self.reconnect_s:.0f} s") from None
                await asyncio.sleep(0.5)


# --------------------------------------------------------------------------- simulated users


@dataclass
class LearnerResult:
    # Server CPU seconds so far, read around each step when one learner walks alone
    # (bench/steps.py): then the difference is that step's CPU.
    cpu_probe: Callable[[], float | None] | None = None
    cpu: list[tuple[str, float]] = field(default_factory=list)  # step, server CPU s
    first_render: float | None = None
    interactions: list[tuple[str, float]] = field(default_factory=list)
    messages: list[tuple[str, int, int]] = field(default_factory=list)  # step, messages sent, script runs
    errors: list[str] = field(default_factory=list)
    reached: str = "start"  # the last step that showed what it should
    finished: bool = False
    stop: asyncio.Event | None = None  # set: leave before the next step (Stopped)


@dataclass
class Plan:
    """What every course learner does, worked out once from the course files."""

    course: Course
    tracks: list[str]  # track ids, assigned round robin
    module: dict[str, Module]  # track id -> the module its learners open first
    pages: dict[str, int]  # track id -> module pages read with Next before the quiz
    per_track: dict[str, int]  # interactions a course learner makes, by track

    @property
    def interactions(self) -> int:
        """Per learner: the floor's learners press their button this often."""
        return max(self.per_track.values())


def make_plan(course: Course, read_pages: int | None = 1) -> Plan:
    """`read_pages`: pages after the overview a learner reads with Next (None: all of them,
    then the summary's own "Take the quiz" button; fewer: then the quiz by its address). On a
    track whose completion rule asks for every section, learners read at least those."""
    modules, pages, counts = {}, {}, {}
    for t in course.settings.tracks:
        m = course.module(t.modules[0])
        modules[t.id] = m
        readable = len(steps(m)) - 2  # sections and summary, after the overview
        pages[t.id] = readable if read_pages is None else min(read_pages, readable)
        if t.completion.sections == "all":  # the track's rule: the quiz opens once every section is read
            pages[t.id] = max(pages[t.id], len(m.sections))
        # choose track, Start, Next x pages, open the quiz, a click per answer, submit, My progress
        counts[t.id] = 1 + 1 + pages[t.id] + 1 + len(answer_clicks(course.quizzes[m.quiz], t.id)) + 1 + 1
    return Plan(course, [t.id for t in course.settings.tracks], modules, pages, counts)


def answer_clicks(quiz: Quiz, track: str) -> list[tuple[str, str, str, tuple[str, Any]]]:
    """The clicks that answer a quiz right, in order: (question id, widget kind, widget key
    suffix, value as the browser sends it). A choice is one click; a "choose all that apply"
    question one per box ticked; an ordering question one per position chosen, as the
    selectbox's formatted option."""
    clicks: list[tuple[str, str, str, tuple[str, Any]]] = []
    for _, q in quiz.items(track):
        if q.type == "single":
            clicks.append((q.id, "radio", "", ("string_value", next(o.text for o in q.options if o.id == q.answer))))
        elif q.type == "true_false":
            clicks.append((q.id, "radio", "", ("string_value", "True" if q.answer else "False")))
        elif q.type == "multiple":
            clicks += [(q.id, "checkbox", f"-{o.id}", ("bool_value", True)) for o in q.options if o.id in q.answer]
        else:
            clicks += [
                (q.id, "selectbox", f"-{o.id}", ("string_value", str(q.answer.index(o.id) + 1))) for o in q.options
            ]
    return clicks


def quiz_answers(quiz: Quiz, track: str, run: Run, attempt: int = 1) -> dict[str, tuple[str, Any]]:
    """The right answer to every question, as the widget values a browser would send. Widget
    keys are `q-QUIZ-TRACK-ATTEMPT-QUESTION` now and were `q-QUIZ-ATTEMPT-QUESTION` before
    (a `course@REV` baseline may be either)."""
    form = f"{track}-{attempt}" if any(f"q-{quiz.id}-{track}-" in e.widget_id for e in run.elements) else attempt
    return {
        run.widget_with_key(kind, f"q-{quiz.id}-{form}-{qid}{suffix}").widget_id: value
        for qid, kind, suffix, value in answer_clicks(quiz, track)
    }


def _expect(ok: bool, what: str, run: Run) -> None:
    if run.exceptions:
        raise StepFailed(f"{what}: exception on the page: {run.exceptions[0]}")
    if run.has_text(OFFLINE_NOTICE):
        raise StepFailed(f"{what}: the app says the database cannot be reached")
    if not ok:
        raise StepFailed(f"{what}: the page titled {run.heading()!r} does not show it")


CPU_SETTLE_S = 0.05  # work the server finishes after the run's last message (sends, cleanup)


async def _charge_cpu(res: LearnerResult, name: str, before: float | None) -> None:
    if res.cpu_probe is None or before is None:
        return
    await asyncio.sleep(CPU_SETTLE_S)
    after = res.cpu_probe()
    if after is not None:
        res.cpu.append((name, after - before))


def _check_stop(res: LearnerResult) -> None:
    if res.stop is not None and res.stop.is_set():
        raise Stopped


async def _think(think: float) -> None:
    if think > 0:
        await asyncio.sleep(think * random.uniform(0.5, 1.5))


async def course_learner(client: StreamlitClient, plan: Plan, track_id: str, think: float, res: LearnerResult) -> Run:
    """Home -> choose a track -> Start the first module -> read it -> pass its quiz -> My progress."""
    course = plan.course
    track = course.track(track_id)
    module = plan.module[track_id]
    quiz = course.quizzes[module.quiz]

    async def step(name: str, **kwargs: Any) -> Run:
        await _think(think)
        _check_stop(res)
        before = res.cpu_probe() if res.cpu_probe else None
        run = await client.interact(**kwargs)
        res.interactions.append((name, run.elapsed))
        res.messages.append((name, run.messages, run.runs))
        await _charge_cpu(res, name, before)
        return run

    run = await client.open()
    res.first_render = run.elapsed
    _expect(run.has_text("Choose how you want to take the course"), "Home shows the track choice", run)
    res.reached = "home"

    radio = run.find("radio", lambda e: e.el.label == "Track")
    run = await step(
        "choose track",
        values={radio.widget_id: ("string_value", track.title)},
        trigger=run.form_submit("choose-track").widget_id,
    )
    _expect(run.heading("h2") == f"Your course: {track.title}", "the course map after choosing a track", run)
    res.reached = "course map"

    run = await step("open module", trigger=run.button(f"Start: {module.title}").widget_id)
    _expect(run.heading() == module.title and client.query == f"step={OVERVIEW}", "the module's overview page", run)
    res.reached = "module"

    order = steps(module)[:-1]
    pages = plan.pages[track_id]
    for nxt in order[1 : 1 + pages]:
        run = await step("next page", trigger=run.widget_with_key("button", "next").widget_id)
        _expect(client.query == f"step={nxt}", f"module page {nxt}", run)
    if pages == len(order) - 1:  # read to the summary: its own "Take the quiz" button
        run = await step("open quiz", trigger=run.widget_with_key("button", "to-quiz").widget_id)
    else:  # the quiz's address, as a bookmark or a link from the trainer opens it
        run = await step("open quiz", page=f"{module.id}-quiz")
    _expect(run.heading() == quiz.title, "the quiz page", run)
    res.reached = "quiz"

    submitter = [e for e in run.elements if e.kind == "button" and e.el.is_form_submitter]
    if submitter:  # a `course@REV` from before answers were kept: the quiz was one form
        run = await step("submit quiz", values=quiz_answers(quiz, track_id, run), trigger=submitter[0].widget_id)
    else:
        form = f"{track_id}-1"
        for qid, kind, suffix, value in answer_clicks(quiz, track_id):
            widget = run.widget_with_key(kind, f"q-{quiz.id}-{form}-{qid}{suffix}")
            _expect(bool(widget.fragment_id), f"question {qid} drawn in a fragment of its own", run)
            run = await step(ANSWER, values={widget.widget_id: value}, fragment=widget.fragment_id)
            _expect(not run.has_text("Not saved yet"), f"the answer to {qid} saved", run)
        run = await step("submit quiz", trigger=run.widget_with_key("button", f"submit-{quiz.id}-{form}").widget_id)
    _expect(run.has_text("Passed. "), "a passed quiz", run)
    res.reached = "quiz passed"

    run = await step("my progress", page="progress")
    _expect(run.heading() == "My progress" and run.has_text("modules passed"), "My progress", run)
    res.reached = "my progress"
    return run


async def floor_user(client: StreamlitClient, presses: int, think: float, res: LearnerResult) -> Run:
    run = await client.open()
    res.first_render = run.elapsed
    _expect(run.has_text("hello"), "the floor app", run)
    res.reached = "home"
    for _ in range(presses):
        await _think(think)
        _check_stop(res)
        before = res.cpu_probe() if res.cpu_probe else None
        run = await client.interact(trigger=run.button("Press me").widget_id)
        res.interactions.append(("press", run.elapsed))
        res.messages.append(("press", run.messages, run.runs))
        await _charge_cpu(res, "press", before)
        _expect(run.has_text("pressed"), "the pressed button", run)
    res.reached = "done"
    return run


# --------------------------------------------------------------------------- servers


def rss_kib(pid: int) -> int | None:
    """VmRSS of a process in KiB, or None when it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time a process has used, from /proc/PID/stat."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Servers:
    """The server processes whose memory and CPU a level reads (none: not measured)."""

    def __init__(self, pids: Iterable[int] = ()):
        self.pids = list(pids)

    def rss_kib(self) -> int | None:
        values = [rss_kib(p) for p in self.pids]
        return sum(values) if values and all(v is not None for v in values) else None  # type: ignore[misc]

    def cpu_s(self) -> float | None:
        values = [cpu_seconds(p) for p in self.pids]
        return sum(values) if values and all(v is not None for v in values) else None  # type: ignore[misc]


# --------------------------------------------------------------------------- one load level


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolated percentile (q in 0..100) of the values, None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


@dataclass
class LevelResult:
    app: str
    n: int
    first_render_p50_ms: float | None
    first_render_p95_ms: float | None
    interaction_p50_ms: float | None
    interaction_p95_ms: float | None
    interactions: int
    throughput_per_s: float
    errors: int
    finished: int
    stopped: int  # left when asked to (run_sessions' `stop`), neither finished nor failed
    rss_before_mib: float | None
    rss_after_mib: float | None
    rss_per_session_mib: float | None
    server_cpu_ms_per_interaction: float | None
    server_cpu_utilisation: float | None  # CPU seconds per wall second (1.0 = one core)
    client_cpu_utilisation: float
    duration_s: float
    error_samples: list[str]
    reached: dict[str, int]
    per_step_p95_ms: dict[str, float]
    messages_per_interaction: float | None = None  # mean ForwardMsgs the server sent per interaction
    per_step_messages: dict[str, float] = field(default_factory=dict)  # the same, by step
    per_step_runs: dict[str, float] = field(default_factory=dict)  # mean script runs per interaction, by step
    server_exceptions: dict[str, int] = field(default_factory=dict)  # from the server's log
    # The same without answer clicks (a question redrawn alone): the steps that draw a page.
    page_steps_p50_ms: float | None = None
    page_steps_p95_ms: float | None = None
    answer_share: float = 0.0  # the part of all interactions that are answer clicks
    loadavg: str = ""  # the machine's 1-minute load average at the start and end of the level


async def run_sessions(
    app: str,
    url: str,
    n: int,
    plan: Plan,
    think: float,
    ramp: float,
    timeout: float,
    servers: Servers | None = None,
    cookies: bool = True,
    presses: int | None = None,
    stop: asyncio.Event | None = None,
) -> LevelResult:
    """N learners (or floor users) at once; each stays connected until all are done. A floor
    user presses `presses` times (default: as often as a course learner interacts). Once
    `stop` is set, each leaves before their next step (counted as stopped, not as an error):
    load that ends when something else measured under it is done."""
    results = [LearnerResult(stop=stop) for _ in range(n)]
    all_done = asyncio.Event()
    release = asyncio.Event()
    remaining = n
    level_deadline = ramp + plan.interactions * (think * 1.5 + timeout) + timeout

    async def one(i: int) -> None:
        nonlocal remaining
        res = results[i]
        await asyncio.sleep(ramp * i / max(n, 1))
        client = StreamlitClient(url, cookie=uuid.uuid4().hex if cookies else None, timeout=timeout)
        try:
            if app.startswith("course"):
                await course_learner(client, plan, plan.tracks[i % len(plan.tracks)], think, res)
            else:
                await floor_user(client, presses or plan.interactions, think, res)
            res.finished = True
        except Stopped:
            pass
        except StepFailed as exc:
            res.errors.append(f"{res.reached}: {exc}")
        except (OSError, EOFError) as exc:
            res.errors.append(f"{res.reached}: connection: {type(exc).__name__}: {exc}")
        except Exception as exc:  # a websocket closed by the server, a protocol surprise
            res.errors.append(f"{res.reached}: {type(exc).__name__}: {exc}")
        finally:
            remaining -= 1
            if remaining == 0:
                all_done.set()
            try:
                await asyncio.wait_for(release.wait(), level_deadline)  # stay connected: an idle session
            finally:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(client.close(), 10)

    servers = servers or Servers()
    load_start = os.getloadavg()[0]
    before = servers.rss_kib()
    cpu_before = servers.cpu_s()
    client_before = time.process_time()
    start = time.perf_counter()
    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    try:
        await asyncio.wait_for(all_done.wait(), level_deadline)
    except TimeoutError:
        for i, r in enumerate(results):
            if not r.finished and not r.errors:
                results[i].errors.append(f"{r.reached}: did not finish within {level_deadline:.0f} s")
    duration = time.perf_counter() - start
    cpu_after = servers.cpu_s()
    client_cpu = time.process_time() - client_before
    await asyncio.sleep(1.0)  # let the server settle before reading its memory
    after = servers.rss_kib()
    release.set()
    if not all_done.is_set():
        for t in tasks:
            t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    firsts = [r.first_render for r in results if r.first_render is not None]
    inter = [d for r in results for _, d in r.interactions]
    page_steps = [d for r in results for name, d in r.interactions if name != ANSWER]
    by_step: dict[str, list[float]] = {}
    for r in results:
        for name, d in r.interactions:
            by_step.setdefault(name, []).append(d)
    reached: dict[str, int] = {}
    for r in results:
        reached[r.reached] = reached.get(r.reached, 0) + 1
    errors = [e for r in results for e in r.errors]
    sent = [m for r in results for _, m, _ in r.messages]
    sent_by_step: dict[str, list[int]] = {}
    runs_by_step: dict[str, list[int]] = {}
    for r in results:
        for name, m, runs in r.messages:
            sent_by_step.setdefault(name, []).append(m)
            runs_by_step.setdefault(name, []).append(runs)

    def ms(v: float | None) -> float | None:
        return None if v is None else round(v * 1000, 1)

    return LevelResult(
        app=app,
        n=n,
        first_render_p50_ms=ms(percentile(firsts, 50)),
        first_render_p95_ms=ms(percentile(firsts, 95)),
        interaction_p50_ms=ms(percentile(inter, 50)),
        interaction_p95_ms=ms(percentile(inter, 95)),
        interactions=len(inter),
        throughput_per_s=round(len(inter) / duration, 2) if duration > 0 else 0.0,
        errors=len(errors),
        finished=sum(r.finished for r in results),
        stopped=sum(1 for r in results if r.stop is not None and r.stop.is_set() and not r.finished and not r.errors),
        rss_before_mib=round(before / 1024, 1) if before else None,
        rss_after_mib=round(after / 1024, 1) if after else None,
        rss_per_session_mib=round((after - before) / 1024 / n, 3) if before and after else None,
        server_cpu_ms_per_interaction=(
            round((cpu_after - cpu_before) * 1000 / len(inter), 1)
            if cpu_before is not None and cpu_after is not None and inter
            else None
        ),
        server_cpu_utilisation=(
            round((cpu_after - cpu_before) / duration, 2)
            if cpu_before is not None and cpu_after is not None and duration > 0
            else None
        ),
        client_cpu_utilisation=round(client_cpu / duration, 2) if duration > 0 else 0.0,
        duration_s=round(duration, 1),
        error_samples=sorted(set(errors))[:10],
        reached=reached,
        per_step_p95_ms={k: ms(percentile(v, 95)) for k, v in by_step.items()},
        messages_per_interaction=round(sum(sent) / len(sent), 1) if sent else None,
        per_step_messages={k: round(sum(v) / len(v), 1) for k, v in sent_by_step.items()},
        per_step_runs={k: round(sum(v) / len(v), 2) for k, v in runs_by_step.items()},
        page_steps_p50_ms=ms(percentile(page_steps, 50)),
        page_steps_p95_ms=ms(percentile(page_steps, 95)),
        answer_share=round(1 - len(page_steps) / len(inter), 2) if inter else 0.0,
        loadavg=f"{load_start:.1f} → {os.getloadavg()[0]:.1f}",
    )


def _safe(app: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", app)


def server_env(db_url: str) -> dict[str, str]:
    return {
        "COURSE_DB_URL": db_url,
        "COURSE_CERT_SECRET": "bench-only-certificate-key",  # keeps data/certificate.key untouched
        "PYTHONUNBUFFERED": "1",
    }


APPS = ("course", "floor")  # and "course@REV" (the course at git revision REV), "floor+K" (K more
# elements), "floor-nodelay" (the floor with Nagle's algorithm off, as the course has it)


def app_script(app: str, tmp: Path) -> tuple[Path, dict[str, str], Path]:
    """The script a server runs for `app`, any extra environment, and its working folder.

    `course@REV` is the course at an earlier git revision, checked out once per run into a
    temporary worktree and served with its own settings (.streamlit/config.toml) and the
    same packages: a baseline measured in the same run as the current code."""
    if app == "floor":
        return FLOOR_APP, {}, ROOT
    if app == "floor-nodelay":
        return FLOOR_APP, {"FLOOR_NODELAY": "1"}, ROOT
    if app.startswith("floor+") and app[len("floor+") :].isdigit():
        return FLOOR_APP, {"FLOOR_ELEMENTS": app[len("floor+") :]}, ROOT
    if app.startswith("floor-nodelay+") and app[len("floor-nodelay+") :].isdigit():
        return FLOOR_APP, {"FLOOR_NODELAY": "1", "FLOOR_ELEMENTS": app[len("floor-nodelay+") :]}, ROOT
    if app == "course":
        return COURSE_APP, {}, ROOT
    if app.startswith("course@") and len(app) > len("course@"):
        rev = app.split("@", 1)[1]
        tree = tmp / f"baseline-{_safe(rev)}"
        if not tree.exists():
            done = subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                raise SystemExit(f"cannot check out {rev!r} for {app}: {done.stderr.strip()}")
        return tree / "streamlit_app.py", {}, tree
    raise SystemExit(
        f"unknown app {app!r}; expected course, floor, floor-nodelay, floor+<elements>, floor-nodelay+<elements> "
        "or course@<git revision>"
    )


def remove_worktrees(tmp: Path) -> None:
    for tree in tmp.glob("baseline-*"):
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], capture_output=True)
    subprocess.run(["git", "-C", str(ROOT), "worktree", "prune"], capture_output=True)


async def measure_level(app: str, n: int, plan: Plan, args: argparse.Namespace, tmp: Path) -> LevelResult:
    """A fresh server, one warm-up session, then N sessions."""
    db_url = args.db_url or f"sqlite:///{tmp / f'{_safe(app)}-{n}.sqlite'}"
    script, extra_env, cwd = app_script(app, tmp)
    log = tmp / f"{_safe(app)}-{n}.log"
    server = Server({**server_env(db_url), **extra_env}, log, script=script, cwd=cwd, startup_timeout=90.0)
    try:
        warm = await run_sessions(app, server.url, 1, plan, 0.0, 0.0, args.timeout)
        if warm.errors:
            print(f"  warm-up of {app} failed: {warm.error_samples}", file=sys.stderr)
        await asyncio.sleep(1.0)
        result = await run_sessions(
            app, server.url, n, plan, args.think, args.ramp if n > 1 else 0.0, args.timeout, Servers([server.pid])
        )
    finally:
        server.stop()
    result.server_exceptions = server_exceptions(log)
    return result


def server_exceptions(log: Path) -> dict[str, int]:
    """What the app raised, by the last line of each traceback in the server's log (the
    browser, like this client, only sees a redacted message)."""
    counts: dict[str, int] = {}
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines() if log.exists() else []
    for i, line in enumerate(lines):
        if "Uncaught app execution" not in line:
            continue
        for tail in lines[i + 1 : i + 200]:
            if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b", tail):
                counts[tail[:200]] = counts.get(tail[:200], 0) + 1
                break
    return counts


# --------------------------------------------------------------------------- reporting


def _fmt(v: Any, unit: str = "") -> str:
    if v is None:
        return "–"
    if isinstance(v, float):
        return f"{v:,.1f}{unit}" if abs(v) >= 10 else f"{v:.2f}{unit}"
    return f"{v}{unit}"


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b and a > 0 and b > 0 else "–"


def course_vs_floor_table(levels: list[LevelResult]) -> str:
    by = {(r.app, r.n): r for r in levels}
    ns = sorted({r.n for r in levels})
    apps = list(dict.fromkeys(r.app for r in levels))
    lines = [
        "| N | app | first render p50 / p95 (ms) | interaction p50 / p95 (ms) | page steps p50 / p95 (ms) | "
        "interactions/s | errors | finished | RSS per session (MiB) | server CPU per interaction (ms) |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n in ns:
        for app in apps:
            r = by.get((app, n))
            if r is None:
                continue
            lines.append(
                f"| {n} | {app} | {_fmt(r.first_render_p50_ms)} / {_fmt(r.first_render_p95_ms)} | "
                f"{_fmt(r.interaction_p50_ms)} / {_fmt(r.interaction_p95_ms)} | "
                f"{_fmt(r.page_steps_p50_ms)} / {_fmt(r.page_steps_p95_ms)} | {_fmt(r.throughput_per_s)} | "
                f"{r.errors} | {r.finished}/{r.n} | {_fmt(r.rss_per_session_mib)} | "
                f"{_fmt(r.server_cpu_ms_per_interaction)} |"
            )
        f = by.get(("floor", n))
        for app in apps:
            c = by.get((app, n))
            if app == "floor" or not c or not f:
                continue
            lines.append(
                f"| {n} | **{app}/floor** | {_ratio(c.first_render_p50_ms, f.first_render_p50_ms)} / "
                f"{_ratio(c.first_render_p95_ms, f.first_render_p95_ms)} | "
                f"{_ratio(c.interaction_p50_ms, f.interaction_p50_ms)} / "
                f"{_ratio(c.interaction_p95_ms, f.interaction_p95_ms)} | "
                f"{_ratio(c.page_steps_p50_ms, f.interaction_p50_ms)} / "
                f"{_ratio(c.page_steps_p95_ms, f.interaction_p95_ms)} | | | | "
                f"{_ratio(c.rss_per_session_mib, f.rss_per_session_mib)} | "
                f"{_ratio(c.server_cpu_ms_per_interaction, f.server_cpu_ms_per_interaction)} |"
            )
    return "\n".join(lines)


def step_table(levels: list[LevelResult]) -> str:
    """Interaction p95 by step: where the time goes."""
    steps_seen: list[str] = []
    for r in levels:
        steps_seen += [k for k in r.per_step_p95_ms if k not in steps_seen]
    lines = [
        "| N | app | " + " | ".join(steps_seen) + " |",
        "|---:|---|" + "---:|" * len(steps_seen),
    ]
    order = list(dict.fromkeys(r.app for r in levels))
    for r in sorted(levels, key=lambda r: (r.n, order.index(r.app))):
        cells = [_fmt(r.per_step_p95_ms.get(k)) for k in steps_seen]
        lines.append(f"| {r.n} | {r.app} | " + " | ".join(cells) + " |")
    sizes = ["| app | all | " + " | ".join(steps_seen) + " |", "|---|---:|" + "---:|" * len(steps_seen)]
    for app in order:  # what each step sends does not depend on N: one row per app
        r = next(r for r in levels if r.app == app)
        cells = [
            f"{_fmt(r.per_step_messages.get(k))} / {_fmt(r.per_step_runs.get(k))}" if k in r.per_step_messages else "–"
            for k in steps_seen
        ]
        sizes.append(f"| {app} | {_fmt(r.messages_per_interaction)} | " + " | ".join(cells) + " |")
    return (
        "p95 by step (ms):\n\n"
        + "\n".join(lines)
        + "\n\nMessages the server sent / script runs, per interaction (means):\n\n"
        + "\n".join(sizes)
    )


def goals(levels: list[LevelResult]) -> list[str]:
    by = {(r.app, r.n): r for r in levels}
    out = []
    c, f = by.get(("course", 50)), by.get(("floor", 50))
    if c and f and c.interaction_p95_ms and f.interaction_p95_ms:
        ratio = c.interaction_p95_ms / f.interaction_p95_ms
        if c.answer_share and c.page_steps_p95_ms:
            # Answer clicks redraw one question: counted in, they pull the course's p95 down
            # without any page getting faster. The verdict is on the steps that draw a page.
            pages = c.page_steps_p95_ms / f.interaction_p95_ms
            verdict = "met" if pages <= 1.5 else "missed"
            out.append(
                f"interaction p95 at 50 learners within 1.5× the floor's: {verdict} on the steps that draw a "
                f"page ({pages:.2f}×: {_fmt(c.page_steps_p95_ms)} against {_fmt(f.interaction_p95_ms)} ms); "
                f"{ratio:.2f}× counting the answer clicks too ({c.answer_share:.0%} of interactions)"
            )
        else:
            verdict = "met" if ratio <= 1.5 else "missed"
            out.append(f"interaction p95 at 50 learners within 1.5× the floor's: {verdict} ({ratio:.2f}×)")
        for app in dict.fromkeys(r.app for r in levels):
            e = by.get((app, 50))
            if app.startswith("floor+") and e and e.interaction_p95_ms:
                out.append(
                    f"{app} (the floor drawing {app[len('floor+') :]} more elements per press, "
                    f"{_fmt(e.messages_per_interaction)} messages per interaction against the course's "
                    f"{_fmt(c.messages_per_interaction)}): interaction p95 at 50 learners "
                    f"{e.interaction_p95_ms / f.interaction_p95_ms:.2f}× the floor's"
                )
    c, q = by.get(("course", 50)), by.get(("floor-nodelay", 50))
    if c and q and q.interaction_p95_ms and (c.page_steps_p95_ms or c.interaction_p95_ms):
        mine = c.page_steps_p95_ms or c.interaction_p95_ms
        out.append(
            f"against floor-nodelay (the floor with Nagle's algorithm off, as the course has it): the course's "
            f"page steps p95 at 50 learners is {mine / q.interaction_p95_ms:.2f}× its p95 "
            f"({_fmt(mine)} against {_fmt(q.interaction_p95_ms)} ms)"
        )
    c = by.get(("course", 100))
    if c:
        out.append(f"zero errors at 100 learners: {'met' if c.errors == 0 else 'missed'} ({c.errors} errors)")
    per = [r.rss_per_session_mib for r in levels if r.app == "course" and r.n >= 20 and r.rss_per_session_mib]
    if per:
        worst = max(per)
        out.append(
            f"under 2 MB per idle session: {'met' if worst * 1.048576 < 2 else 'missed'} (up to {worst:.2f} MiB)"
        )
    return out


def save(name: str, payload: dict[str, Any], markdown: str) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    (RESULTS / f"{name}.md").write_text(markdown + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS / f'{name}.json'} and {name}.md", file=sys.stderr)


def machine() -> dict[str, Any]:
    import streamlit

    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "streamlit": streamlit.__version__,
    }


# --------------------------------------------------------------------------- modes


async def main_levels(args: argparse.Namespace) -> None:
    plan = make_plan(load_course(ROOT), None if args.pages < 0 else args.pages)
    levels: list[LevelResult] = []
    with tempfile.TemporaryDirectory(prefix="course-load-") as tmp_name, contextlib.ExitStack() as cleanup:
        tmp = Path(tmp_name)
        cleanup.callback(remove_worktrees, tmp)
        pending = list(args.levels)
        while pending:
            n = pending.pop(0)
            for app in args.apps:
                print(f"{app}: {n} learner{'s' if n != 1 else ''} ...", file=sys.stderr, flush=True)
                if args.target:
                    servers = Servers(int(p) for p in args.pids.split(",")) if args.pids else Servers()
                    # Warm every replica up: learners land on replicas by their cookie's hash.
                    await run_sessions(app, args.target, 4 * max(1, len(servers.pids)), plan, 0.0, 0.0, args.timeout)
                    await asyncio.sleep(1.0)
                    r = await run_sessions(app, args.target, n, plan, args.think, args.ramp, args.timeout, servers)
                else:
                    r = await measure_level(app, n, plan, args, tmp)
                levels.append(r)
                print(
                    f"  first render p95 {_fmt(r.first_render_p95_ms)} ms, interaction p50/p95 "
                    f"{_fmt(r.interaction_p50_ms)}/{_fmt(r.interaction_p95_ms)} ms, {r.throughput_per_s} /s, "
                    f"errors {r.errors}, RSS/session {_fmt(r.rss_per_session_mib)} MiB, "
                    f"server CPU {_fmt(r.server_cpu_ms_per_interaction)} ms/interaction "
                    f"({_fmt(r.server_cpu_utilisation)} cores), client {r.client_cpu_utilisation} cores, {r.duration_s} s",
                    file=sys.stderr,
                    flush=True,
                )
                for e in r.error_samples[:3]:
                    print(f"    error: {e}", file=sys.stderr)
                for e, count in r.server_exceptions.items():
                    print(f"    server log: {count} × {e}", file=sys.stderr)
            if not pending and args.bracket > 0:
                extra = bracket_level(levels, args)
                if extra is not None:
                    args.bracket -= 1
                    print(f"the knee is not between the levels measured: {extra} learners too", file=sys.stderr)
                    pending.append(extra)
    table = course_vs_floor_table(levels)
    settings = {
        "think_s": args.think,
        "ramp_s": args.ramp,
        "timeout_s": args.timeout,
        "interactions_per_learner": plan.interactions,
        "pages_read": args.pages,
        "target": args.target,
        "db": "the target's" if args.target else ("given" if args.db_url else "temporary SQLite"),
    }
    verdicts = goals(levels) if not args.target else []
    md = f"### {args.name}\n\n{json.dumps(settings)}\n\n{table}\n\n{step_table(levels)}\n" + "".join(
        f"\n- {g}" for g in verdicts
    )
    for r in levels:
        for e, count in r.server_exceptions.items():
            md += f"\n- server log, {r.app} at {r.n}: {count} × `{e}`"
    print("\n" + md)
    save(args.name, {"machine": machine(), "settings": settings, "levels": [asdict(r) for r in levels]}, md)


async def handoff(url_a: str, url_b: str, timeout: float = 60.0) -> dict[str, Any]:
    """A learner passes a quiz through server A; resumed through server B, their progress shows."""
    plan = make_plan(load_course(ROOT))
    track = plan.tracks[-1]
    module = plan.module[track]
    res = LearnerResult()
    a = StreamlitClient(url_a, timeout=timeout)
    try:
        run = await course_learner(a, plan, track, 0.0, res)
        code_el = run.find("code", lambda e: "resume=" in e.el.code_text)
        code = re.search(r"[?&]resume=([^\s&]+)", code_el.el.code_text).group(1)
    finally:
        await a.close()
    b = StreamlitClient(url_b, timeout=timeout)
    try:
        run = await b.open(query=f"resume={code}")
        restored = run.has_text("Welcome back. Your progress is restored.")
        status = next((t for t in run.texts() if "quiz score" in t), "")
        progress = await b.interact(page="progress")
        bar = next((t for t in progress.texts() if "modules passed" in t), "")
    finally:
        await b.close()
    ok = restored and "Passed" in status and bar.startswith("1 of ")
    return {
        "written_via": url_a,
        "read_via": url_b,
        "module": module.id,
        "restored_notice": restored,
        "home_status_on_b": status,
        "progress_on_b": bar,
        "ok": ok,
        "errors_on_a": res.errors,
    }


def _interp_throughput(levels: list[dict[str, Any]], p95_ms: float) -> tuple[float | None, bool]:
    """Throughput where the interaction p95 reaches `p95_ms`, read off the measured curve;
    and whether the curve crossed it (False: the best throughput measured under it, a floor)."""
    pts = sorted((lv["interaction_p95_ms"], lv["throughput_per_s"]) for lv in levels if lv["interaction_p95_ms"])
    for (p0, t0), (p1, t1) in zip(pts, pts[1:], strict=False):
        if p0 <= p95_ms <= p1 and p1 > p0:
            return round(t0 + (t1 - t0) * (p95_ms - p0) / (p1 - p0), 2), True
    under = [t for p, t in pts if p <= p95_ms]
    return (round(max(under), 2) if under else None), False


def knee(levels: list[dict[str, Any]], budget_ms: float = 100.0) -> tuple[float | None, str]:
    """Learners at which the page steps' p95 crosses `budget_ms`, read off the measured levels
    (linear between the two levels around it), and how: "crossed", "below all" (under the
    budget at every level: at least the largest), or "above all" (over it at the smallest)."""
    pts = sorted((lv["n"], lv.get("page_steps_p95_ms") or lv["interaction_p95_ms"]) for lv in levels)
    pts = [(n, p) for n, p in pts if p is not None]
    if not pts:
        return None, "no data"
    if pts[0][1] > budget_ms:
        return float(pts[0][0]), "above all"
    for (n0, p0), (n1, p1) in zip(pts, pts[1:], strict=False):
        if p0 <= budget_ms < p1:
            return round(n0 + (n1 - n0) * (budget_ms - p0) / (p1 - p0), 0), "crossed"
    return float(pts[-1][0]), "below all"


def bracket_level(levels: list[LevelResult], args: argparse.Namespace) -> int | None:
    """One more level where the page steps' p95 has not crossed 100 ms between the levels
    measured (for the first app): half the smallest if it is over at every level, twice the
    largest if under at every level, within --bracket-min and --bracket-max; None if crossed
    or at a limit."""
    mine = [asdict(r) for r in levels if r.app == args.apps[0]]
    _, how = knee(mine)
    ns = sorted(r["n"] for r in mine)
    if how == "above all" and ns[0] > args.bracket_min:
        return max(args.bracket_min, ns[0] // 2)
    if how == "below all" and ns[-1] < args.bracket_max:
        return min(args.bracket_max, ns[-1] * 2)
    return None


def compare(paths: list[Path], p95_budgets_ms: list[float]) -> str:
    runs = [json.loads(p.read_text()) for p in paths]
    lines = [
        "| deployment | N | page steps p50 / p95 (ms) | interaction p50 / p95 (ms) | first render p95 (ms) | "
        "interactions/s | errors | server CPU (cores) | RSS per session (MiB) | load average |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for path, run in zip(paths, runs, strict=True):
        for lv in sorted(run["levels"], key=lambda lv: lv["n"]):
            lines.append(
                f"| {path.stem} | {lv['n']} | {_fmt(lv.get('page_steps_p50_ms'))} / {_fmt(lv.get('page_steps_p95_ms'))} | "
                f"{_fmt(lv['interaction_p50_ms'])} / {_fmt(lv['interaction_p95_ms'])} | "
                f"{_fmt(lv['first_render_p95_ms'])} | {_fmt(lv['throughput_per_s'])} | {lv['errors']} | "
                f"{_fmt(lv.get('server_cpu_utilisation'))} | {_fmt(lv['rss_per_session_mib'])} | "
                f"{lv.get('loadavg', '–')} |"
            )
    lines += ["", "Knee: learners at which the page steps' p95 crosses 100 ms:", ""]
    for path, run in zip(paths, runs, strict=True):
        at, how = knee(run["levels"])
        said = {"crossed": f"about {_fmt(at)}", "below all": f"above {_fmt(at)} (not reached)"}.get(
            how, f"below {_fmt(at)} (already over at the smallest level)"
        )
        pts = sorted((lv["n"], lv.get("page_steps_p95_ms")) for lv in run["levels"])
        under = [n for n, p in pts if p is not None and p <= 100]
        over = [n for n, p in pts if p is not None and p > 100]
        between = (
            f" (measured between {max(under)} and {min(n for n in over if n > max(under))} learners)"
            if under and any(n > max(under) for n in over)
            else ""
        )
        think = run.get("settings", {}).get("think_s", 3.0)
        lines.append(f"- {path.stem}: {said}{between}; think time {think:g} s")
        by_n = {lv["n"]: lv for lv in run["levels"]}
        if 200 in by_n:
            lv = by_n[200]
            ok = (lv.get("page_steps_p95_ms") or 1e9) <= 100 and lv["errors"] == 0
            lines.append(
                f"  - 200 learners: page steps p95 {_fmt(lv.get('page_steps_p95_ms'))} ms, {lv['errors']} errors "
                f"(goal ≤ 100 ms and 0 errors: {'met' if ok else 'not met'})"
            )
        if 400 in by_n:
            lv = by_n[400]
            lines.append(
                f"  - 400 learners: {lv['errors']} errors, {lv['finished']}/400 finished, page steps p95 "
                f"{_fmt(lv.get('page_steps_p95_ms'))} ms (goal 0 errors: {'met' if lv['errors'] == 0 else 'not met'})"
            )
    for budget in p95_budgets_ms:
        lines += ["", f"Throughput at an interaction p95 of {budget:,.0f} ms (read off each curve):", ""]
        base_name, (base, _) = paths[0].stem, _interp_throughput(runs[0]["levels"], budget)
        for path, run in zip(paths, runs, strict=True):
            tput, crossed = _interp_throughput(run["levels"], budget)
            at_least = "" if crossed or tput is None else "at least "  # p95 stayed under the budget
            rel = f" ({at_least}{tput / base:.2f}× {base_name})" if tput and base and path.stem != base_name else ""
            lines.append(f"- {path.stem}: {at_least}{_fmt(tput)} interactions/s{rel}")
    return "\n".join(lines)


def parse_args(argv: Iterable[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--levels", default="1,20,50,100", help="numbers of concurrent learners (default 1,20,50,100)")
    p.add_argument(
        "--apps",
        default="course,floor",
        help="comma-separated: course, floor, floor+K (the floor drawing K more elements per press), "
        "course@REV (the course at git revision REV, as a same-run baseline)",
    )
    p.add_argument("--think", type=float, default=3.0, help="mean think time before each interaction, s (default 3)")
    p.add_argument("--ramp", type=float, default=6.0, help="seconds over which the N learners start (default 6)")
    p.add_argument(
        "--pages", type=int, default=1, help="module pages each learner reads with Next before the quiz (-1: all)"
    )
    p.add_argument("--timeout", type=float, default=60.0, help="per script run, s")
    p.add_argument(
        "--db-url", default=os.environ.get("COURSE_BENCH_DB_URL"), help="course database (default: temp SQLite)"
    )
    p.add_argument("--target", help="an already running server or load balancer to load instead of starting servers")
    p.add_argument("--pids", help="with --target: comma-separated server pids whose memory and CPU to read")
    p.add_argument("--name", default="load", help="results file name under bench/results/ (default load)")
    p.add_argument(
        "--bracket",
        type=int,
        default=0,
        help="up to this many more levels (half the smallest, or twice the largest) until the page steps' "
        "p95 crosses 100 ms between two measured levels (default 0)",
    )
    p.add_argument("--bracket-min", type=int, default=10, help="with --bracket: the fewest learners (default 10)")
    p.add_argument("--bracket-max", type=int, default=800, help="with --bracket: the most learners (default 800)")
    p.add_argument("--handoff", nargs=2, metavar=("URL_A", "URL_B"), help="write progress via A, read it via B")
    p.add_argument("--compare", nargs="+", type=Path, help="result files of --target runs to compare")
    p.add_argument(
        "--p95-budget", default="1000,5000", help="with --compare: p95s (ms) at which to read throughput off"
    )
    args = p.parse_args(list(argv) if argv is not None else None)
    args.levels = [int(x) for x in str(args.levels).split(",") if x]
    args.apps = [a for a in args.apps.split(",") if a]
    return args


def main(argv: Iterable[str] | None = None) -> int:
    args = parse_args(argv)
    if args.compare:
        md = compare(args.compare, [float(x) for x in args.p95_budget.split(",") if x])
        print(md)
        save(args.name, {"machine": machine(), "compared": [str(p) for p in args.compare]}, md)
        return 0
    if args.handoff:
        result = asyncio.run(handoff(*args.handoff, timeout=args.timeout))
        print(json.dumps(result, indent=2))
        md = (
            f"Progress written via {result['written_via']} and read via {result['read_via']}: "
            f"{'visible' if result['ok'] else 'NOT visible'} (Home on B: {result['home_status_on_b']!r}; "
            f"My progress on B: {result['progress_on_b']!r})"
        )
        save(args.name, {"machine": machine(), "handoff": result}, md)
        return 0 if result["ok"] else 1
    asyncio.run(main_levels(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
