"""The Secretariat's digest of a month (issue 18): what changed in ALS statuses, what was
corrected, and which ALSs were warned. The scheduler sends last month's at the start of each
month; `lacralo-bot digest send --month YYYY-MM` sends or re-sends one (once, unless `--again`)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import aiosqlite

from bot.deps import iso
from bot.domain.errors import RuleViolation
from bot.domain.reasons import Reason
from bot.region import Region
from bot.services.outbox import queue_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store import month_digest as store
from bot.store import outbox as outbox_store
from bot.store import roster as roster_store
from bot.store.transaction import transaction
from bot.texts import notices

FIRST_DAYS = 7  # the scheduler sends last month's digest within the first week


def month_range(month: date) -> tuple[datetime, datetime]:
    """[first day, first day of the next month), UTC."""
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = datetime(month.year + month.month // 12, month.month % 12 + 1, 1, tzinfo=UTC)
    return start, end


async def send(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    month: date,
    now: datetime,
    actor: str,
    again: bool = False,
    skip_empty: bool = False,
) -> int:
    """Queue the month's digest to the Secretariat; how many messages were queued (0: it was
    sent already, and `again` was not asked; or, `skip_empty`, there was nothing to say). A
    month not over yet is refused."""
    start, end = month_range(month)
    if end > now:
        raise RuleViolation(Reason("notices.month.not_over", {"month": f"{month:%Y-%m}"}))
    als_by_id = {a.als_id: a for a in await roster_store.list_als(conn)}
    changes = [
        (
            als_by_id[c["als_id"]],
            c["state"],
            c["effective_on"],
            c["kind"],
            [Reason.from_dict(r) for r in c["reasons"]],
        )
        for c in await store.changes(conn, iso(start), iso(end))
        if c["als_id"] in als_by_id
    ]
    warned = [
        als_by_id[a] for a in await store.warnings(conn, iso(start), iso(end)) if a in als_by_id
    ]
    if skip_empty and not changes and not warned:
        return 0
    payload = notices.month_digest(
        f"{month:%Y-%m}",
        changes,
        warned,
        list(region.announcement_languages),
        region.ralo,
        str(await audit_log.head(conn)),  # issue 20: the audit head in every digest
    )
    secretariat = roster_store.secretariat(await roster_store.people_by_als(conn))
    key = f"status-month:{month:%Y-%m}" + (f":again:{iso(now)}" if again else "")
    async with transaction(conn):
        queued = await queue_for(conn, settings, key, secretariat, payload, now)
        if queued:
            await audit_log.append(
                conn,
                iso(now),
                actor,
                "digest.send",
                f"{month:%Y-%m}",
                {"again": again, "queued": queued},
            )
    return queued


async def send_last_month(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime
) -> int:
    """In the first week of each month, last month's digest, once (the outbox key), when the
    month had something to say."""
    if now.astimezone(UTC).day > FIRST_DAYS:
        return 0
    first = now.astimezone(UTC).date().replace(day=1)
    last = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    if await outbox_store.keys_with_prefix(conn, f"status-month:{last:%Y-%m}:"):
        return 0  # the usual case on each scheduler round: sent already
    return await send(conn, region, settings, last, now, "scheduler", skip_empty=True)
