"""The meeting calendar, and which call joins belong to which meeting.

A Zoom meeting number is often reused (a recurring monthly call keeps its number), so a join belongs
to the registered meeting with that number whose window -- from an hour before the start to an hour
after the planned end -- holds the join time. Joins are stored under the number alone; the meeting
they attend is found when asked, so a meeting registered after its joins still gets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite

WINDOW_BEFORE = "-60 minutes"
WINDOW_AFTER_MINUTES = 60


@dataclass(frozen=True)
class Meeting:
    kind: str  # monthly | wg | assembly
    start_at: str  # ISO 8601 UTC
    duration_min: int
    zoom_id: str | None
    title: str | None


async def upsert(conn: aiosqlite.Connection, m: Meeting, now: str) -> tuple[int, bool]:
    """Add or update the meeting of that kind at that time; (meeting_id, changed)."""
    async with conn.execute(
        "SELECT meeting_id, duration_min, zoom_id, title FROM meeting"
        " WHERE kind = ? AND start_at = ?",
        (m.kind, m.start_at),
    ) as cur:
        row = await cur.fetchone()
    if row is not None:
        if (row[1], row[2], row[3]) == (m.duration_min, m.zoom_id, m.title):
            return int(row[0]), False
        await conn.execute(
            "UPDATE meeting SET duration_min = ?, zoom_id = ?, title = ? WHERE meeting_id = ?",
            (m.duration_min, m.zoom_id, m.title, row[0]),
        )
        return int(row[0]), True
    async with conn.execute(
        "INSERT INTO meeting (kind, title, start_at, duration_min, zoom_id, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING meeting_id",
        (m.kind, m.title, m.start_at, m.duration_min, m.zoom_id, now),
    ) as cur:
        new = await cur.fetchone()
    assert new is not None
    return int(new[0]), True


# A join `e` falls in meeting `m`'s window: from an hour before its start to an hour after its end.
_IN_WINDOW = (
    f" AND e.occurred_at >= strftime('%Y-%m-%dT%H:%M:%S+00:00', m.start_at, '{WINDOW_BEFORE}')"
    " AND e.occurred_at <= strftime('%Y-%m-%dT%H:%M:%S+00:00', m.start_at,"
    f" '+' || (m.duration_min + {WINDOW_AFTER_MINUTES}) || ' minutes')"
)
# The joins of meeting `m`: same Zoom number, inside the window.
_ATTENDED = " FROM participation e WHERE e.kind = 'call_join' AND e.source = m.zoom_id" + _IN_WINDOW


async def listing(conn: aiosqlite.Connection) -> list[dict[str, Any]]:
    """Every meeting with how many joins and how many distinct ALSs attended it."""
    async with conn.execute(
        "SELECT m.meeting_id, m.kind, m.title, m.start_at, m.duration_min, m.zoom_id,"
        f" (SELECT count(*) {_ATTENDED}) AS joins,"
        " (SELECT count(DISTINCT p.als_id) FROM person p WHERE p.als_id IS NOT NULL"
        f"   AND p.person_id IN (SELECT e.person_id {_ATTENDED})) AS als_present"
        " FROM meeting m ORDER BY m.start_at"
    ) as cur:
        return [dict(row) async for row in cur]


async def by_kind(conn: aiosqlite.Connection, kind: str) -> list[dict[str, Any]]:
    async with conn.execute(
        "SELECT meeting_id, kind, title, start_at, duration_min, zoom_id FROM meeting"
        " WHERE kind = ? ORDER BY start_at",
        (kind,),
    ) as cur:
        return [dict(row) async for row in cur]


async def since(conn: aiosqlite.Connection, moment: str) -> list[dict[str, Any]]:
    """Meetings starting at or after `moment`, soonest first."""
    async with conn.execute(
        "SELECT meeting_id, kind, title, start_at, duration_min, zoom_id FROM meeting"
        " WHERE start_at >= ? ORDER BY start_at",
        (moment,),
    ) as cur:
        return [dict(row) async for row in cur]


async def als_present(conn: aiosqlite.Connection, meeting_id: int) -> list[dict[str, Any]]:
    """The ALSs whose people joined this meeting (ALS-level facts: name, country, sub-region)."""
    async with conn.execute(
        "SELECT DISTINCT a.als_id, a.name, a.country, a.subregion FROM meeting m"
        f" JOIN participation e ON e.source = m.zoom_id {_IN_WINDOW}"
        " JOIN person p ON p.person_id = e.person_id JOIN als a ON a.als_id = p.als_id"
        " WHERE m.meeting_id = ? ORDER BY a.subregion, a.name",
        (meeting_id,),
    ) as cur:
        return [dict(row) async for row in cur]
