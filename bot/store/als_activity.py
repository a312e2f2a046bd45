"""What the Secretariat records of an ALS's participation the bot cannot see, and its removal.

Rules of Procedure, auxiliary rule to Rule 1 (seed 003): participation "via other participation
mechanisms" counts; a record made by mistake is marked removed, never deleted (its history stays).
"""

from __future__ import annotations

from typing import TypedDict

import aiosqlite


class ActivityRecord(TypedDict):
    """An ALS-level record the Secretariat made (`participation add`, `meetings held`)."""

    activity_id: int
    als_id: str
    kind: str
    occurred_at: str
    meeting_id: int | None
    note: str | None
    removed_at: str | None
    removed_by: str | None


async def same_activity(
    conn: aiosqlite.Connection, als_id: str, kind: str, occurred_at: str, note: str
) -> int | None:
    """The id of an identical ALS-level record not removed, if there is one."""
    async with conn.execute(
        "SELECT activity_id FROM als_activity WHERE als_id = ? AND kind = ? AND occurred_at = ?"
        " AND note = ? AND meeting_id IS NULL AND removed_at IS NULL LIMIT 1",
        (als_id, kind, occurred_at, note),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else None


async def insert_activity(
    conn: aiosqlite.Connection,
    als_id: str,
    kind: str,
    occurred_at: str,
    note: str,
    recorded_by: str,
    recorded_at: str,
) -> int:
    async with conn.execute(
        "INSERT INTO als_activity (als_id, kind, occurred_at, note, recorded_by, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING activity_id",
        (als_id, kind, occurred_at, note, recorded_by, recorded_at),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def activity(conn: aiosqlite.Connection, activity_id: int) -> ActivityRecord | None:
    """One ALS-level record, removed or not."""
    if activity_id.bit_length() > 63:  # past SQLite's INTEGER: no row has that number
        return None
    async with conn.execute(
        "SELECT activity_id, als_id, kind, occurred_at, meeting_id, note, removed_at, removed_by"
        " FROM als_activity WHERE activity_id = ?",
        (activity_id,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return ActivityRecord(
        activity_id=row[0],
        als_id=row[1],
        kind=row[2],
        occurred_at=row[3],
        meeting_id=row[4],
        note=row[5],
        removed_at=row[6],
        removed_by=row[7],
    )


async def remove_activity(
    conn: aiosqlite.Connection, activity_id: int, removed_at: str, removed_by: str
) -> bool:
    """Mark the record removed (the row stays: history); False when it was removed already."""
    async with conn.execute(
        "UPDATE als_activity SET removed_at = ?, removed_by = ?"
        " WHERE activity_id = ? AND removed_at IS NULL",
        (removed_at, removed_by, activity_id),
    ) as cur:
        return cur.rowcount == 1
