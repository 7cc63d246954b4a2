"""Public Verify page: check a certificate id; shows its status (valid, expiring soon, expired,
revoked) and what the certificate itself prints: name, course, version, issue and expiry dates.
A revocation's date is shown, its reason is not (that would say more than the certificate)."""

from __future__ import annotations

import streamlit as st

from course import certificates, renewal
from course.ui import nav, state
from course.ui.common import code_as_typed, escape_markdown


def render() -> None:
    st.title("Verify a certificate")
    st.write("Enter the verification id printed on a certificate, for example KT-ABCD-EFGH-JKMN.")
    with st.form("verify"):
        cert_id = st.text_input("Certificate id")  # no max_chars: a longer paste would be dropped unsaid
        check = st.form_submit_button("Check", type="primary")
    if not check:
        return
    # The outcome takes the focus, so a screen reader reads it whatever its kind: a status that
    # arrives already holding its text is not read by every screen reader.
    with st.container(key="verify-result"):
        _outcome(cert_id)
    nav.focus(".st-key-verify-result [data-testid=stAlertContainer]", force=True, scroll="none")


def _outcome(cert_id: str) -> None:
    if not cert_id.strip():
        st.error("Enter the certificate id first.", icon=":material/error:")
        return
    if certificates.normalize_id(cert_id) is None:
        st.error(
            f"“{code_as_typed(cert_id)}” is not a certificate id. An id looks like "
            "KT-ABCD-EFGH-JKMN: KT and three groups of four letters or digits, as printed on the certificate.",
            icon=":material/error:",
        )
        return
    db = state.store()
    if db is None:
        st.error("We can't reach the course database right now. Please try again later.", icon=":material/cloud_off:")
        return
    secret = state.cert_secret()
    if secret is None:
        st.error(state.CERTIFICATES_OFF, icon=":material/key_off:")
        return
    checked = certificates.check(db, cert_id.strip().upper(), secret, state.now())
    if checked is None:
        st.error(
            "No valid certificate has this id. Check each character; if it still fails, the certificate "
            "may have been altered or deleted at the learner's request.",
            icon=":material/gpp_bad:",
        )
        return
    cert = checked.certificate
    expires = f"{cert.expires_at:%d %B %Y}" if cert.expires_at else None
    if checked.status == renewal.REVOKED_STATUS:
        st.error(
            f"This certificate was revoked on {checked.revocation.at:%d %B %Y}. It no longer certifies completion.",
            icon=":material/gpp_bad:",
        )
    elif checked.status == renewal.EXPIRED:
        st.warning(f"This certificate was genuine but expired on {expires}.", icon=":material/event_busy:")
    elif checked.status == renewal.EXPIRING_SOON:
        st.success(f"This certificate is valid. It expires soon, on {expires}.", icon=":material/verified:")
    else:
        said = "This certificate is valid." + (f" It expires on {expires}." if expires else "")
        st.success(said, icon=":material/verified:")
    st.table(
        {
            "Name": [escape_markdown(cert.display_name)],  # st.table reads Markdown: shown as written
            "Course": [cert.course_title],
            "Version": [cert.course_version],
            "Issued": [f"{cert.issued_at:%d %B %Y}"],
            "Valid until": [expires or "Does not expire"],
            "Status": [renewal.STATUS_LABELS[checked.status]],
        },
        hide_index=True,
    )
