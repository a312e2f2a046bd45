"""What the status rule needs from the database, read in a few aggregate queries, and the record
of past statuses (status changes and the calendar-year history)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import Any

import aiosqlite

from bot.store.meetings import WINDOW_AFTER_MINUTES, WINDOW_BEFORE


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def monthly_calls(conn: aiosqlite.Connection, until: str) -> list[tuple[int, datetime]]:
    async with conn.execute(
        "SELECT meeting_id, start_at FROM meeting WHERE kind = 'monthly' AND start_at <= ?"
        " ORDER BY start_at",
        (until,),
    ) as cur:
        return [(int(row[0]), _moment(row[1])) async for row in cur]


async def attendance(
    conn: aiosqlite.Connection, until: str, min_seconds: int
) -> dict[str, set[int]]:
    """ALS id -> the monthly meetings one of its people joined (for at least `min_seconds`)."""
    sql = (
        "SELECT m.meeting_id, p.als_id FROM meeting m"
        " JOIN participation e ON e.kind = 'call_join' AND e.source = m.zoom_id"
        f"  AND e.occurred_at >= strftime('%Y-%m-%dT%H:%M:%S+00:00', m.start_at, '{WINDOW_BEFORE}')"
        "  AND e.occurred_at <= strftime('%Y-%m-%dT%H:%M:%S+00:00', m.start_at,"
        f"      '+' || (m.duration_min + {WINDOW_AFTER_MINUTES}) || ' minutes')"
        " JOIN person p ON p.person_id = e.person_id"
        " WHERE m.kind = 'monthly' AND m.start_at <= ? AND p.als_id IS NOT NULL"
        " GROUP BY m.meeting_id, p.person_id"
        " HAVING sum(coalesce(e.duration_s, 0)) >= ?"
    )
    found: dict[str, set[int]] = defaultdict(set)
    async with conn.execute(sql, (until, min_seconds)) as cur:
        async for meeting_id, als_id in cur:
            found[als_id].add(int(meeting_id))
    return found


async def participation_summary(
    conn: aiosqlite.Connection, until: str
) -> dict[str, list[datetime]]:
    """ALS id -> the first and last participation of each person in each month.

    Exact for the rule, which only asks whether anything happened in a period of a year or more
    and when the last thing happened; and it keeps a million events down to a few thousand rows.
    """
    found: dict[str, list[datetime]] = defaultdict(list)
    async with conn.execute(
        "SELECT p.als_id, min(e.occurred_at), max(e.occurred_at)"
        " FROM participation e JOIN person p ON p.person_id = e.person_id"
        " WHERE p.als_id IS NOT NULL AND e.occurred_at <= ?"
        " GROUP BY e.person_id, substr(e.occurred_at, 1, 7)",
        (until,),
    ) as cur:
        async for als_id, first, last in cur:
            found[als_id].append(_moment(first))
            if last != first:
                found[als_id].append(_moment(last))
    return found


async def recorded_inactive_years(conn: aiosqlite.Connection) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    async with conn.execute("SELECT als_id, year FROM status_year WHERE was_inactive = 1") as cur:
        async for als_id, year in cur:
            found[als_id].add(int(year))
    return found


async def record_inactive_years(
    conn: aiosqlite.Connection, als_id: str, years: set[int], now: str
) -> None:
    """Add years to the record; a year once recorded inactive stays so (the record is history)."""
    await conn.executemany(
        "INSERT INTO status_year (als_id, year, was_inactive, updated_at) VALUES (?, ?, 1, ?)"
        " ON CONFLICT (als_id, year) DO UPDATE SET was_inactive = 1,"
        " updated_at = excluded.updated_at WHERE status_year.was_inactive = 0",
        [(als_id, year, now) for year in sorted(years)],
    )


async def last_states(conn: aiosqlite.Connection) -> dict[str, tuple[str, str]]:
    """ALS id -> (state, effective_on) of its latest recorded change."""
    async with conn.execute(
        "SELECT als_id, state, effective_on FROM status_change c WHERE change_id ="
        " (SELECT max(change_id) FROM status_change WHERE als_id = c.als_id)"
    ) as cur:
        return {row[0]: (row[1], row[2]) async for row in cur}


async def record_change(
    conn: aiosqlite.Connection,
    als_id: str,
    state: str,
    effective_on: str,
    reasons: list[dict[str, Any]],
    policy: dict[str, Any],
    now: str,
) -> None:
    await conn.execute(
        "INSERT INTO status_change (als_id, state, effective_on, reasons, policy, recorded_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (
            als_id,
            state,
            effective_on,
            json.dumps(reasons, ensure_ascii=False),
            json.dumps(policy, ensure_ascii=False),
            now,
        ),
    )


async def records_since(conn: aiosqlite.Connection) -> datetime | None:
    """The start of the participation record: the earliest meeting or event the bot knows."""
    async with conn.execute(
        "SELECT min(t) FROM (SELECT min(start_at) AS t FROM meeting"
        " UNION ALL SELECT min(occurred_at) FROM participation)"
    ) as cur:
        row = await cur.fetchone()
    return _moment(row[0]) if row and row[0] else None
