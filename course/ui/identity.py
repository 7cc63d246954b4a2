"""Who the learner is, settled before every page: a resume link, an OIDC login, the
browser's own note of its learner (so a reload keeps them), or a new session; plus the plain
notice shown while the database cannot be reached.

A link or cookie that cannot be checked during an outage never makes a new learner: the tab
waits as a claim on that code (`state.claim`), says the record cannot be read right now, and
becomes that learner once the database answers (issue 18, defect 1)."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping

import streamlit as st

from course.i18n import N_
from course.records import StoreUnavailable
from course.ui import display, kept, state
from course.ui.common import app_url, browser_cookie, set_browser_cookie
from course.ui.i18n import _

# A session cookie (no expiry: the browser drops it when it closes) holding the learner's
# resume code, so reloading the page, or a phone reloading a tab it put to sleep, finds the
# same learner. docs/records.md says what it holds and why.
COOKIE = "ketamine_course_resume"
_CODE = re.compile(r"^[A-Za-z0-9_-]{16,128}$")

OFFLINE = N_(
    "We can't reach the course database right now. Everything you do is kept in this tab and "
    "saved automatically when the connection is back. Please keep this tab open until this "
    "message goes away."
)

# Shown instead of OFFLINE when this tab cannot read the learner's record at all (a reload or a
# resume link during an outage): the page cannot show their track or progress, and must not
# look like a fresh start, or they would choose a track and become a new learner.
UNREAD = N_(
    "We can't read your course record right now: the course database can't be reached. Nothing "
    "is lost. Your progress is kept, and this page picks it up by itself as soon as the database "
    "is back, so there is no need to start again."
)


def auth_configured() -> bool:
    """An [auth] section in the secrets means OpenID Connect sign-in; else resume codes only.
    A section Streamlit cannot log in with is logged once for the operator and left unused:
    pressing Log in would otherwise end every page in Streamlit's redacted error."""
    secrets = state.app_secrets()
    if "auth" not in secrets:
        return False
    problem = auth_problem(secrets["auth"])
    if problem:
        state.error_once(
            f"[auth] in .streamlit/secrets.toml cannot be used ({problem}): learners get resume "
            "links instead of Log in until it is fixed and the server restarted"
        )
        return False
    return True


AUTH_KEYS = ("redirect_uri", "cookie_secret")
PROVIDER_KEYS = ("client_id", "client_secret", "server_metadata_url")


def auth_problem(section: object) -> str | None:
    """Why an [auth] section cannot be used for `st.login()` with its default provider, or
    None. The same keys Streamlit 1.67 checks when Log in is pressed, checked before."""
    if not isinstance(section, Mapping):
        return "it must be a table: a line [auth] followed by its keys"
    missing = [key for key in AUTH_KEYS if not section.get(key)]
    provider = section.get("default", section)
    if not isinstance(provider, Mapping):
        return "[auth.default] must be a table"
    missing += [key for key in PROVIDER_KEYS if not provider.get(key)]
    if missing:
        return f"missing {', '.join(missing)}"
    redirect = str(section["redirect_uri"])
    if not re.match(r"^https?://[^/\s]+(/\S*)?/oauth2callback$", redirect):
        return f"redirect_uri {redirect!r} must be the app's address followed by /oauth2callback"
    return None


def before_page(page: str) -> None:
    """Settle who the learner is before `page` (its url path) is drawn."""
    followed = _resume_from_link(page)
    if followed != "restored":
        # A wrong or cut-off link must not cost this browser its learner: before, the cookie
        # was skipped and then cleared, and progress was reachable only by a saved link.
        _resume_from_cookie()
    if followed == "not valid":
        learner = st.session_state.get("learner")
        kept = learner is not None and learner.registered
        # Says nothing about which codes exist: every wrong code gets the same words.
        _keep_note(
            page,
            "error",
            N_(
                "That resume link is not valid. Check that you copied the whole link: you are carrying on "
                "with the progress this browser already held."
            )
            if kept
            else N_(
                "That resume link is not valid. Check that you copied the whole link, or start again by "
                "choosing a track below."
            ),
            ":material/link_off:",
        )
    _forgotten(page)
    _note(page)
    learner = state.session()  # also settles a claimed identity once the database is back
    if learner.settled:
        learner.settled = False
        chosen = st.session_state.get(display.KEY)
        if chosen:  # chosen while the record could not be read: they go onto it
            display.save(chosen)
        else:
            display.load_saved()
    display.apply()
    if auth_configured():
        _oidc()
    learner = state.session()
    slot = st.empty()
    # A learner with a record (or a claim on one) has it read now, so the notice tells the
    # truth before the page is drawn. A new visitor's empty history is not read for this
    # alone (room phones on /join are many): if the page's own read fails, after_page fills
    # the slot, still at the top of the page.
    if (learner.registered or learner.claim is not None) and learner.unread:
        slot.warning(_(UNREAD), icon=":material/cloud_off:")
    elif learner.offline:
        slot.warning(_(OFFLINE), icon=":material/cloud_off:")
    else:
        _RUN.late_notice = slot


_RUN = threading.local()  # this script run's empty notice slot: a run stays on one thread


def _resume_from_link(page: str) -> str | None:
    """Follow a `?resume=` link: None if the address carried none, else "restored", "not
    valid", or "unchecked" (the database cannot be reached)."""
    code = st.query_params.get("resume")
    if not code:
        return None
    del st.query_params["resume"]  # keep the private code out of the address bar afterwards
    try:
        ok = state.resume(code)
    except StoreUnavailable:
        state.claim(code)  # checked again on every run until the database answers
        return "unchecked"
    if not ok:
        return "not valid"
    display.load_saved()
    _keep_note(page, "success", N_("Welcome back. Your progress is restored."), ":material/restore:")
    return "restored"


def _keep_note(page: str, kind: str, text: str, icon: str) -> None:
    """`text`: an interface string in English (marked with N_), shown translated by `_note`."""
    st.session_state["identity-note"] = (page, kind, text, icon)


def _note(page: str) -> None:
    """The resume link's outcome, shown on the page it opened for as long as the learner stays
    there: were it shown once, the page's elements would move up on the next run and Streamlit
    would draw them anew, closing any expander the learner had opened."""
    note = st.session_state.get("identity-note")
    if note is None:
        return
    if note[0] != page:
        del st.session_state["identity-note"]
        return
    _page, kind, text, icon = note
    getattr(st, kind)(_(text), icon=icon)  # in the language shown now, even after a switch


def _forgotten(page: str) -> None:
    if st.session_state.pop("forgotten", False):
        _keep_note(
            page,
            "info",
            N_("This browser no longer holds your progress. Your resume link still opens it."),
            ":material/logout:",
        )


def _resume_from_cookie() -> None:
    """A new browser session (a reload, a restored tab): carry on as the learner this browser
    last saved, quietly. If the database cannot be reached, the tab waits as that learner's
    stand-in (`state.claim`) rather than becoming a new learner."""
    if "learner" in st.session_state:
        return
    code = None if st.session_state.get("cookie-ignore") else _browser_code()
    if code is None:
        return
    try:
        ok = state.resume(code)
    except StoreUnavailable:
        state.claim(code)
        return
    if ok:
        display.load_saved()


def _browser_code() -> str | None:
    """The resume code this browser sent, if it looks like one."""
    code = browser_cookie(COOKIE)
    return code if code is not None and _CODE.match(code) else None


def _held() -> str | None:
    """The resume code this browser holds: as last set in this tab, else as it connected with
    (read only then, not on every run)."""
    if "cookie-value" in st.session_state:
        return st.session_state["cookie-value"]
    return _browser_code()


def after_page() -> None:
    """Tell the browser which learner it holds, when that changed: set on the first save (or a
    resume link), changed by a resume link for someone else, cleared when records are deleted
    or the code is no longer valid. One invisible element, only on the run that changes it."""
    kept.mirror()  # answers not saved yet: the browser keeps a copy, so a reload loses none
    late, _RUN.late_notice = getattr(_RUN, "late_notice", None), None
    if late is not None and "learner" in st.session_state and st.session_state["learner"].offline:
        late.warning(_(OFFLINE), icon=":material/cloud_off:")
    hold_learner()


def hold_learner() -> None:
    """Ask the browser to hold this tab's learner now, if that changed (`after_page` does at the
    end of every run). Called as soon as a record is made, before the page is drawn: a learner
    who reloads while that run is still drawing (or waiting, as the first runs on a new server
    can) comes back as themselves, not as a new visitor."""
    learner = st.session_state.get("learner")
    if learner is not None and learner.claim is not None:
        return  # whose code it is cannot be checked now: the browser keeps what it holds
    wanted = learner.resume_code if learner is not None else None
    if wanted is not None and not _CODE.match(wanted):
        wanted = None
    known = _held()
    if wanted == known:
        return
    st.session_state["cookie-value"] = wanted
    set_browser_cookie(COOKIE, wanted)


def _oidc() -> None:
    with st.sidebar:
        if not st.user.is_logged_in:
            st.caption(_("Log in to keep your progress on any device."))
            if st.button(_("Log in"), icon=":material/login:", key="login"):
                st.login()
            return
        name = st.user.get("name") or st.user.get("email")
        st.caption(_("Signed in as {name}").format(name=name))
        if st.button(_("Log out"), icon=":material/logout:", key="logout"):
            st.logout()
    subject = f"{st.user.get('iss', '')}|{st.user.get('sub') or st.user.get('email')}"
    try:
        name = st.user.get("name")
        if state.sign_in(subject, name if isinstance(name, str) else None):
            display.load_saved()
    except StoreUnavailable:
        st.warning(_(OFFLINE), icon=":material/cloud_off:")


def resume_link_box() -> None:
    """The learner's private resume link, to copy and keep."""
    learner = state.session()
    if auth_configured() and st.user.is_logged_in:
        st.caption(":material/account_circle: " + _("Your progress is saved to your account."))
        return
    with st.expander(_("Save your place: your private resume link"), icon=":material/bookmark:"):
        if not learner.resume_code:
            st.write(_("Your resume link appears here once your progress has been saved."))
            return
        base = app_url()
        st.write(
            _(
                "Open this link on any device to carry on where you left off. Keep it private: anyone "
                "with the link can see and change your progress. Copy it with the button at its right."
            )
        )
        st.code(f"{base}/?resume={learner.resume_code}", language=None, wrap_lines=True)
        st.write(
            _(
                "This browser also remembers you until it is closed, so reloading the page keeps your "
                "place. On a shared computer, copy your link first, then press the button below."
            )
        )
        st.button(_("Forget me on this browser"), icon=":material/logout:", key="forget-me", on_click=forget)


def forget() -> None:
    """A button's callback: this browser stops holding the learner (their records stay, and
    their resume link still opens them). The next run is a new learner's, and `after_page`
    clears the cookie."""
    new_session()
    st.session_state["forgotten"] = True


def new_session() -> None:
    """Start this tab afresh as nobody (after "Forget me" or deleting one's records). What the
    browser holds is kept in mind, so `after_page` clears it, and the cookie this tab sent when
    it connected is not used to bring the learner back."""
    held = _held()
    for key in list(st.session_state):
        del st.session_state[key]
    st.session_state["cookie-value"] = held
    st.session_state["cookie-ignore"] = True
