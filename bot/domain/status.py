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

Pure: no I/O, no clock, no translation. Times are aware datetimes (UTC); reasons are Reasons.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import Any

from bot.domain.reasons import Reason
from bot.domain.status_policy import StatusPolicy, add_years, start_of

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


@dataclass(frozen=True)
class Call:
    """A monthly LACRALO call, whether any of the ALS's people joined it, and whether its
    attendance is known at all. An unrecorded call (no join, no end, no Secretariat record) is
    neither attended nor missed: it neither breaks nor extends a run of misses (issue 13)."""

    start: datetime
    attended: bool
    recorded: bool = True


@dataclass(frozen=True)
class AlsFacts:
    accredited_on: date | None
    calls: tuple[Call, ...] = ()
    participation: tuple[datetime, ...] = ()  # every kind, calls included
    # Where the participation record starts (the bot's first data, or a back-filled archive):
    # before it, absence of records is not absence of participation, so nothing is judged.
    records_since: datetime | None = None


@dataclass(frozen=True)
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
    spells: tuple[tuple[datetime, datetime | None], ...] = ()


@dataclass
class _Sweep:
    """The state of criteria A and B at one moment, moved forward in time."""

    policy: StatusPolicy
    eval_start: datetime
    calls: list[Call]
    parts: list[datetime]
    next_call: int = 0
    next_part: int = 0
    run: list[date] = field(default_factory=list)  # dates of the calls missed in a row
    last_part: datetime | None = None
    unrecorded: list[date] = field(default_factory=list)  # calls with no attendance evidence

    def advance(self, moment: datetime) -> None:
        while self.next_call < len(self.calls) and self.calls[self.next_call].start <= moment:
            call = self.calls[self.next_call]
            self.next_call += 1
            if call.start < self.eval_start:
                continue  # the grace year: "the evaluation [...] does not start before its end"
            if call.attended:
                self.run = []  # a join is evidence enough, whatever else is known of the call
            elif not call.recorded:
                self.unrecorded.append(call.start.date())  # unknown: neither breaks nor extends
            else:
                self.run = [*self.run, call.start.date()]
        while self.next_part < len(self.parts) and self.parts[self.next_part] <= moment:
            self.last_part = self.parts[self.next_part]
            self.next_part += 1

    def criterion_a(self) -> bool:
        return len(self.run) >= self.policy.consecutive_missed_calls

    def empty_period_start(self, moment: datetime) -> datetime | None:
        """Criterion B: the start of the period without participation, or None when it fails."""
        if self.policy.window == "calendar-year":
            start = datetime(moment.year - 1, 1, 1, tzinfo=UTC)  # the last complete calendar year
            took_part = self.last_part is not None and self.last_part >= start
        else:
            start = add_years(moment, -1)  # the 12 months before: (start, moment]
            took_part = self.last_part is not None and self.last_part > start
        if start < self.eval_start or took_part:
            return None  # judged only when wholly after the evaluation started, and empty
        return start

    def inactive(self, moment: datetime) -> bool:
        a, b = self.criterion_a(), self.empty_period_start(moment) is not None
        return (a or b) if self.policy.criteria == "any" else (a and b)


def _change_points(
    facts: AlsFacts, eval_start: datetime, as_of: datetime, policy: StatusPolicy
) -> list[datetime]:
    """Every moment at which a criterion can start or stop holding, up to `as_of`."""
    points = {eval_start, as_of}
    points.update(c.start for c in facts.calls)
    points.update(facts.participation)
    for year in range(eval_start.year, as_of.year + 2):
        points.add(datetime(year, 1, 1, tzinfo=UTC))
    if policy.window == "rolling-12-months":
        points.update(add_years(p, 1) for p in facts.participation)
        points.add(add_years(eval_start, 1))
    return sorted(p for p in points if eval_start <= p <= as_of)


def _inactive_spells(
    sweep: _Sweep, points: Iterable[datetime]
) -> list[tuple[datetime, datetime | None]]:
    spells: list[tuple[datetime, datetime | None]] = []
    for moment in points:
        sweep.advance(moment)
        now_inactive = sweep.inactive(moment)
        open_spell = bool(spells) and spells[-1][1] is None
        if now_inactive and not open_spell:
            spells.append((moment, None))
        elif not now_inactive and open_spell:
            spells[-1] = (spells[-1][0], moment)
    return spells


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
    sweep = _Sweep(policy, eval_start, calls, parts)
    spells = _inactive_spells(sweep, _change_points(facts, eval_start, as_of, policy))
    status = _judge(policy, as_of, sweep, spells, eval_start)
    if records is not None and records == eval_start:
        note = Reason("status.reason.records_since", {"date": eval_start.date()})
        status = replace(status, reasons=(*status.reasons[:-1], note, status.reasons[-1]))
    return status


def inactive_years(spells: Iterable[tuple[datetime, datetime | None]], as_of: datetime) -> set[int]:
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
    sweep: _Sweep,
    spells: list[tuple[datetime, datetime | None]],
    eval_start: datetime,
) -> Status:
    years = inactive_years(spells, as_of)
    current = spells[-1] if spells and spells[-1][1] is None else None
    reasons: list[Reason] = []
    if current is not None:
        since = current[0]
        decert = add_years(since, policy.recovery_years) < as_of
        state = State.DECERTIFICATION_ELIGIBLE if decert else State.INACTIVE
        reasons.extend(_why_inactive(sweep, policy, as_of))
        key = "status.reason.decertification" if decert else "status.reason.recover_by"
        reasons.append(
            Reason(
                key,
                {"since": since.date(), "until": add_years(since, policy.recovery_years).date()},
            )
        )
    else:
        state = State.ACTIVE
        since = spells[-1][1] if spells and spells[-1][1] else eval_start
        reasons.append(_why_active(sweep, policy))
        if spells:
            reasons.append(Reason("status.reason.recovered", {"on": since.date()}))
    if sweep.unrecorded:
        reasons.append(_unrecorded(sweep.unrecorded))
    office = not ({as_of.year, as_of.year - 1} & years)
    if not office:
        shown = sorted({as_of.year, as_of.year - 1} & years)
        reasons.append(Reason("status.reason.office", {"years": shown}))
    reasons.append(Reason("status.reason.reading", policy.reading()))
    votes = state is State.ACTIVE
    warn = (
        votes
        and policy.early_warning_missed_calls <= len(sweep.run) < policy.consecutive_missed_calls
    )
    return Status(
        state=state,
        since=since.date(),
        missed_consecutive_calls=len(sweep.run),
        missed_call_dates=tuple(sweep.run),
        last_participation=sweep.last_part,
        can_vote=votes,
        counts_for_quorum=votes,
        eligible_for_office=office,
        early_warning=warn,
        inactive_years=frozenset(years),
        reasons=tuple(reasons),
        unrecorded_calls=tuple(sweep.unrecorded),
        spells=tuple(spells),
    )


UNRECORDED_SHOWN = 3


def _unrecorded(days: list[date]) -> Reason:
    """Calls with no attendance evidence, named so nobody reads an absence into them (issue 13)."""
    key = (
        "status.reason.unrecorded"
        if len(days) <= UNRECORDED_SHOWN
        else "status.reason.unrecorded_many"
    )
    return Reason(key, {"count": len(days), "dates": days[-UNRECORDED_SHOWN:]})


def _why_inactive(sweep: _Sweep, policy: StatusPolicy, as_of: datetime) -> list[Reason]:
    found = []
    if sweep.criterion_a():
        found.append(_missed(sweep.run, policy, "status.reason.missed_calls"))
    empty_from = sweep.empty_period_start(as_of)
    if empty_from is not None:
        key = "status.reason.no_participation_" + policy.window.split("-")[0]
        params: dict[str, Any] = {"year": empty_from.year, "from": empty_from.date()}
        if sweep.last_part is None:
            key += "_never"
        else:
            params["last"] = sweep.last_part.date()
        found.append(Reason(key, params))
    return found


def _why_active(sweep: _Sweep, policy: StatusPolicy) -> Reason:
    if sweep.run:
        return _missed(sweep.run, policy, "status.reason.active_missed")
    if sweep.last_part is None:
        return Reason("status.reason.active_never")
    return Reason("status.reason.active", {"last": sweep.last_part.date()})


def _missed(run: list[date], policy: StatusPolicy, key: str) -> Reason:
    """The calls missed in a row; a long run is told by its start and its last few dates."""
    limit = policy.consecutive_missed_calls
    params: dict[str, Any] = {"count": len(run), "dates": run[-limit:], "limit": limit}
    if len(run) > limit:
        key += "_long"
        params["first"] = run[0]
    return Reason(key, params)
