"""Pseudonymous learners: creating one with a resume code (only its hash is stored), resuming on
another device, OIDC subjects, display names and preferences.
"""

from __future__ import annotations

import hmac
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from course.records import clock
from course.records.codes import _RESUME_CODE, RESUME_CODE_BYTES, _clean_name, hash_resume_code
from course.records.core import StoreCore, _inserted
from course.records.tables import learners_table


@dataclass(frozen=True)
class Learner:
    learner_id: str
    display_name: str | None
    cohort: str | None
    created_at: datetime
    has_resume_code: bool
    auth_subject: str | None


class Learners(StoreCore):
    """Learner identities."""

    def create_learner(self, display_name: str | None = None, learner_id: str | None = None) -> tuple[str, str]:
        """A new learner and their resume code. Pass `learner_id` to keep the id of an
        anonymous session whose events are already recorded. The code is shown once: only
        its hash is stored."""
        learner_id = learner_id or uuid.uuid4().hex
        code = secrets.token_urlsafe(RESUME_CODE_BYTES)
        insert = (
            self._insert(learners_table)
            .values(
                learner_id=learner_id,
                resume_code_hash=hash_resume_code(code),
                display_name=_clean_name(display_name),
                created_at=clock.now(),
            )
            .on_conflict_do_nothing(index_elements=["learner_id"])
        )
        with self._write() as conn:
            if not _inserted(conn, insert):
                raise ValueError(f"learner {learner_id!r} already exists")
        return learner_id, code

    def reset_resume_code(self, learner_id: str) -> str | None:
        """Replace a learner's resume code (the old one stops working); None if unknown."""
        code = secrets.token_urlsafe(RESUME_CODE_BYTES)
        with self._write() as conn:
            updated = conn.execute(
                sa.update(learners_table)
                .where(learners_table.c.learner_id == learner_id)
                .values(resume_code_hash=hash_resume_code(code))
            ).rowcount
        return code if updated else None

    def learner_for_resume_code(self, code: object) -> str | None:
        """The learner a resume code belongs to, or None.

        Malformed input (not a string, wrong length or alphabet, empty, huge) is None before
        any query; an unknown code is None too, so callers cannot tell the two apart."""
        if not isinstance(code, str) or len(code) > 256:
            return None
        code = code.strip()
        if not _RESUME_CODE.match(code):
            return None
        digest = hash_resume_code(code)
        query = sa.select(learners_table.c.learner_id, learners_table.c.resume_code_hash).where(
            learners_table.c.resume_code_hash == digest
        )
        with self._read() as conn:
            row = conn.execute(query).first()
        if row is None or not hmac.compare_digest(row.resume_code_hash, digest):
            return None
        return row.learner_id

    def learner_for_subject(self, subject: str, display_name: str | None = None) -> str:
        """The learner for an OIDC identity, created on first sign-in.

        `subject` should be unique across providers, e.g. f"{issuer}|{sub}". An existing
        learner's display name is filled in only when they have none."""
        if not isinstance(subject, str) or not subject.strip() or len(subject) > 255:
            raise ValueError("subject must be a non-empty string of at most 255 characters")
        name = _clean_name(display_name)
        insert = (
            self._insert(learners_table)
            .values(learner_id=uuid.uuid4().hex, auth_subject=subject, display_name=name, created_at=clock.now())
            .on_conflict_do_nothing(index_elements=["auth_subject"])
        )
        with self._write() as conn:
            conn.execute(insert)
            learner_id = conn.execute(
                sa.select(learners_table.c.learner_id).where(learners_table.c.auth_subject == subject)
            ).scalar_one()
            if name:
                conn.execute(
                    sa.update(learners_table)
                    .where(learners_table.c.learner_id == learner_id, learners_table.c.display_name.is_(None))
                    .values(display_name=name)
                )
        return learner_id

    def learner(self, learner_id: str) -> Learner | None:
        t = learners_table.c
        with self._read() as conn:
            row = conn.execute(sa.select(learners_table).where(t.learner_id == learner_id)).first()
        if row is None:
            return None
        return Learner(
            learner_id=row.learner_id,
            display_name=row.display_name,
            cohort=row.cohort,
            created_at=row.created_at,
            has_resume_code=row.resume_code_hash is not None,
            auth_subject=row.auth_subject,
        )

    def set_display_name(self, learner_id: str, display_name: str | None) -> bool:
        """Set (or, with None or blank, clear) the name; False if the learner is unknown."""
        with self._write() as conn:
            updated = conn.execute(
                sa.update(learners_table)
                .where(learners_table.c.learner_id == learner_id)
                .values(display_name=_clean_name(display_name))
            ).rowcount
        return bool(updated)

    def preferences(self, learner_id: str) -> dict[str, Any]:
        """The learner's saved display settings ({} when none or unknown)."""
        with self._read() as conn:
            raw = conn.execute(
                sa.select(learners_table.c.preferences).where(learners_table.c.learner_id == learner_id)
            ).scalar()
        try:
            value = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    def set_preferences(self, learner_id: str, preferences: dict[str, Any]) -> bool:
        """Save display settings; False if the learner is unknown."""
        with self._write() as conn:
            updated = conn.execute(
                sa.update(learners_table)
                .where(learners_table.c.learner_id == learner_id)
                .values(preferences=json.dumps(preferences, sort_keys=True))
            ).rowcount
        return bool(updated)
