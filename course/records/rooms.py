"""Live presenter-mode rooms and their polls (m004): a room code works until the presenter ends it
or it expires; poll answers are keyed by a random per-browser token, read back only as counts
per option (and to one browser, its own answer), and deleted once the room has finished.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from course.records import clock
from course.records.codes import _new_code, normalize_room_code
from course.records.core import StoreCore, _inserted
from course.records.tables import poll_answers_table, polls_table, presentations_table


@dataclass(frozen=True)
class Presentation:
    """A live presenter-mode room: which module's deck, for whom, and the slide on screen."""

    code: str
    module_id: str
    audience: str  # "staff" | "public"
    slide: int  # 1-based
    created_by: str
    started_at: datetime
    ended_at: datetime | None
    expires_at: datetime


@dataclass(frozen=True)
class Poll:
    """One quiz question put to the room. Answers are read back only as counts per option."""

    poll_id: str
    code: str
    question_id: str
    opened_at: datetime
    revealed: bool
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class RoomEnded(LookupError):
    """The room code is unknown, ended or expired, so it cannot take a new poll."""


def _live(row: Any, at: datetime) -> bool:
    """A room works until it is ended or its expiry time passes."""
    return row is not None and row.ended_at is None and row.expires_at > at


class Rooms(StoreCore):
    """Presenter rooms, their polls and the answers to them."""

    def start_presentation(self, module_id: str, audience: str, created_by: str, ttl_hours: float = 12) -> str:
        """Open a room for presenting `module_id` to `audience` and return its code, e.g.
        `QX4-7KD`. The code stops working when the room is ended or after `ttl_hours`."""
        if audience not in ("staff", "public"):
            raise ValueError(f"audience must be staff or public, not {audience!r}")
        if not module_id or len(module_id) > 64:
            raise ValueError("module_id must be 1 to 64 characters")
        if ttl_hours <= 0:
            raise ValueError("ttl_hours must be positive")
        self.purge_finished_rooms()
        started = clock.now()
        expires = started + timedelta(hours=ttl_hours)
        for _ in range(20):
            code = _new_code()
            insert = (
                self._insert(presentations_table)
                .values(
                    code=code,
                    module_id=module_id,
                    audience=audience,
                    slide=1,
                    created_by=str(created_by)[:255] or "trainer",
                    started_at=started,
                    ended_at=None,
                    expires_at=expires,
                )
                .on_conflict_do_nothing(index_elements=["code"])
            )
            with self._write() as conn:
                if _inserted(conn, insert):
                    return code
        raise RuntimeError("could not find a free room code")  # ~887 million codes: not expected

    def presentation(self, code: object) -> Presentation | None:
        """The live room with this code; None when unknown, malformed, ended or expired."""
        normal = normalize_room_code(code)
        if normal is None:
            return None
        with self._read() as conn:
            row = conn.execute(sa.select(presentations_table).where(presentations_table.c.code == normal)).first()
        if row is None or not _live(row, clock.now()):
            return None
        return Presentation(**row._mapping)

    def set_slide(self, code: object, n: int) -> bool:
        """Show slide `n` (1-based) in the room; False if the room is not live."""
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError("a slide number is a whole number from 1")
        normal = normalize_room_code(code)
        if normal is None:
            return False
        p = presentations_table.c
        with self._write() as conn:
            updated = conn.execute(
                sa.update(presentations_table)
                .where(p.code == normal, p.ended_at.is_(None), p.expires_at > clock.now())
                .values(slide=n)
            ).rowcount
        return bool(updated)

    def end_presentation(self, code: object) -> bool:
        """End the room and close its polls: the code stops working at once, and the room's
        answers (each participant's token and choice) are deleted, as nothing reads them once
        the room is over. False if the room was unknown or already ended."""
        normal = normalize_room_code(code)
        if normal is None:
            return False
        at = clock.now()
        with self._write() as conn:
            updated = conn.execute(
                sa.update(presentations_table)
                .where(presentations_table.c.code == normal, presentations_table.c.ended_at.is_(None))
                .values(ended_at=at)
            ).rowcount
            conn.execute(
                sa.update(polls_table)
                .where(polls_table.c.code == normal, polls_table.c.closed_at.is_(None))
                .values(closed_at=at)
            )
            _delete_answers(conn, polls_table.c.code == normal)
        return bool(updated)

    def purge_finished_rooms(self) -> int:
        """Delete the answers of every room that has ended or expired; return how many were
        deleted. Ending a room deletes its own; this catches rooms left to expire, and runs
        whenever a room is started."""
        rooms = presentations_table.c
        finished = sa.select(rooms.code).where(sa.or_(rooms.ended_at.is_not(None), rooms.expires_at <= clock.now()))
        with self._write() as conn:
            return _delete_answers(conn, polls_table.c.code.in_(finished))

    def open_poll(self, code: object, question_id: str) -> str:
        """Put a question to the room and return the poll's id. Any poll still open in the
        room closes first: the room answers one question at a time. Raises RoomEnded when
        the room is not live."""
        if not question_id or len(question_id) > 128:
            raise ValueError("question_id must be 1 to 128 characters")
        normal = normalize_room_code(code)
        if normal is None:
            raise RoomEnded(code)
        poll_id = uuid.uuid4().hex
        with self._write() as conn:
            room = conn.execute(
                sa.select(presentations_table).where(presentations_table.c.code == normal).with_for_update()
            ).first()
            at = clock.now()
            if not _live(room, at):
                raise RoomEnded(normal)
            conn.execute(
                sa.update(polls_table)
                .where(polls_table.c.code == normal, polls_table.c.closed_at.is_(None))
                .values(closed_at=at)
            )
            conn.execute(
                sa.insert(polls_table).values(
                    poll_id=poll_id, code=normal, question_id=question_id, opened_at=at, revealed=False, closed_at=None
                )
            )
        return poll_id

    def poll(self, poll_id: str) -> Poll | None:
        """A poll by id, open or closed; None if unknown."""
        with self._read() as conn:
            row = conn.execute(sa.select(polls_table).where(polls_table.c.poll_id == poll_id)).first()
        return None if row is None else Poll(**row._mapping)

    def current_poll(self, code: object) -> Poll | None:
        """The room's open poll, or None (no poll open, or the room is not live)."""
        normal = normalize_room_code(code)
        if normal is None:
            return None
        with self._read() as conn:
            room = conn.execute(sa.select(presentations_table).where(presentations_table.c.code == normal)).first()
            if not _live(room, clock.now()):
                return None
            row = conn.execute(
                sa.select(polls_table)
                .where(polls_table.c.code == normal, polls_table.c.closed_at.is_(None))
                .order_by(polls_table.c.opened_at.desc())
                .limit(1)
            ).first()
        return None if row is None else Poll(**row._mapping)

    def answer_poll(self, poll_id: str, participant: str, option_id: str) -> bool:
        """Record a participant's answer, replacing any earlier one of theirs. False (nothing
        written) when the poll is unknown or closed, or its room has ended or expired.

        `participant` is a random per-browser token, never a learner id or a name."""
        if not participant or len(participant) > 64:
            raise ValueError("participant must be 1 to 64 characters")
        if not option_id or len(option_id) > 128:
            raise ValueError("option_id must be 1 to 128 characters")
        with self._write() as conn:
            # FOR UPDATE (PostgreSQL) waits for a close_poll in flight, so no answer lands
            # after the poll has closed; SQLite's BEGIN IMMEDIATE already serialises writers.
            poll = conn.execute(
                sa.select(polls_table).where(polls_table.c.poll_id == poll_id).with_for_update()
            ).first()
            if poll is None or poll.closed_at is not None:
                return False
            room = conn.execute(sa.select(presentations_table).where(presentations_table.c.code == poll.code)).first()
            at = clock.now()
            if not _live(room, at):
                return False
            upsert = self._insert(poll_answers_table).values(
                poll_id=poll_id, participant=participant, option_id=option_id, answered_at=at
            )
            conn.execute(
                upsert.on_conflict_do_update(
                    index_elements=["poll_id", "participant"],
                    set_={"option_id": upsert.excluded.option_id, "answered_at": upsert.excluded.answered_at},
                )
            )
        return True

    def poll_answer(self, poll_id: str, participant: str) -> str | None:
        """The option this participant chose in this poll, or None."""
        with self._read() as conn:
            return conn.execute(
                sa.select(poll_answers_table.c.option_id).where(
                    poll_answers_table.c.poll_id == poll_id, poll_answers_table.c.participant == participant
                )
            ).scalar_one_or_none()

    def reveal_poll(self, poll_id: str) -> bool:
        """Show the poll's results to the room; False if the poll is unknown or closed."""
        with self._write() as conn:
            updated = conn.execute(
                sa.update(polls_table)
                .where(polls_table.c.poll_id == poll_id, polls_table.c.closed_at.is_(None))
                .values(revealed=True)
            ).rowcount
        return bool(updated)

    def close_poll(self, poll_id: str) -> bool:
        """Stop taking answers; False if the poll is unknown or already closed."""
        with self._write() as conn:
            updated = conn.execute(
                sa.update(polls_table)
                .where(polls_table.c.poll_id == poll_id, polls_table.c.closed_at.is_(None))
                .values(closed_at=clock.now())
            ).rowcount
        return bool(updated)

    def poll_tally(self, poll_id: str) -> dict[str, int]:
        """How many participants chose each option: counts only, never who chose what."""
        a = poll_answers_table.c
        query = (
            sa.select(a.option_id, sa.func.count().label("n"))
            .where(a.poll_id == poll_id)
            .group_by(a.option_id)
            .order_by(a.option_id)
        )
        with self._read() as conn:
            return {row.option_id: int(row.n) for row in conn.execute(query)}


def _delete_answers(conn: Connection, polls_where: Any) -> int:
    """Delete the answers to the polls `polls_where` picks; return how many went."""
    polls = sa.select(polls_table.c.poll_id).where(polls_where)
    return conn.execute(sa.delete(poll_answers_table).where(poll_answers_table.c.poll_id.in_(polls))).rowcount
