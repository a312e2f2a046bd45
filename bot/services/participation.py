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
from bot.domain.errors import RuleViolation
from bot.domain.reasons import Reason
from bot.mail.post import Author, ListPost
from bot.region import Region
from bot.store import audit_log
from bot.store import held as held_store
from bot.store import participation as events
from bot.store.transaction import transaction, write_lock

# A Date header more than a day ahead of the clock is not believed; the receipt time is used.
FUTURE_TOLERANCE = timedelta(days=1)


class Outcome(enum.Enum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    DUPLICATE = "duplicate"
    HELD = "held"  # kept for review, not counted (issue 20, point 5)
    HELD_FULL = "held_full"  # not kept: too many posts wait for review already; try again later


# Posts waiting for review from one delivering address, and in all (issue 20): anyone who reaches
# the SMTP port can send posts that are held, so the queue is bounded; past it the sender is told
# to try again later (4xx), so a genuine post is delayed, never lost, once the queue is worked.
MAX_HELD_PER_PEER = 500
MAX_HELD = 20_000


@dataclass(frozen=True)
class Recorded:
    outcome: Outcome
    author: Author
    list_id: str


async def record_list_post(
    conn: aiosqlite.Connection,
    region: Region,
    post: ListPost,
    now: datetime,
    hold: str | None = None,
    peer: str | None = None,
) -> Recorded:
    """Store the post's participation durably (committed on return); a duplicate changes nothing.

    Concurrent posts share one INSERT statement (bot/store/batching.py): a busy list costs one
    round trip and one fsync per batch, not per message.

    `hold` (issue 20, point 5): why the post may be forged (neither a trusted relay nor a valid
    DKIM signature of its list, bot/mail/dkim_check.py); it is then kept for review, not counted,
    and durable on return too, so the 250 the sender gets is true. A post to a list the region
    file does not name is no reason to hold it: it is recorded and counts once the list is named.
    """
    assert post.list_id is not None, "the transport routes only list posts here"
    event, author = await _event(conn, post, post.list_id, now)
    if hold is not None:
        outcome = await _hold(conn, event, hold, peer)
        if outcome is Outcome.HELD:  # a post turned away leaves no trace, not even its List-Id
            await _seen(conn, region, post.list_id, now)
        return Recorded(outcome, author, post.list_id)
    await _seen(conn, region, post.list_id, now)
    new, person_id = await events.writer(conn).submit(event)
    return Recorded(_outcome(new, person_id), author, post.list_id)


async def _seen(conn: aiosqlite.Connection, region: Region, list_id: str, now: datetime) -> None:
    """The list is known to the log (`lists`) from its first post kept."""
    if list_id not in _registered(conn):
        async with transaction(conn):
            await _register_list(conn, region, list_id, now)
        _registered(conn).add(list_id)


async def _hold(
    conn: aiosqlite.Connection, event: events.NewEvent, reason: str, peer: str | None
) -> Outcome:
    """Keep a post for review; a re-delivery of a held post, or of one already counted, is a
    duplicate (its Message-ID is its key in both places)."""
    async with write_lock(conn):
        if await events.has_event(conn, event.source_key):
            return Outcome.DUPLICATE
        if await held_store.is_held(conn, event.source_key):
            return Outcome.DUPLICATE
        from_peer, in_all = await held_store.waiting_counts(conn, peer or "")
        if from_peer >= MAX_HELD_PER_PEER or in_all >= MAX_HELD:
            return Outcome.HELD_FULL
        new = await held_store.hold(conn, event, reason, peer or "")
    return Outcome.HELD if new else Outcome.DUPLICATE


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
    occurred = post.date if post.date and post.date <= now + FUTURE_TOLERANCE else now
    if len(post.authors) > 1:
        author, person_id = await _resolve(conn, post.authors, iso(occurred))
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
    conn: aiosqlite.Connection, authors: tuple[Author, ...], at: str
) -> tuple[Author, int | None]:
    """The first candidate the roster knows (a member at `at`, the post's time); else the most
    trusted candidate, unmatched."""
    for author in authors:
        person_id = await events.person_by_email(conn, author.address, at)
        if person_id is not None:
            return author, person_id
    return authors[0], None


async def attribute_unmatched(conn: aiosqlite.Connection) -> int:
    async with transaction(conn):
        return await events.attribute_unmatched(conn)


async def held_posts(conn: aiosqlite.Connection) -> list[held_store.HeldPost]:
    """The posts waiting for review (`participation held`)."""
    return await held_store.waiting(conn)


async def decide_held(
    conn: aiosqlite.Connection, held_id: int, approve: bool, now: datetime, actor: str
) -> held_store.HeldPost:
    """Approve a held post (it becomes participation dated by the post itself, so it counts from
    its own date wherever status is read; the daily refresh records any change it makes, as for
    `participation add`) or reject it (it never counts). Audited; a post is decided once."""
    state = "approved" if approve else "rejected"
    async with transaction(conn):
        post = await held_store.get(conn, held_id)
        if post is None:
            raise RuleViolation(Reason("participation.refused.no_such_held", {"id": held_id}))
        if not await held_store.decide(conn, held_id, state, iso(now), actor):
            state_said = Reason(f"participation.held.state.{post.state}")
            params = {"id": held_id, "state": state_said, "at": post.decided_at or "?"}
            raise RuleViolation(Reason("participation.refused.already_decided", params))
        if approve:
            await events.insert_events(conn, [_approved_event(post, now)])
        data = {
            "held_id": held_id,
            "list_id": post.list_id,
            "sender": post.sender,
            "occurred_at": post.occurred_at,
            "reason": post.reason,
            "peer": post.peer,
        }
        subject = post.als_id or post.sender
        await audit_log.append(conn, iso(now), actor, f"participation.{state}", subject, data)
    return post


def _approved_event(post: held_store.HeldPost, now: datetime) -> events.NewEvent:
    """The participation a held post becomes; its person found as for any post (the roster as it
    is now, a member at the post's date)."""
    return events.NewEvent(
        source_key=post.source_key,
        kind="list_post",
        source=post.list_id,
        occurred_at=post.occurred_at,
        identity_kind="email",
        identity=post.sender,
        shown_as=post.shown_as,
        person_id=None,
        received_at=iso(now),
    )


async def sync_lists(conn: aiosqlite.Connection, region: Region, now: datetime) -> int:
    """Bring the stored lists' `known` flag, name and kind in line with the region file (at
    start-up, and before the CLI reads them): a post counts only for a list the region file names,
    decided when status is read (bot/store/participation.py, COUNTED_POST), so posts recorded
    while their list was unknown count from the moment it is named, and stop if it is removed.
    Writes only when something differs. Returns how many lists changed."""
    stored = await events.list_flags(conn)
    changed = [
        list_id
        for list_id, (known, name, kind) in stored.items()
        if (region.lists.get(list_id) is not None) != known
        or (list_id in region.lists and (name, kind) != _named(region, list_id))
    ]
    if not changed:
        return 0
    async with transaction(conn):
        for list_id in changed:
            await _register_list(conn, region, list_id, now)
    return len(changed)


def _named(region: Region, list_id: str) -> tuple[str, str]:
    found = region.lists[list_id]
    return found.name, found.kind
