"""SCORM 1.2 launch tokens and the learner key behind them.

Trust model (docs/lms.md): SCORM 1.2 trusts the browser. The LMS tells its launch page who
the learner is through a JavaScript API, and anyone can call that API from the console; the
course cannot do better than the LMS does. What the course adds:

- the launch route answers only a launch page served from an origin in
  `COURSE_FRAME_ANCESTORS` (the browser's Origin header; the same origins alone may frame
  the course), and only for a module of a track the course has;
- it signs {student id, name, LMS origin, module, track, location, expiry} with a key
  derived from the certificate secret (so every replica can check it) and gives it a short
  life (`TOKEN_SECONDS`): a launch address copied out of the frame soon stops working, and
  one that was altered never works;
- the learner is keyed by the LMS origin and its student id (`learner_subject`), never by the
  name, so the same LMS learner lands on the same course record on every launch and device,
  and learners of two LMSs never share one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from dataclasses import dataclass

TOKEN_SECONDS = 600  # a launch token is used within moments; ten minutes covers a slow LMS
MAX_FIELD = 255  # SCORM 1.2's CMIString255 for student_id, student_name and lesson_location
_LOCATION = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class LaunchError(ValueError):
    """A launch that cannot be used; the message is safe to show to the learner."""


@dataclass(frozen=True)
class Launch:
    student_id: str
    student_name: str
    origin: str  # the LMS's origin, e.g. https://lms.example.org
    module: str
    track: str
    location: str | None  # the step to open (cmi.core.lesson_location), if valid
    expires: int

    @property
    def subject(self) -> str:
        return learner_subject(self.origin, self.student_id)


def learner_subject(origin: str, student_id: str) -> str:
    """The course record's key for an LMS learner: stable for the same LMS and student id,
    holding neither (a hash), distinct from OpenID Connect subjects by its prefix."""
    digest = hashlib.sha256(f"{origin.lower()}\n{student_id}".encode()).hexdigest()
    return f"lms:{digest}"


def _key(secret: bytes) -> bytes:
    return hmac.new(secret, b"course lms launch tokens", hashlib.sha256).digest()


def sign(launch: Launch, secret: bytes) -> str:
    body = json.dumps(
        [
            launch.student_id,
            launch.student_name,
            launch.origin,
            launch.module,
            launch.track,
            launch.location,
            launch.expires,
        ],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    data = base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")
    mac = hmac.new(_key(secret), data.encode(), hashlib.sha256).hexdigest()
    return f"{data}.{mac}"


def new_launch(
    student_id: object,
    student_name: object,
    origin: str,
    module: str,
    track: str,
    location: object,
    now: float | None = None,
) -> Launch:
    """A launch from what the launch page sent, or LaunchError saying what is wrong."""
    if not isinstance(student_id, str) or not student_id.strip():
        raise LaunchError("The learning platform gave no learner id (cmi.core.student_id is empty).")
    if len(student_id) > MAX_FIELD:
        raise LaunchError(f"The learner id from the learning platform is longer than {MAX_FIELD} characters.")
    name = student_name.strip()[:MAX_FIELD] if isinstance(student_name, str) else ""
    loc = location if isinstance(location, str) and _LOCATION.match(location) else None
    return Launch(
        student_id.strip(), name, origin, module, track, loc, int((time.time() if now is None else now) + TOKEN_SECONDS)
    )


def read(token: object, secret: bytes, now: float | None = None) -> Launch:
    """The launch a token carries, or LaunchError: forged, altered, malformed or expired."""
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 4096:
        raise LaunchError("This launch link is not one the course made.")
    data, mac = token.split(".")
    if not hmac.compare_digest(hmac.new(_key(secret), data.encode(), hashlib.sha256).hexdigest(), mac):
        raise LaunchError("This launch link is not one the course made.")
    try:
        fields = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        launch = Launch(*fields)
    except (ValueError, TypeError):
        raise LaunchError("This launch link is not one the course made.") from None
    if launch.expires < (time.time() if now is None else now):
        raise LaunchError("This launch link has expired.")
    return launch


# --------------------------------------------------------------------------- reporting


def lesson_status(status: str) -> str:
    """cmi.core.lesson_status for a module's progress status (course.progress)."""
    from course.progress import NEEDS_RETRY, PASSED_STATUS

    if status == PASSED_STATUS:
        return "passed"
    if status == NEEDS_RETRY:
        return "failed"
    return "incomplete"
