"""Participation the bot cannot see, as the Secretariat records it (issue 13).

Rules of Procedure, auxiliary rule to Rule 1 (seed 003): ALSs that have "not participated in the
mailing lists of the different working groups or via other participation mechanisms as chosen by
LACRALO, during a period of one (1) calendar year, will be considered inactive". The mechanisms the
RALO chose are the region file's `participation_kinds`; this checks one record of them before it is
stored. Like a list post it is participation in its calendar year, never attendance of a call.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from bot.domain.reasons import Reason

MAX_NOTE = 500  # characters: a line for the log, not a report
DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Control characters, and the line and paragraph separators (U+2028, U+2029) that break a line too.
LINE_BREAKING = frozenset(("Cc", "Zl", "Zp"))
# Bidirectional overrides and isolates can make a note read differently from what is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@dataclass(frozen=True)
class Activity:
    kind: str
    on: date
    note: str


def check_activity(
    kind: str, on: str, note: str, kinds: Collection[str], today: date
) -> Activity | list[Reason]:
    """The record to store, or why it is refused (every reason found, not just the first)."""
    reasons: list[Reason] = []
    if kind not in kinds:
        allowed = {"kind": kind, "allowed": list(kinds)}
        reasons.append(Reason("participation.refused.unknown_kind", allowed))
    day = _date(on, today, reasons)
    text = note.strip()
    reasons.extend(check_note(text))
    if reasons or day is None:
        return reasons
    return Activity(kind, day, text)


def check_note(text: str) -> list[Reason]:
    if not text:
        return [Reason("participation.refused.no_note")]
    if any(unicodedata.category(ch) in LINE_BREAKING or ch in BIDI_CONTROLS for ch in text):
        return [Reason("participation.refused.control_note")]
    if len(text) > MAX_NOTE:
        return [Reason("participation.refused.long_note", {"length": len(text), "max": MAX_NOTE})]
    return []


def _date(text: str, today: date, reasons: list[Reason]) -> date | None:
    try:
        day = date.fromisoformat(text) if DATE.fullmatch(text) else None
    except ValueError:
        day = None
    if day is None:
        reasons.append(Reason("participation.refused.bad_date", {"value": text}))
    elif day > today:
        reasons.append(Reason("participation.refused.future_date", {"value": text, "today": today}))
        return None
    return day
