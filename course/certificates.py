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
import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from fpdf import FPDF

from course.events import Event
from course.pdf_fonts import CORE_FONTS, Fonts, latin1, use_fonts
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
    """A learner's certificates that still verify, oldest first (for "My certificates")."""
    out = []
    for record in store.certificates_for(learner_id):
        cert = verify(store, record.certificate_id, secret)
        if cert is not None:
            out.append(cert)
    return out


# --------------------------------------------------------------------------- PDF


def _date(moment: datetime) -> str:
    return f"{moment.day} {moment.strftime('%B %Y')}"


def _fit(pdf: FPDF, family: str, text: str, style: str, size: float, width: float, min_size: float = 10) -> None:
    """Set the largest font size up to `size` at which `text` fits on one line of `width`."""
    while size > min_size:
        pdf.set_font(family, style, size)
        if pdf.get_string_width(text) <= width:
            return
        size -= 1
    pdf.set_font(family, style, min_size)


def render_pdf(cert: Certificate, compress: bool = True) -> bytes:
    """A4 landscape certificate. `compress=False` leaves the page's drawing operators
    readable in the bytes (tests).

    The name is printed as written, in any script: `course.pdf_fonts` adds the fonts it needs.
    Should a font file be damaged, the certificate is made with the core fonts instead (the
    name then spelled as closely as Latin-1 allows) and the error logged: a learner always
    gets their certificate.
    """
    try:
        return _render(cert, compress, None)
    except Exception:
        _log.exception("certificate %s: the Unicode fonts failed; using the core fonts", cert.certificate_id)
        return _render(cert, compress, CORE_FONTS)


def _render(cert: Certificate, compress: bool, fonts: Fonts | None) -> bytes:
    score = f"{cert.score_percent:.1f}".removesuffix(".0")
    # (space above in mm, text, style, largest size, line height, colour)
    lines = [
        (0, "Certificate of completion", "B", 30, 16, (31, 78, 121)),
        (6, "This certifies that", "", 14, 9, None),
        (2, cert.display_name, "B", 28, 15, None),
        (2, "has completed the course", "", 14, 9, None),
        (2, cert.course_title, "B", 20, 12, None),
        (0, f"Version {cert.course_version}", "", 12, 8, None),
        (6, f"Final score: {score}%", "", 14, 9, None),
        (0, f"Issued on {_date(cert.issued_at.astimezone(UTC))}", "", 14, 9, None),
        *([(0, f"Valid until {_date(cert.expires_at.astimezone(UTC))}", "", 14, 9, None)] if cert.expires_at else []),
    ]
    footer = [
        (0, f"Verification id: {cert.certificate_id}", "B", 13, 8, None),
        (0, f"{VERIFY_SENTENCE}.", "", 11, 7, (60, 60, 60)),
    ]

    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_compression(compress)
    pdf.set_creation_date(cert.issued_at)
    if fonts is None:
        fonts = use_fonts(pdf, [entry[1] for entry in (*lines, *footer)])
    # PDF metadata is Unicode whatever the fonts; only the core-font fallback spells it out.
    meta = (lambda s: s) if fonts.unicode else latin1
    pdf.set_title(meta(f"Certificate {cert.certificate_id}"))
    pdf.set_author(meta(cert.course_title))
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 20, 20)
    pdf.add_page()
    width = pdf.w - 40

    # A double border frames the page.
    pdf.set_draw_color(31, 78, 121)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.set_line_width(0.4)
    pdf.rect(14, 14, pdf.w - 28, pdf.h - 28)

    def line(
        gap: float, text: str, style: str, size: float, height: float, colour: tuple[int, int, int] | None
    ) -> None:
        if gap:
            pdf.ln(gap)
        text = fonts.text(text)
        _fit(pdf, fonts.family, text, style, size, width)
        pdf.set_text_color(*(colour or (20, 20, 20)))
        pdf.cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(32)
    for entry in lines:
        line(*entry)
    pdf.set_y(pdf.h - 48)
    for entry in footer:
        line(*entry)
    return bytes(pdf.output())


def renew(
    store: CertificateStore,
    course: Course,
    track_id: str,
    learner_id: str,
    events: list[Event],
    secret: bytes,
    now: datetime | None = None,
) -> Certificate | None:
    """Issue the renewal of a learner's latest certificate when the track's renewal rule is met
    by their events (course.renewal); None when it is not. A revoked certificate is not
    renewed: a trainer revoked it for a reason the learner's refresher does not answer. The
    new certificate has its own id and dates; the old one keeps verifying with its own."""
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
