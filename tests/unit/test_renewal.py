"""Certificates that expire, renew and can be revoked (issue 21): the arithmetic, the statuses,
the renewal rule, the trainers' expiry buckets and the calendar reminder. The dates the PDF
prints: tests/pdf/test_certificate_dates.py."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from course import certificates, renewal
from course.certificates import check, issue, renew
from course.events import COMPLETED, PASSED, Event, quiz_activity, refresher_activity
from course.records import Store, open_store
from course.renewal import add_months, expiry_buckets, renewed_by, status

SECRET = b"unit-test-secret-0123456789abcdef"


@pytest.fixture
def store(sqlite_url) -> Store:
    s = open_store(sqlite_url)
    yield s
    s.close()


def staff(course, **changes):
    """The course with the staff track's settings changed (as if course.yaml were edited)."""
    track = course.track("staff").model_copy(update=changes)
    tracks = [track if t.id == "staff" else t for t in course.settings.tracks]
    return course.model_copy(update={"settings": course.settings.model_copy(update={"tracks": tracks})})


# --------------------------------------------------------------------------- expiry arithmetic


@pytest.mark.parametrize(
    ("issued", "months", "expires"),
    [
        (datetime(2027, 3, 10, 9, 0, tzinfo=UTC), 12, datetime(2028, 3, 10, 9, 0, tzinfo=UTC)),
        # A leap day: no 29 February in 2029, so the month's last day.
        (datetime(2028, 2, 29, 12, 0, tzinfo=UTC), 12, datetime(2029, 2, 28, 12, 0, tzinfo=UTC)),
        (datetime(2028, 2, 29, 12, 0, tzinfo=UTC), 48, datetime(2032, 2, 29, 12, 0, tzinfo=UTC)),
        (datetime(2028, 1, 31, 8, 0, tzinfo=UTC), 1, datetime(2028, 2, 29, 8, 0, tzinfo=UTC)),
        (datetime(2027, 12, 31, 8, 0, tzinfo=UTC), 2, datetime(2028, 2, 29, 8, 0, tzinfo=UTC)),
        (datetime(2027, 8, 31, 8, 0, tzinfo=UTC), 6, datetime(2028, 2, 29, 8, 0, tzinfo=UTC)),
    ],
)
def test_a_certificate_expires_whole_calendar_months_later_on_the_last_day_when_the_day_is_missing(
    issued, months, expires
):
    assert add_months(issued, months) == expires


def test_expiry_is_counted_from_the_instant_of_issue_in_utc_whatever_zone_the_clock_was_in():
    # 23:30 on 29 February in New York is already 1 March in UTC: the certificate says 1 March.
    new_york = timezone(timedelta(hours=-5))
    assert add_months(datetime(2028, 2, 29, 23, 30, tzinfo=new_york), 12) == datetime(2029, 3, 1, 4, 30, tzinfo=UTC)
    # 01:00 on 29 February in Tokyo is still 28 February in UTC.
    tokyo = timezone(timedelta(hours=9))
    assert add_months(datetime(2028, 2, 29, 1, 0, tzinfo=tokyo), 12) == datetime(2029, 2, 28, 16, 0, tzinfo=UTC)


def test_a_change_of_validity_after_issue_leaves_an_issued_certificate_with_its_printed_expiry(store, real_course):
    """Decided (docs/records.md): the expiry is fixed at issue; a new validity applies to
    certificates issued after the change, so what a certificate prints stays true."""
    issued = datetime(2027, 6, 1, 9, tzinfo=UTC)
    old = issue(store, "L1", "Ada", real_course, 90, SECRET, issued, real_course.track("staff").validity_months)
    longer = staff(real_course, validity_months=24)
    new = issue(store, "L2", "Bo", longer, 90, SECRET, issued, longer.track("staff").validity_months)
    assert old.expires_at == datetime(2028, 6, 1, 9, tzinfo=UTC)
    assert new.expires_at == datetime(2029, 6, 1, 9, tzinfo=UTC)
    assert check(store, old.certificate_id, SECRET, datetime(2028, 7, 1, tzinfo=UTC)).status == renewal.EXPIRED


# --------------------------------------------------------------------------- statuses


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2028, 1, 1, tzinfo=UTC), renewal.VALID),
        (datetime(2028, 5, 1, 9, tzinfo=UTC), renewal.VALID),  # 31 days before
        (datetime(2028, 5, 2, 9, tzinfo=UTC), renewal.EXPIRING_SOON),  # 30 days before
        (datetime(2028, 6, 1, 8, 59, tzinfo=UTC), renewal.EXPIRING_SOON),
        (datetime(2028, 6, 1, 9, tzinfo=UTC), renewal.EXPIRED),  # at the expiry instant
        (datetime(2031, 1, 1, tzinfo=UTC), renewal.EXPIRED),
    ],
)
def test_status_is_valid_then_expiring_soon_in_the_last_30_days_then_expired(now, expected):
    assert status(datetime(2028, 6, 1, 9, tzinfo=UTC), now) == expected


def test_a_revoked_certificate_is_revoked_whatever_its_dates_and_the_revocation_is_verifiable(store, real_course):
    cert = issue(store, "L1", "Ada", real_course, 90, SECRET, datetime(2027, 6, 1, tzinfo=UTC), 12)
    store.append(renewal.revocation_event("L1", cert.certificate_id, "  Issued to the wrong   person ", "trainer"))
    checked = check(store, cert.certificate_id, SECRET, datetime(2027, 7, 1, tzinfo=UTC))
    assert checked.status == renewal.REVOKED_STATUS
    assert checked.revocation.reason == "Issued to the wrong person"
    assert checked.certificate.display_name == "Ada"  # it still verifies as genuine: it says what was revoked


def test_a_revocation_needs_a_reason():
    with pytest.raises(ValueError, match="needs a reason"):
        renewal.revocation_event("L1", "KT-ABCD-EFGH-JKMN", "   ", "trainer")


# --------------------------------------------------------------------------- renewal


ISSUED = datetime(2027, 6, 1, 9, tzinfo=UTC)
EXPIRES = datetime(2028, 6, 1, 9, tzinfo=UTC)  # 12 months; the window opens 90 days before
OPENS = EXPIRES - timedelta(days=90)


def refresher_done(at: datetime, success: bool = True) -> Event:
    return Event(
        "L1", COMPLETED, refresher_activity(), track="staff", score=4, max_score=5, success=success, timestamp=at
    )


def test_a_refresher_passed_in_the_window_renews_and_one_before_it_or_not_passed_does_not(real_course):
    track = real_course.track("staff")
    assert renewal.window_opens(track, EXPIRES) == OPENS
    assert renewed_by(real_course, track, ISSUED, EXPIRES, [refresher_done(OPENS - timedelta(seconds=1))]) is None
    assert renewed_by(real_course, track, ISSUED, EXPIRES, [refresher_done(OPENS, success=False)]) is None
    assert renewed_by(real_course, track, ISSUED, EXPIRES, [refresher_done(OPENS)]) == "refresher"
    # After expiry the window stays open: a lapsed certificate renews the same way.
    assert (
        renewed_by(real_course, track, ISSUED, EXPIRES, [refresher_done(EXPIRES + timedelta(days=40))]) == "refresher"
    )


def test_a_track_without_a_renewal_rule_never_renews(real_course):
    public = real_course.track("public")
    assert public.validity_months is None and public.renewal is None
    assert renewed_by(real_course, public, ISSUED, None, [refresher_done(EXPIRES)]) is None


def test_retaking_every_module_reviewed_since_issue_renews_when_the_rule_allows_it(real_course):
    track = real_course.track("staff")
    reviewed = {m.id: m.review.last_reviewed for m in real_course.track_modules("staff")}
    latest = max(reviewed.values())
    issued_before = datetime.combine(latest - timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    changed = renewal.changed_modules(real_course, track, issued_before)
    assert changed and {m.id for m in changed} == {m for m, d in reviewed.items() if d == latest}
    expires = add_months(issued_before, 12)
    in_window = expires - timedelta(days=10)
    passes = [
        Event("L1", PASSED, quiz_activity(m.quiz), track="staff", score=9, max_score=10, timestamp=in_window)
        for m in changed
    ]
    assert renewed_by(real_course, track, issued_before, expires, passes) == "changed_modules"
    assert renewed_by(real_course, track, issued_before, expires, passes[:-1]) is None
    only_refresher = staff(real_course, renewal=track.renewal.model_copy(update={"by": ["refresher"]}))
    assert renewed_by(only_refresher, only_refresher.track("staff"), issued_before, expires, passes) is None
    # Issued on or after the last review: nothing changed since, so this way does not apply.
    on_review_day = datetime.combine(latest, datetime.min.time(), tzinfo=UTC)
    assert renewal.changed_modules(real_course, track, on_review_day) == []


def test_renew_issues_a_new_certificate_once_and_the_old_one_keeps_its_dates(store, real_course):
    old = issue(store, "L1", "Ada", real_course, 91.5, SECRET, ISSUED, 12)
    at = OPENS + timedelta(days=5)
    events = [refresher_done(at)]
    new = renew(store, real_course, "staff", "L1", events, SECRET, at)
    assert new.certificate_id != old.certificate_id
    assert (new.issued_at, new.expires_at) == (at, add_months(at, 12))
    assert (new.display_name, new.score_percent) == ("Ada", 91.5)
    assert renew(store, real_course, "staff", "L1", events, SECRET, at) is None  # the new one's window is far off
    assert check(store, old.certificate_id, SECRET, at).certificate.expires_at == EXPIRES


def test_a_revoked_certificate_is_not_renewed_by_a_refresher(store, real_course):
    old = issue(store, "L1", "Ada", real_course, 91.5, SECRET, ISSUED, 12)
    events = [renewal.revocation_event("L1", old.certificate_id, "Wrong person", "trainer"), refresher_done(OPENS)]
    assert renew(store, real_course, "staff", "L1", events, SECRET, OPENS) is None


def test_course_yaml_rejects_an_expiry_without_a_certificate_or_a_window_longer_than_the_validity(real_course):
    from pydantic import ValidationError

    from course.schema import Track

    base = real_course.track("staff").model_dump()
    with pytest.raises(ValidationError, match="validity_months needs certificate"):
        Track(**{**base, "certificate": False})
    with pytest.raises(ValidationError, match="must be shorter than the validity"):
        Track(**{**base, "validity_months": 1, "renewal": {"window_days": 60, "by": ["refresher"]}})


# --------------------------------------------------------------------------- trainer buckets and reminders


def test_expiry_buckets_match_hand_counted_dates():
    now = datetime(2028, 1, 1, tzinfo=UTC)

    def h(cid: str, expires: datetime | None, st: str = renewal.VALID) -> renewal.Holder:
        return renewal.Holder(cid, "L" + cid, now - timedelta(days=300), expires, st)

    holders = [
        h("a", now + timedelta(days=1)),
        h("b", now + timedelta(days=30)),  # 30 days exactly: in the 30-day bucket
        h("c", now + timedelta(days=30, seconds=1)),
        h("d", now + timedelta(days=90)),
        h("e", now + timedelta(days=91)),  # beyond 90 days: not listed
        h("f", now),  # at the instant: expired
        h("g", now - timedelta(days=5)),
        h("r", now + timedelta(days=10), renewal.REVOKED_STATUS),
        h("n", None),  # never expires
    ]
    buckets = {k: [x.certificate_id for x in v] for k, v in expiry_buckets(holders, now).items()}
    assert buckets == {"30": ["a", "b"], "60": ["c"], "90": ["d"], "expired": ["g", "f"], "revoked": ["r"]}


def test_the_reminder_is_an_all_day_event_on_the_day_renewal_opens():
    ics = renewal.reminder_ics("KT-ABCD-EFGH-JKMN", "Ketamine course", EXPIRES, OPENS, ISSUED)
    cal = Calendar.from_ical(ics)
    (event,) = cal.walk("VEVENT")
    assert event.decoded("dtstart") == date(2028, 3, 3)
    assert event.decoded("dtend") == date(2028, 3, 4)
    assert "KT-ABCD-EFGH-JKMN" in str(event["description"]) and "1 June 2028" in str(event["description"])
    assert cal.walk("VALARM")


def test_holders_lists_each_learners_latest_certificate_with_its_status(store, real_course):
    issue(store, "L1", "Ada", real_course, 90, SECRET, ISSUED, 12)
    renewed = issue(store, "L1", "Ada", real_course, 90, SECRET, OPENS, 12)
    lapsed = issue(store, "L2", "Bo", real_course, 90, SECRET, ISSUED - timedelta(days=400), 12)
    found = certificates.holders(store, store.all_certificates(), SECRET, OPENS + timedelta(days=1))
    assert [(x.certificate_id, x.status) for x in found] == [
        (renewed.certificate_id, renewal.VALID),
        (lapsed.certificate_id, renewal.EXPIRED),
    ]
