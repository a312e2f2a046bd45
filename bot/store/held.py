"""List posts held for review (issue 20, point 5; migration 0019): stored, never counted, until
the Secretariat approves one (it becomes a participation event) or rejects it."""

from __future__ import annotations

from dataclasses import dataclass
from sqlite3 import Row

import aiosqlite

from bot.store import participation as events


@dataclass(frozen=True, kw_only=True)
class HeldPost:
    """A held post as `participation held` lists it: who (the person, when the roster knew the
    address), which list, its date, and why it was held."""

    held_id: int
    source_key: str
    list_id: str
    occurred_at: str
    sender: str
    shown_as: str | None
    person: str | None
    als_id: str | None
    person_id: int | None
    reason: str
    peer: str | None
    received_at: str
    state: str
    decided_at: str | None
    decided_by: str | None


async def hold(conn: aiosqlite.Connection, event: events.NewEvent, reason: str, peer: str) -> bool:
    """Keep a list post for review; False when one with its key is held already (a re-delivery).
    Autocommit: durable on return, so the SMTP 250 that follows tells the truth."""
    async with conn.execute(
        "INSERT INTO held_post (source_key, source, occurred_at, identity, shown_as, person_id,"
        " reason, peer, received_at) VALUES (?, ?, ?, ?, ?, coalesce(?,"
        f" (SELECT p.person_id FROM person p WHERE p.email = ? AND {events.MEMBER_AT}),"
        " (SELECT a.person_id FROM person_alias a JOIN person p USING (person_id)"
        f"  WHERE a.kind = 'email' AND a.value = ? AND {events.MEMBER_AT})), ?, ?, ?)"
        " ON CONFLICT (source_key) DO NOTHING",
        (
            event.source_key,
            event.source,
            event.occurred_at,
            event.identity,
            event.shown_as,
            event.person_id,
            event.identity,
            event.occurred_at,
            event.identity,
            event.occurred_at,
            reason,
            peer,
            event.received_at,
        ),
    ) as cur:
        return cur.rowcount > 0


async def is_held(conn: aiosqlite.Connection, source_key: str) -> bool:
    async with conn.execute("SELECT 1 FROM held_post WHERE source_key = ?", (source_key,)) as cur:
        return await cur.fetchone() is not None


async def waiting_counts(conn: aiosqlite.Connection, peer: str) -> tuple[int, int]:
    """(posts waiting for review delivered from `peer`, posts waiting in all)."""
    async with conn.execute(
        "SELECT coalesce(sum(peer = ?), 0), count(*) FROM held_post WHERE state = 'held'",
        (peer,),
    ) as cur:
        row = await cur.fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


_SELECT = (
    "SELECT h.held_id, h.source_key, h.source, h.occurred_at, h.identity, h.shown_as, p.name,"
    " p.als_id, h.person_id, h.reason, h.peer, h.received_at, h.state, h.decided_at,"
    " h.decided_by FROM held_post h LEFT JOIN person p ON p.person_id = h.person_id"
)


def _row(row: Row) -> HeldPost:
    return HeldPost(
        held_id=row[0],
        source_key=row[1],
        list_id=row[2],
        occurred_at=row[3],
        sender=row[4],
        shown_as=row[5],
        person=row[6],
        als_id=row[7],
        person_id=row[8],
        reason=row[9],
        peer=row[10],
        received_at=row[11],
        state=row[12],
        decided_at=row[13],
        decided_by=row[14],
    )


async def waiting(conn: aiosqlite.Connection) -> list[HeldPost]:
    """The posts still held, oldest first."""
    async with conn.execute(f"{_SELECT} WHERE h.state = 'held' ORDER BY h.held_id", ()) as cur:
        return [_row(row) async for row in cur]


async def get(conn: aiosqlite.Connection, held_id: int) -> HeldPost | None:
    async with conn.execute(f"{_SELECT} WHERE h.held_id = ?", (held_id,)) as cur:
        row = await cur.fetchone()
    return _row(row) if row else None


async def decide(conn: aiosqlite.Connection, held_id: int, state: str, at: str, actor: str) -> bool:
    """Mark a held post approved or rejected; False when it was decided before."""
    async with conn.execute(
        "UPDATE held_post SET state = ?, decided_at = ?, decided_by = ?"
        " WHERE held_id = ? AND state = 'held'",
        (state, at, actor, held_id),
    ) as cur:
        return cur.rowcount > 0
