"""A trainer's sign-in kept by the browser: signed, expiring, bound to the key."""

from __future__ import annotations

from course.trainer_auth import check_token, sign_token

KEY = b"server-secret|passcode-hash"


def test_a_signed_token_is_good_until_it_expires():
    token = sign_token(KEY, 2_000)
    assert check_token(KEY, token, now=1_999)
    assert not check_token(KEY, token, now=2_000)


def test_a_token_signed_with_another_key_is_refused():
    # another server, or the same server after the passcode was changed
    assert not check_token(b"server-secret|new-passcode-hash", sign_token(KEY, 2_000), now=1_000)


def test_altered_or_malformed_tokens_are_refused():
    token = sign_token(KEY, 2_000)
    expires, mac = token.split(".")
    for bad in [f"9{expires}.{mac}", f"{expires}.{mac[:-1]}0", "", "abc", "1.2.3", f"-5.{mac}", None, 42]:
        assert not check_token(KEY, bad, now=1_000), bad
