"""The evidence an ALS's status rests on -- the monthly calls and every participation -- and the
sweep that moves criteria A (calls missed in a row) and B (a period without participation) through
time, from the end of the grace year to the date judged.

Rules of Procedure, auxiliary rule to Rule 1 (seed 003); the readings of its criteria (PRODUCT.md,
"Rule readings") are listed in bot/domain/status.py. Pure: times are aware datetimes (UTC).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from bot.domain.status_policy import StatusPolicy, add_years

# An inactive spell as moments: (start, end; None while it lasts); stored as ISO text, it is
# bot.domain.status_history.Spell.
InactiveSpell = tuple[datetime, datetime | None]


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


@dataclass
class Sweep:
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


def change_points(
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


def inactive_spells(sweep: Sweep, points: Iterable[datetime]) -> list[InactiveSpell]:
    """Sweep through the change points: inactive while the criteria hold, active again as soon as
    they do not (a call attended ends the run of misses; any participation ends an empty period)."""
    spells: list[InactiveSpell] = []
    for moment in points:
        sweep.advance(moment)
        now_inactive = sweep.inactive(moment)
        open_spell = bool(spells) and spells[-1][1] is None
        if now_inactive and not open_spell:
            spells.append((moment, None))
        elif not now_inactive and open_spell:
            spells[-1] = (spells[-1][0], moment)
    return spells
