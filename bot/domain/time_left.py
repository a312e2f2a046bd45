"""How long until a meeting, in the words a reminder uses (issue 18, point 3).

A reminder says the time actually left when it is sent, not the offset it was planned for: the
weekly reminder of a meeting added two days before it says "in 2 days", not "in one week". Pure:
the caller gives `now`; the result is a phrase key and a count, translated at the edge with the
language's plural forms (`reminders.when.<unit>`).

The units, from the minute count rounded to the nearest minute:
  now        the meeting starts within the minute (or has started)
  minutes    under 55 minutes
  hours      up to 20 hours, rounded to the hour
  tomorrow   20 to 30 hours: about a day, tomorrow wherever the reader is in the region
  hours      30 to 42 hours ("in 34 hours": "tomorrow" or "in 2 days" would be wrong somewhere)
  days       42 hours and more, rounded to the day (a week ahead: "in 7 days")
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MINUTE = 60  # seconds


@dataclass(frozen=True)
class TimeLeft:
    unit: str  # now | minutes | hours | tomorrow | days
    count: int  # how many units (1 for now and tomorrow)


def time_left(start: datetime, now: datetime) -> TimeLeft:
    """The time from `now` to `start` as a reminder says it."""
    minutes = round((start - now).total_seconds() / MINUTE)
    if minutes < 1:
        return TimeLeft("now", 1)
    if minutes < 55:
        return TimeLeft("minutes", minutes)
    if minutes < 20 * 60 or 30 * 60 <= minutes < 42 * 60:
        return TimeLeft("hours", max(1, round(minutes / 60)))
    if minutes < 30 * 60:
        return TimeLeft("tomorrow", 1)
    return TimeLeft("days", round(minutes / (24 * 60)))
