"""Recording participation: a list post in, an event stored once, attributed when the roster knows
the sender. Rules of Procedure, auxiliary rule to Rule 1 (seed 003): posting to the lists counts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from weakref import WeakKeyDictionary

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
    """Store the post's participation durably (committed on return); a duplicate changes nothing.

    Concurrent posts share one INSERT statement (bot/store/batching.py): a busy list costs one
    round trip and one fsync per batch, not per message.
    """
    assert post.list_id is not None, "the transport routes only list posts here"
    if post.list_id not in _registered(conn):
        async with transaction(conn):
            await _register_list(conn, region, post.list_id, now)
        _registered(conn).add(post.list_id)
    event, author = await _event(conn, post, post.list_id, now)
    new, person_id = await events.writer(conn).submit(event)
    return Recorded(_outcome(new, person_id), author, post.list_id)


async def record_many(
    conn: aiosqlite.Connection, region: Region, posts: list[ListPost], now: datetime
) -> list[Recorded]:
    """The same for a batch (archive back-fill): one transaction, one fsync, for many posts."""
    async with transaction(conn):
        for list_id in {p.list_id or "" for p in posts} - _registered(conn):
            await _register_list(conn, region, list_id, now)
        built = [await _event(conn, p, p.list_id or "", now) for p in posts]
        stored = await events.insert_events(conn, [event for event, _ in built])
    _registered(conn).update(p.list_id or "" for p in posts)
    return [
        Recorded(_outcome(new, person_id), author, event.source)
        for (event, author), (new, person_id) in zip(built, stored, strict=True)
    ]


# Lists whose row this process has already written: the upsert runs once per list, not per post.
_lists_written: WeakKeyDictionary[aiosqlite.Connection, set[str]] = WeakKeyDictionary()


def _registered(conn: aiosqlite.Connection) -> set[str]:
    return _lists_written.setdefault(conn, set())


async def _register_list(
    conn: aiosqlite.Connection, region: Region, list_id: str, now: datetime
) -> None:
    known = region.lists.get(list_id)
    await events.ensure_list(
        conn,
        list_id,
        known.name if known else None,
        known.kind if known else "unknown",
        known is not None,
        iso(now),
    )


async def _event(
    conn: aiosqlite.Connection, post: ListPost, list_id: str, now: datetime
) -> tuple[events.NewEvent, Author]:
    # One candidate (the usual case): the INSERT finds the person itself. Several (a DMARC
    # rewrite): pick the first the roster knows.
    author, person_id = post.authors[0], None
    if len(post.authors) > 1:
        author, person_id = await _resolve(conn, post.authors)
    occurred = post.date if post.date and post.date <= now + FUTURE_TOLERANCE else now
    event = events.NewEvent(
        source_key=post.message_key,
        kind="list_post",
        source=list_id,
        occurred_at=iso(occurred),
        identity_kind="email",
        identity=author.address,
        shown_as=author.name or None,
        person_id=person_id,
        received_at=iso(now),
    )
    return event, author


def _outcome(new: bool, person_id: int | None) -> Outcome:
    if not new:
        return Outcome.DUPLICATE
    return Outcome.MATCHED if person_id is not None else Outcome.UNMATCHED


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
