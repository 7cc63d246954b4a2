"""A learner's side of the store in a process of its own, driven line by line from a test.

A storage fault that kills a process (SIGBUS from a memory-mapped file) would kill pytest
with it; here it kills only this child, and the test sees how it died. The child opens the
store as the app does (`open_store`) and answers through a `PendingWriter`, as a browser
tab does. Each line on stdin is a JSON command; each reply is one JSON line:

    {"op": "answer", "id": "a1"}   record an answer event; reply {"saved": true|false}
    {"op": "draft", "item": "q1"}  keep a draft answer (Store.save_draft) directly
    {"op": "events"}               the event ids this tab shows (stored and pending)
    {"op": "flush"}                write what is pending; reply {"pending": n}
    {"op": "close"}                close the store and exit

Every reply carries "ok" and, when a store call failed, "error" (the exception's class and
message) and "seconds" it took. Run: python -m tests.faults.learner_process URL
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from course.events import ANSWERED, Event
from course.records import PendingWriter, StoreUnavailable, open_store

LEARNER = "learner-under-test"


def main(url: str) -> int:
    store = open_store(url)
    if hasattr(store, "health"):
        store.health.retry_s = 0  # each command tries the database: the test decides the pace
    writer = PendingWriter(store, retry_after_s=0)
    print(json.dumps({"ok": True, "ready": True}), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        op = command["op"]
        started = time.monotonic()
        reply: dict[str, Any] = {"ok": True}
        try:
            if op == "answer":
                event = Event(LEARNER, ANSWERED, f"question/{command['id']}", event_id=command["id"])
                reply["saved"] = writer.append(event)
            elif op == "draft":
                store.save_draft(LEARNER, "quiz/faults", "staff", 1, command["item"], ["a"])
            elif op == "events":
                reply["ids"] = [e.event_id for e in writer.events(LEARNER)]
            elif op == "flush":
                writer.flush()
                reply["pending"] = len(writer.pending)
            elif op == "close":
                store.close()
                print(json.dumps(reply), flush=True)
                return 0
        except StoreUnavailable as exc:
            reply = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        reply["seconds"] = round(time.monotonic() - started, 3)
        reply["pending"] = reply.get("pending", len(writer.pending))
        print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
