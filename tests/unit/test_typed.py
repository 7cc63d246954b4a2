"""Names and codes as people type or paste them (an audit of 21 November found each case)."""

from __future__ import annotations

import pytest

from course.certificates import normalize_id
from course.records import normalize_cohort_code, normalize_room_code
from course.typed import clean_name, name_problem, shown


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("\u200b\u00ad\u2060", ""),  # only invisible characters: a blank name on a certificate
        ("\u202eevil\u202c Ana", "evil Ana"),  # a direction override showed it as "live Ana"
        ("Staff\u200b test", "Staff test"),  # looked exactly like the cohort "Staff test"
        ("  Zoe\u0308   Wáng 王 ", "Zoë Wáng 王"),  # composed, one space between words
        ("Ali\u200cReza", "Ali\u200cReza"),  # a joiner some scripts need stays
        ("tab\there\x00", "tab here"),
    ],
)
def test_a_name_loses_what_only_steers_layout_or_direction(typed, stored):
    assert clean_name(typed) == stored


def test_a_name_needs_a_letter_or_digit_and_a_length_it_can_be_printed_at():
    assert name_problem("Ana", 100) is None
    assert name_problem("—…!", 100, "cohort name") == (
        "The cohort name has no letters or digits in it. Type it again with letters."
    )
    assert name_problem("A" * 101, 100) == (
        "The name is 101 characters long; it can have at most 100. Shorten it, then try again."
    )


@pytest.mark.parametrize(
    "typed",
    [
        "89J-59W",
        "89j 59w",
        "Cohort code: 89J-59W (staff)",  # pasted with the words around it
        "89J\u200b-59W",  # an invisible character in the middle
        "89J\u201359W",  # an en dash from a word processor
        "\uff18\uff19\uff2a\uff0d\uff15\uff19\uff37",  # full-width, from a phone keyboard
    ],
)
def test_a_cohort_or_room_code_is_found_however_it_was_typed_or_pasted(typed):
    assert normalize_cohort_code(typed) == normalize_room_code(typed) == "89J-59W"


@pytest.mark.parametrize("typed", ["KX7-P2M and QX4-7KD", "89J-59", "Cohort code", "x" * 10_000])
def test_two_codes_a_short_one_or_none_are_not_guessed(typed):
    assert normalize_cohort_code(typed) is None


def test_a_certificate_id_is_found_in_a_pasted_line():
    assert normalize_id("Certificate KT-ABCD-EFGH-JKMN, issued to Ana") == "KT-ABCD-EFGH-JKMN"
    assert normalize_id("KT-ABCD-EFGH-JKLM") is None  # L is not in the alphabet ids are made from


def test_what_was_typed_is_cut_short_to_be_repeated_in_a_message():
    assert shown("QX4-7KD") == "QX4-7KD"
    assert shown("x" * 100, 10) == "xxxxxxxxx…"
