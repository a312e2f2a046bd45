"""Nomination periods and nominations (tables from migration 0002)."""

from __future__ import annotations

import json
from typing import Any

import aiosqlite

LIVE = ("proposed", "accepted", "valid")  # a nomination still in the running


async def open_period(
    conn: aiosqlite.Connection,
    position: str,
    year: int,
    opens_at: str,
    closes_at: str,
    vacancy: bool = False,
) -> int:
    async with conn.execute(
        "INSERT INTO nomination_period (position, year, opens_at, closes_at, state, vacancy)"
        " VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT (position, year, vacancy) DO UPDATE SET"
        " state = 'open', opens_at = excluded.opens_at, closes_at = excluded.closes_at"
        " RETURNING period_id",
        (position, year, opens_at, closes_at, int(vacancy)),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def open_period_for(
    conn: aiosqlite.Connection, position: str, now: str
) -> dict[str, Any] | None:
    async with conn.execute(
        "SELECT period_id, position, year, opens_at, closes_at, vacancy FROM nomination_period"
        " WHERE position = ? AND state = 'open' AND opens_at <= ? AND closes_at > ?"
        " ORDER BY period_id DESC LIMIT 1",
        (position, now, now),
    ) as cur:
        row = await cur.fetchone()
    return dict(row) if row else None


async def close(conn: aiosqlite.Connection, period_id: int) -> None:
    await conn.execute(
        "UPDATE nomination_period SET state = 'closed' WHERE period_id = ?", (period_id,)
    )


async def add(
    conn: aiosqlite.Connection, period_id: int, candidate_id: int, nominator_id: int, now: str
) -> bool:
    async with conn.execute(
        "INSERT INTO nomination (period_id, candidate_id, nominator_id, state, created_at,"
        " updated_at) VALUES (?, ?, ?, 'proposed', ?, ?) ON CONFLICT (period_id, candidate_id)"
        " DO NOTHING",
        (period_id, candidate_id, nominator_id, now, now),
    ) as cur:
        return cur.rowcount == 1


async def get(
    conn: aiosqlite.Connection, period_id: int, candidate_id: int
) -> dict[str, Any] | None:
    async with conn.execute(
        "SELECT nomination_id, state, soi_url, conflicts FROM nomination"
        " WHERE period_id = ? AND candidate_id = ?",
        (period_id, candidate_id),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return dict(row) | {"conflicts": {int(k): v for k, v in json.loads(row["conflicts"]).items()}}


async def update(
    conn: aiosqlite.Connection,
    nomination_id: int,
    state: str,
    soi_url: str | None,
    conflicts: dict[int, bool],
    now: str,
) -> None:
    await conn.execute(
        "UPDATE nomination SET state = ?, soi_url = ?, conflicts = ?, updated_at = ?"
        " WHERE nomination_id = ?",
        (state, soi_url, json.dumps({str(k): v for k, v in conflicts.items()}), now, nomination_id),
    )


async def live_in_subregion(conn: aiosqlite.Connection, period_id: int, subregion: str) -> int:
    marks = ", ".join("?" * len(LIVE))
    async with conn.execute(
        "SELECT count(*) FROM nomination n JOIN person p ON p.person_id = n.candidate_id"
        f" JOIN als a ON a.als_id = p.als_id WHERE n.period_id = ? AND n.state IN ({marks})"
        " AND a.subregion = ?",
        (period_id, *LIVE, subregion),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def valid_candidates(conn: aiosqlite.Connection, period_id: int) -> list[str]:
    async with conn.execute(
        "SELECT p.name FROM nomination n JOIN person p ON p.person_id = n.candidate_id"
        " WHERE n.period_id = ? AND n.state = 'valid' ORDER BY p.name",
        (period_id,),
    ) as cur:
        return [row[0] async for row in cur]


async def listing(conn: aiosqlite.Connection) -> list[dict[str, Any]]:
    async with conn.execute(
        "SELECT n.nomination_id, np.position, np.year, c.name AS candidate, c.als_id,"
        " m.name AS nominator, n.state, n.soi_url, n.updated_at FROM nomination n"
        " JOIN nomination_period np USING (period_id) JOIN person c ON c.person_id = n.candidate_id"
        " JOIN person m ON m.person_id = n.nominator_id ORDER BY np.year, np.position, c.name"
    ) as cur:
        return [dict(row) async for row in cur]


async def expired_periods(conn: aiosqlite.Connection, now: str) -> list[dict[str, Any]]:
    async with conn.execute(
        "SELECT period_id, position, year, opens_at, closes_at, vacancy FROM nomination_period"
        " WHERE state = 'open' AND closes_at <= ?",
        (now,),
    ) as cur:
        return [dict(row) async for row in cur]
