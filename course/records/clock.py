"""The store's clock: every timestamp the store writes or compares comes from `now()`, so a test
moves time for the whole store by patching `course.records.clock.now`.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now() -> datetime:
    return datetime.now(UTC)
