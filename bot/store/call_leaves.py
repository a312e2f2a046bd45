"""The leaves Zoom sent, and the durations they give the joins of the same person in the same call
(migration 0018; the pairing itself is bot/zoom/durations.py)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite


@dataclass(frozen=True)
class Identity:
    """Whose joins and leaves: the Zoom number, and the e-mail or normalised display name."""

    source: str
    kind: str  # email | name
    value: str


@dataclass(frozen=True)
class StoredJoin:
    event_id: int
    joined_at: str  # ISO 8601 UTC
    duration_s: int | None


async def add(conn: aiosqlite.Connection, who: Identity, left_at: str, now: str) -> bool:
    """Keep one leave; True when it is new (Zoom's retries of it change nothing)."""
    async with conn.execute(
        "INSERT OR IGNORE INTO call_leave (source, identity_kind, identity, left_at, received_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (who.source, who.kind, who.value, left_at, now),
    ) as cur:
        return cur.rowcount == 1


async def leaves(conn: aiosqlite.Connection, who: Identity, since: str, until: str) -> list[str]:
    """The leaves of this person in this call between `since` and `until` (ISO, inclusive)."""
    async with conn.execute(
        "SELECT left_at FROM call_leave WHERE source = ? AND identity_kind = ? AND identity = ?"
        " AND left_at BETWEEN ? AND ?",
        (who.source, who.kind, who.value, since, until),
    ) as cur:
        return [str(row[0]) async for row in cur]


async def joins(
    conn: aiosqlite.Connection, who: Identity, since: str, until: str
) -> list[StoredJoin]:
    """The joins of this person in this call between `since` and `until` (ISO, inclusive): a
    recurring number gathers years of calls, and only those near the event can pair with it."""
    async with conn.execute(
        "SELECT event_id, occurred_at, duration_s FROM participation WHERE kind = 'call_join'"
        " AND source = ? AND occurred_at BETWEEN ? AND ? AND identity_kind = ? AND identity = ?"
        " ORDER BY occurred_at",
        (who.source, since, until, who.kind, who.value),
    ) as cur:
        return [StoredJoin(int(r[0]), str(r[1]), r[2]) async for r in cur]


async def set_durations(conn: aiosqlite.Connection, durations: list[tuple[int, int]]) -> None:
    """(event_id, seconds) pairs."""
    await conn.executemany(
        "UPDATE participation SET duration_s = ? WHERE event_id = ?",
        [(seconds, event_id) for event_id, seconds in durations],
    )
