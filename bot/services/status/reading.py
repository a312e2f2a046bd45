"""Every ALS's status on a date, read from a handful of aggregate queries, and one ALS's recorded
history (Rules of Procedure, auxiliary rule to Rule 1, seed 003)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import aiosqlite

from bot.deps import iso
from bot.domain.reasons import Reason
from bot.domain.status import AlsFacts, AlsStatus, Call, evaluate
from bot.domain.status_policy import StatusPolicy
from bot.region import Region
from bot.store import roster as roster_store
from bot.store import status as status_store


def policy_of(region: Region) -> StatusPolicy:
    return StatusPolicy.from_mapping(region.status_policy)


async def statuses(conn: aiosqlite.Connection, region: Region, as_of: datetime) -> list[AlsStatus]:
    """Every ALS's status at `as_of`, from a handful of aggregate queries."""
    policy = policy_of(region)
    until = iso(as_of)
    calls = await status_store.monthly_calls(conn, until)
    # Issue 20.5: the region's `zoom_evidence` says which joins count.
    evidence = region.zoom_evidence
    attended = await status_store.attendance(conn, until, policy.min_call_minutes * 60, evidence)
    first_record = await status_store.records_since(conn) or as_of
    since = policy.records_since or first_record
    start = iso(min(first_record, as_of))
    parts = await status_store.participation_summary(conn, start, until, evidence)
    out = []
    # An ALS removed from the roster (issue 19.5) is judged only for the days it was a member.
    for als in await roster_store.list_als(conn, member_on=date.fromisoformat(until[:10])):
        mine = attended.get(als.als_id, set())
        facts = AlsFacts(
            accredited_on=als.accredited_on,
            calls=tuple(Call(c.start, c.meeting_id in mine, c.recorded) for c in calls),
            participation=tuple(parts.get(als.als_id, ())),
            records_since=since,
        )
        out.append(AlsStatus(als, evaluate(facts, as_of, policy), facts))
    return out


async def recorded_until(conn: aiosqlite.Connection) -> datetime | None:
    """The latest moment statuses were recorded for (a record never goes back before it)."""
    return await status_store.judged_until(conn)


async def records_start(conn: aiosqlite.Connection, region: Region) -> datetime | None:
    """Where the participation record starts: the region's `records_since`, else the first
    meeting or event on record (None: nothing on record yet)."""
    return policy_of(region).records_since or await status_store.records_since(conn)


async def history_rows(conn: aiosqlite.Connection, als_id: str) -> list[dict[str, Any]] | None:
    """One ALS's recorded judgements, first judgements and corrections alike, reasons as Reasons;
    None for an unknown ALS."""
    if await roster_store.get_als(conn, als_id) is None:
        return None
    return [
        {
            "recorded_at": row.recorded_at,
            "kind": row.kind,
            "state": row.state,
            "effective_on": row.effective_on,
            "reasons": [Reason.from_dict(r) for r in row.reasons],
        }
        for row in await status_store.history(conn, als_id)
    ]
