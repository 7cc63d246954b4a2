"""A learner arriving from a learning platform: a SCORM 1.2 launch (`?lms=` token) or a cmi5
launch (`?cmi5=` token), settled before the page is drawn (called by the router).

SCORM 1.2: the token (course/lms/launch.py) names the LMS learner; they are signed in to the
course record keyed by the LMS origin and student id, registered on the package's track, and
after every run the page tells the launch page around it (`window.parent`, with the LMS origin
as the strict target origin) what the LMS should record for the module: lesson status, score
(0-100), and the step to resume at. The launch page writes it with LMSSetValue.

cmi5: the page fetches the auth token server-side, sends initialized, then passed or failed,
completed, and the course's own statements as the learner goes, and terminated when they
press Finish (course/lms/cmi5.py).

A token that is forged, altered or expired gets a page that says so, and nothing is recorded.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging

import streamlit as st

from course import settings
from course.lms import cmi5
from course.lms import launch as lms_launch
from course.records import StoreUnavailable
from course.ui import state

_log = logging.getLogger(__name__)
KEY = "lms-launch"
CMI5_KEY = "cmi5-session"
_SENT = "lms-reported"

# Tells the launch page around the course what to record. Constant body (the policy allows it
# by its hash, course/ui/web.py); the message and the LMS origin are in data- attributes. The
# target origin is the LMS's own: no other page framing the course could read the message.
REPORT_SCRIPT = """<script data-origin="{origin}" data-message="{message}">
(() => {
  const d = document.currentScript.dataset;
  if (window.parent !== window) window.parent.postMessage(JSON.parse(d.message), d.origin);
})();
</script>"""


def _refuse(title: str, message: str) -> None:
    st.title(title)
    st.error(message, icon=":material/link_off:")
    st.write(
        "Nothing was recorded. Open the lesson again from your learning platform; if this keeps "
        "happening, tell whoever runs it."
    )
    st.stop()


@st.cache_resource(show_spinner=False)
def _forwarder(endpoint: str, username: str | None, password: str | None, base: str) -> object:
    """Once per process and settings: the background thread that forwards statements to the LRS."""
    from course.lms import outbox

    db = state.store()
    if db is None:  # not cached when it raises: tried again on a later run
        raise StoreUnavailable("the course database cannot be reached")
    settings = outbox.LrsSettings(endpoint, username, password, base)
    return outbox.start_background(outbox.Forwarder(db, settings, state.english_course()))


def start_forwarding() -> None:
    """Start forwarding to the LRS if one is set up (COURSE_LRS_ENDPOINT); a setting that
    cannot be used is logged once for the operator."""
    from course.lms import outbox

    endpoint = (state.setting(outbox.ENDPOINT_SETTING) or "").strip()
    if not endpoint:
        return
    base = (state.setting(settings.PUBLIC_URL.name) or "").strip().rstrip("/")
    problem = outbox.settings_problem(endpoint, base)
    if problem:
        state.error_once(f"Statements are not forwarded to the LRS: {problem}")
        return
    # The database down: the events wait in it, and forwarding starts on a later run.
    with contextlib.suppress(StoreUnavailable):
        _forwarder(endpoint, state.setting(outbox.USERNAME_SETTING), state.setting(outbox.PASSWORD_SETTING), base)


def before_page(page: str) -> None:
    """Follow a launch in the address, if any (before identity.before_page)."""
    start_forwarding()
    token = st.query_params.get("lms")
    if token:
        del st.query_params["lms"]
        _scorm(token)
    token = st.query_params.get("cmi5")
    if token:
        del st.query_params["cmi5"]
        _cmi5(token)


def _secret() -> bytes:
    from course.ui import signing

    return signing.signing_base()


def _sign_in_on_track(subject: str, name: str | None, track: str) -> None:
    try:
        state.sign_in(subject, name or None)
        learner = state.session()
        if learner.progress().track != track:
            learner.choose_track(track)
    except StoreUnavailable:
        _refuse(
            "The course cannot open right now",
            "The course database cannot be reached, so your record cannot be opened. Please try again in a few minutes.",
        )


def _scorm(token: str) -> None:
    try:
        launch = lms_launch.read(token, _secret())
    except lms_launch.LaunchError as exc:
        _refuse("This lesson cannot be opened", str(exc))
        return
    _sign_in_on_track(launch.subject, launch.student_name, launch.track)
    st.session_state[KEY] = {"origin": launch.origin, "module": launch.module, "track": launch.track}
    st.session_state.pop(_SENT, None)


def _cmi5(token: str) -> None:
    try:
        launch = cmi5.read_session_token(token, _secret())
        client, session = cmi5.start(launch)
    except cmi5.Cmi5Error as exc:
        _refuse("This lesson cannot be opened", str(exc))
        return
    _sign_in_on_track(cmi5.learner_subject(launch), None, launch.track)
    learner = state.session()
    # What the learner did before this launch is not this session's: only new events are sent.
    session.forwarded.update(e.event_id for e in learner.events())
    st.session_state[CMI5_KEY] = (client, session)


def report(page: str) -> dict | None:
    """What the LMS should record for the launched module now, or None outside a launch."""
    launched = st.session_state.get(KEY)
    if launched is None:
        return None
    learner = state.session()
    try:
        progress = learner.progress().module(launched["module"])
    except KeyError:
        return None
    status = lms_launch.lesson_status(progress.status)
    percent = progress.best_percent if status == "passed" else progress.latest_percent
    if page == f"{launched['module']}-quiz":
        location = "quiz"
    elif page == launched["module"]:
        location = st.query_params.get("step") or "overview"
    else:
        location = progress.resume_step
    message = {
        "type": "ketamine-course-lms",
        "module": launched["module"],
        "lesson_status": status,
        "location": location,
    }
    if percent is not None:
        message.update(score_raw=round(percent), score_min=0, score_max=100)
    return message


def after_page(page: str) -> None:
    """Tell the launch page, when what it should record has changed; send cmi5 statements."""
    message = report(page)
    if message is not None and st.session_state.get(_SENT) != message:
        st.session_state[_SENT] = message
        origin = st.session_state[KEY]["origin"]
        st.html(
            REPORT_SCRIPT.replace("{origin}", html.escape(origin, quote=True)).replace(
                "{message}", html.escape(json.dumps(message), quote=True)
            ),
            unsafe_allow_javascript=True,
        )
    if CMI5_KEY in st.session_state:
        _cmi5_after_page()


def _cmi5_after_page() -> None:
    from course import xapi
    from course.ui.common import app_url

    client, session = st.session_state[CMI5_KEY]
    learner = state.session()
    out = []
    new = [e for e in learner.events() if e.event_id not in session.forwarded]
    if new:
        out += [session.allowed(s) for s in xapi.statements(new, app_url(), state.course())]
    progress = learner.progress().module(session.launch.module)
    verbs = []
    if "terminated" not in session.sent:
        scaled = (progress.best_percent or 0) / 100
        if progress.status == "passed" and "passed" not in session.sent:
            verbs += [("passed", scaled), ("completed", None)]
        elif (
            progress.latest_percent is not None
            # in progress with a score: the quiz is passed and the track's completion rule is not
            # met yet (a record from before the rule): not complete, but not failed either
            and progress.status not in ("passed", "in_progress")
            and "failed" not in session.sent
        ):
            verbs.append(("failed", progress.latest_percent / 100))
        out += [session.statement(v, score_scaled=s) for v, s in verbs if v not in session.sent]
    with st.sidebar:
        finish = "terminated" not in session.sent and st.button(
            "Finish this lesson", icon=":material/logout:", key="cmi5-finish"
        )
    if finish:
        out.append(session.statement("terminated"))
        verbs.append(("terminated", None))
    try:
        client.send(out)
    except cmi5.Cmi5Error as exc:
        # Kept unsent: the next run sends them again (same ids, so never twice).
        st.sidebar.warning(
            f"Your platform has not received your latest progress yet: {exc}", icon=":material/sync_problem:"
        )
        return
    session.forwarded.update(e.event_id for e in new)
    session.sent.update(v for v, _ in verbs)
    if "terminated" in session.sent:
        returning = session.launch_data.get("returnURL")
        st.sidebar.success("This lesson is finished and your platform has your result.", icon=":material/check_circle:")
        if isinstance(returning, str) and returning.startswith(("http://", "https://")):
            st.sidebar.link_button("Back to your learning platform", returning)
