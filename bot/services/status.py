"""Status use cases: every ALS's status on a date, and the daily refresh that records changes and
queues the notices (Rules of Procedure, auxiliary rule to Rule 1, seed 003)."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from bot import notices
from bot.deps import iso
from bot.domain import status_history as history
from bot.domain.reasons import Reason
from bot.domain.roster import AlsRecord
from bot.domain.status import AlsFacts, Call, Status, evaluate
from bot.domain.status_policy import StatusPolicy
from bot.region import Region
from bot.services.outbox import queue_for, reachable
from bot.settings import Settings
from bot.store import audit_log
from bot.store import outbox as outbox_store
from bot.store import roster as roster_store
from bot.store import status as status_store
from bot.store.transaction import transaction


@dataclass(frozen=True)
class AlsStatus:
    als: AlsRecord
    status: Status
    facts: AlsFacts


def policy_of(region: Region) -> StatusPolicy:
    return StatusPolicy.from_mapping(region.status_policy)


async def statuses(conn: aiosqlite.Connection, region: Region, as_of: datetime) -> list[AlsStatus]:
    """Every ALS's status at `as_of`, from a handful of aggregate queries."""
    policy = policy_of(region)
    until = iso(as_of)
    calls = await status_store.monthly_calls(conn, until)
    attended = await status_store.attendance(conn, until, policy.min_call_minutes * 60)
    first_record = await status_store.records_since(conn) or as_of
    since = policy.records_since or first_record
    parts = await status_store.participation_summary(conn, iso(min(first_record, as_of)), until)
    out = []
    for als in await roster_store.list_als(conn):
        mine = attended.get(als.als_id, set())
        facts = AlsFacts(
            accredited_on=als.accredited_on,
            calls=tuple(Call(c.start, c.meeting_id in mine, c.recorded) for c in calls),
            participation=tuple(parts.get(als.als_id, ())),
            records_since=since,
        )
        out.append(AlsStatus(als, evaluate(facts, as_of, policy), facts))
    return out


async def recorded_until(conn: aiosqlite.Connection) -> datetime | None:
    """The latest moment statuses were recorded for (a record never goes back before it)."""
    return await status_store.judged_until(conn)


async def records_start(conn: aiosqlite.Connection, region: Region) -> datetime | None:
    """Where the participation record starts: the region's `records_since`, else the first
    meeting or event on record (None: nothing on record yet)."""
    return policy_of(region).records_since or await status_store.records_since(conn)


async def history_rows(conn: aiosqlite.Connection, als_id: str) -> list[dict[str, Any]] | None:
    """One ALS's recorded judgements, first judgements and corrections alike, reasons as Reasons;
    None for an unknown ALS."""
    if await roster_store.get_als(conn, als_id) is None:
        return None
    return [
        {
            "recorded_at": row.recorded_at,
            "kind": row.kind,
            "state": row.state,
            "effective_on": row.effective_on,
            "reasons": [Reason.from_dict(r) for r in row.reasons],
        }
        for row in await status_store.history(conn, als_id)
    ]


@dataclass(frozen=True)
class Correction:
    """A judgement of the past that changed: spells before and after, and the evidence."""

    before: tuple[history.Spell, ...]
    after: tuple[history.Spell, ...]
    evidence: dict[str, dict[str, list[str]]]
    effective_on: str


@dataclass
class RefreshReport:
    changed: list[AlsStatus] = field(default_factory=list)
    warned: list[AlsStatus] = field(default_factory=list)
    past: list[tuple[AlsStatus, list[history.Spell]]] = field(default_factory=list)
    corrected: list[tuple[AlsStatus, Correction]] = field(default_factory=list)
    queued: int = 0
    behind: datetime | None = None  # nothing done: statuses were recorded up to this later moment


@dataclass(frozen=True)
class _Run:
    """What one refresh works with, read once."""

    region: Region
    settings: Settings
    now: datetime
    actor: str
    policy: dict[str, object]
    people: dict[str | None, list[tuple[str, str, str | None]]]


async def refresh(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime, actor: str
) -> RefreshReport:
    """Judge every ALS again from all the evidence; record changes of today's state, past changes
    found afterwards and corrections of earlier judgements (audited); tell each ALS what it must
    be told, once; sum it all up once for the Secretariat."""
    report = RefreshReport()
    last = await status_store.judged_until(conn)
    if last is not None and now < last:
        # A record is history: judging an earlier day after a later one would undo it (and tell
        # ALSs so). The clock went back, or a back-dated --record (which the CLI refuses).
        report.behind = last
        return report
    current = await statuses(conn, region, now)
    async with transaction(conn):
        run = _Run(
            region,
            settings,
            now,
            actor,
            dataclasses.asdict(policy_of(region)),
            await roster_store.people_by_als(conn),
        )
        previous = await status_store.last_states(conn)
        judged = await status_store.judgements(conn)
        years = await status_store.recorded_inactive_years(conn)
        told = await status_store.told(conn)
        for item in current:
            als_id = item.als.als_id
            correction = await _judge_past(conn, run, item, judged.get(als_id), years, report)
            if await _record(conn, run, item, previous.get(als_id)):
                report.changed.append(item)
            await status_store.set_inactive_years(
                conn, als_id, set(item.status.inactive_years), now.year, iso(now)
            )
            report.queued += await _notify(conn, run, item, told.get(als_id), correction, report)
        if report.changed or report.past or report.corrected:
            report.queued += await _digest(conn, run, report)
    return report


async def _judge_past(
    conn: aiosqlite.Connection,
    run: _Run,
    item: AlsStatus,
    before: status_store.Judgement | None,
    years: dict[str, set[int]],
    report: RefreshReport,
) -> Correction | None:
    """Compare today's judgement of the past with the last one recorded; keep today's."""
    als_id, status = item.als.als_id, item.status
    now = iso(run.now)
    after = status_store.Judgement(
        history.stored_spells(status.spells), history.evidence(item.facts, run.now), now
    )
    correction = _correction(item, before, after, years.get(als_id, set()), run.now)
    if correction is not None:
        report.corrected.append((item, correction))
        reasons = [_correction_reason(correction).as_dict()]
        await status_store.record_change(
            conn,
            als_id,
            status.state.value,
            correction.effective_on[:10],
            reasons,
            run.policy,
            now,
            kind="correction",
        )
        await audit_log.append(
            conn,
            now,
            run.actor,
            "status.correction",
            als_id,
            {
                "before": correction.before,
                "after": correction.after,
                "evidence": correction.evidence,
                "state": status.state.value,
            },
        )
    found = history.found_later(
        before.spells if before else (), after.spells, before.judged_until if before else None
    )
    if found:
        report.past.append((item, found))
        await _record_past(conn, run, als_id, found)
    await status_store.save_judgement(conn, als_id, after, now)
    return correction


def _correction(
    item: AlsStatus,
    before: status_store.Judgement | None,
    after: status_store.Judgement,
    recorded_years: set[int],
    now: datetime,
) -> Correction | None:
    if before is not None:
        until = before.judged_until
        if not history.corrected(before.spells, after.spells, until):
            return None
        return Correction(
            history.clip(before.spells, until),
            history.clip(after.spells, until),
            history.evidence_changes(before.evidence, after.evidence, until),
            history.first_difference(before.spells, after.spells, until),
        )
    # No judgement kept yet (a database from before version 9): its calendar-year record is the
    # judgement to compare with.
    derived = {y for y in item.status.inactive_years if y < now.year}
    if not recorded_years or recorded_years == derived:
        return None
    first = min(recorded_years ^ derived)
    return Correction((), history.clip(after.spells, iso(now)), {}, f"{first}-01-01")


def _correction_reason(correction: Correction) -> Reason:
    return Reason(
        "status.reason.correction",
        {
            "before": history.spell_reasons(correction.before),
            "after": history.spell_reasons(correction.after),
            "evidence": history.evidence_reasons(correction.evidence),
        },
    )


async def _record_past(
    conn: aiosqlite.Connection, run: _Run, als_id: str, found: list[history.Spell]
) -> None:
    """Past changes that no longer hold: recorded and audited, told to nobody but the
    Secretariat's summary (issue 13: no notice storms)."""
    now = iso(run.now)
    for spell in found:
        reasons = [r.as_dict() for r in history.spell_reasons([spell])]
        for state, day in (("inactive", spell[0]), ("active", spell[1] or spell[0])):
            await status_store.record_change(
                conn, als_id, state, day[:10], reasons, run.policy, now, kind="past"
            )
    await audit_log.append(conn, now, run.actor, "status.past", als_id, {"spells": found})


async def _record(
    conn: aiosqlite.Connection, run: _Run, item: AlsStatus, before: tuple[str, str] | None
) -> bool:
    """Record a change of today's state (audited); True when it is news for the Secretariat: a
    change, or a first record that is bad news (a first 'active' is no change)."""
    status = item.status
    now = iso(run.now)
    since = status.since.isoformat() if status.since else now[:10]
    if before is not None and before[0] == status.state.value:
        return False
    reasons = [r.as_dict() for r in status.reasons]
    await status_store.record_change(
        conn, item.als.als_id, status.state.value, since, reasons, run.policy, now
    )
    await audit_log.append(
        conn,
        now,
        run.actor,
        "status.change",
        item.als.als_id,
        {
            "from": before[0] if before else None,
            "to": status.state.value,
            "since": since,
            "reasons": reasons,
        },
    )
    return before is not None or status.state in history.BAD


async def _notify(
    conn: aiosqlite.Connection,
    run: _Run,
    item: AlsStatus,
    told: history.Told | None,
    correction: Correction | None,
    report: RefreshReport,
) -> int:
    """The notices seed 003 asks for, and no more: see bot/domain/status_history.py."""
    als, status = item.als, item.status
    langs = notices.languages_for(als.language, run.region.announcement_languages)
    reps = roster_store.representatives(run.people, als.als_id)
    queued = 0
    due = history.notice_due(status.state, status.since, told, history.stored_spells(status.spells))
    if due is not None and reachable(run.settings, reps):
        was = told if due is history.Notice.CORRECTION else None
        payload = notices.status_notice(als, status, langs, run.region.ralo, was)
        # An earlier notice still waiting in the outbox says what no longer holds: never send it.
        for kind in history.Notice:
            await outbox_store.withdraw(conn, f"{kind.value}:{als.als_id}:", "superseded")
        key = f"{due.value}:{als.als_id}:{status.state.value}:{status.since}"
        queued += await queue_for(conn, run.settings, key, reps, payload, run.now)
        since = status.since.isoformat() if status.since else None
        await status_store.record_told(conn, als.als_id, status.state.value, since, iso(run.now))
    last_missed = status.missed_call_dates[-1] if status.missed_call_dates else None
    window = run.settings.notice_window_days
    if status.early_warning and history.recent(last_missed, run.now, window):
        report.warned.append(item)
        payload = notices.warning_notice(als, status, langs, run.region.ralo)
        key = f"warning:{als.als_id}:{status.missed_call_dates[0]}"  # once per run of misses
        queued += await queue_for(conn, run.settings, key, reps, payload, run.now)
    return queued


async def _digest(conn: aiosqlite.Connection, run: _Run, report: RefreshReport) -> int:
    """One summary per refresh for the Secretariat: today's changes, past changes found, and
    corrections of earlier judgements."""
    secretariat = roster_store.secretariat(run.people)
    day = iso(run.now)[:10]
    payload = notices.digest(
        [(c.als, c.status) for c in report.changed],
        [(item.als, history.spell_reasons(found)) for item, found in report.past],
        [(item.als, _correction_reason(c)) for item, c in report.corrected],
        list(run.region.announcement_languages),
        run.region.ralo,
        day,
    )
    fingerprint = hashlib.sha256(payload["text"].encode()).hexdigest()[:16]
    return await queue_for(
        conn, run.settings, f"digest:{day}:{fingerprint}", secretariat, payload, run.now
    )
