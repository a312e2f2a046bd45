"""Working the unmatched queue (issue 19, point 4): what waits and whom it may be, assigning a name
or address to a person (an alias, and every past event of it attributed), dismissing what is
nobody's (interpreters, guests, staff), and undoing either. Every change is audited.

Each event is participation of the person's ALS (Rules of Procedure, auxiliary rule to Rule 1,
seed 003), so an assignment can change an ALS's status; the status is judged from the log, and
the log changes here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

import aiosqlite

from bot.deps import iso
from bot.domain.attribution import RosterIndex, attribute
from bot.domain.errors import RuleViolation
from bot.domain.identity import normalise_email, normalise_name
from bot.domain.reasons import Reason
from bot.store import audit_log
from bot.store import participation as participation_store
from bot.store import roster as roster_store
from bot.store import unmatched as store
from bot.store.transaction import transaction
from bot.store.unmatched import Key

CLOSEST = 3  # keys suggested when the one given is not listed


class CandidateRow(TypedDict):
    """A person the Secretariat may mean, with the ALS id to discover it by."""

    name: str
    email: str
    als_id: str | None
    als_name: str | None


class QueueEntry(TypedDict):
    """One name or address in the queue (JSON: `key`, `count`, `candidates`, and more)."""

    key: str
    count: int
    candidates: list[CandidateRow]
    identity_kind: str  # email | name
    shown_as: str | None
    # unknown, ambiguous, conflict, partial (bot/domain/attribution.py); for an address,
    # address (not in the roster) or address_named (its name is a roster person's)
    why: str
    first_at: str
    last_at: str
    # What `participation --unmatched` showed when it listed one row per event, of the latest
    # event (kept for the scripts that read it): the key, the name shown, its kind, source, time.
    address: str
    name: str | None
    kind: str
    source: str
    occurred_at: str


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    als_id: str | None


@dataclass(frozen=True)
class Assigned:
    key: str
    person: Person
    events: int  # the key's events now attributed
    others: int  # other waiting events the new alias also decided
    was_dismissed: bool


@dataclass(frozen=True)
class Unchanged:
    """The same answer given again (an assignment to the same person, a second dismissal...):
    nothing to do, said rather than refused, as `meetings cancel` twice is; nothing audited."""

    reason: Reason


@dataclass(frozen=True)
class Unassigned:
    key: str
    person: Person
    returned: int  # events back in the queue
    kept: int  # events attributed again another way (their address, their name)


async def listing(conn: aiosqlite.Connection, dismissed: bool = False) -> list[QueueEntry]:
    """The queue, most events first, each key with the people it may stand for."""
    index = await store.roster_index(conn)
    return [_entry(row, index) for row in await store.queue(conn, dismissed)]


# What a name that fits one roster person says of an address: mail is attributed by address
# only, so the Secretariat is told the name is a person's, not that the address "fits" them.
_NAME_FITS = frozenset({"alias", "name", "als"})


def _entry(row: store.QueuedKey, index: RosterIndex) -> QueueEntry:
    if row.identity_kind == "name":
        found = attribute(row.shown_as or row.key, index, explain=True)
        why, ids = found.why.value, found.candidates
    else:  # an address: its name, or else its local part, suggests whose it may be
        found = attribute(row.shown_as or row.key.split("@")[0], index, explain=True)
        named = row.shown_as is not None and found.why.value in _NAME_FITS
        why, ids = ("address_named" if named else "address"), found.candidates
    return QueueEntry(
        key=row.key,
        count=row.count,
        candidates=[_candidate(index, pid) for pid in ids],
        identity_kind=row.identity_kind,
        shown_as=row.shown_as,
        why=why,
        first_at=row.first_at,
        last_at=row.last_at,
        address=row.key,
        name=row.shown_as,
        kind=row.kind,
        source=row.source,
        occurred_at=row.last_at,
    )


def _candidate(index: RosterIndex, person_id: int) -> CandidateRow:
    p = index.people[person_id]
    return CandidateRow(name=p.name, email=p.email, als_id=p.als_id, als_name=p.als_name)


async def assign(
    conn: aiosqlite.Connection, text: str, email: str, now: datetime, actor: str
) -> Assigned | Unchanged:
    """KEY becomes the person's alias; its past events (and any other the alias now decides)
    are attributed. Refused: a key not waiting, one already assigned to someone else, an
    unknown address. Assigned to that person already: unchanged."""
    async with transaction(conn):
        done = await _assignment(conn, text)
        if done is not None:
            who = await _person(conn, done.person_id)
            if who.email == normalise_email(email):
                params = {"listed": done.key, "person": who.name, "email": who.email}
                return Unchanged(Reason("unmatched.unchanged.assigned", params))
            raise RuleViolation(
                Reason("unmatched.refused.assigned", {"listed": done.key, "person": who.email})
            )
        key = await _waiting(conn, text)
        owner = await store.alias_owner(conn, key)
        if owner is not None:
            who = await _person(conn, owner)
            raise RuleViolation(
                Reason("unmatched.refused.alias", {"listed": key[1], "person": who.email})
            )
        member = await roster_store.member_by_address(conn, normalise_email(email))
        if member is None:
            raise RuleViolation(Reason("unmatched.refused.unknown_email", {"email": email}))
        shown = await _shown(conn, key)
        was_dismissed = await store.undismiss(conn, key)
        await store.assign(conn, key, member.person_id, shown, iso(now), actor)
        events = await store.give(conn, key, member.person_id)
        others = await store.attribute_by_name(conn)
        data = {
            "kind": key[0],
            "person": member.email,
            "als_id": member.als_id,
            "events": events,
            "others": others,
            "was_dismissed": was_dismissed,
        }
        await audit_log.append(conn, iso(now), actor, "unmatched.assign", key[1], data)
    person = Person(member.name, member.email, member.als_id)
    return Assigned(key[1], person, events, others, was_dismissed)


async def unassign(
    conn: aiosqlite.Connection, text: str, now: datetime, actor: str
) -> Unassigned | Unchanged:
    """Undo an assignment: the alias goes, and the events attributed through it go back to the
    queue, unless their address or name still decides them (as a new event would be). A key
    waiting in the queue unassigned (undone already, or never assigned): unchanged."""
    async with transaction(conn):
        done = await _assignment(conn, text)
        if done is None:
            waiting = await _find_waiting(conn, text)
            if waiting is not None:
                return Unchanged(Reason("unmatched.unchanged.not_assigned", {"listed": waiting[1]}))
            choices = [k for _, k in await store.assigned_keys(conn)]
            raise RuleViolation(_unknown("unmatched.refused.not_assigned", text, choices))
        key = (done.kind, done.key)
        who = await _person(conn, done.person_id)
        await store.unassign(conn, key, done.person_id)
        released = await store.take_back(conn, key, done.person_id)
        again = await _attribute_again(conn, released)
        await store.set_people(conn, again)
        data = {"kind": done.kind, "person": who.email, "returned": len(released) - len(again)}
        await audit_log.append(conn, iso(now), actor, "unmatched.unassign", done.key, data)
    return Unassigned(done.key, who, len(released) - len(again), len(again))


async def dismiss(
    conn: aiosqlite.Connection, text: str, now: datetime, actor: str
) -> tuple[str, int] | Unchanged:
    """Stop listing KEY (an interpreter, a guest, staff), also for later events under it; its
    events stay in the log, unattributed. Returns the key as listed and how many wait under it;
    unchanged when it is dismissed already."""
    async with transaction(conn):
        key = await _waiting(conn, text)
        if await store.is_dismissed(conn, key):
            return Unchanged(Reason("unmatched.unchanged.dismissed", {"listed": key[1]}))
        count = sum(r.count for r in await store.queue(conn) if (r.identity_kind, r.key) == key)
        await store.dismiss(conn, key, iso(now), actor)
        data = {"kind": key[0], "events": count}
        await audit_log.append(conn, iso(now), actor, "unmatched.dismiss", key[1], data)
    return key[1], count


async def undismiss(
    conn: aiosqlite.Connection, text: str, now: datetime, actor: str
) -> str | Unchanged:
    """List KEY again; returns the key as listed. One listed already: unchanged."""
    async with transaction(conn):
        dismissed = await store.dismissed_keys(conn)
        key = next((k for k in _keys(text) if k in dismissed), None)
        if key is None:
            waiting = await _find_waiting(conn, text)
            if waiting is not None:
                return Unchanged(Reason("unmatched.unchanged.listed", {"listed": waiting[1]}))
            choices = [k for _, k in dismissed]
            raise RuleViolation(_unknown("unmatched.refused.not_dismissed", text, choices))
        await store.undismiss(conn, key)
        data = {"kind": key[0]}
        await audit_log.append(conn, iso(now), actor, "unmatched.undismiss", key[1], data)
    return key[1]


def _keys(text: str) -> list[Key]:
    """The keys KEY may be: as listed, or written as it was shown (normalised as stored)."""
    spellings = dict.fromkeys([text, text.strip(), normalise_email(text), normalise_name(text)])
    return [(kind, s) for s in spellings if s for kind in ("email", "name")]


async def _assignment(conn: aiosqlite.Connection, text: str) -> store.Assignment | None:
    for key in _keys(text):
        found = await store.assignment(conn, key)
        if found is not None:
            return found
    return None


async def _find_waiting(conn: aiosqlite.Connection, text: str) -> Key | None:
    """The key with events waiting that KEY names, or None."""
    for spelling in dict.fromkeys(k for _, k in _keys(text)):
        found = await store.waiting(conn, spelling)
        if found:
            return found[0]
    return None


async def _waiting(conn: aiosqlite.Connection, text: str) -> Key:
    """The key with events waiting that KEY names; refused with the closest listed keys."""
    found = await _find_waiting(conn, text)
    if found is not None:
        return found
    rows = await store.queue(conn) + await store.queue(conn, dismissed=True)
    raise RuleViolation(_unknown("unmatched.refused.unknown_key", text, [r.key for r in rows]))


def _unknown(reason: str, text: str, choices: list[str]) -> Reason:
    """The refusal, naming the closest keys when some are close (`<reason>_closest`); none is
    said with no list at all, never as an empty one ("Closest: -")."""
    close = difflib.get_close_matches(normalise_name(text), choices, n=CLOSEST, cutoff=0.5)
    if not close:
        return Reason(reason, {"listed": text})
    return Reason(f"{reason}_closest", {"listed": text, "closest": ", ".join(close)})


async def _shown(conn: aiosqlite.Connection, key: Key) -> str:
    """The alias as the roster will show it: the name as the latest event showed it."""
    if key[0] == "email":
        return key[1]
    rows = [r for r in await store.queue(conn) + await store.queue(conn, True) if r.key == key[1]]
    shown = rows[0].shown_as if rows else None
    return shown if shown and normalise_name(shown) == key[1] else key[1]


async def _person(conn: aiosqlite.Connection, person_id: int) -> Person:
    index = await store.roster_index(conn)
    p = index.people[person_id]
    return Person(p.name, p.email, p.als_id)


async def _attribute_again(
    conn: aiosqlite.Connection, released: list[store.Released]
) -> list[tuple[int, int]]:
    """(person_id, event_id) for the events given back that their address or name decides."""
    index = await store.roster_index(conn)
    found: list[tuple[int, int]] = []
    for event in released:
        person_id = None
        if event.identity_kind == "email":
            person_id = await participation_store.person_by_email(
                conn, event.identity, event.occurred_at
            )
        by_name = event.identity_kind == "name" or event.kind == "call_join"
        if person_id is None and by_name:
            display = event.shown_as or event.identity
            person_id = attribute(display, index, on=event.occurred_at[:10]).person_id
        if person_id is not None:
            found.append((person_id, event.event_id))
    return found
