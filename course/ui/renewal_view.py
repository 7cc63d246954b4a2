"""A learner's certificate with its dates and status, its renewal, and the .ics reminder.

Drawn on My progress (and the renewal part after a refresher set on the Refresh page)."""

from __future__ import annotations

import functools
import logging
from datetime import datetime

import streamlit as st

from course import certificates, dates, html_pdf, renewal
from course.certificates import Certificate
from course.records import StoreUnavailable
from course.ui import state
from course.ui.common import escape_markdown

_log = logging.getLogger(__name__)


def day(moment: datetime) -> str:
    return dates.day(moment)  # one date format everywhere (course/dates.py)


def renew_if_met(track_id: str) -> Certificate | None:
    """Issue the renewal when the learner's events meet the track's rule (and say so)."""
    db, secret = state.store(), state.cert_secret()
    if db is None or secret is None:
        return None
    learner = state.session()
    try:
        new = certificates.renew(
            db, state.course(), track_id, learner.learner_id, learner.events(), secret, state.now()
        )
    except StoreUnavailable:
        return None  # tried again on the next visit to My progress or Refresh: the events are kept
    if new is not None:
        # Only a track with a validity renews, so a renewed certificate has an end date.
        until = f", valid until {day(new.expires_at)}" if new.expires_at else ""
        st.success(
            f"Your certificate is renewed: certificate {new.certificate_id}, issued on {day(new.issued_at)}"
            f"{until}. Download it on My progress.",
            icon=":material/workspace_premium:",
        )
    return new


def show(cert: Certificate, track_id: str) -> None:
    """The learner's latest certificate: what it says, where it stands, and the downloads."""
    course = state.course()
    track = course.track(track_id)
    now = state.now()
    revoked = renewal.revocations(state.session().events()).get(cert.certificate_id)
    status = renewal.status(cert.expires_at, now, revoked is not None)
    said = f"Certificate {cert.certificate_id} issued on {day(cert.issued_at)} to {escape_markdown(cert.display_name)}"
    if status == renewal.REVOKED_STATUS and revoked is not None:
        st.error(
            f"{said} was revoked by a trainer on {day(revoked.at)}. Reason: {escape_markdown(revoked.reason)}",
            icon=":material/gpp_bad:",
        )
        return
    if cert.expires_at is None:
        st.success(f"{said}. It does not expire.", icon=":material/workspace_premium:")
    elif status == renewal.EXPIRED:
        st.warning(f"{said} expired on {day(cert.expires_at)}.", icon=":material/event_busy:")
    elif status == renewal.EXPIRING_SOON:
        st.warning(f"{said}. It expires on {day(cert.expires_at)}.", icon=":material/event:")
    else:
        st.success(f"{said}. Valid until {day(cert.expires_at)}.", icon=":material/workspace_premium:")
    problem = html_pdf.unavailable_reason()
    if problem is not None:
        _log.error("certificate PDF for %s: %s", cert.certificate_id, problem)
        st.warning(
            "The PDF of your certificate can't be made on this server right now; the people who run "
            "it have been told. Your certificate is issued and valid.",
            icon=":material/warning:",
        )
    else:
        st.download_button(
            "Download certificate (PDF)",
            # Made when the button is pressed, not on every visit to this page: WeasyPrint
            # lays the certificate out, which takes a few tenths of a second.
            functools.partial(certificates.render_pdf, cert),
            file_name=f"certificate-{cert.certificate_id}.pdf",
            mime="application/pdf",
            icon=":material/download:",
        )
    st.caption("An employer can check it on the Verify a certificate page with the id above.")
    if cert.expires_at is None:
        return
    opens = renewal.window_opens(track, cert.expires_at)
    if opens is not None and track.renewal is not None:  # a window opens only with a renewal rule
        ways = []
        if "refresher" in track.renewal.by:
            ways.append(f"pass a refresher set on the Refresh page (at least {track.pass_mark}% right)")
        changed = renewal.changed_modules(course, track, cert.issued_at)
        if "changed_modules" in track.renewal.by and changed:
            names = ", ".join(f"“{m.title}”" for m in changed)
            ways.append(f"pass again the quiz of each module reviewed since your certificate was issued: {names}")
        when = "Renewal is open now" if now >= opens else f"Renewal opens on {day(opens)}"
        st.write(f"{when}. To renew, " + "; or ".join(ways) + ".")
    st.download_button(
        "Add a renewal reminder to my calendar (.ics)",
        renewal.reminder_ics(
            cert.certificate_id, cert.course_title, cert.expires_at, opens, now, "Open the course to renew."
        ),
        file_name=f"certificate-{cert.certificate_id}-renewal.ics",
        mime="text/calendar",
        icon=":material/event:",
    )
