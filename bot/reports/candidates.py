"""The public candidates page (issue 16): the nomination round in the open, by position and name.

Nominations are public (2021 elections rules, seed 002), so candidates and nominators appear by
name on purpose; everything else is ALS-level, and no e-mail address is ever shown (PRODUCT.md).
A candidacy is valid with a statement of interest and the declaration of none of the five conflicts
of interest (Operating Principles 7.1.a). The current round (periods open now, or of the current
year) is shown in full; earlier rounds in a compact table per year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from bot.domain.reasons import Reason
from bot.i18n import format_value, render, t
from bot.region import Region
from bot.reports import utc_minute
from bot.store.nominations import LIVE, RoundEntry

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class CandidateRow:
    """One nomination of the current round, in words."""

    nomination_id: int
    name: str
    als_name: str
    country: str
    nominator: str
    state: str  # the code, for the row's class
    state_label: str
    outcome: str | None  # the outcome's label
    provisional: str | None  # the note on the sub-region exception
    rule: str | None  # why it was refused
    soi_url: str | None  # http(s) only
    conflicts_declared: bool
    conflicts: str  # yes / not yet / "" (no longer in the running)
    nominated_on: str
    accepted_on: str


@dataclass(frozen=True)
class PositionRound:
    """One period of the current round: a position, where it rotates, when, and its candidates."""

    period_id: int
    code: str
    anchor: str  # the section's id
    name: str
    year: int
    vacancy: bool
    subregion: str | None  # "This seat rotates to sub-region A (…)"
    opens: str
    closes: str
    state: str  # open | upcoming | closed
    state_label: str
    outcome: str | None
    candidates: list[CandidateRow]


@dataclass(frozen=True)
class PastCandidate:
    name: str
    als_name: str
    result: str  # the outcome's label, or the state's


@dataclass(frozen=True)
class PastRound:
    code: str
    name: str
    vacancy: bool
    subregion: str
    outcome: str
    candidates: list[PastCandidate]


@dataclass(frozen=True)
class PastYear:
    year: int
    rounds: list[PastRound]


@dataclass(frozen=True)
class CandidatesPage:
    current: list[PositionRound]
    past: list[PastYear]

    @property
    def empty(self) -> bool:
        """No round at all, ever."""
        return not self.current and not self.past


def page(entries: list[RoundEntry], region: Region, now: datetime, lang: str) -> CandidatesPage:
    """The page's sections from `round_entries` (newest year first), in `lang`, as of `now`."""
    grouped: dict[int, list[RoundEntry]] = {}
    for entry in entries:
        grouped.setdefault(entry["period_id"], []).append(entry)
    order = {code: i for i, code in enumerate(region.positions)}
    current: list[PositionRound] = []
    past: dict[int, list[PastRound]] = {}
    for rows in grouped.values():
        first = rows[0]
        state = period_state(first, now)
        if state != "closed" or first["year"] >= now.year:
            current.append(_position_round(rows, state, region, lang))
        else:
            past.setdefault(first["year"], []).append(_past_round(rows, region, lang))
    current.sort(key=lambda p: (order.get(p.code, len(order)), p.vacancy, -p.year))
    return CandidatesPage(
        current=current,
        past=[PastYear(year, rounds) for year, rounds in sorted(past.items(), reverse=True)],
    )


def period_state(entry: RoundEntry, now: datetime) -> str:
    """open, upcoming (opens later) or closed (closed, or past its end and about to be)."""
    if entry["period_state"] != "open" or _moment(entry["closes_at"]) <= now:
        return "closed"
    if _moment(entry["opens_at"]) > now:
        return "upcoming"
    return "open"


def public_link(url: str | None) -> str | None:
    """A statement of interest's link if it is a plain web address, else nothing (no mailto:,
    no javascript:, nothing carrying an address)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in url:
        return None
    return url


def _position_round(rows: list[RoundEntry], state: str, region: Region, lang: str) -> PositionRound:
    first = rows[0]
    code = first["position"]
    candidates = [_candidate(e, region, lang) for e in rows if e["nomination_id"] is not None]
    outcome = _round_outcome(rows) if state == "closed" else None
    return PositionRound(
        period_id=first["period_id"],
        code=code,
        anchor=f"position-{code}" + ("-vacancy" if first["vacancy"] else ""),
        name=_position_name(code, region, lang),
        year=first["year"],
        vacancy=first["vacancy"],
        subregion=_subregion_line(first["subregion"], region, lang),
        opens=utc_minute(first["opens_at"]),
        closes=utc_minute(first["closes_at"]),
        state=state,
        state_label=t(f"pages.candidates.period_state.{state}", lang),
        outcome=t(f"nominations.outcome_label.{outcome}", lang) if outcome else None,
        candidates=candidates,
    )


def _round_outcome(rows: list[RoundEntry]) -> str | None:
    """How the round ended: once its vote is published, "elected" rather than "to a vote"."""
    if any(e["outcome"] == "elected" for e in rows):
        return "elected"
    return rows[0]["period_outcome"]


def _candidate(entry: RoundEntry, region: Region, lang: str) -> CandidateRow:
    state = entry["state"] or "proposed"
    reason = entry["refused_reason"]
    rule = render(Reason.from_dict(reason), lang) if state == "refused" and reason else None
    if entry["conflicts_declared"]:
        conflicts = t("pages.candidates.conflicts_yes", lang)
    elif state in LIVE:
        conflicts = t("pages.candidates.conflicts_not_yet", lang)
    else:
        conflicts = ""
    return CandidateRow(
        nomination_id=int(entry["nomination_id"] or 0),
        name=_plain(entry["candidate"]),
        als_name=_plain(entry["als_name"]),
        country=_country(entry["country"], region, lang),
        nominator=_plain(entry["nominator"]),
        state=state,
        state_label=t(f"nominations.state.{state}", lang),
        outcome=t(f"nominations.outcome_label.{entry['outcome']}", lang)
        if entry["outcome"]
        else None,
        provisional=t("nominations.provisional", lang) if entry["provisional"] else None,
        rule=_plain(rule) if rule else None,
        soi_url=public_link(entry["soi_url"]),
        conflicts_declared=entry["conflicts_declared"],
        conflicts=conflicts,
        nominated_on=_day(entry["nominated_at"], lang),
        accepted_on=_day(entry["accepted_at"], lang),
    )


def _past_round(rows: list[RoundEntry], region: Region, lang: str) -> PastRound:
    first = rows[0]
    outcome = _round_outcome(rows)
    return PastRound(
        code=first["position"],
        name=_position_name(first["position"], region, lang),
        vacancy=first["vacancy"],
        subregion=first["subregion"] or "",
        outcome=t(f"nominations.outcome_label.{outcome}", lang) if outcome else "",
        candidates=[
            PastCandidate(
                name=_plain(e["candidate"]),
                als_name=_plain(e["als_name"]),
                result=t(f"nominations.outcome_label.{e['outcome']}", lang)
                if e["outcome"]
                else t(f"nominations.state.{e['state'] or 'proposed'}", lang),
            )
            for e in rows
            if e["nomination_id"] is not None
        ],
    )


def _position_name(code: str, region: Region, lang: str) -> str:
    position = region.positions.get(code)
    return position.name(lang) if position else code


def _subregion_line(code: str | None, region: Region, lang: str) -> str | None:
    if not code:
        return None
    sub = region.subregions.get(code)
    return t("pages.candidates.subregion", lang, code=code, name=sub.name(lang) if sub else code)


def _country(code: str | None, region: Region, lang: str) -> str:
    if not code:
        return ""
    country = region.countries.get(code)
    return country.name(lang) if country else code


def _day(stored: str | None, lang: str) -> str:
    return str(format_value(_moment(stored), lang)) if stored else ""


def _moment(stored: str) -> datetime:
    return datetime.fromisoformat(stored)


def _plain(text: str | None) -> str:
    """A name or a rule as shown: should one ever carry an e-mail address, the address is cut."""
    return EMAIL.sub("…", text or "")
