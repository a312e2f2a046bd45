"""The meeting calendar: monthly LACRALO calls (seed 000), working-group calls, assemblies."""

from __future__ import annotations

import enum
from datetime import datetime

import aiosqlite

from bot.deps import iso
from bot.domain.errors import BadInput
from bot.domain.reasons import Reason
from bot.store import audit_log
from bot.store import meetings as store
from bot.store.transaction import transaction

KINDS = ("monthly", "wg", "assembly")


class Change(enum.Enum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


async def add_meeting(
    conn: aiosqlite.Connection,
    kind: str,
    start: datetime,
    duration_min: int,
    zoom_id: str | None,
    title: str | None,
    now: datetime,
    actor: str,
) -> tuple[int, Change]:
    """Register (or update) a meeting; idempotent for the same kind and start time; audited."""
    meeting = store.Meeting(
        kind=kind, start_at=iso(start), duration_min=duration_min, zoom_id=zoom_id, title=title
    )
    async with transaction(conn):
        same_kind = await store.by_kind(conn, kind)
        existing = {m.start_at for m in same_kind}
        for old in same_kind:
            if old.start_at == meeting.start_at and old.cancelled_at:
                # A cancelled call stays cancelled: it is history (neither attended nor missed).
                params = {
                    "id": old.meeting_id,
                    "start": meeting.start_at,
                    "cancelled": old.cancelled_at[:10],
                }
                raise BadInput(Reason("meetings.refused.add_cancelled", params))
        meeting_id, changed = await store.upsert(conn, meeting, iso(now))
        if changed:
            data: dict[str, object] = {
                "meeting_id": meeting_id,
                "kind": kind,
                "start_at": meeting.start_at,
                "duration_min": duration_min,
                "zoom_id": zoom_id,
                "title": title,
            }
            await audit_log.append(conn, iso(now), actor, "meeting", str(meeting_id), data)
    if not changed:
        return meeting_id, Change.UNCHANGED
    return meeting_id, Change.UPDATED if meeting.start_at in existing else Change.ADDED


async def list_meetings(conn: aiosqlite.Connection, as_of: datetime) -> list[store.ListedMeeting]:
    return await store.listing(conn, iso(as_of))
