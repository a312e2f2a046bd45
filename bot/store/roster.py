"""The roster tables: ALSs, people and their aliases.

Languages (issue 18, migration 0015): `person.language` is the person's (the roster's, or their
own choice, `language_chosen_at` set), `person.roster_language` what the last import said for
them, `als.language` the one its representatives share (bot/domain/languages.py).

Removal (issue 19, migration 0017): `als.removed_on` and `person.removed_on`, the first day they
are no longer members; the rows stay, so history keeps pointing at them. The readers that ask who
is a member now (`member_by`, `people_by_als`, `person_languages`, `list_als(current=True)`)
leave removed ones out; those that ask about a day (`list_als(member_on=...)`, the matching of
posts in bot/store/participation.py) compare that day; the rest (names in reports of the past)
read every row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from sqlite3 import Row
from typing import TypedDict

import aiosqlite

from bot.domain.identity import normalise_name
from bot.domain.roster import SECRETARIAT, AlsRecord, KnownRoster, PersonRecord


@dataclass(frozen=True)
class StoredPerson:
    person_id: int
    record: PersonRecord
    als_id: str | None
    removed_on: date | None = None  # not a member from that day on (issue 19, point 5)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


async def known_roster(conn: aiosqlite.Connection) -> KnownRoster:
    known = KnownRoster()
    async with conn.execute("SELECT email, als_id, role, slack_id, removed_on FROM person") as cur:
        async for email, als_id, role, slack_id, removed_on in cur:
            known.person_als[email] = als_id
            known.person_role[email] = role
            if slack_id:
                known.slack_owner[slack_id] = email
            if removed_on:
                known.removed_person[email] = date.fromisoformat(removed_on)
    known.removed_als = await removed_als(conn)
    async with conn.execute(
        "SELECT a.kind, a.value, p.email FROM person_alias a JOIN person p USING (person_id)"
    ) as cur:
        async for kind, value, email in cur:
            known.alias_owner[(kind, value)] = email
    return known


async def get_als(conn: aiosqlite.Connection, als_id: str) -> AlsRecord | None:
    async with conn.execute(
        "SELECT als_id, name, country, subregion, accredited_on, language FROM als"
        " WHERE als_id = ?",
        (als_id,),
    ) as cur:
        row = await cur.fetchone()
    return _als(row) if row else None


def _als(row: Row) -> AlsRecord:
    return AlsRecord(
        als_id=row[0],
        name=row[1],
        country=row[2],
        subregion=row[3],
        accredited_on=date.fromisoformat(row[4]) if row[4] else None,
        language=row[5],
    )


async def list_als(
    conn: aiosqlite.Connection, *, member_on: date | None = None, current: bool = False
) -> list[AlsRecord]:
    """Every ALS, removed ones included (names in reports of the past); with `member_on`, those
    that were members on that day (not removed yet); with `current`, those not removed."""
    day = member_on.isoformat() if member_on else None
    async with conn.execute(
        "SELECT als_id, name, country, subregion, accredited_on, language FROM als"
        " WHERE (:day IS NULL OR removed_on IS NULL OR removed_on > :day)"
        " AND (NOT :current OR removed_on IS NULL) ORDER BY subregion, country, name",
        {"day": day, "current": current},
    ) as cur:
        return [_als(row) async for row in cur]


async def removed_als(conn: aiosqlite.Connection) -> dict[str, date]:
    """ALS id -> the day it was removed from the roster, for those removed."""
    async with conn.execute("SELECT als_id, removed_on FROM als WHERE removed_on IS NOT NULL") as c:
        return {str(als_id): date.fromisoformat(on) async for als_id, on in c}


async def als_removed_on(conn: aiosqlite.Connection, als_id: str) -> date | None:
    """The day the ALS was removed from the roster; None: it was not (or it is unknown)."""
    async with conn.execute("SELECT removed_on FROM als WHERE als_id = ?", (als_id,)) as cur:
        row = await cur.fetchone()
    return _day(row[0]) if row else None


async def remove_als(conn: aiosqlite.Connection, als_id: str, on: date, now: str) -> list[str]:
    """Mark the ALS and its people not yet removed removed from `on`; their e-mail addresses."""
    day = on.isoformat()
    await conn.execute(
        "UPDATE als SET removed_on = ?, updated_at = ? WHERE als_id = ? AND removed_on IS NULL",
        (day, now, als_id),
    )
    async with conn.execute(
        "UPDATE person SET removed_on = ?, updated_at = ? WHERE als_id = ? AND removed_on IS NULL"
        " RETURNING email",
        (day, now, als_id),
    ) as cur:
        return sorted([str(row[0]) async for row in cur])


async def remove_person(conn: aiosqlite.Connection, email: str, on: date, now: str) -> bool:
    """Mark the person removed from `on`; whether they were not removed before."""
    cur = await conn.execute(
        "UPDATE person SET removed_on = ?, updated_at = ? WHERE email = ? AND removed_on IS NULL",
        (on.isoformat(), now, email),
    )
    return cur.rowcount > 0


async def restore(conn: aiosqlite.Connection, table: str, key: str, now: str) -> None:
    """Make a removed ALS (`table` 'als', key its id) or person ('person', their e-mail) a member
    again: a row of `roster import --include-removed` names them."""
    column = {"als": "als_id", "person": "email"}[table]
    await conn.execute(
        f"UPDATE {table} SET removed_on = NULL, updated_at = ? WHERE {column} = ?",  # noqa: S608 - fixed names
        (now, key),
    )


async def detach_participation(conn: aiosqlite.Connection, emails: list[str], on: date) -> int:
    """Put the posts and joins the removed people made on `on` or later (a back-dated removal)
    back in the unmatched queue: from that day on they speak for no ALS. Returns how many."""
    cur = await conn.executemany(
        "UPDATE participation SET person_id = NULL WHERE occurred_at >= ?"
        " AND person_id = (SELECT person_id FROM person WHERE email = ?)",
        [(on.isoformat(), email) for email in emails],
    )
    return max(cur.rowcount, 0)


async def upsert_als(conn: aiosqlite.Connection, als: AlsRecord, now: str) -> None:
    await conn.execute(
        "INSERT INTO als (als_id, name, country, subregion, accredited_on, language, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (als_id) DO UPDATE SET name = excluded.name,"
        " country = excluded.country, subregion = excluded.subregion,"
        " accredited_on = excluded.accredited_on, language = excluded.language,"
        " updated_at = excluded.updated_at",
        (
            als.als_id,
            als.name,
            als.country,
            als.subregion,
            als.accredited_on.isoformat() if als.accredited_on else None,
            als.language,
            now,
        ),
    )


async def get_person(conn: aiosqlite.Connection, email: str) -> StoredPerson | None:
    async with conn.execute(
        "SELECT person_id, email, name, role, slack_id, nationality, als_id, roster_language,"
        " removed_on FROM person WHERE email = ?",
        (email,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    emails, names = await _aliases(conn, int(row[0]))
    record = PersonRecord(
        email=row[1],
        name=row[2],
        role=row[3],
        slack_id=row[4],
        nationality=row[5],
        email_aliases=emails,
        name_aliases=names,
        language=row[7],
    )
    return StoredPerson(
        person_id=int(row[0]), record=record, als_id=row[6], removed_on=_day(row[8])
    )


async def _aliases(
    conn: aiosqlite.Connection, person_id: int
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    emails: list[str] = []
    names: list[str] = []
    async with conn.execute(
        "SELECT kind, shown FROM person_alias WHERE person_id = ? ORDER BY rowid", (person_id,)
    ) as cur:
        async for kind, shown in cur:
            (emails if kind == "email" else names).append(shown)
    return tuple(emails), tuple(names)


async def upsert_person(
    conn: aiosqlite.Connection, p: PersonRecord, als_id: str | None, now: str
) -> int:
    """Insert or update one person and replace their aliases; return the person id.

    `p.language` is the roster's `language` column for them. Their own choice (made with
    `/lacralo language`) survives an import that leaves that column as the last import had it,
    and gives way to one that changes it (issue 18). Every right-hand side below reads the row
    as it was before this statement."""
    async with conn.execute(
        "INSERT INTO person (email, name, name_key, als_id, role, slack_id, nationality,"
        " roster_language, language, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (email) DO UPDATE SET"
        " name = excluded.name, name_key = excluded.name_key,"
        " als_id = excluded.als_id, role = excluded.role, slack_id = excluded.slack_id,"
        " nationality = excluded.nationality, updated_at = excluded.updated_at,"
        " language = CASE WHEN person.language_chosen_at IS NOT NULL"
        "   AND person.roster_language IS excluded.roster_language"
        "   THEN person.language ELSE excluded.roster_language END,"
        " language_chosen_at = CASE WHEN person.roster_language IS excluded.roster_language"
        "   THEN person.language_chosen_at END,"
        " roster_language = excluded.roster_language"
        " RETURNING person_id",
        (
            p.email,
            p.name,
            normalise_name(p.name),
            als_id,
            p.role,
            p.slack_id,
            p.nationality,
            p.language,
            p.language,
            now,
        ),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    person_id = int(row[0])
    await conn.execute("DELETE FROM person_alias WHERE person_id = ?", (person_id,))
    aliases = [("email", e, e) for e in p.email_aliases] + [
        ("name", normalise_name(n), n) for n in p.name_aliases
    ]
    await conn.executemany(
        "INSERT INTO person_alias (person_id, kind, value, shown) VALUES (?, ?, ?, ?)",
        [(person_id, kind, value, shown) for kind, value, shown in aliases],
    )
    return person_id


class ExportedPerson(TypedDict):
    """A person as `roster export` writes them (JSON, or flattened back into the import CSV)."""

    name: str
    email: str
    role: str
    slack_id: str | None
    nationality: str | None
    aliases: list[str]  # e-mail aliases first, then name aliases
    language: str | None  # the roster's `language` column for them (what an import reads back)
    chosen_language: str | None  # their own choice (`/lacralo language`), which comes first
    removed_on: str | None  # YYYY-MM-DD; only `roster export --include-removed` lists them


class ExportedAls(TypedDict):
    """An ALS with its people; for the people without an ALS, every ALS field is None."""

    als_id: str | None
    als_name: str | None
    country: str | None
    subregion: str | None
    accredited_on: str | None
    language: str | None  # the language its representatives share (bot/domain/languages.py)
    people: list[ExportedPerson]
    removed_on: str | None  # YYYY-MM-DD; only `roster export --include-removed` lists them


def _exported_als(als: AlsRecord | None, removed: dict[str, str] | None = None) -> ExportedAls:
    return ExportedAls(
        als_id=als.als_id if als else None,
        als_name=als.name if als else None,
        country=als.country if als else None,
        subregion=als.subregion if als else None,
        accredited_on=als.accredited_on.isoformat() if als and als.accredited_on else None,
        language=als.language if als else None,
        people=[],
        removed_on=(removed or {}).get(als.als_id) if als else None,
    )


async def export_rows(
    conn: aiosqlite.Connection, include_removed: bool = False
) -> list[ExportedAls]:
    """Every ALS with its people, and the people without an ALS last (als_id None); removed
    ALSs and people only when asked (issue 19, point 5)."""
    removed = {als_id: on.isoformat() for als_id, on in (await removed_als(conn)).items()}
    out: dict[str | None, ExportedAls] = {
        als.als_id: _exported_als(als, removed)
        for als in await list_als(conn, current=not include_removed)
    }
    async with conn.execute(
        "SELECT person_id, als_id, name, email, role, slack_id, nationality, roster_language,"
        " CASE WHEN language_chosen_at IS NOT NULL THEN language END, removed_on FROM person"
        " WHERE ? OR removed_on IS NULL ORDER BY als_id IS NULL, als_id, role, name",
        (include_removed,),
    ) as cur:
        people = await cur.fetchall()
    for row in people:
        emails, names = await _aliases(conn, int(row[0]))
        entry = out.setdefault(row[1], _exported_als(None))
        entry["people"].append(
            ExportedPerson(
                name=row[2],
                email=row[3],
                role=row[4],
                slack_id=row[5],
                nationality=row[6],
                aliases=list(emails) + list(names),
                language=row[7],
                chosen_language=row[8],
                removed_on=row[9],
            )
        )
    return list(out.values())


@dataclass(frozen=True, kw_only=True)
class Member:
    """Who is speaking to the bot, as the command handlers need it."""

    person_id: int
    name: str
    email: str
    role: str
    als_id: str | None
    language: str | None  # the person's own choice (`/lacralo language es`)
    als_language: str | None  # the one its representatives share
    roster_language: str | None = None  # the roster's `language` column for them


async def member_by(conn: aiosqlite.Connection, column: str, value: str) -> Member | None:
    """The person with this Slack id or e-mail address (column: 'slack_id' or 'email')."""
    assert column in ("slack_id", "email")
    async with conn.execute(
        "SELECT p.person_id, p.name, p.email, p.role, p.als_id,"
        " CASE WHEN p.language_chosen_at IS NOT NULL THEN p.language END, a.language,"
        " p.roster_language"
        f" FROM person p LEFT JOIN als a USING (als_id) WHERE p.{column} = ?"
        # A removed person speaks for no one any more (issue 19, point 5).
        " AND p.removed_on IS NULL",
        (value,),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return Member(
        person_id=int(row[0]),
        name=row[1],
        email=row[2],
        role=row[3],
        als_id=row[4],
        language=row[5],
        als_language=row[6],
        roster_language=row[7],
    )


async def set_language(conn: aiosqlite.Connection, person_id: int, language: str, now: str) -> None:
    """The person's own choice: it comes before the roster's until an import changes theirs."""
    await conn.execute(
        "UPDATE person SET language = ?, language_chosen_at = ? WHERE person_id = ?",
        (language, now, person_id),
    )


@dataclass(frozen=True, kw_only=True)
class PersonLanguages:
    """A person's languages as stored, for bot/domain/languages.py to resolve."""

    email: str
    als_id: str | None
    role: str
    language: str | None  # their own choice, when they made one
    roster_language: str | None
    als_language: str | None


async def person_languages(conn: aiosqlite.Connection) -> list[PersonLanguages]:
    """Everyone's languages (people not removed), ordered by e-mail address."""
    async with conn.execute(
        "SELECT p.email, p.als_id, p.role,"
        " CASE WHEN p.language_chosen_at IS NOT NULL THEN p.language END, p.roster_language,"
        " a.language FROM person p LEFT JOIN als a USING (als_id) WHERE p.removed_on IS NULL"
        " ORDER BY p.email"
    ) as cur:
        return [
            PersonLanguages(
                email=email,
                als_id=als_id,
                role=role,
                language=chosen,
                roster_language=roster,
                als_language=als_language,
            )
            async for email, als_id, role, chosen, roster, als_language in cur
        ]


async def set_als_language(conn: aiosqlite.Connection, als_id: str, language: str) -> bool:
    """Store the ALS's derived language; whether it changed."""
    cur = await conn.execute(
        "UPDATE als SET language = ? WHERE als_id = ? AND language IS NOT ?",
        (language, als_id, language),
    )
    return cur.rowcount > 0


Contact = tuple[str, str, str | None]  # (email, role, slack_id)


async def people_by_als(conn: aiosqlite.Connection) -> dict[str | None, list[Contact]]:
    """Everyone's contact, grouped by ALS (None: people without one, such as staff); removed
    people are told nothing and act for no one (issue 19, point 5)."""
    found: dict[str | None, list[Contact]] = {}
    async with conn.execute(
        "SELECT als_id, email, role, slack_id FROM person WHERE removed_on IS NULL ORDER BY email"
    ) as cur:
        async for als_id, email, role, slack_id in cur:
            found.setdefault(als_id, []).append((email, role, slack_id))
    return found


async def member_by_address(conn: aiosqlite.Connection, address: str) -> Member | None:
    """The person whose address or e-mail alias this is (not a removed one)."""
    found = await member_by(conn, "email", address)
    if found is not None:
        return found
    async with conn.execute(
        "SELECT p.email FROM person_alias a JOIN person p USING (person_id)"
        " WHERE a.kind = 'email' AND a.value = ?",
        (address,),
    ) as cur:
        row = await cur.fetchone()
    return await member_by(conn, "email", row[0]) if row else None


def representatives(
    people: dict[str | None, list[Contact]], als_id: str | None
) -> list[tuple[str, str | None]]:
    """(e-mail, Slack id) of an ALS's representatives: only they act and are told for it."""
    return [(e, s) for e, role, s in people.get(als_id, []) if role == "representative"]


def secretariat(people: dict[str | None, list[Contact]]) -> list[tuple[str, str | None]]:
    """(e-mail, Slack id) of the Secretariat: chair, secretary and staff."""
    return [(e, s) for group in people.values() for e, role, s in group if role in SECRETARIAT]
