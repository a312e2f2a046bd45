"""Candidacies by message: members nominate; candidates accept with a statement of interest and
declare the five conflicts one by one, or decline, or withdraw (2021 elections rules, seed 002).
The periods they fall in are bot/services/nominations.py; the rules bot/domain/nominations.py."""

from __future__ import annotations

from datetime import datetime

import aiosqlite

from bot.deps import iso
from bot.domain import nominations as rules
from bot.domain.errors import NotAuthorised, RuleViolation
from bot.domain.reasons import Reason
from bot.region import Region
from bot.services import status as status_service
from bot.services.nominations import named, seat_of
from bot.services.outbox import queue_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store import nominations as store
from bot.store import roster as roster_store
from bot.store.roster import Member
from bot.store.transaction import transaction
from bot.texts import nominations as texts


async def nominate(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    nominator: Member,
    candidate: Member,
    position: str,
    now: datetime,
) -> bool:
    """Record a nomination if the rules allow it; tell the candidate how to accept, in their
    language, and post it to the announcement channel (a nomination is public)."""
    period, provisional = await _check_nomination(conn, region, nominator, candidate, position, now)
    async with transaction(conn):
        if not await store.add(
            conn,
            period.period_id,
            candidate.person_id,
            nominator.person_id,
            iso(now),
            provisional,
            period.opens_at,
        ):
            raise RuleViolation(Reason("nominations.already", {"name": candidate.name}))
        await audit_log.append(
            conn,
            iso(now),
            f"member:{nominator.email}",
            "nominations.nominate",
            position,
            {"candidate": candidate.email, "als": candidate.als_id, "provisional": provisional},
        )
        lang = (
            candidate.language
            or candidate.roster_language
            or candidate.als_language
            or settings.language
        )
        notice = texts.you_were_nominated(
            region,
            position,
            candidate.name,
            nominator.name,
            datetime.fromisoformat(period.closes_at),
            lang,
            settings.secretariat_contact,
            settings.command_address,
        )
        await queue_for(
            conn,
            settings,
            f"nominated:{period.period_id}:{candidate.person_id}",
            [(candidate.email, None)],
            notice,
            now,
        )
        await _post(conn, region, settings, "nominated", candidate, position, now, nominator.name)
    return provisional


async def _post(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    event: str,
    candidate: Member,
    position: str,
    now: datetime,
    nominator: str = "",
) -> None:
    """Each nomination, acceptance and decline goes to the announcement channel (issue 16)."""
    als = await roster_store.get_als(conn, candidate.als_id) if candidate.als_id else None
    entry = texts.Entry(
        position, candidate.name, als.name if als else "", als.country if als else None, event
    )
    await queue_for(
        conn,
        settings,
        f"nominations-post:{event}:{position}:{candidate.person_id}:{iso(now)}",
        [(None, settings.announce_channel)],
        texts.channel_post(region, event, entry, list(region.languages), nominator),
        now,
    )


async def _check_nomination(
    conn: aiosqlite.Connection,
    region: Region,
    nominator: Member,
    candidate: Member,
    position: str,
    now: datetime,
) -> tuple[store.Period, bool]:
    """The open period the nomination goes in, and whether the nomination is provisional (the
    sub-region exception); RuleViolation with the first rule it breaks."""
    period = await store.open_period_for(conn, position, iso(now))
    if period is None:
        raise RuleViolation(
            Reason("nominations.refused.closed", {"position": named(region, position)})
        )
    seat = seat_of(region, position, period.year, period.vacancy, period.subregion)
    eligible = {
        i.als.als_id: i.status.eligible_for_office
        for i in await status_service.statuses(conn, region, now)
    }
    nominator_facts = await _facts(conn, nominator, eligible)
    candidate_facts = await _facts(conn, candidate, eligible)
    reasons = rules.check_nomination(nominator_facts, candidate_facts, seat, True)
    if reasons:
        raise RuleViolation(reasons[0])
    return period, rules.is_provisional(nominator_facts, candidate_facts, seat)


async def _facts(
    conn: aiosqlite.Connection, member: Member, eligible: dict[str, bool]
) -> rules.PersonFacts:
    """`eligible`: ALS id -> eligible for office, from one status computation for both people."""
    als = await roster_store.get_als(conn, member.als_id) if member.als_id else None
    stored = await roster_store.get_person(conn, member.email)
    return rules.PersonFacts(
        role=member.role,
        als_id=member.als_id,
        subregion=als.subregion if als else None,
        nationality=stored.record.nationality if stored else None,
        als_eligible_for_office=bool(als and eligible.get(als.als_id, False)),
    )


async def _mine(
    conn: aiosqlite.Connection,
    region: Region,
    candidate: Member,
    position: str,
    now: datetime,
    by: Member | None,
    allowed: tuple[str, ...] = ("proposed", "accepted", "valid"),
) -> store.Nomination:
    """The candidate's nomination in the open period for `position`, in one of the `allowed`
    states: a declined, withdrawn or refused nomination is not taken up again by the candidate.

    PRODUCT.md, "Nobody speaks for another": only the candidate accepts, declares, declines or
    withdraws; `by` is who asks (None: the candidate themself)."""
    if by is not None and by.person_id != candidate.person_id:
        raise NotAuthorised(
            Reason(
                "nominations.not_yours",
                {"name": candidate.name, "position": named(region, position)},
            )
        )
    period = await store.open_period_for(conn, position, iso(now))
    found = await store.get(conn, period.period_id, candidate.person_id) if period else None
    if found is None:
        raise RuleViolation(
            Reason("nominations.not_nominated", {"position": named(region, position)})
        )
    if found.state not in allowed:
        raise RuleViolation(
            Reason(
                f"nominations.step.{found.state}",
                {"position": named(region, position), "state": found.state},
            )
        )
    return found


async def accept(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    candidate: Member,
    position: str,
    soi_url: str,
    now: datetime,
    *,
    no_conflicts: bool = False,
    by: Member | None = None,
) -> list[Reason]:
    """The candidate accepts with a statement of interest and, in the same step if they say so,
    the declaration of none of the five conflicts; returns what is still missing."""
    found = await _mine(conn, region, candidate, position, now, by)
    conflicts = dict.fromkeys(rules.CONFLICTS, False) if no_conflicts else found.conflicts
    return await _settle(
        conn, region, settings, candidate, position, found, soi_url, conflicts, now
    )


async def declare(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    candidate: Member,
    position: str,
    number: int,
    has_conflict: bool,
    now: datetime,
    *,
    by: Member | None = None,
) -> list[Reason]:
    """One of the five declarations; returns what is still missing (empty: valid)."""
    found = await _mine(conn, region, candidate, position, now, by)
    if number not in rules.CONFLICTS:
        raise RuleViolation(Reason("nominations.bad_number"))
    conflicts = found.conflicts | {number: has_conflict}
    soi = found.soi_url or ""
    return await _settle(conn, region, settings, candidate, position, found, soi, conflicts, now)


async def _settle(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    candidate: Member,
    position: str,
    found: store.Nomination,
    soi_url: str,
    conflicts: dict[int, bool],
    now: datetime,
) -> list[Reason]:
    """Operating Principles 7.1.a: valid once the statement is linked and no conflict declared;
    a declared conflict refuses the candidacy, with the rule kept for the public page."""
    missing = rules.check_acceptance(soi_url or None, conflicts)
    declared = [r for r in missing if r.key == "nominations.acceptance.conflict"]
    state = "refused" if declared else ("valid" if not missing else "accepted")
    refused = (
        Reason("nominations.refused.conflict", declared[0].params).as_dict() if declared else None
    )
    async with transaction(conn):
        await store.update(
            conn, found.nomination_id, state, soi_url or None, conflicts, iso(now), refused
        )
        await audit_log.append(
            conn,
            iso(now),
            f"member:{candidate.email}",
            f"nominations.{state}",
            position,
            {"soi_url": soi_url or None, "conflicts": conflicts},
        )
        if state in ("accepted", "valid") and state != found.state:
            await _post(conn, region, settings, state, candidate, position, now)
    return missing


async def step_back(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    candidate: Member,
    position: str,
    state: str,
    now: datetime,
    *,
    by: Member | None = None,
) -> None:
    """`decline` (before accepting) or `withdraw` (after); posted to the channel."""
    allowed = ("proposed",) if state == "declined" else ("accepted", "valid")
    found = await _mine(conn, region, candidate, position, now, by, allowed)
    async with transaction(conn):
        await store.update(conn, found.nomination_id, state, None, {}, iso(now))
        await audit_log.append(
            conn, iso(now), f"member:{candidate.email}", f"nominations.{state}", position, {}
        )
        await _post(conn, region, settings, state, candidate, position, now)
