"""The daily refresh (Rules of Procedure, auxiliary rule to Rule 1, seed 003): judge every ALS
again from all the evidence, record what changed (record.py), tell each ALS what seed 003 says it
must be told, once, and sum it all up once for the Secretariat."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiosqlite

from bot.deps import iso
from bot.domain import status_history as history
from bot.domain.roster import AlsRecord
from bot.domain.status import AlsStatus
from bot.i18n import language_or_default
from bot.region import Region
from bot.services import roster as roster_service
from bot.services.outbox import queue_for, reachable
from bot.services.status.reading import policy_of, statuses
from bot.services.status.record import (
    Correction,
    Run,
    correction_reason,
    judge_past,
    record_today,
)
from bot.settings import Settings
from bot.store import audit_log
from bot.store import meetings as meeting_store
from bot.store import outbox as outbox_store
from bot.store import roster as roster_store
from bot.store import status as status_store
from bot.store.transaction import transaction
from bot.texts import notices
from bot.texts.meetings import zoom_link
from bot.texts.notices import NextCall, Way


@dataclass
class RefreshReport:
    changed: list[AlsStatus] = field(default_factory=list)
    warned: list[AlsStatus] = field(default_factory=list)
    past: list[tuple[AlsStatus, list[history.Spell]]] = field(default_factory=list)
    corrected: list[tuple[AlsStatus, Correction]] = field(default_factory=list)
    queued: int = 0
    behind: datetime | None = None  # nothing done: statuses were recorded up to this later moment
    statuses: list[AlsStatus] = field(default_factory=list)  # every ALS's, as judged and recorded


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
    current = report.statuses = await statuses(conn, region, now)
    async with transaction(conn):
        run = await _start(conn, region, settings, now, actor)
        for item in current:
            await _refresh_als(conn, run, item, report)
        if report.changed or report.past or report.corrected or report.warned:
            report.queued += await _digest(conn, run, report)
    return report


async def _start(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime, actor: str
) -> Run:
    return Run(
        region=region,
        settings=settings,
        now=now,
        actor=actor,
        policy=dataclasses.asdict(policy_of(region)),
        people=await roster_store.people_by_als(conn),
        previous=await status_store.last_states(conn),
        judged=await status_store.judgements(conn),
        years=await status_store.recorded_inactive_years(conn),
        told=await status_store.told(conn),
        languages=dict(await roster_service.languages_by_email(conn, region)),
        next_call=await _next_call(conn, region, now),
    )


async def _next_call(conn: aiosqlite.Connection, region: Region, now: datetime) -> NextCall | None:
    """The next monthly call, not cancelled: what a notice tells the ALS to do next."""
    for meeting in await meeting_store.since(conn, iso(now)):
        if meeting["kind"] == "monthly" and not meeting.get("cancelled_at"):
            start = datetime.fromisoformat(meeting["start_at"])
            title = meeting["title"]  # None: the notice names "the monthly call" in its words
            url = meeting.get("url")  # the meeting's own link, once recorded
            link = url if isinstance(url, str) and url else zoom_link(meeting["zoom_id"])
            return NextCall(start, title, link)
    return None


def _way(run: Run, als: AlsRecord) -> Way:
    country = run.region.countries.get(als.country)
    return Way(
        next_call=run.next_call,
        contact=run.settings.secretariat_contact,
        zones=country.zones if country else (),
        missed_limit=int(str(run.policy.get("consecutive_missed_calls", 3))),
    )


async def _to_each(
    conn: aiosqlite.Connection,
    run: Run,
    key: str,
    reps: list[tuple[str, str | None]],
    als: AlsRecord,
    build: Callable[[list[str]], dict[str, Any]],
) -> int:
    """One message per representative, in that person's language (issue 18): theirs as
    recorded, else the ALS's, else the region's first; the same key, so each is queued once."""
    queued = 0
    for email, slack in reps:
        lang = language_or_default(run.languages.get(email) or als.language, run.settings.language)
        queued += await queue_for(conn, run.settings, key, [(email, slack)], build([lang]), run.now)
    return queued


async def _refresh_als(
    conn: aiosqlite.Connection, run: Run, item: AlsStatus, report: RefreshReport
) -> None:
    """One ALS: its past judged again, today's state recorded, the calendar years it was inactive
    kept (office eligibility), and what it must be told queued."""
    correction, found = await judge_past(conn, run, item)
    if correction is not None:
        report.corrected.append((item, correction))
    if found:
        report.past.append((item, found))
    if await record_today(conn, run, item):
        report.changed.append(item)
    years = set(item.status.inactive_years)
    await status_store.set_inactive_years(conn, item.als.als_id, years, run.now.year, iso(run.now))
    report.queued += await _tell_state(conn, run, item)
    report.queued += await _warn(conn, run, item, report)


async def _tell_state(conn: aiosqlite.Connection, run: Run, item: AlsStatus) -> int:
    """The notice of a state seed 003 asks for ("The concerned ALSes will be notified of the
    change of their status"), and no more: see bot/domain/status_history.py."""
    als, status = item.als, item.status
    reps = roster_store.representatives(run.people, als.als_id)
    told = run.told.get(als.als_id)
    due = history.notice_due(status.state, status.since, told, history.stored_spells(status.spells))
    if due is None or not reachable(run.settings, reps):
        return 0
    was = told if due is history.Notice.CORRECTION else None
    way = _way(run, als)
    # An earlier notice still waiting in the outbox says what no longer holds: never send it.
    for kind in history.Notice:
        await outbox_store.withdraw(conn, f"{kind.value}:{als.als_id}:", "superseded")
    key = f"{due.value}:{als.als_id}:{status.state.value}:{status.since}"
    queued = await _to_each(
        conn,
        run,
        key,
        reps,
        als,
        lambda langs: notices.status_notice(als, status, langs, run.region.ralo, was, way),
    )
    since = status.since.isoformat() if status.since else None
    await status_store.record_told(conn, als.als_id, status.state.value, since, iso(run.now))
    return queued


async def _warn(
    conn: aiosqlite.Connection, run: Run, item: AlsStatus, report: RefreshReport
) -> int:
    """An early warning, once per run of missed calls, while the last miss is recent."""
    als, status = item.als, item.status
    last_missed = status.missed_call_dates[-1] if status.missed_call_dates else None
    window = run.settings.notice_window_days
    if not (status.early_warning and history.recent(last_missed, run.now, window)):
        return 0
    reps = roster_store.representatives(run.people, als.als_id)
    way = _way(run, als)
    key = f"warning:{als.als_id}:{status.missed_call_dates[0]}"  # once per run of misses
    queued = await _to_each(
        conn,
        run,
        key,
        reps,
        als,
        lambda langs: notices.warning_notice(als, status, langs, run.region.ralo, way),
    )
    if queued:  # the Secretariat's digest names the warnings sent, once
        report.warned.append(item)
    return queued


async def _digest(conn: aiosqlite.Connection, run: Run, report: RefreshReport) -> int:
    """One summary per refresh for the Secretariat: today's changes, past changes found, and
    corrections of earlier judgements."""
    secretariat = roster_store.secretariat(run.people)
    day = iso(run.now)[:10]
    payload = notices.digest(
        [(c.als, c.status) for c in report.changed],
        [(item.als, history.spell_reasons(found)) for item, found in report.past],
        [(item.als, correction_reason(c)) for item, c in report.corrected],
        list(run.region.announcement_languages),
        run.region.ralo,
        day,
        [(w.als, w.status) for w in report.warned],
        str(await audit_log.head(conn)),  # issue 20: the audit head in every digest
    )
    fingerprint = hashlib.sha256(payload["text"].encode()).hexdigest()[:16]
    return await queue_for(
        conn, run.settings, f"digest:{day}:{fingerprint}", secretariat, payload, run.now
    )
