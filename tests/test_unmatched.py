"""The unmatched queue worked by the Secretariat (issue 19, point 4), on a real SQLite file: the
listing with candidates, assign / unassign / dismiss / undismiss, their audit entries, and the
refusals."""

from __future__ import annotations

from datetime import UTC, datetime

import aiosqlite
import pytest

from bot.domain.errors import RuleViolation
from bot.region import Region
from bot.services import audit as audit_service
from bot.services import calls as call_service
from bot.services import roster as roster_service
from bot.services import unmatched as service
from bot.store import participation as events
from bot.store import unmatched as unmatched_store
from bot.zoom.events import CallJoin
from tests.conftest import EXAMPLE_ROSTER

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ZOOM = "85218486288"
HEADER = (
    "als_id,als_name,country,accredited_on,language,role,name,email,slack_id,nationality,aliases\n"
)
# A second Juan Pérez, in another ALS, and one in the example's AR ALS.
PEREZ = (
    "ALS-AR-01,Asociación Ficticia de Usuarios de Internet,AR,2015-03-10,es,member,Juan Pérez,"
    "juan.perez@example.org,,AR,\n"
    "ALS-MX-01,Colectivo Ejemplo por el Acceso,MX,2016-09-05,es,member,Juan Pérez,"
    "juan.perez2@example.org,,MX,\n"
)


@pytest.fixture
async def conn(store: aiosqlite.Connection, region: Region) -> aiosqlite.Connection:
    await roster_service.import_roster(
        store, region, EXAMPLE_ROSTER.read_bytes(), "2026-01-01T00:00:00+00:00", "t"
    )
    return store


async def join(conn: aiosqlite.Connection, name: str, minute: int, email: str | None = None) -> str:
    at = datetime(2026, 11, 17, 15, minute, tzinfo=UTC)
    done = await call_service.record_join(conn, CallJoin(ZOOM, name, email, at), NOW)
    return done.outcome.value


async def post(conn: aiosqlite.Connection, address: str, n: int) -> None:
    event = events.NewEvent(
        source_key=f"<{n}@lists.example.org>",
        kind="list_post",
        source="lacralo-es.lists.example.org",
        occurred_at=f"2026-11-0{n}T10:00:00+00:00",
        identity_kind="email",
        identity=address,
        shown_as="Keisha (home)",
        person_id=None,
        received_at=NOW.isoformat(),
    )
    await events.insert_events(conn, [event])


async def owner(conn: aiosqlite.Connection, identity: str) -> list[str | None]:
    async with conn.execute(
        "SELECT p.email FROM participation e LEFT JOIN person p USING (person_id)"
        " WHERE e.identity = ? ORDER BY e.event_id",
        (identity,),
    ) as cur:
        return [row[0] async for row in cur]


async def actions(conn: aiosqlite.Connection) -> list[tuple[str, str]]:
    return [
        (e["action"], e["subject"]) for e in await audit_service.listing(conn, "unmatched", None)
    ]


async def test_the_queue_groups_by_key_with_counts_and_candidates(
    conn: aiosqlite.Connection,
) -> None:
    assert await join(conn, "iPhone de Keisha", 1) == "unmatched"
    assert await join(conn, "iPhone de Keisha", 40) == "unmatched"
    assert await join(conn, "Intérprete ES", 2) == "unmatched"
    await post(conn, "keisha@home.example", 1)
    queue = await service.listing(conn)
    assert [(q["key"], q["count"], q["why"]) for q in queue] == [
        ("iphone de keisha", 2, "partial"),
        ("interprete es", 1, "unknown"),
        ("keisha@home.example", 1, "partial"),
    ]
    [keisha] = queue[0]["candidates"]
    assert keisha == {
        "name": "Keisha Brown",
        "email": "keisha.brown@example.org",
        "als_id": "ALS-JM-01",
        "als_name": "Example Internet Users Society",
    }
    assert queue[1]["candidates"] == []


async def test_issue_19_the_als_in_brackets_decides(
    conn: aiosqlite.Connection, region: Region
) -> None:
    await roster_service.import_roster(
        conn, region, (HEADER + PEREZ).encode(), "2026-01-02T00:00:00+00:00", "t"
    )
    assert await join(conn, "Juan Pérez", 1) == "ambiguous"
    assert await join(conn, "Juan Pérez (Colectivo Ejemplo por el Acceso)", 2) == "matched"
    assert await join(conn, "Juan Pérez - Fundación Ejemplo Digital", 3) == "ambiguous"  # conflict
    assert await owner(conn, "juan perez (colectivo ejemplo por el acceso)") == [
        "juan.perez2@example.org"
    ]
    [ambiguous, conflict] = sorted(await service.listing(conn), key=lambda q: q["key"])
    assert (ambiguous["why"], conflict["why"]) == ("ambiguous", "conflict")
    assert {c["als_id"] for c in ambiguous["candidates"]} == {"ALS-AR-01", "ALS-MX-01"}


async def test_a_first_name_alone_is_never_attributed_even_after_an_import(
    conn: aiosqlite.Connection, region: Region
) -> None:
    """Before issue 19 a display name equal to a one-word roster name was attributed; now the
    import's re-attribution uses the same rules as a live join."""
    await join(conn, "Keisha", 1)
    row = "ALS-JM-01,Example Internet Users Society,JM,2020-02-14,en,member,Keisha,k@example.org,,JM,\n"
    report = await roster_service.import_roster(
        conn, region, (HEADER + row).encode(), "2026-01-02T00:00:00+00:00", "t"
    )
    assert report.attributed == 0
    assert await owner(conn, "keisha") == [None]


async def test_assign_attributes_the_past_and_the_future(conn: aiosqlite.Connection) -> None:
    await join(conn, "iPhone de Keisha", 1)
    await join(conn, "iPhone de Keisha", 2)
    done = await service.assign(
        conn, "iphone de keisha", "Keisha.Brown@example.org", NOW, "cli:sec"
    )
    assert (done.key, done.events, done.person.als_id) == ("iphone de keisha", 2, "ALS-JM-01")
    assert await owner(conn, "iphone de keisha") == ["keisha.brown@example.org"] * 2
    assert await join(conn, "iPhone de Keisha", 3) == "matched"  # the alias, from now on
    assert await join(conn, "IPHONE de keisha", 4) == "matched"
    assert await service.listing(conn) == []
    assert await actions(conn) == [("unmatched.assign", "iphone de keisha")]
    [entry] = await audit_service.listing(conn, "unmatched.assign", None)
    assert entry["actor"] == "cli:sec"
    assert entry["data"]["person"] == "keisha.brown@example.org"
    assert entry["data"]["events"] == 2


async def test_an_address_is_assigned_as_an_address_alias(conn: aiosqlite.Connection) -> None:
    await post(conn, "keisha@home.example", 1)
    await post(conn, "keisha@home.example", 2)
    done = await service.assign(conn, "keisha@home.example", "keisha.brown@example.org", NOW, "t")
    assert done.events == 2
    assert await events.person_by_email(conn, "keisha@home.example") is not None
    assert await owner(conn, "keisha@home.example") == ["keisha.brown@example.org"] * 2


async def test_an_assigned_alias_survives_a_roster_import(
    conn: aiosqlite.Connection, region: Region
) -> None:
    """An import replaces each person's aliases with the file's; the assigned one comes back."""
    await join(conn, "iPhone de Keisha", 1)
    await service.assign(conn, "iphone de keisha", "keisha.brown@example.org", NOW, "t")
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2026-02-01T00:00:00+00:00", "t"
    )
    assert await join(conn, "iPhone de Keisha", 5) == "matched"


async def test_unassign_returns_the_events_to_the_queue(conn: aiosqlite.Connection) -> None:
    await join(conn, "iPhone de Keisha", 1)
    await join(conn, "Keisha Brown", 2)  # attributed by name, not through the alias
    await service.assign(conn, "iphone de keisha", "keisha.brown@example.org", NOW, "t")
    await join(conn, "iPhone de Keisha", 3)
    undone = await service.unassign(conn, "iphone de keisha", NOW, "t")
    assert (undone.returned, undone.kept) == (2, 0)
    assert await owner(conn, "iphone de keisha") == [None, None]
    assert await owner(conn, "keisha brown") == ["keisha.brown@example.org"]
    assert [(q["key"], q["count"]) for q in await service.listing(conn)] == [
        ("iphone de keisha", 2)
    ]
    assert await join(conn, "iPhone de Keisha", 4) == "unmatched"
    assert await actions(conn) == [
        ("unmatched.assign", "iphone de keisha"),
        ("unmatched.unassign", "iphone de keisha"),
    ]


async def test_dismiss_hides_a_key_and_its_later_events(conn: aiosqlite.Connection) -> None:
    await join(conn, "Intérprete ES", 1)
    await join(conn, "Keisha", 2)
    assert await service.dismiss(conn, "interprete es", NOW, "t") == ("interprete es", 1)
    await join(conn, "Intérprete ES", 30)
    assert [q["key"] for q in await service.listing(conn)] == ["keisha"]
    assert [(q["key"], q["count"]) for q in await service.listing(conn, dismissed=True)] == [
        ("interprete es", 2)
    ]
    assert await service.undismiss(conn, "Intérprete ES", NOW, "t") == "interprete es"
    assert [q["key"] for q in await service.listing(conn)] == ["interprete es", "keisha"]
    assert await actions(conn) == [
        ("unmatched.dismiss", "interprete es"),
        ("unmatched.undismiss", "interprete es"),
    ]


async def test_assigning_a_dismissed_key_undismisses_it(conn: aiosqlite.Connection) -> None:
    await join(conn, "Keisha", 1)
    await service.dismiss(conn, "keisha", NOW, "t")
    done = await service.assign(conn, "keisha", "keisha.brown@example.org", NOW, "t")
    assert done.was_dismissed and done.events == 1
    assert await unmatched_store.dismissed_keys(conn) == []


async def refused(coro: object) -> tuple[str, dict[str, object]]:
    with pytest.raises(RuleViolation) as caught:
        await coro  # type: ignore[misc]
    return caught.value.reason.key, dict(caught.value.reason.params)


async def test_refusals_name_what_is_wrong(conn: aiosqlite.Connection) -> None:
    await join(conn, "iPhone de Keisha", 1)
    await join(conn, "Intérprete ES", 2)
    key, params = await refused(
        service.assign(conn, "iphone de keysha", "keisha.brown@example.org", NOW, "t")
    )
    assert key == "unmatched.refused.unknown_key" and params["closest"] == "iphone de keisha"
    key, params = await refused(
        service.assign(conn, "iphone de keisha", "nobody@example.org", NOW, "t")
    )
    assert key == "unmatched.refused.unknown_email"
    await service.assign(conn, "iphone de keisha", "keisha.brown@example.org", NOW, "t")
    key, params = await refused(
        service.assign(conn, "iphone de keisha", "maria.perez@example.org", NOW, "t")
    )
    assert (key, params["person"]) == ("unmatched.refused.assigned", "keisha.brown@example.org")
    key, _ = await refused(service.unassign(conn, "interprete es", NOW, "t"))
    assert key == "unmatched.refused.not_assigned"
    await service.dismiss(conn, "interprete es", NOW, "t")
    key, _ = await refused(service.dismiss(conn, "interprete es", NOW, "t"))
    assert key == "unmatched.refused.dismissed"
    await service.undismiss(conn, "interprete es", NOW, "t")
    key, params = await refused(service.undismiss(conn, "interprete es", NOW, "t"))
    assert key == "unmatched.refused.not_dismissed" and params["closest"] == "-"
    # nothing refused left a trace in the audit log
    assert [a for a, _ in await actions(conn)] == [
        "unmatched.assign",
        "unmatched.dismiss",
        "unmatched.undismiss",
    ]


async def test_the_roster_index_follows_the_roster(
    conn: aiosqlite.Connection, region: Region
) -> None:
    first = await unmatched_store.roster_index(conn)
    assert await unmatched_store.roster_index(conn) is first  # kept while nothing changed
    assert await join(conn, "Juan Pérez", 1) == "unmatched"
    await roster_service.import_roster(
        conn, region, (HEADER + PEREZ).encode(), "2026-01-02T00:00:00+00:00", "t"
    )
    assert await unmatched_store.roster_index(conn) is not first
    assert await join(conn, "Juan Pérez", 2) == "ambiguous"
