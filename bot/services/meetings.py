"""The meeting calendar: monthly LACRALO calls (seed 000), working-group calls, assemblies."""

from __future__ import annotations

import enum
from datetime import datetime
from urllib.parse import urlsplit

import aiosqlite

from bot.deps import iso
from bot.domain.errors import BadInput
from bot.domain.reasons import Reason
from bot.store import audit_log
from bot.store import meetings as store
from bot.store.transaction import transaction

KINDS = ("monthly", "wg", "assembly")
MAX_URL = 500
MAX_PASSCODE = 32


class Change(enum.Enum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


async def add_meeting(
    conn: aiosqlite.Connection,
    kind: str,
    start: datetime,
    duration_min: int,
    zoom_id: str | None,
    title: str | None,
    now: datetime,
    actor: str,
    *,
    url: str | None = None,
    passcode: str | None = None,
) -> tuple[int, Change]:
    """Register (or update) a meeting as given, its link and passcode included (one left out is
    removed); idempotent for the same kind and start time; audited (the passcode's presence, not
    its value: the audit log is read by more people than the Slack channel)."""
    problem = link_problem(url, passcode)
    if problem is not None:
        raise BadInput(problem)
    meeting = store.Meeting(
        kind=kind,
        start_at=iso(start),
        duration_min=duration_min,
        zoom_id=zoom_id,
        title=title,
        url=url,
        passcode=passcode,
    )
    async with transaction(conn):
        same_kind = await store.by_kind(conn, kind)
        existing = {m.start_at for m in same_kind}
        for old in same_kind:
            if old.start_at == meeting.start_at and old.cancelled_at:
                # A cancelled call stays cancelled: it is history (neither attended nor missed).
                params = {
                    "id": old.meeting_id,
                    "start": meeting.start_at,
                    "cancelled": old.cancelled_at[:10],
                }
                raise BadInput(Reason("meetings.refused.add_cancelled", params))
        meeting_id, changed = await store.upsert(conn, meeting, iso(now))
        if changed:
            data: dict[str, object] = {
                "meeting_id": meeting_id,
                "kind": kind,
                "start_at": meeting.start_at,
                "duration_min": duration_min,
                "zoom_id": zoom_id,
                "title": title,
                "url": url,
                "passcode_set": passcode is not None,
            }
            await audit_log.append(conn, iso(now), actor, "meeting", str(meeting_id), data)
    if not changed:
        return meeting_id, Change.UNCHANGED
    return meeting_id, Change.UPDATED if meeting.start_at in existing else Change.ADDED


def link_problem(url: str | None, passcode: str | None) -> Reason | None:
    """Why a link or passcode cannot be used, or None: the link is an http(s) address with a
    host and no spaces; the passcode a short word without spaces (Zoom's are up to 10)."""
    if url is not None and not _is_link(url):
        return Reason("meetings.error.bad_url", {"value": url})
    if passcode is not None and not (1 <= len(passcode) <= MAX_PASSCODE and _word(passcode)):
        return Reason("meetings.error.bad_passcode", {"max": MAX_PASSCODE})
    return None


def _is_link(url: str) -> bool:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unclosed [IPv6 address
        return False
    return parts.scheme in ("https", "http") and bool(host) and len(url) <= MAX_URL and _word(url)


def _word(text: str) -> bool:
    return all(c.isprintable() and not c.isspace() for c in text)


async def list_meetings(conn: aiosqlite.Connection, as_of: datetime) -> list[store.ListedMeeting]:
    return await store.listing(conn, iso(as_of))
