"""Nomination periods and nominations (tables from migration 0002)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from sqlite3 import Row
from typing import TypedDict

import aiosqlite

LIVE = ("proposed", "accepted", "valid")  # a nomination still in the running
_PERIOD = "SELECT period_id, position, year, opens_at, closes_at, vacancy FROM nomination_period"


@dataclass(frozen=True, kw_only=True)
class Period:
    """A period of nominations for one position in one year (or for the rest of a vacated term)."""

    period_id: int
    position: str
    year: int
    opens_at: str  # ISO 8601 UTC
    closes_at: str
    vacancy: bool


@dataclass(frozen=True, kw_only=True)
class Nomination:
    """One candidate's nomination in a period, as the candidate completes it."""

    nomination_id: int
    state: str  # proposed | accepted | valid | refused | declined | withdrawn
    soi_url: str | None
    conflicts: dict[int, bool]  # conflict number -> declared to have it


class ListedNomination(TypedDict):
    """A row of `nominations` (the Secretariat's listing; printed as JSON as it is)."""

    nomination_id: int
    position: str
    year: int
    candidate: str
    als_id: str | None
    nominator: str
    state: str
    soi_url: str | None
    updated_at: str


def _period(row: Row) -> Period:
    return Period(
        period_id=row["period_id"],
        position=row["position"],
        year=row["year"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        vacancy=bool(row["vacancy"]),
    )


async def open_period(
    conn: aiosqlite.Connection,
    position: str,
    year: int,
    opens_at: str,
    closes_at: str,
    vacancy: bool = False,
) -> int:
    async with conn.execute(
        "INSERT INTO nomination_period (position, year, opens_at, closes_at, state, vacancy)"
        " VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT (position, year, vacancy) DO UPDATE SET"
        " state = 'open', opens_at = excluded.opens_at, closes_at = excluded.closes_at"
        " RETURNING period_id",
        (position, year, opens_at, closes_at, int(vacancy)),
    ) as cur:
        row = await cur.fetchone()
    assert row is not None
    return int(row[0])


async def open_period_for(conn: aiosqlite.Connection, position: str, now: str) -> Period | None:
    """The period open for `position` at `now`, if any (the latest, should two overlap)."""
    async with conn.execute(
        _PERIOD + " WHERE position = ? AND state = 'open' AND opens_at <= ? AND closes_at > ?"
        " ORDER BY period_id DESC LIMIT 1",
        (position, now, now),
    ) as cur:
        row = await cur.fetchone()
    return _period(row) if row else None


async def close(conn: aiosqlite.Connection, period_id: int) -> None:
    await conn.execute(
        "UPDATE nomination_period SET state = 'closed' WHERE period_id = ?", (period_id,)
    )


async def add(
    conn: aiosqlite.Connection, period_id: int, candidate_id: int, nominator_id: int, now: str
) -> bool:
    async with conn.execute(
        "INSERT INTO nomination (period_id, candidate_id, nominator_id, state, created_at,"
        " updated_at) VALUES (?, ?, ?, 'proposed', ?, ?) ON CONFLICT (period_id, candidate_id)"
        " DO NOTHING",
        (period_id, candidate_id, nominator_id, now, now),
    ) as cur:
        return cur.rowcount == 1


async def get(conn: aiosqlite.Connection, period_id: int, candidate_id: int) -> Nomination | None:
    async with conn.execute(
        "SELECT nomination_id, state, soi_url, conflicts FROM nomination"
        " WHERE period_id = ? AND candidate_id = ?",
        (period_id, candidate_id),
    ) as cur:
        row = await cur.fetchone()
    if row is None:
        return None
    return Nomination(
        nomination_id=row["nomination_id"],
        state=row["state"],
        soi_url=row["soi_url"],
        conflicts={int(k): bool(v) for k, v in json.loads(row["conflicts"]).items()},
    )


async def update(
    conn: aiosqlite.Connection,
    nomination_id: int,
    state: str,
    soi_url: str | None,
    conflicts: dict[int, bool],
    now: str,
) -> None:
    await conn.execute(
        "UPDATE nomination SET state = ?, soi_url = ?, conflicts = ?, updated_at = ?"
        " WHERE nomination_id = ?",
        (state, soi_url, json.dumps({str(k): v for k, v in conflicts.items()}), now, nomination_id),
    )


async def live_in_subregion(conn: aiosqlite.Connection, period_id: int, subregion: str) -> int:
    marks = ", ".join("?" * len(LIVE))
    async with conn.execute(
        "SELECT count(*) FROM nomination n JOIN person p ON p.person_id = n.candidate_id"
        f" JOIN als a ON a.als_id = p.als_id WHERE n.period_id = ? AND n.state IN ({marks})"
        " AND a.subregion = ?",
        (period_id, *LIVE, subregion),
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def valid_candidates(conn: aiosqlite.Connection, period_id: int) -> list[str]:
    async with conn.execute(
        "SELECT p.name FROM nomination n JOIN person p ON p.person_id = n.candidate_id"
        " WHERE n.period_id = ? AND n.state = 'valid' ORDER BY p.name",
        (period_id,),
    ) as cur:
        return [row[0] async for row in cur]


async def listing(conn: aiosqlite.Connection) -> list[ListedNomination]:
    async with conn.execute(
        "SELECT n.nomination_id, np.position, np.year, c.name AS candidate, c.als_id,"
        " m.name AS nominator, n.state, n.soi_url, n.updated_at FROM nomination n"
        " JOIN nomination_period np USING (period_id) JOIN person c ON c.person_id = n.candidate_id"
        " JOIN person m ON m.person_id = n.nominator_id ORDER BY np.year, np.position, c.name"
    ) as cur:
        return [
            ListedNomination(
                nomination_id=row["nomination_id"],
                position=row["position"],
                year=row["year"],
                candidate=row["candidate"],
                als_id=row["als_id"],
                nominator=row["nominator"],
                state=row["state"],
                soi_url=row["soi_url"],
                updated_at=row["updated_at"],
            )
            async for row in cur
        ]


async def expired_periods(conn: aiosqlite.Connection, now: str) -> list[Period]:
    """Periods still open whose end has passed: they close by themselves."""
    async with conn.execute(_PERIOD + " WHERE state = 'open' AND closes_at <= ?", (now,)) as cur:
        return [_period(row) async for row in cur]
