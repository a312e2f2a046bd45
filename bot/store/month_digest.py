"""What a month's digest for the Secretariat reads (issue 18): the status changes and
corrections recorded in the month, and the early warnings sent in it. Read-only."""

from __future__ import annotations

import json
from typing import TypedDict

import aiosqlite


class RecordedChange(TypedDict):
    als_id: str
    state: str
    effective_on: str
    kind: str  # change | correction
    reasons: list[dict[str, object]]


async def changes(conn: aiosqlite.Connection, start: str, end: str) -> list[RecordedChange]:
    """Status changes and corrections recorded in [start, end)."""
    async with conn.execute(
        "SELECT als_id, state, effective_on, kind, reasons FROM status_change"
        " WHERE recorded_at >= ? AND recorded_at < ? ORDER BY recorded_at, change_id",
        (start, end),
    ) as cur:
        return [
            RecordedChange(
                als_id=row[0],
                state=row[1],
                effective_on=row[2],
                kind=row[3],
                reasons=json.loads(row[4]),
            )
            async for row in cur
        ]


async def warnings(conn: aiosqlite.Connection, start: str, end: str) -> list[str]:
    """The ALSs sent an early warning in [start, end) (outbox keys `warning:ALS:first-miss:…`)."""
    async with conn.execute(
        "SELECT DISTINCT substr(dedup_key, 9, instr(substr(dedup_key, 9), ':') - 1) FROM outbox"
        " WHERE dedup_key LIKE 'warning:%' AND created_at >= ? AND created_at < ? ORDER BY 1",
        (start, end),
    ) as cur:
        return [row[0] async for row in cur]
