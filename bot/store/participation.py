"""Participation events, the lists they came from, and the queue of senders not yet matched."""

from __future__ import annotations

import json
from dataclasses import dataclass
from sqlite3 import Row
from typing import TypedDict
from weakref import WeakKeyDictionary

import aiosqlite

from bot.store import unmatched as unmatched_store
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
    duration_min: int | None  # how long a call join lasted, when Zoom or its report said


class CountedEvent(LoggedEvent):
    """A line of the log as `participation` shows it (issue 20, point 5): also what attributed
    the event to its person (`email` or `name`; null for the Secretariat's records), and whether
    it counts (false: a post to a list the region file does not name, a name-only join where the
    region's `zoom_evidence` asks for e-mail evidence)."""

    evidence: str | None
    counts: bool


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
    held: int  # posts waiting for review (issue 20, point 5), not in `posts`


# Someone removed from the roster (issue 19, point 5; `person.removed_on`, the first day they are
# not a member) matches only what they did before that day; with no time given (NULL), only
# people not removed match.
MEMBER_AT = "(p.removed_on IS NULL OR p.removed_on > substr(?, 1, 10))"


# Issue 20, point 5: whether a stored event `e` counts where status is read. A list post counts
# only for a list the region file names (`mailing_list.known`, set from the region file when the
# bot starts and whenever a post arrives): a post to another list is recorded, shown with
# `counts: false`, and counts from the day its list is added. Held posts are not in this table.
COUNTED_POST = (
    "(e.kind <> 'list_post' OR EXISTS (SELECT 1 FROM mailing_list l"
    " WHERE l.list_id = e.source AND l.known = 1))"
)
# A join attributed by the e-mail address Zoom gave (a signed-in participant's, verified by Zoom)
# rather than by the display name the joiner typed.
EMAIL_EVIDENCE = (
    "(e.identity_kind = 'email' AND EXISTS (SELECT 1 FROM person q"
    " WHERE q.person_id = e.person_id AND q.email = e.identity"
    " UNION ALL SELECT 1 FROM person_alias a WHERE a.person_id = e.person_id"
    " AND a.kind = 'email' AND a.value = e.identity))"
)


def counted_join(zoom_evidence: str = "name") -> str:
    """SQL: the join `e` counts (`1` under `name`, so a query on joins alone keeps to its
    covering index)."""
    return EMAIL_EVIDENCE if zoom_evidence == "email" else "1"


def counted(zoom_evidence: str = "name") -> str:
    """SQL: the event `e` counts, under the region's `zoom_evidence` (`email`: a join counts only
    with e-mail evidence)."""
    if zoom_evidence == "email":
        return f"({COUNTED_POST} AND (e.kind <> 'call_join' OR {EMAIL_EVIDENCE}))"
    return COUNTED_POST


@dataclass(frozen=True)
class CountingRule:
    """`counted()` for the status rule's hot per-person seeks (bot/store/status.py): they run in
    the (person, time) index alone, which does not hold an event's list. Only the lists not named
    in the region file that have posts recorded are left out, by name; a seek reads the events'
    rows only for a person and month that has such a post (found in the (source, time, person)
    index), and in the usual case of none it is the plain seek. With `zoom_evidence: email` every
    join's evidence must be read, so every seek reads rows (bench/status_scale.py: a third more)."""

    uncounted: tuple[str, ...]
    zoom_evidence: str

    def params(self) -> dict[str, object]:
        """Its named parameter, `:uncounted`, for the query the seeks are part of."""
        return {"uncounted": json.dumps(self.uncounted)}

    def seek(self, plain: str) -> str:
        """`plain`, a scalar subquery over `participation e` for person `p` in month `months`
        without its closing parenthesis, made to count only what counts."""
        listed = " e.source NOT IN (SELECT value FROM json_each(:uncounted))"
        if self.zoom_evidence == "email":
            lists = f" AND{listed}" if self.uncounted else ""
            return f"{plain}{lists} AND (e.kind <> 'call_join' OR {EMAIL_EVIDENCE}))"
        if not self.uncounted:
            return f"{plain})"
        touched = (
            "EXISTS (SELECT 1 FROM participation u INDEXED BY participation_source"
            " WHERE u.source IN (SELECT value FROM json_each(:uncounted))"
            " AND u.occurred_at >= months.m AND u.occurred_at < months.n"
            " AND u.person_id = p.person_id)"
        )
        return f"CASE WHEN {touched} THEN {plain} AND{listed}) ELSE {plain}) END"


async def counting_rule(conn: aiosqlite.Connection, zoom_evidence: str = "name") -> CountingRule:
    """The rule as the stored lists and the region's `zoom_evidence` make it now."""
    async with conn.execute(
        "SELECT l.list_id FROM mailing_list l WHERE l.known = 0"
        " AND EXISTS (SELECT 1 FROM participation e WHERE e.source = l.list_id)"
    ) as cur:
        uncounted = tuple([row[0] async for row in cur])
    return CountingRule(uncounted, zoom_evidence)


async def person_by_email(
    conn: aiosqlite.Connection, address: str, at: str | None = None
) -> int | None:
    """The person whose address or e-mail alias this is (both stored lower case), a member at
    `at` (ISO time of the post or join; None: now)."""
    async with conn.execute(
        f"SELECT p.person_id FROM person p WHERE p.email = ? AND {MEMBER_AT}"
        " UNION ALL SELECT a.person_id FROM person_alias a JOIN person p USING (person_id)"
        f" WHERE a.kind = 'email' AND a.value = ? AND {MEMBER_AT} LIMIT 1",
        (address, at, address, at),
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


async def has_event(conn: aiosqlite.Connection, source_key: str) -> bool:
    """Whether an event with this key is stored (a held post's copy that was counted)."""
    async with conn.execute(
        "SELECT 1 FROM participation WHERE source_key = ?", (source_key,)
    ) as cur:
        return await cur.fetchone() is not None


async def list_flags(conn: aiosqlite.Connection) -> dict[str, tuple[bool, str | None, str]]:
    """Each stored list's (known, name, kind)."""
    async with conn.execute("SELECT list_id, known, name, kind FROM mailing_list") as cur:
        return {row[0]: (bool(row[1]), row[2], row[3]) async for row in cur}


_COLUMNS = (
    "source_key, kind, source, occurred_at, identity_kind, identity, shown_as, person_id,"
    " duration_s, received_at"
)
# The person is found in the INSERT itself: by address for e-mail identities, by alias for names;
# someone removed from the roster only for what they did before (MEMBER_AT).
_ROW = (
    "(?, ?, ?, ?, ?, ?, ?, coalesce(?,"
    f" (SELECT p.person_id FROM person p WHERE ? = 'email' AND p.email = ? AND {MEMBER_AT}),"
    " (SELECT a.person_id FROM person_alias a JOIN person p USING (person_id)"
    f"  WHERE a.kind = ? AND a.value = ? AND {MEMBER_AT})), ?, ?)"
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
        e.occurred_at,
        e.identity_kind,
        e.identity,
        e.occurred_at,
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
    """Give past events of senders now in the roster (a new address or alias) to their person;
    not those a removed person made on or after the day of their removal (issue 19.5). Call joins
    are also tried by display name, as live joins are (bot/domain/attribution.py: a name alone
    that is one person's no longer suffices when it is a first name alone). A roster import calls
    this after replacing people's aliases: the aliases `unmatched assign` added are put back
    first. Returns how many events were attributed."""
    await unmatched_store.restore_assigned_aliases(conn)
    before = await _unmatched_count(conn)
    member = "(p.removed_on IS NULL OR p.removed_on > substr(participation.occurred_at, 1, 10))"
    await conn.execute(
        "UPDATE participation SET person_id = coalesce("
        "  (SELECT p.person_id FROM person p WHERE participation.identity_kind = 'email'"
        f"     AND p.email = participation.identity AND {member}),"
        "  (SELECT a.person_id FROM person_alias a JOIN person p USING (person_id)"
        "     WHERE a.kind = participation.identity_kind"
        f"     AND a.value = participation.identity AND {member}))"
        " WHERE person_id IS NULL"
    )
    await unmatched_store.attribute_by_name(conn)
    return before - await _unmatched_count(conn)


async def _unmatched_count(conn: aiosqlite.Connection) -> int:
    async with conn.execute("SELECT count(*) FROM participation WHERE person_id IS NULL") as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def events(conn: aiosqlite.Connection, als_id: str | None = None) -> list[LoggedEvent]:
    """The matched log in time order (PRODUCT.md shape), optionally for one ALS.

    With it, the ALS-level participation the Secretariat recorded and has not removed: no person,
    source `secretariat` (`participation add`) or `meeting:ID` (`meetings held`), its note and
    `activity_id` (what `participation remove` takes; null for the bot's own events).
    """
    return [_logged(row) for row in await _log_rows(conn, als_id, None)]


async def counted_events(
    conn: aiosqlite.Connection, als_id: str | None = None, zoom_evidence: str = "name"
) -> list[CountedEvent]:
    """The same log, each line with its evidence and whether it counts under the region's
    `zoom_evidence` (issue 20, point 5)."""
    return [
        CountedEvent(**_logged(row), evidence=row[8], counts=bool(row[9]))
        for row in await _log_rows(conn, als_id, zoom_evidence)
    ]


async def _log_rows(
    conn: aiosqlite.Connection, als_id: str | None, zoom_evidence: str | None
) -> list[Row]:
    """The log's rows; their evidence and counts only when `zoom_evidence` is given."""
    detail = (
        f"CASE WHEN {EMAIL_EVIDENCE} THEN 'email' ELSE 'name' END AS evidence,"
        f" {counted(zoom_evidence)} AS counts"
        if zoom_evidence
        else "NULL AS evidence, 1 AS counts"
    )
    only = " AND p.als_id = :als" if als_id else ""
    only_activity = " AND a.als_id = :als" if als_id else ""
    sql = (
        "SELECT als_id, person, kind, source, occurred_at, activity_id, note, duration_min,"
        " evidence, counts FROM ("
        " SELECT p.als_id, p.name AS person, e.kind, e.source, e.occurred_at,"
        "  NULL AS activity_id, NULL AS note, 0 AS part, e.event_id AS n,"
        "  CAST(round(e.duration_s / 60.0) AS INTEGER) AS duration_min,"
        f"  {detail}"
        f" FROM participation e JOIN person p ON p.person_id = e.person_id WHERE 1{only}"
        " UNION ALL"
        " SELECT a.als_id, NULL, a.kind,"
        "  CASE WHEN a.meeting_id IS NULL THEN 'secretariat' ELSE 'meeting:' || a.meeting_id END,"
        "  a.occurred_at, a.activity_id, a.note, 1, a.activity_id, NULL, NULL, 1"
        f" FROM als_activity a WHERE a.removed_at IS NULL{only_activity}"
        ") ORDER BY occurred_at, part, n"
    )
    return list(await conn.execute_fetchall(sql, {"als": als_id}))


def _logged(row: Row) -> LoggedEvent:
    return LoggedEvent(
        als_id=row[0],
        person=row[1],
        kind=row[2],
        source=row[3],
        occurred_at=row[4],
        activity_id=row[5],
        note=row[6],
        duration_min=row[7],
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
        " (SELECT count(*) FROM participation e WHERE e.source = l.list_id) AS posts,"
        " (SELECT count(*) FROM held_post h WHERE h.source = l.list_id AND h.state = 'held')"
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
                held=row[6],
            )
            async for row in cur
        ]
