"""Recording participation: a list post in, an event stored once, attributed when the roster knows
the sender. Rules of Procedure, auxiliary rule to Rule 1 (seed 003): posting to the lists counts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import aiosqlite

from bot.deps import iso
from bot.mail.post import Author, ListPost
from bot.region import Region
from bot.store import participation as events
from bot.store.transaction import transaction

# A Date header more than a day ahead of the clock is not believed; the receipt time is used.
FUTURE_TOLERANCE = timedelta(days=1)


class Outcome(enum.Enum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class Recorded:
    outcome: Outcome
    author: Author
    list_id: str


async def record_list_post(
    conn: aiosqlite.Connection, region: Region, post: ListPost, now: datetime
) -> Recorded:
    """Store the post's participation durably (committed on return); a duplicate changes nothing."""
    assert post.list_id is not None, "the transport routes only list posts here"
    async with transaction(conn):
        return await _record(conn, region, post, post.list_id, now)


async def record_many(
    conn: aiosqlite.Connection, region: Region, posts: list[ListPost], now: datetime
) -> list[Recorded]:
    """The same for a batch (archive back-fill): one transaction, one fsync, for many posts."""
    async with transaction(conn):
        return [await _record(conn, region, p, p.list_id or "", now) for p in posts]


async def _record(
    conn: aiosqlite.Connection, region: Region, post: ListPost, list_id: str, now: datetime
) -> Recorded:
    author, person_id = await _resolve(conn, post.authors)
    known = region.lists.get(list_id)
    await events.ensure_list(
        conn,
        list_id,
        known.name if known else None,
        known.kind if known else "unknown",
        known is not None,
        iso(now),
    )
    occurred = post.date if post.date and post.date <= now + FUTURE_TOLERANCE else now
    new = await events.insert_event(
        conn,
        events.NewEvent(
            source_key=post.message_key,
            kind="list_post",
            source=list_id,
            occurred_at=iso(occurred),
            identity_kind="email",
            identity=author.address,
            shown_as=author.name or None,
            person_id=person_id,
            received_at=iso(now),
        ),
    )
    if not new:
        outcome = Outcome.DUPLICATE
    else:
        outcome = Outcome.MATCHED if person_id is not None else Outcome.UNMATCHED
    return Recorded(outcome, author, list_id)


async def _resolve(
    conn: aiosqlite.Connection, authors: tuple[Author, ...]
) -> tuple[Author, int | None]:
    """The first candidate the roster knows; else the most trusted candidate, unmatched."""
    for author in authors:
        person_id = await events.person_by_email(conn, author.address)
        if person_id is not None:
            return author, person_id
    return authors[0], None


async def attribute_unmatched(conn: aiosqlite.Connection) -> int:
    async with transaction(conn):
        return await events.attribute_unmatched(conn)
