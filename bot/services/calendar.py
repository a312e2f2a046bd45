"""Calendar corrections (issue 13): cancelling or moving a meeting.

Rules of Procedure, auxiliary rule to Rule 1: a monthly call counts as missed only when its
attendance is known, and a cancelled call is neither attended nor missed. Whoever had been told of
a meeting (its reminders went out) is told of its cancellation or new time, with an .ics of the
same UID and a higher SEQUENCE, so calendars update the event they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiosqlite

from bot.deps import iso
from bot.domain.errors import BadInput, RuleViolation
from bot.domain.reasons import Reason
from bot.region import Region
from bot.reports import utc_minute
from bot.services.outbox import announcement_channels, queue_for
from bot.services.reminders import languages_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store import meetings as store
from bot.store import outbox as outbox_store
from bot.store.transaction import transaction
from bot.texts import meetings as meeting_text


@dataclass(frozen=True)
class Cancelled:
    meeting: store.StoredMeeting
    already: bool  # cancelled before: nothing changed
    withdrawn: int = 0  # pending reminders and notices withdrawn
    notices: int = 0  # cancellation notices queued


@dataclass(frozen=True)
class Moved:
    meeting: store.StoredMeeting  # as it is now
    old_start_at: str
    withdrawn: int = 0
    notices: int = 0


async def cancel_meeting(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    meeting_id: int,
    now: datetime,
    actor: str,
) -> Cancelled:
    """Cancel a meeting, past or future; its pending reminders are withdrawn, and where reminders
    went a cancellation goes (.ics METHOD:CANCEL); audited. Cancelling twice changes nothing."""
    async with transaction(conn):
        meeting = await meeting_or_refuse(conn, meeting_id, now)
        if meeting["cancelled_at"]:
            return Cancelled(meeting, already=True)
        sequence = await store.cancel(conn, meeting_id, iso(now))
        meeting |= {"sequence": sequence, "cancelled_at": iso(now)}
        withdrawn, told = await _withdraw(conn, meeting_id, "meeting cancelled")
        notices = 0
        if told:
            payload = meeting_text.cancellation(
                meeting,
                region,
                await languages_for(conn, region, settings),
                settings.from_address,
                now,
            )
            key = f"calendar:{meeting_id}:{sequence}:cancel"
            notices = await queue_for(
                conn, settings, key, announcement_channels(settings), payload, now
            )
        data = {
            "meeting_id": meeting_id,
            "start_at": meeting["start_at"],
            "sequence": sequence,
            "withdrawn": withdrawn,
            "notices": notices,
        }
        await audit_log.append(conn, iso(now), actor, "meeting.cancel", str(meeting_id), data)
    return Cancelled(meeting, already=False, withdrawn=withdrawn, notices=notices)


async def move_meeting(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    meeting_id: int,
    start: datetime,
    now: datetime,
    actor: str,
) -> Moved:
    """Give a meeting still to come a new start; its pending reminders are withdrawn (the reminder
    round queues those of the new time), and where reminders went the change goes; audited."""
    new_start = iso(start)
    async with transaction(conn):
        meeting = await meeting_or_refuse(conn, meeting_id, now)
        old_start = meeting["start_at"]
        await _check_movable(conn, meeting, start, now)
        if new_start == old_start:
            return Moved(meeting, old_start)
        sequence = await store.move(conn, meeting_id, new_start)
        meeting |= {"start_at": new_start, "sequence": sequence}
        withdrawn, told = await _withdraw(conn, meeting_id, "meeting moved")
        notices = 0
        if told:
            payload = meeting_text.change(
                meeting,
                old_start,
                region,
                await languages_for(conn, region, settings),
                settings.from_address,
                now,
            )
            key = f"calendar:{meeting_id}:{sequence}:move"
            notices = await queue_for(
                conn, settings, key, announcement_channels(settings), payload, now
            )
        data = {
            "meeting_id": meeting_id,
            "old_start_at": old_start,
            "start_at": new_start,
            "sequence": sequence,
            "withdrawn": withdrawn,
            "notices": notices,
        }
        await audit_log.append(conn, iso(now), actor, "meeting.move", str(meeting_id), data)
    return Moved(meeting, old_start, withdrawn, notices)


async def meeting_or_refuse(
    conn: aiosqlite.Connection, meeting_id: int, now: datetime
) -> store.StoredMeeting:
    """The meeting with that number, or BadInput naming the number."""
    meeting = await store.get(conn, meeting_id, iso(now))
    if meeting is None:
        raise BadInput(Reason("meetings.unknown", {"id": meeting_id}))
    return meeting


async def _check_movable(
    conn: aiosqlite.Connection, meeting: store.StoredMeeting, start: datetime, now: datetime
) -> None:
    # RoP, auxiliary rule to Rule 1: a call that was held is judged by who attended it at the time
    # it was held; moving it would judge the ALSs against a call that never took place.
    if meeting["cancelled_at"]:
        raise RuleViolation(
            Reason("meetings.refused.move_cancelled", meeting_facts(meeting, cancelled=True))
        )
    if meeting["start_at"] <= iso(now) or meeting["attendance_recorded"]:
        raise RuleViolation(Reason("meetings.refused.move_held", meeting_facts(meeting)))
    if start <= now:
        raise RuleViolation(
            Reason("meetings.refused.move_to_past", {"id": meeting["meeting_id"]} | _at(start))
        )
    other = await store.at(conn, meeting["kind"], iso(start))
    if other not in (None, meeting["meeting_id"]):
        facts = {"id": meeting["meeting_id"], "other": other, "kind": meeting["kind"]}
        raise RuleViolation(Reason("meetings.refused.clash", facts | _at(start)))


async def _withdraw(conn: aiosqlite.Connection, meeting_id: int, why: str) -> tuple[int, bool]:
    """Withdraw what is pending about this meeting (reminders, earlier notices of a change); and
    whether anything about it was ever queued, so those readers are told of the change."""
    withdrawn = told = 0
    for prefix in (f"reminder:{meeting_id}:", f"calendar:{meeting_id}:"):
        told += await outbox_store.count_queued(conn, prefix)
        withdrawn += await outbox_store.withdraw(conn, prefix, why)
    return withdrawn, told > 0


def meeting_facts(meeting: store.StoredMeeting, cancelled: bool = False) -> dict[str, Any]:
    facts = {"id": meeting["meeting_id"], "start": utc_minute(meeting["start_at"])}
    cancelled_at = meeting["cancelled_at"]
    if cancelled and cancelled_at:
        facts["cancelled"] = utc_minute(cancelled_at)
    return facts


def _at(start: datetime) -> dict[str, str]:
    return {"start": utc_minute(iso(start))}
