"""Seeds committed before a draw (table `draw_seed`, migration 0012): the seed, its SHA-256 as
announced, where it was announced, when, and when a draw used it (issue 17, point 4)."""

from __future__ import annotations

from dataclasses import dataclass

import aiosqlite

COLUMNS = "seed_id, kind, subject, seed, seed_hash, source, committed_at, used_at"


@dataclass(frozen=True)
class CommittedSeed:
    seed_id: int
    kind: str  # position | motion | free
    subject: str  # the position's code, the motion's title, '' for a free draw
    seed: str
    seed_hash: str
    source: str | None
    committed_at: str
    used_at: str | None


async def commit(
    conn: aiosqlite.Connection,
    kind: str,
    subject: str,
    seed: str,
    seed_hash: str,
    source: str | None,
    now: str,
) -> int:
    """Record a seed; its id. Call inside the transaction that audits it."""
    async with conn.execute(
        "INSERT INTO draw_seed (kind, subject, seed, seed_hash, source, committed_at)"
        " VALUES (?, ?, ?, ?, ?, ?) RETURNING seed_id",
        (kind, subject, seed, seed_hash, source, now),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None  # RETURNING always gives the new row
    return int(row[0])


async def latest_unused(
    conn: aiosqlite.Connection, kind: str, subject: str
) -> CommittedSeed | None:
    """The seed a draw for this vote takes when none is given: the last committed, not yet used."""
    return await _one(
        conn,
        "WHERE kind = ? AND subject = ? AND used_at IS NULL",
        (kind, subject),
    )


async def matching(
    conn: aiosqlite.Connection, kind: str, subject: str, seed_hash: str
) -> CommittedSeed | None:
    """The last commit of this seed for this vote, used or not (a tally counted again after its
    draw still finds the seed it used)."""
    return await _one(
        conn,
        "WHERE kind = ? AND subject = ? AND seed_hash = ?",
        (kind, subject, seed_hash),
    )


async def mark_used(conn: aiosqlite.Connection, seed_id: int, now: str) -> None:
    """The first use counts: a later count of the same vote leaves `used_at` as it was."""
    await conn.execute(
        "UPDATE draw_seed SET used_at = ? WHERE seed_id = ? AND used_at IS NULL", (now, seed_id)
    )


async def _one(
    conn: aiosqlite.Connection, where: str, params: tuple[str, ...]
) -> CommittedSeed | None:
    async with conn.execute(
        f"SELECT {COLUMNS} FROM draw_seed {where} ORDER BY committed_at DESC, seed_id DESC LIMIT 1",
        params,
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return CommittedSeed(
        seed_id=int(row[0]),
        kind=str(row[1]),
        subject=str(row[2]),
        seed=str(row[3]),
        seed_hash=str(row[4]),
        source=row[5],
        committed_at=str(row[6]),
        used_at=row[7],
    )
