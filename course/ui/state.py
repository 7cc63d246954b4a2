"""Cached singletons (the parsed course, the records store) and the current learner.

The course is parsed once per process with `st.cache_resource`: a rerun does no YAML work.
Progress lives behind `LearnerSession`: pages append events and read a projection of them.
Events go through a `PendingWriter`, so when the database cannot be reached the learner is
told plainly, their answers stay in the session, and they are written when it is back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from course.certificates import MIN_SECRET_BYTES
from course.events import REGISTERED, Event
from course.loader import CourseError, Problem, default_root, load_course
from course.progress import LearnerProgress, current_track, project
from course.records import PendingWriter, Store, StoreMisconfigured, StoreUnavailable, describe_url, open_store
from course.schema import Course

CONTENT_ROOT_ENV = "COURSE_CONTENT_ROOT"
DB_URL_ENV = "COURSE_DB_URL"
CERT_SECRET_ENV = "COURSE_CERT_SECRET"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    course: Course | None
    problems: tuple[Problem, ...]
    root: str


@st.cache_resource(show_spinner=False)
def _load(root: str) -> Loaded:
    try:
        return Loaded(load_course(Path(root) if root else None), (), root)
    except CourseError as exc:
        return Loaded(None, tuple(exc.problems), root)


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
    return open_store(url or None)


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
    """This browser session's learner: identity, event log and derived progress."""

    def __init__(self, learner_id: str):
        self.learner_id = learner_id
        self.resume_code: str | None = None
        self.registered = False  # a learners row exists in the store
        self.display_name: str | None = None
        self.cohort: str | None = None
        db = store()
        self.writer = PendingWriter(db if db is not None else _Offline())
        # What this script run has read: a page asks for events and progress several times,
        # and each store read is a query whose rows each wait their turn for the interpreter
        # lock under load (docs/performance.md, finding 5). Cleared by begin_run() and by writes.
        self._events: list[Event] | None = None
        self._progress: LearnerProgress | None = None

    def begin_run(self) -> None:
        """A new script run: read the store afresh (another tab or replica may have written)."""
        self._events = None
        self._progress = None

    # -- the EventLog pages use
    def record(self, **fields) -> Event:
        return self.record_many([fields])[0]

    def events(self) -> list[Event]:
        """Stored and pending events, oldest first (only pending ones while the database is
        down); read once per script run."""
        if self._events is None:
            self._events = self.writer.events(self.learner_id)
        return list(self._events)

    @property
    def offline(self) -> bool:
        """True while anything this learner did is not yet in the database."""
        return bool(self.writer.pending) or isinstance(self.writer.store, _Offline) or not self.writer.available

    def sync(self, register: bool = False) -> None:
        """Attach the store if it has come back, register the learner once they have done
        something worth keeping, and write any pending events."""
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
            self.writer.flush()

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
        return current_track(self.events())

    def record_many(self, many: list[dict]) -> list[Event]:
        """Several events in one write (a quiz's answers and its result)."""
        events = [Event(learner_id=self.learner_id, cohort=self.cohort, **fields) for fields in many]
        self.sync(register=True)
        self.writer.append_many(events)
        self.begin_run()  # what was read before this write is out of date
        return events

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
