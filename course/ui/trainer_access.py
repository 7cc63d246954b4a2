"""Who is a trainer in this session, and the sign-in page for those who are not yet.

Trainer pages are added to the navigation only for a signed-in trainer, so a learner cannot
reach them by typing their address. Sign-in is by a passcode checked against a salted hash
(`COURSE_TRAINER_PASSCODE_HASH`), or, with single sign-on, by an e-mail on the allow-list
(`COURSE_TRAINER_EMAILS`). Wrong passcodes are rate-limited and get one message whatever
was wrong.

A passcode sign-in is kept by the browser in a session cookie (`ketamine_course_trainer`: an
expiry 12 hours on and its HMAC), so reloading the presenter or the dashboard does not sign
the trainer out. Signing out, closing the browser, the expiry or a new passcode ends it.
"""

from __future__ import annotations

import ipaddress
import math
import time

import streamlit as st

from course.trainer_auth import (
    MAX_PASSCODE,
    RateLimiter,
    allowed_email,
    check_passcode,
    check_token,
    hash_problem,
    sign_token,
)
from course.ui import state
from course.ui.common import browser_cookie, dollars, set_browser_cookie

HASH_SETTING = "COURSE_TRAINER_PASSCODE_HASH"
EMAILS_SETTING = "COURSE_TRAINER_EMAILS"
COOKIE = "ketamine_course_trainer"
TOKEN_HOURS = 12


@st.cache_resource(show_spinner=False)
def limiter() -> RateLimiter:
    return RateLimiter()


def _sso_email() -> str | None:
    from course.ui.identity import auth_configured

    if auth_configured() and st.user.is_logged_in:
        return st.user.get("email")
    return None


def is_trainer() -> bool:
    if st.session_state.get("trainer"):
        return True
    if _browser_token_valid():
        st.session_state["trainer"] = True  # a reload: the browser still holds the sign-in
        return True
    return allowed_email(_sso_email(), state.setting(EMAILS_SETTING))


def _token_key() -> bytes | None:
    stored, secret = state.setting(HASH_SETTING), state.cert_secret()
    return secret + b"|" + stored.encode() if stored and secret else None


def _browser_token_valid() -> bool:
    if st.session_state.get("trainer-cookie-ignore"):
        return False
    token = browser_cookie(COOKIE)
    if token is None:
        return False
    key = _token_key()
    return key is not None and check_token(key, token, time.time())


def after_page() -> None:
    """Hand the browser its sign-in after a passcode sign-in, or take it back after signing
    out: one invisible element, on that run only."""
    change = st.session_state.pop("trainer-cookie", None)
    if change is not None:
        set_browser_cookie(COOKIE, change or None)  # "" after signing out: clear it


def _client() -> str:
    """Who is trying passcodes, for the per-client limit. A connection from this machine is a
    local browser or the proxy in front (deploy/'s nginx), which puts the address it saw last
    in X-Forwarded-For (a client cannot forge that last entry). Local browsers share one
    allowance: a reload must not give a new one."""
    ip = getattr(st.context, "ip_address", None)
    ip = ip if isinstance(ip, str) and ip else None
    if ip is not None and not _loopback(ip):
        return ip
    try:
        forwarded = st.context.headers.get("X-Forwarded-For")
    except Exception:  # no browser behind this run (a test harness)
        forwarded = None
    if isinstance(forwarded, str) and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return "this-machine"


def _loopback(ip: str) -> bool:
    try:
        return ipaddress.ip_address(ip).is_loopback
    except ValueError:
        return False


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
    """The passcode form; a successful sign-in opens page `opens`."""
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
        st.session_state["trainer-cookie"] = sign_token(_token_key() or b"", int(time.time()) + TOKEN_HOURS * 3600)
        st.session_state[OPEN_AFTER_SIGN_IN] = opens
        st.rerun()
    limiter().failed(_client())
    st.error("That did not work. Check the passcode and try again.", icon=":material/error:")


def sign_out_button() -> None:
    if st.session_state.get("trainer") and st.button("Sign out of trainer mode", icon=":material/logout:"):
        st.session_state.pop("trainer", None)
        st.session_state["trainer-cookie"] = ""  # cleared in the browser on the next run
        st.session_state["trainer-cookie-ignore"] = True  # the cookie this tab connected with
        st.rerun()
