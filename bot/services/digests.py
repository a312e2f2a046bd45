"""What the bot compiles on a schedule: the report after each call and the monthly digest of
shared ALS activities (seed 001, Communications WG plan: short reports of calls, a newsletter
between ALSs, sharing ALS activities)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import aiosqlite

from bot.deps import iso
from bot.domain import share_limit
from bot.domain.errors import RuleViolation
from bot.domain.reasons import Reason
from bot.region import Region
from bot.services import announcements
from bot.services import status as status_service
from bot.services.outbox import announcement_channels, queue_for
from bot.settings import Settings
from bot.store import audit_log, meeting_attendance, shares
from bot.store import meetings as meeting_store
from bot.store import outbox as outbox_store
from bot.store import roster as roster_store
from bot.store.meetings import WINDOW_AFTER_MINUTES
from bot.store.transaction import transaction
from bot.texts import notices

MAX_SHARE = 1000


async def record_share(
    conn: aiosqlite.Connection, person_id: int, als_id: str | None, text: str, now: datetime
) -> int:
    """Keep what the member said as said (it is made inert where it is shown: bot/texts/
    slack_markup.py); refused past the member's daily allowance, with when they may share
    again. Counted and added in one transaction, so two shares at once cannot both pass."""
    async with transaction(conn):
        recent = await shares.times_since(conn, person_id, iso(now - share_limit.WINDOW))
        again = share_limit.next_share_at([datetime.fromisoformat(r) for r in recent], now)
        if again is not None:
            again = again.astimezone(UTC)
            raise RuleViolation(
                Reason(
                    "commands.share.too_many",
                    {
                        "limit": share_limit.SHARES_PER_DAY,
                        "day": again.date(),
                        "time": f"{again:%H:%M}",
                    },
                )
            )
        return await shares.add(conn, person_id, als_id, text[:MAX_SHARE], iso(now))


def month_bounds(day: datetime) -> tuple[datetime, datetime]:
    """The calendar month before `day`'s month: [first day, first day of `day`'s month)."""
    end = day.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    start = (end - timedelta(days=1)).replace(day=1)
    return start, end


async def monthly_digest(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime
) -> int:
    """From the 1st of the month: last month's shares to the list and channel, once."""
    start, end = month_bounds(now)
    found = await shares.between(conn, iso(start), iso(end))
    if not found:
        return 0
    langs = await announcements.languages(conn, region)
    head = str(await audit_log.head(conn))  # issue 20: the audit head in every digest
    payload = notices.shares_digest(found, f"{start:%Y-%m}", langs, region.ralo, head)
    async with transaction(conn):
        return await queue_for(
            conn,
            settings,
            f"digest:{start:%Y-%m}",
            announcement_channels(settings),
            payload,
            now,
        )


async def call_reports(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime
) -> int:
    """After each call (its window closed within the last two days): who came, and who is one
    missed call from inactivity, to the Secretariat and the channel, once per meeting."""
    due = []
    for meeting in await meeting_store.since(conn, iso(now - timedelta(days=3))):
        start = datetime.fromisoformat(meeting["start_at"])
        closed = start + timedelta(minutes=int(meeting["duration_min"]) + WINDOW_AFTER_MINUTES)
        key = f"report:{meeting['meeting_id']}:{meeting['start_at']}"
        if (
            closed <= now < closed + timedelta(days=2)
            and meeting["zoom_id"]
            and not (await outbox_store.keys_with_prefix(conn, key + ":"))
        ):
            due.append((key, meeting))
    if not due:
        return 0  # the usual case on each scheduler round: nothing to compute
    warned = [
        i.als.name
        for i in await status_service.statuses(conn, region, now)
        if i.status.early_warning
    ]
    recipients = [
        *roster_store.secretariat(await roster_store.people_by_als(conn)),
        (None, settings.announce_channel),
    ]
    queued = 0
    langs = await announcements.languages(conn, region)
    for key, meeting in due:
        present = await meeting_attendance.als_present(conn, meeting["meeting_id"])
        payload = notices.call_report(meeting, present, warned, region, langs)
        async with transaction(conn):
            queued += await queue_for(conn, settings, key, recipients, payload, now)
    return queued
