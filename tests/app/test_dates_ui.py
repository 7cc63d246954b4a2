"""The same day reads the same on every page a person sees it: Verify, My progress, the
trainer's renewal list (and, in tests/pdf/test_certificate_dates.py, the certificate PDF and the renewal
reminder), all from course/dates.py. Verify and My progress showed "07 December 2026" where
the PDF printed "7 December 2026"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from streamlit.testing.v1 import AppTest

from course import certificates, dates, renewal
from course.records import open_store
from course.ui.renewal_report import holder_rows
from course.ui.state import NOW_KEY
from tests.app.test_walkthrough import APP, button, choose_track, go, texts

SECRET = b"test-secret-for-certificates-0123456789"
ISSUED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
SHOWN = "7 December 2026"


def test_the_issue_date_reads_the_same_on_my_progress_and_on_verify(real_course, isolated_store):
    at = choose_track(AppTest.from_file(APP, default_timeout=60).run(), "Clinic staff onboarding")
    learner = at.session_state["learner"].learner_id
    store = open_store(isolated_store)
    cert = certificates.issue(store, learner, "Alex Ngata", real_course, 90, SECRET, ISSUED, 12)
    at.session_state[NOW_KEY] = ISSUED + timedelta(days=10)
    at = button(at, "View my progress").click().run()
    said = next(s.value for s in at.success if s.value.startswith(f"Certificate {cert.certificate_id}"))
    assert f"issued on {SHOWN} to Alex Ngata" in said and "Valid until 7 December 2027" in said

    page = AppTest.from_file(APP, default_timeout=60)
    page.session_state[NOW_KEY] = ISSUED + timedelta(days=10)
    page = go(page.run(), "verify")
    page.text_input[0].set_value(cert.certificate_id)
    page = button(page, "Check").click().run()
    assert [s.value for s in page.success] == ["This certificate is valid. It expires on 7 December 2027."]
    assert page.table[0].value.iloc[0].tolist()[3:5] == [SHOWN, "7 December 2027"]
    assert "07 December" not in texts(page) + said


def test_the_trainers_renewal_list_shows_the_same_day_and_its_csv_keeps_iso_dates():
    holder = renewal.Holder("KT-ABCD-EFGH-JKMN", "learner-1", ISSUED, renewal.add_months(ISSUED, 12), renewal.VALID)
    now = ISSUED + timedelta(days=300)
    (row,) = holder_rows([holder], now)
    assert (row["Issued"], row["Expires"]) == (SHOWN, dates.day(holder.expires_at)) == (SHOWN, "7 December 2027")
    (row,) = holder_rows([holder], now, for_file=True)
    assert (row["Issued"], row["Expires"]) == ("2026-12-07", "2027-12-07")
