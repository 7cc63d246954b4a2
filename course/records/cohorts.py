"""Cohorts and certificates: trainer-created groups with a short code to share (`KX7-P2M`),
a learner joining or leaving one, and the certificates rows `course.certificates` signs.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from course.records import clock
from course.records.codes import MAX_COHORT_NAME, UNAMBIGUOUS, normalize_cohort_code
from course.records.core import StoreCore, _inserted
from course.records.tables import certificates_table, cohorts_table, learners_table
from course.typed import clean_name


@dataclass(frozen=True)
class Cohort:
    code: str
    name: str
    track: str
    created_at: datetime
    created_by: str


@dataclass(frozen=True)
class CertificateRecord:
    """A certificates row as stored; `course.certificates` signs and verifies it."""

    certificate_id: str
    learner_id: str
    display_name: str
    course_title: str
    course_version: str
    issued_at: datetime
    score_percent: float
    signature: str
    expires_at: datetime | None = None


class Cohorts(StoreCore):
    """Cohorts (a trainer's group with a short code) and issued certificates."""

    def cohorts(self) -> list[Cohort]:
        """Every cohort, newest first."""
        c = cohorts_table.c
        with self._read() as conn:
            rows = conn.execute(sa.select(cohorts_table).order_by(c.created_at.desc(), c.code))
            return [
                Cohort(code=r.code, name=r.name, track=r.track, created_at=r.created_at, created_by=r.created_by)
                for r in rows
            ]

    def create_cohort(self, name: str, track: str, created_by: str) -> str:
        """Create a cohort and return its code, e.g. `KX7-P2M`."""
        name = clean_name(str(name))
        if not name:
            raise ValueError("a cohort needs a name")
        if len(name) > MAX_COHORT_NAME:
            raise ValueError(f"a cohort name has at most {MAX_COHORT_NAME} characters; this one has {len(name)}")
        created_by = " ".join(str(created_by).split())[:255]
        for _ in range(20):
            code = "-".join("".join(secrets.choice(UNAMBIGUOUS) for _ in range(3)) for _ in range(2))
            insert = (
                self._insert(cohorts_table)
                .values(code=code, name=name, track=track, created_at=clock.now(), created_by=created_by)
                .on_conflict_do_nothing(index_elements=["code"])
            )
            with self._write() as conn:
                if _inserted(conn, insert):
                    return code
        raise RuntimeError("could not find a free cohort code")  # ~887 million codes: not expected

    def cohort(self, code: object) -> Cohort | None:
        normal = normalize_cohort_code(code)
        if normal is None:
            return None
        with self._read() as conn:
            row = conn.execute(sa.select(cohorts_table).where(cohorts_table.c.code == normal)).first()
        return None if row is None else Cohort(row.code, row.name, row.track, row.created_at, row.created_by)

    def join_cohort(self, learner_id: str, code: object) -> Cohort | None:
        """Put a learner in a cohort (replacing any earlier one). None if no such cohort;
        KeyError if the learner has no learners row (create_learner first)."""
        found = self.cohort(code)
        if found is None:
            return None
        with self._write() as conn:
            updated = conn.execute(
                sa.update(learners_table).where(learners_table.c.learner_id == learner_id).values(cohort=found.code)
            ).rowcount
        if not updated:
            raise KeyError(learner_id)
        return found

    def leave_cohort(self, learner_id: str) -> None:
        with self._write() as conn:
            conn.execute(sa.update(learners_table).where(learners_table.c.learner_id == learner_id).values(cohort=None))

    def cohort_members(self, code: str) -> list[str]:
        with self._read() as conn:
            return list(
                conn.execute(
                    sa.select(learners_table.c.learner_id)
                    .where(learners_table.c.cohort == code)
                    .order_by(learners_table.c.created_at, learners_table.c.learner_id)
                ).scalars()
            )

    # ---------------------------------------------------------------- certificates

    def all_certificates(self) -> list[CertificateRecord]:
        """Every certificate, oldest first (the trainers' renewal report)."""
        with self._read() as conn:
            rows = conn.execute(sa.select(certificates_table).order_by(certificates_table.c.issued_at)).all()
            return [CertificateRecord(**r._mapping) for r in rows]

    def add_certificate(self, record: CertificateRecord) -> bool:
        """Store a certificate; False (nothing written) if its id is already taken."""
        insert = (
            self._insert(certificates_table)
            .values(**record.__dict__)
            .on_conflict_do_nothing(index_elements=["certificate_id"])
        )
        with self._write() as conn:
            return _inserted(conn, insert)

    def certificate_record(self, certificate_id: str) -> CertificateRecord | None:
        with self._read() as conn:
            row = conn.execute(
                sa.select(certificates_table).where(certificates_table.c.certificate_id == certificate_id)
            ).first()
        return None if row is None else CertificateRecord(**row._mapping)

    def certificates_for(self, learner_id: str) -> list[CertificateRecord]:
        with self._read() as conn:
            rows = conn.execute(
                sa.select(certificates_table)
                .where(certificates_table.c.learner_id == learner_id)
                .order_by(certificates_table.c.issued_at)
            )
            return [CertificateRecord(**r._mapping) for r in rows]
