"""Votes that can be trusted end to end (issue 17): a vote belongs to a position of a nomination
round, or is a motion, or is free (`--candidates`); its roll is published (frozen) before it
opens, and every tally of it uses that roll; its choices are the candidates whose nominations were
valid at the close (2021 elections rules, seed 002), matched case- and accent-insensitively and by
alias; a motion and the ALAC single-candidate poll (seed 004) are answered yes or no.

The counting itself is bot/domain/tally.py; what a ballot says, bot/domain/ballots.py; proxies,
bot/domain/proxies.py; weights, bot/domain/weights.py; draws, bot/services/draws.py.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any

import aiosqlite

from bot.deps import iso
from bot.domain import ballots as choices
from bot.domain import proxies as proxy_rules
from bot.domain import weights as weight_rules
from bot.domain.draw import SeedKind
from bot.domain.errors import RuleViolation
from bot.domain.nominations import Outcome
from bot.domain.reasons import Localized, Reason
from bot.domain.status import State
from bot.domain.tally import Ballot, Refusal, Tally, count, quorum_fraction, required_quorum
from bot.region import Region
from bot.services import draws, elections
from bot.services import status as status_service
from bot.services.draws import SeedUse
from bot.services.elections import tally_json, voter_roll
from bot.settings import Settings
from bot.store import audit_log
from bot.store import elections as election_store
from bot.store import nominations as nomination_store
from bot.store import votes as store
from bot.store.transaction import transaction

YES, NO = "yes", "no"


@dataclass(frozen=True)
class VoteRef:
    """Which vote: a position (its code), a motion (its title), or a free vote ('')."""

    kind: SeedKind  # position | motion | free
    subject: str = ""


@dataclass
class Counted:
    """A tally with what bound it: the roll it used, the ballots set aside as invalid, and, for
    a motion or a poll, its outcome."""

    ref: VoteRef
    tally: Tally
    opens_at: datetime
    roll_hash: str | None  # None: no roll was published; the roll of the day was used
    invalid: list[Refusal] = field(default_factory=list)
    nominations: dict[str, int] = field(default_factory=dict)  # candidate -> nomination id
    motion: dict[str, Any] | None = None
    ballots: list[dict[str, Any]] = field(default_factory=list)  # who voted for what
    second_among: list[str] = field(default_factory=list)  # a second ballot: the tied


def canonical(data: dict[str, Any]) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


async def _period_of(conn: aiosqlite.Connection, region: Region, position: str) -> int:
    """The round a position's vote belongs to: its latest, closed, with more than one valid
    candidate (an acclaimed candidate needs no vote: 2021 rules, nomination process 3)."""
    period = await nomination_store.latest_period(conn, position)
    named = Localized(
        position, region.positions[position].names if position in region.positions else {}
    )
    if period is None:
        raise RuleViolation(Reason("election.vote.no_round", {"position": named}))
    if period.state == "open":
        raise RuleViolation(Reason("election.vote.still_open", {"position": named}))
    if period.outcome == Outcome.ACCLAMATION.value:
        raise RuleViolation(Reason("election.vote.acclaimed", {"position": named}))
    if period.outcome == Outcome.VACANT.value:
        raise RuleViolation(Reason("election.vote.vacant", {"position": named}))
    return period.period_id


async def publish_roll(
    conn: aiosqlite.Connection,
    region: Region,
    ref: VoteRef,
    opens_at: datetime,
    now: datetime,
    actor: str,
) -> store.PublishedVote:
    """Freeze the roll of a vote before it opens (issue 17, point 7); audited with its hash."""
    if opens_at < now - timedelta(minutes=5):
        raise RuleViolation(Reason("election.opens_past", {"opens": _minute(opens_at)}))
    if opens_at > now + timedelta(days=366):
        raise RuleViolation(Reason("election.opens_far", {"opens": _minute(opens_at)}))
    period_id = await _period_of(conn, region, ref.subject) if ref.kind == "position" else None
    roll = (await voter_roll(conn, region, opens_at)).as_json()
    if not roll["voters"]:
        raise RuleViolation(Reason("election.roll_empty", {"opens": _minute(opens_at)}))
    text = canonical(roll)
    digest = hashlib.sha256(text.encode()).hexdigest()
    async with transaction(conn):
        vote_id = await store.publish(
            conn, ref.kind, ref.subject, period_id, iso(opens_at), text, digest, iso(now)
        )
        await audit_log.append(
            conn,
            iso(now),
            actor,
            "election.roll_publish",
            f"{ref.kind}:{ref.subject}",
            {"vote_id": vote_id, "opens_at": iso(opens_at), "roll_sha256": digest},
        )
    found = await store.latest(conn, ref.kind, ref.subject)
    assert found is not None
    return found


def _minute(moment: datetime) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def weights_of(roll: dict[str, Any]) -> dict[str, Fraction]:
    """The weights a published roll carries, exact."""
    return {v["als_id"]: Fraction(v["weight_exact"]) for v in roll["voters"]}


async def count_vote(
    conn: aiosqlite.Connection,
    region: Region,
    ballots: list[Ballot],
    ref: VoteRef,
    as_of: datetime,
    candidates: list[str] | None = None,
    second_ballot: bool = False,
    seed: str | None = None,
) -> Counted:
    """Count a vote on its published roll (else the roll of `as_of`), its choices bound to the
    round's valid candidates, a motion's or a poll's to yes and no."""
    published = await store.latest(conn, ref.kind, ref.subject)
    if published is not None:
        roll, opens = published.roll, datetime.fromisoformat(published.opens_at)
    else:
        roll, opens = (await voter_roll(conn, region, as_of)).as_json(), as_of
    weights = weights_of(roll)
    index, names, nominations = await _choices(conn, region, ref, candidates, published)
    tied = await first_round_tie(conn, ref) if second_ballot and index is not None else []
    if tied:  # 2021 rules, the voting process 6: "a second ballot ... among tied candidates"
        names = [n for n in names if n in tied]
        index = choices.candidate_index({n: [] for n in names})
    read, invalid = _read(ballots, index)
    others = [
        datetime.fromisoformat(at)
        for kind, subject, at in await store.openings(conn)
        if (kind, subject) != (ref.kind, ref.subject)
    ]
    effect = proxy_rules.in_effect(
        await election_store.proxies(conn),
        opens,
        weights.keys(),
        (ref.kind, ref.subject) if ref.kind != "free" else None,
        others,
    )
    applied = proxy_rules.apply(
        read, effect, proxy_rules.giver_votes_reading(region.election_policy)
    )
    result = count(
        applied.counted,
        weights,
        effect.proxies,
        opens,
        names,
        second_ballot,
        seed,
        quorum_fraction(region.election_policy),
    )
    set_aside = [Refusal(b.line, b.als_id, why) for b, why in applied.refused]
    result.refused = sorted([*set_aside, *result.refused], key=lambda r: r.line)
    if region.election_policy.get("quorum_base", "active-on-roll") == "all-accredited":
        # The 2021 text's denominator read literally: every accredited ALS, active or not.
        items = await status_service.statuses(conn, region, opens)
        accredited = sum(1 for i in items if i.status.state is not State.OBSERVER)
        result.required = required_quorum(accredited, quorum_fraction(region.election_policy))
    counted = Counted(
        ref,
        result,
        opens,
        published.roll_hash if published else None,
        invalid,
        nominations,
        ballots=_who_voted_what(applied.counted, result, weights),
    )
    counted.second_among = tied
    if index is None:
        recapped = None  # only the recap-each-side reading of a motion weighs each side anew
        if ref.kind == "motion" and _motion_sides(region) == "recap-each-side":
            countries = {v["als_id"]: v["country"] for v in roll["voters"]}
            sides = {b["als_id"]: b["choice"] for b in counted.ballots}
            recapped = recapped_sides(countries, sides)
        counted.motion = motion_outcome(region, ref, result, recapped)
        result.winner, result.tied, result.draw = None, [], None  # yes and no are not candidates
    return counted


async def first_round_tie(conn: aiosqlite.Connection, ref: VoteRef) -> list[str]:
    """The candidates tied in the latest published result of this vote (the second ballot is
    among them); empty when none was published."""
    for found in await election_store.published(conn):  # newest first
        vote = found["result"].get("vote") or {}
        if (vote.get("kind"), vote.get("subject")) == (ref.kind, ref.subject):
            return list(found["result"].get("tied") or [])
    return []


async def _choices(
    conn: aiosqlite.Connection,
    region: Region,
    ref: VoteRef,
    candidates: list[str] | None,
    published: store.PublishedVote | None,
) -> tuple[choices.CandidateIndex | None, list[str], dict[str, int]]:
    """(the candidates' forms, None for yes/no; the choices; candidate -> nomination id)."""
    if ref.kind == "motion":
        return None, [YES, NO], {}
    if ref.kind == "free":
        given = [c.strip() for c in candidates or [] if c.strip()]
        return choices.candidate_index({c: [] for c in given}), given, {}
    period_id = published.period_id if published and published.period_id else None
    period_id = period_id or await _period_of(conn, region, ref.subject)
    period = await nomination_store.latest_period(conn, ref.subject)
    found = await nomination_store.candidates_with_aliases(conn, period_id)
    nominations = {name: nid for nid, name, _ in found}
    if period is not None and period.outcome == Outcome.SINGLE_CANDIDATE_POLL.value:
        return None, [YES, NO], nominations
    index = choices.candidate_index({name: aliases for _, name, aliases in found})
    return index, [name for _, name, _ in found], nominations


def _read(
    ballots: list[Ballot], index: choices.CandidateIndex | None
) -> tuple[list[Ballot], list[Refusal]]:
    """Each ballot's choice as the canonical name (or abstain, yes, no); the others invalid."""
    read: list[Ballot] = []
    invalid: list[Refusal] = []
    for ballot in ballots:
        choice = choices.read_choice(ballot.choice, index)
        if isinstance(choice, Reason):
            invalid.append(Refusal(ballot.line, ballot.als_id, choice))
            continue
        value = choice.candidate if choice.kind is choices.Kind.CANDIDATE else choice.kind.value
        read.append(replace(ballot, choice=value or ""))
    return read, invalid


def _who_voted_what(
    counted: list[Ballot], result: Tally, weights: dict[str, Fraction]
) -> list[dict[str, Any]]:
    """Each ALS whose vote counted, its choice and weight (shown when the vote is open)."""
    voted = set(result.voted)
    return [
        {"als_id": b.als_id, "choice": b.choice, "weight": float(weights[b.als_id])}
        for b in sorted(counted, key=lambda b: b.als_id)
        if b.als_id in voted
    ]


def _motion_sides(region: Region) -> str:
    """Rule 12.9(e)'s reading for motions (region file `election_policy.motion_sides`)."""
    return str(region.election_policy.get("motion_sides", "same-coefficients"))


def motion_outcome(
    region: Region, ref: VoteRef, result: Tally, recapped: dict[str, Fraction] | None
) -> dict[str, Any]:
    """A motion passes when its weighted yes is greater than its weighted no (a tie fails;
    abstentions count for the quorum only; seed 004). The single-candidate poll restarts the
    call for nominations when NO is more than 50% of YES + NO (a tie confirms the candidate)."""
    by = {r.choice: r for r in result.results}
    yes, no = by.get(YES), by.get(NO)
    poll = ref.kind == "position"
    unweighted = poll and region.election_policy.get("poll_count", "weighted") == "unweighted"
    sides = _motion_sides(region)
    y: Fraction | int = (yes.votes if unweighted else yes.weighted_votes) if yes else 0
    n: Fraction | int = (no.votes if unweighted else no.weighted_votes) if no else 0
    if not poll and recapped is not None:
        y, n = recapped[YES], recapped[NO]
    if poll:
        return {
            "title": ref.subject,
            "poll": True,
            "restart": result.quorum_met and n > y,
            "confirmed": result.quorum_met and n <= y,
            "reading": "unweighted" if unweighted else "weighted",
        }
    return {
        "title": ref.subject,
        "passed": result.quorum_met and y > n,
        "yes": float(y),
        "no": float(n),
        "reading": sides,
    }


def recapped_sides(voters: dict[str, str], sides: dict[str, str]) -> dict[str, Fraction]:
    """The named alternative reading of Rule 12.9(e) for a motion: each side weighted on its own
    (the literal cap applied to the votes cast on it). `voters`: ALS -> country; `sides`: ALS ->
    yes|no. Returns each side's total."""
    totals: dict[str, Fraction] = {}
    for side in (YES, NO):
        countries = [voters[a] for a, s in sides.items() if s == side]
        sheet = weight_rules.weigh(countries, voters.values(), weight_rules.Reading.LITERAL_CAP)
        totals[side] = sheet.total if countries else Fraction(0)
    return totals


def title_of(region: Region, ref: VoteRef, lang: str) -> str:
    """The published title when none is given: the position's name and year, or the motion."""
    if ref.kind == "position" and ref.subject in region.positions:
        return region.positions[ref.subject].name(lang)
    return ref.subject or "—"


async def publish_result(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    title: str,
    counted: Counted,
    data: dict[str, Any],
    seed: SeedUse | None,
    now: datetime,
    actor: str,
) -> int:
    """Publish the result (page, audit, announcement) and, for a position, each candidate's
    outcome: elected or not elected (a confirmed poll elects, a restarted one does not)."""
    winner = counted.tally.winner
    decided = winner is not None
    if counted.motion is not None and counted.motion.get("poll"):
        winner = next(iter(counted.nominations), None) if counted.motion["confirmed"] else None
        decided = counted.motion["confirmed"] or counted.motion["restart"]
    if await election_store.is_published(conn, title, iso(counted.opens_at)):
        raise RuleViolation(
            Reason(
                "election.already_published", {"title": title, "opens": _minute(counted.opens_at)}
            )
        )
    async with transaction(conn):
        result_id = await elections.publish_in(
            conn, region, settings, title, counted.opens_at, data, counted.tally.voted, now, actor
        )
        if counted.tally.quorum_met and decided:  # a tie decides nobody's outcome yet
            for name, nomination_id in counted.nominations.items():
                outcome = "elected" if name == winner else "not-elected"
                await nomination_store.set_outcome(conn, nomination_id, outcome)
        if seed is not None and counted.tally.draw is not None:
            await draws.mark_used(conn, seed, now)
    return result_id


def counted_json(counted: Counted, region: Region, seed: SeedUse | None = None) -> dict[str, Any]:
    """The tally's JSON (PRODUCT.md shape, fields only added): what bound the vote, the ballots
    set aside as invalid by line, a motion's or poll's outcome, the draw's seed and where it came
    from, and, when the vote is open (the reading), who voted for what."""
    out = tally_json(counted.tally)
    out["vote"] = {
        "kind": counted.ref.kind,
        "subject": counted.ref.subject,
        "opens_at": iso(counted.opens_at),
    }
    out["roll"] = {"published": counted.roll_hash is not None, "sha256": counted.roll_hash}
    if counted.second_among:
        out["second_ballot_among"] = counted.second_among
    out["invalid"] = [
        {
            "line": r.line,
            "als_id": r.als_id,
            "reason": r.reason.key,
            "params": r.reason.as_dict()["params"],
        }
        for r in counted.invalid
    ]
    if counted.motion is not None:
        out["motion"] = counted.motion
    secrecy = str(region.election_policy.get("ballot_secrecy", "open"))
    out["secrecy"] = secrecy
    if secrecy == "open":
        out["ballots"] = counted.ballots
    if out.get("draw") and seed is not None:
        out["draw"] |= {
            "committed": seed.committed_at is not None,
            "committed_at": seed.committed_at,
            "seed_sha256": seed.seed_hash,
            "source": seed.source,
        }
    return out
