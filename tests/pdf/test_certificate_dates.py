"""The dates a certificate's PDF prints (moved from tests/unit/test_dates.py and
test_renewal.py: each test renders a certificate, and the first render in a process loads the
PDF engine, about a second): the same day as the pages and the renewal reminder, the expiry
signed at issue and printed beside the issue date, and no expiry on a certificate that has none.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pypdf
import pytest
import sqlalchemy as sa
from icalendar import Calendar

from course import dates, renewal
from course.certificates import Certificate, check, issue, render_pdf, verify
from course.records import Store, certificates_table, open_store

ISSUED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
SECRET = b"unit-test-secret-0123456789abcdef"


@pytest.fixture
def store(sqlite_url) -> Store:
    s = open_store(sqlite_url)
    yield s
    s.close()


def test_the_certificate_pdf_and_the_renewal_reminder_print_the_same_day_as_the_pages():
    expires = renewal.add_months(ISSUED, 12)
    cert = Certificate("KT-ABCD-EFGH-JKMN", "Alex Ngata", "Ketamine therapy", "0.1.0", ISSUED, 90.0, expires)
    text = pypdf.PdfReader(io.BytesIO(render_pdf(cert))).pages[0].extract_text()
    assert f"Issued on {dates.day(ISSUED)}" in text and f"Valid until {dates.day(expires)}" in text
    assert "Issued on 7 December 2026" in text and "07 December" not in text
    ics = renewal.reminder_ics(cert.certificate_id, "Ketamine therapy", expires, None, ISSUED)
    (event,) = Calendar.from_ical(ics).walk("VEVENT")
    assert "It expires on 7 December 2027 at 09:30 UTC." in str(event["description"])


def test_issue_records_and_signs_the_expiry_and_the_pdf_prints_both_dates(store, real_course):
    cert = issue(store, "L1", "Ada Lovelace", real_course, 90, SECRET, datetime(2028, 2, 29, 10, tzinfo=UTC), 12)
    assert cert.expires_at == datetime(2029, 2, 28, 10, tzinfo=UTC)
    assert verify(store, cert.certificate_id, SECRET).expires_at == cert.expires_at
    text = pypdf.PdfReader(io.BytesIO(render_pdf(cert))).pages[0].extract_text()
    assert "Issued on 29 February 2028" in text and "Valid until 28 February 2029" in text
    # A later expiry written into the database does not verify: the expiry is signed.
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(certificates_table)
            .where(certificates_table.c.certificate_id == cert.certificate_id)
            .values(expires_at=datetime(2030, 2, 28, 10, tzinfo=UTC))
        )
    assert verify(store, cert.certificate_id, SECRET) is None


def test_a_certificate_that_does_not_expire_prints_no_expiry_and_verifies_as_before(store, real_course):
    cert = issue(store, "L1", "Ada Lovelace", real_course, 90, SECRET, datetime(2028, 2, 29, 10, tzinfo=UTC))
    assert cert.expires_at is None
    assert "Valid until" not in pypdf.PdfReader(io.BytesIO(render_pdf(cert))).pages[0].extract_text()
    assert check(store, cert.certificate_id, SECRET, datetime(2090, 1, 1, tzinfo=UTC)).status == renewal.VALID
