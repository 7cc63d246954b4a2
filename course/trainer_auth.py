"""Trainer access: a salted passcode hash, or an e-mail allow-list when single sign-on is on.

Pure code (no Streamlit): hashing, checking and rate limiting, so it can be tested directly.
The passcode itself is never stored: only `pbkdf2_sha256$ITERATIONS$SALT$HASH`.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

ITERATIONS = 240_000
MIN_PASSCODE = 10
MAX_PASSCODE = 1000  # longer is a paste gone wrong, and costs the hash time


def hash_passcode(passcode: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    if len(passcode) < MIN_PASSCODE:
        raise ValueError(f"a trainer passcode needs at least {MIN_PASSCODE} characters")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", passcode.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def _parse_hash(stored: str) -> tuple[int, bytes, bytes] | str:
    """A stored passcode hash as (iterations, salt, digest), or what is wrong with it."""
    parts = stored.split("$")
    if len(parts) != 4 or parts[0] != "pbkdf2_sha256":
        return "it is not a line made by python -m course trainer-passcode (pbkdf2_sha256$…$…$…)"
    try:
        iterations, salt, digest = int(parts[1]), bytes.fromhex(parts[2]), bytes.fromhex(parts[3])
    except ValueError:
        iterations, salt, digest = 0, b"", b""
    if iterations <= 0 or not salt or len(digest) != 32:
        return "its parts are damaged; make it again with python -m course trainer-passcode"
    return iterations, salt, digest


def hash_problem(stored: str) -> str | None:
    """What is wrong with a configured passcode hash, if anything: a hash that cannot match
    any passcode would otherwise look, to a trainer, like a wrong passcode."""
    parsed = _parse_hash(stored)
    return parsed if isinstance(parsed, str) else None


def check_passcode(passcode: str, stored: str) -> bool:
    """True if `passcode` matches the stored hash; False for anything malformed."""
    parsed = _parse_hash(stored) if isinstance(stored, str) else "not text"
    if isinstance(parsed, str):
        return False
    iterations, salt, digest = parsed
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", passcode.encode(), salt, iterations), digest)


def sign_token(key: bytes, expires: int) -> str:
    """A trainer's sign-in, kept by their browser until `expires` (Unix seconds): the expiry
    and an HMAC of it. `key` binds it to this server's secret and the current passcode hash,
    so changing the passcode signs every browser out."""
    mac = hmac.new(key, f"trainer|{expires}".encode(), hashlib.sha256).hexdigest()
    return f"{expires}.{mac}"


def check_token(key: bytes, token: object, now: float) -> bool:
    """True for a token this key signed that has not expired; False for anything else."""
    if not isinstance(token, str) or token.count(".") != 1:
        return False
    expires, mac = token.split(".")
    if not expires.isdigit() or int(expires) <= now:
        return False
    return hmac.compare_digest(sign_token(key, int(expires)), token)


def allowed_email(email: str | None, allow_list: str | None) -> bool:
    """Case-insensitive match against a comma- or newline-separated allow-list."""
    if not email or not allow_list:
        return False
    allowed = {e.strip().lower() for e in allow_list.replace("\n", ",").split(",") if e.strip()}
    return email.strip().lower() in allowed


@dataclass
class RateLimiter:
    """Slows passcode guessing: per client, after `free` failures each further attempt waits
    twice as long as the last (30 s, 60 s, ...), capped; and across all clients no more than
    `global_per_minute` failures a minute. Success clears that client's count."""

    free: int = 3
    base_wait_s: float = 30.0
    max_wait_s: float = 900.0
    global_per_minute: int = 30
    clock: callable = field(default=time.monotonic)
    _failures: dict[str, tuple[int, float]] = field(default_factory=dict)
    _recent: list[float] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, client: str) -> float:
        """How long this client must wait before trying again (0 = may try now)."""
        now = self.clock()
        with self._lock:
            self._recent = [t for t in self._recent if now - t < 60]
            waits = []
            count, last = self._failures.get(client, (0, 0.0))
            if count >= self.free:
                wait = min(self.base_wait_s * 2 ** (count - self.free), self.max_wait_s)
                waits.append(last + wait - now)
            if len(self._recent) >= self.global_per_minute:
                waits.append(self._recent[0] + 60 - now)
            return max([0.0, *waits])

    def failed(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            count, _ = self._failures.get(client, (0, 0.0))
            self._failures[client] = (count + 1, now)
            self._recent.append(now)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)
