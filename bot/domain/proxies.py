"""Proxies: Rules of Procedure 1.4 to 1.6 (seed 003).

1.4 reserves the vote to accredited ALSs; the auxiliary rule to Rule 1: "Inactive ALSes will loose
their right to vote". 1.5 "an accredited ALS subject to rule 1.1 may vote by proxy through another
accredited ALS provided that the Secretariat is notified prior to the vote." 1.6 "One ALS may
receive at the most one proxy vote."

So a proxy carries a vote only when, on the date of the vote, both ALSs are accredited and entitled
to vote (`Status.can_vote`: not inactive), the notice reached the Secretariat before the vote
opened, it was not revoked by then, the receiver holds no other, and no chain forms: an ALS that
gave its vote away casts no one else's, and one casting another's keeps its own (1.5 names the ALS
the vote goes "through", and a chain A -> B -> C would have C cast two votes, against 1.6).

What happens when the giver votes itself is not written: a named reading of the region file,
`election_policy.proxy_when_giver_votes` (`GiverVotes`), said in the refusal of the ballot set
aside.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from bot.domain.reasons import Reason

READING_KEY = "proxy_when_giver_votes"


class GiverVotes(enum.StrEnum):
    """When an ALS that gave its proxy also votes itself (Rule 1.5 is silent)."""

    GIVER_STANDS = "giver-stands"  # its own ballot stands, the proxy lapses (the default)
    PROXY_STANDS = "proxy-stands"  # the ballot cast by the receiver stands


def giver_votes_reading(election_policy: Mapping[str, Any]) -> GiverVotes:
    """The region's reading (`election_policy.proxy_when_giver_votes`), else giver-stands."""
    value = str(election_policy.get(READING_KEY, GiverVotes.GIVER_STANDS.value))
    try:
        return GiverVotes(value)
    except ValueError:
        allowed = ", ".join(r.value for r in GiverVotes)
        raise ValueError(
            f"election_policy.{READING_KEY}: {value!r}, not one of {allowed}"
        ) from None


@dataclass(frozen=True)
class Proxy:
    giver: str
    holder: str
    given_at: datetime
    revoked_at: datetime | None = None
    vote: tuple[str, str] | None = None  # (kind, subject) it names; None: the next vote

    def in_force(self, moment: datetime) -> bool:
        """Notified before `moment` and not revoked by then."""
        return self.given_at < moment and (self.revoked_at is None or self.revoked_at > moment)


@dataclass(frozen=True)
class Standing:
    """Who may take part in a proxy on a date: the accredited ALSs (not observers, Rule 1.2) and,
    among them, those entitled to vote (`Status.can_vote`: not inactive, auxiliary rule to 1)."""

    accredited: frozenset[str]
    entitled: frozenset[str]


def check_new_proxy(
    giver: str,
    holder: str,
    standing: Standing,
    existing: Iterable[Proxy],
    now: datetime,
    vote_at: datetime | None,
) -> list[Reason]:
    """Why a new proxy notice is refused (empty: it may be recorded). The tally checks again on
    the date of the vote (`in_effect`): an ALS may become inactive in between."""
    reasons: list[Reason] = []
    if giver == holder:
        reasons.append(Reason("proxies.refused.self"))
    for als in dict.fromkeys((giver, holder)):
        reasons += _standing(als, standing)
    # Rule 1.5: "provided that the Secretariat is notified prior to the vote".
    if vote_at is not None and now >= vote_at:
        reasons.append(Reason("proxies.refused.late", {"vote_at": vote_at}))
    return reasons + _conflicts(giver, holder, [p for p in existing if p.in_force(now)])


def _standing(als: str, standing: Standing) -> list[Reason]:
    # Rules 1.4 and 1.5: between accredited ALSs; the auxiliary rule to Rule 1: an inactive ALS
    # has lost its vote, so it has none to give nor to cast for another.
    if als not in standing.accredited:
        return [Reason("proxies.refused.not_accredited", {"als": als})]
    if als not in standing.entitled:
        return [Reason("proxies.refused.inactive", {"als": als})]
    return []


def _conflicts(giver: str, holder: str, current: list[Proxy]) -> list[Reason]:
    """What the proxies already in force forbid: a second one received (1.6), a second one given,
    and chains both ways (1.5, 1.6)."""
    reasons: list[Reason] = []
    for p in current:
        if p.holder == holder:  # Rule 1.6: at most one proxy received.
            reasons.append(
                Reason("proxies.refused.second_received", {"holder": holder, "other": p.giver})
            )
        if p.giver == giver:  # Rule 1.5: a vote goes through one other ALS.
            reasons.append(
                Reason("proxies.refused.already_given", {"giver": giver, "other": p.holder})
            )
        if p.giver == holder:  # A chain: the receiver gave its own vote away.
            reasons.append(
                Reason("proxies.refused.chain_holder_gave", {"holder": holder, "other": p.holder})
            )
        if p.holder == giver:  # A chain: the giver casts another's vote.
            reasons.append(
                Reason("proxies.refused.chain_giver_holds", {"giver": giver, "other": p.giver})
            )
    return reasons


@dataclass(frozen=True)
class InEffect:
    """The proxies on record at a vote: those that carry a vote, and the others with why not."""

    proxies: tuple[Proxy, ...]
    void: tuple[tuple[Proxy, Reason], ...]


def for_this_vote(
    p: Proxy, vote: tuple[str, str] | None, other_openings: Iterable[datetime], opens: datetime
) -> bool:
    """Whether a proxy is for the vote `vote` opening at `opens` (issue 17.3): one that names a
    vote is for that vote only; one that names none is for the next vote that opens after it was
    notified, so not for this one when another vote opened in between."""
    if p.vote is not None:
        return vote is None or p.vote == vote
    return not any(p.given_at < other < opens for other in other_openings)


def in_effect(
    proxies: Iterable[Proxy],
    opens: datetime,
    entitled: Collection[str],
    vote: tuple[str, str] | None = None,
    other_openings: Iterable[datetime] = (),
) -> InEffect:
    """Which proxies carry a vote in the vote `vote` opening at `opens` whose roll is `entitled`
    (the ALSs accredited and entitled to vote on its date); a proxy for another vote is left out.
    In the order notified: each is judged against those already in effect, so the earlier notice
    wins a conflict, as it would have when recorded."""
    kept: list[Proxy] = []
    void: list[tuple[Proxy, Reason]] = []
    openings = list(other_openings)
    mine = [p for p in proxies if for_this_vote(p, vote, openings, opens)]
    for p in sorted(mine, key=lambda p: p.given_at):
        why = _void(p, opens, entitled, kept)
        if why is None:
            kept.append(p)
        else:
            void.append((p, why))
    return InEffect(tuple(kept), tuple(void))


def _void(p: Proxy, opens: datetime, entitled: Collection[str], kept: list[Proxy]) -> Reason | None:
    facts = {"giver": p.giver, "holder": p.holder}
    if p.revoked_at is not None and p.revoked_at <= opens:
        return Reason("proxies.void.revoked", facts | {"revoked_at": p.revoked_at})
    if p.given_at >= opens:  # Rule 1.5: notified "prior to the vote", i.e. before it opens.
        return Reason("proxies.void.late", facts | {"given_at": p.given_at, "vote_at": opens})
    for als in (p.giver, p.holder):  # Rules 1.4, 1.5, auxiliary rule to 1: on the vote's date.
        if als not in entitled:
            return Reason("proxies.void.not_entitled", facts | {"als": als, "vote_at": opens})
    if p.giver == p.holder:
        return Reason("proxies.refused.self")
    conflicts = _conflicts(p.giver, p.holder, kept)
    return conflicts[0] if conflicts else None


def proxy_for(giver: str, holder: str, proxies: Iterable[Proxy], vote_at: datetime) -> Proxy | None:
    """The proxy in force at the vote by which `holder` may cast `giver`'s vote (Rule 1.5)."""
    return next(
        (p for p in proxies if p.giver == giver and p.holder == holder and p.in_force(vote_at)),
        None,
    )


class CastBallot(Protocol):
    """What applying proxies reads of a ballot (bot.domain.tally.Ballot)."""

    @property
    def line(self) -> int: ...
    @property
    def als_id(self) -> str: ...
    @property
    def cast_by(self) -> str | None: ...


B = TypeVar("B", bound=CastBallot)


@dataclass(frozen=True)
class Applied(Generic[B]):
    """The ballots left to count, those set aside with their line's reason, and the givers whose
    two ballots the reading decided between (empty: the reading did not matter)."""

    counted: list[B]
    refused: list[tuple[B, Reason]]
    reading: GiverVotes
    decided: tuple[str, ...] = ()


def by_proxy(ballot: CastBallot) -> bool:
    """A row cast by another ALS than its own (`cast_by`)."""
    return bool(ballot.cast_by) and ballot.cast_by != ballot.als_id


def apply(ballots: Iterable[B], effect: InEffect, reading: GiverVotes) -> Applied[B]:
    """Rule 1.5: a row cast by another ALS counts, with the giver's weight, only through a proxy
    in effect from the giver to that ALS; otherwise it is refused with the rule. When the giver
    also voted itself, `reading` says which of its two ballots stands. Duplicates of one kind
    (two own rows, two proxy rows) are left to the count, which refuses the later ones."""
    rows = list(ballots)
    own: dict[str, B] = {}
    carried: dict[str, B] = {}  # giver -> its first row cast through a proxy in effect
    refused: dict[int, Reason] = {}  # by position in `rows`
    for i, b in enumerate(rows):
        if not by_proxy(b):
            own.setdefault(b.als_id, b)
        elif (why := _without_proxy(b, effect)) is not None:
            refused[i] = why
        else:
            carried.setdefault(b.als_id, b)
    for i, b in enumerate(rows):
        if i not in refused and (why := _set_aside(b, own, carried, reading)) is not None:
            refused[i] = why
    return Applied(
        counted=[b for i, b in enumerate(rows) if i not in refused],
        refused=[(rows[i], why) for i, why in sorted(refused.items())],
        reading=reading,
        decided=tuple(sorted(set(own) & set(carried))),
    )


def _without_proxy(b: CastBallot, effect: InEffect) -> Reason | None:
    """Why a row cast by `b.cast_by` has no proxy in effect behind it (None: it has one)."""
    if any(p.giver == b.als_id and p.holder == b.cast_by for p in effect.proxies):
        return None
    void = [why for p, why in effect.void if p.giver == b.als_id and p.holder == b.cast_by]
    if void:
        return void[-1]  # the latest notice between the two
    return Reason("proxies.ballot.no_proxy", {"giver": b.als_id, "holder": b.cast_by})


def _set_aside(
    b: B, own: Mapping[str, B], carried: Mapping[str, B], reading: GiverVotes
) -> Reason | None:
    """The reading, for a giver that voted both itself and through its proxy."""
    giver = b.als_id
    if giver not in own or giver not in carried:
        return None
    mine, theirs = own[giver], carried[giver]
    facts = {"giver": giver, "holder": theirs.cast_by, "reading": reading.value}
    if reading is GiverVotes.GIVER_STANDS and by_proxy(b):
        return Reason("proxies.ballot.lapsed", facts | {"own_line": mine.line})
    if reading is GiverVotes.PROXY_STANDS and not by_proxy(b):
        return Reason("proxies.ballot.own_set_aside", facts | {"proxy_line": theirs.line})
    return None
