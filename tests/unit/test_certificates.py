"""Certificates verify only when issued here and unchanged, and print as a PDF with the
learner's name as they wrote it, in any script."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from course import certificates
from course.certificates import Certificate, issue, latin1, verify
from course.records import Store, certificates_table, open_store

SECRET = b"unit-test-secret-0123456789abcdef"
ISSUED = datetime(2026, 3, 1, 14, 30, 5, tzinfo=UTC)


@pytest.fixture
def store(sqlite_url) -> Store:
    s = open_store(sqlite_url)
    yield s
    s.close()


@pytest.fixture
def cert(store, real_course) -> Certificate:
    return issue(store, "L1", "Ada Lovelace", real_course, 92.31, SECRET, now=ISSUED)


def tamper(store: Store, certificate_id: str, **values) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            sa.update(certificates_table).where(certificates_table.c.certificate_id == certificate_id).values(**values)
        )


# --------------------------------------------------------------------------- issue and verify


def test_a_certificate_names_the_learner_course_version_date_and_score(cert, real_course):
    assert re.fullmatch(r"KT-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}", cert.certificate_id)
    assert cert.display_name == "Ada Lovelace"
    assert (cert.course_title, cert.course_version) == (real_course.settings.title, real_course.settings.version)
    assert cert.issued_at == ISSUED and cert.score_percent == 92.31


def test_the_certificate_record_holds_only_what_a_verifier_may_see():
    assert [f.name for f in dataclasses.fields(Certificate)] == [
        "certificate_id",
        "display_name",
        "course_title",
        "course_version",
        "issued_at",
        "score_percent",
        "expires_at",  # printed on the certificate since issue 21, so a verifier may see it
    ]


def test_a_valid_certificate_verifies_even_when_the_id_is_typed_loosely(store, cert):
    assert verify(store, cert.certificate_id, SECRET) == cert
    assert verify(store, f"  {cert.certificate_id.lower()} ", SECRET) == cert
    # as read out over the phone: groups with spaces, or no separators at all
    assert verify(store, cert.certificate_id.replace("-", " "), SECRET) == cert
    assert verify(store, cert.certificate_id.replace("-", ""), SECRET) == cert


def test_each_certificate_gets_its_own_id(store, real_course):
    ids = {issue(store, "L1", "Ada", real_course, 90, SECRET).certificate_id for _ in range(10)}
    assert len(ids) == 10


@pytest.mark.parametrize(
    "change",
    [
        {"score_percent": 100.0},
        {"score_percent": 92.32},
        {"display_name": "Mallory"},
        {"display_name": "Ada Lovelace "},
        {"course_title": "Another course"},
        {"course_version": "9.9.9"},
        {"learner_id": "L2"},
        {"issued_at": datetime(2025, 3, 1, 14, 30, 5, tzinfo=UTC)},
        {"signature": "0" * 64},
        {"signature": ""},
    ],
    ids=lambda c: f"{next(iter(c))}={next(iter(c.values()))!s:.20}",
)
def test_a_certificate_changed_in_the_database_does_not_verify(store, cert, change):
    tamper(store, cert.certificate_id, **change)
    assert verify(store, cert.certificate_id, SECRET) is None


def test_a_signature_copied_from_another_certificate_does_not_verify(store, real_course, cert):
    other = issue(store, "L2", "Bo", real_course, 99, SECRET, now=ISSUED)
    stolen = store.certificate_record(other.certificate_id).signature
    tamper(store, cert.certificate_id, signature=stolen)
    assert verify(store, cert.certificate_id, SECRET) is None


def test_a_well_formed_id_that_was_never_issued_does_not_verify(store, cert):
    forged = "KT-" + "-".join(["ABCD", "EFGH", "JKMN"])
    assert forged != cert.certificate_id
    assert verify(store, forged, SECRET) is None


@pytest.mark.parametrize(
    "bad", ["", "KT-", "KT-ABCD-EFGH-JKM0", "XX-ABCD-EFGH-JKMN", "KT-ABCD-EFGH-JKMN-PQRS", "x" * 100_000, None, 7]
)
def test_a_malformed_id_does_not_verify_and_does_not_raise(store, cert, bad):
    assert verify(store, bad, SECRET) is None


def test_a_certificate_checked_with_another_secret_does_not_verify(store, cert):
    assert verify(store, cert.certificate_id, b"another-secret-of-enough-length!") is None


def test_a_short_secret_is_refused_before_anything_is_issued(store, real_course):
    with pytest.raises(ValueError, match="secret"):
        issue(store, "L1", "Ada", real_course, 90, b"short")
    assert store.certificates_for("L1") == []


@pytest.mark.parametrize(("name", "score"), [("   ", 90), ("Ada", 101), ("Ada", -1)])
def test_a_certificate_needs_a_name_and_a_score_between_0_and_100(store, real_course, name, score):
    with pytest.raises(ValueError):
        issue(store, "L1", name, real_course, score, SECRET)


def test_course_settings_alone_are_enough_to_issue(store, real_course):
    cert = issue(store, "L1", "Ada", real_course.settings, 80, SECRET)
    assert cert.course_title == real_course.settings.title


# --------------------------------------------------------------------------- names and listing
# (the PDF itself: tests/pdf/test_certificate_pdf.py)


@pytest.mark.parametrize(
    ("text", "printed"),
    [
        ("Łukasz Żółć", "Lukasz Zólc"),
        ("Zoë Straße", "Zoë Straße"),
        ("Zoë 😀 Smith", "Zoë Smith"),
        ("O’Brien — “Jr”", 'O\'Brien - "Jr"'),
        ("李", "?"),
        ("Ｆｕｌｌ", "Full"),
        ("tab\there\x00", "tab here"),
    ],
)
def test_names_outside_latin_1_are_spelled_as_closely_as_the_core_fonts_allow(text, printed):
    assert latin1(text) == printed


def test_a_learner_sees_only_their_own_certificates_that_still_verify(store, real_course, cert):
    later = issue(store, "L1", "Ada Lovelace", real_course, 97, SECRET, now=datetime(2026, 4, 1, tzinfo=UTC))
    issue(store, "L2", "Bo", real_course, 90, SECRET)
    assert certificates.for_learner(store, "L1", SECRET) == [cert, later]
    tamper(store, later.certificate_id, score_percent=100.0)
    assert certificates.for_learner(store, "L1", SECRET) == [cert]
