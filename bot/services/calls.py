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
from bot.domain.identity import is_valid_email, normalise_email, normalise_name
from bot.domain.names import name_candidates
from bot.store import audit_log
from bot.store import calls as call_store
from bot.store import participation as events
from bot.store.transaction import transaction
from bot.zoom.events import CallEnded, CallJoin, CallLeave


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


async def record_leave(conn: aiosqlite.Connection, leave: CallLeave) -> bool:
    kind, identity = _identity(leave.email, leave.name)
    async with transaction(conn):
        return await events.record_leave(conn, leave.meeting_id, kind, identity, iso(leave.left_at))


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
    person_id = await events.person_by_email(conn, identity) if kind == "email" else None
    ambiguous = False
    if person_id is None:
        person_id, ambiguous = await _by_name(conn, join.name)
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


async def _by_name(conn: aiosqlite.Connection, display: str) -> tuple[int | None, bool]:
    """The one person the display name stands for; (None, True) when it fits several."""
    for candidate in name_candidates(display):
        people = await events.people_named(conn, candidate)
        if len(people) == 1:
            return next(iter(people)), False
        if len(people) > 1:
            return None, True
    return None, False


def _outcome(new: bool, person_id: int | None, ambiguous: bool) -> JoinOutcome:
    if not new:
        return JoinOutcome.DUPLICATE
    if person_id is not None:
        return JoinOutcome.MATCHED
    return JoinOutcome.AMBIGUOUS if ambiguous else JoinOutcome.UNMATCHED
