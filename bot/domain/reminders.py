"""Which meeting reminders to send now, and which to drop (issue 6).

Reminders go out at offsets before each meeting (a week, a day and an hour by default). Each is
sent at most once. One whose moment passed while the bot was down is sent late only if the meeting
has not started; when several of a meeting's reminders are overdue (a meeting added the day
before), only the latest -- the closest to the meeting -- is sent and the others are dropped.
Pure: the caller says what is already recorded and what time it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Decision:
    offset: timedelta
    send: bool  # False: record it as dropped (and log why), so it never goes out later


def plan(
    start: datetime, offsets: list[timedelta], recorded: set[timedelta], now: datetime
) -> list[Decision]:
    """Decisions for the reminders of one meeting that are due and not yet recorded."""
    due = sorted((o for o in offsets if start - o <= now), reverse=True)  # earliest first
    if not due:
        return []
    latest = due[-1]
    decisions = []
    for offset in due:
        if offset in recorded:
            continue
        send = offset == latest and now < start
        decisions.append(Decision(offset, send))
    return decisions


def parse_offsets(text: str) -> list[timedelta]:
    """ "7d,1d,1h" -> offsets; units d, h, m."""
    units = {"d": "days", "h": "hours", "m": "minutes"}
    found = []
    for part in (p.strip().lower() for p in text.split(",")):
        if not part:
            continue
        number, unit = part[:-1], part[-1:]
        if unit not in units or not number.isdigit() or int(number) <= 0:
            raise ValueError(f"not an offset: {part!r} (write 7d, 1d, 1h or 30m)")
        found.append(timedelta(**{units[unit]: int(number)}))
    return sorted(set(found), reverse=True)


def offset_label(offset: timedelta) -> str:
    seconds = int(offset.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
