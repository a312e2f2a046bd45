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
from bot.i18n import t
from bot.region import Region
from bot.services import status as status_service
from bot.services.nominations import seat_of
from bot.services.outbox import queue_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store import nominations as store
from bot.store import roster as roster_store
from bot.store.roster import Member
from bot.store.transaction import transaction


async def nominate(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    nominator: Member,
    candidate: Member,
    position: str,
    now: datetime,
) -> None:
    """Record a nomination if the rules allow it, and tell the candidate how to accept."""
    period = await _check_nomination(conn, region, nominator, candidate, position, now)
    async with transaction(conn):
        if not await store.add(
            conn, period.period_id, candidate.person_id, nominator.person_id, iso(now)
        ):
            raise RuleViolation(Reason("nominations.already", {"name": candidate.name}))
        await audit_log.append(
            conn,
            iso(now),
            f"member:{nominator.email}",
            "nominations.nominate",
            position,
            {"candidate": candidate.email, "als": candidate.als_id},
        )
        await queue_for(
            conn,
            settings,
            f"nominated:{period.period_id}:{candidate.person_id}",
            [(candidate.email, None)],
            _nominated_payload(region, position),
            now,
        )


async def _check_nomination(
    conn: aiosqlite.Connection,
    region: Region,
    nominator: Member,
    candidate: Member,
    position: str,
    now: datetime,
) -> store.Period:
    """The open period the nomination goes in; RuleViolation with the first rule it breaks."""
    period = await store.open_period_for(conn, position, iso(now))
    seat = seat_of(region, position, now.year, bool(period and period.vacancy))
    has = (
        period is not None
        and await store.live_in_subregion(conn, period.period_id, seat.rotation_subregion) > 0
    )
    eligible = {
        i.als.als_id: i.status.eligible_for_office
        for i in await status_service.statuses(conn, region, now)
    }
    reasons = rules.check_nomination(
        await _facts(conn, nominator, eligible),
        await _facts(conn, candidate, eligible),
        seat,
        period is not None,
        has,
    )
    if reasons:
        raise RuleViolation(reasons[0])
    assert period is not None  # check_nomination refuses a closed period
    return period


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


def _nominated_payload(region: Region, position: str) -> dict[str, str]:
    langs = list(region.announcement_languages)
    text = "\n\n".join(
        t("nominations.you_were_nominated", lang, position=position) for lang in langs
    )
    return {"kind": "nomination", "subject": f"{region.ralo}: {position}", "text": text}


async def _mine(
    conn: aiosqlite.Connection,
    candidate: Member,
    position: str,
    now: datetime,
    by: Member | None,
) -> store.Nomination:
    """The candidate's nomination in the open period for `position`.

    PRODUCT.md, "Nobody speaks for another": only the candidate accepts, declares, declines or
    withdraws; `by` is who asks (None: the candidate themself)."""
    if by is not None and by.person_id != candidate.person_id:
        raise NotAuthorised(
            Reason("nominations.not_yours", {"name": candidate.name, "position": position})
        )
    period = await store.open_period_for(conn, position, iso(now))
    found = await store.get(conn, period.period_id, candidate.person_id) if period else None
    if found is None:
        raise RuleViolation(Reason("nominations.not_nominated", {"position": position}))
    return found


async def accept(
    conn: aiosqlite.Connection,
    candidate: Member,
    position: str,
    soi_url: str,
    now: datetime,
    *,
    by: Member | None = None,
) -> list[Reason]:
    """The candidate accepts with a statement of interest; returns what is still missing."""
    found = await _mine(conn, candidate, position, now, by)
    return await _settle(conn, candidate, position, found, soi_url, found.conflicts, now)


async def declare(
    conn: aiosqlite.Connection,
    candidate: Member,
    position: str,
    number: int,
    has_conflict: bool,
    now: datetime,
    *,
    by: Member | None = None,
) -> list[Reason]:
    """One of the five declarations; returns what is still missing (empty: valid)."""
    found = await _mine(conn, candidate, position, now, by)
    if number not in rules.CONFLICTS:
        raise RuleViolation(Reason("nominations.bad_number"))
    conflicts = found.conflicts | {number: has_conflict}
    return await _settle(conn, candidate, position, found, found.soi_url or "", conflicts, now)


async def _settle(
    conn: aiosqlite.Connection,
    candidate: Member,
    position: str,
    found: store.Nomination,
    soi_url: str,
    conflicts: dict[int, bool],
    now: datetime,
) -> list[Reason]:
    """Operating Principles 7.1.a: valid once the statement is linked and no conflict declared."""
    missing = rules.check_acceptance(soi_url or None, conflicts)
    declared = any(r.key == "nominations.acceptance.conflict" for r in missing)
    state = "refused" if declared else ("valid" if not missing else "accepted")
    async with transaction(conn):
        await store.update(conn, found.nomination_id, state, soi_url or None, conflicts, iso(now))
        await audit_log.append(
            conn,
            iso(now),
            f"member:{candidate.email}",
            f"nominations.{state}",
            position,
            {"soi_url": soi_url or None, "conflicts": conflicts},
        )
    return missing


async def step_back(
    conn: aiosqlite.Connection,
    candidate: Member,
    position: str,
    state: str,
    now: datetime,
    *,
    by: Member | None = None,
) -> None:
    """`decline` (before accepting) or `withdraw` (after)."""
    found = await _mine(conn, candidate, position, now, by)
    async with transaction(conn):
        await store.update(conn, found.nomination_id, state, None, {}, iso(now))
        await audit_log.append(
            conn, iso(now), f"member:{candidate.email}", f"nominations.{state}", position, {}
        )
