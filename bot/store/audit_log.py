"""Appending to and reading the audit log table; the hashing itself is bot/audit.py."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiosqlite

from bot.audit import GENESIS, AuditEntry, canonical_json, entry_hash


async def append(
    conn: aiosqlite.Connection,
    at: str,
    actor: str,
    action: str,
    subject: str,
    data: Mapping[str, Any],
) -> AuditEntry:
    """Add one entry; call inside the transaction that makes the change it records."""
    async with conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1") as cur:
        last = await cur.fetchone()
    seq, prev = (int(last[0]) + 1, str(last[1])) if last else (1, GENESIS)
    # Round-trip through canonical JSON so what is hashed is exactly what is stored and re-read.
    plain = json.loads(canonical_json(dict(data)))
    digest = entry_hash(prev, seq, at, actor, action, subject, plain)
    await conn.execute(
        "INSERT INTO audit_log (seq, at, actor, action, subject, data, prev_hash, hash)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, at, actor, action, subject, canonical_json(plain), prev, digest),
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
    )


async def entries(conn: aiosqlite.Connection) -> AsyncIterator[AuditEntry]:
    async with conn.execute(
        "SELECT seq, at, actor, action, subject, data, prev_hash, hash FROM audit_log ORDER BY seq"
    ) as cur:
        async for row in cur:
            try:
                data = json.loads(row[5])
            except ValueError:
                data = {"unparseable": row[5]}
            yield AuditEntry(
                seq=int(row[0]),
                at=row[1],
                actor=row[2],
                action=row[3],
                subject=row[4],
                data=data,
                prev_hash=row[6],
                hash=row[7],
            )
