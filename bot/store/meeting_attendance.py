"""Who attended a meeting: the ALSs whose people joined it, and the Secretariat's record of a call
the bot could not see (issue 13; Rules of Procedure, auxiliary rule to Rule 1, seed 003).

Joins belong to the meeting whose window holds them (bot/store/meetings.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from sqlite3 import Row
from typing import TypedDict

import aiosqlite

from bot.store.meetings import IN_WINDOW


class PresentAls(TypedDict):
    """An ALS whose people joined a meeting (ALS-level facts, for the call report)."""

    als_id: str
    name: str
    country: str
    subregion: str


@dataclass(frozen=True, kw_only=True)
class AttendanceRow:
    """Who attended, from one source: joins (how many people, the longest stay in seconds when
    reports gave durations) or the Secretariat's record (neither known)."""

    als_id: str
    als_name: str
    source: str  # joins | secretariat
    people: int | None
    seconds: int | None
    subregion: str


async def als_present(conn: aiosqlite.Connection, meeting_id: int) -> list[PresentAls]:
    """The ALSs whose people joined this meeting (ALS-level facts: name, country, sub-region)."""
    async with conn.execute(
        "SELECT DISTINCT a.als_id, a.name, a.country, a.subregion FROM meeting m"
        f" JOIN participation e ON e.source = m.zoom_id {IN_WINDOW}"
        " JOIN person p ON p.person_id = e.person_id JOIN als a ON a.als_id = p.als_id"
        " WHERE m.meeting_id = ? ORDER BY a.subregion, a.name",
        (meeting_id,),
    ) as cur:
        return [
            PresentAls(als_id=row[0], name=row[1], country=row[2], subregion=row[3])
            async for row in cur
        ]


async def attendance_recorded_for(conn: aiosqlite.Connection, meeting_id: int) -> list[str]:
    """The ALSs the Secretariat recorded as present at this call (not removed)."""
    async with conn.execute(
        "SELECT als_id FROM als_activity WHERE meeting_id = ? AND kind = 'call_attendance'"
        " AND removed_at IS NULL ORDER BY als_id",
        (meeting_id,),
    ) as cur:
        return [row[0] async for row in cur]


async def record_attendance(
    conn: aiosqlite.Connection,
    meeting_id: int,
    als_ids: list[str],
    occurred_at: str,
    actor: str,
    now: str,
) -> None:
    """The Secretariat's record that these ALSs attended the call, dated at its start; the
    attendance it makes known is marked on the meeting (the first record's time is kept)."""
    await conn.executemany(
        "INSERT INTO als_activity (als_id, kind, occurred_at, meeting_id, recorded_by, recorded_at)"
        " VALUES (?, 'call_attendance', ?, ?, ?, ?)",
        [(als_id, occurred_at, meeting_id, actor, now) for als_id in als_ids],
    )
    await conn.execute(
        "UPDATE meeting SET held_recorded_at = coalesce(held_recorded_at, ?) WHERE meeting_id = ?",
        (now, meeting_id),
    )


async def attendance(conn: aiosqlite.Connection, meeting_id: int) -> list[AttendanceRow]:
    """Who attended: per ALS, from joins (how many of its people, and the longest any of them
    stayed, in seconds, when reports gave durations) and from the Secretariat's record."""
    async with conn.execute(
        "SELECT a.als_id, a.name AS als_name, 'joins' AS source, count(*) AS people,"
        " max(t.seconds) AS seconds, a.subregion FROM"
        " (SELECT e.person_id, sum(e.duration_s) AS seconds FROM meeting m"
        f"  JOIN participation e ON e.kind = 'call_join' AND e.source = m.zoom_id {IN_WINDOW}"
        "  WHERE m.meeting_id = :id AND e.person_id IS NOT NULL GROUP BY e.person_id) t"
        " JOIN person p ON p.person_id = t.person_id JOIN als a ON a.als_id = p.als_id"
        " GROUP BY a.als_id"
        " UNION ALL SELECT a.als_id, a.name, 'secretariat', NULL, NULL, a.subregion"
        " FROM als_activity x JOIN als a ON a.als_id = x.als_id WHERE x.meeting_id = :id"
        " AND x.kind = 'call_attendance' AND x.removed_at IS NULL"
        " ORDER BY 6, 2, 3",
        {"id": meeting_id},
    ) as cur:
        return [_attendance(row) async for row in cur]


def _attendance(row: Row) -> AttendanceRow:
    return AttendanceRow(
        als_id=row[0],
        als_name=row[1],
        source=row[2],
        people=row[3],
        seconds=row[4],
        subregion=row[5],
    )


class Attendee(TypedDict):
    """One person who joined a meeting (for `meetings show`, the Secretariat's view): the roster
    name and ALS, or the display name Zoom showed when nobody in the roster matched it; how many
    times they joined and the seconds they stayed in all (None when no leave or report said)."""

    person: str
    als_id: str | None
    matched: bool
    joins: int
    seconds: int | None


async def attendees(conn: aiosqlite.Connection, meeting_id: int) -> list[Attendee]:
    """Who joined this meeting, matched people first (by ALS and name), then unmatched names."""
    joins = (
        " FROM meeting m JOIN participation e ON e.kind = 'call_join' AND e.source = m.zoom_id"
        f" {IN_WINDOW}"
    )
    async with conn.execute(
        "SELECT p.name, p.als_id, 1, count(*), sum(e.duration_s)"
        f" {joins} JOIN person p ON p.person_id = e.person_id"
        " WHERE m.meeting_id = :id GROUP BY p.person_id"
        " UNION ALL SELECT coalesce(max(e.shown_as), e.identity), NULL, 0, count(*),"
        f" sum(e.duration_s) {joins} WHERE m.meeting_id = :id AND e.person_id IS NULL"
        " GROUP BY e.identity_kind, e.identity"
        " ORDER BY 3 DESC, 2, 1",
        {"id": meeting_id},
    ) as cur:
        return [
            Attendee(
                person=row[0], als_id=row[1], matched=bool(row[2]), joins=row[3], seconds=row[4]
            )
            async for row in cur
        ]
