"""Active and inactive ALSs: the Rules of Procedure, auxiliary rule to Rule 1 (seed 003).

"ALSes that through their delegates, have either not participated in three (3) consecutive monthly
LACRALO telconferences, not participated in the mailing lists of the different working groups or
via other participation mechanisms [...] during a period of one (1) calendar year, will be
considered inactive ALSes. Inactive ALSes will loose their right to vote and will be eliminated
from the quorum [...] they can recover their right to vote, and their active status, if within the
year following the loss of their right to vote, they resume participation [...] Otherwise, the
Chair and the LACRALO Secretary, can request [...] the de-authorization of said ALSes." Candidates
and delegates cannot come "from an ALS which has been inactive in that year or the preceding year".
"Newly incorporated ALSes will have one (1) year from their entry [...] The evaluation [...] does
not start before the end of this first year." Rule 1.2: an ALS not yet accredited is an observer.

Readings (PRODUCT.md, "Rule readings"), each a setting of the region file:
- criterion A (calls): the last `consecutive_missed_calls` monthly calls held since the evaluation
  started were all missed; an ALS attended a call when any of its people joined it.
- criterion B (no participation), `window`: `calendar-year` -- no part at all in the last complete
  calendar year and none since; `rolling-12-months` -- none in the 12 months before the date. Every
  kind of participation counts, calls included. The period must lie after the evaluation started.
- `criteria`: `any` -- inactive when either holds (the text's "or"); `all` -- when both hold.
- inactive while the criteria hold; active again as soon as they do not (a call attended ends the
  run of misses; any participation ends an empty period). Inactive without interruption for longer
  than `recovery_years`: decertification-eligible.
- office: not inactive at any time in the current or the preceding calendar year.

The evidence and the sweep of criteria A and B: bot/domain/status_sweep.py; the reasons:
bot/domain/status_reasons.py. Pure: no I/O, no clock, no translation. Times are aware datetimes
(UTC); reasons are Reasons.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.domain.reasons import Reason
from bot.domain.roster import AlsRecord
from bot.domain.status_policy import StatusPolicy, add_years, start_of
from bot.domain.status_reasons import unrecorded, why_active, why_inactive
from bot.domain.status_sweep import (
    AlsFacts,
    Call,
    InactiveSpell,
    Sweep,
    change_points,
    inactive_spells,
)

__all__ = [
    "RULE",
    "SEVERITY",
    "AlsFacts",
    "Call",
    "State",
    "Status",
    "evaluate",
    "inactive_years",
]

RULE = "Rules of Procedure, auxiliary rule to Rule 1"


class State(enum.StrEnum):
    OBSERVER = "observer"
    NEW = "new"
    ACTIVE = "active"
    INACTIVE = "inactive"
    DECERTIFICATION_ELIGIBLE = "decertification-eligible"


# How bad a state is, for comparisons (a property test: more participation never makes it worse).
SEVERITY = {
    State.OBSERVER: 0,
    State.NEW: 0,
    State.ACTIVE: 0,
    State.INACTIVE: 1,
    State.DECERTIFICATION_ELIGIBLE: 2,
}


@dataclass(frozen=True, kw_only=True)
class Status:
    state: State
    since: date | None
    missed_consecutive_calls: int
    missed_call_dates: tuple[date, ...]
    last_participation: datetime | None
    can_vote: bool
    counts_for_quorum: bool
    eligible_for_office: bool
    early_warning: bool
    inactive_years: frozenset[int]
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    # Monthly calls since the evaluation started with no attendance evidence (not counted).
    unrecorded_calls: tuple[date, ...] = ()
    # The judgement of the past: every inactive spell since the evaluation started (end None: open).
    spells: tuple[InactiveSpell, ...] = ()


def evaluate(facts: AlsFacts, as_of: datetime, policy: StatusPolicy) -> Status:
    """The ALS's status at `as_of`, with the reasons that decide it."""
    parts = sorted(p for p in facts.participation if p <= as_of)
    last_part = parts[-1] if parts else None
    if facts.accredited_on is None or start_of(facts.accredited_on) > as_of:
        return _plain(State.OBSERVER, None, last_part, (Reason("status.reason.observer"),))
    eval_start = add_years(start_of(facts.accredited_on), policy.grace_years)
    if as_of < eval_start:
        reason = Reason(
            "status.reason.grace",
            {"accredited_on": facts.accredited_on, "until": eval_start.date()},
        )
        return _plain(State.NEW, facts.accredited_on, last_part, (reason,))
    records = facts.records_since
    if records is not None and records > eval_start:
        eval_start = min(records, as_of)
    calls = sorted((c for c in facts.calls if c.start <= as_of), key=lambda c: c.start)
    sweep = Sweep(policy=policy, eval_start=eval_start, calls=calls, parts=parts)
    spells = inactive_spells(sweep, change_points(facts, eval_start, as_of, policy))
    status = _judge(policy, as_of, sweep, spells, eval_start)
    if records is not None and records == eval_start:
        note = Reason("status.reason.records_since", {"date": eval_start.date()})
        status = replace(status, reasons=(*status.reasons[:-1], note, status.reasons[-1]))
    return status


def inactive_years(spells: Iterable[InactiveSpell], as_of: datetime) -> set[int]:
    """The calendar years in which the ALS was inactive at some moment (office eligibility)."""
    years: set[int] = set()
    for start, end in spells:
        years.update(range(start.year, (end or as_of).year + 1))
    return years


def _plain(
    state: State, since: date | None, last_part: datetime | None, reasons: tuple[Reason, ...]
) -> Status:
    """Observer or new: no evaluation yet, so nothing inactive on record. A new ALS counts as
    active (its grace year) and may stand for office; an observer may not."""
    votes = state is State.NEW
    if state is State.OBSERVER:
        reasons = (*reasons, Reason("status.reason.observer_office"))
    return Status(
        state=state,
        since=since,
        missed_consecutive_calls=0,
        missed_call_dates=(),
        last_participation=last_part,
        can_vote=votes,
        counts_for_quorum=votes,
        eligible_for_office=votes,
        early_warning=False,
        inactive_years=frozenset(),
        reasons=reasons,
    )


def _judge(
    policy: StatusPolicy,
    as_of: datetime,
    sweep: Sweep,
    spells: list[InactiveSpell],
    eval_start: datetime,
) -> Status:
    """Today's status from the spells swept: inactive while the last one is open, else active."""
    years = inactive_years(spells, as_of)
    if spells and spells[-1][1] is None:
        state, since, reasons = _inactive(policy, as_of, sweep, spells[-1][0])
    else:
        state, since, reasons = _active(policy, sweep, spells, eval_start)
    # Seed 003: no candidate or delegate "from an ALS which has been inactive in that year or the
    # preceding year".
    barred = sorted({as_of.year, as_of.year - 1} & years)
    reasons.extend(_notes(policy, sweep, barred))
    votes = state is State.ACTIVE
    run = len(sweep.run)
    warn = votes and policy.early_warning_missed_calls <= run < policy.consecutive_missed_calls
    return Status(
        state=state,
        since=since.date(),
        missed_consecutive_calls=run,
        missed_call_dates=tuple(sweep.run),
        last_participation=sweep.last_part,
        can_vote=votes,
        counts_for_quorum=votes,
        eligible_for_office=not barred,
        early_warning=warn,
        inactive_years=frozenset(years),
        reasons=tuple(reasons),
        unrecorded_calls=tuple(sweep.unrecorded),
        spells=tuple(spells),
    )


def _notes(policy: StatusPolicy, sweep: Sweep, barred: list[int]) -> list[Reason]:
    """What follows the state's reasons: the calls not counted (issue 13), the years that bar
    office, and the reading of the rule applied (the region's settings)."""
    notes = [unrecorded(sweep.unrecorded)] if sweep.unrecorded else []
    if barred:
        notes.append(Reason("status.reason.office", {"years": barred}))
    return [*notes, Reason("status.reason.reading", policy.reading())]


def _inactive(
    policy: StatusPolicy, as_of: datetime, sweep: Sweep, since: datetime
) -> tuple[State, datetime, list[Reason]]:
    """Inactive since the open spell began; decertification-eligible once that has lasted longer
    than `recovery_years` (seed 003: the vote is recovered "within the year following" its loss,
    "otherwise" the Chair and the Secretary can request the de-authorization)."""
    until = add_years(since, policy.recovery_years)
    decert = until < as_of
    state = State.DECERTIFICATION_ELIGIBLE if decert else State.INACTIVE
    key = "status.reason.decertification" if decert else "status.reason.recover_by"
    dates = Reason(key, {"since": since.date(), "until": until.date()})
    return state, since, [*why_inactive(sweep, policy, as_of), dates]


def _active(
    policy: StatusPolicy, sweep: Sweep, spells: list[InactiveSpell], eval_start: datetime
) -> tuple[State, datetime, list[Reason]]:
    """Active since the last spell ended (recovered), else since the evaluation started."""
    since = spells[-1][1] if spells and spells[-1][1] else eval_start
    reasons = [why_active(sweep, policy)]
    if spells:
        reasons.append(Reason("status.reason.recovered", {"on": since.date()}))
    return State.ACTIVE, since, reasons


@dataclass(frozen=True)
class AlsStatus:
    """An ALS, its status, and the facts it was judged on (for the history's evidence)."""

    als: AlsRecord
    status: Status
    facts: AlsFacts
