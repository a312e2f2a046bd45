"""Which registered meeting a Zoom call belongs to, and when a call ended.

A Zoom number is often shared (a recurring monthly call keeps it), so a moment belongs to the
registered meeting with that number whose window holds it: from an hour before its start to an hour
after its planned end, the same window as bot/store/meetings.py.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

from bot.store.meetings import window_closes, window_opens

_OPENS = window_opens()
_CLOSES = window_closes()


@dataclass(frozen=True)
class MeetingWindow:
    meeting_id: int
    start_at: str  # ISO 8601 UTC, as stored
    opens: str
    closes: str

    def holds(self, moment: str) -> bool:
        """`moment` written as bot.deps.iso writes it."""
        return self.opens <= moment <= self.closes


async def windows(conn: aiosqlite.Connection, zoom_id: str) -> list[MeetingWindow]:
    """Every registered meeting with this Zoom number (cancelled ones too), earliest first."""
    async with conn.execute(
        f"SELECT meeting_id, start_at, {_OPENS}, {_CLOSES} FROM meeting WHERE zoom_id = ?"
        " ORDER BY start_at",
        (zoom_id,),
    ) as cur:
        return [MeetingWindow(int(r[0]), str(r[1]), str(r[2]), str(r[3])) async for r in cur]


async def meeting_at(conn: aiosqlite.Connection, zoom_id: str, moment: str) -> int | None:
    """The meeting with this number whose window holds `moment`; if several, one not cancelled
    (a cancelled call was not held), then the nearest start."""
    async with conn.execute(
        "SELECT meeting_id FROM meeting WHERE zoom_id = :zoom"
        f" AND {_OPENS} <= :moment AND {_CLOSES} >= :moment"
        " ORDER BY cancelled_at IS NOT NULL, abs(julianday(start_at) - julianday(:moment)),"
        " meeting_id LIMIT 1",
        {"zoom": zoom_id, "moment": moment},
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else None


async def set_ended(conn: aiosqlite.Connection, meeting_id: int, ended_at: str) -> bool:
    """Record when the call ended; a retry changes nothing, a later end (the host came back and
    ended it again) moves it on. True when the row changed."""
    async with conn.execute(
        "UPDATE meeting SET ended_at = ? WHERE meeting_id = ?"
        " AND (ended_at IS NULL OR ended_at < ?)",
        (ended_at, meeting_id, ended_at),
    ) as cur:
        return cur.rowcount == 1
