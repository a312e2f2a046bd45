"""The unmatched queue (issue 19, point 4): names and addresses not attributed yet, grouped by key;
the keys dismissed and the aliases assigned by the Secretariat (migration 0016); and the roster as
attribution reads it (bot/domain/attribution.py), indexed once and kept while the roster does not
change.

A *key* is `participation.identity` as stored: a normalised display name or a lower-case address.
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

import aiosqlite

from bot.domain.attribution import RosterIndex, RosterPerson, attribute

Key = tuple[str, str]  # (identity_kind, identity)


@dataclass(frozen=True, kw_only=True)
class QueuedKey:
    """One name or address in the queue, with how many events wait under it and its latest."""

    identity_kind: str  # email | name
    key: str
    count: int
    first_at: str
    last_at: str
    # The latest event under the key:
    shown_as: str | None  # how it showed the name
    kind: str  # list_post, call_join...
    source: str  # List-Id or Zoom meeting number


@dataclass(frozen=True, kw_only=True)
class Assignment:
    kind: str
    key: str
    person_id: int
    assigned_at: str
    assigned_by: str


@dataclass(frozen=True, kw_only=True)
class Released:
    """An event given back to the queue, with what attribution needs to try it again."""

    event_id: int
    kind: str  # list_post, call_join...
    identity_kind: str
    identity: str
    shown_as: str | None
    occurred_at: str


# --- The roster as attribution reads it ---------------------------------------------------------

# Changes when a person, an alias or an ALS is added, removed or renamed (every roster write sets
# updated_at; alias replacement changes the count or the rowids and lengths): one cheap query per
# join instead of reading the whole roster each time.
_FINGERPRINT = (
    "SELECT (SELECT count(*) || ':' || coalesce(max(updated_at), '') || ':' || total(person_id)"
    "        FROM person),"
    " (SELECT count(*) || ':' || total(rowid) || ':' || total(length(value)) FROM person_alias"
    "  WHERE kind = 'name'),"
    " (SELECT count(*) || ':' || coalesce(max(updated_at), '') FROM als)"
)
_indexes: WeakKeyDictionary[aiosqlite.Connection, tuple[tuple[str, ...], RosterIndex]] = (
    WeakKeyDictionary()
)


async def roster_index(conn: aiosqlite.Connection) -> RosterIndex:
    """The roster indexed for attribution, built again only when the roster changed."""
    async with conn.execute(_FINGERPRINT) as cur:
        row = await cur.fetchone()
    fingerprint = tuple(str(v) for v in row) if row else ()
    cached = _indexes.get(conn)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    index = RosterIndex(await roster_people(conn))
    _indexes[conn] = (fingerprint, index)
    return index


async def roster_people(conn: aiosqlite.Connection) -> list[RosterPerson]:
    """Everyone, removed people too (they match what they did before their removal)."""
    aliases: dict[int, list[str]] = {}
    async with conn.execute(
        "SELECT person_id, shown FROM person_alias WHERE kind = 'name' ORDER BY rowid"
    ) as cur:
        async for person_id, shown in cur:
            aliases.setdefault(int(person_id), []).append(str(shown))
    async with conn.execute(
        "SELECT p.person_id, p.name, p.email, p.als_id, a.name, p.removed_on"
        " FROM person p LEFT JOIN als a USING (als_id) ORDER BY p.person_id"
    ) as cur:
        return [
            RosterPerson(
                person_id=int(pid),
                name=name,
                als_id=als_id,
                als_name=als_name,
                aliases=tuple(aliases.get(int(pid), ())),
                email=email,
                removed_on=removed_on,
            )
            async for pid, name, email, als_id, als_name, removed_on in cur
        ]


async def attribute_by_name(conn: aiosqlite.Connection) -> int:
    """Give waiting call joins to the person their display name stands for (on the day of the
    join), as a live join would be; list posts match by address only. Returns how many."""
    index = await roster_index(conn)
    found: list[tuple[int, int]] = []
    async with conn.execute(
        "SELECT event_id, coalesce(shown_as, identity), substr(occurred_at, 1, 10)"
        " FROM participation WHERE person_id IS NULL"
        " AND (identity_kind = 'name' OR (kind = 'call_join' AND shown_as IS NOT NULL))"
    ) as cur:
        async for event_id, display, day in cur:
            person_id = attribute(display, index, on=day).person_id
            if person_id is not None:
                found.append((person_id, int(event_id)))
    await conn.executemany(
        "UPDATE participation SET person_id = ? WHERE event_id = ? AND person_id IS NULL", found
    )
    return len(found)


# --- The queue --------------------------------------------------------------------------------


async def queue(conn: aiosqlite.Connection, dismissed: bool = False) -> list[QueuedKey]:
    """The keys with events waiting, most events first; the dismissed ones when asked instead."""
    hidden = "" if dismissed else "NOT "
    sql = (
        "SELECT identity_kind, identity, n, first, occurred_at, shown_as, kind, source FROM ("
        " SELECT e.*, count(*) OVER key AS n, min(e.occurred_at) OVER key AS first,"
        "  row_number() OVER (key ORDER BY e.occurred_at DESC, e.event_id DESC) AS latest"
        " FROM participation e WHERE e.person_id IS NULL"
        f" AND {hidden}EXISTS (SELECT 1 FROM unmatched_dismissed d"
        "   WHERE d.identity_kind = e.identity_kind AND d.identity = e.identity)"
        " WINDOW key AS (PARTITION BY e.identity_kind, e.identity)"
        ") WHERE latest = 1 ORDER BY n DESC, identity"
    )
    async with conn.execute(sql) as cur:
        return [
            QueuedKey(
                identity_kind=row[0],
                key=row[1],
                count=int(row[2]),
                first_at=row[3],
                last_at=row[4],
                shown_as=row[5],
                kind=row[6],
                source=row[7],
            )
            async for row in cur
        ]


async def waiting(conn: aiosqlite.Connection, key: str) -> list[Key]:
    """The kinds under which events with this key wait (e-mail first)."""
    async with conn.execute(
        "SELECT DISTINCT identity_kind FROM participation WHERE person_id IS NULL"
        " AND identity_kind IN ('email', 'name') AND identity = ? ORDER BY identity_kind",
        (key,),
    ) as cur:
        return [(str(kind), key) async for (kind,) in cur]


async def give(conn: aiosqlite.Connection, key: Key, person_id: int) -> int:
    """Attribute every waiting event of this key to the person (those before their removal, if
    they were removed). Returns how many."""
    cur = await conn.execute(
        "UPDATE participation SET person_id = ?1 WHERE person_id IS NULL"
        " AND identity_kind = ?2 AND identity = ?3 AND (SELECT removed_on IS NULL"
        "   OR removed_on > substr(participation.occurred_at, 1, 10) FROM person"
        "   WHERE person_id = ?1)",
        (person_id, key[0], key[1]),
    )
    return max(cur.rowcount, 0)


async def take_back(conn: aiosqlite.Connection, key: Key, person_id: int) -> list[Released]:
    """Return the events of this key attributed to the person to the queue."""
    async with conn.execute(
        "UPDATE participation SET person_id = NULL WHERE identity_kind = ? AND identity = ?"
        " AND person_id = ? RETURNING event_id, kind, identity_kind, identity, shown_as,"
        " occurred_at",
        (key[0], key[1], person_id),
    ) as cur:
        return [
            Released(
                event_id=int(row[0]),
                kind=row[1],
                identity_kind=row[2],
                identity=row[3],
                shown_as=row[4],
                occurred_at=row[5],
            )
            async for row in cur
        ]


async def set_people(conn: aiosqlite.Connection, found: list[tuple[int, int]]) -> None:
    """(person_id, event_id) pairs: events given back and attributed again another way."""
    await conn.executemany("UPDATE participation SET person_id = ? WHERE event_id = ?", found)


# --- Dismissed keys ---------------------------------------------------------------------------


async def is_dismissed(conn: aiosqlite.Connection, key: Key) -> bool:
    async with conn.execute(
        "SELECT 1 FROM unmatched_dismissed WHERE identity_kind = ? AND identity = ?", key
    ) as cur:
        return await cur.fetchone() is not None


async def dismiss(conn: aiosqlite.Connection, key: Key, now: str, actor: str) -> None:
    await conn.execute(
        "INSERT INTO unmatched_dismissed (identity_kind, identity, dismissed_at, dismissed_by)"
        " VALUES (?, ?, ?, ?)",
        (*key, now, actor),
    )


async def undismiss(conn: aiosqlite.Connection, key: Key) -> bool:
    cur = await conn.execute(
        "DELETE FROM unmatched_dismissed WHERE identity_kind = ? AND identity = ?", key
    )
    return cur.rowcount > 0


async def dismissed_keys(conn: aiosqlite.Connection) -> list[Key]:
    async with conn.execute(
        "SELECT identity_kind, identity FROM unmatched_dismissed ORDER BY identity"
    ) as cur:
        return [(str(kind), str(key)) async for kind, key in cur]


# --- Assigned aliases -------------------------------------------------------------------------


async def alias_owner(conn: aiosqlite.Connection, key: Key) -> int | None:
    """Whose alias (or, for an address, whose own address) this key already is."""
    async with conn.execute(
        "SELECT person_id FROM person_alias WHERE kind = ?1 AND value = ?2"
        " UNION ALL SELECT person_id FROM person WHERE ?1 = 'email' AND email = ?2 LIMIT 1",
        key,
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else None


async def assignment(conn: aiosqlite.Connection, key: Key) -> Assignment | None:
    async with conn.execute(
        "SELECT person_id, assigned_at, assigned_by FROM unmatched_assignment"
        " WHERE identity_kind = ? AND identity = ?",
        key,
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return Assignment(
        kind=key[0], key=key[1], person_id=int(row[0]), assigned_at=row[1], assigned_by=row[2]
    )


async def assigned_keys(conn: aiosqlite.Connection) -> list[Key]:
    async with conn.execute(
        "SELECT identity_kind, identity FROM unmatched_assignment ORDER BY identity"
    ) as cur:
        return [(str(kind), str(key)) async for kind, key in cur]


async def assigned_to(conn: aiosqlite.Connection, person_id: int) -> set[Key]:
    """The keys `unmatched assign` made this person's aliases. A roster import compares the file
    with the person's aliases leaving these out, since it puts them back itself
    (`restore_assigned_aliases`): else every import would count that person as updated."""
    async with conn.execute(
        "SELECT identity_kind, identity FROM unmatched_assignment WHERE person_id = ?",
        (person_id,),
    ) as cur:
        return {(str(kind), str(key)) async for kind, key in cur}


async def assign(
    conn: aiosqlite.Connection, key: Key, person_id: int, shown: str, now: str, actor: str
) -> None:
    """The key becomes the person's alias, remembered as assigned."""
    await conn.execute(
        "INSERT INTO unmatched_assignment (identity_kind, identity, person_id, shown,"
        " assigned_at, assigned_by) VALUES (?, ?, ?, ?, ?, ?)",
        (*key, person_id, shown, now, actor),
    )
    await conn.execute(
        "INSERT INTO person_alias (person_id, kind, value, shown) VALUES (?, ?, ?, ?)",
        (person_id, *key, shown),
    )


async def unassign(conn: aiosqlite.Connection, key: Key, person_id: int) -> None:
    """Forget the assignment and the alias it added (if the person still has it)."""
    await conn.execute(
        "DELETE FROM unmatched_assignment WHERE identity_kind = ? AND identity = ?", key
    )
    await conn.execute(
        "DELETE FROM person_alias WHERE kind = ? AND value = ? AND person_id = ?",
        (*key, person_id),
    )


async def restore_assigned_aliases(conn: aiosqlite.Connection) -> None:
    """A roster import replaces each person's aliases with the file's; the ones the Secretariat
    assigned are put back (unless the file now gives that alias to someone: the file wins)."""
    await conn.execute(
        "INSERT OR IGNORE INTO person_alias (person_id, kind, value, shown)"
        " SELECT person_id, identity_kind, identity, shown FROM unmatched_assignment"
    )
