"""Who is a trainer in this session, and the sign-in page for those who are not yet.

Trainer pages are added to the navigation only for a signed-in trainer, so a learner cannot
reach them by typing their address. Sign-in is by a passcode checked against a salted hash
(`COURSE_TRAINER_PASSCODE_HASH`), or, with single sign-on, by an e-mail on the allow-list
(`COURSE_TRAINER_EMAILS`). Wrong passcodes are rate-limited and get one message whatever
was wrong.

A passcode sign-in is kept by the browser in a session cookie (`ketamine_course_trainer`),
so reloading the presenter or the dashboard does not sign the trainer out. The cookie holds a
random session id; the database keeps its hash, the passcode hash it was made under, and an
expiry 12 hours on (`records.Store.create_trainer_session`). The cookie is HttpOnly (set by
the server, course/ui/web.py), so a script on the page cannot read it. Signing out deletes the
session, so a copy of the cookie stops working too; closing the browser, the expiry or a new
passcode also ends it.
"""

from __future__ import annotations

import hashlib
import math
from datetime import timedelta

import streamlit as st

from course import settings
from course.records import StoreUnavailable
from course.trainer_auth import (
    MAX_PASSCODE,
    RateLimiter,
    allowed_email,
    check_passcode,
    hash_problem,
)
from course.ui import language, state
from course.ui.common import browser_cookie, dollars, set_browser_cookie

HASH_SETTING = settings.TRAINER_PASSCODE_HASH.name
EMAILS_SETTING = settings.TRAINER_EMAILS.name
COOKIE = "ketamine_course_trainer"
TOKEN_HOURS = 12


@st.cache_resource(show_spinner=False)
def limiter() -> RateLimiter:
    return RateLimiter()


def _sso_email() -> str | None:
    from course.ui.identity import auth_configured

    if auth_configured() and st.user.is_logged_in:
        email = st.user.get("email")
        return email if isinstance(email, str) else None
    return None


def is_trainer() -> bool:
    if st.session_state.get("trainer"):
        if _still_signed_in():
            return True
        # Signed out elsewhere (another tab, or the trainer whose cookie this tab copied),
        # expired, or the passcode changed: this tab is signed out too.
        for key in ("trainer", "trainer-session"):
            st.session_state.pop(key, None)
        st.session_state["trainer-cookie-ignore"] = True
        return allowed_email(_sso_email(), state.setting(EMAILS_SETTING))
    if _browser_token_valid():
        st.session_state["trainer"] = True  # a reload: the browser still holds the sign-in
        return True
    return allowed_email(_sso_email(), state.setting(EMAILS_SETTING))


def _credential() -> str | None:
    """Which passcode hash a session was made under: a new passcode signs every browser out."""
    stored = state.setting(HASH_SETTING)
    return hashlib.sha256(stored.encode()).hexdigest() if stored else None


def _still_signed_in() -> bool:
    """A passcode sign-in is checked against its session on every run, so signing out ends it
    in every open tab too, not only on a reload. One primary-key read; with the database out
    of reach (or a sign-in made while it was), the tab's sign-in holds."""
    session_id, credential, db = st.session_state.get("trainer-session"), _credential(), state.store()
    if session_id is None or db is None:
        return True
    try:
        return credential is not None and db.trainer_session_valid(session_id, credential)
    except StoreUnavailable:
        return True


def _browser_token_valid() -> bool:
    if st.session_state.get("trainer-cookie-ignore"):
        return False
    session_id = browser_cookie(COOKIE)
    credential, db = _credential(), state.store()
    if session_id is None or credential is None or db is None:
        return False
    try:
        valid = db.trainer_session_valid(session_id, credential)
    except StoreUnavailable:
        return False
    if valid:
        st.session_state["trainer-session"] = session_id  # what Sign out ends
    return valid


def after_page() -> None:
    """Hand the browser its sign-in after a passcode sign-in, or take it back after signing
    out: one invisible element, on that run only."""
    change = st.session_state.pop("trainer-cookie", None)
    if change is not None:
        set_browser_cookie(COOKIE, change or None)  # "" after signing out: clear it
    pending = st.session_state.get("trainer-session-to-end")
    db = state.store() if pending else None
    if db is not None and isinstance(pending, str):  # a sign-out while the database was out of reach: end it now
        try:
            db.end_trainer_session(pending)
            del st.session_state["trainer-session-to-end"]
        except StoreUnavailable:
            pass


def _client() -> str:
    """Who is trying passcodes, for the per-client limit: the address the course's HTTP layer
    settled for this connection (course/ui/web.py), which believes X-Forwarded-For only from
    the proxies named in COURSE_TRUSTED_PROXIES. A header a browser sends itself changes
    nothing. Browsers on this machine share one allowance: a reload must not give a new one."""
    ip = getattr(st.context, "ip_address", None)
    return ip if isinstance(ip, str) and ip else "this-machine"


OPEN_AFTER_SIGN_IN = "open-after-trainer-sign-in"  # the page a sign-in opens: "trainer" or "present"
_OPENS = {"trainer": "the trainer dashboard", "present": "presenter mode"}


def render_gate(opens: str) -> None:
    """The page at the dashboard's or the presenter's address until a trainer signs in: a
    bookmark followed after the sign-in lapsed finds the form, and then the page it asked for,
    not "Page not found" and Home."""
    render_sign_in(
        opens,
        note=f"You opened the address of {_OPENS[opens]}, which needs a trainer sign-in. A sign-in "
        f"lasts {TOKEN_HOURS} hours on this browser, or until you sign out or close the browser. "
        f"Sign in below and {_OPENS[opens]} opens.",
    )


def render_sign_in(opens: str = "trainer", note: str = "") -> None:
    """The passcode form; a successful sign-in opens page `opens`. The trainer pages are
    English only: on a page in another language the form says it is English (lang="en"), so a
    screen reader reads it with English rules (WCAG 3.1.2), as the staff track's content does."""
    with language.english("trainer-sign-in"):
        _sign_in(opens, note)


def _sign_in(opens: str, note: str) -> None:
    st.title("Trainer sign-in")
    st.write(
        "The trainer dashboard and presenter mode are for trainers and community educators. "
        "Learners do not need to sign in here."
    )
    stored = state.setting(HASH_SETTING)
    if not stored:
        st.info(
            "Trainer access is not set up on this server yet. An administrator creates a passcode with "
            "python -m course trainer-passcode and puts the line it prints into .streamlit/secrets.toml "
            "(see docs/trainers.md).",
            icon=":material/info:",
        )
        return
    problem = hash_problem(stored)
    if problem:
        # Every passcode would be refused, and look like a wrong one; say what is wrong instead.
        st.error(
            dollars(
                f"Trainer sign-in is not working on this server: its {HASH_SETTING} setting cannot be used "
                f"({problem}). See docs/trainers.md."
            ),
            icon=":material/error:",
        )
        return
    if note:  # only where a sign-in can work: not above "not set up" or a broken setting
        st.info(note, icon=":material/lock:")
    with st.form("trainer-sign-in"):
        # No max_chars: Streamlit drops a paste longer than the limit without a word.
        passcode = st.text_input("Trainer passcode", type="password")
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    if not passcode.strip():  # not an attempt: nothing to count against the limit
        st.error("Type the trainer passcode, then press Sign in.", icon=":material/error:")
        return
    wait = limiter().wait_seconds(_client())
    if wait > 0:
        st.error(f"Too many attempts. Please wait {math.ceil(wait)} seconds, then try again.", icon=":material/timer:")
        return
    if len(passcode) > MAX_PASSCODE:  # not an attempt either: no passcode is that long
        st.error(
            f"That is {len(passcode)} characters long; a trainer passcode has at most {MAX_PASSCODE}. "
            "Check what you pasted.",
            icon=":material/error:",
        )
        return
    # A paste often brings a space or line end at either end: tried as typed, then without
    # them, as one attempt (`trainer-passcode` refuses to make a passcode that starts or
    # ends with a space).
    if any(check_passcode(p, stored) for p in dict.fromkeys([passcode, passcode.strip()]) if p):
        limiter().succeeded(_client())
        st.session_state["trainer"] = True
        st.session_state.pop("trainer-cookie-ignore", None)
        _keep_sign_in()
        st.session_state[OPEN_AFTER_SIGN_IN] = opens
        st.rerun()
    limiter().failed(_client())
    st.error("That did not work. Check the passcode and try again.", icon=":material/error:")


def _keep_sign_in() -> None:
    """A session in the database for this sign-in, and its id for the browser's cookie. With
    the database out of reach, the sign-in holds for this tab only (a reload asks again)."""
    db, credential = state.store(), _credential()
    if db is None or credential is None:
        return
    try:
        session_id = db.create_trainer_session(credential, timedelta(hours=TOKEN_HOURS))
    except StoreUnavailable:
        return
    st.session_state["trainer-session"] = session_id
    st.session_state["trainer-cookie"] = session_id


def sign_out_button() -> None:
    if st.session_state.get("trainer") and st.button("Sign out of trainer mode", icon=":material/logout:"):
        session_id = st.session_state.pop("trainer-session", None)
        db = state.store()
        if session_id and db is not None:
            try:
                db.end_trainer_session(session_id)
            except StoreUnavailable:
                st.session_state["trainer-session-to-end"] = session_id  # ended on a later run
        st.session_state.pop("trainer", None)
        st.session_state["trainer-cookie"] = ""  # cleared in the browser on the next run
        st.session_state["trainer-cookie-ignore"] = True  # the cookie this tab connected with
        st.rerun()
