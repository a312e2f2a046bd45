"""Counting a virtual vote: the 2021 elections rules (seed 002, "The voting process") and the
rules applicable to votes (seed 004).

- Who votes: the accredited ALSs on the roll, one ballot each (Operating Principles art. 8: "Each
  accredited ALS shall be entitled to one vote"); a vote by proxy only through a proxy notified
  before the vote (Rules of Procedure 1.5), and one received at most (1.6).
- Quorum: "at least 50% of the active ALSs [...] calculated using the number of ALSs casting valid
  votes, including abstentions".
- Result: "A plurality of the validly cast weighted votes determines the winner [...] Abstentions
  will not count in the calculation of the plurality", but are reported.
- Tie: "a second ballot shall be carried out among tied candidates; if the tie still remains after
  this second ballot, [...] a draw" (bot/domain/draw.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from bot.domain.draw import Draw, draw
from bot.domain.proxies import Proxy, proxy_for
from bot.domain.reasons import Reason

ABSTAIN = ("abstain", "abstención", "abstencion", "abstenção", "abstencao", "abstention")


@dataclass(frozen=True)
class Ballot:
    line: int
    als_id: str
    choice: str
    cast_by: str | None = None  # the ALS that cast it, when by proxy


@dataclass(frozen=True)
class Refusal:
    line: int
    als_id: str
    reason: Reason


@dataclass(frozen=True)
class ChoiceResult:
    choice: str
    votes: int
    weighted_votes: Fraction


@dataclass(kw_only=True)
class Tally:
    required: int
    present: int
    results: list[ChoiceResult]
    abstentions: int
    weighted_abstentions: Fraction
    voted: list[str]  # the ALSs whose vote counted (public, 2021 rules)
    refused: list[Refusal] = field(default_factory=list)
    winner: str | None = None
    tied: list[str] = field(default_factory=list)
    draw: Draw | None = None

    @property
    def quorum_met(self) -> bool:
        """Nobody voting is never a quorum, even on an empty roll."""
        return self.present >= self.required and self.present > 0


# 2021 elections rules (seed 002), the virtual vote: at least 50% of the active ALSs take part.
QUORUM_FRACTION = 0.5


def quorum_fraction(election_policy: Mapping[str, Any]) -> float:
    """The region's quorum fraction (`election_policy.quorum_fraction`), else the 2021 rules'."""
    return float(election_policy.get("quorum_fraction", QUORUM_FRACTION))


def required_quorum(active_als: int, fraction: float = QUORUM_FRACTION) -> int:
    """At least 50% of the active ALSs: 7 active ALSs need 4 valid votes."""
    return math.ceil(active_als * fraction)


def count(
    ballots: Iterable[Ballot],
    weights: Mapping[str, Fraction],
    proxies: Iterable[Proxy],
    vote_at: datetime,
    candidates: list[str] | None = None,
    second_ballot: bool = False,
    seed: str | None = None,
    quorum_fraction: float = 0.5,
) -> Tally:
    """Check every ballot, then count. `weights`: the roll (ALS id -> weight)."""
    proxies = list(proxies)
    valid: list[Ballot] = []
    refused: list[Refusal] = []
    seen: set[str] = set()
    held: dict[str, str] = {}  # holder -> the giver whose vote it cast (Rule 1.6)
    for ballot in ballots:
        why = _refusal(ballot, weights, proxies, vote_at, candidates, seen, held)
        if why is not None:
            refused.append(Refusal(ballot.line, ballot.als_id, why))
            continue
        seen.add(ballot.als_id)
        if ballot.cast_by and ballot.cast_by != ballot.als_id:
            held[ballot.cast_by] = ballot.als_id
        valid.append(ballot)
    return _result(valid, refused, weights, second_ballot, seed, quorum_fraction)


def _refusal(
    ballot: Ballot,
    weights: Mapping[str, Fraction],
    proxies: list[Proxy],
    vote_at: datetime,
    candidates: list[str] | None,
    seen: set[str],
    held: dict[str, str],
) -> Reason | None:
    if ballot.als_id not in weights:
        return Reason("election.refused.not_on_roll", {"als": ballot.als_id})
    if ballot.als_id in seen:
        return Reason("election.refused.duplicate", {"als": ballot.als_id})
    if not ballot.choice.strip():
        return Reason("election.refused.empty")
    if not is_abstention(ballot.choice) and candidates and ballot.choice not in candidates:
        return Reason("election.refused.not_a_candidate", {"choice": ballot.choice})
    by = ballot.cast_by
    if by and by != ballot.als_id:
        if proxy_for(ballot.als_id, by, proxies, vote_at) is None:
            return Reason("election.refused.no_proxy", {"als": ballot.als_id, "by": by})
        if by in held:
            return Reason("election.refused.second_proxy", {"by": by, "other": held[by]})
    return None


def is_abstention(choice: str) -> bool:
    return choice.strip().casefold() in ABSTAIN


def _result(
    valid: list[Ballot],
    refused: list[Refusal],
    weights: Mapping[str, Fraction],
    second_ballot: bool,
    seed: str | None,
    quorum_fraction: float,
) -> Tally:
    votes: dict[str, list[Fraction]] = {}
    abstentions: list[Fraction] = []
    for ballot in valid:
        weight = weights[ballot.als_id]
        if is_abstention(ballot.choice):
            abstentions.append(weight)
        else:
            votes.setdefault(ballot.choice.strip(), []).append(weight)
    results = sorted(
        (ChoiceResult(c, len(w), sum(w, Fraction(0))) for c, w in votes.items()),
        key=lambda r: (-r.weighted_votes, r.choice),
    )
    tally = Tally(
        required=required_quorum(len(weights), quorum_fraction),
        present=len(valid),
        results=results,
        abstentions=len(abstentions),
        weighted_abstentions=sum(abstentions, Fraction(0)),
        voted=sorted(b.als_id for b in valid),
        refused=refused,
    )
    if not tally.quorum_met or not results:
        return tally
    top = results[0].weighted_votes
    leaders = [r.choice for r in results if r.weighted_votes == top]
    if len(leaders) == 1:
        tally.winner = leaders[0]
    elif second_ballot and seed:
        tally.draw = draw(seed, leaders)
        tally.winner = tally.draw.drawn
        tally.tied = sorted(leaders)
    else:
        tally.tied = sorted(leaders)
    return tally
