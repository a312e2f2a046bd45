"""What a refresh records (Rules of Procedure, auxiliary rule to Rule 1, seed 003; issue 13): a
change of today's state, past changes found afterwards, and corrections of earlier judgements of
the past -- each recorded with its reasons and audited. History is derived from the evidence, so a
judgement of the past that no longer holds is corrected, never silently rewritten."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import aiosqlite

from bot.deps import iso
from bot.domain import status_history as history
from bot.domain.reasons import Reason
from bot.domain.status import AlsStatus
from bot.region import Region
from bot.settings import Settings
from bot.store import audit_log
from bot.store import status as status_store
from bot.store.roster import Contact
from bot.texts.notices import NextCall


@dataclass(frozen=True, kw_only=True)
class Run:
    """What one refresh works with, read once: its settings, and what was recorded before it."""

    region: Region
    settings: Settings
    now: datetime
    actor: str
    policy: dict[str, object]
    people: dict[str | None, list[Contact]]
    previous: dict[str, tuple[str, str]]  # ALS id -> (state, effective_on) last recorded
    judged: dict[str, status_store.Judgement]  # ALS id -> the judgement of the past kept
    years: dict[str, set[int]]  # ALS id -> the calendar years recorded inactive
    told: dict[str, history.Told]  # ALS id -> what it was last told
    languages: dict[str, str | None] = field(default_factory=dict)  # e-mail -> its language
    next_call: NextCall | None = None  # the next monthly call, for "what to do next"


@dataclass(frozen=True)
class Correction:
    """A judgement of the past that changed: spells before and after, and the evidence."""

    before: tuple[history.Spell, ...]
    after: tuple[history.Spell, ...]
    evidence: dict[str, dict[str, list[str]]]
    effective_on: str


async def judge_past(
    conn: aiosqlite.Connection, run: Run, item: AlsStatus
) -> tuple[Correction | None, list[history.Spell]]:
    """Compare today's judgement of the past with the last one recorded; keep today's. The
    correction of what was judged before, and the past changes found since, are recorded."""
    als_id, now = item.als.als_id, iso(run.now)
    before = run.judged.get(als_id)
    after = status_store.Judgement(
        spells=history.stored_spells(item.status.spells),
        evidence=history.evidence(item.facts, run.now),
        judged_until=now,
    )
    correction = _correction(item, before, after, run.years.get(als_id, set()), run.now)
    if correction is not None:
        await _record_correction(conn, run, item, correction)
    found = history.found_later(
        before.spells if before else (), after.spells, before.judged_until if before else None
    )
    if found:
        await _record_past(conn, run, als_id, found)
    await status_store.save_judgement(conn, als_id, after, now)
    return correction, found


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


def correction_reason(correction: Correction) -> Reason:
    return Reason(
        "status.reason.correction",
        {
            "before": history.spell_reasons(correction.before),
            "after": history.spell_reasons(correction.after),
            "evidence": history.evidence_reasons(correction.evidence),
        },
    )


async def _record_correction(
    conn: aiosqlite.Connection, run: Run, item: AlsStatus, correction: Correction
) -> None:
    """The corrected judgement, effective from the first day it differs, and its audit entry with
    the evidence that changed."""
    als_id, state, now = item.als.als_id, item.status.state.value, iso(run.now)
    reasons = [correction_reason(correction).as_dict()]
    effective_on = correction.effective_on[:10]
    await status_store.record_change(
        conn, als_id, state, effective_on, reasons, run.policy, now, kind="correction"
    )
    data = {
        "before": correction.before,
        "after": correction.after,
        "evidence": correction.evidence,
        "state": state,
    }
    await audit_log.append(conn, now, run.actor, "status.correction", als_id, data)


async def _record_past(
    conn: aiosqlite.Connection, run: Run, als_id: str, found: list[history.Spell]
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


async def record_today(conn: aiosqlite.Connection, run: Run, item: AlsStatus) -> bool:
    """Record a change of today's state (audited); True when it is news for the Secretariat: a
    change, or a first record that is bad news (a first 'active' is no change)."""
    status = item.status
    before = run.previous.get(item.als.als_id)
    now = iso(run.now)
    since = status.since.isoformat() if status.since else now[:10]
    if before is not None and before[0] == status.state.value:
        return False
    reasons = [r.as_dict() for r in status.reasons]
    await status_store.record_change(
        conn, item.als.als_id, status.state.value, since, reasons, run.policy, now
    )
    data = {
        "from": before[0] if before else None,
        "to": status.state.value,
        "since": since,
        "reasons": reasons,
    }
    await audit_log.append(conn, now, run.actor, "status.change", item.als.als_id, data)
    return before is not None or status.state in history.BAD
