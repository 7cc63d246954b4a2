"""Issue 21 in the store: a database made before certificates expired gains the expiry column,
its certificates still verify, and a certificate's signed expiry survives the round trip, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa

from course import certificates, renewal
from course.records import MIGRATIONS, CertificateRecord, Store, open_store, schema_migrations_table


def test_a_certificate_keeps_its_signed_expiry_through_the_database(store: Store, secret, real_course):
    # Issued late on 29 February in New York: 1 March in UTC, so it expires on 1 March 2029.
    issued = datetime(2028, 2, 29, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    cert = certificates.issue(store, "L1", "Ada", real_course, 90, secret, issued, 12)
    back = certificates.verify(store, cert.certificate_id, secret)
    assert back == cert and back.expires_at == datetime(2029, 3, 1, 4, 30, tzinfo=UTC)
    assert [r.certificate_id for r in store.all_certificates()] == [cert.certificate_id]
    store.append(renewal.revocation_event("L1", cert.certificate_id, "Wrong person", "trainer"))
    assert certificates.check(store, cert.certificate_id, secret, issued).status == renewal.REVOKED_STATUS


def test_a_database_from_before_expiry_gains_the_column_and_its_certificates_still_verify(
    db_url: str, secret, real_course
):
    *before, (last, _) = MIGRATIONS
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        for _version, migration in before:
            migration(conn)
        schema_migrations_table.create(conn, checkfirst=True)
        for version, _ in before:
            conn.execute(sa.insert(schema_migrations_table).values(version=version, applied_at=datetime.now(UTC)))
        # A certificate as issued before expiry existed: signed over the v1 fields.
        record = CertificateRecord(
            "KT-ABCD-EFGH-JKMN", "L1", "Ada", "Old title", "0.0.9", datetime(2026, 1, 5, tzinfo=UTC), 88.0, ""
        )
        signed = {**record.__dict__, "signature": certificates.sign(record, secret)}
        del signed["expires_at"]
        conn.execute(sa.insert(sa.table("certificates", *(sa.column(k) for k in signed))).values(**signed))
    engine.dispose()
    with open_store(db_url) as store:
        assert store.applied_migrations()[-1] == last
        assert "expires_at" in {c["name"] for c in sa.inspect(store.engine).get_columns("certificates")}
        old = certificates.check(store, "KT-ABCD-EFGH-JKMN", secret, datetime(2090, 1, 1, tzinfo=UTC))
        assert old.certificate.expires_at is None and old.status == renewal.VALID
