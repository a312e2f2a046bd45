"""Audit use cases: re-checking the whole chain, and reading it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiosqlite

from bot import audit
from bot.store import audit_log


async def verify(conn: aiosqlite.Connection) -> tuple[int, audit.ChainBreak | None]:
    """Re-hash the whole log; return how many entries were read and the first break, if any."""
    read: list[audit.AuditEntry] = [e async for e in audit_log.entries(conn)]
    return len(read), audit.verify(read)


async def listing(
    conn: aiosqlite.Connection, kind: str | None, since: datetime | None
) -> list[dict[str, Any]]:
    """Entries in order, of one kind (`status.correction`, or a prefix such as `status`) and
    from a moment on."""
    return [
        {
            "seq": e.seq,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "subject": e.subject,
            "data": e.data,
        }
        async for e in audit_log.entries(conn)
        if (kind is None or e.action == kind or e.action.startswith(kind + "."))
        and (since is None or datetime.fromisoformat(e.at) >= since)
    ]
