"""Participation the bot cannot see: the Secretariat records it, and removes a mistaken record.

Rules of Procedure, auxiliary rule to Rule 1 (seed 003): participation "via other participation
mechanisms as chosen by LACRALO" counts like a post to the lists (bot/domain/activity.py). Both
actions are audited; a removed record keeps its row, so the history of a status stays explainable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

import aiosqlite

from bot.deps import iso
from bot.domain.activity import Activity
from bot.domain.errors import RuleViolation
from bot.domain.reasons import Reason
from bot.store import als_activity as store
from bot.store import audit_log
from bot.store import roster as roster_store
from bot.store.transaction import transaction


@dataclass(frozen=True)
class Added:
    activity_id: int
    new: bool  # False: an identical record was there already, and nothing was added


async def add(
    conn: aiosqlite.Connection, als_id: str, activity: Activity, now: datetime, actor: str
) -> Added:
    """Record it for the ALS unless the same record exists; refused for an ALS not in the roster."""
    occurred_at = iso(datetime.combine(activity.on, time(), UTC))
    async with transaction(conn):
        if await roster_store.get_als(conn, als_id) is None:
            raise RuleViolation(Reason("participation.refused.unknown_als", {"als": als_id}))
        found = await store.same_activity(conn, als_id, activity.kind, occurred_at, activity.note)
        if found is not None:
            return Added(found, False)
        activity_id = await store.insert_activity(
            conn, als_id, activity.kind, occurred_at, activity.note, actor, iso(now)
        )
        data = {
            "activity_id": activity_id,
            "als_id": als_id,
            "kind": activity.kind,
            "on": activity.on.isoformat(),
            "note": activity.note,
        }
        await audit_log.append(conn, iso(now), actor, "participation.add", als_id, data)
    return Added(activity_id, True)


async def remove(
    conn: aiosqlite.Connection, activity_id: int, now: datetime, actor: str
) -> store.ActivityRecord:
    """Mark a record the Secretariat made by mistake removed (`participation add`, or one ALS's
    attendance recorded with `meetings held`); returns it. The call's attendance stays known: an
    ALS whose attendance is removed is counted absent from it."""
    async with transaction(conn):
        row = await store.activity(conn, activity_id)
        if row is None:
            raise RuleViolation(Reason("participation.refused.no_such", {"id": activity_id}))
        if not await store.remove_activity(conn, activity_id, iso(now), actor):
            assert row["removed_at"] is not None  # it was removed before: that is why not now
            removed = datetime.fromisoformat(row["removed_at"])
            params = {"id": activity_id, "at": removed, "by": row["removed_by"]}
            raise RuleViolation(Reason("participation.refused.already_removed", params))
        data = {
            "activity_id": activity_id,
            "als_id": row["als_id"],
            "kind": row["kind"],
            "on": row["occurred_at"][:10],
            "note": row["note"],
            "meeting_id": row["meeting_id"],
        }
        await audit_log.append(conn, iso(now), actor, "participation.remove", row["als_id"], data)
    return row
