"""The unmatched queue worked by the Secretariat (issue 19, point 4), on a real SQLite file: the
listing with candidates, assign / unassign / dismiss / undismiss, their audit entries, and the
refusals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import aiosqlite
import pytest

from bot.domain.errors import RuleViolation
from bot.domain.reasons import Reason
from bot.region import Region
from bot.services import audit as audit_service
from bot.services import calls as call_service
from bot.services import roster as roster_service
from bot.services import unmatched as service
from bot.store import metrics as metrics_store
from bot.store import participation as events
from bot.store import unmatched as unmatched_store
from bot.zoom.events import CallJoin
from tests.cli_helpers import run_cli
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
        ("keisha@home.example", 1, "address"),  # mail counts by address: the name only hints
    ]
    [keisha] = queue[0]["candidates"]
    assert keisha == {
        "name": "Keisha Brown",
        "email": "keisha.brown@example.org",
        "als_id": "ALS-JM-01",
        "als_name": "Example Internet Users Society",
    }
    assert queue[1]["candidates"] == []


async def test_an_unknown_address_under_a_roster_name_is_said_to_be_an_address(
    conn: aiosqlite.Connection,
) -> None:
    """A post from an address not in the roster, signed with a roster person's name: mail is
    attributed by address only, so the queue says the name is that person's and to assign the
    address if it is theirs (it used to say it "fits a roster person now")."""
    event = events.NewEvent(
        source_key="<named@lists.example.org>",
        kind="list_post",
        source="lacralo-es.lists.example.org",
        occurred_at="2026-11-03T10:00:00+00:00",
        identity_kind="email",
        identity="juan.perez@elsewhere.example",
        shown_as="María Pérez",
        person_id=None,
        received_at=NOW.isoformat(),
    )
    await events.insert_events(conn, [event])
    [entry] = await service.listing(conn)
    assert (entry["key"], entry["why"]) == ("juan.perez@elsewhere.example", "address_named")
    assert [c["email"] for c in entry["candidates"]] == ["maria.perez@example.org"]
    assert await owner(conn, "juan.perez@elsewhere.example") == [None]  # never attributed


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
    assert (await metrics_store.snapshot(conn)).unmatched == 1  # /metrics agrees with the queue
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
    assert key == "unmatched.refused.unknown_key_closest"
    assert params["closest"] == "iphone de keisha"
    key, params = await refused(
        service.assign(conn, "iphone de keisha", "nobody@example.org", NOW, "t")
    )
    assert key == "unmatched.refused.unknown_email"
    await service.assign(conn, "iphone de keisha", "keisha.brown@example.org", NOW, "t")
    key, params = await refused(
        service.assign(conn, "iphone de keisha", "maria.perez@example.org", NOW, "t")
    )
    assert (key, params["person"]) == ("unmatched.refused.assigned", "keisha.brown@example.org")
    key, params = await refused(service.unassign(conn, "nobody here", NOW, "t"))
    assert key == "unmatched.refused.not_assigned" and "closest" not in params
    key, params = await refused(service.undismiss(conn, "nobody here", NOW, "t"))
    assert key == "unmatched.refused.not_dismissed" and "closest" not in params
    await service.dismiss(conn, "interprete es", NOW, "t")
    key, params = await refused(service.undismiss(conn, "interprete e", NOW, "t"))
    assert (key, params["closest"]) == ("unmatched.refused.not_dismissed_closest", "interprete es")
    await service.undismiss(conn, "interprete es", NOW, "t")
    # nothing refused left a trace in the audit log
    assert [a for a, _ in await actions(conn)] == [
        "unmatched.assign",
        "unmatched.dismiss",
        "unmatched.undismiss",
    ]


async def test_the_same_answer_twice_changes_nothing_and_is_not_refused(
    conn: aiosqlite.Connection,
) -> None:
    """Each command run twice (as the Secretariat will): the second says nothing changed, is
    no refusal, and adds no audit entry; a different answer is still refused."""
    await join(conn, "iPhone de Keisha", 1)
    await join(conn, "Intérprete ES", 2)
    keisha = "keisha.brown@example.org"
    await service.assign(conn, "iphone de keisha", keisha, NOW, "t")
    again = await service.assign(conn, "iPhone de Keisha", keisha.upper(), NOW, "t")
    assert again == service.Unchanged(
        Reason(
            "unmatched.unchanged.assigned",
            {"listed": "iphone de keisha", "person": "Keisha Brown", "email": keisha},
        )
    )
    await service.unassign(conn, "iphone de keisha", NOW, "t")
    again_undone = await service.unassign(conn, "iphone de keisha", NOW, "t")
    assert isinstance(again_undone, service.Unchanged)
    assert again_undone.reason.key == "unmatched.unchanged.not_assigned"
    assert await service.dismiss(conn, "interprete es", NOW, "t") == ("interprete es", 1)
    twice = await service.dismiss(conn, "interprete es", NOW, "t")
    assert isinstance(twice, service.Unchanged)
    assert twice.reason.key == "unmatched.unchanged.dismissed"
    assert await service.undismiss(conn, "interprete es", NOW, "t") == "interprete es"
    listed = await service.undismiss(conn, "interprete es", NOW, "t")
    assert isinstance(listed, service.Unchanged)
    assert listed.reason.key == "unmatched.unchanged.listed"
    assert await actions(conn) == [
        ("unmatched.assign", "iphone de keisha"),
        ("unmatched.unassign", "iphone de keisha"),
        ("unmatched.dismiss", "interprete es"),
        ("unmatched.undismiss", "interprete es"),
    ]


async def test_a_roster_import_after_an_assignment_changes_nobody(
    conn: aiosqlite.Connection, region: Region
) -> None:
    """The unchanged roster file imported again is unchanged, though the Secretariat gave
    someone an alias the file does not list; it used to count (and audit) them as updated at
    every import. The file listing the alias itself (an export re-imported) is unchanged too."""
    await join(conn, "iPhone de Keisha", 1)
    await post(conn, "keisha@home.example", 1)
    keisha = "keisha.brown@example.org"
    await service.assign(conn, "iphone de keisha", keisha, NOW, "t")
    await service.assign(conn, "keisha@home.example", keisha, NOW, "t")
    entries = len(await audit_service.listing(conn, None, None))
    roster = EXAMPLE_ROSTER.read_bytes()
    report = await roster_service.import_roster(conn, region, roster, NOW.isoformat(), "t")
    assert (report.created, report.updated, report.unchanged) == (0, 0, 12)
    exported = roster_service.roster_csv_rows(await roster_service.export_roster(conn))
    [row] = [r for r in exported if r["email"] == keisha]
    assert row["aliases"] == "keisha@home.example;iPhone de Keisha"
    text = HEADER + ",".join(row.values()) + "\n"
    report = await roster_service.import_roster(conn, region, text.encode(), NOW.isoformat(), "t")
    assert (report.updated, report.unchanged) == (0, 1)
    assert len(await audit_service.listing(conn, None, None)) == entries
    # A real change still is one.
    changed = text.replace(",JM,keisha@", ",TT,keisha@")
    report = await roster_service.import_roster(
        conn, region, changed.encode(), NOW.isoformat(), "t"
    )
    assert report.updated == 1


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


REPORT = Path(__file__).parent / "fixtures" / "zoom" / "en_old_summary.csv"


def test_the_command_line_says_a_repeat_and_titles_the_dismissed_keys(tmp_path: Path) -> None:
    """Through the real command line: the dismissed keys listed under their own title (it used
    to be the queue's, "Not attributed yet ... assign"), a second dismissal exits 0 saying
    nothing changed, and a refusal with nothing close names no "closest" ("Closest: -")."""
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    call = ("--kind", "monthly", "--start", "2026-11-05T17:00:00Z", "--zoom-id", ZOOM)
    assert run_cli(tmp_path, "meetings", "add", *call).returncode == 0
    report = ("backfill", "zoom-report", str(REPORT), "--zoom-id", ZOOM, "--tz", "America/Bogota")
    assert run_cli(tmp_path, *report).returncode == 0
    first = run_cli(tmp_path, "unmatched", "dismiss", "persona desconocida")
    assert first.returncode == 0, first.stderr
    again = run_cli(tmp_path, "unmatched", "dismiss", "Persona Desconocida", LACRALO_LANGUAGE="es")
    assert again.returncode == 0, again.stderr
    assert "«persona desconocida» ya está descartada; no cambió nada" in again.stderr
    table = run_cli(tmp_path, "unmatched", "--dismissed", COLUMNS="250")
    assert "Dismissed (1 name or address" in table.stdout, table.stdout
    assert "Not attributed yet" not in table.stdout and "Persona Desconocida" in table.stdout
    undone = run_cli(tmp_path, "unmatched", "undismiss", "persona desconocida")
    assert undone.returncode == 0, undone.stderr
    assert run_cli(tmp_path, "unmatched", "undismiss", "persona desconocida").returncode == 0
    unknown = run_cli(tmp_path, "unmatched", "assign", "zzz", "--to", "keisha.brown@example.org")
    assert unknown.returncode == 1 and "not in the unmatched queue" in unknown.stderr
    assert "Closest" not in unknown.stderr
    audit = json.loads(run_cli(tmp_path, "audit", "list", "--format", "json").stdout)
    assert [a["action"] for a in audit if a["action"].startswith("unmatched")] == [
        "unmatched.dismiss",
        "unmatched.undismiss",
    ]
