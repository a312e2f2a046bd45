"""Typed rows (issue 14): every listing row carries exactly the keys of its type, in the order the
listings print them (JSON and CSV keep that order), whatever reads it by key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import pytest

from bot.deps import iso
from bot.region import Region
from bot.services import meetings as meeting_service
from bot.services import roster as roster_service
from bot.store import (
    als_activity,
    confirmations,
    elections,
    meeting_attendance,
    meetings,
    outbox,
    participation,
    roster,
    shares,
)
from tests.conftest import EXAMPLE_ROSTER

START = datetime(2026, 3, 15, 15, 0, tzinfo=UTC)
NOW = datetime(2026, 3, 20, tzinfo=UTC)
ZOOM = "81234567890"
Fetch = Callable[[aiosqlite.Connection], Awaitable[list[Any]]]


def _event(key: str, kind: str, source: str, identity: str) -> participation.NewEvent:
    return participation.NewEvent(
        source_key=key,
        kind=kind,
        source=source,
        occurred_at=iso(START),
        identity_kind="email",
        identity=identity,
        shown_as=None,
        person_id=None,
        received_at=iso(NOW),
    )


async def _seed(conn: aiosqlite.Connection, region: Region) -> None:
    """One of everything: a meeting joined by a member, a post from a stranger, a share, a proxy,
    a published result, a queued message, an ALS-level record and a pending e-mail command."""
    await roster_service.import_roster(conn, region, EXAMPLE_ROSTER.read_bytes(), iso(NOW), "t")
    await meeting_service.add_meeting(conn, "monthly", START, 60, ZOOM, None, NOW, "t")
    await participation.ensure_list(conn, "wg.example.org", None, "wg", True, iso(NOW))
    joined = _event("join-1", "call_join", ZOOM, "maria.perez@example.org")
    posted = _event("post-1", "list_post", "wg.example.org", "stranger@example.com")
    await participation.insert_events(conn, [joined, posted])
    person = await roster.get_person(conn, "maria.perez@example.org")
    assert person is not None
    await shares.add(conn, person.person_id, person.als_id, "A workshop", iso(START))
    await elections.add_proxy(conn, "ALS-AR-01", "ALS-BR-01", iso(START))
    await elections.publish(conn, "Chair", iso(START), {"winner": None}, ["ALS-AR-01"], iso(NOW))
    await outbox.enqueue(conn, "k", "email", "a@example.org", {"subject": "S"}, iso(NOW), iso(NOW))
    await als_activity.insert_activity(conn, "ALS-BR-01", "other", iso(START), "n", "t", iso(NOW))
    command = confirmations.PendingCommand(text="status", sections={})
    await confirmations.create(conn, "tok", "a@example.org", command, iso(NOW), "9999")
    await conn.commit()


async def _meeting(conn: aiosqlite.Connection) -> list[Any]:
    found = await meetings.get(conn, 1, iso(NOW))
    return [found] if found else []


async def _activity(conn: aiosqlite.Connection) -> list[Any]:
    found = await als_activity.activity(conn, 1)
    return [found] if found else []


async def _command(conn: aiosqlite.Connection) -> list[Any]:
    _, found = await confirmations.consume(conn, "tok", "a@example.org", iso(NOW))
    return [found] if found else []


CASES: list[tuple[str, type, Fetch]] = [
    ("meetings list", meetings.ListedMeeting, lambda c: meetings.listing(c, iso(NOW))),
    ("meetings to come", meetings.UpcomingMeeting, lambda c: meetings.since(c, "")),
    ("one meeting", meetings.StoredMeeting, _meeting),
    (
        "ALSs at a call",
        meeting_attendance.PresentAls,
        lambda c: meeting_attendance.als_present(c, 1),
    ),
    ("an ALS-level record", als_activity.ActivityRecord, _activity),
    ("a confirmed e-mail command", confirmations.PendingCommand, _command),
    ("participation log", participation.LoggedEvent, lambda c: participation.events(c)),
    ("unmatched senders", participation.UnmatchedSender, lambda c: participation.unmatched(c)),
    ("mailing lists", participation.SeenList, lambda c: participation.lists(c)),
    ("roster export", roster.ExportedAls, lambda c: roster.export_rows(c)),
    ("shares", shares.SharedActivity, lambda c: shares.between(c, "2026", "2027")),
    ("proxies", elections.ProxyRow, lambda c: elections.proxy_listing(c)),
    ("published results", elections.PublishedResult, lambda c: elections.published(c)),
    ("outbox", outbox.OutboxListing, lambda c: outbox.listing(c)),
]


@pytest.mark.parametrize(("name", "kind", "fetch"), CASES, ids=[c[0] for c in CASES])
async def test_rows_have_the_keys_of_their_type_in_order(
    store: aiosqlite.Connection, region: Region, name: str, kind: type, fetch: Fetch
) -> None:
    await _seed(store, region)
    rows = await fetch(store)
    assert rows, name
    assert [list(row) for row in rows] == [list(kind.__annotations__)] * len(rows)
