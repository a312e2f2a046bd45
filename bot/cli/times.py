"""Dates and times typed at the command line: an `--as-of` date, a meeting's start with its zone.

Each parser returns None after saying what is wrong, and the command exits USAGE.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.cli.output import message
from bot.deps import utc_now
from bot.i18n import t


def parse_as_of(text: str | None) -> datetime | None:
    """A date means the end of that day (its calls count); a full ISO time is taken as given."""
    if text is None:
        return utc_now()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) == 10:
        moment = moment.replace(hour=23, minute=59, second=59)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    # The rule looks a year past the date (grace, recovery): 9999 is past the calendar, and year 1
    # east of Greenwich cannot be written in UTC.
    return moment if in_utc(moment) and moment.astimezone(UTC).year < 9999 else None


def as_of_or_usage(text: str | None, lang: str) -> datetime | None:
    """`parse_as_of`, saying a date it cannot read."""
    moment = parse_as_of(text)
    if moment is None:
        message(t("status.bad_date", lang, value=text), style="red")
    return moment


def in_utc(moment: datetime) -> bool:
    """Whether the moment can be written in UTC, as the database keeps times (year 1 east of
    Greenwich and 9999 west of it cannot)."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True


def start_arg(text: str, lang: str) -> datetime | None:
    """ISO 8601 with an offset ('2026-12-15T15:00-05:00'), or a local time and an IANA zone
    ('2026-12-15T15:00 America/Bogota'); None after saying what is wrong."""
    when, _, zone_name = text.strip().partition(" ")
    try:
        start = datetime.fromisoformat(when)
    except ValueError:
        message(t("meetings.error.bad_start", lang, value=text), style="red")
        return None
    local = _with_offset(start, text, lang) if not zone_name else _in_zone(start, text, lang)
    if local is None:
        return None
    if not in_utc(local):
        message(t("meetings.error.bad_start", lang, value=text), style="red")
        return None
    if zone_name and local.astimezone(UTC).astimezone(local.tzinfo).replace(tzinfo=None) != start:
        # A time the clocks skip when daylight saving time begins does not exist there.
        zone = zone_name.strip()
        message(t("meetings.error.no_such_time", lang, value=when, zone=zone), style="red")
        return None
    return local


def _with_offset(start: datetime, text: str, lang: str) -> datetime | None:
    """A time written with its offset; without one it is ambiguous and refused."""
    if start.tzinfo is None:
        message(t("meetings.error.no_zone", lang, value=text), style="red")
        return None
    return start


def _in_zone(start: datetime, text: str, lang: str) -> datetime | None:
    """A local time followed by an IANA zone name; an offset as well would say it twice."""
    _, _, zone_name = text.strip().partition(" ")
    if start.tzinfo is not None:
        message(t("meetings.error.offset_and_zone", lang, value=text), style="red")
        return None
    try:
        zone = ZoneInfo(zone_name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        message(t("meetings.error.bad_zone", lang, zone=zone_name.strip()), style="red")
        return None
    return start.replace(tzinfo=zone)
