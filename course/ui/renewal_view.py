"""A learner's certificate with its dates and status, its renewal, and the .ics reminder.

Drawn on My progress (and the renewal part after a refresher set on the Refresh page)."""

from __future__ import annotations

import functools
import logging
from datetime import datetime

import streamlit as st

from course import certificates, dates, html_pdf, renewal
from course.certificates import Certificate
from course.i18n import quoted
from course.records import StoreUnavailable
from course.ui import state
from course.ui.common import escape_markdown
from course.ui.i18n import _, current_language

_log = logging.getLogger(__name__)


def day(moment: datetime) -> str:
    """A date in the learner's language (one date format everywhere: course/dates.py)."""
    return dates.day(moment, current_language())


def renew_if_met(track_id: str, mine: list[Certificate] | None = None) -> Certificate | None:
    """Issue the renewal when the learner's events meet the track's rule (and say so). `mine`:
    the learner's certificates, when the page has read them already (one read per run)."""
    db, secret = state.store(), state.cert_secret()
    if db is None or secret is None:
        return None
    learner = state.session()
    try:
        new = certificates.renew(
            db, state.course(), track_id, learner.learner_id, learner.events(), secret, state.now(), mine
        )
    except StoreUnavailable:
        return None  # tried again on the next visit to My progress or Refresh: the events are kept
    if new is not None:
        # Only a track with a validity renews, so a renewed certificate has an end date.
        if new.expires_at:
            said = _(
                "Your certificate is renewed: certificate {id}, issued on {issued}, valid until {until}. "
                "Download it on My progress."
            ).format(id=new.certificate_id, issued=day(new.issued_at), until=day(new.expires_at))
        else:
            said = _(
                "Your certificate is renewed: certificate {id}, issued on {issued}. Download it on My progress."
            ).format(id=new.certificate_id, issued=day(new.issued_at))
        st.success(said, icon=":material/workspace_premium:")
    return new


def show(cert: Certificate, track_id: str) -> None:
    """The learner's latest certificate: what it says, where it stands, and the downloads."""
    course = state.course()
    track = course.track(track_id)
    now = state.now()
    revoked = renewal.revocations(state.session().events()).get(cert.certificate_id)
    status = renewal.status(cert.expires_at, now, revoked is not None)
    facts = dict(id=cert.certificate_id, issued=day(cert.issued_at), name=escape_markdown(cert.display_name))
    expires = day(cert.expires_at) if cert.expires_at is not None else ""
    if status == renewal.REVOKED_STATUS and revoked is not None:
        st.error(
            _(
                "Certificate {id} issued on {issued} to {name} was revoked by a trainer on {revoked}. Reason: {reason}"
            ).format(**facts, revoked=day(revoked.at), reason=escape_markdown(revoked.reason)),
            icon=":material/gpp_bad:",
        )
        return
    if cert.expires_at is None:
        st.success(
            _("Certificate {id} issued on {issued} to {name}. It does not expire.").format(**facts),
            icon=":material/workspace_premium:",
        )
    elif status == renewal.EXPIRED:
        st.warning(
            _("Certificate {id} issued on {issued} to {name} expired on {expires}.").format(**facts, expires=expires),
            icon=":material/event_busy:",
        )
    elif status == renewal.EXPIRING_SOON:
        st.warning(
            _("Certificate {id} issued on {issued} to {name}. It expires on {expires}.").format(
                **facts, expires=expires
            ),
            icon=":material/event:",
        )
    else:
        st.success(
            _("Certificate {id} issued on {issued} to {name}. Valid until {expires}.").format(**facts, expires=expires),
            icon=":material/workspace_premium:",
        )
    problem = html_pdf.unavailable_reason()
    if problem is not None:
        _log.error("certificate PDF for %s: %s", cert.certificate_id, problem)
        st.warning(
            _(
                "The PDF of your certificate can't be made on this server right now; the people who run "
                "it have been told. Your certificate is issued and valid."
            ),
            icon=":material/warning:",
        )
    else:
        st.download_button(
            _("Download certificate (PDF)"),
            # Made when the button is pressed, not on every visit to this page: WeasyPrint
            # lays the certificate out, which takes a few tenths of a second.
            functools.partial(certificates.render_pdf, cert),
            file_name=f"certificate-{cert.certificate_id}.pdf",
            mime="application/pdf",
            icon=":material/download:",
        )
    st.caption(_("An employer can check it on the Verify a certificate page with the id above."))
    if cert.expires_at is None:
        return
    opens = renewal.window_opens(track, cert.expires_at)
    if opens is not None and track.renewal is not None:  # a window opens only with a renewal rule
        ways = []
        if "refresher" in track.renewal.by:
            ways.append(
                _("pass a refresher set on the Refresh page (at least {mark}% right)").format(mark=track.pass_mark)
            )
        changed = renewal.changed_modules(course, track, cert.issued_at)
        if "changed_modules" in track.renewal.by and changed:
            names = ", ".join(quoted(m.title, current_language()) for m in changed)
            ways.append(
                _("pass again the quiz of each module reviewed since your certificate was issued: {names}").format(
                    names=names
                )
            )
        when = _("Renewal is open now") if now >= opens else _("Renewal opens on {day}").format(day=day(opens))
        if len(ways) == 1:
            st.write(_("{when}. To renew, {way}.").format(when=when, way=ways[0]))
        elif ways:
            st.write(_("{when}. To renew, {first}; or {second}.").format(when=when, first=ways[0], second=ways[1]))
    st.download_button(
        _("Add a renewal reminder to my calendar (.ics)"),
        renewal.reminder_ics(
            cert.certificate_id, cert.course_title, cert.expires_at, opens, now, _("Open the course to renew.")
        ),
        file_name=f"certificate-{cert.certificate_id}-renewal.ics",
        mime="text/calendar",
        icon=":material/event:",
    )
