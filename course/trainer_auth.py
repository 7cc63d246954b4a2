"""Trainer access: a salted passcode hash, or an e-mail allow-list when single sign-on is on.

Pure code (no Streamlit): hashing, checking and rate limiting, so it can be tested directly.
The passcode itself is never stored: only `pbkdf2_sha256$ITERATIONS$SALT$HASH`.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
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
    """Slows passcode guessing per client: after `free` failures each further attempt waits
    twice as long as the last (30 s, 60 s, ... up to `max_wait_s`). Success clears that
    client's count.

    There is deliberately no limit across all clients: one used to stop everyone after 30
    failures a minute, so a guesser (from many addresses, or one rotating a forged header)
    could lock the real trainer out. Each guesser now slows only themselves; with a passcode
    of at least 10 characters and a slow hash, guessing it through the form stays hopeless.

    The table of clients is bounded (`max_clients`, least recently failed dropped first) and
    a client is forgotten once its longest wait has long passed, so a flood of addresses
    cannot grow it without end."""

    free: int = 3
    base_wait_s: float = 30.0
    max_wait_s: float = 900.0
    max_clients: int = 10_000
    clock: Callable[[], float] = field(default=time.monotonic)
    _failures: OrderedDict[str, tuple[int, float]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __len__(self) -> int:
        return len(self._failures)

    def _sweep(self, now: float) -> None:
        # Oldest failure first (the dict is kept in that order): stop at the first still fresh.
        forget_after = 2 * self.max_wait_s
        while self._failures:
            client, (_, last) = next(iter(self._failures.items()))
            if now - last < forget_after and len(self._failures) <= self.max_clients:
                break
            del self._failures[client]

    def wait_seconds(self, client: str) -> float:
        """How long this client must wait before trying again (0 = may try now)."""
        now = self.clock()
        with self._lock:
            self._sweep(now)
            count, last = self._failures.get(client, (0, 0.0))
            if count < self.free:
                return 0.0
            wait = min(self.base_wait_s * 2 ** (count - self.free), self.max_wait_s)
            return max(0.0, last + wait - now)

    def failed(self, client: str) -> None:
        now = self.clock()
        with self._lock:
            count, _ = self._failures.pop(client, (0, 0.0))
            self._failures[client] = (count + 1, now)  # moved to the end: most recent
            self._sweep(now)

    def succeeded(self, client: str) -> None:
        with self._lock:
            self._failures.pop(client, None)


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
LOOPBACK = "127.0.0.1, ::1"


def parse_proxies(value: str | None) -> tuple[Network, ...]:
    """The proxies whose X-Forwarded-For is believed (`COURSE_TRUSTED_PROXIES`): addresses or
    networks separated by commas; "none" or empty for none. Raises ValueError naming an entry
    that is not an address."""
    if value is None or value.strip().lower() in ("", "none"):
        return ()
    out = []
    for item in (part.strip() for part in value.replace("\n", ",").split(",")):
        if not item:
            continue
        try:
            out.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ValueError(f"{item!r} is not an IP address or network (such as 10.0.0.0/8)") from None
    return tuple(out)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None, proxies: tuple[Network, ...]) -> bool:
    return ip is not None and any(ip.version == net.version and ip in net for net in proxies)


def trusted_peer(peer: str | None, proxies: tuple[Network, ...]) -> bool:
    """True if the connection comes from one of the trusted proxies."""
    return peer is not None and _trusted(_ip(peer), proxies)


def client_address(peer: str | None, forwarded: str | None, proxies: tuple[Network, ...]) -> str | None:
    """Who is really connecting: the peer, unless the peer is a trusted proxy, in which case
    the rightmost X-Forwarded-For entry that is not itself a trusted proxy (what the outermost
    trusted proxy saw; entries left of it are whatever the client wrote). A client that talks
    to the server directly cannot change its address by sending the header."""
    if not trusted_peer(peer, proxies) or not forwarded:
        return peer
    for entry in reversed(forwarded.split(",")):
        ip = _ip(entry)
        if ip is None:
            return peer  # a trusted proxy always writes an address: this is not one of theirs
        if not _trusted(ip, proxies):
            return str(ip)
    return peer
