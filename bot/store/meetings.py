"""The meeting calendar, and which call joins belong to which meeting.

A Zoom meeting number is often reused (a recurring monthly call keeps its number), so a join belongs
to the registered meeting with that number whose window -- from an hour before the start to an hour
after the planned end -- holds the join time. Joins are stored under the number alone; the meeting
they attend is found when asked, so a meeting registered after its joins still gets them.
"""

from __future__ import annotations

from dataclasses import dataclass
from sqlite3 import Row
from typing import TypedDict

import aiosqlite

WINDOW_BEFORE = "-60 minutes"
WINDOW_AFTER_MINUTES = 60


def window_opens(table: str = "") -> str:
    """SQL: when the window of the meeting row (`table`, e.g. "m", or none) opens, as ISO text
    comparable with stored UTC times: an hour before its start."""
    t = f"{table}." if table else ""
    return f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {t}start_at, '{WINDOW_BEFORE}')"


def window_closes(table: str = "") -> str:
    """SQL: when the window closes: an hour after the planned end. Joins after it belong to no
    meeting."""
    t = f"{table}." if table else ""
    return (
        f"strftime('%Y-%m-%dT%H:%M:%S+00:00', {t}start_at,"
        f" '+' || ({t}duration_min + {WINDOW_AFTER_MINUTES}) || ' minutes')"
    )


@dataclass(frozen=True, kw_only=True)
class Meeting:
    """A meeting to register: what the Secretariat gives (`meetings add`)."""

    kind: str  # monthly | wg | assembly
    start_at: str  # ISO 8601 UTC
    duration_min: int
    zoom_id: str | None
    title: str | None
    url: str | None = None  # the link to join; public (no passcode in it)
    passcode: str | None = None  # Slack and direct messages only, never list mail or pages


class MeetingRow(TypedDict):
    """A registered meeting as the messages and listings read it (by key: the rows are printed as
    JSON and handed to the message builders as they are)."""

    meeting_id: int
    kind: str
    title: str | None
    start_at: str  # ISO 8601 UTC
    duration_min: int
    zoom_id: str | None
    url: str | None  # the link to join given with `meetings add --url` (the passcode is apart)


class ListedMeeting(MeetingRow):
    """A row of `meetings list`: how many joins, how many ALSs attended, whether attendance is
    known and whether the meeting was cancelled."""

    joins: int
    als_present: int
    attendance_recorded: bool
    cancelled: bool


class UpcomingMeeting(MeetingRow):
    """A meeting not cancelled, with its version (`sequence`, RFC 5545) for the .ics."""

    sequence: int


class StoredMeeting(MeetingRow):
    """One meeting, cancelled or not, with its version (`sequence`), when it was cancelled or its
    attendance recorded by the Secretariat, and whether its attendance is known (issue 13)."""

    sequence: int
    cancelled_at: str | None
    held_recorded_at: str | None
    attendance_recorded: bool


@dataclass(frozen=True, kw_only=True)
class SameKind:
    """A meeting of the kind being registered: enough to tell a new one from a cancelled one."""

    meeting_id: int
    start_at: str
    cancelled_at: str | None


def _meeting(row: Row) -> MeetingRow:
    return MeetingRow(
        meeting_id=row["meeting_id"],
        kind=row["kind"],
        title=row["title"],
        start_at=row["start_at"],
        duration_min=row["duration_min"],
        zoom_id=row["zoom_id"],
        url=row["url"],
    )


async def upsert(conn: aiosqlite.Connection, m: Meeting, now: str) -> tuple[int, bool]:
    """Add or update the meeting of that kind at that time; (meeting_id, changed)."""
    given = (m.duration_min, m.zoom_id, m.title, m.url, m.passcode)
    async with conn.execute(
        "SELECT meeting_id, duration_min, zoom_id, title, url, passcode FROM meeting"
        " WHERE kind = ? AND start_at = ?",
        (m.kind, m.start_at),
    ) as cur:
        row = await cur.fetchone()
    if row is not None:
        if tuple(row[1:]) == given:
            return int(row[0]), False
        await conn.execute(
            "UPDATE meeting SET duration_min = ?, zoom_id = ?, title = ?, url = ?, passcode = ?"
            " WHERE meeting_id = ?",
            (*given, row[0]),
        )
        return int(row[0]), True
    async with conn.execute(
        "INSERT INTO meeting (kind, title, start_at, duration_min, zoom_id, url, passcode,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING meeting_id",
        (m.kind, m.title, m.start_at, m.duration_min, m.zoom_id, m.url, m.passcode, now),
    ) as cur:
        new = await cur.fetchone()
    assert new is not None
    return int(new[0]), True


# A join `e` falls in meeting `m`'s window: from an hour before its start to an hour after its end
# (bot/store/meeting_attendance.py uses it too).
IN_WINDOW = f" AND e.occurred_at >= {window_opens('m')} AND e.occurred_at <= {window_closes('m')}"
# The joins of meeting `m`: same Zoom number, inside the window.
_ATTENDED = " FROM participation e WHERE e.kind = 'call_join' AND e.source = m.zoom_id" + IN_WINDOW
WINDOW_END = window_closes("m")
# Issue 13 (RoP, auxiliary rule to Rule 1): a call counts as missed only when its attendance is
# known at `:as_of` -- the Secretariat recorded who attended, Zoom said it ended, or joins were
# recorded for it (by webhook or report, matched or not) and its window has closed, so no late
# joiner is judged absent while the call is still on.
ATTENDANCE_KNOWN = (
    "(m.held_recorded_at IS NOT NULL OR m.ended_at <= :as_of"
    f" OR ({WINDOW_END} <= :as_of AND EXISTS (SELECT 1 {_ATTENDED})))"
)


async def listing(conn: aiosqlite.Connection, as_of: str) -> list[ListedMeeting]:
    """Every meeting with how many joins, how many distinct ALSs attended it (joins or the
    Secretariat's record), whether its attendance is known at `as_of`, and whether it was
    cancelled."""
    async with conn.execute(
        "SELECT m.meeting_id, m.kind, m.title, m.start_at, m.duration_min, m.zoom_id, m.url,"
        f" (SELECT count(*) {_ATTENDED}) AS joins,"
        " (SELECT count(*) FROM (SELECT p.als_id FROM person p WHERE p.als_id IS NOT NULL"
        f"   AND p.person_id IN (SELECT e.person_id {_ATTENDED})"
        "   UNION SELECT a.als_id FROM als_activity a WHERE a.meeting_id = m.meeting_id"
        "   AND a.removed_at IS NULL)) AS als_present,"
        f" {ATTENDANCE_KNOWN} AS attendance_recorded,"
        " m.cancelled_at IS NOT NULL AS cancelled"
        " FROM meeting m ORDER BY m.start_at",
        {"as_of": as_of},
    ) as cur:
        return [
            ListedMeeting(
                **_meeting(row),
                joins=row["joins"],
                als_present=row["als_present"],
                attendance_recorded=bool(row["attendance_recorded"]),
                cancelled=bool(row["cancelled"]),
            )
            async for row in cur
        ]


async def by_kind(conn: aiosqlite.Connection, kind: str) -> list[SameKind]:
    """The meetings of one kind, cancelled ones too, earliest first."""
    async with conn.execute(
        "SELECT meeting_id, start_at, cancelled_at FROM meeting WHERE kind = ? ORDER BY start_at",
        (kind,),
    ) as cur:
        return [
            SameKind(meeting_id=row[0], start_at=row[1], cancelled_at=row[2]) async for row in cur
        ]


async def since(conn: aiosqlite.Connection, moment: str) -> list[UpcomingMeeting]:
    """Meetings starting at or after `moment`, soonest first; cancelled ones are not held, so
    they get no reminders, reports or proxies."""
    async with conn.execute(
        "SELECT meeting_id, kind, title, start_at, duration_min, zoom_id, url, sequence"
        " FROM meeting WHERE start_at >= ? AND cancelled_at IS NULL ORDER BY start_at",
        (moment,),
    ) as cur:
        return [UpcomingMeeting(**_meeting(row), sequence=row["sequence"]) async for row in cur]


async def get(conn: aiosqlite.Connection, meeting_id: int, as_of: str) -> StoredMeeting | None:
    """One meeting with its version (`sequence`), when it was cancelled or its attendance recorded
    by the Secretariat, and whether its attendance is known at `as_of`."""
    if meeting_id.bit_length() > 63:  # past SQLite's INTEGER: no row has that number
        return None
    async with conn.execute(
        "SELECT m.meeting_id, m.kind, m.title, m.start_at, m.duration_min, m.zoom_id, m.url,"
        " m.sequence, m.cancelled_at, m.held_recorded_at,"
        f" {ATTENDANCE_KNOWN} AS attendance_recorded"
        " FROM meeting m WHERE m.meeting_id = :meeting_id",
        {"as_of": as_of, "meeting_id": meeting_id},
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return StoredMeeting(
        **_meeting(row),
        sequence=row["sequence"],
        cancelled_at=row["cancelled_at"],
        held_recorded_at=row["held_recorded_at"],
        attendance_recorded=bool(row["attendance_recorded"]),
    )


async def passcode(conn: aiosqlite.Connection, meeting_id: int) -> str | None:
    """The meeting's passcode, read apart from its row so that it reaches only the messages that
    may carry it (Slack, direct messages), never a list, the .ics or a page."""
    async with conn.execute(
        "SELECT passcode FROM meeting WHERE meeting_id = ?", (meeting_id,)
    ) as cur:
        row = await cur.fetchone()
    return row[0] if row else None


async def at(conn: aiosqlite.Connection, kind: str, start_at: str) -> int | None:
    """The meeting of that kind registered at that time, if any (kind and start are unique)."""
    async with conn.execute(
        "SELECT meeting_id FROM meeting WHERE kind = ? AND start_at = ?", (kind, start_at)
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else None


async def cancel(conn: aiosqlite.Connection, meeting_id: int, now: str) -> int:
    """Mark it cancelled; a new version of the event (RFC 5545: a STATUS change); its sequence."""
    async with conn.execute(
        "UPDATE meeting SET cancelled_at = ?, sequence = sequence + 1"
        " WHERE meeting_id = ? RETURNING sequence",
        (now, meeting_id),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def move(conn: aiosqlite.Connection, meeting_id: int, start_at: str) -> int:
    """Give it a new start, as a new version of the event; its sequence."""
    async with conn.execute(
        "UPDATE meeting SET start_at = ?, sequence = sequence + 1"
        " WHERE meeting_id = ? RETURNING sequence",
        (start_at, meeting_id),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])
