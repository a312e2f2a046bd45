"""The outbox: every message the bot sends is a row here before it is sent.

`dedup_key` is unique, so deciding to send the same notice twice (a restart, a second status run)
adds nothing; a row is marked sent only after the relay or Slack accepted it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from sqlite3 import Row
from typing import Any, TypedDict

import aiosqlite


@dataclass(frozen=True, kw_only=True)
class OutboxRow:
    """A message due to go out, as the sender needs it."""

    outbox_id: int
    channel: str  # email | slack
    recipient: str
    payload: dict[str, Any]
    attempts: int


async def enqueue(
    conn: aiosqlite.Connection,
    dedup_key: str,
    channel: str,
    recipient: str,
    payload: dict[str, Any],
    due_at: str,
    now: str,
) -> bool:
    """Queue a message unless one with this key exists; True when it was new."""
    async with conn.execute(
        "INSERT INTO outbox (dedup_key, channel, recipient, payload, due_at, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (dedup_key) DO NOTHING",
        (dedup_key, channel, recipient, json.dumps(payload, ensure_ascii=False), due_at, now),
    ) as cur:
        return cur.rowcount == 1


async def due(
    conn: aiosqlite.Connection, now: str, channels: tuple[str, ...], limit: int = 50
) -> list[OutboxRow]:
    marks = ", ".join("?" * len(channels))
    async with conn.execute(
        "SELECT outbox_id, channel, recipient, payload, attempts FROM outbox"
        f" WHERE state = 'pending' AND due_at <= ? AND channel IN ({marks})"
        " ORDER BY due_at, outbox_id LIMIT ?",
        (now, *channels, limit),
    ) as cur:
        return [
            OutboxRow(
                outbox_id=int(r[0]),
                channel=r[1],
                recipient=r[2],
                payload=json.loads(r[3]),
                attempts=int(r[4]),
            )
            async for r in cur
        ]


async def mark_sent(conn: aiosqlite.Connection, outbox_id: int, now: str) -> None:
    await conn.execute(
        "UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL"
        " WHERE outbox_id = ?",
        (now, outbox_id),
    )


async def mark_failed(
    conn: aiosqlite.Connection, outbox_id: int, error: str, retry_at: str | None
) -> None:
    """Count the attempt; retry at `retry_at`, or give up ('failed') when it is None."""
    await conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ?,"
        " state = CASE WHEN ? IS NULL THEN 'failed' ELSE 'pending' END,"
        " due_at = coalesce(?, due_at) WHERE outbox_id = ?",
        (error[:500], retry_at, retry_at, outbox_id),
    )


class OutboxListing(TypedDict):
    """A row of `outbox`: every message decided on, sent or not, and why not. The table says
    'pending' and 'dropped'; the listing says what PRODUCT.md names: 'queued', 'suppressed'."""

    outbox_id: int
    channel: str
    recipient: str  # '-' for a reminder decided against
    subject: str | None
    state: str  # queued | sent | failed | suppressed (not sent on purpose)
    attempts: int
    due_at: str
    sent_at: str | None
    last_error: str | None


async def listing(conn: aiosqlite.Connection) -> list[OutboxListing]:
    async with conn.execute(
        "SELECT outbox_id, channel, recipient, json_extract(payload, '$.subject') AS subject,"
        " CASE state WHEN 'pending' THEN 'queued' WHEN 'dropped' THEN 'suppressed' ELSE state END,"
        " attempts, due_at, sent_at, last_error FROM outbox ORDER BY outbox_id"
    ) as cur:
        return [_listed(row) async for row in cur]


def _listed(row: Row) -> OutboxListing:
    return OutboxListing(
        outbox_id=row[0],
        channel=row[1],
        recipient=row[2],
        subject=row[3],
        state=row[4],
        attempts=row[5],
        due_at=row[6],
        sent_at=row[7],
        last_error=row[8],
    )


async def record_dropped(conn: aiosqlite.Connection, dedup_key: str, why: str, now: str) -> bool:
    """Remember a message decided against (a reminder too late to be useful), so it never goes
    out later and the decision is visible in the outbox listing."""
    async with conn.execute(
        "INSERT INTO outbox (dedup_key, channel, recipient, payload, due_at, state, last_error,"
        " created_at) VALUES (?, 'email', '-', '{}', ?, 'dropped', ?, ?)"
        " ON CONFLICT (dedup_key) DO NOTHING",
        (dedup_key, now, why, now),
    ) as cur:
        return cur.rowcount == 1


async def keys_with_prefix(conn: aiosqlite.Connection, prefix: str) -> list[str]:
    async with conn.execute(
        "SELECT dedup_key FROM outbox WHERE substr(dedup_key, 1, ?) = ?", (len(prefix), prefix)
    ) as cur:
        return [row[0] async for row in cur]


async def count_queued(conn: aiosqlite.Connection, prefix: str) -> int:
    """Messages ever queued under this key prefix (sent, pending, failed or withdrawn since);
    the records of reminders decided against have no recipient and do not count."""
    async with conn.execute(
        "SELECT count(*) FROM outbox WHERE substr(dedup_key, 1, ?) = ? AND recipient != '-'",
        (len(prefix), prefix),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def withdraw(conn: aiosqlite.Connection, prefix: str, why: str) -> int:
    """Withdraw the messages under this key prefix not yet sent: they stay, as not sent on
    purpose ('dropped'), with the reason; how many."""
    async with conn.execute(
        "UPDATE outbox SET state = 'dropped', last_error = ?"
        " WHERE substr(dedup_key, 1, ?) = ? AND state = 'pending'",
        (why, len(prefix), prefix),
    ) as cur:
        return cur.rowcount


async def record_suppressed(
    conn: aiosqlite.Connection,
    dedup_key: str,
    recipient: str,
    payload: dict[str, Any],
    why: str,
    now: str,
) -> bool:
    """Keep a message decided against as it would have gone (a rate limit, an automatic mail that
    gets no answer): visible in the listing as suppressed, never sent."""
    async with conn.execute(
        "INSERT INTO outbox (dedup_key, channel, recipient, payload, due_at, state, last_error,"
        " created_at) VALUES (?, 'email', ?, ?, ?, 'dropped', ?, ?)"
        " ON CONFLICT (dedup_key) DO NOTHING",
        (dedup_key, recipient, json.dumps(payload, ensure_ascii=False), now, why, now),
    ) as cur:
        return cur.rowcount == 1


async def count_suppressed_since(
    conn: aiosqlite.Connection, prefix: str, since: str, recipient: str | None = None
) -> int:
    """Messages under this key prefix kept as suppressed since `since` (to `recipient` when
    given): what bounds the record kept of decisions not to send."""
    async with conn.execute(
        "SELECT count(*) FROM outbox WHERE created_at >= ? AND substr(dedup_key, 1, ?) = ?"
        " AND state = 'dropped' AND (? IS NULL OR recipient = ?)",
        (since, len(prefix), prefix, recipient, recipient),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def count_decided_since(
    conn: aiosqlite.Connection, prefix: str, since: str, recipient: str | None = None
) -> int:
    """Messages under this key prefix queued since `since` (to `recipient` when given) that were
    not suppressed: what counts against a rate limit."""
    async with conn.execute(
        "SELECT count(*) FROM outbox WHERE created_at >= ? AND substr(dedup_key, 1, ?) = ?"
        " AND state != 'dropped' AND (? IS NULL OR recipient = ?)",
        (since, len(prefix), prefix, recipient, recipient),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0
