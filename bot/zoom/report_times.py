"""The times in Zoom's participant report: local to the account's time zone, without an offset.

They are written as the interface's language writes dates: "11/17/2026 01:30:00 PM" (English,
month first, 12-hour), "17/11/2026 13:30:00" or "17/11/2026 01:30:00 p. m." (Spanish, day first;
Spanish locales write the marker "a. m."/"p. m.", often with a no-break space), "2026-11-17
13:30:00" when a spreadsheet saved the file again. Whether a date is day or month first is taken,
in this order, from the `--date-order` the user gave, from a date that can only be read one way
(a first number above 12 is a day), and from the interface's language (bot/zoom/report_headers.py);
when none of them says, the report is refused rather than guessed (bot/zoom/report.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.zoom.report_headers import DMY, MDY, YMD

_DATE = re.compile(r"(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})(?:[ T,]+(.*))?")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(?:([ap])\.?\s*m\.?)?")
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})


@dataclass(frozen=True)
class Stamp:
    """A report time cut into its numbers, before the date order is known."""

    first: int
    second: int
    third: int
    year_first: bool
    hour: int
    minute: int
    second_of_minute: int


def split(text: str) -> Stamp | None:
    """The numbers of a report time, or None when it is no date and time at all."""
    clean = text.translate(_SPACES).strip().lower()
    date = _DATE.fullmatch(clean)
    if date is None:
        return None
    time = _TIME.fullmatch(date.group(4) or "")
    if time is None:
        return None
    hour, minute = int(time.group(1)), int(time.group(2))
    seconds = int(time.group(3) or 0)
    marker = time.group(4)
    if marker is not None:  # 12-hour clock: 12 a.m. is midnight, 12 p.m. noon
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if marker == "p" else 0)
    year_first = len(date.group(1)) == 4
    third = int(date.group(3))
    if len(date.group(3)) == 2 and not year_first:  # a spreadsheet shortened the year: '26'
        third += 2000
    return Stamp(
        first=int(date.group(1)),
        second=int(date.group(2)),
        third=third,
        year_first=year_first,
        hour=hour,
        minute=minute,
        second_of_minute=seconds,
    )


def proven_order(stamp: Stamp) -> str | None:
    """The date order this one time can only be read in (a number above 12 is no month)."""
    if stamp.year_first:
        return YMD
    if stamp.first > 12 >= stamp.second:
        return DMY
    if stamp.second > 12 >= stamp.first:
        return MDY
    return None


def to_datetime(stamp: Stamp, order: str, zone: ZoneInfo) -> datetime | None:
    """The moment, in `zone`; None when the numbers are no date in that order, or the moment
    cannot be written in UTC (year 1 east of Greenwich, 9999 west of it)."""
    if stamp.year_first:
        year, month, day = stamp.first, stamp.second, stamp.third
    elif order == MDY:
        month, day, year = stamp.first, stamp.second, stamp.third
    else:
        day, month, year = stamp.first, stamp.second, stamp.third
    try:
        local = datetime(year, month, day, stamp.hour, stamp.minute, stamp.second_of_minute)
        moment = local.replace(tzinfo=zone)
        moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
    return moment
