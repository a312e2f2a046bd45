"""Statuses from a real SQLite file: attendance by meeting window, history, notices queued once."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.region import Region
from bot.services import calls as call_service
from bot.services import meetings as meeting_service
from bot.services import roster as roster_service
from bot.services import status as status_service
from bot.settings import Settings
from bot.store import outbox
from bot.zoom.events import CallJoin
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

ZOOM = "85218486288"
CALLS = [datetime(2026, m, 15, 15, 0, tzinfo=UTC) for m in range(1, 12)]


async def setup(conn: aiosqlite.Connection, region: Region, attended: dict[str, list[int]]) -> None:
    """Roster, monthly calls Jan-Nov 2026, and joins: ALS id -> the months one of its people joined."""
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2025-01-01T00:00:00+00:00", "t"
    )
    for start in CALLS:
        await meeting_service.add_meeting(conn, "monthly", start, 90, ZOOM, None, start, "t")
    people = {
        "ALS-AR-01": "maria.perez@example.org",
        "ALS-BR-01": "joao.araujo@example.org",
        "ALS-JM-01": "keisha.brown@example.org",
    }
    joins = [
        CallJoin(ZOOM, "x", people[als], CALLS[m - 1] + timedelta(minutes=4))
        for als, months in attended.items()
        for m in months
    ]
    await call_service.record_joins(conn, joins, datetime(2026, 11, 20, tzinfo=UTC))


def by_id(items: list[status_service.AlsStatus]) -> dict[str, status_service.AlsStatus]:
    return {i.als.als_id: i for i in items}


async def test_statuses_follow_attendance(store: aiosqlite.Connection, region: Region) -> None:
    await setup(
        store,
        region,
        {
            "ALS-AR-01": list(range(1, 12)),
            "ALS-BR-01": list(range(1, 9)),
            "ALS-JM-01": list(range(1, 10)),
        },
    )
    found = by_id(await status_service.statuses(store, region, datetime(2026, 11, 20, tzinfo=UTC)))
    assert found["ALS-AR-01"].status.state.value == "active"
    assert found["ALS-BR-01"].status.state.value == "inactive"  # missed Sep, Oct, Nov
    assert found["ALS-BR-01"].status.missed_consecutive_calls == 3
    assert found["ALS-JM-01"].status.early_warning  # missed Oct and Nov
    assert found["ALS-PE-01"].status.state.value == "observer"
    # Earlier, on 20 Sep, BR had missed one call only.
    earlier = by_id(await status_service.statuses(store, region, datetime(2026, 9, 20, tzinfo=UTC)))
    assert earlier["ALS-BR-01"].status.state.value == "active"


async def test_a_join_outside_the_meeting_window_does_not_count(
    store: aiosqlite.Connection, region: Region
) -> None:
    # Jamaica attended every call, so each call's attendance is known (issue 13).
    await setup(store, region, {"ALS-AR-01": list(range(1, 9)), "ALS-JM-01": list(range(1, 12))})
    late = CallJoin(
        ZOOM, "x", "maria.perez@example.org", CALLS[8] + timedelta(hours=5)
    )  # Sep, hours after
    await call_service.record_joins(store, [late], datetime(2026, 11, 20, tzinfo=UTC))
    found = by_id(await status_service.statuses(store, region, datetime(2026, 11, 20, tzinfo=UTC)))
    assert found["ALS-AR-01"].status.missed_consecutive_calls == 3


async def test_refresh_records_changes_and_queues_each_notice_once(
    store: aiosqlite.Connection, region: Region
) -> None:
    await setup(
        store,
        region,
        {
            "ALS-AR-01": list(range(1, 12)),
            "ALS-BR-01": list(range(1, 9)),
            "ALS-JM-01": list(range(1, 10)),
        },
    )
    settings = Settings(outbound_smtp_host="127.0.0.1", slack_bot_token="xoxb-test")  # type: ignore[call-arg]
    now = datetime(2026, 11, 20, tzinfo=UTC)
    first = await status_service.refresh(store, region, settings, now, "test")
    assert {i.als.als_id for i in first.changed} >= {"ALS-BR-01"}
    assert [i.als.als_id for i in first.warned] == ["ALS-JM-01"]
    rows = await outbox.listing(store)
    to = {(r["channel"], r["recipient"]) for r in rows}
    assert ("email", "joao.araujo@example.org") in to and (
        "slack",
        "U0000003",
    ) in to  # BR's representative
    assert ("email", "keisha.brown@example.org") in to  # JM's early warning
    assert ("email", "chair@example.org") in to and (
        "email",
        "secretary@example.org",
    ) in to  # digest
    assert ("email", "ana.conceicao@example.org") not in to  # a member, not a representative
    # The notice to BR's representative is in his language, Portuguese, with the reasons and
    # what to do next (issue 18: every direct message in the person's language).
    async with store.execute(
        "SELECT payload FROM outbox WHERE recipient = 'joao.araujo@example.org'"
    ) as cur:
        text = json.loads((await cur.fetchone())[0])["text"]
    assert "Olá, representantes de Instituto Exemplo de Cidadania Digital" in text
    assert "inativa" in text and "inactive" not in text and "inactiva" not in text
    assert "15 set 2026" in text and "Regras de Procedimento" in text
    assert "Lectura" not in text and "Leitura usada" not in text  # no internal labels

    again = await status_service.refresh(store, region, settings, now + timedelta(hours=1), "test")
    assert again.changed == [] and again.queued == 0
    assert len(await outbox.listing(store)) == len(rows)
    async with store.execute(
        "SELECT count(*) FROM status_change WHERE als_id = 'ALS-BR-01'"
    ) as cur:
        assert (await cur.fetchone())[0] == 1


async def test_status_cli_and_public_page(tmp_path: Path) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    for month in (9, 10, 11):
        run_cli(
            tmp_path,
            "meetings",
            "add",
            "--kind",
            "monthly",
            "--start",
            f"2026-{month:02d}-15T15:00Z",
            "--zoom-id",
            ZOOM,
        )
    # Registered calls with no attendance evidence are missed by nobody (issue 13).
    unknown = run_cli(tmp_path, "status", "--as-of", "2026-11-20", "--format", "json")
    ar = next(r for r in json.loads(unknown.stdout) if r["als_id"] == "ALS-AR-01")
    assert ar["state"] == "active" and ar["missed_consecutive_calls"] == 0
    assert ar["unrecorded_calls"] == ["2026-09-15", "2026-10-15", "2026-11-15"]
    assert "Past monthly calls with no attendance recorded: 3;" in unknown.stderr
    # The Secretariat records who attended each call: now the calls count.
    for meeting_id in ("1", "2", "3"):
        held = run_cli(tmp_path, "meetings", "held", meeting_id, "--attended", "ALS-JM-01")
        assert held.returncode == 0, held.stderr
    rows = json.loads(
        run_cli(tmp_path, "status", "--as-of", "2026-11-20", "--format", "json").stdout
    )
    ar = next(r for r in rows if r["als_id"] == "ALS-AR-01")
    assert ar["unrecorded_calls"] == []
    assert set(ar) >= {
        "als_id",
        "als_name",
        "country",
        "subregion",
        "state",
        "reasons",
        "last_participation",
        "missed_consecutive_calls",
        "can_vote",
        "counts_for_quorum",
        "eligible_for_office",
    }
    assert ar["state"] == "inactive" and ar["missed_consecutive_calls"] == 3
    assert any("15 Sep 2026, 15 Oct 2026 and 15 Nov 2026" in r for r in ar["reasons"])
    table = run_cli(tmp_path, "status", "--as-of", "2026-11-20")
    assert "Sub-region D: Southern Cone" in table.stdout and "quorum threshold" in table.stderr
    assert run_cli(tmp_path, "status", "--as-of", "last week").returncode == 2
    spanish = json.loads(
        run_cli(
            tmp_path, "status", "--as-of", "2026-11-20", "--format", "json", LACRALO_LANGUAGE="es"
        ).stdout
    )
    assert any("Faltó a 3 teleconferencias" in r for r in spanish[0]["reasons"])
