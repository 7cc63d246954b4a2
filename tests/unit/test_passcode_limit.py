"""The trainer passcode limit: a guesser slows only themselves, and cannot lock out the
trainer; the table of clients stays bounded; forwarded addresses are believed only from
the proxies the operator named (issue 18, defect 3)."""

from __future__ import annotations

import pytest

from course.trainer_auth import RateLimiter, client_address, parse_proxies


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_after_three_misses_a_client_waits_twice_as_long_each_time():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    for _ in range(3):
        assert limiter.wait_seconds("a") == 0
        limiter.failed("a")
    assert limiter.wait_seconds("a") == 30
    clock.now += 30
    limiter.failed("a")
    assert limiter.wait_seconds("a") == 60
    limiter.succeeded("a")
    assert limiter.wait_seconds("a") == 0


def test_a_guesser_with_many_addresses_cannot_lock_the_trainer_out():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    for n in range(2000):  # a botnet, or one client rotating a forged header
        limiter.failed(f"10.0.{n // 250}.{n % 250}")
    # The trainer, from their own address, may try at once.
    assert limiter.wait_seconds("192.0.2.7") == 0


def test_the_table_of_clients_stays_bounded_and_keeps_the_most_recent():
    clock = Clock()
    limiter = RateLimiter(clock=clock, max_clients=100)
    for _ in range(5):
        limiter.failed("persistent")
    for n in range(10_000):
        clock.now += 0.001
        limiter.failed(f"guess-{n}")
    assert len(limiter) <= 100
    assert limiter.wait_seconds("guess-9999") == 0  # one miss: not slowed yet
    for _ in range(2):
        limiter.failed("guess-9999")
    assert limiter.wait_seconds("guess-9999") > 0


def test_a_client_forgotten_after_its_longest_wait_has_long_passed():
    clock = Clock()
    limiter = RateLimiter(clock=clock)
    for _ in range(4):
        limiter.failed("a")
    clock.now += limiter.max_wait_s * 4
    limiter.failed("b")  # any activity sweeps stale entries
    assert len(limiter) == 1


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        # No proxy trusted: the header is the client's own words and is ignored.
        ("203.0.113.9", "198.51.100.1", "", "203.0.113.9"),
        ("127.0.0.1", "198.51.100.1", "none", "127.0.0.1"),
        # A trusted proxy: the address it saw last (the rightmost untrusted entry).
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", "127.0.0.1", "198.51.100.1"),
        ("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.3", "10.0.0.0/24", "198.51.100.1"),
        # An untrusted peer's header is ignored even if it names a proxy.
        ("203.0.113.9", "127.0.0.1", "127.0.0.1", "203.0.113.9"),
        # A trusted proxy without the header: the proxy itself.
        ("127.0.0.1", None, "127.0.0.1", "127.0.0.1"),
        # Garbage in the header from a trusted proxy: the proxy, not the garbage.
        ("127.0.0.1", "not-an-address", "127.0.0.1", "127.0.0.1"),
    ],
)
def test_forwarded_addresses_count_only_from_trusted_proxies(peer, forwarded, trusted, client):
    assert client_address(peer, forwarded, parse_proxies(trusted)) == client


def test_a_proxy_list_with_a_typo_says_which_entry():
    with pytest.raises(ValueError, match="'10.0.0.300'"):
        parse_proxies("127.0.0.1, 10.0.0.300")
