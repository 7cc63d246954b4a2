"""Trainer dashboard section: certificates due for renewal, revocation, and refresher retention.

Called with one line from course/ui/pages/trainer.py. Certificates are listed by certificate
id and pseudonymous learner id only (as stuck learners are); figures over refresher answers
follow the analytics privacy rule (groups of fewer than MIN_GROUP learners are hidden).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import streamlit as st

from course import certificates, dates, refresh, renewal
from course.analytics import MIN_GROUP
from course.events import Event
from course.records import Store, StoreUnavailable
from course.schema import Course
from course.ui import state
from course.ui.common import escape_markdown, plain_table

BUCKETS = {
    "30": "Expiring within 30 days",
    "60": "Expiring in 31 to 60 days",
    "90": "Expiring in 61 to 90 days",
    "expired": "Expired",
    "revoked": "Revoked",
}


def holder_rows(holders: Sequence[renewal.Holder], now: datetime, for_file: bool = False) -> list[dict]:
    """The rows of the renewal list (dates as people read them, course/dates.py) or, with
    `for_file`, of its CSV (ISO 8601 dates, which spreadsheets sort), soonest first, by bucket."""

    def when(moment: datetime) -> str:
        return f"{moment:%Y-%m-%d}" if for_file else dates.day(moment)

    rows = []
    for bucket, found in renewal.expiry_buckets(holders, now).items():
        for h in found:
            rows.append(
                {
                    "When": BUCKETS[bucket],
                    "Certificate": h.certificate_id,
                    "Learner": h.learner_id[:8],
                    "Issued": when(h.issued_at),
                    "Expires": when(h.expires_at) if h.expires_at else "",
                    "Status": renewal.STATUS_LABELS[h.status],
                }
            )
    return rows


def retention_rows(course: Course, events: Sequence[Event]) -> list[dict]:
    return [
        {
            "Month": r.month,
            "Module": course.module(r.module_id).title,
            "Learners": r.learners if r.suppressed is None else "",
            "Refresher answers": r.answers if r.suppressed is None else "",
            "Share right": f"{r.share_right:.0%}" if r.suppressed is None else "",
            "Note": r.suppressed or "",
        }
        for r in refresh.retention(course, events)
    ]


FRESH_FOR_S = 60  # as the rest of the dashboard: figures at most a minute old


@st.cache_resource(ttl=FRESH_FOR_S, max_entries=16, show_spinner="Loading certificates…")
def _holders(cohort: str | None, minute: datetime) -> list[renewal.Holder]:
    """Each learner's latest certificate and its status at `minute`: one read per certificate
    and per holder's record, shared by every trainer looking at the same selection that minute."""
    db, secret = state.store(), state.cert_secret()
    if db is None or secret is None:  # gone since the caller looked: it says so as for an outage
        raise StoreUnavailable("the course database or the certificate key cannot be reached")
    if cohort:
        records = [r for lid in db.cohort_members(cohort) for r in db.certificates_for(lid)]
    else:
        records = db.all_certificates()
    return certificates.holders(db, records, secret, minute)


def render(course: Course, events: Sequence[Event], cohort: str | None) -> None:
    st.header("Certificates and renewal")
    db, secret = state.store(), state.cert_secret()
    if db is None or secret is None:
        st.write("Certificates can't be read right now (no database or no certificate key).")
        return
    now = state.now()
    try:
        holders = _holders(cohort, now.replace(second=0, microsecond=0))
    except StoreUnavailable:
        st.error("We can't reach the course database right now.", icon=":material/cloud_off:")
        return
    counts = renewal.expiry_buckets(holders, now)
    st.write(
        " · ".join(f"{label}: **{len(counts[key])}**" for key, label in BUCKETS.items())
        + f" (of {len(holders)} learners holding a certificate)"
    )
    rows = holder_rows(holders, now)
    if rows:
        st.caption("Learners are shown by their pseudonymous id and certificate id only.")
        plain_table(pd.DataFrame(rows))
    _revoke(db, secret)

    st.subheader("Refreshers")
    sets = refresh.activity(events)
    if sets:
        plain_table(
            pd.DataFrame(
                [
                    {
                        "Month": month,
                        "Refresher sets done": n if why is None else "",
                        "Learners": who if why is None else "",
                        "Note": why or "",
                    }
                    for month, n, who, why in sets
                ]
            )
        )
    else:
        st.write("No refresher sets in this selection.")
    retained = retention_rows(course, events)
    if retained:
        st.write("Retention: the share of refresher answers that were right, by module and month.")
        plain_table(pd.DataFrame(retained))
    st.caption(f"Figures over fewer than {MIN_GROUP} learners are hidden to protect their privacy.")
    cols = st.columns(2)
    with cols[0]:
        st.download_button(
            "Certificates due for renewal (CSV)",
            pd.DataFrame(
                holder_rows(holders, now, for_file=True),
                columns=["When", "Certificate", "Learner", "Issued", "Expires", "Status"],
            ).to_csv(index=False),
            file_name="certificate-renewals.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",  # a click must not rerun the dashboard (issue 18, defect 10)
        )
    with cols[1]:
        st.download_button(
            "Refresher retention (CSV)",
            pd.DataFrame(
                retained, columns=["Month", "Module", "Learners", "Refresher answers", "Share right", "Note"]
            ).to_csv(index=False),
            file_name="refresher-retention.csv",
            mime="text/csv",
            icon=":material/download:",
            on_click="ignore",  # a click must not rerun the dashboard (issue 18, defect 10)
        )


def _revoke(db: Store, secret: bytes) -> None:
    with st.form("revoke-certificate", clear_on_submit=False):
        st.markdown("**Revoke a certificate**")
        cert_id = st.text_input("Certificate id to revoke", key="revoke-id")
        reason = st.text_area(
            "Reason (kept in the learner's record; the Verify page shows only the date)",
            key="revoke-reason",
            max_chars=renewal.MAX_REASON,
        )
        go = st.form_submit_button("Revoke certificate")
    if not go:
        return
    if not reason.strip():
        st.error("Give a reason for the revocation: it is kept with the record.", icon=":material/error:")
        return
    normal = certificates.normalize_id(cert_id)
    cert = certificates.verify(db, normal, secret) if normal else None
    if cert is None:
        st.error(
            f"“{escape_markdown(cert_id.strip())}” is not a certificate issued here. Check the id as printed.",
            icon=":material/error:",
        )
        return
    record = db.certificate_record(cert.certificate_id)
    assert record is not None  # verify has just read it
    if cert.certificate_id in renewal.revocations(db.events(record.learner_id)):
        st.info(f"Certificate {cert.certificate_id} is already revoked.", icon=":material/info:")
        return
    learner = db.learner(record.learner_id)
    db.append(
        renewal.revocation_event(
            record.learner_id, cert.certificate_id, reason, "trainer", learner.cohort if learner else None
        )
    )
    _holders.clear()  # the list above shows it revoked from the next run on
    st.success(
        f"Certificate {cert.certificate_id} is revoked. The Verify page now says so, with today's date.",
        icon=":material/check_circle:",
    )
