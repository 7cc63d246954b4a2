"""Cached singletons (the parsed course, the records store) and the current learner.

The course is parsed once per process with `st.cache_resource`: a rerun does no YAML work.
Progress lives behind `LearnerSession`: pages append events and read a projection of them.
Events go through a `PendingWriter`, so when the database cannot be reached the learner is
told plainly, their answers stay in the session, and they are written when it is back.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from course import content_snapshot
from course.certificates import MIN_SECRET_BYTES
from course.events import ANSWERED, REGISTERED, Event
from course.loader import CourseError, Problem, default_root, load_course
from course.progress import LearnerProgress, current_track, project
from course.records import (
    OUTCOME_VERBS,
    AttemptTaken,
    PendingWriter,
    Store,
    StoreMisconfigured,
    StoreUnavailable,
    Timeouts,
    describe_url,
    open_store,
)
from course.schema import Course

CONTENT_ROOT_ENV = "COURSE_CONTENT_ROOT"
DB_URL_ENV = "COURSE_DB_URL"
CERT_SECRET_ENV = "COURSE_CERT_SECRET"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    """The course to serve, and the content's problems. Both are set in production when the
    content does not validate and the last content that did is served instead."""

    course: Course | None
    problems: tuple[Problem, ...]
    root: str


@st.cache_resource(show_spinner=False)
def _load(root: str) -> Loaded:
    try:
        course = load_course(Path(root) if root else None)
    except CourseError as exc:
        problems = tuple(exc.problems)
        try:
            env = content_snapshot.environment(setting(content_snapshot.ENV_SETTING))
        except ValueError as bad:
            error_once(f"{content_snapshot.ENV_SETTING} cannot be used ({bad}): taken as production")
            env = "production"
        fallback = content_snapshot.last_good(root or None) if env == "production" else None
        if fallback is not None:
            _log.error(
                "the course content has %d problem(s); serving the last content that validated "
                "(run python -m course validate to see them)",
                len(problems),
            )
        return Loaded(fallback, problems, root)
    content_snapshot.save(root or None)
    return Loaded(course, (), root)


def loaded() -> Loaded:
    return _load(os.environ.get(CONTENT_ROOT_ENV, ""))


def course() -> Course:
    result = loaded()
    assert result.course is not None, "pages render only when the course loaded"
    return result.course


_NO_SECRETS: list[object] = []  # the st.secrets object known to have no usable file


def app_secrets() -> Mapping[str, Any]:
    """`st.secrets`, or an empty mapping when there is no usable secrets file.

    While no file exists, every read of `st.secrets` searches the disk again, under a lock
    all sessions' script threads share, and raises; at 50 learners that showed up in py-spy
    (docs/performance.md, finding 5). So the absence is remembered for this process: a
    secrets file added later is read when the server restarts."""
    current = st.secrets
    if _NO_SECRETS and _NO_SECRETS[0] is current:
        return {}
    try:
        current.keys()
    except Exception as exc:  # no secrets file at all is normal for the default set-up
        found = [str(p) for p in _secrets_paths() if p.exists()]
        if found:  # there is a file, but it cannot be read: say so where an operator looks
            _log.warning(
                "cannot read %s (%s): settings come from environment variables only until it is "
                "fixed and the server restarted",
                ", ".join(found),
                exc,
            )
        else:
            _log.info("no secrets file; settings come from environment variables")
        _NO_SECRETS[:] = [current]
        return {}
    return current


def _secrets_paths() -> list[Path]:
    from streamlit import config

    try:
        return [Path(p).expanduser() for p in config.get_option("secrets.files")]
    except Exception:
        return []


def setting(name: str) -> str | None:
    """An environment variable, else a top-level key in .streamlit/secrets.toml. A TOML list
    of strings (`COURSE_TRAINER_EMAILS = ["ana@…", "sam@…"]`) reads as the same items with
    commas between; a table, or a list of anything else, is logged once and not used."""
    if os.environ.get(name):
        return os.environ[name]
    value = app_secrets().get(name)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return ", ".join(value) or None
    if isinstance(value, Mapping | list | tuple):
        kind = "table" if isinstance(value, Mapping) else "list"
        error_once(f'{name} in .streamlit/secrets.toml is a {kind}; write it as one line: {name} = "value"')
        return None
    return str(value) if value else None


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    # Not cached when it raises, so an unreachable database is retried on a later rerun.
    # The timeouts are settings too (environment or secrets), read when the store opens.
    return open_store(url or None, Timeouts.from_settings(setting))


def store() -> Store | None:
    """The records store, or None while the database cannot be reached. A wrong URL is
    handled the same way for learners (their work waits in the tab), and logged for the
    operator, once, with the setting's name. So is a database that cannot be reached (a
    database or user that does not exist, a server that is down): once per reason while it
    lasts, and once more when it is back."""
    url = setting(DB_URL_ENV) or ""
    try:
        opened = _store(url)
    except StoreMisconfigured as exc:
        error_once(f"{DB_URL_ENV} {describe_url(url)!r} cannot be used: {exc}")
        return None
    except StoreUnavailable as exc:
        reason = str(exc)
        if reason not in _OUTAGE:
            _OUTAGE.add(reason)
            _log.warning("%s (%s); learners' work waits in their tabs", reason, describe_url(url) or "the default")
        return None
    if _OUTAGE:
        _OUTAGE.clear()
        _log.warning("the learning records database is reachable again")
    return opened


_OUTAGE: set[str] = set()  # the reasons already logged for the outage going on, if any


_REPORTED: set[str] = set()


NOW_KEY = "course-now"  # tests only: a datetime standing in for the clock; no widget has this key


def now() -> datetime:
    """The time the pages act at: the clock, unless a test put a datetime under NOW_KEY
    (tests move it forward to see a certificate expire or a refresher fall due)."""
    fixed = st.session_state.get(NOW_KEY)
    return fixed if isinstance(fixed, datetime) and fixed.tzinfo is not None else datetime.now(UTC)


def error_once(message: str) -> None:
    """Log a setting's problem for the operator once per process, not on every run."""
    if message not in _REPORTED:
        _REPORTED.add(message)
        _log.error(message)


def cert_secret() -> bytes | None:
    """The certificate signing key: configured, or generated once beside the default
    database. None when it is too short to sign with (logged once for the operator, with the
    setting's name): certificates then say they are unavailable instead of crashing."""
    configured = setting(CERT_SECRET_ENV)
    if configured:
        secret, where = configured.encode(), f"the {CERT_SECRET_ENV} setting"
    else:
        path = default_root() / "data" / "certificate.key"
        try:
            if not path.exists():
                _create_key(path)
            secret, where = path.read_text(encoding="utf-8").strip().encode(), str(path)
        except (OSError, UnicodeError) as exc:
            error_once(
                f"certificates are off: the key file {path} cannot be made or read ({exc}); set {CERT_SECRET_ENV} instead"
            )
            return None
    if len(secret) >= MIN_SECRET_BYTES:
        return secret
    problem = (
        f"certificates are off: {where} is {len(secret)} bytes long, and a certificate key needs at least "
        f"{MIN_SECRET_BYTES} (python -c 'import secrets; print(secrets.token_hex(32))' makes one)"
    )
    error_once(problem)
    return None


def _create_key(path: Path) -> None:
    """Write a new random key to `path`, readable by its owner only. Written aside and linked
    into place, so two servers starting at once keep one key, and neither reads a half-written
    file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(secrets.token_hex(32))
        with contextlib.suppress(FileExistsError):  # another server made it first: use theirs
            os.link(aside, path)
    finally:
        aside.unlink(missing_ok=True)


CERTIFICATES_OFF = (
    "Can't issue or check certificates right now: the server's certificate key is not set up "
    "correctly. The course administrator can see why in the server log."
)


class _Offline:
    """Stands in for the store until the database can be reached at all."""

    def append(self, event: Event) -> None:
        raise StoreUnavailable("the course database cannot be reached")

    def append_many(self, events: list[Event]) -> None:
        raise StoreUnavailable("the course database cannot be reached")

    def events(self, learner_id: str) -> list[Event]:
        raise StoreUnavailable("the course database cannot be reached")


class LearnerSession:
    """This browser session's learner: identity, event log and derived progress.

    `claim` is a resume code this tab carries (the browser's cookie or a resume link) that
    could not be checked because the database was unreachable. While it is set the session is
    a stand-in: it never registers as a new learner and writes nothing, so an outage cannot
    hand the learner a new identity; once the code can be checked, the session becomes that
    learner and whatever was done meanwhile goes onto their record (`sync`)."""

    def __init__(self, learner_id: str, claim: str | None = None):
        self.learner_id = learner_id
        self.resume_code: str | None = None
        self.registered = False  # a learners row exists in the store
        self.display_name: str | None = None
        self.cohort: str | None = None
        self.claim = claim
        db = store() if claim is None else None
        self.writer = PendingWriter(db if db is not None else _Offline())
        # What this script run has read: a page asks for events and progress several times,
        # and each store read is a query whose rows each wait their turn for the interpreter
        # lock under load (docs/performance.md, finding 5). Cleared by begin_run() and by writes.
        self._events: list[Event] | None = None
        self._progress: LearnerProgress | None = None
        # The learner's stored events as last read: while the database is unreachable pages
        # draw from this copy (plus what is pending), so a result or the progress table does
        # not turn into "Choose a track first" (issue 18, defect 5).
        self._stored: list[Event] | None = None
        self._unread = False  # this run's read failed and no copy of the record is held
        self.settled = False  # set by the run whose sync() turned a claim into its learner
        self.renumbered: dict[str, int] = {}  # event id -> the attempt it was recorded as
        # The track as last worked out from the events: the menu is built before the page reads
        # anything this run, and lists this track's modules (see nav.build).
        self.last_track: str | None = None

    def begin_run(self) -> None:
        """A new script run: read the store afresh (another tab or replica may have written)."""
        self._events = None
        self._progress = None

    # -- the EventLog pages use
    def record(self, **fields) -> Event:
        return self.record_many([fields])[0]

    def events(self) -> list[Event]:
        """Stored and pending events, oldest first, read once per script run. While the
        database is down: the copy last read in this tab (if any) and the pending ones."""
        if self._events is None:
            pending = list(self.writer.pending)
            if self.claim is not None:
                self._events, self._unread = pending, True
            else:
                merged = self.writer.events(self.learner_id)
                if self.writer.available and not isinstance(self.writer.store, _Offline):
                    waiting = {e.event_id for e in pending}
                    self._stored = [e for e in merged if e.event_id not in waiting]
                    self._unread = False
                else:
                    known = self._stored or []
                    seen = {e.event_id for e in known}
                    mine = [e for e in pending if e.learner_id == self.learner_id and e.event_id not in seen]
                    merged = sorted([*known, *mine], key=lambda e: e.timestamp)
                    # A learner with a record this tab has never read: their track and
                    # progress are unknown, which is not the same as having none.
                    self._unread = self.registered and self._stored is None
                self._events = merged
        return list(self._events)

    @property
    def unread(self) -> bool:
        """True when this learner has (or claims) a record that cannot be read right now and
        this tab holds no copy of it: pages say so instead of offering a fresh start."""
        if self._events is None:
            self.events()
        return self._unread

    @property
    def offline(self) -> bool:
        """True while anything this learner did is not yet in the database."""
        return bool(self.writer.pending) or isinstance(self.writer.store, _Offline) or not self.writer.available

    def sync(self, register: bool = False) -> None:
        """Attach the store if it has come back, settle a claimed identity, register the
        learner once they have done something worth keeping, and write any pending events."""
        if self.claim is not None:
            self._settle()
            if self.claim is not None:
                return  # still unknown: never register a new learner or write in the meantime
        if isinstance(self.writer.store, _Offline):
            db = store()
            if db is None:
                return
            self.writer.store = db
        if not self.registered and (register or self.writer.pending):
            try:
                self._register()
            except StoreUnavailable:
                return
        if self.writer.pending:
            self._written(self.writer.flush)

    def _written(self, write: Callable[[], object]) -> None:
        """Run a write of pending events. A quiz result whose attempt number another tab
        recorded first is renumbered to the learner's next attempt, with the answers submitted
        with it, and written again: both submissions stay on the record, each numbered once."""
        for round_ in range(6):  # each round another tab took the next number too: rare, and bounded
            try:
                write()
                return
            except AttemptTaken as taken:
                # Every write here adds its events to the writer before trying the store, so
                # on each return below they are still pending, in order, for a later write.
                waiting = list(self.writer.pending)
                if round_ == 5:
                    return
                try:
                    nxt = self.writer.store.next_attempt(taken.learner_id, taken.activity, taken.track)
                except StoreUnavailable:
                    return
                moved = _renumbered(waiting, taken, nxt, self.renumbered)
                if moved is None:
                    _log.error("%s, and it is not one of this session's results; left pending", taken)
                    return
                self.writer = PendingWriter(self.writer.store, self.writer.retry_after_s)
                write = functools.partial(self.writer.append_many, moved)

    def _settle(self) -> None:
        """Check the claimed resume code now that the database may be back. Valid: become
        that learner, and move what was done meanwhile onto their record. Not valid (the
        records were deleted): carry on as a new learner, as a wrong link does."""
        db = store()
        if db is None or self.claim is None:
            return
        try:
            found = db.learner_for_resume_code(self.claim)
            row = db.learner(found) if found is not None else None
        except StoreUnavailable:
            return
        code, self.claim = self.claim, None
        waiting = list(self.writer.pending)
        self.writer = PendingWriter(db, self.writer.retry_after_s)
        self.begin_run()
        if found is None:
            if waiting:
                self._written(lambda: self.writer.append_many(waiting))
            return
        previous, self.learner_id = self.learner_id, found
        self.registered, self.resume_code, self.settled = True, code, True
        self.display_name = row.display_name if row else None
        self.cohort = row.cohort if row else None
        if waiting:
            moved = [replace(e, learner_id=found, cohort=self.cohort) for e in waiting]
            self._written(lambda: self.writer.append_many(moved))
        _reown_kept_answers(previous, found)

    def _register(self) -> None:
        db = self.writer.store
        if db.learner(self.learner_id) is None:
            _, self.resume_code = db.create_learner(display_name=self.display_name, learner_id=self.learner_id)
            chosen = st.session_state.get("display-settings")
            if chosen:  # settings chosen before the first saved step go with the new record
                db.set_preferences(self.learner_id, chosen)
        self.registered = True

    # -- derived state
    @property
    def track(self) -> str | None:
        self.last_track = current_track(self.events())
        return self.last_track

    def record_many(self, many: list[dict]) -> list[Event]:
        """Several events in one write (a quiz's answers and its result), as recorded: a quiz
        result another tab took the attempt number of comes back renumbered."""
        events = [Event(learner_id=self.learner_id, cohort=self.cohort, **fields) for fields in many]
        self.sync(register=True)
        self._written(lambda: self.writer.append_many(events))
        self.begin_run()  # what was read before this write is out of date
        return [replace(e, attempt=self.renumbered[e.event_id]) if e.event_id in self.renumbered else e for e in events]

    def choose_track(self, track_id: str) -> None:
        self.record(verb=REGISTERED, activity="course", track=track_id)

    def progress(self) -> LearnerProgress:
        if self._progress is None:
            self._progress = project(course(), self.events())
        return self._progress


def begin_run() -> None:
    """Called by the router first thing in every script run. A fragment's own reruns skip
    the router: a fragment that shows the learner's records must call this itself (none does;
    the presenter's fragments read the room, not the learner)."""
    learner = st.session_state.get("learner")
    if learner is not None:
        learner.begin_run()


def _renumbered(waiting: list[Event], taken: AttemptTaken, attempt: int, log: dict[str, int]) -> list[Event] | None:
    """`waiting` with the refused quiz result, and the answers submitted just before it in the
    same write, moved to `attempt` (noted in `log` by event id); None if it is not there."""
    out = list(waiting)
    key = (taken.learner_id, taken.activity, taken.track, taken.attempt)
    for i, e in enumerate(out):
        if e.verb in OUTCOME_VERBS and (e.learner_id, e.activity, e.track, e.attempt) == key:
            j = i
            while j >= 0 and (j == i or (out[j].verb, out[j].track, out[j].attempt) == (ANSWERED, e.track, e.attempt)):
                out[j] = replace(out[j], attempt=attempt)
                log[out[j].event_id] = attempt
                j -= 1
            return out
    return None


def _reown_kept_answers(previous: str, learner_id: str) -> None:
    """Answers chosen in this tab while its learner could not be known (course/ui/kept.py
    keeps them by learner id) now belong to the learner it turned out to be."""
    from course.ui import kept  # kept uses this module; imported here to keep imports one-way

    kept.reown(previous, learner_id)


def claim(code: str) -> LearnerSession:
    """This tab carries `code` but it cannot be checked now: a stand-in session that waits for
    the database instead of becoming a new learner (see `LearnerSession.claim`)."""
    learner = LearnerSession(uuid.uuid4().hex, claim=code)
    st.session_state["learner"] = learner
    return learner


def session() -> LearnerSession:
    """This browser session's learner, created on first use; `?resume=` restores another."""
    if "learner" not in st.session_state:
        st.session_state["learner"] = LearnerSession(uuid.uuid4().hex)
    learner: LearnerSession = st.session_state["learner"]
    learner.sync()
    return learner


def resume(code: str) -> bool:
    """Switch this session to the learner a resume code belongs to. False if it is not valid."""
    db = store()
    if db is None:
        raise StoreUnavailable("the course database cannot be reached")
    learner_id = db.learner_for_resume_code(code)
    if learner_id is None:
        return False
    restored = LearnerSession(learner_id)
    restored.registered = True
    restored.resume_code = code
    row = db.learner(learner_id)
    restored.display_name = row.display_name if row else None
    restored.cohort = row.cohort if row else None
    st.session_state["learner"] = restored
    st.session_state.pop("seen-sections", None)
    return True


def sign_in(subject: str, display_name: str | None) -> bool:
    """Use the OpenID Connect identity instead of a resume code; True if it changed learner."""
    db = store()
    if db is None:
        raise StoreUnavailable("the course database cannot be reached")
    learner_id = db.learner_for_subject(subject, display_name)
    current = st.session_state.get("learner")
    if current is not None and current.learner_id == learner_id:
        return False
    signed = LearnerSession(learner_id)
    signed.registered = True
    signed.display_name = display_name
    row = db.learner(learner_id)
    signed.cohort = row.cohort if row else None
    st.session_state["learner"] = signed
    return True


@st.cache_resource(show_spinner=False)
def freeze_long_lived_objects() -> bool:
    """Once per process, after the first run: move what every session shares (the parsed
    course, textstat's dictionary, imported modules) out of the garbage collector's reach, so
    collections walk only what sessions create. Measured in bench/load.py."""
    import gc

    gc.collect()
    gc.freeze()
    return True
