"""Audit use cases: re-checking the whole chain (also against a published head, and the tags
under LACRALO_AUDIT_KEY), reading it, and exporting it for keeping elsewhere (issue 20, point 7)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot import audit
from bot.store import audit_log


async def verify(conn: aiosqlite.Connection) -> tuple[int, audit.ChainBreak | None]:
    """Re-hash the whole log; return how many entries were read and the first break, if any."""
    read: list[audit.AuditEntry] = [e async for e in audit_log.entries(conn)]
    return len(read), audit.verify(read)


async def check(
    conn: aiosqlite.Connection, published: audit.Head | None = None, key: str | None = None
) -> audit.Check:
    """The chain, the published head it must still reach, and the tags when `key` is given."""
    return audit.check([e async for e in audit_log.entries(conn)], published, key)


async def head(conn: aiosqlite.Connection) -> str:
    """`SEQ:HASH` of the last entry, as the public page and the digests publish it."""
    return str(await audit_log.head(conn))


async def export(conn: aiosqlite.Connection) -> AsyncIterator[dict[str, Any]]:
    """Every entry in order, as `audit export` writes them (bot/audit.py, `export_record`)."""
    async for e in audit_log.entries(conn):
        yield audit.export_record(e)


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
            "hash": e.hash,
        }
        async for e in audit_log.entries(conn)
        if (kind is None or e.action == kind or e.action.startswith(kind + "."))
        and (since is None or _not_before(e.at, since))
    ]


def _not_before(at: str, since: datetime) -> bool:
    """Whether an entry's time is at or after `since`; a time that cannot be read (a hand edit)
    is not, rather than stopping the listing."""
    try:
        moment = datetime.fromisoformat(at)
        return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)) >= since
    except (ValueError, TypeError):
        return False
