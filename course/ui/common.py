"""Small pieces every page shares: the notice, status badges, track lookup, the app's
address, and text made safe for Markdown."""

from __future__ import annotations

import html
import re
import urllib.parse
from typing import TYPE_CHECKING

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from course import settings
from course.i18n import N_
from course.learning import Refusal
from course.progress import STATUS_ICONS, ModuleProgress
from course.records import Cohort
from course.schema import Crisis
from course.typed import clean_code, shown
from course.ui import state
from course.ui.i18n import _

if TYPE_CHECKING:  # only annotations here: Home's run needs no pandas (issue 24, cold start)
    import pandas as pd


def notice() -> None:
    """The education-not-medical-advice notice and, in the same box, the crisis services the
    course configures (modules/course.yaml `crisis:`): wherever the notice stands, so do they."""
    st.info(notice_markdown(), icon=":material/health_and_safety:")


def notice_markdown() -> str:
    """The notice and the crisis services as one Markdown text."""
    settings = state.course().settings
    return dollars(" ".join(settings.notice.split())) + crisis_markdown(settings.crisis)


def notice_text() -> None:
    """The notice and crisis services as a bordered block of text, not an alert: for a page
    whose one alert is a live status region (the join page), so that a screen reader finds
    that region alone among the page's alerts."""
    with st.container(border=True, key="course-notice"):
        st.markdown(":material/health_and_safety: " + notice_markdown())


def crisis_markdown(crisis: Crisis | None) -> str:
    """The crisis services as Markdown to follow the notice: a blank line, a lead-in line, then
    one list item per service ("" without services). Each link's text is the service's name,
    so its accessible name says where it goes."""
    if crisis is None:
        return ""

    def link(name: str, url: str | None) -> str:
        label = escape_markdown(name)
        return f"[{label}]({url})" if url else f"**{label}**"

    lines = ["", "", f"**{escape_markdown(crisis.heading)}** ({escape_markdown(crisis.region)}):", ""]
    lines += [f"- {link(s.name, s.url)}: {escape_markdown(s.contact)}" for s in crisis.services]
    if crisis.elsewhere is not None:
        outside = _("Outside {region}").format(region=escape_markdown(crisis.region))
        lines.append(f"- {outside}: {link(crisis.elsewhere.name, crisis.elsewhere.url)}")
    return "\n".join(lines)


def status_text(mp: ModuleProgress) -> str:
    """Status in words with an icon beside it: never colour alone."""
    text = f"{STATUS_ICONS[mp.status]} **{_(mp.label)}**"
    if mp.best_percent is not None and mp.status != "passed":
        text += " · " + _("best quiz score {percent}%").format(percent=f"{mp.best_percent:.0f}")
    elif mp.best_percent is not None:
        text += " · " + _("quiz score {percent}%").format(percent=f"{mp.best_percent:.0f}")
    return text


def require_track() -> str | None:
    """The learner's track, or a prompt to choose one first (returns None then)."""
    learner = state.session()
    track = learner.track
    if track is None and learner.unread:
        # Not "choose a track": the learner has one, in a record that cannot be read right
        # now (the notice at the top says so); choosing again would start them afresh.
        waiting_for_record()
    elif track is None:
        st.warning(_("Choose how you want to take the course first: it sets which modules and text you see."))
        from course.ui import nav

        nav.button(_("Choose a track"), "home", icon=":material/alt_route:", type="primary")
    return track


WAITING = N_("Your track and progress appear here as soon as your record can be read again.")


def waiting_for_record() -> None:
    """In place of a page's content while the learner's record cannot be read."""
    st.write(_(WAITING))
    st.button(_("Try again"), icon=":material/refresh:", key="try-record-again")  # a rerun reads it again


def live_region(slot: DeltaGenerator, text: str, tone: str = "neutral") -> None:
    """A status message screen readers announce when it changes (WCAG 4.1.3).

    Streamlit's alerts are role="status" regions. Drawn into the same placeholder on every
    run, the browser keeps the one element and updates its text (a region that is replaced
    instead is often not read). Tone is carried by the words and the icon, never colour alone."""
    if tone == "good":
        slot.success(text, icon=":material/check_circle:")
    elif tone == "bad":
        slot.error(text, icon=":material/cancel:")
    else:
        slot.info(text, icon=":material/info:")


def browser_cookie(name: str) -> str | None:
    """A cookie as the browser sent it when this tab connected (a cookie set since then is not
    seen until the next connection, such as a reload)."""
    try:
        value = st.context.cookies.get(name)
    except Exception:  # no browser behind this run (a test harness)
        return None
    return value if isinstance(value, str) and value else None


# The page asks the server to set a cookie: a script cannot set an HttpOnly one itself. The
# body is constant (the Content-Security-Policy allows it by its hash, see course/ui/web.py);
# the signed token that says which cookie and what value is in its data-token attribute.
COOKIE_SCRIPT = """<script data-token="{token}">
(() => {
  const token = document.currentScript.dataset.token;
  fetch("/api/course/cookie", {
    method: "POST", body: token, credentials: "same-origin", headers: { "Content-Type": "text/plain" },
  }).catch(() => {});
})();
</script>"""


def set_browser_cookie(name: str, value: str | None) -> None:
    """Set a session cookie (no expiry date: the browser drops it when it closes), or clear it
    with None. The server sets it (HttpOnly, `SameSite=Strict`, `Secure` over HTTPS) when the
    page posts it a token signed for this name and value. One invisible element."""
    from course.ui.signing import cookie_token

    st.html(
        COOKIE_SCRIPT.replace("{token}", html.escape(cookie_token(name, value), quote=True)),
        unsafe_allow_javascript=True,
    )


PUBLIC_URL_SETTING = settings.PUBLIC_URL.name


def public_url_problem(value: str) -> str | None:
    """Why `value` cannot be the app's public address, or None. Resume links, room links and
    certificate addresses are built on it, so it must be a whole http(s) address."""
    value = value.strip()
    try:
        parts = urllib.parse.urlsplit(value)
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError as exc:
        return f"not an address: {exc}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "it must start with https:// or http:// and name a host, e.g. https://course.example.org"
    if any(ch.isspace() for ch in value):
        return "it contains a space"
    if parts.query or parts.fragment:
        return "it must not have a ? or # part"
    return None


def app_url() -> str:
    """The app's address without the current page's path: the base of resume links, room
    links and xAPI identifiers, the same from every page. `COURSE_PUBLIC_URL` overrides it
    (behind a proxy, or where the address the browser used is not the public one)."""
    configured = state.setting(PUBLIC_URL_SETTING)
    if configured:
        problem = public_url_problem(configured)
        if not problem:
            return configured.strip().rstrip("/")
        state.error_once(
            f"{PUBLIC_URL_SETTING} {configured!r} cannot be used ({problem}): links use the address "
            "the browser opened instead"
        )
    url = st.context.url
    if not isinstance(url, str):  # no browser behind this run (a test harness)
        return ""
    url = url.split("?")[0].split("#")[0].rstrip("/")
    if not url:
        return ""
    try:  # st.context.url ends with this page's path
        from streamlit.runtime.context_util import maybe_trim_page_path
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        if ctx is not None:
            url = maybe_trim_page_path(url, ctx.pages_manager)
    except Exception:  # an internal helper moved: the full URL still names the server
        pass
    return url.rstrip("/")


# Everything Markdown (or Streamlit's own additions: $maths$, :colour[text], :icons:) could
# read as syntax, and a line start that would become a list.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]{}()<>#|~$:!+@])")
_LOOKS_LIKE_LIST = re.compile(r"^(\d+)([.)])(\s)|^([-+])(\s)")
# Streamlit turns bare addresses into links whatever is escaped; an invisible word joiner
# (U+2060) inside "https://", "www." and "a@b" stops it and shows the same characters.
_AUTOLINK = re.compile(r"(?i)(https?|ftp|mailto)(?=\\:)|\b(www)(?=\\?\.)|(?=\\@)")
WORD_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """Text shown exactly as written, in a Markdown element: a name a learner typed, a code,
    slide text. No emphasis, links (bare addresses included), colours, maths or HTML."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _AUTOLINK.sub(lambda m: (m.group(0) or "") + WORD_JOINER, text)
    return _LOOKS_LIKE_LIST.sub(
        lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}" if m.group(1) else f"\\{m.group(4)}{m.group(5)}", text
    )


def dollars(markdown: str) -> str:
    """Course Markdown with each $ kept as a dollar sign: Streamlit reads some text between
    two $ signs as maths ("$5 or $10" shows as an italic formula), so none is left to chance."""
    return markdown.replace("$", r"\$")


def code_as_typed(text: str, limit: int = 40) -> str:
    """A code someone typed or an address carried, for repeating back in a message: cleaned
    as codes are compared, cut short, and shown exactly as written (no Markdown)."""
    return escape_markdown(shown(clean_code(text), limit))


def escaped_table(table: pd.DataFrame) -> pd.DataFrame:
    """`table` with every text cell escaped so that st.table shows it as written."""
    return table.map(lambda v: escape_markdown(v) if isinstance(v, str) else v)


def plain_table(table: pd.DataFrame) -> None:
    """`st.table` with every text cell shown as written: st.table reads its cells as Markdown,
    so "1. History" became a numbered list inside its cell, read out as a list (WCAG 1.3.1)."""
    st.table(escaped_table(table), hide_index=True)


def find_cohort(code: str, track_id: str) -> tuple[Cohort | None, str]:
    """The cohort a code names, if the learner may join it on this track; else what is wrong
    (Home, when a track is chosen, and My progress, to join later)."""
    found = state.session().find_cohort(code, track_id)
    if not isinstance(found, Refusal):
        return found, ""
    if found.reason == "unreachable":
        return None, _("We can't reach the course database to check your cohort code. Try again in a few minutes.")
    shown_code = code_as_typed(code)
    if found.reason == "no-cohort":
        return None, _("No cohort has the code “{code}”. Check it with your trainer.").format(code=shown_code)
    titles = {t.id: t.title for t in state.course().settings.tracks}
    other = titles.get(found.detail, found.detail)
    return None, _(
        "The cohort with the code “{code}” is for the track “{track}”. "
        "Choose that track, or check the code with your trainer."
    ).format(code=shown_code, track=escape_markdown(other))
