"""Cached singletons (the parsed course, the records store) and the current learner.

The course is parsed once per process with `st.cache_resource`: a rerun does no YAML work.
The current learner is the learner service (`course.learning.Learner`) kept in this
browser session's state: pages make one call on it per action and read a projection of its
events. Its writes go through a `PendingWriter`, so when the database cannot be reached the
learner is told plainly, their answers stay in the session, and they are written when it is back.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import streamlit as st

from course import content_snapshot, settings
from course.certificates import MIN_SECRET_BYTES
from course.drafts import WaitingDrafts
from course.i18n import DEFAULT, N_
from course.learning import Learner
from course.loader import CourseError, Problem, default_root, kept_course_used, load_course, load_course_cached
from course.records import (
    Store,
    StoreMisconfigured,
    StoreUnavailable,
    Timeouts,
    describe_url,
    open_store,
)
from course.schema import Course
from course.translation import translate_course
from course.ui import i18n
from course.ui.i18n import content_language

CONTENT_ROOT_ENV = settings.CONTENT_ROOT.name
DB_URL_ENV = settings.DB_URL.name
CERT_SECRET_ENV = settings.CERT_SECRET.name
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
        # A server reads back the course that validated before, if no file changed (cold start).
        load = load_course_cached if kept_course_used() else load_course
        course = load(Path(root) if root else None)
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


# What this script run has already looked up in `st.cache_resource`. A page asks for the course
# and the store many times per run, and each cached call hashes its argument and finds the
# cache again (py-spy: about 3 % of the server's CPU). Script runs each have a thread of their
# own, and `begin_run()` empties this at the start of every run, so a run never sees an
# earlier run's lookup (a cache cleared in between is looked up afresh).
_run = threading.local()


def _memo() -> dict[str, Any] | None:
    memo: dict[str, Any] | None = getattr(_run, "memo", None)
    return memo


def loaded() -> Loaded:
    root = settings.environ(CONTENT_ROOT_ENV) or ""
    memo = _memo()
    kept = memo.get("loaded") if memo is not None else None
    if kept is not None and kept[0] == root:
        result: Loaded = kept[1]
        return result
    result = _load(root)
    if memo is not None:
        memo["loaded"] = (root, result)
    return result


def course() -> Course:
    """The course as this learner reads it: in their language on the public track (or before a
    track is chosen), in English on the staff track (its content is English only)."""
    result = loaded()
    assert result.course is not None, "pages render only when the course loaded"
    lang = content_language()
    return result.course if lang == DEFAULT else _translated(result.root, lang)


def english_course() -> Course:
    """The course in English whatever the learner reads: for what is cached for every session
    (a room's slides, the dashboard's figures, statements sent to an LRS)."""
    result = loaded()
    assert result.course is not None, "pages render only when the course loaded"
    return result.course


def course_in(lang: str) -> Course:
    """The course as a public-track reader of `lang` reads it, whoever this session's learner is:
    for what a room shows (its slides and polls are in the room's language, not the presenter's)."""
    result = loaded()
    assert result.course is not None, "pages render only when the course loaded"
    return result.course if lang == DEFAULT else _translated(result.root, lang)


@st.cache_resource(show_spinner=False)
def _translated(root: str, lang: str) -> Course:
    """The course in `lang`, worked out once per process and language (never on a rerun)."""
    english = _load(root).course
    assert english is not None, "pages render only when the course loaded"
    try:
        return translate_course(english, Path(root) if root else default_root(), lang)
    except Exception as exc:  # a translation file the models refuse: English, never a broken page
        error_once(f"the {lang} translation cannot be used ({exc}); run python -m course validate")
        return english


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
    from_environment = settings.environ(name)  # KeyError for a setting not declared there
    if from_environment is not None:
        return from_environment
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
    memo = _memo()
    kept = memo.get("store") if memo is not None else None
    if kept is not None and kept[0] == url:
        found: Store = kept[1]
        return found
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
    if memo is not None:  # only a store that opened: an outage is asked about again
        memo["store"] = (url, opened)
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


CERTIFICATES_OFF = N_(  # shown through `_()` on the pages that say it
    "Can't issue or check certificates right now: the server's certificate key is not set up "
    "correctly. The course administrator can see why in the server log."
)


class _SessionHooks:
    """What the learner service asks of this browser session (see `course.learning.Hooks`)."""

    def store(self) -> Store | None:
        return store()

    def registered(self, db: Store, learner_id: str) -> None:
        chosen = st.session_state.get("display-settings")
        if chosen:  # settings chosen before the first saved step go with the new record
            db.set_preferences(learner_id, chosen)

    def waiting_drafts(self) -> WaitingDrafts:
        return waiting_drafts()


WAITING_DRAFTS = "kept-pending"  # session state: draft answers not yet written (course/ui/kept.py)


def waiting_drafts() -> WaitingDrafts:
    """This browser session's draft answers not yet written. One for the session, not for its
    learner: a draft waits with the learner who chose it, whichever learner the tab is now."""
    waiting = st.session_state.get(WAITING_DRAFTS)
    if not isinstance(waiting, WaitingDrafts):
        waiting = st.session_state[WAITING_DRAFTS] = WaitingDrafts()
    return waiting


class LearnerSession(Learner):
    """This browser session's learner: the learner service (course/learning.py), bound to the
    cached course and store. Kept in `st.session_state["learner"]`; see `session()`."""

    def __init__(self, learner_id: str, claim: str | None = None):
        super().__init__(learner_id, course, _SessionHooks(), claim)


def begin_run() -> None:
    """Called by the router first thing in every script run. A fragment's own reruns skip
    the router: a fragment that shows the learner's records must call this itself (none does;
    the presenter's fragments read the room, not the learner)."""
    _run.memo = {}
    i18n.begin_run()
    learner = st.session_state.get("learner")
    if learner is not None:
        learner.begin_run()


def claim(code: str) -> LearnerSession:
    """This tab carries `code` but it cannot be checked now: a stand-in session that waits for
    the database instead of becoming a new learner (see `LearnerSession.claim`)."""
    learner = LearnerSession(uuid.uuid4().hex, claim=code)
    current = st.session_state.get("learner")
    if current is not None:  # this tab's sections already recorded stay recorded once
        learner.seen = current.seen
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
    st.session_state["learner"] = restored  # a new learner: their sections are recorded afresh
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
    if current is not None:  # this tab's sections already recorded stay recorded once
        signed.seen = current.seen
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
