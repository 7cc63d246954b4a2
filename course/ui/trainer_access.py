"""Who is a trainer in this session, and the sign-in page for those who are not yet.

Trainer pages are added to the navigation only for a signed-in trainer, so a learner cannot
reach them by typing their address. Sign-in is by a passcode checked against a salted hash
(`COURSE_TRAINER_PASSCODE_HASH`), or, with single sign-on, by an e-mail on the allow-list
(`COURSE_TRAINER_EMAILS`). Wrong passcodes are rate-limited and get one message whatever
was wrong.
"""

from __future__ import annotations

import math

import streamlit as st

from course.trainer_auth import RateLimiter, allowed_email, check_passcode
from course.ui import state

HASH_SETTING = "COURSE_TRAINER_PASSCODE_HASH"
EMAILS_SETTING = "COURSE_TRAINER_EMAILS"


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
    return allowed_email(_sso_email(), state.setting(EMAILS_SETTING))


def _client() -> str:
    ip = getattr(st.context, "ip_address", None)
    if isinstance(ip, str) and ip:
        return ip
    return st.session_state.setdefault("client-id", state.session().learner_id)


def render_sign_in() -> None:
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
    with st.form("trainer-sign-in"):
        passcode = st.text_input("Trainer passcode", type="password", max_chars=200)
        submitted = st.form_submit_button("Sign in", type="primary")
    if not submitted:
        return
    wait = limiter().wait_seconds(_client())
    if wait > 0:
        st.error(f"Too many attempts. Please wait {math.ceil(wait)} seconds, then try again.", icon=":material/timer:")
        return
    if passcode and check_passcode(passcode, stored):
        limiter().succeeded(_client())
        st.session_state["trainer"] = True
        st.session_state["open-trainer-dashboard"] = True
        st.rerun()
    limiter().failed(_client())
    st.error("That did not work. Check the passcode and try again.", icon=":material/error:")


def sign_out_button() -> None:
    if st.session_state.get("trainer") and st.button("Sign out of trainer mode", icon=":material/logout:"):
        st.session_state.pop("trainer", None)
        st.rerun()
