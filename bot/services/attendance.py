"""What the Secretariat knows of a call the bot could not see (issue 13): which ALSs attended it,
for calls outside Zoom or with a lost report; and who attended a meeting, from joins and from that
record.

Rules of Procedure, auxiliary rule to Rule 1: a monthly call counts as missed only when its
attendance is known; the Secretariat's record makes it known, even when it names no ALS.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from bot.deps import iso
from bot.domain.errors import BadInput, RuleViolation
from bot.domain.reasons import Reason
from bot.services import calendar
from bot.store import audit_log
from bot.store import meeting_attendance as store
from bot.store import roster as roster_store
from bot.store.meetings import StoredMeeting
from bot.store.transaction import transaction


@dataclass(frozen=True)
class Held:
    meeting: StoredMeeting
    added: list[str] = field(default_factory=list)  # ALSs newly recorded as present
    present: list[str] = field(default_factory=list)  # every ALS recorded as present
    changed: bool = False
    first: bool = False  # the first record of this call's attendance


async def record_held(
    conn: aiosqlite.Connection, meeting_id: int, als_ids: list[str], now: datetime, actor: str
) -> Held:
    """The Secretariat's record of which ALSs attended a call (none is a record too: attendance
    becomes known); a later record adds ALSs, never removes them; audited. All or nothing."""
    async with transaction(conn):
        meeting = await calendar.meeting_or_refuse(conn, meeting_id, now)
        # RoP, auxiliary rule to Rule 1: a cancelled call is neither attended nor missed, and a
        # call still to come has no attendance yet.
        if meeting["cancelled_at"]:
            facts = calendar.meeting_facts(meeting, cancelled=True)
            raise RuleViolation(Reason("meetings.refused.held_cancelled", facts))
        if meeting["start_at"] > iso(now):
            facts = calendar.meeting_facts(meeting)
            raise RuleViolation(Reason("meetings.refused.held_future", facts))
        wanted = await _known_als(conn, als_ids)
        before = await store.attendance_recorded_for(conn, meeting_id)
        added = [a for a in wanted if a not in before]
        present = sorted({*before, *added})
        if not added and meeting["held_recorded_at"]:
            return Held(meeting, [], present, changed=False)
        await store.record_attendance(conn, meeting_id, added, meeting["start_at"], actor, iso(now))
        data = {
            "meeting_id": meeting_id,
            "start_at": meeting["start_at"],
            "added": added,
            "present": present,
        }
        await audit_log.append(conn, iso(now), actor, "meeting.held", str(meeting_id), data)
    first = meeting["held_recorded_at"] is None
    return Held(meeting, added, present, changed=True, first=first)


async def present(
    conn: aiosqlite.Connection, meeting_id: int, now: datetime
) -> tuple[StoredMeeting, list[dict[str, Any]]]:
    """A meeting and the ALSs present at it, once each: `sources` (joins, the Secretariat's
    record), `people` who joined and `minutes` the longest of them stayed (None when unknown)."""
    meeting = await calendar.meeting_or_refuse(conn, meeting_id, now)
    merged: dict[str, dict[str, Any]] = {}
    for row in await store.attendance(conn, meeting_id):
        entry = merged.setdefault(
            row.als_id,
            {
                "als_id": row.als_id,
                "als_name": row.als_name,
                "sources": [],
                "people": None,
                "minutes": None,
            },
        )
        entry["sources"].append(row.source)
        if row.source == "joins":
            entry["people"] = row.people
            entry["minutes"] = None if row.seconds is None else round(row.seconds / 60)
    return meeting, list(merged.values())


def read_attendance_csv(data: bytes) -> list[str]:
    """The `als_id` column of a CSV with a header row (UTF-8, with or without BOM)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(Reason("meetings.file.not_utf8", {"offset": exc.start})) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in reader.fieldnames or []]
        if "als_id" not in header:
            raise BadInput(Reason("meetings.file.no_als_id"))
        reader.fieldnames = header
        ids = [(row.get("als_id") or "").strip() for row in reader]
    except csv.Error as exc:
        raise BadInput(
            Reason("meetings.file.unreadable", {"line": reader.line_num, "error": str(exc)})
        ) from None
    return [i for i in ids if i]


async def _known_als(conn: aiosqlite.Connection, als_ids: list[str]) -> list[str]:
    """The roster's spelling of each ALS id, once each; any unknown id refuses the whole list."""
    known = {a.als_id.upper(): a.als_id for a in await roster_store.list_als(conn)}
    unknown = [a for a in dict.fromkeys(als_ids) if a.upper() not in known]
    if unknown:
        raise BadInput(Reason("meetings.held.unknown_als", {"ids": unknown}))
    return list(dict.fromkeys(known[a.upper()] for a in als_ids))
