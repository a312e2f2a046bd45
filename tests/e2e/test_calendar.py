"""Calendar corrections (issue 13): cancelling and moving meetings, with what the reminders had told
delivered to a real SMTP sink; start times with an IANA zone; the Secretariat's record of who
attended a call the bot could not see (Rules of Procedure, auxiliary rule to Rule 1)."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from icalendar import Calendar

from bot.deps import iso
from bot.domain.errors import BadInput, RuleViolation
from bot.region import Region
from bot.services import attendance as attendance_service
from bot.services import calendar as calendar_service
from bot.services import calls as call_service
from bot.services import meetings as meeting_service
from bot.services import roster as roster_service
from bot.services.outbox import deliver_due
from bot.services.reminders import run_reminders
from bot.settings import Settings
from bot.store import outbox
from bot.transports.mail_out import email_sender
from bot.zoom.events import CallJoin
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER
from tests.fakes import SmtpSink, smtp_sink

START = datetime(2026, 12, 15, 15, 0, tzinfo=UTC)
ZOOM = "85218486288"
FROM = "bot@lacralo.example.org"


def mail_settings(sink: SmtpSink) -> Settings:
    return Settings(
        outbound_smtp_host="127.0.0.1",
        outbound_smtp_port=sink.port,  # type: ignore[call-arg]
        announce_address="lac-discuss-es@example.org",
        reminder_languages="en,es",
        from_address=FROM,
    )


async def reminders_and_delivery(
    store: aiosqlite.Connection, region: Region, settings: Settings, now: datetime
) -> None:
    """One scheduler round as far as meetings go: queue the reminders due, deliver the outbox."""
    await run_reminders(store, region, settings, now)
    await deliver_due(store, {"email": email_sender(settings, lambda: now)}, now)


def event_of(message: Message) -> Any:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_content())
    return calendar, calendar.walk("VEVENT")[0]


def text_of(message: Message) -> str:
    return str(message.get_body(preferencelist=("plain",)).get_content())


async def states(store: aiosqlite.Connection, prefix: str) -> dict[str, str]:
    async with store.execute(
        "SELECT dedup_key, state FROM outbox WHERE dedup_key LIKE ? ORDER BY outbox_id",
        (prefix + "%",),
    ) as cur:
        return {row[0]: row[1] async for row in cur}


async def audit_actions(store: aiosqlite.Connection) -> list[str]:
    async with store.execute("SELECT action FROM audit_log ORDER BY seq") as cur:
        return [row[0] async for row in cur]


async def test_cancel_withdraws_reminders_and_tells_where_they_went(
    store: aiosqlite.Connection, region: Region
) -> None:
    meeting_id, _ = await meeting_service.add_meeting(
        store, "monthly", START, 90, ZOOM, None, START - timedelta(days=30), "t"
    )
    async with smtp_sink() as sink:
        settings = mail_settings(sink)
        await reminders_and_delivery(store, region, settings, START - timedelta(days=7))
        day_before = START - timedelta(days=1)
        await run_reminders(store, region, settings, day_before)  # queued, not yet delivered
        done = await calendar_service.cancel_meeting(
            store, region, settings, meeting_id, day_before, "cli:secretariat"
        )
        assert not done.already and done.withdrawn == 1 and done.notices == 1
        await deliver_due(store, {"email": email_sender(settings, lambda: day_before)}, day_before)
        # A cancelled meeting gets no more reminders.
        await reminders_and_delivery(store, region, settings, START - timedelta(hours=1))
        again = await calendar_service.cancel_meeting(
            store, region, settings, meeting_id, START - timedelta(minutes=30), "cli:secretariat"
        )

    assert again.already and again.notices == 0
    week, cancellation = sink.messages  # the day-before reminder never went out
    assert "is in 7 days" in text_of(week)
    assert cancellation["Subject"].startswith("Cancelled: The monthly LACRALO call")
    assert "neither attended nor missed" in text_of(cancellation)
    assert "se cancela" in text_of(cancellation)
    (_, reminded), (calendar, cancelled) = event_of(week), event_of(cancellation)
    assert str(calendar["METHOD"]) == "CANCEL" and str(cancelled["STATUS"]) == "CANCELLED"
    assert (
        str(cancelled["UID"]) == str(reminded["UID"]) == f"meeting-{meeting_id}@lacralo.example.org"
    )
    assert (int(reminded["SEQUENCE"]), int(cancelled["SEQUENCE"])) == (0, 1)  # the versions
    reminder_states = await states(store, f"reminder:{meeting_id}:")
    assert sorted(reminder_states.values()) == ["dropped", "sent"]
    assert await audit_actions(store) == ["meeting", "meeting.cancel"]  # the second changed nothing


async def test_cancel_before_any_reminder_sends_nothing(
    store: aiosqlite.Connection, region: Region
) -> None:
    meeting_id, _ = await meeting_service.add_meeting(
        store, "monthly", START, 60, ZOOM, None, START - timedelta(days=30), "t"
    )
    async with smtp_sink() as sink:
        settings = mail_settings(sink)
        done = await calendar_service.cancel_meeting(
            store, region, settings, meeting_id, START - timedelta(days=20), "cli:secretariat"
        )
        for before in (timedelta(days=7), timedelta(days=1), timedelta(hours=1)):
            await reminders_and_delivery(store, region, settings, START - before)
    assert done.notices == 0 and sink.messages == []
    assert await outbox.listing(store) == []
    assert await audit_actions(store) == ["meeting", "meeting.cancel"]
    [listed] = await meeting_service.list_meetings(store, START)
    assert listed["cancelled"] is True


async def test_move_requeues_reminders_and_sends_the_change(
    store: aiosqlite.Connection, region: Region
) -> None:
    meeting_id, _ = await meeting_service.add_meeting(
        store, "monthly", START, 90, ZOOM, None, START - timedelta(days=30), "t"
    )
    new_start = START + timedelta(days=5)
    async with smtp_sink() as sink:
        settings = mail_settings(sink)
        await reminders_and_delivery(store, region, settings, START - timedelta(days=7))
        now = START - timedelta(days=1)
        await run_reminders(store, region, settings, now)  # the day-before reminder, pending
        moved = await calendar_service.move_meeting(
            store, region, settings, meeting_id, new_start, now, "cli:secretariat"
        )
        assert moved.old_start_at == iso(START) and moved.meeting["sequence"] == 1
        assert moved.withdrawn == 1 and moved.notices == 1
        # The next round queues the reminder now due for the new start (a week before it).
        await reminders_and_delivery(store, region, settings, now)

    old_week, change, new_week = sink.messages
    assert not any("tomorrow" in text_of(m) for m in sink.messages)
    assert "has a new time: 20 Dec 2026 at 15:00 UTC (it was 15 Dec 2026 at 15:00 UTC)" in (
        text_of(change)
    )
    # The weekly reminder of the new time goes out at once, six days before it (issue 18).
    assert "is in 6 days" in text_of(new_week) and "20 Dec 2026" in text_of(new_week)
    (_, first), (calendar, changed), (_, requeued) = map(event_of, (old_week, change, new_week))
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(first["UID"]) == str(changed["UID"]) == str(requeued["UID"])
    assert [int(e["SEQUENCE"]) for e in (first, changed, requeued)] == [0, 1, 1]
    assert changed.decoded("DTSTART") == new_start == requeued.decoded("DTSTART")
    assert first.decoded("DTSTART") == START
    old = await states(store, f"reminder:{meeting_id}:{iso(START)}:")
    assert sorted(old.values()) == ["dropped", "sent"]
    assert await audit_actions(store) == ["meeting", "meeting.move"]


async def test_move_refused_for_a_held_or_cancelled_call(
    store: aiosqlite.Connection, region: Region
) -> None:
    settings = Settings()
    held, _ = await meeting_service.add_meeting(store, "monthly", START, 60, ZOOM, None, START, "t")
    later = START + timedelta(days=30)
    with pytest.raises(RuleViolation) as refused:
        await calendar_service.move_meeting(
            store, region, settings, held, later, START + timedelta(minutes=5), "t"
        )
    assert refused.value.reason.key == "meetings.refused.move_held"
    cancelled, _ = await meeting_service.add_meeting(store, "wg", later, 60, None, None, START, "t")
    await calendar_service.cancel_meeting(store, region, settings, cancelled, START, "t")
    with pytest.raises(RuleViolation) as refused:
        await calendar_service.move_meeting(
            store, region, settings, cancelled, later + timedelta(days=1), START, "t"
        )
    assert refused.value.reason.key == "meetings.refused.move_cancelled"
    with pytest.raises(BadInput):
        await calendar_service.move_meeting(store, region, settings, 99, later, START, "t")
    with pytest.raises(RuleViolation) as refused:  # a call still to come moves only forward
        await calendar_service.move_meeting(
            store,
            region,
            settings,
            held,
            START - timedelta(days=1),
            START - timedelta(hours=1),
            "t",
        )
    assert refused.value.reason.key == "meetings.refused.move_to_past"
    listed = {
        m["meeting_id"]: m["start_at"] for m in await meeting_service.list_meetings(store, START)
    }
    assert listed == {held: iso(START), cancelled: iso(later)}
    assert await audit_actions(store) == ["meeting", "meeting", "meeting.cancel"]


def meetings_json(cwd: Path) -> dict[int, dict[str, Any]]:
    done = run_cli(cwd, "meetings", "list", "--format", "json")
    assert done.returncode == 0, done.stderr
    return {m["meeting_id"]: m for m in json.loads(done.stdout)}


def test_start_with_an_iana_zone(tmp_path: Path) -> None:
    added = run_cli(
        tmp_path,
        "meetings",
        "add",
        "--kind",
        "monthly",
        "--start",
        "2026-12-15T15:00 America/Bogota",
    )
    assert added.returncode == 0, added.stderr
    assert meetings_json(tmp_path)[1]["start_at"] == "2026-12-15T20:00:00+00:00"
    moved = run_cli(
        tmp_path, "meetings", "move", "1", "--start", "2026-12-16T12:00 America/Sao_Paulo"
    )
    assert moved.returncode == 0, moved.stderr
    assert meetings_json(tmp_path)[1]["start_at"] == "2026-12-16T15:00:00+00:00"
    bad = run_cli(tmp_path, "meetings", "move", "1", "--start", "2026-12-16T12:00 America/Atlantis")
    assert bad.returncode == 2
    assert "America/Atlantis is not a time zone" in bad.stderr
    spanish = run_cli(
        tmp_path,
        "meetings",
        "add",
        "--kind",
        "wg",
        "--start",
        "2026-12-16T12:00 Mars/Olympus",
        LACRALO_LANGUAGE="es",
    )
    assert spanish.returncode == 2 and "Mars/Olympus no es una zona horaria" in spanish.stderr
    assert set(meetings_json(tmp_path)) == {1}


def test_cancel_and_move_from_the_command_line(tmp_path: Path) -> None:
    run_cli(tmp_path, "meetings", "add", "--kind", "monthly", "--start", "2023-03-14T15:00Z")
    run_cli(tmp_path, "meetings", "add", "--kind", "monthly", "--start", "2030-03-14T15:00Z")
    unknown = run_cli(tmp_path, "meetings", "cancel", "7")
    assert unknown.returncode == 1 and "There is no meeting 7" in unknown.stderr
    held = run_cli(tmp_path, "meetings", "move", "1", "--start", "2030-04-14T15:00Z")
    assert held.returncode == 1 and "already held" in held.stderr
    assert meetings_json(tmp_path)[1]["start_at"] == "2023-03-14T15:00:00+00:00"
    past = run_cli(tmp_path, "meetings", "cancel", "1")  # a past call may be cancelled
    assert past.returncode == 0 and "neither attended nor missed" in past.stderr
    twice = run_cli(tmp_path, "meetings", "cancel", "1")
    assert twice.returncode == 0 and "already cancelled" in twice.stderr
    listed = meetings_json(tmp_path)
    assert listed[1]["cancelled"] is True and listed[2]["cancelled"] is False
    with sqlite3.connect(tmp_path / "lacralo.db") as db:
        actions = [r[0] for r in db.execute("SELECT action FROM audit_log ORDER BY seq")]
    assert actions == ["meeting", "meeting", "meeting.cancel"]


def test_held_records_attendance_the_bot_could_not_see(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    for start in (
        "2023-03-14T15:00Z",
        "2023-04-11T15:00Z",
        "2023-05-09T15:00Z",
        "2030-01-08T15:00Z",
    ):
        assert (
            run_cli(tmp_path, "meetings", "add", "--kind", "monthly", "--start", start).returncode
            == 0
        )
    assert meetings_json(tmp_path)[1]["attendance_recorded"] is False

    done = run_cli(tmp_path, "meetings", "held", "1", "--attended", "ALS-AR-01,ALS-BR-01")
    assert done.returncode == 0, done.stderr
    unknown = run_cli(tmp_path, "meetings", "held", "2", "--attended", "ALS-AR-01,ALS-XX-99")
    assert unknown.returncode == 1 and "ALS-XX-99" in unknown.stderr
    future = run_cli(tmp_path, "meetings", "held", "4", "--attended", "ALS-AR-01")
    assert future.returncode == 1 and "still to come" in future.stderr
    nobody = run_cli(tmp_path, "meetings", "held", "3", "--attended", "")
    assert nobody.returncode == 0, nobody.stderr
    listed = meetings_json(tmp_path)
    assert (listed[1]["attendance_recorded"], listed[1]["als_present"]) == (True, 2)
    assert (listed[2]["attendance_recorded"], listed[2]["als_present"]) == (False, 0)
    assert (listed[3]["attendance_recorded"], listed[3]["als_present"]) == (True, 0)
    assert listed[4]["attendance_recorded"] is False

    sheet = tmp_path / "attended.csv"
    sheet.write_bytes("\ufeffals_id,name\nALS-AR-01,María\nALS-BR-01,\n".encode())
    again = run_cli(tmp_path, "meetings", "held", "1", "--from", str(sheet))
    assert again.returncode == 0 and "nothing changed" in again.stderr
    sheet.write_text("als_id\nALS-CO-01\n", encoding="utf-8")
    more = run_cli(tmp_path, "meetings", "held", "1", "--from", str(sheet))
    assert more.returncode == 0 and "Added" in more.stderr and "ALS-CO-01" in more.stderr
    assert meetings_json(tmp_path)[1]["als_present"] == 3
    shown = run_cli(tmp_path, "meetings", "show", "1", "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert sorted((r["als_id"], r["sources"]) for r in json.loads(shown.stdout)) == [
        ("ALS-AR-01", ["secretariat"]),
        ("ALS-BR-01", ["secretariat"]),
        ("ALS-CO-01", ["secretariat"]),
    ]

    sheet.write_text("ALS-CO-01\n", encoding="utf-8")
    no_header = run_cli(tmp_path, "meetings", "held", "2", "--from", str(sheet))
    assert no_header.returncode == 2 and "als_id column" in no_header.stderr
    missing = run_cli(tmp_path, "meetings", "held", "2", "--from", str(tmp_path / "none.csv"))
    assert missing.returncode == 2 and "none.csv" in missing.stderr
    with sqlite3.connect(tmp_path / "lacralo.db") as db:
        rows = db.execute(
            "SELECT meeting_id, als_id, occurred_at, recorded_by FROM als_activity"
            " WHERE kind = 'call_attendance' ORDER BY activity_id"
        ).fetchall()
        held = [
            r[0] for r in db.execute("SELECT action FROM audit_log WHERE action = 'meeting.held'")
        ]
    assert [r[:3] for r in rows] == [
        (1, "ALS-AR-01", "2023-03-14T15:00:00+00:00"),
        (1, "ALS-BR-01", "2023-03-14T15:00:00+00:00"),
        (1, "ALS-CO-01", "2023-03-14T15:00:00+00:00"),
    ]
    assert all(r[3].startswith("cli") for r in rows)
    assert len(held) == 3  # meeting 1 twice (the repeat changed nothing), meeting 3 once


async def test_show_merges_joins_and_the_secretariats_record(
    store: aiosqlite.Connection, region: Region
) -> None:
    await roster_service.import_roster(store, region, EXAMPLE_ROSTER.read_bytes(), iso(START), "t")
    meeting_id, _ = await meeting_service.add_meeting(
        store, "monthly", START, 90, ZOOM, None, START, "t"
    )
    joins = [
        CallJoin(ZOOM, "María Pérez", "maria.perez@example.org", START, 3000),
        CallJoin(ZOOM, "Joaquín Núñez", "joaquin.nunez@example.org", START, 1200),
        CallJoin(
            ZOOM, "Joaquín Núñez", "joaquin.nunez@example.org", START + timedelta(hours=1), 2400
        ),
    ]
    await call_service.record_joins(store, joins, START + timedelta(hours=3))
    after = START + timedelta(days=1)
    await attendance_service.record_held(store, meeting_id, ["ALS-AR-01", "ALS-BR-01"], after, "t")
    meeting, present = await attendance_service.present(store, meeting_id, after)
    assert meeting["attendance_recorded"] is True
    assert present == [
        {
            "als_id": "ALS-AR-01",
            "als_name": "Asociación Ficticia de Usuarios de Internet",
            "sources": ["joins", "secretariat"],
            "people": 2,
            "minutes": 60,  # Joaquín's two stays, the longest of the ALS's people
        },
        {
            "als_id": "ALS-BR-01",
            "als_name": "Instituto Exemplo de Cidadania Digital",
            "sources": ["secretariat"],
            "people": None,
            "minutes": None,
        },
    ]
    with pytest.raises(BadInput):
        await attendance_service.present(store, 99, after)


def test_numbers_and_times_past_what_can_be_stored_are_refused_not_a_crash(
    tmp_path: Path,
) -> None:
    """A meeting number beyond SQLite's INTEGER range is no meeting (exit 1); a start that cannot
    be written in UTC is not a date and time (exit 2); never a traceback, and nothing changes."""
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    start = ("--kind", "monthly", "--start", "2026-12-15T15:00Z", "--zoom-id", ZOOM)
    assert run_cli(tmp_path, "meetings", "add", *start).returncode == 0
    huge = "9" * 25
    for args in (
        ("cancel", huge),
        ("show", huge),
        ("held", huge, "--attended", "ALS-AR-01"),
        ("move", huge, "--start", "2027-01-01T00:00Z"),
    ):
        done = run_cli(tmp_path, "meetings", *args)
        assert done.returncode == 1 and f"There is no meeting {huge}" in done.stderr, done.stderr
    for args in (
        ("move", "1", "--start", "9999-12-31T23:59:59-01:00"),
        ("add", "--kind", "wg", "--start", "0001-01-01T00:00+01:00"),
    ):
        done = run_cli(tmp_path, "meetings", *args)
        assert done.returncode == 2 and "is not a date and time" in done.stderr, done.stderr
    [meeting] = meetings_json(tmp_path).values()
    assert (meeting["start_at"], meeting["cancelled"]) == ("2026-12-15T15:00:00+00:00", False)


def test_add_with_a_link_and_a_passcode(tmp_path: Path) -> None:
    # Issue 18: the passcode is kept for Slack and direct messages; listings and the audit log,
    # read more widely, show the link and only whether a passcode is set.
    url = f"https://icann.zoom.us/j/{ZOOM}"
    start = ("--kind", "monthly", "--start", "2026-12-15T15:00:00Z")
    added = run_cli(tmp_path, "meetings", "add", *start, "--url", url, "--passcode", "472913")
    said = added.stdout + added.stderr
    assert added.returncode == 0, said
    assert f"Reminders will carry the link {url}" in said
    assert "never to a list" in said and "472913" not in said
    [listed] = meetings_json(tmp_path).values()
    assert listed["url"] == url and "passcode" not in listed
    with sqlite3.connect(tmp_path / "lacralo.db") as db:
        [(data,)] = db.execute("SELECT data FROM audit_log WHERE action = 'meeting'").fetchall()
        [(stored,)] = db.execute("SELECT passcode FROM meeting").fetchall()
    assert "472913" not in data and json.loads(data)["passcode_set"] is True
    assert stored == "472913"
    for bad in (("--url", "icann.zoom.us/j/1"), ("--url", "https://a b"), ("--passcode", "a b")):
        refused = run_cli(tmp_path, "meetings", "add", *start, *bad)
        assert refused.returncode == 2, bad
        assert "https://" in refused.stderr or "without spaces" in refused.stderr
    again = run_cli(tmp_path, "meetings", "add", *start)  # as given: the link is removed
    assert again.returncode == 0 and "ask the Secretariat" in again.stdout + again.stderr
    assert meetings_json(tmp_path)[1]["url"] is None
