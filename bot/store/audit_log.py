"""Appending to and reading the audit log table; the hashing itself is bot/audit.py.

The HMAC tag (LACRALO_AUDIT_KEY, issue 20 point 7) is kept inside the stored `data` JSON under
`TAG_FIELD`, outside what is hashed: the table needs no new column (no migration), and the
unkeyed chain stays exactly as it was, so entries from before the key and after it chain alike.
"""

from __future__ import annotations

import json
import weakref
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiosqlite

from bot.audit import GENESIS, AuditEntry, Head, canonical_json, entry_hash, entry_tag

TAG_FIELD = "_tag"  # reserved: no entry's data may use it
_keys: weakref.WeakKeyDictionary[aiosqlite.Connection, str] = weakref.WeakKeyDictionary()


def sign_with(conn: aiosqlite.Connection, key: str | None) -> None:
    """Tag every entry appended through `conn` from now on with `key` (None or empty: no tags).
    Set where the store is opened with the settings (the CLI and `run`), so the services that
    append entries need not carry the key."""
    if key:
        _keys[conn] = key
    else:
        _keys.pop(conn, None)


async def append(
    conn: aiosqlite.Connection,
    at: str,
    actor: str,
    action: str,
    subject: str,
    data: Mapping[str, Any],
) -> AuditEntry:
    """Add one entry; call inside the transaction that makes the change it records."""
    if TAG_FIELD in data:
        raise ValueError(f"{TAG_FIELD} is reserved for the audit tag")
    async with conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1") as cur:
        last = await cur.fetchone()
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    # Round-trip through canonical JSON so what is hashed is exactly what is stored and re-read.
    plain = json.loads(canonical_json(dict(data)))
    digest = entry_hash(prev, seq, at, actor, action, subject, plain)
    key = _keys.get(conn)
    tag = entry_tag(key, digest) if key else None
    stored = plain | {TAG_FIELD: tag} if tag else plain
    await conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, subject, data, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, subject, canonical_json(stored), prev, digest),
    )
    return AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        subject=subject,
        data=plain,
        prev_hash=prev,
        hash=digest,
        tag=tag,
    )


async def head(conn: aiosqlite.Connection) -> Head:
    """The last entry's `SEQ:HASH`, what the pages and digests publish."""
    async with conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1") as cur:
        last = await cur.fetchone()
    return Head(int(last[0]), str(last[1])) if last else Head(0, GENESIS)


def _data_and_tag(stored: str) -> tuple[Any, str | None]:
    try:
        data = json.loads(stored)
    except ValueError:
        return {"unparseable": stored}, None
    if isinstance(data, dict) and TAG_FIELD in data:
        tag = data.pop(TAG_FIELD)
        return data, tag if isinstance(tag, str) else None
    return data, None


async def entries(conn: aiosqlite.Connection) -> AsyncIterator[AuditEntry]:
    async with conn.execute(
        "SELECT seq, at, actor, action, subject, data, prev_hash, hash FROM audit_log ORDER BY seq"
    ) as cur:
        async for row in cur:
            data, tag = _data_and_tag(row[5])
            yield AuditEntry(
                seq=int(row[0]),
                at=row[1],
                actor=row[2],
                action=row[3],
                subject=row[4],
                data=data,
                prev_hash=row[6],
                hash=row[7],
                tag=tag,
            )
