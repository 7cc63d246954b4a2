"""Trainer access: the passcode hash, and `python -m course trainer-passcode` that makes it.

(Browser sign-ins are server-side sessions now: tests/store/test_trainer_sessions.py.)
"""

from __future__ import annotations

import pytest


def test_a_passcode_hash_that_cannot_match_anything_is_named_as_such():
    from course.trainer_auth import hash_passcode, hash_problem

    assert hash_problem(hash_passcode("correct horse battery staple", iterations=1000)) is None
    not_made_by_us = "it is not a line made by python -m course trainer-passcode (pbkdf2_sha256$…$…$…)"
    damaged = "its parts are damaged; make it again with python -m course trainer-passcode"
    good = hash_passcode("correct horse battery staple", iterations=1000)
    for stored, problem in [
        ("correct horse battery staple", not_made_by_us),  # the passcode itself pasted in
        (f'COURSE_TRAINER_PASSCODE_HASH = "{good}"', not_made_by_us),  # the whole line pasted in
        (good[:-4], damaged),  # cut short
        (good.replace("$1000$", "$many$"), damaged),
    ]:
        assert hash_problem(stored) == problem, stored


def test_trainer_passcode_from_a_pipe_drops_a_windows_line_end():
    from course.trainer_auth import check_passcode
    from tests.cli_run import run_cli

    out = run_cli("trainer-passcode", stdin="correct horse battery staple\r\n")
    line = out.stdout.splitlines()[-1]
    stored = line.split('"')[1]
    assert check_passcode("correct horse battery staple", stored)


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (" correct horse battery staple", "cannot start or end with a space"),
        ("x" * 1001, "has at most 1000 characters"),
    ],
)
def test_trainer_passcode_refuses_a_passcode_the_sign_in_page_would_not_take_as_made(typed, error):
    # The sign-in page also tries a pasted passcode without spaces at its ends, so one made
    # with them could be matched by a different string than the one written down.
    from tests.cli_run import run_cli

    out = run_cli("trainer-passcode", stdin=typed + "\n")
    assert out.returncode == 1 and error in out.stderr and "nothing was created" in out.stderr
    assert "COURSE_TRAINER_PASSCODE_HASH" not in out.stdout
