"""A small chart of an ALS's monthly calls over the last 24 months: one mark per month, as inline
SVG with a text alternative (issue 18.4).

The marks come from the very evidence the status rule reads (bot/domain/status_sweep.py `Call`:
cancelled calls left out, a call whose attendance is unknown neither attended nor missed), so the
chart never tells a different story from the state beside it. Pure: no I/O; words from the locales.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from markupsafe import Markup, escape

from bot.domain.status_sweep import Call
from bot.i18n import t

MONTHS = 24
SLOT = 8  # px per month
HEIGHT = 16


class Mark(enum.StrEnum):
    ATTENDED = "attended"
    MISSED = "missed"
    UNRECORDED = "unrecorded"  # a call held, its attendance not known
    NO_CALL = "no-call"  # no monthly call held that month (cancelled ones are not held)
    NOT_ACCREDITED = "not-accredited"  # before accreditation: nothing was asked of the ALS


@dataclass(frozen=True)
class Month:
    year: int
    month: int
    mark: Mark

    def label(self, lang: str) -> str:
        return t(
            "common.month_year", lang, month=t(f"common.month.{self.month}", lang), year=self.year
        )


def window(calls: Iterable[Call], as_of: datetime, count: int = MONTHS) -> list[tuple[int, int]]:
    """The `count` months ending with this month when its call has been held, else with the last
    one (a call still to come is not a month without a call)."""
    year, month = as_of.year, as_of.month
    if not any((c.start.year, c.start.month) == (year, month) for c in calls):
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    months = []
    for _ in range(count):
        months.append((year, month))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def months(
    calls: Sequence[Call], accredited_on: date | None, as_of: datetime, count: int = MONTHS
) -> list[Month]:
    """One mark per month, oldest first. Of several calls in a month, one attended is enough."""
    held: dict[tuple[int, int], list[Call]] = {}
    for call in calls:
        if call.start <= as_of:
            held.setdefault((call.start.year, call.start.month), []).append(call)
    return [
        Month(y, m, _mark(held.get((y, m), []), _accredited(y, m, accredited_on)))
        for y, m in window(calls, as_of, count)
    ]


def _accredited(year: int, month: int, accredited_on: date | None) -> bool:
    """Whether the ALS was accredited by the end of that month (Rule 1.2: before, an observer)."""
    return accredited_on is not None and (accredited_on.year, accredited_on.month) <= (year, month)


def _mark(calls: list[Call], accredited: bool) -> Mark:
    if any(c.attended for c in calls):
        return Mark.ATTENDED
    if not accredited:
        return Mark.NOT_ACCREDITED
    if any(c.recorded for c in calls):
        return Mark.MISSED
    return Mark.UNRECORDED if calls else Mark.NO_CALL


def summary(marks: Sequence[Month], lang: str) -> str:
    """The chart in words (its text alternative): attended out of the calls whose attendance is
    known, then how many months had no record, no call, or came before accreditation."""
    if not marks:
        return ""
    tally = {kind: sum(1 for m in marks if m.mark is kind) for kind in Mark}
    parts = [
        t(
            "pages.status.chart.summary",
            lang,
            first=marks[0].label(lang),
            last=marks[-1].label(lang),
            attended=tally[Mark.ATTENDED],
            recorded=tally[Mark.ATTENDED] + tally[Mark.MISSED],
        )
    ]
    for kind in (Mark.UNRECORDED, Mark.NO_CALL, Mark.NOT_ACCREDITED):
        if tally[kind]:
            parts.append(t(f"pages.status.chart.count.{kind.value}", lang, count=tally[kind]))
    return "; ".join(parts) + "."


_SHAPES = {
    # Told apart by shape as well as colour: a full bar, an empty frame, a pale bar, a low line, a
    # dot; {a}, {b}, {c}: where in its slot each starts (or is centred).
    Mark.ATTENDED: '<rect x="{a}" y="1" width="6" height="14" fill="#2e7d32"',
    Mark.MISSED: '<rect x="{b}" y="1.5" width="5" height="13" fill="#fff" stroke="#c62828"',
    Mark.UNRECORDED: '<rect x="{a}" y="1" width="6" height="14" fill="#cfcfcf"',
    Mark.NO_CALL: '<rect x="{a}" y="13" width="6" height="2" fill="#888"',
    Mark.NOT_ACCREDITED: '<circle cx="{c}" cy="8" r="1.5" fill="#aaa"',
}


def _shape(mark: Mark, x: int, tooltip: str = "") -> str:
    """One mark in the slot at `x`, with its tooltip (an SVG `<title>`) if any."""
    tag = "circle" if mark is Mark.NOT_ACCREDITED else "rect"
    start = _SHAPES[mark].format(a=x + 1, b=x + 1.5, c=x + 4)
    inner = f"<title>{escape(tooltip)}</title>" if tooltip else ""
    return f'{start} class="mark {mark.value}">{inner}</{tag}>'


def mark_word(mark: Mark, lang: str) -> str:
    return t(f"pages.status.chart.mark.{mark.value}", lang)


def svg(marks: Sequence[Month], lang: str) -> Markup:
    """The chart: an image whose name is its summary; each mark says its month in a tooltip."""
    alt = escape(summary(marks, lang))
    width = SLOT * len(marks)
    shapes = "".join(
        _shape(m.mark, i * SLOT, f"{m.label(lang)}: {mark_word(m.mark, lang)}")
        for i, m in enumerate(marks)
    )
    return Markup(
        f'<svg class="calls" role="img" aria-label="{alt}" width="{width}" height="{HEIGHT}"'
        f' viewBox="0 0 {width} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{alt}</title>{shapes}</svg>"
    )


def legend(lang: str) -> list[tuple[Markup, str]]:
    """Each kind of mark drawn once, with its word: the key printed above the charts."""
    return [
        (
            Markup(
                f'<svg class="legend" aria-hidden="true" width="{SLOT}" height="{HEIGHT}"'
                f' viewBox="0 0 {SLOT} {HEIGHT}" xmlns="http://www.w3.org/2000/svg">'
                f"{_shape(kind, 0)}</svg>"
            ),
            mark_word(kind, lang),
        )
        for kind in Mark
    ]
