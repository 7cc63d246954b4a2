"""Who the learner is, settled before every page: a resume link, an OIDC login, or a new
session; plus the plain notice shown while the database cannot be reached."""

from __future__ import annotations

import streamlit as st

from course.records import StoreUnavailable
from course.ui import display, state

OFFLINE = (
    "We can't reach the course database right now. Everything you do is kept in this tab and "
    "saved automatically when the connection is back. Please keep this tab open until this "
    "message goes away."
)


def auth_configured() -> bool:
    """An [auth] section in the secrets means OpenID Connect sign-in; else resume codes only."""
    return "auth" in state.app_secrets()


def before_page() -> None:
    _resume_from_link()
    display.apply()
    if auth_configured():
        _oidc()
    if state.session().offline:
        st.warning(OFFLINE, icon=":material/cloud_off:")


def _resume_from_link() -> None:
    code = st.query_params.get("resume")
    if not code:
        return
    del st.query_params["resume"]  # keep the private code out of the address bar afterwards
    try:
        ok = state.resume(code)
    except StoreUnavailable:
        st.error(
            "We can't reach the course database, so your resume link can't be checked right now. "
            "Please open the link again in a few minutes.",
            icon=":material/cloud_off:",
        )
        return
    if ok:
        display.load_saved()
        st.success("Welcome back. Your progress is restored.", icon=":material/restore:")
    else:
        # Says nothing about which codes exist: every wrong code gets the same words.
        st.error(
            "That resume link is not valid. Check that you copied the whole link, "
            "or start again by choosing a track below.",
            icon=":material/link_off:",
        )


def _oidc() -> None:
    with st.sidebar:
        if not st.user.is_logged_in:
            st.caption("Log in to keep your progress on any device.")
            if st.button("Log in", icon=":material/login:", key="login"):
                st.login()
            return
        name = st.user.get("name") or st.user.get("email")
        st.caption(f"Signed in as {name}")
        if st.button("Log out", icon=":material/logout:", key="logout"):
            st.logout()
    subject = f"{st.user.get('iss', '')}|{st.user.get('sub') or st.user.get('email')}"
    try:
        if state.sign_in(subject, st.user.get("name")):
            display.load_saved()
    except StoreUnavailable:
        st.warning(OFFLINE, icon=":material/cloud_off:")


def resume_link_box() -> None:
    """The learner's private resume link, to copy and keep."""
    learner = state.session()
    if auth_configured() and st.user.is_logged_in:
        st.caption(":material/account_circle: Your progress is saved to your account.")
        return
    with st.expander("Save your place: your private resume link", icon=":material/bookmark:"):
        if not learner.resume_code:
            st.write("Your resume link appears here once your progress has been saved.")
            return
        base = (st.context.url or "").split("?")[0].rstrip("/")
        st.write(
            "Open this link on any device to carry on where you left off. Keep it private: anyone "
            "with the link can see and change your progress. Copy it with the button at its right."
        )
        st.code(f"{base}/?resume={learner.resume_code}", language=None, wrap_lines=True)
