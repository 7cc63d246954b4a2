"""One way to write a date for people, in the learner's language: "7 December 2026".

Every date a person reads (Verify, My progress, the certificate PDF, renewal notices and
reminders, the trainer dashboard, a module's review date) comes from `day`, so the same date
reads the same everywhere. Files for other programs (CSV, xAPI, iCalendar fields) keep ISO 8601.

English dates are written day, month name, year, with no leading zero: the form the printed
certificate has always used, and one that readers in every English-speaking country read the
same way (7/12 and 12/7 do not). Each language is a small table here rather than a dependency:
the course needs dates only, and a new language (Spanish is next) is one more entry in
`_STYLES`, checked by the tests.

Moments (datetimes) are shown as their UTC day, as the course stores and signs them: a naive
datetime is taken as UTC, an aware one is converted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

DEFAULT_LOCALE = "en"


@dataclass(frozen=True)
class _Style:
    months: tuple[str, ...]  # January first
    day: str  # with {d} (day of month, no leading zero), {month} and {y}
    day_and_time: str  # with {day} (as above) and {hm} (24-hour HH:MM)


_STYLES: dict[str, _Style] = {
    "en": _Style(
        months=(
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        day="{d} {month} {y}",
        day_and_time="{day} at {hm} UTC",
    ),
    # Spanish (RAE): month names in lower case, "7 de diciembre de 2026".
    "es": _Style(
        months=(
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ),
        day="{d} de {month} de {y}",
        day_and_time="{day}, a las {hm} UTC",
    ),
}

LOCALES: tuple[str, ...] = tuple(_STYLES)


def language(locale: str | None) -> str:
    """The supported language for a locale tag ("es-MX", "en_GB", "EN"), else the default.

    For tags from outside (a browser's `Accept-Language`, `st.context.locale`): a language the
    course has no date style for gets the course's own, never an error."""
    if not locale:
        return DEFAULT_LOCALE
    lang = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    return lang if lang in _STYLES else DEFAULT_LOCALE


def _style(locale: str) -> _Style:
    lang = locale.replace("_", "-").split("-", 1)[0].strip().lower()
    try:
        return _STYLES[lang]
    except KeyError:
        raise ValueError(
            f"no date style for locale {locale!r}; the course has {', '.join(LOCALES)} (course/dates.py)"
        ) from None


def _utc_day(value: date | datetime) -> date:
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.date()
    return value


def day(value: date | datetime, locale: str = DEFAULT_LOCALE) -> str:
    """The date as people read it: "7 December 2026" (en), "7 de diciembre de 2026" (es).

    A datetime shows its UTC day. An unknown locale raises ValueError naming the ones there
    are (a programming error; use `language()` first for a tag from outside)."""
    style = _style(locale)
    d = _utc_day(value)
    return style.day.format(d=d.day, month=style.months[d.month - 1], y=d.year)


def day_and_time(value: datetime, locale: str = DEFAULT_LOCALE) -> str:
    """A moment as people read it, in UTC: "7 December 2026 at 14:05 UTC" (en)."""
    style = _style(locale)
    moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return style.day_and_time.format(day=day(moment, locale), hm=f"{moment:%H:%M}")
