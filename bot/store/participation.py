"""Participation events, the lists they came from, and the queue of senders not yet matched."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiosqlite


@dataclass(frozen=True)
class NewEvent:
    source_key: str
    kind: str  # list_post, call_join, ...
    source: str  # List-Id or Zoom meeting id
    occurred_at: str
    identity_kind: str  # email | name
    identity: str
    shown_as: str | None
    person_id: int | None
    received_at: str
    duration_s: int | None = None


async def person_by_email(conn: aiosqlite.Connection, address: str) -> int | None:
    """The person whose address or e-mail alias this is (both stored lower case)."""
    async with conn.execute(
        "SELECT person_id FROM person WHERE email = ?"
        " UNION ALL SELECT person_id FROM person_alias WHERE kind = 'email' AND value = ?"
        " LIMIT 1",
        (address, address),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else None


async def ensure_list(
    conn: aiosqlite.Connection, list_id: str, name: str | None, kind: str, known: bool, now: str
) -> None:
    await conn.execute(
        "INSERT INTO mailing_list (list_id, name, kind, known, first_seen) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (list_id) DO UPDATE SET known = excluded.known,"
        " name = coalesce(excluded.name, mailing_list.name),"
        " kind = CASE WHEN excluded.known THEN excluded.kind ELSE mailing_list.kind END",
        (list_id, name, kind, int(known), now),
    )


async def insert_event(conn: aiosqlite.Connection, e: NewEvent) -> bool:
    """Store the event unless its source key is already there; True when it was new."""
    async with conn.execute(
        "INSERT INTO participation (source_key, kind, source, occurred_at, identity_kind, identity,"
        " shown_as, person_id, duration_s, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (source_key) DO NOTHING",
        (
            e.source_key,
            e.kind,
            e.source,
            e.occurred_at,
            e.identity_kind,
            e.identity,
            e.shown_as,
            e.person_id,
            e.duration_s,
            e.received_at,
        ),
    ) as cur:
        return cur.rowcount == 1


async def attribute_unmatched(conn: aiosqlite.Connection) -> int:
    """Give past events of senders now in the roster (a new address or alias) to their person."""
    async with conn.execute(
        "UPDATE participation SET person_id = coalesce("
        "  (SELECT p.person_id FROM person p WHERE participation.identity_kind = 'email'"
        "     AND p.email = participation.identity),"
        "  (SELECT a.person_id FROM person_alias a WHERE a.kind = participation.identity_kind"
        "     AND a.value = participation.identity))"
        " WHERE person_id IS NULL"
    ) as cur:
        return max(cur.rowcount, 0)


async def events(conn: aiosqlite.Connection, als_id: str | None = None) -> list[dict[str, Any]]:
    """The matched log in time order (PRODUCT.md shape), optionally for one ALS."""
    sql = (
        "SELECT p.als_id, p.name AS person, e.kind, e.source, e.occurred_at"
        " FROM participation e JOIN person p ON p.person_id = e.person_id"
    )
    args: tuple[str, ...] = ()
    if als_id:
        sql += " WHERE p.als_id = ?"
        args = (als_id,)
    async with conn.execute(sql + " ORDER BY e.occurred_at, e.event_id", args) as cur:
        return [dict(row) async for row in cur]


async def unmatched(conn: aiosqlite.Connection) -> list[dict[str, Any]]:
    """Senders the roster does not know yet, one row per event, for the Secretariat."""
    async with conn.execute(
        "SELECT identity AS address, shown_as AS name, kind, source, occurred_at"
        " FROM participation WHERE person_id IS NULL ORDER BY occurred_at, event_id"
    ) as cur:
        return [dict(row) async for row in cur]


async def lists(conn: aiosqlite.Connection) -> list[dict[str, Any]]:
    async with conn.execute(
        "SELECT l.list_id, l.name, l.kind, l.known, l.first_seen,"
        " (SELECT count(*) FROM participation e WHERE e.source = l.list_id) AS posts"
        " FROM mailing_list l ORDER BY l.known DESC, l.list_id"
    ) as cur:
        return [dict(row) | {"known": bool(row["known"])} async for row in cur]
