"""Status judged from evidence on a real SQLite file (issue 13): partial back-fills judge nobody on
missing data, late evidence corrects the past (recorded, audited, told once), and notices go only
where seed 003 asks ("The concerned ALSes will be notified of the change of their status")."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite

from bot.region import Region
from bot.services import audit as audit_service
from bot.services import calls as call_service
from bot.services import meetings as meeting_service
from bot.services import roster as roster_service
from bot.services import status as status_service
from bot.settings import Settings
from bot.store import migrate, open_store
from bot.zoom.events import CallJoin
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

ZOOM = "85218486288"
# Monthly calls from January 2025 to November 2026, the 15th at 15:00 UTC.
CALLS = [datetime(y, m, 15, 15, 0, tzinfo=UTC) for y in (2025, 2026) for m in range(1, 13)][:23]
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PEOPLE = {
    "ALS-AR-01": "maria.perez@example.org",
    "ALS-BR-01": "joao.araujo@example.org",
    "ALS-HT-01": "jb.etienne@example.org",
    "ALS-JM-01": "keisha.brown@example.org",
    "ALS-MX-01": "lupe.hernandez@example.org",
    "ALS-CO-01": "andres.gomez@example.org",
}
SETTINGS = Settings(outbound_smtp_host="127.0.0.1", slack_bot_token="xoxb-test")  # type: ignore[call-arg]


def month(text: str) -> int:
    """'2025-03' -> its index in CALLS."""
    year, mon = map(int, text.split("-"))
    return (year - 2025) * 12 + mon - 1


async def setup(conn: aiosqlite.Connection, region: Region) -> None:
    await roster_service.import_roster(
        conn, region, EXAMPLE_ROSTER.read_bytes(), "2024-01-01T00:00:00+00:00", "t"
    )
    for start in CALLS:
        await meeting_service.add_meeting(conn, "monthly", start, 90, ZOOM, None, start, "t")


async def joins(conn: aiosqlite.Connection, attended: dict[str, list[int]]) -> None:
    found = [
        CallJoin(ZOOM, "x", PEOPLE[als], CALLS[i] + timedelta(minutes=4))
        for als, indices in attended.items()
        for i in indices
    ]
    await call_service.record_joins(conn, found, NOW)


def with_data(*spans: tuple[str, str]) -> list[int]:
    return [i for a, b in spans for i in range(month(a), month(b) + 1)]


EVERY_CALL = with_data(("2025-01", "2026-11"))


async def all_attend_but(conn: aiosqlite.Connection, als: str, missed: list[int]) -> None:
    """Every call has data; every ALS attended each one, except `als` the calls `missed`."""
    attended = {other: EVERY_CALL for other in PEOPLE}
    attended[als] = [i for i in EVERY_CALL if i not in missed]
    await joins(conn, attended)


async def notices_to(conn: aiosqlite.Connection, address: str) -> list[dict[str, str]]:
    async with conn.execute(
        "SELECT dedup_key, payload FROM outbox WHERE recipient = ? ORDER BY outbox_id", (address,)
    ) as cur:
        return [{"key": k, **json.loads(p)} async for k, p in cur]


async def test_a_partial_back_fill_judges_nobody_on_missing_data(
    store: aiosqlite.Connection, region: Region
) -> None:
    """The issue's new-user case: 23 calls registered, reports for 12 of them. Every ALS that
    attended every call with data stays active and eligible; nobody is mailed about old changes."""
    await setup(store, region)
    recorded = with_data(("2025-01", "2025-06"), ("2026-06", "2026-11"))
    everyone = {als: recorded for als in PEOPLE}
    # Haiti missed three recorded calls in a row in 2025 (March to May), then came back.
    everyone["ALS-HT-01"] = [i for i in recorded if i not in with_data(("2025-03", "2025-05"))]
    # Colombia stopped attending after June 2026: inactive since the third miss, in September.
    everyone["ALS-CO-01"] = with_data(("2025-01", "2025-06"), ("2026-06", "2026-06"))
    await joins(store, everyone)

    report = await status_service.refresh(store, region, SETTINGS, NOW, "scheduler")

    found = {i.als.als_id: i.status for i in await status_service.statuses(store, region, NOW)}
    for als in ("ALS-AR-01", "ALS-BR-01", "ALS-JM-01", "ALS-MX-01"):
        assert found[als].state.value == "active", (als, found[als].reasons)
        assert found[als].eligible_for_office, als
        assert len(found[als].unrecorded_calls) == 11  # July 2025 to May 2026
    assert found["ALS-CO-01"].state.value == "inactive"
    assert found["ALS-CO-01"].since.isoformat() == "2026-09-15"
    assert found["ALS-HT-01"].state.value == "active" and not found["ALS-HT-01"].eligible_for_office
    # Haiti's past spell is recorded and summed up for the Secretariat, not mailed to Haiti.
    assert [i.als.als_id for i, _ in report.past] == ["ALS-HT-01"]
    assert await notices_to(store, "jb.etienne@example.org") == []
    # Colombia is inactive now: seed 003 asks that it be told, once, however old the change.
    [co] = [n for n in await notices_to(store, "andres.gomez@example.org") if "email" in n["key"]]
    assert co["key"].startswith("status:ALS-CO-01:inactive:2026-09-15")
    # Nobody else hears anything: no notice, no early warning for active ALSs.
    for als in ("ALS-AR-01", "ALS-BR-01", "ALS-JM-01", "ALS-MX-01"):
        assert await notices_to(store, PEOPLE[als]) == [], als
    [digest] = [n for n in await notices_to(store, "chair@example.org")]
    assert "Association Fictive des Internautes" in digest["text"]
    assert "inactive from 15 May 2025 to 15 Jun 2025" in digest["text"]
    past = await audit_service.listing(store, "status.past", None)
    assert [e["subject"] for e in past] == ["ALS-HT-01"]

    again = await status_service.refresh(store, region, SETTINGS, NOW + timedelta(days=1), "s")
    assert again.queued == 0 and again.past == [] and again.corrected == []


async def test_late_evidence_corrects_the_past_records_it_and_tells_once(
    store: aiosqlite.Connection, region: Region
) -> None:
    await setup(store, region)
    # Brazil's report for October 2026 has not arrived: Sep, Oct, Nov look missed.
    await all_attend_but(store, "ALS-BR-01", with_data(("2026-09", "2026-11")))
    first = await status_service.refresh(store, region, SETTINGS, NOW, "scheduler")
    assert [i.als.als_id for i in first.changed] == ["ALS-BR-01"]
    told = await notices_to(store, "joao.araujo@example.org")
    assert [n["key"].split(":")[0] for n in told if ":email:" in n["key"]] == ["status"]

    # A month later the October report arrives: Brazil attended that call.
    await joins(store, {"ALS-BR-01": [month("2026-10")]})
    later = NOW + timedelta(days=1)
    second = await status_service.refresh(store, region, SETTINGS, later, "scheduler")

    [(item, correction)] = second.corrected
    assert item.als.als_id == "ALS-BR-01" and item.status.state.value == "active"
    assert correction.before == (("2026-11-15T15:00:00+00:00", None),)
    assert correction.after == ()
    assert correction.evidence["attended"]["added"] == ["2026-10-15"]
    [entry] = await audit_service.listing(store, "status.correction", None)
    assert entry["subject"] == "ALS-BR-01"
    assert entry["data"]["evidence"]["missed"]["removed"] == ["2026-10-15"]
    # Brazil had been told it was inactive: it is told once that this was wrong, in its language.
    told = await notices_to(store, "joao.araujo@example.org")
    corrections = [n for n in told if n["key"].startswith("correction:") and ":email:" in n["key"]]
    assert len(corrections) == 1
    assert "Correção" in corrections[0]["text"] and "Correction" not in corrections[0]["text"]
    assert "ativa" in corrections[0]["subject"]
    # The history keeps the first judgement and its correction.
    history = await status_service.history_rows(store, "ALS-BR-01")
    assert history is not None
    assert [(r["kind"], r["state"]) for r in history] == [
        ("change", "inactive"),
        ("correction", "active"),
        ("change", "active"),
    ]
    third = await status_service.refresh(store, region, SETTINGS, later + timedelta(days=1), "s")
    assert third.queued == 0 and third.corrected == []


async def test_a_corrected_past_year_restores_office_eligibility_without_mailing_the_als(
    store: aiosqlite.Connection, region: Region
) -> None:
    await setup(store, region)
    await all_attend_but(store, "ALS-MX-01", with_data(("2025-03", "2025-05")))
    await status_service.refresh(store, region, SETTINGS, NOW, "scheduler")
    before = {i.als.als_id: i.status for i in await status_service.statuses(store, region, NOW)}
    assert not before["ALS-MX-01"].eligible_for_office
    async with store.execute(
        "SELECT year FROM status_year WHERE als_id = 'ALS-MX-01' AND was_inactive = 1"
    ) as cur:
        assert [r[0] async for r in cur] == [2025]

    # The Secretariat back-fills the lost April 2025 report: Mexico was there.
    await joins(store, {"ALS-MX-01": [month("2025-04")]})
    report = await status_service.refresh(store, region, SETTINGS, NOW + timedelta(days=1), "s")

    after = {i.als.als_id: i.status for i in await status_service.statuses(store, region, NOW)}
    assert after["ALS-MX-01"].eligible_for_office
    assert [i.als.als_id for i, _ in report.corrected] == ["ALS-MX-01"]
    async with store.execute(
        "SELECT count(*) FROM status_year WHERE als_id = 'ALS-MX-01' AND was_inactive = 1"
    ) as cur:
        assert (await cur.fetchone())[0] == 0
    # Never told anything: Mexico gets no mail; the Secretariat's summary names the correction.
    assert await notices_to(store, "lupe.hernandez@example.org") == []
    digests = await notices_to(store, "secretary@example.org")
    assert "Corrections of earlier judgements" in digests[-1]["text"]
    assert "calls now known to have been attended: 15 Apr 2025" in digests[-1]["text"]


async def test_early_warnings_only_for_recent_misses(
    store: aiosqlite.Connection, region: Region
) -> None:
    """An early warning about calls missed months ago is no warning: only within the window."""
    await setup(store, region)
    await all_attend_but(store, "ALS-JM-01", with_data(("2026-10", "2026-11")))
    late = datetime(2026, 12, 10, tzinfo=UTC)  # 25 days after the November call
    report = await status_service.refresh(store, region, SETTINGS, late, "scheduler")
    jm = next(
        i for i in await status_service.statuses(store, region, late) if i.als.als_id == "ALS-JM-01"
    )
    assert jm.status.early_warning  # the rule still sees two misses in a row ...
    assert report.warned == [] and await notices_to(store, "keisha.brown@example.org") == []


def test_status_cli_refuses_a_future_record_and_says_what_the_data_rests_on(
    tmp_path: Path,
) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    future = run_cli(tmp_path, "status", "--record", "--as-of", "2999-01-01")
    assert future.returncode == 2 and "in the future" in future.stderr
    empty = run_cli(tmp_path, "status", "--as-of", "2026-01-01")
    assert empty.returncode == 0 and "No meeting or participation is on record yet" in empty.stderr
    added = run_cli(
        tmp_path, "meetings", "add", "--kind", "monthly", "--start", "2026-03-15T15:00Z",
        "--zoom-id", ZOOM,
    )  # fmt: skip
    assert added.returncode == 0
    before = run_cli(tmp_path, "status", "--as-of", "2026-01-01", LACRALO_LANGUAGE="es")
    assert "Los registros de participación comienzan el 15 mar 2026" in before.stderr


def test_status_history_and_audit_list_from_the_cli(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    for m in (9, 10, 11):
        start = f"2026-{m:02d}-15T15:00Z"
        assert (
            run_cli(
                tmp_path,
                "meetings",
                "add",
                "--kind",
                "monthly",
                "--start",
                start,
                "--zoom-id",
                ZOOM,
            ).returncode
            == 0
        )
        held = run_cli(tmp_path, "meetings", "held", str(m - 8), "--attended", "ALS-JM-01")
        assert held.returncode == 0, held.stderr
    assert run_cli(tmp_path, "status", "--record", "--as-of", "2026-11-20").returncode == 0
    history = run_cli(tmp_path, "status", "--history", "ALS-BR-01", "--format", "json")
    [row] = json.loads(history.stdout)
    assert row["kind"] == "change" and row["state"] == "inactive"
    assert row["effective_on"] == "2026-11-15"
    assert any("15 Sep 2026, 15 Oct 2026 and 15 Nov 2026" in r for r in row["reasons"])
    table = run_cli(tmp_path, "status", "--history", "ALS-BR-01", LACRALO_LANGUAGE="pt")
    assert "Histórico de status de ALS-BR-01" in table.stdout and "inativa" in table.stdout
    unknown = run_cli(tmp_path, "status", "--history", "ALS-XX-99")
    assert unknown.returncode == 1 and "No ALS has the id ALS-XX-99" in unknown.stderr
    listed = json.loads(
        run_cli(tmp_path, "audit", "list", "--kind", "status", "--format", "json").stdout
    )
    assert {e["action"] for e in listed} == {"status.change"}
    assert "ALS-BR-01" in {e["subject"] for e in listed}
    assert (
        json.loads(
            run_cli(tmp_path, "audit", "list", "--since", "2999-01-01", "--format", "json").stdout
        )
        == []
    )
    assert run_cli(tmp_path, "audit", "list", "--since", "soon").returncode == 2


async def test_an_upgraded_database_corrects_the_frozen_years_and_tells_who_was_told(
    tmp_path: Path, region: Region
) -> None:
    """The issue's damage, repaired: a version-8 database recorded 'inactive in 2025' for Brazil
    and told it so, on calls nobody had data for. After the upgrade, the first refresh finds the
    evidence says otherwise: a correction, audited, and one notice to Brazil."""
    path = tmp_path / "old.db"
    conn = await aiosqlite.connect(path, isolation_level=None)
    assert await migrate(conn, target=8) == 8
    await conn.execute(
        "INSERT INTO als VALUES ('ALS-BR-01', 'Instituto Exemplo de Cidadania Digital', 'BR',"
        " 'D', '2018-06-01', 'pt', '2024-01-01')"
    )
    await conn.execute(
        "INSERT INTO status_change (als_id, state, effective_on, reasons, policy, recorded_at)"
        " VALUES ('ALS-BR-01', 'inactive', '2025-03-15', '[]', '{}', '2025-12-01')"
    )
    await conn.execute("INSERT INTO status_year VALUES ('ALS-BR-01', 2025, 1, '2026-01-01')")
    await conn.close()

    store = await open_store(path)
    try:
        await setup(store, region)  # the same ALS (upserted) and the rest of the roster
        await joins(store, {als: EVERY_CALL for als in PEOPLE})
        report = await status_service.refresh(store, region, SETTINGS, NOW, "scheduler")
        assert [i.als.als_id for i, _ in report.corrected] == ["ALS-BR-01"]
        [entry] = await audit_service.listing(store, "status.correction", None)
        assert entry["subject"] == "ALS-BR-01"
        told = await notices_to(store, "joao.araujo@example.org")
        assert [n["key"].split(":")[0] for n in told if ":email:" in n["key"]] == ["correction"]
        async with store.execute(
            "SELECT count(*) FROM status_year WHERE als_id = 'ALS-BR-01' AND was_inactive = 1"
        ) as cur:
            assert (await cur.fetchone())[0] == 0
        # Nobody else was ever told anything, and nobody else is told now.
        for als in ("ALS-AR-01", "ALS-HT-01", "ALS-JM-01", "ALS-MX-01", "ALS-CO-01"):
            assert await notices_to(store, PEOPLE[als]) == [], als
    finally:
        await store.close()


async def test_a_record_never_goes_back_before_a_later_one(
    store: aiosqlite.Connection, region: Region, tmp_path: Path
) -> None:
    """Judging 1 October after 20 November would undo Brazil's inactivity and tell it so."""
    await setup(store, region)
    await all_attend_but(store, "ALS-BR-01", with_data(("2026-09", "2026-11")))
    await status_service.refresh(store, region, SETTINGS, NOW, "scheduler")
    queued = len(await notices_to(store, "joao.araujo@example.org"))
    back = await status_service.refresh(
        store, region, SETTINGS, datetime(2026, 10, 1, tzinfo=UTC), "cli"
    )
    assert back.behind is not None and back.changed == [] and back.corrected == []
    assert len(await notices_to(store, "joao.araujo@example.org")) == queued
    history = await status_service.history_rows(store, "ALS-BR-01")
    assert history is not None and [r["state"] for r in history] == ["inactive"]


def test_the_cli_refuses_a_back_dated_record(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    assert run_cli(tmp_path, "status", "--record", "--as-of", "2026-11-20").returncode == 0
    back = run_cli(tmp_path, "status", "--record", "--as-of", "2026-10-01")
    assert back.returncode == 2 and "cannot go back to 2026-10-01" in back.stderr
    assert run_cli(tmp_path, "status", "--as-of", "2026-10-01").returncode == 0


def test_dates_past_the_calendar_and_an_empty_als_are_refused_not_a_crash(
    tmp_path: Path,
) -> None:
    """A date the rule cannot judge (a year after it is past 9999, or before year 1 in UTC) is not
    a date (exit 2); `--history ""` asks for an ALS's history and finds none (exit 1)."""
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    for args in (
        ("status", "--as-of", "9999-12-31"),
        ("status", "--as-of", "0001-01-01T00:00+01:00"),
        ("election", "roll", "--as-of", "9999-12-31T23:59:59-05:00"),
    ):
        done = run_cli(tmp_path, *args)
        assert done.returncode == 2 and "is not a date" in done.stderr, (args, done.stderr)
    empty = run_cli(tmp_path, "status", "--history", "", "--format", "json")
    assert (empty.returncode, empty.stdout) == (1, ""), empty.stderr
    assert "No ALS has the id" in empty.stderr


async def test_a_notice_not_yet_sent_is_withdrawn_when_a_newer_one_supersedes_it(
    store: aiosqlite.Connection, region: Region
) -> None:
    await setup(store, region)
    await all_attend_but(store, "ALS-BR-01", with_data(("2026-09", "2026-11")))
    await status_service.refresh(store, region, SETTINGS, NOW, "scheduler")  # nothing sent yet
    await joins(store, {"ALS-BR-01": [month("2026-10")]})
    await status_service.refresh(store, region, SETTINGS, NOW + timedelta(hours=2), "scheduler")
    async with store.execute(
        "SELECT dedup_key, channel, state FROM outbox"
        " WHERE recipient IN ('joao.araujo@example.org', 'U0000003') ORDER BY outbox_id"
    ) as cur:
        rows = [(k.split(":")[0], channel, state) async for k, channel, state in cur]
    assert rows == [
        ("status", "email", "dropped"),
        ("status", "slack", "dropped"),
        ("correction", "email", "pending"),
        ("correction", "slack", "pending"),
    ]  # the 'inactive' notice never leaves


def test_history_takes_no_record_and_a_cancelled_call_is_not_added_back(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    both = run_cli(tmp_path, "status", "--history", "ALS-BR-01", "--record")
    assert both.returncode == 2 and "--history" in both.stderr
    start = ("--kind", "monthly", "--start", "2026-10-15T15:00Z", "--zoom-id", ZOOM)
    assert run_cli(tmp_path, "meetings", "add", *start).returncode == 0
    assert run_cli(tmp_path, "meetings", "cancel", "1").returncode == 0
    again = run_cli(tmp_path, "meetings", "add", *start)
    assert again.returncode == 1 and "a cancelled call stays cancelled" in again.stderr
