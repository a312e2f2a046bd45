"""Elections from the same roll as the statuses: the weighted voter roll (Rule 12.9), proxies
(Rules 1.5 and 1.6), the tally (2021 elections rules) and the published result."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction
from typing import Any

import aiosqlite

from bot.deps import iso
from bot.domain import proxies as proxy_rules
from bot.domain.errors import BadInput, NotAuthorised, RuleViolation
from bot.domain.reasons import Reason
from bot.domain.roster import AlsRecord
from bot.domain.status import State
from bot.domain.tally import Ballot, Tally
from bot.domain.weights import WeightSheet, reading_of, weigh
from bot.region import Region
from bot.services import status as status_service
from bot.services.outbox import announcement_channels, queue_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store import elections as store
from bot.store import votes as vote_store
from bot.store.roster import Member
from bot.store.transaction import transaction
from bot.texts import notices


@dataclass(frozen=True)
class Roll:
    as_of: datetime
    voters: list[AlsRecord]
    sheet: WeightSheet

    def weights(self) -> dict[str, Fraction]:
        return {a.als_id: self.sheet.weight_of(a.country) for a in self.voters}

    def as_json(self) -> dict[str, Any]:
        """PRODUCT.md shape, plus the whole calculation (the published weighted-voting sheet)."""
        weights = self.weights()
        return {
            "as_of": iso(self.as_of),
            "weights_reading": self.sheet.reading.value,
            "max_percentage": float(self.sheet.max_percentage),
            "countries_covered": self.sheet.countries_covered,
            "countries_on_roll": len(self.sheet.countries),
            "equal_countries": self.sheet.equal_countries,
            "voters": [
                {
                    "als_id": a.als_id,
                    "als_name": a.name,
                    "country": a.country,
                    "weight": float(weights[a.als_id]),
                    "weight_exact": str(weights[a.als_id]),
                }
                for a in self.voters
            ],
            "countries": [
                {
                    "country": c.country,
                    "als_count": c.als_count,
                    "capped": c.capped,
                    "weight_each": float(c.weight_each),
                    "country_total": float(c.total),
                    "country_weight": float(c.total),
                    "country_weight_exact": str(c.total),
                    "country_coefficient": float(c.weight_each),
                    "country_coefficient_exact": str(c.weight_each),
                    "share": float(c.total / self.sheet.total) if self.sheet.total else 0.0,
                }
                for c in self.sheet.countries
            ],
            "total_weight": float(self.sheet.total),
        }


async def voter_roll(conn: aiosqlite.Connection, region: Region, as_of: datetime) -> Roll:
    """The ALSs that may vote on that date (active, or new in their grace year), weighted."""
    items = await status_service.statuses(conn, region, as_of)
    voters = [i.als for i in items if i.status.can_vote]
    membership = [i.als.country for i in items if i.status.state is not State.OBSERVER]
    reading = reading_of(region.election_policy)  # Rule 12.9: the region's reading
    return Roll(as_of, voters, weigh([a.country for a in voters], membership, reading))


def read_ballots(data: bytes) -> list[Ballot]:
    """Ballots CSV: als_id, choice, and optionally cast_by (a vote cast by proxy)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BadInput(Reason("election.file.not_utf8", {"offset": exc.start})) from None
    first = text.split("\n", 1)[0]
    # Spreadsheets in Spanish, Portuguese and French save CSV with ";" between the columns.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in reader.fieldnames or []]
    if "als_id" not in header or "choice" not in header:
        raise BadInput(Reason("election.file.columns"))
    reader.fieldnames = header
    ballots = []
    for row in reader:
        cast_by = (row.get("cast_by") or "").strip() or None
        ballots.append(
            Ballot(
                reader.line_num,
                (row.get("als_id") or "").strip(),
                (row.get("choice") or "").strip(),
                cast_by,
            )
        )
    if not ballots:
        raise BadInput(Reason("election.no_ballots"))
    return ballots


def tally_json(result: Tally) -> dict[str, Any]:
    """PRODUCT.md shape (weighted votes as numbers, exact values beside), plus what was refused."""
    out: dict[str, Any] = {
        "quorum": {
            "required": result.required,
            "present": result.present,
            "met": result.quorum_met,
        },
        "results": [
            {
                "choice": r.choice,
                "votes": r.votes,
                "weighted_votes": float(r.weighted_votes),
                "weighted_exact": str(r.weighted_votes),
            }
            for r in result.results
        ],
        "abstentions": result.abstentions,
        "weighted_abstentions": float(result.weighted_abstentions),
        "winner": result.winner,
        "tied": result.tied or None,
        "voted": result.voted,
        "refused": [
            {
                "line": r.line,
                "als_id": r.als_id,
                "reason": r.reason.key,
                "params": r.reason.as_dict()["params"],
            }
            for r in result.refused
        ],
    }
    if result.draw:
        d = result.draw
        out["draw"] = {
            "seed": d.seed,
            "algorithm": d.algorithm,
            "order": list(d.order),
            "sha256": d.digest,
            "digest": d.digest,
            "index": d.index,
            "drawn": d.drawn,
        }
    return out


async def publish(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    title: str,
    vote_at: datetime,
    result: Tally,
    now: datetime,
    actor: str,
    data: dict[str, Any] | None = None,
) -> int:
    """Store the result for the public page, audit it, and queue its announcement to the
    announcement list and Slack channel, where configured (once per title and vote time). `data`:
    the tally's JSON when the caller has more to say than `tally_json` (issue 17)."""
    async with transaction(conn):
        return await publish_in(
            conn,
            region,
            settings,
            title,
            vote_at,
            data or tally_json(result),
            result.voted,
            now,
            actor,
        )


async def publish_in(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    title: str,
    vote_at: datetime,
    data: dict[str, Any],
    voted: list[str],
    now: datetime,
    actor: str,
) -> int:
    """`publish`, inside the caller's transaction."""
    payload = notices.election_result(title, data, list(region.languages), region.ralo)
    result_id = await store.publish(conn, title, iso(vote_at), data, voted, iso(now))
    await audit_log.append(conn, iso(now), actor, "election.result", title, data)
    await queue_for(
        conn,
        settings,
        f"result:{title}:{iso(vote_at)}",
        announcement_channels(settings),
        payload,
        now,
    )
    return result_id


async def record_proxy(
    conn: aiosqlite.Connection,
    region: Region,
    giver: str,
    holder: str,
    now: datetime,
    vote_at: datetime | None,
    actor: str,
    meeting_id: int | None = None,
    *,
    by: Member | None = None,
    vote: tuple[str, str] | None = None,
) -> int:
    """Record a proxy notice (Rule 1.5) unless a rule refuses it; audited. `by`: the member who
    asked by message (None: the Secretariat, at the command line); `vote`: the (kind, subject) it
    is for, a position's vote or a motion (None: the next vote)."""
    _acts_for(by, giver)
    if vote is not None and vote_at is None:
        published = await vote_store.latest(conn, vote[0], vote[1])
        vote_at = datetime.fromisoformat(published.opens_at) if published else None
    # Rules 1.4, 1.5 and the auxiliary rule to Rule 1: accredited and entitled to vote as known
    # now; the tally checks again on the date of the vote.
    items = await status_service.statuses(conn, region, now)
    standing = proxy_rules.Standing(
        accredited=frozenset(i.als.als_id for i in items if i.status.state is not State.OBSERVER),
        entitled=frozenset(i.als.als_id for i in items if i.status.can_vote),
    )
    async with transaction(conn):
        reasons = proxy_rules.check_new_proxy(
            giver, holder, standing, await store.proxies(conn), now, vote_at
        )
        if reasons:
            raise RuleViolation(reasons[0])
        when = iso(vote_at) if vote_at else None
        proxy_id = await store.add_proxy(conn, giver, holder, iso(now), meeting_id, when, vote)
        await audit_log.append(
            conn,
            iso(now),
            actor,
            "proxy.given",
            giver,
            {
                "holder": holder,
                "given_at": iso(now),
                "meeting_id": meeting_id,
                "vote_at": when,
                "vote": list(vote) if vote else None,
            },
        )
    return proxy_id


async def revoke_proxy(
    conn: aiosqlite.Connection,
    giver: str,
    now: datetime,
    actor: str,
    *,
    by: Member | None = None,
) -> int:
    """Revoke the giver's proxy in force, if any; how many were revoked. `by` as for a proxy."""
    _acts_for(by, giver)
    async with transaction(conn):
        revoked = await store.revoke_proxy(conn, giver, iso(now))
        if revoked:
            await audit_log.append(conn, iso(now), actor, "proxy.revoked", giver, {"at": iso(now)})
    return revoked


def _acts_for(by: Member | None, giver: str) -> None:
    """Rule 1.1 (seed 003): only a representative of an ALS gives or revokes its proxy."""
    if by is not None and (by.role != "representative" or by.als_id != giver):
        raise NotAuthorised(Reason("commands.not_yours.proxy", {"als": giver}))
