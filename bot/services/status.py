"""Status use cases: every ALS's status on a date, and the daily refresh that records changes and
queues the notices (Rules of Procedure, auxiliary rule to Rule 1, seed 003)."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot import notices
from bot.deps import iso
from bot.domain.roster import AlsRecord
from bot.domain.status import AlsFacts, Call, State, Status, StatusPolicy, evaluate
from bot.region import Region
from bot.services.outbox import queue_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store import roster as roster_store
from bot.store import status as status_store
from bot.store.transaction import transaction


@dataclass(frozen=True)
class AlsStatus:
    als: AlsRecord
    status: Status


def policy_of(region: Region) -> StatusPolicy:
    return StatusPolicy.from_mapping(region.status_policy)


async def statuses(conn: aiosqlite.Connection, region: Region, as_of: datetime) -> list[AlsStatus]:
    """Every ALS's status at `as_of`, from a handful of aggregate queries."""
    policy = policy_of(region)
    until = iso(as_of)
    calls = await status_store.monthly_calls(conn, until)
    attended = await status_store.attendance(conn, until, policy.min_call_minutes * 60)
    recorded = await status_store.recorded_inactive_years(conn)
    first_record = await status_store.records_since(conn) or as_of
    since = policy.records_since or first_record
    parts = await status_store.participation_summary(conn, iso(min(first_record, as_of)), until)
    out = []
    for als in await roster_store.list_als(conn):
        mine = attended.get(als.als_id, set())
        facts = AlsFacts(
            accredited_on=als.accredited_on,
            calls=tuple(Call(start, meeting_id in mine) for meeting_id, start in calls),
            participation=tuple(parts.get(als.als_id, ())),
            recorded_inactive_years=frozenset(recorded.get(als.als_id, ())),
            records_since=since,
        )
        out.append(AlsStatus(als, evaluate(facts, as_of, policy)))
    return out


@dataclass
class RefreshReport:
    changed: list[AlsStatus] = field(default_factory=list)
    warned: list[AlsStatus] = field(default_factory=list)
    queued: int = 0


async def refresh(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime, actor: str
) -> RefreshReport:
    """Record status changes and history, and queue each notice once (the outbox deduplicates)."""
    current = await statuses(conn, region, now)
    report = RefreshReport()
    async with transaction(conn):
        previous = await status_store.last_states(conn)
        people = await roster_store.people_by_als(conn)
        policy = dataclasses.asdict(policy_of(region))
        for item in current:
            changed = await _record(conn, item, previous.get(item.als.als_id), policy, now, actor)
            if changed:
                report.changed.append(item)
            await status_store.record_inactive_years(
                conn,
                item.als.als_id,
                {y for y in item.status.inactive_years if y < now.year},
                iso(now),
            )
            report.queued += await _notify(
                conn, region, settings, item, changed, people, now, report
            )
        if report.changed:
            report.queued += await _digest(conn, region, settings, report.changed, people, now)
    return report


async def _record(
    conn: aiosqlite.Connection,
    item: AlsStatus,
    before: tuple[str, str] | None,
    policy: dict[str, object],
    now: datetime,
    actor: str,
) -> bool:
    """Record a change of state; True when it is news to send (see below)."""
    status = item.status
    since = status.since.isoformat() if status.since else iso(now)[:10]
    if before is not None and before[0] == status.state.value:
        return False
    reasons = [r.as_dict() for r in status.reasons]
    await status_store.record_change(
        conn, item.als.als_id, status.state.value, since, reasons, policy, iso(now)
    )
    await audit_log.append(
        conn,
        iso(now),
        actor,
        "status.change",
        item.als.als_id,
        {
            "from": before[0] if before else None,
            "to": status.state.value,
            "since": since,
            "reasons": reasons,
        },
    )
    # The first record of an ALS is news only when it is bad news; later, every change is.
    return before is not None or status.state in (State.INACTIVE, State.DECERTIFICATION_ELIGIBLE)


async def _notify(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    item: AlsStatus,
    changed: bool,
    people: dict[str | None, list[tuple[str, str, str | None]]],
    now: datetime,
    report: RefreshReport,
) -> int:
    als, status = item.als, item.status
    langs = notices.languages_for(als.language, region.announcement_languages)
    reps = roster_store.representatives(people, als.als_id)
    queued = 0
    if changed:
        payload = notices.status_notice(als, status, langs, region.ralo)
        key = f"status:{als.als_id}:{status.state.value}:{status.since}"
        queued += await queue_for(conn, settings, key, reps, payload, now)
    if status.early_warning and status.missed_call_dates:
        report.warned.append(item)
        payload = notices.warning_notice(als, status, langs, region.ralo)
        key = f"warning:{als.als_id}:{status.missed_call_dates[0]}"  # once per run of misses
        queued += await queue_for(conn, settings, key, reps, payload, now)
    return queued


async def _digest(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    changed: list[AlsStatus],
    people: dict[str | None, list[tuple[str, str, str | None]]],
    now: datetime,
) -> int:
    secretariat = roster_store.secretariat(people)
    day = iso(now)[:10]
    payload = notices.digest(
        [(c.als, c.status) for c in changed], list(region.announcement_languages), region.ralo, day
    )
    fingerprint = hashlib.sha256(payload["text"].encode()).hexdigest()[:16]
    return await queue_for(conn, settings, f"digest:{day}:{fingerprint}", secretariat, payload, now)
