"""Proxies on record and published election results."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, TypedDict

import aiosqlite

from bot.domain.proxies import Proxy


class ProxyRow(TypedDict):
    """A proxy as `proxies` lists it, whatever its state."""

    proxy_id: int
    giver_als: str
    holder_als: str
    state: str  # active | revoked | ...
    given_at: str
    revoked_at: str | None
    vote_at: str | None
    vote: str | None  # the vote it names: "position:CODE" or "motion:TITLE"; None: the next vote


class PublishedResult(TypedDict):
    """A published election: the tally as JSON (bot.services.elections.tally_json) and the ALSs
    that voted (the public list of voters)."""

    result_id: int
    title: str
    vote_at: str
    result: dict[str, Any]
    voted: list[str]
    published_at: str


async def proxies(conn: aiosqlite.Connection) -> list[Proxy]:
    async with conn.execute(
        "SELECT giver_als, holder_als, given_at, revoked_at, vote_kind, vote_subject FROM proxy"
        " WHERE state IN ('active', 'revoked') ORDER BY given_at"
    ) as cur:
        return [
            Proxy(
                giver=r[0],
                holder=r[1],
                given_at=datetime.fromisoformat(r[2]),
                revoked_at=datetime.fromisoformat(r[3]) if r[3] else None,
                vote=(r[4], r[5]) if r[4] else None,
            )
            async for r in cur
        ]


async def add_proxy(
    conn: aiosqlite.Connection,
    giver: str,
    holder: str,
    given_at: str,
    meeting_id: int | None = None,
    vote_at: str | None = None,
    vote: tuple[str, str] | None = None,
) -> int:
    async with conn.execute(
        "INSERT INTO proxy (giver_als, holder_als, state, given_at, meeting_id, vote_at,"
        " vote_kind, vote_subject) VALUES (?, ?, 'active', ?, ?, ?, ?, ?) RETURNING proxy_id",
        (giver, holder, given_at, meeting_id, vote_at, *(vote or (None, None))),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def revoke_proxy(conn: aiosqlite.Connection, giver: str, at: str) -> int:
    async with conn.execute(
        "UPDATE proxy SET state = 'revoked', revoked_at = ?"
        " WHERE giver_als = ? AND state = 'active' AND (vote_at IS NULL OR vote_at > ?)",
        (at, giver, at),
    ) as cur:
        return max(cur.rowcount, 0)


async def proxy_listing(conn: aiosqlite.Connection) -> list[ProxyRow]:
    async with conn.execute(
        "SELECT proxy_id, giver_als, holder_als, state, given_at, revoked_at, vote_at, vote_kind,"
        " vote_subject FROM proxy ORDER BY proxy_id"
    ) as cur:
        return [
            ProxyRow(
                proxy_id=row[0],
                giver_als=row[1],
                holder_als=row[2],
                state=row[3],
                given_at=row[4],
                revoked_at=row[5],
                vote_at=row[6],
                vote=f"{row[7]}:{row[8]}" if row[7] else None,
            )
            async for row in cur
        ]


async def publish(
    conn: aiosqlite.Connection,
    title: str,
    vote_at: str,
    result: dict[str, Any],
    voted: list[str],
    now: str,
) -> int:
    async with conn.execute(
        "INSERT INTO election_result (title, vote_at, result, voted, published_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (title, vote_at) DO UPDATE SET"
        " result = excluded.result, voted = excluded.voted, published_at = excluded.published_at"
        " RETURNING result_id",
        (title, vote_at, json.dumps(result, ensure_ascii=False), json.dumps(voted), now),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def is_published(conn: aiosqlite.Connection, title: str, vote_at: str) -> bool:
    async with conn.execute(
        "SELECT 1 FROM election_result WHERE title = ? AND vote_at = ?", (title, vote_at)
    ) as cur:
        return await cur.fetchone() is not None


async def published(conn: aiosqlite.Connection) -> list[PublishedResult]:
    async with conn.execute(
        "SELECT result_id, title, vote_at, result, voted, published_at FROM election_result"
        " ORDER BY vote_at DESC, published_at DESC, result_id DESC"
    ) as cur:
        return [
            PublishedResult(
                result_id=row[0],
                title=row[1],
                vote_at=row[2],
                result=json.loads(row[3]),
                voted=json.loads(row[4]),
                published_at=row[5],
            )
            async for row in cur
        ]
