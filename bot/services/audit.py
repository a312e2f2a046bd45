"""Audit use cases: re-checking the whole chain."""

from __future__ import annotations

import aiosqlite

from bot import audit
from bot.store import audit_log


async def verify(conn: aiosqlite.Connection) -> tuple[int, audit.ChainBreak | None]:
    """Re-hash the whole log; return how many entries were read and the first break, if any."""
    read: list[audit.AuditEntry] = [e async for e in audit_log.entries(conn)]
    return len(read), audit.verify(read)
