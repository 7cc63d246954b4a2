"""Public Verify page: check a certificate id; shows its status (valid, expiring soon, expired,
revoked) and what the certificate itself prints: name, course, version, issue and expiry dates.
A revocation's date is shown, its reason is not (that would say more than the certificate)."""

from __future__ import annotations

import streamlit as st

from course import certificates, dates, renewal
from course.i18n import N_
from course.ui import nav, state
from course.ui.common import code_as_typed, escape_markdown
from course.ui.i18n import _, current_language

# A certificate's status in words (course.renewal.STATUS_LABELS), marked to be shown translated.
STATUS_WORDS = {
    renewal.VALID: N_("Valid"),
    renewal.EXPIRING_SOON: N_("Valid, expiring soon"),
    renewal.EXPIRED: N_("Expired"),
    renewal.REVOKED_STATUS: N_("Revoked"),
}


def render() -> None:
    st.title(_("Verify a certificate"))
    st.write(_("Enter the verification id printed on a certificate, for example KT-ABCD-EFGH-JKMN."))
    with st.form("verify"):
        cert_id = st.text_input(_("Certificate id"))  # no max_chars: a longer paste would be dropped unsaid
        check = st.form_submit_button(_("Check"), type="primary")
    if not check:
        return
    # The outcome takes the focus, so a screen reader reads it whatever its kind: a status that
    # arrives already holding its text is not read by every screen reader.
    with st.container(key="verify-result"):
        _outcome(cert_id)
    nav.focus(".st-key-verify-result [data-testid=stAlertContainer]", force=True, scroll="none")


def _outcome(cert_id: str) -> None:
    if not cert_id.strip():
        st.error(_("Enter the certificate id first."), icon=":material/error:")
        return
    if certificates.normalize_id(cert_id) is None:
        st.error(
            _(
                "“{typed}” is not a certificate id. An id looks like KT-ABCD-EFGH-JKMN: KT and three groups "
                "of four letters or digits, as printed on the certificate."
            ).format(typed=code_as_typed(cert_id)),
            icon=":material/error:",
        )
        return
    db = state.store()
    if db is None:
        st.error(
            _("We can't reach the course database right now. Please try again later."), icon=":material/cloud_off:"
        )
        return
    secret = state.cert_secret()
    if secret is None:
        st.error(_(state.CERTIFICATES_OFF), icon=":material/key_off:")
        return
    checked = certificates.check(db, cert_id.strip().upper(), secret, state.now())
    if checked is None:
        st.error(
            _(
                "No valid certificate has this id. Check each character; if it still fails, the certificate "
                "may have been altered or deleted at the learner's request."
            ),
            icon=":material/gpp_bad:",
        )
        return
    cert = checked.certificate
    lang = current_language()
    expires = dates.day(cert.expires_at, lang) if cert.expires_at else None
    if checked.status == renewal.REVOKED_STATUS and checked.revocation is not None:
        st.error(
            _("This certificate was revoked on {day}. It no longer certifies completion.").format(
                day=dates.day(checked.revocation.at, lang)
            ),
            icon=":material/gpp_bad:",
        )
    elif checked.status == renewal.EXPIRED:
        st.warning(
            _("This certificate was genuine but expired on {day}.").format(day=expires), icon=":material/event_busy:"
        )
    elif checked.status == renewal.EXPIRING_SOON:
        st.success(
            _("This certificate is valid. It expires soon, on {day}.").format(day=expires), icon=":material/verified:"
        )
    else:
        said = _("This certificate is valid.") + (
            " " + _("It expires on {day}.").format(day=expires) if expires else ""
        )
        st.success(said, icon=":material/verified:")
    st.table(
        {
            _("Name"): [escape_markdown(cert.display_name)],  # st.table reads Markdown: shown as written
            _("Course"): [cert.course_title],
            _("Version"): [cert.course_version],
            _("Issued"): [dates.day(cert.issued_at, lang)],
            _("Valid until"): [expires or _("Does not expire")],
            _("Status"): [_(STATUS_WORDS.get(checked.status, renewal.STATUS_LABELS[checked.status]))],
        },
        hide_index=True,
    )
