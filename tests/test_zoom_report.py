"""Zoom participant reports: BOM, Spanish headers, summary block, repeated joins; via the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.zoom.report import parse_report
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

SPANISH = (
    "ID de reunión,Tema,Hora de inicio,Hora de finalización,Correo electrónico del usuario,Duración (minutos),Participantes\n"
    "852 1848 6288,Reunión mensual de LACRALO,17/11/2026 12:00:00,17/11/2026 13:30:00,staff@example.org,90,4\n"
    "\n"
    "Nombre (nombre original),Correo electrónico del usuario,Hora de entrada,Hora de salida,Duración (minutos),Invitado\n"
    "María Pérez - AFUI,,17/11/2026 12:01:05,17/11/2026 12:40:00,39,Sí\n"
    "María Pérez - AFUI,,17/11/2026 12:45:00,17/11/2026 13:30:00,45,Sí\n"
    "Keisha Brown,keisha.brown@example.org,17/11/2026 12:02:00,17/11/2026 13:30:00,88,No\n"
    "Persona Desconocida,,17/11/2026 12:03:00,17/11/2026 12:10:00,7,Sí\n"
    "Sin Hora,,ayer,,,Sí\n"
)
ENGLISH = (
    "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
    "Keisha Brown,keisha.brown@example.org,11/17/2026 12:02:00 PM,11/17/2026 01:30:00 PM,88,No\n"
)


def test_spanish_report_with_bom_and_summary_block() -> None:
    report = parse_report(
        b"\xef\xbb\xbf" + SPANISH.encode("utf-8"),
        "85218486288",
        ZoneInfo("America/Argentina/Buenos_Aires"),
    )
    assert [j.name for j in report.joins] == [
        "María Pérez - AFUI",
        "María Pérez - AFUI",
        "Keisha Brown",
        "Persona Desconocida",
    ]
    first = report.joins[0]
    assert first.joined_at == datetime(
        2026, 11, 17, 15, 1, 5, tzinfo=UTC
    )  # 12:01 at UTC-3, day first
    assert first.duration_s == 39 * 60 and first.email is None
    assert [(line, r.key) for line, r in report.rejected] == [(9, "zoomreport.bad_time")]


def test_english_report_is_month_first() -> None:
    report = parse_report(ENGLISH.encode(), "85218486288", ZoneInfo("UTC"))
    assert report.joins[0].joined_at == datetime(2026, 11, 17, 12, 2, tzinfo=UTC)


def test_not_a_report() -> None:
    report = parse_report(b"just,some\ncsv,data\n", "1", ZoneInfo("UTC"))
    assert not report.joins and report.rejected[0][1].key == "zoomreport.no_header"


NOVEMBER = (
    "meetings",
    "add",
    "--kind",
    "monthly",
    "--start",
    "2026-11-17T12:00:00-03:00",
    "--duration",
    "90",
    "--zoom-id",
    "852-1848-6288",
    "--title",
    "LACRALO Monthly",
)


def _report_args(path: Path, zone: str = "America/Argentina/Buenos_Aires") -> tuple[str, ...]:
    return ("backfill", "zoom-report", str(path), "--zoom-id", "852 1848 6288", "--tz", zone)


def test_backfill_zoom_report_is_idempotent(tmp_path: Path) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    added = run_cli(tmp_path, *NOVEMBER)
    assert added.returncode == 0 and "Meeting 1 added" in added.stderr
    path = tmp_path / "participants_85218486288.csv"
    path.write_bytes(b"\xef\xbb\xbf" + SPANISH.encode("utf-8"))
    args = _report_args(path)
    first = run_cli(tmp_path, *args)
    assert first.returncode == 1  # one unreadable row, named
    assert "Line 9 rejected: join time ayer cannot be read" in first.stderr
    assert "5 rows read, 3 matched, 1 unmatched, 0 duplicates, 1 unreadable" in first.stderr
    again = run_cli(tmp_path, *args)
    assert "0 matched, 0 unmatched, 4 duplicates" in again.stderr

    [meeting] = json.loads(run_cli(tmp_path, "meetings", "list", "--format", "json").stdout)
    assert meeting["start_at"] == "2026-11-17T15:00:00+00:00"
    assert (meeting["joins"], meeting["als_present"]) == (4, 2)


def test_meetings_add_refuses_bad_input(tmp_path: Path) -> None:
    no_zone = run_cli(
        tmp_path, "meetings", "add", "--kind", "monthly", "--start", "2026-12-15T15:00"
    )
    assert no_zone.returncode == 2 and "has no time zone" in no_zone.stderr
    garbled = run_cli(tmp_path, "meetings", "add", "--kind", "monthly", "--start", "next tuesday")
    assert garbled.returncode == 2 and "is not a date and time" in garbled.stderr
    bad_id = run_cli(
        tmp_path,
        "meetings",
        "add",
        "--kind",
        "wg",
        "--start",
        "2026-12-15T15:00Z",
        "--zoom-id",
        "12",
    )
    assert bad_id.returncode == 2 and "not a Zoom meeting number" in bad_id.stderr
    assert (
        run_cli(
            tmp_path, "meetings", "add", "--kind", "party", "--start", "2026-12-15T15:00Z"
        ).returncode
        == 2
    )
    zone = run_cli(
        tmp_path,
        "backfill",
        "zoom-report",
        "x.csv",
        "--zoom-id",
        "123456789",
        "--tz",
        "Mars/Olympus",
    )
    assert zone.returncode == 2 and "is not a time zone" in zone.stderr


def test_meetings_add_twice_is_unchanged_then_updated(tmp_path: Path) -> None:
    base = (
        "meetings",
        "add",
        "--kind",
        "monthly",
        "--start",
        "2030-01-20T15:00:00Z",
        "--zoom-id",
        "123456789",
    )
    assert "added" in run_cli(tmp_path, *base).stderr
    assert "already registered" in run_cli(tmp_path, *base).stderr
    assert "updated" in run_cli(tmp_path, *base, "--duration", "120").stderr
    assert len(json.loads(run_cli(tmp_path, "meetings", "list", "--format", "json").stdout)) == 1


def _logged(tmp_path: Path) -> list[dict[str, object]]:
    """Everything stored from reports: the participation log and the unmatched queue."""
    log = json.loads(run_cli(tmp_path, "participation", "--format", "json").stdout)
    queue = json.loads(run_cli(tmp_path, "participation", "--unmatched", "--format", "json").stdout)
    return [*log, *queue]


def test_report_without_a_registered_meeting_is_refused_and_nothing_stored(
    tmp_path: Path,
) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    path = tmp_path / "participants.csv"
    path.write_bytes(SPANISH.encode("utf-8"))
    done = run_cli(tmp_path, *_report_args(path))
    assert done.returncode == 1
    assert "Nothing imported: no meeting with Zoom id 85218486288 is registered" in done.stderr
    assert "meetings add --kind monthly --start ISO8601 --zoom-id 85218486288" in done.stderr
    assert "first join is at 2026-11-17T15:01:05+00:00" in done.stderr
    assert "rows read" not in done.stderr
    assert _logged(tmp_path) == []


def test_report_fitting_no_meeting_of_its_id_names_the_known_ones(tmp_path: Path) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    december = ("--kind", "monthly", "--start", "2026-12-15T15:00:00Z", "--zoom-id", "85218486288")
    assert run_cli(tmp_path, "meetings", "add", *december).returncode == 0  # meeting 1
    other_id = ("--kind", "wg", "--start", "2026-11-17T15:00:00Z", "--zoom-id", "999888777")
    assert run_cli(tmp_path, "meetings", "add", *other_id).returncode == 0  # meeting 2
    path = tmp_path / "participants.csv"
    path.write_bytes(SPANISH.encode("utf-8"))

    refused = run_cli(tmp_path, *_report_args(path))
    assert refused.returncode == 1
    assert "none of the report's joins (2026-11-17T15:01:05+00:00 to" in refused.stderr
    assert "with that id: 1 (2026-12-15T15:00:00+00:00)." in refused.stderr  # not meeting 2
    assert _logged(tmp_path) == []

    assert run_cli(tmp_path, *NOVEMBER).returncode == 0  # meeting 3: the report's own call
    accepted = run_cli(tmp_path, *_report_args(path))
    assert "5 rows read, 3 matched, 1 unmatched, 0 duplicates, 1 unreadable" in accepted.stderr
    assert len(_logged(tmp_path)) == 4


def test_joins_outside_every_meeting_are_named_by_line_and_the_rest_imported(
    tmp_path: Path,
) -> None:
    run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    # Window: 11:00 (an hour before the start) to 14:00 UTC (an hour after the planned end).
    noon = ("--kind", "monthly", "--start", "2026-11-17T12:00:00Z", "--duration", "60")
    assert run_cli(tmp_path, "meetings", "add", *noon, "--zoom-id", "85218486288").returncode == 0
    report = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"
        "Keisha Brown,keisha.brown@example.org,11/17/2026 12:02:00 PM,,58,No\n"
        "María Pérez,maria.perez@example.org,11/17/2026 02:00:01 PM,,5,No\n"
        "Andrés Gómez,andres.gomez@example.org,11/18/2026 12:05:00 PM,,30,No\n"
    )
    path = tmp_path / "participants.csv"
    path.write_text(report, encoding="utf-8")
    done = run_cli(tmp_path, *_report_args(path, "UTC"))
    assert done.returncode == 1
    assert (
        "Line 3 rejected: join at 2026-11-17T14:00:01+00:00 falls in no meeting registered"
        " with Zoom id 85218486288"
    ) in done.stderr
    assert "Line 4 rejected: join at 2026-11-18T12:05:00+00:00" in done.stderr
    assert "3 rows read, 1 matched, 0 unmatched, 0 duplicates, 0 unreadable, 2 outside" in (
        done.stderr
    )
    assert [(e["als_id"], e["occurred_at"]) for e in _logged(tmp_path)] == [
        ("ALS-JM-01", "2026-11-17T12:02:00+00:00")
    ]


def test_durations_it_cannot_read_are_unknown_and_times_past_the_calendar_rejected() -> None:
    """A duration that is no number, or longer than any Zoom call, is unknown, not a crash; a join
    time that cannot be written in UTC is an unreadable time, named by its line."""
    data = (
        "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n"
        "Keisha Brown,keisha.brown@example.org,11/17/2026 12:02:00 PM,,²\n"
        f"Keisha Brown,keisha.brown@example.org,11/17/2026 12:03:00 PM,,{'9' * 400}\n"
        f"Keisha Brown,keisha.brown@example.org,11/17/2026 12:04:00 PM,,{'9' * 300}\n"
        "Keisha Brown,keisha.brown@example.org,01/01/0001 00:00:00,,5\n"
    )
    report = parse_report(data.encode(), "85218486288", ZoneInfo("Asia/Tokyo"))
    assert [j.duration_s for j in report.joins] == [None, None, None]
    assert [(line, r.key) for line, r in report.rejected] == [(5, "zoomreport.bad_time")]


def test_backfill_refuses_a_zoom_id_that_is_no_meeting_number(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(ENGLISH, encoding="utf-8")
    done = run_cli(tmp_path, "backfill", "zoom-report", str(path), "--zoom-id", "abc")
    assert done.returncode == 2 and "abc is not a Zoom meeting number" in done.stderr, done.stderr
