"""Nomination periods and nominations (tables from migration 0002)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from sqlite3 import Row
from typing import Any, TypedDict

import aiosqlite

LIVE = ("proposed", "accepted", "valid")  # a nomination still in the running
_PERIOD = (
    "SELECT period_id, position, year, opens_at, closes_at, vacancy, subregion, subregion_source,"
    " state, reminded_at, closed_at, outcome FROM nomination_period"
)


@dataclass(frozen=True, kw_only=True)
class Period:
    """A period of nominations for one position in one year (or for the rest of a vacated term)."""

    period_id: int
    position: str
    year: int
    opens_at: str  # ISO 8601 UTC
    closes_at: str
    vacancy: bool
    subregion: str | None = None  # the sub-region the seat rotates to this round
    subregion_source: str | None = None  # table | confirmed | vacancy
    state: str = "open"  # open | closed
    reminded_at: str | None = None
    closed_at: str | None = None
    outcome: str | None = None  # vacant | acclamation | single-candidate-poll | election


@dataclass(frozen=True, kw_only=True)
class Nomination:
    """One candidate's nomination in a period, as the candidate completes it."""

    nomination_id: int
    state: str  # proposed | accepted | valid | refused | declined | withdrawn
    soi_url: str | None
    conflicts: dict[int, bool]  # conflict number -> declared to have it
    provisional: bool = False  # nomination process 2: from outside the sub-region, by its ALS


class ListedNomination(TypedDict):
    """A row of `nominations` (the Secretariat's listing; printed as JSON as it is)."""

    nomination_id: int
    position: str
    year: int
    candidate: str
    als_id: str | None
    nominator: str
    state: str
    outcome: str | None  # acclamation | elected | not-elected | single-candidate-poll
    provisional: bool
    refused_reason: dict[str, Any] | None  # {key, params}: the rule that refused it
    soi_url: str | None
    updated_at: str


class RoundEntry(TypedDict):
    """A nomination as the public candidates page and the round's announcements show it: names
    on purpose (a nomination is public), otherwise ALS-level facts, never an address."""

    period_id: int
    position: str
    year: int
    vacancy: bool
    subregion: str | None
    opens_at: str
    closes_at: str
    period_state: str
    period_outcome: str | None
    nomination_id: int | None  # None: a round with no nomination yet
    candidate: str | None
    als_id: str | None
    als_name: str | None
    country: str | None
    candidate_subregion: str | None
    nominator: str | None
    state: str | None
    outcome: str | None
    provisional: bool
    refused_reason: dict[str, Any] | None
    soi_url: str | None
    conflicts_declared: bool  # all five declared "no" (Operating Principles 7.1.a)
    nominated_at: str | None
    accepted_at: str | None
    updated_at: str | None


def _period(row: Row) -> Period:
    return Period(
        period_id=row["period_id"],
        position=row["position"],
        year=row["year"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        vacancy=bool(row["vacancy"]),
        subregion=row["subregion"],
        subregion_source=row["subregion_source"],
        state=row["state"],
        reminded_at=row["reminded_at"],
        closed_at=row["closed_at"],
        outcome=row["outcome"],
    )


async def open_period(
    conn: aiosqlite.Connection,
    position: str,
    year: int,
    opens_at: str,
    closes_at: str,
    subregion: str,
    subregion_source: str,
    vacancy: bool = False,
) -> int:
    """Open (or open again, with a new close) the round of `position` for `year`."""
    async with conn.execute(
        "INSERT INTO nomination_period (position, year, opens_at, closes_at, state, vacancy,"
        " subregion, subregion_source) VALUES (?, ?, ?, ?, 'open', ?, ?, ?)"
        " ON CONFLICT (position, year, vacancy) DO UPDATE SET state = 'open',"
        " opens_at = excluded.opens_at, closes_at = excluded.closes_at,"
        " subregion = excluded.subregion, subregion_source = excluded.subregion_source,"
        " reminded_at = NULL, closed_at = NULL, outcome = NULL RETURNING period_id",
        (position, year, opens_at, closes_at, int(vacancy), subregion, subregion_source),
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


async def open_periods(conn: aiosqlite.Connection, now: str) -> list[Period]:
    """Every period taking nominations at `now`."""
    async with conn.execute(
        _PERIOD + " WHERE state = 'open' AND opens_at <= ? AND closes_at > ? ORDER BY position",
        (now, now),
    ) as cur:
        return [_period(row) async for row in cur]


async def latest_period(conn: aiosqlite.Connection, position: str) -> Period | None:
    """The most recent period of `position`, open or closed."""
    async with conn.execute(
        _PERIOD + " WHERE position = ? ORDER BY opens_at DESC, period_id DESC LIMIT 1", (position,)
    ) as cur:
        row = await cur.fetchone()
    return _period(row) if row else None


async def close(conn: aiosqlite.Connection, period_id: int, now: str, outcome: str) -> None:
    await conn.execute(
        "UPDATE nomination_period SET state = 'closed', closed_at = ?, outcome = ?"
        " WHERE period_id = ?",
        (now, outcome, period_id),
    )


async def mark_reminded(conn: aiosqlite.Connection, period_id: int, now: str) -> None:
    await conn.execute(
        "UPDATE nomination_period SET reminded_at = ? WHERE period_id = ?", (now, period_id)
    )


async def due_reminders(conn: aiosqlite.Connection, now: str, before: str) -> list[Period]:
    """Open periods closing before `before` (now + the reminder's lead) not yet reminded."""
    async with conn.execute(
        _PERIOD + " WHERE state = 'open' AND reminded_at IS NULL AND closes_at > ?"
        " AND closes_at <= ?",
        (now, before),
    ) as cur:
        return [_period(row) async for row in cur]


async def add(
    conn: aiosqlite.Connection,
    period_id: int,
    candidate_id: int,
    nominator_id: int,
    now: str,
    provisional: bool = False,
    call_opened_at: str | None = None,
) -> bool:
    """A new nomination; False when the candidate is already nominated in this call. A
    nomination left from an earlier call of the same round (after a close with no valid
    candidate, `call_opened_at` later than it) starts again."""
    async with conn.execute(
        "INSERT INTO nomination (period_id, candidate_id, nominator_id, state, created_at,"
        " updated_at, provisional) VALUES (?, ?, ?, 'proposed', ?, ?, ?)"
        " ON CONFLICT (period_id, candidate_id) DO UPDATE SET nominator_id = excluded.nominator_id,"
        " state = 'proposed', created_at = excluded.created_at, updated_at = excluded.updated_at,"
        " provisional = excluded.provisional, soi_url = NULL, conflicts = '{}',"
        " refused_reason = NULL, outcome = NULL, accepted_at = NULL"
        " WHERE nomination.updated_at < ?",
        (period_id, candidate_id, nominator_id, now, now, int(provisional), call_opened_at or ""),
    ) as cur:
        return cur.rowcount == 1


async def get(conn: aiosqlite.Connection, period_id: int, candidate_id: int) -> Nomination | None:
    async with conn.execute(
        "SELECT nomination_id, state, soi_url, conflicts, provisional FROM nomination"
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
        provisional=bool(row["provisional"]),
    )


async def update(
    conn: aiosqlite.Connection,
    nomination_id: int,
    state: str,
    soi_url: str | None,
    conflicts: dict[int, bool],
    now: str,
    refused_reason: dict[str, Any] | None = None,
) -> None:
    """The candidate's step; `accepted_at` is kept from the first acceptance."""
    await conn.execute(
        "UPDATE nomination SET state = ?, soi_url = ?, conflicts = ?, updated_at = ?,"
        " refused_reason = ?, accepted_at = CASE WHEN ? IN ('accepted', 'valid')"
        " THEN coalesce(accepted_at, ?) ELSE accepted_at END WHERE nomination_id = ?",
        (
            state,
            soi_url,
            json.dumps({str(k): v for k, v in conflicts.items()}),
            now,
            json.dumps(refused_reason) if refused_reason else None,
            state,
            now,
            nomination_id,
        ),
    )


async def settle_at_close(
    conn: aiosqlite.Connection,
    nomination_id: int,
    state: str,
    outcome: str | None,
    refused_reason: dict[str, Any] | None,
    now: str,
) -> None:
    """What the close decided for one nomination (its state, its outcome, the rule)."""
    await conn.execute(
        "UPDATE nomination SET state = ?, outcome = ?,"
        " refused_reason = coalesce(?, refused_reason), updated_at = ? WHERE nomination_id = ?",
        (
            state,
            outcome,
            json.dumps(refused_reason) if refused_reason else None,
            now,
            nomination_id,
        ),
    )


async def candidates_with_aliases(
    conn: aiosqlite.Connection, period_id: int
) -> list[tuple[int, str, list[str]]]:
    """The valid candidates of a period: (nomination id, name, the person's name aliases), the
    choices of its vote (issue 17)."""
    async with conn.execute(
        "SELECT n.nomination_id, p.name, group_concat(a.shown, char(31)) FROM nomination n"
        " JOIN person p ON p.person_id = n.candidate_id LEFT JOIN person_alias a ON"
        " a.person_id = p.person_id AND a.kind = 'name' WHERE n.period_id = ? AND n.state ="
        " 'valid' GROUP BY n.nomination_id ORDER BY p.name",
        (period_id,),
    ) as cur:
        return [
            (int(row[0]), str(row[1]), str(row[2]).split(chr(31)) if row[2] else [])
            async for row in cur
        ]


async def set_outcome(conn: aiosqlite.Connection, nomination_id: int, outcome: str) -> None:
    """After a vote: elected or not-elected."""
    await conn.execute(
        "UPDATE nomination SET outcome = ? WHERE nomination_id = ?", (outcome, nomination_id)
    )


def _reason(text: str | None) -> dict[str, Any] | None:
    return dict(json.loads(text)) if text else None


async def listing(conn: aiosqlite.Connection) -> list[ListedNomination]:
    async with conn.execute(
        "SELECT n.nomination_id, np.position, np.year, c.name AS candidate, c.als_id,"
        " m.name AS nominator, n.state, n.outcome, n.provisional, n.refused_reason, n.soi_url,"
        " n.updated_at FROM nomination n JOIN nomination_period np USING (period_id)"
        " JOIN person c ON c.person_id = n.candidate_id JOIN person m ON m.person_id ="
        " n.nominator_id ORDER BY np.year, np.position, c.name"
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
                outcome=row["outcome"],
                provisional=bool(row["provisional"]),
                refused_reason=_reason(row["refused_reason"]),
                soi_url=row["soi_url"],
                updated_at=row["updated_at"],
            )
            async for row in cur
        ]


async def round_entries(
    conn: aiosqlite.Connection, period_ids: list[int] | None = None
) -> list[RoundEntry]:
    """Every period with its nominations (a period with none gives one entry with no candidate),
    newest round first; `period_ids` narrows it to those periods."""
    where = ""
    params: tuple[int, ...] = ()
    if period_ids is not None:
        where = f" WHERE np.period_id IN ({', '.join('?' * len(period_ids))})"
        params = tuple(period_ids)
    async with conn.execute(
        "SELECT np.period_id, np.position, np.year, np.vacancy, np.subregion, np.opens_at,"
        " np.closes_at, np.state AS period_state, np.outcome AS period_outcome, n.nomination_id,"
        " c.name AS candidate, a.als_id, a.name AS als_name, a.country, a.subregion AS"
        " candidate_subregion, m.name AS nominator, n.state, n.outcome, n.provisional,"
        " n.refused_reason, n.soi_url, n.conflicts, n.created_at, n.accepted_at, n.updated_at"
        " FROM nomination_period np LEFT JOIN nomination n ON n.period_id = np.period_id"
        " LEFT JOIN person c ON c.person_id = n.candidate_id LEFT JOIN als a ON a.als_id ="
        " c.als_id LEFT JOIN person m ON m.person_id = n.nominator_id" + where + " ORDER BY"
        " np.year DESC, np.opens_at DESC, np.position, c.name",
        params,
    ) as cur:
        return [_entry(row) async for row in cur]


def _entry(row: Row) -> RoundEntry:
    conflicts = json.loads(row["conflicts"]) if row["conflicts"] else {}
    return RoundEntry(
        period_id=row["period_id"],
        position=row["position"],
        year=row["year"],
        vacancy=bool(row["vacancy"]),
        subregion=row["subregion"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
        period_state=row["period_state"],
        period_outcome=row["period_outcome"],
        nomination_id=row["nomination_id"],
        candidate=row["candidate"],
        als_id=row["als_id"],
        als_name=row["als_name"],
        country=row["country"],
        candidate_subregion=row["candidate_subregion"],
        nominator=row["nominator"],
        state=row["state"],
        outcome=row["outcome"],
        provisional=bool(row["provisional"]),
        refused_reason=_reason(row["refused_reason"]),
        soi_url=row["soi_url"],
        conflicts_declared=len(conflicts) == 5 and not any(conflicts.values()),
        nominated_at=row["created_at"],
        accepted_at=row["accepted_at"],
        updated_at=row["updated_at"],
    )


async def expired_periods(conn: aiosqlite.Connection, now: str) -> list[Period]:
    """Periods still open whose end has passed: they close by themselves."""
    async with conn.execute(_PERIOD + " WHERE state = 'open' AND closes_at <= ?", (now,)) as cur:
        return [_period(row) async for row in cur]
