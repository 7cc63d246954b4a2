"""Answers chosen but not yet submitted (m005): one row per learner, activity, track and item, kept
for one attempt, deleted when the attempt is submitted.
"""

from __future__ import annotations

import functools
import json
from typing import Any

import sqlalchemy as sa

from course.records import clock
from course.records.core import StoreCore
from course.records.event_store import _dump
from course.records.tables import drafts_table


class Drafts(StoreCore):
    """Answers kept as they are chosen, before the learner submits."""

    def save_draft(self, learner_id: str, activity: str, track: str, attempt: int, item: str, answer: Any) -> None:
        """Keep one answer as it is chosen, before the learner submits (replacing the one kept
        for that item; an answer for another attempt replaces it too). `answer` must be JSON."""
        values = dict(
            learner_id=learner_id,
            activity=activity,
            track=track,
            item=item,
            attempt=attempt,
            answer=_dump(answer) or "null",
            updated_at=clock.now(),
        )
        for name in ("learner_id", "activity", "track", "item"):
            column = drafts_table.c[name].type
            assert isinstance(column, sa.String) and column.length is not None
            limit = column.length  # checked here so SQLite and PostgreSQL agree
            value = values[name]
            if not isinstance(value, str) or not value or len(value) > limit:
                raise ValueError(f"{name} must be a non-empty string of at most {limit} characters")
        with self._write() as conn:
            conn.execute(self._draft_upsert, values)

    @functools.cached_property
    def _draft_upsert(self) -> Any:
        """The upsert of one kept answer, its values bound at execution. Built once per store:
        building it (ON CONFLICT, `excluded`) cost more than running it (py-spy, issue 24)."""
        c = drafts_table.c
        insert = self._insert(drafts_table)
        return insert.on_conflict_do_update(
            index_elements=[c.learner_id, c.activity, c.track, c.item],
            set_=dict(
                attempt=insert.excluded.attempt,
                answer=insert.excluded.answer,
                updated_at=insert.excluded.updated_at,
            ),
        )

    def drafts(self, learner_id: str, activity: str, track: str, attempt: int) -> dict[str, Any]:
        """The answers kept for one attempt, by item ({} when none). Answers kept for another
        attempt are not returned: that attempt was submitted, or this one is newer."""
        c = drafts_table.c
        query = sa.select(c.item, c.answer).where(
            c.learner_id == learner_id, c.activity == activity, c.track == track, c.attempt == attempt
        )
        with self._read() as conn:
            rows = conn.execute(query).all()
        kept: dict[str, Any] = {}
        for row in rows:
            try:
                kept[row.item] = json.loads(row.answer)
            except ValueError:
                continue  # not written by save_draft; the learner answers that item again
        return kept

    def clear_drafts(self, learner_id: str, activity: str, track: str) -> int:
        """Forget the answers kept for an activity on a track (after it is submitted)."""
        c = drafts_table.c
        with self._write() as conn:
            return conn.execute(
                sa.delete(drafts_table).where(c.learner_id == learner_id, c.activity == activity, c.track == track)
            ).rowcount
