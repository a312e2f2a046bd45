"""Nominations by message: the Secretariat opens and closes a period per position; members
nominate; candidates accept with a statement of interest and declare the five conflicts one by
one; at the close a single valid candidate is elected by acclamation (an ALAC seat: the
single-candidate poll). The rules are bot/domain/nominations.py."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import aiosqlite

from bot.deps import iso
from bot.domain import nominations as rules
from bot.domain.reasons import Reason
from bot.errors import RuleViolation
from bot.i18n import t
from bot.region import Region
from bot.services import status as status_service
from bot.services.outbox import announcement_channels, queue_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store import nominations as store
from bot.store import roster as roster_store
from bot.store.roster import Member
from bot.store.transaction import transaction


def seat_of(region: Region, position: str, year: int, vacancy: bool = False) -> rules.Seat:
    """The seat: where the rotation puts it, and for an ALAC seat the other seat's holder."""
    if position not in region.positions:
        raise RuleViolation(
            Reason(
                "nominations.unknown_position",
                {"position": position, "known": ", ".join(region.positions)},
            )
        )
    subregion = region.rotation.get(year, {}).get(position)
    if subregion is None and vacancy:
        # Art. 19 (seed 002): a vacancy is filled from the same sub-region as the last election.
        past = sorted(
            (y for y, row in region.rotation.items() if y <= year and position in row), reverse=True
        )
        subregion = region.rotation[past[0]][position] if past else None
    if subregion is None:
        raise RuleViolation(Reason("nominations.no_rotation", {"position": position, "year": year}))
    info = region.positions[position]
    others = [p for code, p in region.positions.items() if p.alac and code != position]
    sitting = next((p for p in others if p.sitting_als or p.sitting_nationality), None)
    return rules.Seat(
        position,
        subregion,
        info.alac,
        sitting.sitting_als if info.alac and sitting else None,
        sitting.sitting_nationality if info.alac and sitting else None,
    )


async def open_period(
    conn: aiosqlite.Connection,
    region: Region,
    position: str,
    now: datetime,
    days: int,
    actor: str,
    vacancy: bool = False,
) -> datetime:
    """Open nominations for a position (or, `vacancy`, for the rest of a vacated term)."""
    seat_of(region, position, now.year, vacancy)  # refuses unknown positions, missing rotation
    until = now + timedelta(days=days)
    async with transaction(conn):
        await store.open_period(conn, position, now.year, iso(now), iso(until), vacancy)
        action = "nominations.vacancy" if vacancy else "nominations.open"
        await audit_log.append(conn, iso(now), actor, action, position, {"until": iso(until)})
    return until


async def _facts(
    conn: aiosqlite.Connection, member: Member, eligible: dict[str, bool]
) -> rules.PersonFacts:
    """`eligible`: ALS id -> eligible for office, from one status computation for both people."""
    als = await roster_store.get_als(conn, member.als_id) if member.als_id else None
    stored = await roster_store.get_person(conn, member.email)
    nationality = stored.record.nationality if stored else None
    return rules.PersonFacts(
        member.role,
        member.als_id,
        als.subregion if als else None,
        nationality,
        bool(als and eligible.get(als.als_id, False)),
    )


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
    period = await store.open_period_for(conn, position, iso(now))
    seat = seat_of(region, position, now.year, bool(period and period["vacancy"]))
    has = (
        period is not None
        and await store.live_in_subregion(conn, period["period_id"], seat.rotation_subregion) > 0
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
    assert period is not None
    async with transaction(conn):
        if not await store.add(
            conn, period["period_id"], candidate.person_id, nominator.person_id, iso(now)
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
            f"nominated:{period['period_id']}:{candidate.person_id}",
            [(candidate.email, None)],
            _nominated_payload(region, position),
            now,
        )


def _nominated_payload(region: Region, position: str) -> dict[str, str]:
    langs = list(region.announcement_languages)
    text = "\n\n".join(
        t("nominations.you_were_nominated", lang, position=position) for lang in langs
    )
    return {"kind": "nomination", "subject": f"{region.ralo}: {position}", "text": text}


async def _mine(
    conn: aiosqlite.Connection, candidate: Member, position: str, now: datetime
) -> dict[str, object]:
    period = await store.open_period_for(conn, position, iso(now))
    found = await store.get(conn, period["period_id"], candidate.person_id) if period else None
    if found is None:
        raise RuleViolation(Reason("nominations.not_nominated", {"position": position}))
    return found


async def accept(
    conn: aiosqlite.Connection, candidate: Member, position: str, soi_url: str, now: datetime
) -> list[Reason]:
    """The candidate accepts with a statement of interest; returns what is still missing."""
    found = await _mine(conn, candidate, position, now)
    conflicts: dict[int, bool] = found["conflicts"]  # type: ignore[assignment]
    return await _settle(
        conn,
        candidate,
        position,
        int(found["nomination_id"]),  # type: ignore[call-overload]
        soi_url,
        conflicts,
        now,
    )


async def declare(
    conn: aiosqlite.Connection,
    candidate: Member,
    position: str,
    number: int,
    has_conflict: bool,
    now: datetime,
) -> list[Reason]:
    """One of the five declarations; returns what is still missing (empty: valid)."""
    found = await _mine(conn, candidate, position, now)
    if number not in rules.CONFLICTS:
        raise RuleViolation(Reason("nominations.bad_number"))
    conflicts = dict(found["conflicts"])  # type: ignore[call-overload]
    conflicts[number] = has_conflict
    soi = found["soi_url"]
    return await _settle(
        conn,
        candidate,
        position,
        int(found["nomination_id"]),  # type: ignore[call-overload]
        str(soi) if soi else "",
        conflicts,
        now,
    )


async def _settle(
    conn: aiosqlite.Connection,
    candidate: Member,
    position: str,
    nomination_id: int,
    soi_url: str,
    conflicts: dict[int, bool],
    now: datetime,
) -> list[Reason]:
    missing = rules.check_acceptance(soi_url or None, conflicts)
    declared = any(r.key == "nominations.acceptance.conflict" for r in missing)
    state = "refused" if declared else ("valid" if not missing else "accepted")
    async with transaction(conn):
        await store.update(conn, nomination_id, state, soi_url or None, conflicts, iso(now))
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
    conn: aiosqlite.Connection, candidate: Member, position: str, state: str, now: datetime
) -> None:
    """`decline` (before accepting) or `withdraw` (after)."""
    found = await _mine(conn, candidate, position, now)
    async with transaction(conn):
        await store.update(conn, int(found["nomination_id"]), state, None, {}, iso(now))  # type: ignore[call-overload]
        await audit_log.append(
            conn, iso(now), f"member:{candidate.email}", f"nominations.{state}", position, {}
        )


async def close_period(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    position: str,
    now: datetime,
    actor: str,
) -> tuple[rules.Outcome, list[str]]:
    """The Secretariat closes an open period now."""
    period = await store.open_period_for(conn, position, iso(now))
    if period is None:
        raise RuleViolation(Reason("nominations.refused.closed", {"position": position}))
    return await _close(conn, region, settings, period, now, actor)


async def close_expired(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime
) -> int:
    """Periods whose end date has passed close by themselves, with the same announcement."""
    expired = await store.expired_periods(conn, iso(now))
    for period in expired:
        await _close(conn, region, settings, period, now, "scheduler")
    return len(expired)


async def _close(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    period: dict[str, Any],
    now: datetime,
    actor: str,
) -> tuple[rules.Outcome, list[str]]:
    """Nomination process 3 (seed 002): one valid candidate is elected by acclamation; for an ALAC
    seat a single-candidate poll is held (seed 004); none: a new call."""
    position = str(period["position"])
    seat = seat_of(region, position, int(period["year"]), bool(period["vacancy"]))
    names = await store.valid_candidates(conn, period["period_id"])
    outcome = rules.close_period(len(names), seat.alac)
    text = "\n\n".join(
        t(f"nominations.outcome.{outcome.value}", lang, position=position, names=", ".join(names))
        for lang in region.announcement_languages
    )
    payload = {"kind": "nominations", "subject": f"{region.ralo}: {position}", "text": text}
    async with transaction(conn):
        await store.close(conn, period["period_id"])
        await audit_log.append(
            conn,
            iso(now),
            actor,
            "nominations.close",
            position,
            {"outcome": outcome.value, "candidates": names},
        )
        await queue_for(
            conn,
            settings,
            f"nominations-closed:{period['period_id']}",
            announcement_channels(settings),
            payload,
            now,
        )
    return outcome, names
