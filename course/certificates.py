"""Certificates of completion: issue, verify, and render as a one-page PDF.

A certificate is a row in the store plus an HMAC-SHA256 signature over its fields, made
with a server secret. `verify` recomputes the signature, so a certificate only verifies if
it was issued here and no field has changed since: an edited name or score in the
database, or an id someone made up, does not verify. Deleting a learner's records deletes
their certificates too.

Certificate ids look like `KT-7HQM-2XPA-C9RW`: twelve characters from an alphabet with no
look-alikes (about 59 bits), short enough to read out over the phone.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import logging
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from course import dates
from course.events import Event
from course.records import UNAMBIGUOUS, CertificateRecord, grouped_code
from course.renewal import Holder, Revocation, add_months, renewed_by, revocations, status
from course.schema import Course, CourseSettings
from course.typed import clean_name

_log = logging.getLogger(__name__)
ID_PREFIX = "KT"
_ID = re.compile(rf"^{ID_PREFIX}-[{UNAMBIGUOUS}]{{4}}-[{UNAMBIGUOUS}]{{4}}-[{UNAMBIGUOUS}]{{4}}$")
MIN_SECRET_BYTES = 16
VERIFY_SENTENCE = "Verify at the course's Verify page with this id"


@dataclass(frozen=True)
class Certificate:
    certificate_id: str
    display_name: str
    course_title: str
    course_version: str
    issued_at: datetime
    score_percent: float
    expires_at: datetime | None = None  # None: never expires (course.renewal does the arithmetic)


class CertificateStore(Protocol):
    def add_certificate(self, record: CertificateRecord) -> bool: ...

    def certificate_record(self, certificate_id: str) -> CertificateRecord | None: ...

    def certificates_for(self, learner_id: str) -> list[CertificateRecord]: ...

    def events(self, learner_id: str) -> list[Event]: ...


# --------------------------------------------------------------------------- ids and signatures


def new_certificate_id() -> str:
    groups = ("".join(secrets.choice(UNAMBIGUOUS) for _ in range(4)) for _ in range(3))
    return "-".join((ID_PREFIX, *groups))


def normalize_id(certificate_id: object) -> str | None:
    """The canonical id for what a person typed, or None: any case, and with the dashes, spaces
    or neither ("kt 7hqm 2xpa c9rw", "KT7HQM2XPAC9RW"), as an id is read out over the phone."""
    return grouped_code(certificate_id, (len(ID_PREFIX), 4, 4, 4), _ID, max_len=64, separators=r"[\s\-‐-―]")


def _canonical(record: CertificateRecord) -> bytes:
    # A JSON array: unambiguous field boundaries, stable across Python versions. A certificate
    # that expires signs its expiry too (v2); one that does not keeps v1, so every certificate
    # issued before expiry existed still verifies.
    fields = [
        "course-certificate-v2" if record.expires_at else "course-certificate-v1",
        record.certificate_id,
        record.learner_id,
        record.display_name,
        record.course_title,
        record.course_version,
        record.issued_at.astimezone(UTC).isoformat(timespec="seconds"),
        f"{record.score_percent:.2f}",
    ]
    if record.expires_at:
        fields.append(record.expires_at.astimezone(UTC).isoformat(timespec="seconds"))
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign(record: CertificateRecord, secret: bytes) -> str:
    _check_secret(secret)
    return hmac.new(secret, _canonical(record), hashlib.sha256).hexdigest()


def _check_secret(secret: bytes) -> None:
    if not isinstance(secret, bytes | bytearray) or len(secret) < MIN_SECRET_BYTES:
        raise ValueError(f"the certificate secret must be at least {MIN_SECRET_BYTES} bytes")


def _public(record: CertificateRecord) -> Certificate:
    return Certificate(
        certificate_id=record.certificate_id,
        display_name=record.display_name,
        course_title=record.course_title,
        course_version=record.course_version,
        issued_at=record.issued_at,
        score_percent=record.score_percent,
        expires_at=record.expires_at,
    )


# --------------------------------------------------------------------------- issue and verify


def issue(
    store: CertificateStore,
    learner_id: str,
    display_name: str,
    course: Course | CourseSettings,
    score_percent: float,
    secret: bytes,
    now: datetime | None = None,
    validity_months: int | None = None,
) -> Certificate:
    """Sign and store a certificate for `learner_id`; the name is printed as given. With
    `validity_months` it expires that many calendar months after issue (course.renewal)."""
    _check_secret(secret)
    name = clean_name(display_name)
    if not name:
        raise ValueError("a certificate needs the learner's name")
    if not 0 <= score_percent <= 100:
        raise ValueError("score_percent must be between 0 and 100")
    settings = course.settings if isinstance(course, Course) else course
    issued_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    expires_at = add_months(issued_at, validity_months) if validity_months else None
    for _ in range(10):
        unsigned = CertificateRecord(
            certificate_id=new_certificate_id(),
            learner_id=learner_id,
            display_name=name[:100],
            course_title=settings.title,
            course_version=settings.version,
            issued_at=issued_at,
            score_percent=round(float(score_percent), 2),
            signature="",
            expires_at=expires_at,
        )
        record = CertificateRecord(**{**unsigned.__dict__, "signature": sign(unsigned, secret)})
        if store.add_certificate(record):
            return _public(record)
    raise RuntimeError("could not find a free certificate id")  # 31**12 ids: not expected


def verify(store: CertificateStore, certificate_id: object, secret: bytes) -> Certificate | None:
    """The certificate, if `certificate_id` names one issued here and unaltered; else None."""
    _check_secret(secret)
    normal = normalize_id(certificate_id)
    if normal is None:
        return None
    record = store.certificate_record(normal)
    if record is None:
        return None
    return _verified(record, secret)


def _verified(record: CertificateRecord, secret: bytes) -> Certificate | None:
    """The certificate of a stored record whose signature is right; None if any field changed."""
    expected = sign(CertificateRecord(**{**record.__dict__, "signature": ""}), secret)
    if not hmac.compare_digest(expected, record.signature or ""):
        return None
    return _public(record)


@dataclass(frozen=True)
class Checked:
    """A certificate that verifies, and where it stands (course.renewal's statuses)."""

    certificate: Certificate
    status: str
    revocation: Revocation | None


def check(
    store: CertificateStore, certificate_id: object, secret: bytes, now: datetime | None = None
) -> Checked | None:
    """Verify `certificate_id` and tell its status at `now`: valid, expiring soon, expired or
    revoked (a trainer's revocation is an event in the holder's record). None if it does not verify."""
    cert = verify(store, certificate_id, secret)
    if cert is None:
        return None
    record = store.certificate_record(cert.certificate_id)
    revoked = revocations(store.events(record.learner_id)).get(cert.certificate_id) if record else None
    return Checked(cert, status(cert.expires_at, now or datetime.now(UTC), revoked is not None), revoked)


def for_learner(store: CertificateStore, learner_id: str, secret: bytes) -> list[Certificate]:
    """A learner's certificates that still verify, oldest first (for "My certificates"): one
    read, each record checked as read (not read again by its id)."""
    _check_secret(secret)
    out = []
    for record in store.certificates_for(learner_id):
        cert = _verified(record, secret)
        if cert is not None:
            out.append(cert)
    return out


# --------------------------------------------------------------------------- PDF


def _date(moment: datetime) -> str:
    return dates.day(moment)  # the one date format (course/dates.py), as on Verify and My progress


# Letters that do not decompose to a base letter are spelled the way people write them
# without the accent, when no installed font has them.
_SPELLED = {
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "ħ": "h",
    "Ħ": "H",
    "ı": "i",
    "œ": "oe",
    "Œ": "OE",
    "ŋ": "ng",
    "ſ": "s",
    "‘": "'",
    "’": "'",
    "‚": ",",
    "“": '"',
    "”": '"',
    "„": '"',
    "–": "-",
    "—": "-",
    "−": "-",
    "…": "...",
    "•": "-",
    "€": "EUR",
    "™": "(TM)",
}

# Joiners, direction marks and variation selectors only steer shaping: no font draws them.
_INVISIBLE = frozenset([0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0xFE00, 0xFE10)])


def _needs_no_glyph(ch: str) -> bool:
    return ch.isspace() or ord(ch) in _INVISIBLE or unicodedata.category(ch) == "Cc"


def printable(text: str, prints: Callable[[str], bool]) -> str:
    """`text` with only characters `prints` accepts, so a PDF never shows a missing-glyph box:
    spaces of every kind as one space, control characters dropped; a character no font has is
    spelled out (`_SPELLED`) or written as its unaccented letter where that prints, else "?"
    for a letter or digit, and a symbol (an emoji) is left out."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        if ch.isspace():
            out.append(" ")
        elif unicodedata.category(ch) == "Cc":
            continue
        elif prints(ch) or (ord(ch) in _INVISIBLE):
            out.append(ch)
        elif ch in _SPELLED and all(prints(c) for c in _SPELLED[ch]):
            out.append(_SPELLED[ch])
        else:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
            if base and all(prints(c) for c in base):
                out.append(base)
            elif unicodedata.category(ch)[0] in "LN":
                out.append("?")
    return " ".join("".join(out).split())


def in_latin1(ch: str) -> bool:
    """Whether `ch` is in Latin-1 (the PDF core fonts' range: the floor every system has)."""
    return ord(ch) < 256


def latin1(text: str) -> str:
    """`text` spelled with Latin-1 characters only, keeping as much of it as possible."""
    return printable(text, in_latin1)


def printed_name(name: str) -> str:
    """The name as the certificate prints it: as written, except for characters no installed
    font can draw (logged once each), so the PDF never shows an empty box."""
    from course.html_pdf import covered

    def prints(ch: str) -> bool:
        return bool(covered(ch))

    shown = printable(name, prints)
    missing = sorted({ch for ch in name if not prints(ch) and not _needs_no_glyph(ch)})
    if missing:
        _log.warning(
            "certificate fonts: no installed font has %s; printed as the nearest letter, '?' or left out",
            ", ".join(f"U+{ord(ch):04X}" for ch in missing),
        )
    return shown


_CERT_CSS = """
@page { size: A4 landscape; margin: 10mm; }
html { font-family: "DejaVu Sans", "Noto Sans", "WenQuanYi Micro Hei", sans-serif; color: #141414; }
body { margin: 0; }
* { box-sizing: border-box; }
.frame { height: 190mm; border: 1.2mm solid #1f4e79; padding: 2.5mm; }
.inner { height: 100%; border: .4mm solid #1f4e79; padding: 24mm 18mm 0; text-align: center; position: relative; }
h1 { font-family: "DejaVu Serif", "DejaVu Sans", serif; font-size: 30pt; color: #1f4e79; margin: 0 0 7mm;
  letter-spacing: .02em; }
p { margin: 0; font-size: 14pt; line-height: 1.4; }
.name { font-weight: bold; margin: 5mm 0; line-height: 1.25; overflow-wrap: anywhere; }
.course { font-weight: bold; font-size: 20pt; margin-top: 4mm; }
.version { font-size: 12pt; }
.score { margin-top: 9mm; }
.verify { position: absolute; left: 18mm; right: 18mm; bottom: 16mm; }
.verify .id { font-weight: bold; font-size: 13pt; }
.verify .how { font-size: 11pt; color: #3c3c3c; }
"""


def certificate_html(cert: Certificate, name_pt: float = 28) -> str:
    """The certificate as an HTML document: the source of its PDF (`render_pdf`). `name_pt` is
    the name's size; a long name is set smaller so the certificate keeps to one page."""
    e = html.escape
    score = f"{cert.score_percent:.1f}".removesuffix(".0")
    issued = cert.issued_at.astimezone(UTC)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Certificate {e(cert.certificate_id)}</title>
<meta name="author" content="{e(cert.course_title)}">
<meta name="description" content="Certificate of completion of {e(cert.course_title)}, version {e(cert.course_version)}">
<meta name="dcterms.created" content="{issued.isoformat(timespec="seconds")}">
<style>{_CERT_CSS}</style>
</head>
<body>
<div class="frame"><main class="inner">
<h1>Certificate of completion</h1>
<p>This certifies that</p>
<p class="name" dir="auto" style="font-size: {name_pt:g}pt">{e(printed_name(cert.display_name))}</p>
<p>has completed the course</p>
<p class="course">{e(cert.course_title)}</p>
<p class="version">Version {e(cert.course_version)}</p>
<p class="score">Final score: {e(score)}%</p>
<p>Issued on {e(_date(issued))}</p>
{f"<p>Valid until {e(_date(cert.expires_at.astimezone(UTC)))}</p>" if cert.expires_at else ""}
<div class="verify">
<p class="id">Verification id: {e(cert.certificate_id)}</p>
<p class="how">{e(VERIFY_SENTENCE)}.</p>
</div>
</main></div>
</body>
</html>
"""


def _name_size(name: str) -> float:
    """A first guess at the name's size: 28 pt, smaller for a name too long for one line
    (about 250 mm at 0.6 em a character, wide characters counted twice)."""
    width_em = sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.6 for ch in name)
    fits = 250 / 0.3528 / max(width_em, 1)  # the size in pt at which the name fills one line
    return max(12.0, min(28.0, float(int(fits))))


def render_pdf(cert: Certificate, compress: bool = True) -> bytes:
    """The certificate as a one-page A4 landscape PDF/UA-1 document. `compress=False` leaves
    the page's content readable in the bytes (tests).

    The name is printed as written, in any script: Pango shapes it (Arabic letters join,
    right-to-left names read right to left, Indic marks sit in place) and fontconfig picks an
    installed font that has each character (DejaVu, Noto Sans of the script, WenQuanYi Micro
    Hei). A name too long for one line is set smaller, never onto a second page.
    """
    from course import html_pdf

    size = _name_size(printed_name(cert.display_name))
    while True:
        document = html_pdf.layout(certificate_html(cert, size))
        if len(document.pages) == 1 or size <= 6:
            break
        size = max(6.0, size * 0.8)
    return html_pdf.write_pdf(document, compress=compress, exact_text=True).data


def renew(
    store: CertificateStore,
    course: Course,
    track_id: str,
    learner_id: str,
    events: list[Event],
    secret: bytes,
    now: datetime | None = None,
    mine: list[Certificate] | None = None,
) -> Certificate | None:
    """Issue the renewal of a learner's latest certificate when the track's renewal rule is met
    by their events (course.renewal); None when it is not. A revoked certificate is not
    renewed: a trainer revoked it for a reason the learner's refresher does not answer. The
    new certificate has its own id and dates; the old one keeps verifying with its own.
    `mine`: the learner's certificates (`for_learner`) when the caller has read them already."""
    if mine is None:
        mine = for_learner(store, learner_id, secret)
    if not mine:
        return None
    cert = mine[-1]
    if cert.certificate_id in revocations(events):
        return None
    track = course.track(track_id)
    if renewed_by(course, track, cert.issued_at, cert.expires_at, events) is None:
        return None
    return issue(
        store,
        learner_id,
        cert.display_name,
        course,
        cert.score_percent,
        secret,
        now=now,
        validity_months=track.validity_months,
    )


def holders(store: CertificateStore, records: list[CertificateRecord], secret: bytes, now: datetime) -> list[Holder]:
    """Each learner's latest certificate among `records` that still verifies, with its status
    at `now` (a renewal replaces the certificate it renews), for the trainers' report."""
    latest: dict[str, CertificateRecord] = {}
    for record in sorted(records, key=lambda r: r.issued_at):
        if verify(store, record.certificate_id, secret) is not None:
            latest[record.learner_id] = record
    out = []
    for learner_id, record in sorted(latest.items()):
        revoked = record.certificate_id in revocations(store.events(learner_id))
        out.append(
            Holder(
                record.certificate_id,
                learner_id,
                record.issued_at,
                record.expires_at,
                status(record.expires_at, now, revoked),
            )
        )
    return out
