"""Activities shared for the monthly digest."""

from __future__ import annotations

from typing import TypedDict

import aiosqlite


async def add(
    conn: aiosqlite.Connection, person_id: int, als_id: str | None, text: str, now: str
) -> int:
    async with conn.execute(
        "INSERT INTO share (person_id, als_id, text, created_at) VALUES (?, ?, ?, ?)"
        " RETURNING share_id",
        (person_id, als_id, text, now),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


class SharedActivity(TypedDict):
    """An activity an ALS shared, as the monthly digest lists it."""

    text: str
    created_at: str
    who: str  # the ALS's name, or the person's for people without one
    country: str | None


async def between(conn: aiosqlite.Connection, start: str, end: str) -> list[SharedActivity]:
    """Shares in [start, end), with the ALS's name (or the person's, for people without one)."""
    async with conn.execute(
        "SELECT s.text, s.created_at, coalesce(a.name, p.name) AS who, a.country"
        " FROM share s JOIN person p USING (person_id) LEFT JOIN als a ON a.als_id = s.als_id"
        " WHERE s.created_at >= ? AND s.created_at < ? ORDER BY s.created_at",
        (start, end),
    ) as cur:
        return [
            SharedActivity(text=row[0], created_at=row[1], who=row[2], country=row[3])
            async for row in cur
        ]


async def times_since(conn: aiosqlite.Connection, person_id: int, since: str) -> list[str]:
    """When a person shared, from `since` on (the rate limit's window, issue 20 point 6)."""
    async with conn.execute(
        "SELECT created_at FROM share WHERE person_id = ? AND created_at > ? ORDER BY created_at",
        (person_id, since),
    ) as cur:
        return [str(row[0]) async for row in cur]
