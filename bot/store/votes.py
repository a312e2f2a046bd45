"""Published votes (table from migration 0012): the frozen roll of a vote and when it opens."""

from __future__ import annotations

import json
from dataclasses import dataclass
from sqlite3 import Row
from typing import Any

import aiosqlite

_VOTE = (
    "SELECT vote_id, kind, subject, period_id, opens_at, roll, roll_hash, published_at FROM vote"
)


@dataclass(frozen=True, kw_only=True)
class PublishedVote:
    """A vote whose roll was published before it opened (issue 17, point 7)."""

    vote_id: int
    kind: str  # position | motion | free
    subject: str  # the position code, the motion's title, or ''
    period_id: int | None
    opens_at: str
    roll: dict[str, Any]  # Roll.as_json() as published
    roll_hash: str
    published_at: str


def _vote(row: Row) -> PublishedVote:
    return PublishedVote(
        vote_id=row["vote_id"],
        kind=row["kind"],
        subject=row["subject"],
        period_id=row["period_id"],
        opens_at=row["opens_at"],
        roll=json.loads(row["roll"]),
        roll_hash=row["roll_hash"],
        published_at=row["published_at"],
    )


async def publish(
    conn: aiosqlite.Connection,
    kind: str,
    subject: str,
    period_id: int | None,
    opens_at: str,
    roll: str,
    roll_hash: str,
    now: str,
) -> int:
    """Record a published roll; `roll` is its canonical JSON text."""
    async with conn.execute(
        "INSERT INTO vote (kind, subject, period_id, opens_at, roll, roll_hash, published_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING vote_id",
        (kind, subject, period_id, opens_at, roll, roll_hash, now),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def latest(conn: aiosqlite.Connection, kind: str, subject: str) -> PublishedVote | None:
    """The latest roll published for this vote."""
    async with conn.execute(
        _VOTE + " WHERE kind = ? AND subject = ? ORDER BY published_at DESC, vote_id DESC LIMIT 1",
        (kind, subject),
    ) as cur:
        row = await cur.fetchone()
    return _vote(row) if row else None


async def latest_any(conn: aiosqlite.Connection) -> PublishedVote | None:
    """The latest roll published for any vote (the public roll page shows it)."""
    async with conn.execute(_VOTE + " ORDER BY published_at DESC, vote_id DESC LIMIT 1") as cur:
        row = await cur.fetchone()
    return _vote(row) if row else None


async def openings(conn: aiosqlite.Connection) -> list[tuple[str, str, str]]:
    """(kind, subject, opens_at) of every published vote: a proxy for "the next vote" is for the
    first of them to open after it was notified."""
    async with conn.execute("SELECT kind, subject, opens_at FROM vote ORDER BY opens_at") as cur:
        return [(row[0], row[1], row[2]) async for row in cur]
