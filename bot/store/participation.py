"""Participation events, the lists they came from, and the queue of senders not yet matched."""

from __future__ import annotations

from dataclasses import dataclass
from sqlite3 import Row
from typing import TypedDict
from weakref import WeakKeyDictionary

import aiosqlite

from bot.store.batching import Batcher
from bot.store.transaction import write_lock


@dataclass(frozen=True, kw_only=True)
class NewEvent:
    """A participation event as a transport received it, before it is stored."""

    source_key: str
    kind: str  # list_post, call_join, ...
    source: str  # List-Id or Zoom meeting id
    occurred_at: str
    identity_kind: str  # email | name
    identity: str
    shown_as: str | None
    person_id: int | None
    received_at: str
    duration_s: int | None = None


Stored = tuple[bool, int | None]  # (new, person_id) for one event


class LoggedEvent(TypedDict):
    """A line of the participation log (PRODUCT.md shape): a person's event, or an ALS-level
    record the Secretariat made (no person; `activity_id` and `note` set)."""

    als_id: str | None
    person: str | None
    kind: str
    source: str
    occurred_at: str
    activity_id: int | None
    note: str | None


class UnmatchedSender(TypedDict):
    """An event whose sender the roster does not know yet."""

    address: str
    name: str | None
    kind: str
    source: str
    occurred_at: str


class SeenList(TypedDict):
    """A list the bot has seen or was told of, with how many events came from it."""

    list_id: str
    name: str | None
    kind: str
    known: bool
    first_seen: str
    posts: int


async def person_by_email(conn: aiosqlite.Connection, address: str) -> int | None:
    """The person whose address or e-mail alias this is (both stored lower case)."""
    async with conn.execute(
        "SELECT person_id FROM person WHERE email = ?"
        " UNION ALL SELECT person_id FROM person_alias WHERE kind = 'email' AND value = ?"
        " LIMIT 1",
        (address, address),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else None


async def ensure_list(
    conn: aiosqlite.Connection, list_id: str, name: str | None, kind: str, known: bool, now: str
) -> None:
    await conn.execute(
        "INSERT INTO mailing_list (list_id, name, kind, known, first_seen) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (list_id) DO UPDATE SET known = excluded.known,"
        " name = coalesce(excluded.name, mailing_list.name),"
        " kind = CASE WHEN excluded.known THEN excluded.kind ELSE mailing_list.kind END",
        (list_id, name, kind, int(known), now),
    )


_COLUMNS = (
    "source_key, kind, source, occurred_at, identity_kind, identity, shown_as, person_id,"
    " duration_s, received_at"
)
# The person is found in the INSERT itself: by address for e-mail identities, by alias for names.
_ROW = (
    "(?, ?, ?, ?, ?, ?, ?, coalesce(?,"
    " (SELECT person_id FROM person WHERE ? = 'email' AND email = ?),"
    " (SELECT person_id FROM person_alias WHERE kind = ? AND value = ?)), ?, ?)"
)


def _params(e: NewEvent) -> tuple[object, ...]:
    return (
        e.source_key,
        e.kind,
        e.source,
        e.occurred_at,
        e.identity_kind,
        e.identity,
        e.shown_as,
        e.person_id,
        e.identity_kind,
        e.identity,
        e.identity_kind,
        e.identity,
        e.duration_s,
        e.received_at,
    )


async def insert_events(conn: aiosqlite.Connection, batch: list[NewEvent]) -> list[Stored]:
    """Insert a batch in ONE statement (one round trip, one commit when not in a transaction).

    Returns (new, person_id) per event in order; (False, None) for a duplicate source key,
    including a repeat inside the batch. The caller holds the write lock.
    """
    if not batch:
        return []
    sql = (
        f"INSERT INTO participation ({_COLUMNS}) VALUES "
        + ", ".join([_ROW] * len(batch))
        + " ON CONFLICT (source_key) DO NOTHING RETURNING source_key, person_id"
    )
    params = [value for e in batch for value in _params(e)]
    rows = await conn.execute_fetchall(sql, params)
    inserted = {str(row[0]): row[1] for row in rows}
    out: list[Stored] = []
    for e in batch:
        if e.source_key in inserted:
            person = inserted.pop(e.source_key)  # a second event with this key is a duplicate
            out.append((True, None if person is None else int(person)))
        else:
            out.append((False, None))
    return out


_writers: WeakKeyDictionary[aiosqlite.Connection, Batcher[NewEvent, Stored]] = WeakKeyDictionary()


def writer(conn: aiosqlite.Connection) -> Batcher[NewEvent, Stored]:
    """The connection's batcher of live events (list posts, call joins): each batch is one
    autocommit INSERT, committed before any of its callers hears back."""
    if conn not in _writers:

        async def flush(batch: list[NewEvent]) -> list[Stored]:
            async with write_lock(conn):
                return await insert_events(conn, batch)

        _writers[conn] = Batcher(flush)
    return _writers[conn]


async def attribute_unmatched(conn: aiosqlite.Connection) -> int:
    """Give past events of senders now in the roster (a new address or alias) to their person."""
    async with conn.execute(
        "UPDATE participation SET person_id = coalesce("
        "  (SELECT p.person_id FROM person p WHERE participation.identity_kind = 'email'"
        "     AND p.email = participation.identity),"
        "  (SELECT a.person_id FROM person_alias a WHERE a.kind = participation.identity_kind"
        "     AND a.value = participation.identity),"
        # A display name that is exactly one person's name; two people of that name: no guess.
        "  (SELECT min(p.person_id) FROM person p WHERE participation.identity_kind = 'name'"
        "     AND p.name_key = participation.identity HAVING count(*) = 1))"
        " WHERE person_id IS NULL"
    ) as cur:
        return max(cur.rowcount, 0)


async def events(conn: aiosqlite.Connection, als_id: str | None = None) -> list[LoggedEvent]:
    """The matched log in time order (PRODUCT.md shape), optionally for one ALS.

    With it, the ALS-level participation the Secretariat recorded and has not removed: no person,
    source `secretariat` (`participation add`) or `meeting:ID` (`meetings held`), its note and
    `activity_id` (what `participation remove` takes; null for the bot's own events).
    """
    only = " AND p.als_id = :als" if als_id else ""
    only_activity = " AND a.als_id = :als" if als_id else ""
    sql = (
        "SELECT als_id, person, kind, source, occurred_at, activity_id, note FROM ("
        " SELECT p.als_id, p.name AS person, e.kind, e.source, e.occurred_at,"
        "  NULL AS activity_id, NULL AS note, 0 AS part, e.event_id AS n"
        f" FROM participation e JOIN person p ON p.person_id = e.person_id WHERE 1{only}"
        " UNION ALL"
        " SELECT a.als_id, NULL, a.kind,"
        "  CASE WHEN a.meeting_id IS NULL THEN 'secretariat' ELSE 'meeting:' || a.meeting_id END,"
        "  a.occurred_at, a.activity_id, a.note, 1, a.activity_id"
        f" FROM als_activity a WHERE a.removed_at IS NULL{only_activity}"
        ") ORDER BY occurred_at, part, n"
    )
    async with conn.execute(sql, {"als": als_id}) as cur:
        return [_logged(row) async for row in cur]


def _logged(row: Row) -> LoggedEvent:
    return LoggedEvent(
        als_id=row[0],
        person=row[1],
        kind=row[2],
        source=row[3],
        occurred_at=row[4],
        activity_id=row[5],
        note=row[6],
    )


async def unmatched(conn: aiosqlite.Connection) -> list[UnmatchedSender]:
    """Senders the roster does not know yet, one row per event, for the Secretariat."""
    async with conn.execute(
        "SELECT identity AS address, shown_as AS name, kind, source, occurred_at"
        " FROM participation WHERE person_id IS NULL ORDER BY occurred_at, event_id"
    ) as cur:
        return [
            UnmatchedSender(
                address=row[0], name=row[1], kind=row[2], source=row[3], occurred_at=row[4]
            )
            async for row in cur
        ]


async def lists(conn: aiosqlite.Connection) -> list[SeenList]:
    async with conn.execute(
        "SELECT l.list_id, l.name, l.kind, l.known, l.first_seen,"
        " (SELECT count(*) FROM participation e WHERE e.source = l.list_id) AS posts"
        " FROM mailing_list l ORDER BY l.known DESC, l.list_id"
    ) as cur:
        return [
            SeenList(
                list_id=row[0],
                name=row[1],
                kind=row[2],
                known=bool(row[3]),
                first_seen=row[4],
                posts=row[5],
            )
            async for row in cur
        ]


async def people_named(conn: aiosqlite.Connection, key: str) -> set[int]:
    """Everyone whose normalised name or name alias is `key` (more than one: ambiguous)."""
    async with conn.execute(
        "SELECT person_id FROM person WHERE name_key = ?"
        " UNION SELECT person_id FROM person_alias WHERE kind = 'name' AND value = ?",
        (key, key),
    ) as cur:
        return {int(row[0]) async for row in cur}


async def record_leave(
    conn: aiosqlite.Connection, meeting_id: str, identity_kind: str, identity: str, left_at: str
) -> bool:
    """Give the latest open join of this identity in this meeting its duration; idempotent."""
    async with conn.execute(
        "UPDATE participation SET duration_s = max(coalesce(duration_s, 0),"
        "   CAST(round((julianday(?) - julianday(occurred_at)) * 86400) AS INTEGER))"
        " WHERE event_id = (SELECT event_id FROM participation WHERE kind = 'call_join'"
        "   AND source = ? AND identity_kind = ? AND identity = ? AND occurred_at <= ?"
        "   ORDER BY occurred_at DESC LIMIT 1)",
        (left_at, meeting_id, identity_kind, identity, left_at),
    ) as cur:
        return cur.rowcount == 1
