"""Nomination rounds in the open (issue 16): the Secretariat opens a round for one or more
positions, which is announced in every language of the region; a reminder goes out before it
closes; at the close the sub-region exception is judged, a single valid candidate is elected by
acclamation, and the candidates are announced. The candidacies themselves are
bot/services/candidacies.py; the rules are bot/domain/nominations.py; the words bot/texts/.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiosqlite

from bot.deps import iso
from bot.domain import nominations as rules
from bot.domain.errors import RuleViolation
from bot.domain.reasons import Localized, Reason
from bot.i18n import format_value
from bot.region import Region
from bot.services.outbox import announcement_channels, queue_for
from bot.settings import Settings
from bot.store import audit_log
from bot.store import nominations as store
from bot.store.transaction import transaction
from bot.texts import nominations as texts

MAX_DAYS = 366  # a round closes within a year


@dataclass(frozen=True)
class Closed:
    position: str
    outcome: rules.Outcome
    names: list[str]  # the valid candidates


def _known(region: Region, position: str) -> None:
    """Refuses a position the region file does not name, listing those it does."""
    if position not in region.positions:
        raise RuleViolation(
            Reason(
                "nominations.unknown_position",
                {"position": position, "known": ", ".join(region.positions)},
            )
        )


def seat_of(
    region: Region,
    position: str,
    year: int,
    vacancy: bool = False,
    subregion: str | None = None,
) -> rules.Seat:
    """The seat: where it rotates to (the round's own sub-region when it has one), and for an
    ALAC seat the other seat's holder (Operating Principles art. 8)."""
    _known(region, position)
    subregion = subregion or rules.rotation_subregion(region.rotation, position, year, vacancy)
    if subregion is None:
        raise RuleViolation(
            Reason("nominations.no_rotation", {"position": named(region, position), "year": year})
        )
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


def _where_it_rotates(
    region: Region, position: str, year: int, vacancy: bool, confirmed: str | None
) -> tuple[str, str]:
    """(sub-region, how it was decided) for a new round; refuses what the Secretariat must decide.

    Operating Principles 7.2.a: the rotation table decides. A vacancy keeps the sub-region of the
    seat's last election (2021 rules, art. 19). A year the table has no row for: the sub-region
    that continues the table's cycle, but only once the Secretariat confirms it (audited)."""
    _known(region, position)
    if confirmed is not None and confirmed not in region.subregions:
        known = ", ".join(region.subregions)
        raise RuleViolation(
            Reason("nominations.bad_subregion", {"given": confirmed, "known": known})
        )
    table = rules.rotation_subregion(region.rotation, position, year, vacancy)
    if table is not None:
        if confirmed is not None and confirmed != table:
            raise RuleViolation(
                Reason(
                    "nominations.subregion_fixed",
                    {
                        "position": named(region, position),
                        "code": table,
                        "year": year,
                    },
                )
            )
        return table, (
            "vacancy" if vacancy and year not in _years_of(region, position) else "table"
        )
    if confirmed is not None:
        return confirmed, "confirmed"
    proposed = rules.continue_rotation(region.rotation, position, year, list(region.subregions))
    if proposed is None:
        raise RuleViolation(
            Reason("nominations.no_rotation", {"position": named(region, position), "year": year})
        )
    raise RuleViolation(
        Reason(
            "nominations.confirm_subregion",
            {
                "position": named(region, position),
                "year": year,
                "proposed": proposed,
                "name": Localized(proposed, region.subregions[proposed].names),
            },
        )
    )


async def _may_open(
    conn: aiosqlite.Connection, region: Region, position: str, now: datetime, vacancy: bool
) -> None:
    """A round open now is not opened again (its deadline would move without a word); a round
    of this year that closed with a result stays closed. After a close with no valid candidate,
    a new call is due (2021 rules): the same round opens again."""
    latest = await store.latest_period(conn, position)
    if latest is None or latest.year != now.year or latest.vacancy != vacancy:
        return
    if latest.state == "open" and datetime.fromisoformat(latest.closes_at) > now:
        until = datetime.fromisoformat(latest.closes_at)
        raise RuleViolation(
            Reason(
                "nominations.already_open", {"position": named(region, position), "until": until}
            )
        )
    if latest.state == "closed" and latest.outcome not in (None, rules.Outcome.VACANT.value):
        raise RuleViolation(
            Reason(
                "nominations.already_closed",
                {
                    "position": named(region, position),
                    "closed": datetime.fromisoformat(latest.closed_at or latest.closes_at),
                },
            )
        )


def named(region: Region, position: str) -> Localized:
    """The position as a reason names it: in the reader's language."""
    found = region.positions.get(position)
    return Localized(position, found.names if found else {})


def _years_of(region: Region, position: str) -> set[int]:
    return {year for year, row in region.rotation.items() if position in row}


async def open_round(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    positions: Sequence[str],
    closes: datetime,
    now: datetime,
    actor: str,
    *,
    vacancy: bool = False,
    subregion: str | None = None,
) -> list[texts.SeatCall]:
    """Open nominations for `positions` until `closes`, and announce the call (issue 16)."""
    if closes <= now:
        raise RuleViolation(Reason("nominations.closes_in_past", {"until": closes}))
    if closes > now + timedelta(days=MAX_DAYS):
        raise RuleViolation(Reason("nominations.closes_too_far", {"days": MAX_DAYS}))
    seats = []
    for position in dict.fromkeys(positions):
        await _may_open(conn, region, position, now, vacancy)
        code, source = _where_it_rotates(region, position, now.year, vacancy, subregion)
        seats.append(texts.SeatCall(position, now.year, code, source))
    langs = list(region.languages)
    pages = {lang: settings.page_link("/candidates", lang) for lang in langs}
    payload = texts.call(region, seats, closes, langs, settings.command_address, pages)
    async with transaction(conn):
        ids = []
        for seat in seats:
            ids.append(
                await store.open_period(
                    conn,
                    seat.position,
                    seat.year,
                    iso(now),
                    iso(closes),
                    seat.subregion,
                    seat.source,
                    vacancy,
                )
            )
            await audit_log.append(
                conn,
                iso(now),
                actor,
                "nominations.vacancy" if vacancy else "nominations.open",
                seat.position,
                {"until": iso(closes), "subregion": seat.subregion, "decided_by": seat.source},
            )
        key = "nominations-open:" + ",".join(map(str, ids)) + ":" + iso(closes)
        await queue_for(conn, settings, key, announcement_channels(settings), payload, now)
    return seats


async def close_period(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    position: str,
    now: datetime,
    actor: str,
) -> Closed:
    """The Secretariat closes an open period now."""
    period = await store.open_period_for(conn, position, iso(now))
    if period is None:
        raise RuleViolation(
            Reason("nominations.refused.closed", {"position": named(region, position)})
        )
    return await _close(conn, region, settings, period, now, actor)


async def close_expired(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime
) -> int:
    """Periods whose end date has passed close by themselves, with the same announcement."""
    expired = await store.expired_periods(conn, iso(now))
    for period in expired:
        await _close(conn, region, settings, period, now, "scheduler")
    return len(expired)


async def remind_due(
    conn: aiosqlite.Connection, region: Region, settings: Settings, now: datetime
) -> int:
    """The reminder `LACRALO_NOMINATION_REMINDER_DAYS` before each round closes, once; a round
    opened inside that window is not reminded (its call is the reminder)."""
    if settings.nomination_reminder_days == 0:
        return 0
    lead = timedelta(days=settings.nomination_reminder_days)
    due = await store.due_reminders(conn, iso(now), iso(now + lead))
    langs = list(region.languages)
    pages = {lang: settings.page_link("/candidates", lang) for lang in langs}
    sent = 0
    for period in due:
        closes = datetime.fromisoformat(period.closes_at)
        async with transaction(conn):
            await store.mark_reminded(conn, period.period_id, iso(now))
            if datetime.fromisoformat(period.opens_at) > closes - lead:
                continue
            entries = await _entries(conn, [period.period_id])
            seat = texts.SeatCall(
                period.position, period.year, period.subregion or "", period.subregion_source or ""
            )
            payload = texts.reminder(
                region, [seat], closes, entries, langs, settings.command_address, pages
            )
            await queue_for(
                conn,
                settings,
                f"nominations-reminder:{period.period_id}:{period.closes_at}",
                announcement_channels(settings),
                payload,
                now,
            )
            sent += 1
    return sent


async def _entries(conn: aiosqlite.Connection, period_ids: list[int]) -> list[texts.Entry]:
    return [
        texts.Entry(
            position=row["position"],
            name=row["candidate"] or "",
            als=row["als_name"] or row["als_id"] or "",
            country=row["country"],
            state=row["state"] or "",
            provisional=row["provisional"],
        )
        for row in await store.round_entries(conn, period_ids)
        if row["nomination_id"] is not None
    ]


async def _close(
    conn: aiosqlite.Connection,
    region: Region,
    settings: Settings,
    period: store.Period,
    now: datetime,
    actor: str,
) -> Closed:
    """2021 elections rules (seed 002). Nomination process 2: provisional nominations stand only
    if no candidate of the sub-region is valid. An incomplete nomination is not a candidacy
    (Operating Principles 7.1.a). Process 3: one valid candidate is elected by acclamation."""
    position = period.position
    seat = seat_of(region, position, period.year, period.vacancy, period.subregion)
    rows = [r for r in await store.round_entries(conn, [period.period_id]) if r["nomination_id"]]
    settled = _refused_at_close(rows, seat.rotation_subregion)
    valid = [r for r in rows if r["state"] == "valid" and r["nomination_id"] not in settled]
    reading = str(region.election_policy.get("single_candidate", "acclamation"))
    outcome = rules.close_period(len(valid), seat.alac, reading)
    names = sorted(r["candidate"] or "" for r in valid)
    async with transaction(conn):
        for nid, reason in settled.items():
            await store.settle_at_close(conn, nid, "refused", None, reason.as_dict(), iso(now))
        if outcome in (rules.Outcome.ACCLAMATION, rules.Outcome.SINGLE_CANDIDATE_POLL):
            await store.settle_at_close(
                conn, valid[0]["nomination_id"] or 0, "valid", outcome.value, None, iso(now)
            )
        await store.close(conn, period.period_id, iso(now), outcome.value)
        await audit_log.append(
            conn,
            iso(now),
            actor,
            "nominations.close",
            position,
            {
                "outcome": outcome.value,
                "candidates": names,
                "refused": list(settled),
                "single_candidate_reading": reading,
            },
        )
        entries = await _entries(conn, [period.period_id])
        langs = list(region.languages)
        pages = {lang: settings.page_link("/candidates", lang) for lang in langs}
        await queue_for(
            conn,
            settings,
            f"nominations-closed:{period.period_id}:{iso(now)}",
            announcement_channels(settings),
            texts.closed(region, position, outcome.value, entries, langs, pages),
            now,
        )
    return Closed(position, outcome, names)


def _refused_at_close(rows: list[store.RoundEntry], subregion: str) -> dict[int, Reason]:
    """Nomination id -> why the close refuses it: a provisional nomination when a candidate of
    the sub-region is valid (process 2); one still incomplete (Operating Principles 7.1.a)."""
    falls = rules.exception_refused([(r["state"] or "", r["provisional"]) for r in rows])
    refused: dict[int, Reason] = {}
    for row in rows:
        nid, state = row["nomination_id"] or 0, row["state"] or ""
        if row["provisional"] and falls and state in store.LIVE:
            refused[nid] = Reason(
                "nominations.refused.exception_not_needed", {"subregion": subregion}
            )
        elif state in ("proposed", "accepted"):
            refused[nid] = Reason("nominations.refused.incomplete_at_close")
    return refused


def until_text(closes: datetime, lang: str) -> str:
    closes = closes.astimezone(UTC)
    return f"{format_value(closes.date(), lang)} {closes:%H:%M} UTC"
