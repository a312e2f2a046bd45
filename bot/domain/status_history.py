"""The status history as a judgement of the past that follows the evidence (issue 13), and who is
told what (Rules of Procedure, auxiliary rule to Rule 1, seed 003: "The concerned ALSes will be
notified of the change of their status").

History is derived, not frozen: each refresh judges the whole record again. When the judgement of a
period already judged changes (a late Zoom report, a back-filled archive, a call cancelled), that is
a correction, recorded with the evidence that changed. Notices follow three rules:
- an ALS that is inactive or decertification-eligible now is told so once, however old the change;
- an ALS told a state earlier is told once when its state differs from it (a correction when the
  judgement it was told no longer holds);
- nobody is told only that it is active when it was never told anything.

Pure: spells are datetimes; stored forms are ISO strings; reasons are Reasons.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.reasons import Reason
from bot.domain.status import State
from bot.domain.status_sweep import AlsFacts

Spell = tuple[str, str | None]  # ISO start and end of an inactive spell (end None: still open)
BAD = (State.INACTIVE, State.DECERTIFICATION_ELIGIBLE)


def stored_spells(spells: Iterable[tuple[datetime, datetime | None]]) -> tuple[Spell, ...]:
    return tuple((start.isoformat(), end.isoformat() if end else None) for start, end in spells)


def clip(spells: Iterable[Spell], until: str) -> tuple[Spell, ...]:
    """The judgement of the time up to `until`: spells begun by then, open if they had not ended.

    ISO strings of UTC times compare in time order, so plain string comparison is enough."""
    return tuple(
        (start, end if end is not None and end <= until else None)
        for start, end in spells
        if start <= until
    )


def corrected(before: Sequence[Spell], after: Sequence[Spell], until: str) -> bool:
    """Whether the judgement of the past up to `until` changed."""
    return clip(before, until) != clip(after, until)


def found_later(before: Sequence[Spell], after: Sequence[Spell], until: str | None) -> list[Spell]:
    """Spells begun and ended after the last judgement (or before a first one): past changes
    nobody was told of, recorded for the history and the Secretariat only."""
    known = {start for start, _ in before}
    return [
        (start, end)
        for start, end in after
        if end is not None and start not in known and (until is None or start > until)
    ]


def first_difference(before: Sequence[Spell], after: Sequence[Spell], until: str) -> str:
    """The earliest moment whose judgement changed, for the history's `effective_on`."""
    old, new = set(clip(before, until)), set(clip(after, until))
    moments = [m for spell in old ^ new for m in spell if m is not None]
    return min(moments) if moments else until


def spell_reasons(spells: Sequence[Spell]) -> list[Reason]:
    """Spells in words: 'inactive from 14 Mar 2023 to 9 Jun 2023'; never inactive: one reason."""
    if not spells:
        return [Reason("status.spell.none")]
    return [
        Reason("status.spell.closed", {"from": _day(start), "to": _day(end)})
        if end
        else Reason("status.spell.open", {"from": _day(start)})
        for start, end in spells
    ]


def _day(moment: str) -> date:
    return datetime.fromisoformat(moment).date()


def _month(text: str) -> Reason:
    """'2026-10' -> 'Oct 2026' in the reader's language."""
    year, month = text.split("-")
    return Reason(
        "common.month_year", {"month": Reason(f"common.month.{int(month)}"), "year": year}
    )


# --- the evidence a judgement rests on ---------------------------------------------------------

EVIDENCE_KINDS = ("attended", "missed", "unrecorded", "participation")


def evidence(facts: AlsFacts, as_of: datetime) -> dict[str, list[str]]:
    """What the judgement rests on, small enough to keep: the dates of the monthly calls attended,
    missed and without attendance data, and the months with any participation."""
    calls = [c for c in facts.calls if c.start <= as_of]
    return {
        "attended": sorted({c.start.date().isoformat() for c in calls if c.attended}),
        "missed": sorted(
            {c.start.date().isoformat() for c in calls if c.recorded and not c.attended}
        ),
        "unrecorded": sorted(
            {c.start.date().isoformat() for c in calls if not c.recorded and not c.attended}
        ),
        "participation": sorted({p.strftime("%Y-%m") for p in facts.participation if p <= as_of}),
    }


def evidence_changes(
    before: Mapping[str, Sequence[str]], after: Mapping[str, Sequence[str]], until: str
) -> dict[str, dict[str, list[str]]]:
    """What changed in the evidence of the period up to `until`: per kind, added and removed."""
    changes: dict[str, dict[str, list[str]]] = {}
    for kind in EVIDENCE_KINDS:
        limit = until[:7] if kind == "participation" else until[:10]
        old = {x for x in before.get(kind, ()) if x <= limit}
        new = {x for x in after.get(kind, ()) if x <= limit}
        if old != new:
            changes[kind] = {"added": sorted(new - old), "removed": sorted(old - new)}
    return changes


def evidence_reasons(changes: Mapping[str, Mapping[str, Sequence[str]]]) -> list[Reason]:
    """The changed evidence in words, one reason per kind and direction."""
    found = []
    for kind in EVIDENCE_KINDS:
        for direction in ("added", "removed"):
            items = list(changes.get(kind, {}).get(direction, ()))
            if items:
                shown = [_day(x) if len(x) == 10 else _month(x) for x in items]
                found.append(Reason(f"status.evidence.{kind}_{direction}", {"items": shown}))
    return found or [Reason("status.evidence.none")]


# --- who is told what --------------------------------------------------------------------------


class Notice(enum.StrEnum):
    STATUS = "status"  # the current state and since when
    CORRECTION = "correction"  # the same, saying that what the ALS was told earlier was wrong


@dataclass(frozen=True)
class Told:
    state: str
    since: str | None  # ISO date


def notice_due(
    state: State, since: date | None, told: Told | None, spells: Sequence[Spell]
) -> Notice | None:
    """Which notice an ALS gets now, if any (see the module's docstring)."""
    if told is None:
        return Notice.STATUS if state in BAD else None
    if (told.state, told.since) == (state.value, since.isoformat() if since else None):
        return None
    return Notice.STATUS if told_holds(told, spells) else Notice.CORRECTION


def told_holds(told: Told, spells: Sequence[Spell]) -> bool:
    """Whether what the ALS was told still stands in today's judgement of the past: a spell
    still begins on the day it was told it became inactive, or still ends on the day it was told
    it recovered."""
    if told.since is None:
        return True
    if told.state in {s.value for s in BAD}:
        return any(start[:10] == told.since for start, _ in spells)
    if told.state == State.ACTIVE.value:
        return any(end is not None and end[:10] == told.since for _, end in spells)
    return True


def recent(day: date | None, now: datetime, window_days: int) -> bool:
    """A change dated `day` is news within `window_days` of it (LACRALO_NOTICE_WINDOW_DAYS)."""
    return day is not None and now.date() - day <= timedelta(days=window_days)
