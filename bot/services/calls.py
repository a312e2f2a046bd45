"""Recording calls: who attended, matched by e-mail or by display name, stored once; a report's
joins checked against the calendar; when a call ended.

Rules of Procedure, auxiliary rule to Rule 1 (seed 003): an ALS whose delegates miss three
consecutive monthly calls is inactive, so each join is participation of the person's ALS. A name
that fits nobody, or more than one person, stays unmatched; it is never guessed (issue 4).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

import aiosqlite

from bot.deps import iso
from bot.domain.attribution import Why, attribute
from bot.domain.identity import is_valid_email, normalise_email, normalise_name
from bot.store import audit_log
from bot.store import call_leaves as leaves
from bot.store import calls as call_store
from bot.store import meeting_attendance as attendance
from bot.store import participation as events
from bot.store import unmatched as unmatched_store
from bot.store.transaction import transaction
from bot.zoom import durations
from bot.zoom.events import LONGEST_CALL, CallEnded, CallJoin, CallLeave, CallStarted


class JoinOutcome(enum.Enum):
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    AMBIGUOUS = "ambiguous"
    DUPLICATE = "duplicate"


@dataclass(frozen=True)
class JoinRecorded:
    outcome: JoinOutcome
    identity: str


async def record_join(conn: aiosqlite.Connection, join: CallJoin, now: datetime) -> JoinRecorded:
    """Store one join durably (committed on return); Zoom's retries of it change nothing."""
    event, ambiguous = await _event(conn, join, now)
    new, person_id = await events.writer(conn).submit(event)
    who = leaves.Identity(join.meeting_id, event.identity_kind, event.identity)
    since, until = _near(join.joined_at)
    if new and await leaves.leaves(conn, who, since, until):  # the leave came first
        async with transaction(conn):
            await _settle(conn, who, join.joined_at)
    return JoinRecorded(_outcome(new, person_id, ambiguous), event.identity)


async def record_joins(
    conn: aiosqlite.Connection, joins: list[CallJoin], now: datetime
) -> list[JoinRecorded]:
    """A report's joins in one transaction (back-fill)."""
    async with transaction(conn):
        built = [await _event(conn, j, now) for j in joins]
        stored = await events.insert_events(conn, [event for event, _ in built])
    return [
        JoinRecorded(_outcome(new, person_id, ambiguous), event.identity)
        for (event, ambiguous), (new, person_id) in zip(built, stored, strict=True)
    ]


@dataclass(frozen=True)
class ReportImport:
    """A participant report checked against the calendar: what was stored and what was not."""

    recorded: list[JoinRecorded]
    outside: list[int]  # positions in the report's joins that fall in no registered meeting
    meetings: list[call_store.MeetingWindow]  # the registered meetings with that Zoom number

    @property
    def refused(self) -> bool:
        """No join fits a registered meeting: the wrong --zoom-id or --tz, or an unregistered
        call. Nothing is stored, so a mistake leaves no joins to clean up."""
        return bool(self.outside) and not self.recorded


async def import_report(
    conn: aiosqlite.Connection, zoom_id: str, joins: list[CallJoin], now: datetime
) -> ReportImport:
    """Store the report's joins that fall in a registered meeting with its number (issue 13: a
    join that fits none would be evidence for no call, and monthly calls often share a number)."""
    meetings = await call_store.windows(conn, zoom_id)
    inside = [any(m.holds(iso(j.joined_at)) for m in meetings) for j in joins]
    outside = [i for i, fits in enumerate(inside) if not fits]
    kept = [j for j, fits in zip(joins, inside, strict=True) if fits]
    recorded = await record_joins(conn, kept, now) if kept else []
    return ReportImport(recorded, outside, meetings)


class EndOutcome(enum.Enum):
    RECORDED = "recorded"
    DUPLICATE = "duplicate"
    NO_MEETING = "no_meeting"


@dataclass(frozen=True)
class EndRecorded:
    outcome: EndOutcome
    meeting_id: int | None


async def record_end(conn: aiosqlite.Connection, ended: CallEnded, now: datetime) -> EndRecorded:
    """Zoom said the call ended: its attendance is known (issue 13). Set on the registered meeting
    whose window holds the call's start; audited once, Zoom's retries change nothing."""
    async with transaction(conn):
        meeting_id = await call_store.meeting_at(conn, ended.meeting_id, iso(ended.started_at))
        if meeting_id is None:
            return EndRecorded(EndOutcome.NO_MEETING, None)
        if not await call_store.set_ended(conn, meeting_id, iso(ended.ended_at)):
            return EndRecorded(EndOutcome.DUPLICATE, meeting_id)
        data = {
            "meeting_id": meeting_id,
            "zoom_id": ended.meeting_id,
            "started_at": iso(ended.started_at),
            "ended_at": iso(ended.ended_at),
        }
        await audit_log.append(conn, iso(now), "zoom", "meeting.ended", str(meeting_id), data)
    return EndRecorded(EndOutcome.RECORDED, meeting_id)


async def started_meeting(conn: aiosqlite.Connection, started: CallStarted) -> int | None:
    """The registered meeting a call that started belongs to, if any. Nothing is stored: a call
    that started may still end with nobody's attendance known, so only its end (record_end) or
    the Secretariat's record makes its attendance known (issue 13)."""
    return await call_store.meeting_at(conn, started.meeting_id, iso(started.started_at))


async def attendees(conn: aiosqlite.Connection, meeting_id: int) -> list[attendance.Attendee]:
    """Each person who joined the meeting, with how long they stayed (`meetings show`)."""
    return await attendance.attendees(conn, meeting_id)


async def record_leave(conn: aiosqlite.Connection, leave: CallLeave, now: datetime) -> bool:
    """Keep the leave durably (committed on return) and give its join, if it has arrived, its
    duration; a join arriving later gets it then (record_join). True when a join got one."""
    kind, identity = _identity(leave.email, leave.name)
    who = leaves.Identity(leave.meeting_id, kind, identity)
    async with transaction(conn):
        await leaves.add(conn, who, iso(leave.left_at), iso(now))
        return await _settle(conn, who, leave.left_at)


def _near(moment: datetime) -> tuple[str, str]:
    """The times a join or leave at `moment` can pair with: no stay is longer than Zoom's
    longest call, so nothing further away changes a duration."""
    return iso(moment - LONGEST_CALL), iso(moment + LONGEST_CALL)


async def _settle(conn: aiosqlite.Connection, who: leaves.Identity, moment: datetime) -> bool:
    """Give this person's joins in this call near `moment` the durations the leaves known so far
    give them (bot/zoom/durations.py: in any order of arrival). True when one changed."""
    since, until = _near(moment)
    stored = await leaves.joins(conn, who, since, until)
    left = [_utc(at) for at in await leaves.leaves(conn, who, since, until)]
    paired = durations.pair([_utc(j.joined_at) for j in stored], left)
    changed = [
        (join.event_id, seconds)
        for join, seconds in zip(stored, paired, strict=True)
        if seconds is not None and seconds != join.duration_s
    ]
    await leaves.set_durations(conn, changed)
    return bool(changed)


def _utc(moment: str) -> datetime:
    return datetime.fromisoformat(moment)


def join_key(meeting_id: str, identity_kind: str, identity: str, joined_at: datetime) -> str:
    """The same join gets the same key from the webhook, its retries and the report."""
    return f"zoom:{meeting_id}:{identity_kind}:{identity}:{iso(joined_at)}"


def _identity(email: str | None, name: str) -> tuple[str, str]:
    if email and is_valid_email(email):
        return "email", normalise_email(email)
    return "name", normalise_name(name)


async def _event(
    conn: aiosqlite.Connection, join: CallJoin, now: datetime
) -> tuple[events.NewEvent, bool]:
    kind, identity = _identity(join.email, join.name)
    at = iso(join.joined_at)  # someone removed from the roster matches only earlier joins
    person_id = await events.person_by_email(conn, identity, at) if kind == "email" else None
    ambiguous = False
    if person_id is None:
        person_id, ambiguous = await _by_name(conn, join.name, at)
    event = events.NewEvent(
        source_key=join_key(join.meeting_id, kind, identity, join.joined_at),
        kind="call_join",
        source=join.meeting_id,
        occurred_at=iso(join.joined_at),
        identity_kind=kind,
        identity=identity or "?",
        shown_as=join.name or None,
        person_id=person_id,
        received_at=iso(now),
        duration_s=join.duration_s,
    )
    return event, ambiguous


async def _by_name(
    conn: aiosqlite.Connection, display: str, at: str | None = None
) -> tuple[int | None, bool]:
    """The one person the display name stands for at `at` (bot/domain/attribution.py; the
    roster is indexed once and kept while it does not change); (None, True) when it fits several
    or its ALS tag contradicts it."""
    index = await unmatched_store.roster_index(conn)
    found = attribute(display, index, on=at[:10] if at else None)
    return found.person_id, found.why in (Why.AMBIGUOUS, Why.CONFLICT)


def _outcome(new: bool, person_id: int | None, ambiguous: bool) -> JoinOutcome:
    if not new:
        return JoinOutcome.DUPLICATE
    if person_id is not None:
        return JoinOutcome.MATCHED
    return JoinOutcome.AMBIGUOUS if ambiguous else JoinOutcome.UNMATCHED
