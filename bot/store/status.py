"""What the status rule needs from the database, read in a few aggregate queries, and the record
of past statuses (status changes and the calendar-year history)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.domain.status_history import Spell, Told
from bot.store.meetings import ATTENDANCE_KNOWN, window_closes, window_opens
from bot.store.participation import counted_join, counting_rule


def _moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class MonthlyCall:
    meeting_id: int
    start: datetime
    recorded: bool  # its attendance is known (issue 13)


async def monthly_calls(conn: aiosqlite.Connection, until: str) -> list[MonthlyCall]:
    """The monthly calls up to `until`, cancelled ones left out (neither attended nor missed)."""
    async with conn.execute(
        f"SELECT m.meeting_id, m.start_at, {ATTENDANCE_KNOWN} FROM meeting m"
        " WHERE m.kind = 'monthly' AND m.start_at <= :as_of AND m.cancelled_at IS NULL"
        " ORDER BY m.start_at",
        {"as_of": until},
    ) as cur:
        return [
            MonthlyCall(meeting_id=int(row[0]), start=_moment(row[1]), recorded=bool(row[2]))
            async for row in cur
        ]


# Each monthly meeting's window, as text comparable with participation.occurred_at.
_WINDOWS = (
    f"SELECT meeting_id, zoom_id, {window_opens()} AS lo, {window_closes()} AS hi"
    " FROM meeting WHERE kind = 'monthly' AND start_at <= ? AND zoom_id IS NOT NULL"
)


async def attendance(
    conn: aiosqlite.Connection, until: str, min_seconds: int, zoom_evidence: str = "name"
) -> dict[str, set[int]]:
    """ALS id -> the monthly meetings one of its people joined (for at least `min_seconds`).

    Joins are found by Zoom number and time (a meeting number is all digits; a List-Id never is,
    so the source alone tells joins from posts), read from the covering index.
    """
    if min_seconds <= 0:
        sql = (
            f"WITH w AS ({_WINDOWS}) SELECT DISTINCT w.meeting_id, p.als_id FROM w"
            " JOIN participation e ON e.source = w.zoom_id AND e.occurred_at >= w.lo"
            " AND e.occurred_at <= w.hi JOIN person p ON p.person_id = e.person_id"
            f" WHERE p.als_id IS NOT NULL AND {counted_join(zoom_evidence)}"
        )
        args: tuple[object, ...] = (until,)
    else:
        sql = (
            f"WITH w AS ({_WINDOWS}) SELECT w.meeting_id, p.als_id FROM w"
            " JOIN participation e ON e.source = w.zoom_id AND e.occurred_at >= w.lo"
            " AND e.occurred_at <= w.hi JOIN person p ON p.person_id = e.person_id"
            f" WHERE p.als_id IS NOT NULL AND {counted_join(zoom_evidence)}"
            " GROUP BY w.meeting_id, p.person_id"
            " HAVING sum(coalesce(e.duration_s, 0)) >= ?"
        )
        args = (until, min_seconds)
    found: dict[str, set[int]] = defaultdict(set)
    for meeting_id, als_id in await conn.execute_fetchall(sql, args):  # one round trip
        found[als_id].add(int(meeting_id))
    # Calls whose attendance the Secretariat recorded (`meetings held`): outside Zoom, lost reports.
    async with conn.execute(
        "SELECT a.meeting_id, a.als_id FROM als_activity a JOIN meeting m USING (meeting_id)"
        " WHERE a.removed_at IS NULL AND m.kind = 'monthly' AND m.start_at <= ?",
        (until,),
    ) as cur:
        async for meeting_id, als_id in cur:
            found[als_id].add(int(meeting_id))
    return found


async def participation_summary(
    conn: aiosqlite.Connection, since: str, until: str, zoom_evidence: str = "name"
) -> dict[str, list[datetime]]:
    """ALS id -> the first and last participation of each person in each month.

    Exact for the rule, which only asks whether anything happened in a period of a year or more
    and when the last thing happened; it keeps a million events down to a few thousand rows, each
    found by two seeks in the (person, time) index rather than by sorting every event.
    """
    # Issue 20.5: only what counts (a post to a list the region file names; a join with the
    # evidence the region's `zoom_evidence` asks for).
    rule = await counting_rule(conn, zoom_evidence)
    seek = (
        "(SELECT {}(e.occurred_at) FROM participation e WHERE e.person_id = p.person_id"
        " AND e.occurred_at >= months.m AND e.occurred_at < months.n AND e.occurred_at <= :until"
    )
    sql = (
        "WITH RECURSIVE months(m, n) AS (SELECT date(:since, 'start of month'),"
        "  date(:since, 'start of month', '+1 month')"
        "  UNION ALL SELECT n, date(n, '+1 month') FROM months WHERE n <= :until_day)"
        f" SELECT p.als_id, {rule.seek(seek.format('min'))} AS first,"
        f" {rule.seek(seek.format('max'))} AS last"
        " FROM person p, months WHERE p.als_id IS NOT NULL AND first IS NOT NULL"
    )
    found: dict[str, list[datetime]] = defaultdict(list)
    args = {"since": since[:10], "until_day": until[:10], "until": until, **rule.params()}
    rows = await conn.execute_fetchall(sql, args)
    for als_id, first, last in rows:
        found[als_id].append(_moment(first))
        if last != first:
            found[als_id].append(_moment(last))
    # Participation the bot cannot see, recorded by the Secretariat (other mechanisms, calls).
    async with conn.execute(
        "SELECT als_id, occurred_at FROM als_activity"
        " WHERE removed_at IS NULL AND occurred_at >= ? AND occurred_at <= ?",
        (since[:10], until),
    ) as cur:
        async for als_id, moment in cur:
            found[als_id].append(_moment(moment))
    return found


async def recorded_inactive_years(conn: aiosqlite.Connection) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    async with conn.execute("SELECT als_id, year FROM status_year WHERE was_inactive = 1") as cur:
        async for als_id, year in cur:
            found[als_id].add(int(year))
    return found


async def set_inactive_years(
    conn: aiosqlite.Connection, als_id: str, years: set[int], before_year: int, now: str
) -> None:
    """The completed years' record follows the judgement both ways: history is derived from the
    facts, so a year a late report shows active is no longer recorded inactive (issue 13)."""
    await conn.executemany(
        "INSERT INTO status_year (als_id, year, was_inactive, updated_at) VALUES (?, ?, 1, ?)"
        " ON CONFLICT (als_id, year) DO UPDATE SET was_inactive = 1,"
        " updated_at = excluded.updated_at WHERE status_year.was_inactive = 0",
        [(als_id, year, now) for year in sorted(years) if year < before_year],
    )
    marks = ", ".join("?" * len(years))
    await conn.execute(
        "UPDATE status_year SET was_inactive = 0, updated_at = ?"
        f" WHERE als_id = ? AND was_inactive = 1 AND year < ? AND year NOT IN ({marks})",
        (now, als_id, before_year, *sorted(years)),
    )


@dataclass(frozen=True)
class Judgement:
    """The judgement of the past last recorded for an ALS, and what it rested on."""

    spells: tuple[Spell, ...]
    evidence: dict[str, list[str]]
    judged_until: str


async def judgements(conn: aiosqlite.Connection) -> dict[str, Judgement]:
    async with conn.execute(
        "SELECT als_id, spells, evidence, judged_until FROM status_judgement"
    ) as cur:
        return {
            row[0]: Judgement(
                spells=tuple((a, b) for a, b in json.loads(row[1])),
                evidence=json.loads(row[2]),
                judged_until=row[3],
            )
            async for row in cur
        }


async def judged_until(conn: aiosqlite.Connection) -> datetime | None:
    """The latest moment statuses were recorded for."""
    async with conn.execute("SELECT max(judged_until) FROM status_judgement") as cur:
        row = await cur.fetchone()
    return _moment(row[0]) if row and row[0] else None


async def save_judgement(
    conn: aiosqlite.Connection, als_id: str, judgement: Judgement, now: str
) -> None:
    await conn.execute(
        "INSERT INTO status_judgement (als_id, spells, evidence, judged_until, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (als_id) DO UPDATE SET spells = excluded.spells,"
        " evidence = excluded.evidence, judged_until = excluded.judged_until,"
        " updated_at = excluded.updated_at",
        (
            als_id,
            json.dumps(judgement.spells),
            json.dumps(judgement.evidence),
            judgement.judged_until,
            now,
        ),
    )


async def told(conn: aiosqlite.Connection) -> dict[str, Told]:
    async with conn.execute("SELECT als_id, state, since FROM status_told") as cur:
        return {row[0]: Told(state=row[1], since=row[2]) async for row in cur}


async def record_told(
    conn: aiosqlite.Connection, als_id: str, state: str, since: str | None, now: str
) -> None:
    await conn.execute(
        "INSERT INTO status_told (als_id, state, since, told_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (als_id) DO UPDATE SET state = excluded.state, since = excluded.since,"
        " told_at = excluded.told_at",
        (als_id, state, since, now),
    )


@dataclass(frozen=True)
class HistoryRow:
    kind: str  # change | past | correction
    state: str
    effective_on: str
    recorded_at: str
    reasons: list[dict[str, Any]]


async def history(conn: aiosqlite.Connection, als_id: str) -> list[HistoryRow]:
    """Every judgement recorded for one ALS, in the order it was recorded, corrections included."""
    async with conn.execute(
        "SELECT kind, state, effective_on, recorded_at, reasons FROM status_change"
        " WHERE als_id = ? ORDER BY change_id",
        (als_id,),
    ) as cur:
        return [
            HistoryRow(
                kind=row[0],
                state=row[1],
                effective_on=row[2],
                recorded_at=row[3],
                reasons=json.loads(row[4]),
            )
            async for row in cur
        ]


async def last_states(conn: aiosqlite.Connection) -> dict[str, tuple[str, str]]:
    """ALS id -> (state, effective_on) of its latest recorded change of today's state."""
    async with conn.execute(
        "SELECT als_id, state, effective_on FROM status_change c WHERE change_id ="
        " (SELECT max(change_id) FROM status_change WHERE als_id = c.als_id"
        "  AND kind = 'change')"
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
    kind: str = "change",
) -> None:
    await conn.execute(
        "INSERT INTO status_change"
        " (als_id, state, effective_on, reasons, policy, recorded_at, kind)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            als_id,
            state,
            effective_on,
            json.dumps(reasons, ensure_ascii=False),
            json.dumps(policy, ensure_ascii=False),
            now,
            kind,
        ),
    )


async def records_since(conn: aiosqlite.Connection) -> datetime | None:
    """The start of the participation record: the earliest meeting or event the bot knows."""
    # One seek per person in the (person, time) index, plus one for the unmatched (NULL) events.
    async with conn.execute(
        "SELECT min(t) FROM (SELECT min(start_at) AS t FROM meeting"
        " UNION ALL SELECT (SELECT min(occurred_at) FROM participation e"
        "   WHERE e.person_id = p.person_id) FROM person p"
        " UNION ALL SELECT min(occurred_at) FROM participation WHERE person_id IS NULL)"
    ) as cur:
        row = await cur.fetchone()
    return _moment(row[0]) if row and row[0] else None
