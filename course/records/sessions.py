"""Trainer sign-ins kept by a browser (m007): the cookie holds a random session id, the table its
SHA-256, so signing out (deleting the row) ends it for every copy of the cookie. (The LRS outbox's
queries live with the forwarder in course/lms/outbox.py; its table is in `course.records.tables`.)
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import sqlalchemy as sa

from course.records import clock
from course.records.core import StoreCore
from course.records.tables import trainer_sessions_table


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class TrainerSessions(StoreCore):
    """Trainer sign-in sessions."""

    def create_trainer_session(self, credential: str, lifetime: timedelta) -> str:
        """A new trainer sign-in lasting `lifetime`: returns its random id (for the browser's
        cookie); only the id's hash is stored. Sessions already expired are deleted here."""
        session_id = secrets.token_urlsafe(32)
        at = clock.now()
        with self._write() as conn:
            conn.execute(sa.delete(trainer_sessions_table).where(trainer_sessions_table.c.expires_at <= at))
            conn.execute(
                sa.insert(trainer_sessions_table).values(
                    session_hash=_session_hash(session_id),
                    credential=credential[:64],
                    created_at=at,
                    expires_at=at + lifetime,
                )
            )
        return session_id

    def trainer_session_valid(self, session_id: object, credential: str) -> bool:
        """True for a session id that was made under `credential`, has not expired and has not
        been ended."""
        if not isinstance(session_id, str) or not 16 <= len(session_id) <= 128:
            return False
        with self._read() as conn:
            row = conn.execute(
                sa.select(trainer_sessions_table).where(
                    trainer_sessions_table.c.session_hash == _session_hash(session_id)
                )
            ).first()
        return row is not None and row.credential == credential[:64] and row.expires_at > clock.now()

    def end_trainer_session(self, session_id: str) -> None:
        """Sign out: the session stops working for every browser holding its cookie."""
        with self._write() as conn:
            conn.execute(
                sa.delete(trainer_sessions_table).where(
                    trainer_sessions_table.c.session_hash == _session_hash(session_id)
                )
            )
