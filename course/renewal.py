"""Certificates that expire and renew: validity arithmetic, status, revocation and renewal rules.

Pure functions of the course, a certificate's dates and the learner's events; nothing here
reads a database or the UI.

- Expiry: a certificate issued at instant T on a track with `validity_months: N` expires at
  T plus N calendar months, on the same day of the month, clamped to the month's last day
  (issued 29 Feb 2028 with 12 months: expires 28 Feb 2029), at the same time of day, in UTC.
  The expiry is computed once, at issue, stored and signed with the certificate: a later change
  of the track's validity applies to certificates issued after it, never to one already in a
  learner's hands (what is printed on it stays true).
- Status at a moment: revoked (a trainer's REVOKED event names it), else expired (at or after
  its expiry), else expiring soon (within EXPIRING_SOON_DAYS of it), else valid.
- Renewal (the track's `renewal:` block): from `window_days` before the expiry on (also after
  it, so a lapsed certificate can be renewed the same way), the certificate is renewed by a
  refresher set passed at the track's pass mark (`refresher`), or by passing again, in that
  window, every module whose review date is after the certificate's issue date
  (`changed_modules`; no such module: this way does not apply). Renewing issues a new
  certificate (new id, issue date, expiry); the old one keeps verifying with its own dates.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from course import dates
from course.events import (
    COMPLETED,
    PASSED,
    REVOKED,
    Event,
    certificate_of,
    certificate_revoked,
    quiz_activity,
    refresher_activity,
)
from course.schema import Course, Module, Track

VALID, EXPIRING_SOON, EXPIRED, REVOKED_STATUS = "valid", "expiring_soon", "expired", "revoked"
EXPIRING_SOON_DAYS = 30
STATUS_LABELS = {
    VALID: "Valid",
    EXPIRING_SOON: "Valid, expiring soon",
    EXPIRED: "Expired",
    REVOKED_STATUS: "Revoked",
}
MAX_REASON = 500


def utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is taken as UTC (as the store does)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def add_months(moment: datetime, months: int) -> datetime:
    """`moment` (in UTC) plus whole calendar months, the day clamped to the month's end."""
    m = utc(moment)
    total = m.month - 1 + months
    year, month = m.year + total // 12, total % 12 + 1
    return m.replace(year=year, month=month, day=min(m.day, calendar.monthrange(year, month)[1]))


def expiry(issued_at: datetime, validity_months: int | None) -> datetime | None:
    return add_months(issued_at, validity_months) if validity_months else None


@dataclass(frozen=True)
class Revocation:
    certificate_id: str
    at: datetime
    reason: str
    by: str | None


def revocation_event(learner_id: str, certificate_id: str, reason: str, by: str, cohort: str | None = None) -> Event:
    """The event a trainer's revocation appends to the holder's record."""
    reason = " ".join(str(reason).split())
    if not reason:
        raise ValueError("a revocation needs a reason")
    if len(reason) > MAX_REASON:
        raise ValueError(f"the reason is {len(reason)} characters long; keep it under {MAX_REASON}")
    return certificate_revoked(certificate_id, reason, by).by(learner_id, cohort)


def revocations(events: Iterable[Event]) -> dict[str, Revocation]:
    """certificate id -> its (first) revocation, from a learner's events."""
    out: dict[str, Revocation] = {}
    for e in sorted(events, key=lambda e: utc(e.timestamp)):
        cid = certificate_of(e.activity)
        if e.verb == REVOKED and cid is not None:
            ctx = e.context or {}
            out.setdefault(cid, Revocation(cid, utc(e.timestamp), str(ctx.get("reason", "")), ctx.get("by")))
    return out


def status(expires_at: datetime | None, now: datetime, revoked: bool = False) -> str:
    if revoked:
        return REVOKED_STATUS
    if expires_at is None:
        return VALID
    left = utc(expires_at) - utc(now)
    if left <= timedelta(0):
        return EXPIRED
    if left <= timedelta(days=EXPIRING_SOON_DAYS):
        return EXPIRING_SOON
    return VALID


def window_opens(track: Track, expires_at: datetime | None) -> datetime | None:
    """When renewal opens for a certificate of `track` expiring at `expires_at` (None: never)."""
    if track.renewal is None or expires_at is None:
        return None
    return utc(expires_at) - timedelta(days=track.renewal.window_days)


def changed_modules(course: Course, track: Track, issued_at: datetime) -> list[Module]:
    """The track's modules reviewed after the day the certificate was issued (a review on
    the issue day itself is taken to be what the learner read)."""
    day = utc(issued_at).date()
    return [m for m in course.track_modules(track.id) if m.review is not None and m.review.last_reviewed > day]


def renewed_by(
    course: Course, track: Track, issued_at: datetime, expires_at: datetime | None, events: Iterable[Event]
) -> str | None:
    """Which way of the track's renewal rule the learner's events meet for this certificate
    ("refresher" or "changed_modules"), or None (not met, window not open, or no rule)."""
    rule, opens = track.renewal, window_opens(track, expires_at)
    if rule is None or opens is None:
        return None
    events = [e for e in events if utc(e.timestamp) >= opens]
    if "refresher" in rule.by:
        for e in events:
            if e.verb == COMPLETED and e.activity == refresher_activity() and e.success and e.track == track.id:
                return "refresher"
    if "changed_modules" in rule.by:
        changed = changed_modules(course, track, issued_at)
        if changed and all(_passed_since(m, track, events) for m in changed):
            return "changed_modules"
    return None


def _passed_since(module: Module, track: Track, events: list[Event]) -> bool:
    if module.review is None:  # never reviewed: `changed_modules` does not list it
        return False
    reviewed = datetime.combine(module.review.last_reviewed, time(), tzinfo=UTC)
    return any(
        e.verb == PASSED
        and e.activity == quiz_activity(module.quiz)
        and e.track == track.id
        and utc(e.timestamp) >= reviewed
        for e in events
    )


# --------------------------------------------------------------------------- trainer report


@dataclass(frozen=True)
class Holder:
    """One certificate as the trainer report lists it: by ids, never by name."""

    certificate_id: str
    learner_id: str
    issued_at: datetime
    expires_at: datetime | None
    status: str


def expiry_buckets(holders: Iterable[Holder], now: datetime) -> dict[str, list[Holder]]:
    """Current certificates by when they expire: "30", "60", "90" days (each bucket from the
    end of the previous one), "expired" and "revoked"; valid beyond 90 days are left out."""
    out: dict[str, list[Holder]] = {"30": [], "60": [], "90": [], "expired": [], "revoked": []}
    for h in holders:
        if h.status == REVOKED_STATUS:
            out["revoked"].append(h)
        elif h.expires_at is None:
            continue
        elif utc(h.expires_at) <= utc(now):
            out["expired"].append(h)
        else:
            left = utc(h.expires_at) - utc(now)
            for days in (30, 60, 90):
                if left <= timedelta(days=days):
                    out[str(days)].append(h)
                    break
    for rows in out.values():
        rows.sort(key=lambda h: (h.expires_at or h.issued_at, h.certificate_id))
    return out


# --------------------------------------------------------------------------- calendar reminder


def reminder_ics(
    certificate_id: str,
    course_title: str,
    expires_at: datetime,
    renew_from: datetime | None,
    stamp: datetime,
    where: str | None = None,
) -> bytes:
    """An iCalendar file with one all-day event on the day renewal opens (or, with no renewal
    rule, the expiry day), and an alarm on it: a reminder without any mail server."""
    from icalendar import Alarm, Calendar
    from icalendar import Event as CalendarEvent

    day = utc(renew_from or expires_at).date()
    cal = Calendar()
    cal.add("prodid", "-//Ketamine therapy course//certificate renewal reminder//EN")
    cal.add("version", "2.0")
    ev = CalendarEvent()
    ev.add("uid", f"{certificate_id}-renewal@course-certificates")
    ev.add("dtstamp", utc(stamp))
    ev.add("dtstart", day)
    ev.add("dtend", day + timedelta(days=1))
    ev.add("summary", f"Renew your certificate: {course_title}")
    how = (
        f"Renewal opens today for certificate {certificate_id}. Do a refresher set on the course's Refresh page "
        if renew_from
        else f"Certificate {certificate_id} expires today. "
    )
    ev.add(
        "description",
        how + f"It expires on {dates.day_and_time(expires_at)}." + (f" {where}" if where else ""),
    )
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"Renew your certificate: {course_title}")
    alarm.add("trigger", timedelta(hours=9))  # 09:00 on the day (an all-day event starts at midnight)
    ev.add_component(alarm)
    cal.add_component(ev)
    return cal.to_ical()
