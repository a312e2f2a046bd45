"""Nomination periods: the Secretariat opens and closes a period per position (or one to fill a
vacancy); at the close a single valid candidate is elected by acclamation (an ALAC seat: the
single-candidate poll). The candidacies themselves are bot/services/candidacies.py; the rules are
bot/domain/nominations.py."""

from __future__ import annotations

from datetime import datetime, timedelta

import aiosqlite

from bot.deps import iso
from bot.domain import nominations as rules
from bot.domain.errors import RuleViolation
from bot.domain.reasons import Reason
from bot.i18n import t
from bot.region import Region
from bot.services.outbox import announcement_channels, queue_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store import nominations as store
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
    subregion = rules.rotation_subregion(region.rotation, position, year, vacancy)
    if subregion is None:
        raise RuleViolation(Reason("nominations.no_rotation", {"position": position, "year": year}))
    info = region.positions[position]
    others = [p for code, p in region.positions.items() if p.alac and code != position]
    sitting = next((p for p in others if p.sitting_als or p.sitting_nationality), None)
    return rules.Seat(
        position=position,
        rotation_subregion=subregion,
        alac=info.alac,
        sitting_alac_als=sitting.sitting_als if info.alac and sitting else None,
        sitting_alac_nationality=sitting.sitting_nationality if info.alac and sitting else None,
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
    period: store.Period,
    now: datetime,
    actor: str,
) -> tuple[rules.Outcome, list[str]]:
    """Nomination process 3 (seed 002): one valid candidate is elected by acclamation; for an ALAC
    seat a single-candidate poll is held (seed 004); none: a new call."""
    position = period.position
    seat = seat_of(region, position, period.year, period.vacancy)
    names = await store.valid_candidates(conn, period.period_id)
    outcome = rules.close_period(len(names), seat.alac)
    payload = _outcome_payload(region, position, outcome, names)
    async with transaction(conn):
        await store.close(conn, period.period_id)
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
            f"nominations-closed:{period.period_id}",
            announcement_channels(settings),
            payload,
            now,
        )
    return outcome, names


def _outcome_payload(
    region: Region, position: str, outcome: rules.Outcome, names: list[str]
) -> dict[str, str]:
    """The announcement of the outcome, in each of the region's announcement languages."""
    text = "\n\n".join(
        t(f"nominations.outcome.{outcome.value}", lang, position=position, names=", ".join(names))
        for lang in region.announcement_languages
    )
    return {"kind": "nominations", "subject": f"{region.ralo}: {position}", "text": text}
