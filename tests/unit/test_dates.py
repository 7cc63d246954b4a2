"""One date format, from course/dates.py, wherever a person reads a date: the same day reads
"7 December 2026" on the certificate PDF and in the renewal reminder (tests/pdf/
test_certificate_dates.py) and on Verify, My progress and the trainer's renewal list
(tests/app/test_dates_ui.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from course import dates

ISSUED = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def test_an_english_date_is_day_month_year_with_no_leading_zero():
    assert dates.day(date(2026, 12, 7)) == "7 December 2026"
    assert dates.day(date(2028, 2, 29)) == "29 February 2028"
    assert dates.day(ISSUED) == "7 December 2026"


def test_the_locale_is_an_argument_and_spanish_reads_as_spanish():
    assert dates.day(date(2026, 12, 7), "es") == "7 de diciembre de 2026"
    assert dates.day(date(2026, 12, 7), "es-MX") == "7 de diciembre de 2026"
    assert dates.day(date(2026, 12, 7), "en_GB") == "7 December 2026"
    assert dates.day_and_time(ISSUED, "es") == "7 de diciembre de 2026, a las 09:30 UTC"


def test_a_moment_shows_its_utc_day_wherever_it_was_made():
    # 01:00 on 8 December in Tokyo is still 7 December in UTC, as the certificate signs it.
    tokyo = timezone(timedelta(hours=9))
    assert dates.day(datetime(2026, 12, 8, 1, 0, tzinfo=tokyo)) == "7 December 2026"
    assert dates.day(datetime(2026, 12, 7, 23, 59)) == "7 December 2026"  # naive: taken as UTC
    assert dates.day_and_time(datetime(2026, 12, 8, 1, 5, tzinfo=tokyo)) == "7 December 2026 at 16:05 UTC"


def test_an_unknown_locale_is_refused_with_the_ones_there_are_and_a_browser_tag_falls_back():
    with pytest.raises(ValueError, match=r"no date style for locale 'fr'; the course has en, es"):
        dates.day(date(2026, 12, 7), "fr")
    assert dates.language("fr-CA") == "en" and dates.language("ES") == "es" and dates.language(None) == "en"
