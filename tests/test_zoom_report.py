"""Zoom participant reports: every interface language, old and new column names, summary block,
BOM, `;`, 12/24-hour clocks, the date order; repeated joins; via the CLI (issue 19, part 2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from subprocess import CompletedProcess
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.i18n import render
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


def test_a_report_of_another_meeting_is_refused_not_imported_under_the_given_number() -> None:
    """The summary block names the meeting; joins imported under another --zoom-id would count
    as attendance of the wrong call (a wrong attendance is worse than none)."""
    data = SPANISH.encode("utf-8")
    other = parse_report(data, "99988877766", ZoneInfo("UTC"))
    assert other.joins == []
    [(line, reason)] = other.rejected
    assert (line, reason.key, reason.params) == (
        0,
        "zoomreport.other_meeting",
        {"found": "85218486288"},
    )
    assert "--zoom-id 85218486288" in render(reason, "pt")
    assert len(parse_report(data, "85218486288", ZoneInfo("UTC")).joins) == 4
    for header in ("Meeting ID", "ID da reunião", "ID de réunion"):  # en, pt, fr summaries
        renamed = SPANISH.replace("ID de reunión", header).encode("utf-8")
        assert parse_report(renamed, "1112223334", ZoneInfo("UTC")).rejected[0][0] == 0
    no_block = SPANISH[SPANISH.index("Nombre (nombre original)") :].encode("utf-8")
    assert len(parse_report(no_block, "99988877766", ZoneInfo("UTC")).joins) == 4


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
    # The date order is one thing to check: it is said how the dates were read.
    assert "Check --zoom-id, --tz and --date-order (the report's dates were read as dmy)" in (
        refused.stderr
    )
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


# Issue 19, part 2: the same call (5 November 2026, 12:00 in Bogota, UTC-5) as each Zoom interface
# exports it (tests/fixtures/zoom/, written for these tests). Day 5 of month 11: only the interface
# language tells the date order, so a wrong guess would put every join in May.
FIXTURES = Path(__file__).parent / "fixtures" / "zoom"
BOGOTA = ZoneInfo("America/Bogota")


def _utc(hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(2026, 11, 5, hour + 5, minute, second, tzinfo=UTC)


# Each report's joins: (name, e-mail, joined at UTC, seconds stayed)
CALL = [
    ("María Pérez - AFUI", None, _utc(12, 1, 5), 39 * 60),
    ("María Pérez - AFUI", None, _utc(12, 45), 45 * 60),
    ("Keisha Brown", "keisha.brown@example.org", _utc(12, 2), 88 * 60),
    ("Persona Desconocida", None, _utc(12, 3), 7 * 60),
]
# Without a duration column, the leave time gives it, to the second.
CALL_FROM_LEAVES = [
    (name, email, at, seconds)
    for (name, email, at, _), seconds in zip(CALL, [2335, 2700, 5280, 420], strict=True)
]
VARIANTS = {
    "en_old_summary.csv": ("English, old names, summary block, BOM, 12-hour", CALL),
    "en_new_waiting_room.csv": ("English, new names, 24-hour, waiting room", CALL),
    "es_old_summary.csv": ("Spanish, old names, summary block, BOM", CALL),
    "es_new_semicolon_12h.csv": ("Spanish, new names, `;`, 'p. m.' with no-break space", CALL),
    "es_correo_no_duration.csv": ("Spanish, 'Correo electrónico', no duration", CALL_FROM_LEAVES),
    "pt_old.csv": ("Portuguese, old names ('Hora de entrada'), BOM", CALL),
    "pt_new_summary.csv": ("Portuguese, new names ('Ingressar na hora'), summary block", CALL),
    "fr_semicolon_summary.csv": ("French, `;`, summary block, curly apostrophe, BOM", CALL),
}


@pytest.mark.parametrize("fixture", list(VARIANTS), ids=[v[0] for v in VARIANTS.values()])
def test_every_interface_language_old_and_new_names_reads_the_same_call(fixture: str) -> None:
    report = parse_report((FIXTURES / fixture).read_bytes(), "85218486288", BOGOTA)
    joins = [(j.name, j.email, j.joined_at, j.duration_s) for j in report.joins]
    assert joins == VARIANTS[fixture][1]
    assert all(j.meeting_id == "85218486288" for j in report.joins)
    if fixture == "en_new_waiting_room.csv":  # the row spent waiting to be let in is not attendance
        assert [(line, r.key) for line, r in report.waiting] == [(6, "zoomreport.waiting_room")]
        assert report.rejected == []  # read, and not attendance: not an error in the file
    else:
        assert report.rejected == []


def test_dates_that_read_only_one_way_decide_over_the_interface_language() -> None:
    """A Spanish header over a file a spreadsheet re-saved month first: 11/17 has no month 17."""
    data = "Nombre,Hora de entrada\nKeisha Brown,11/17/2026 12:02\nAna,11/05/2026 12:03\n"
    report = parse_report(data.encode(), "85218486288", ZoneInfo("UTC"))
    assert report.date_order == "mdy"
    assert [j.joined_at.date().isoformat() for j in report.joins] == ["2026-11-17", "2026-11-05"]


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("05/11/2026 12:00:00 a. m.", datetime(2026, 11, 5, 0, 0, tzinfo=UTC)),
        ("05/11/2026 12:30 p.m.", datetime(2026, 11, 5, 12, 30, tzinfo=UTC)),
        ("05/11/2026 01:30:00\u202fPM", datetime(2026, 11, 5, 13, 30, tzinfo=UTC)),
        ("2026-11-05 23:59:59", datetime(2026, 11, 5, 23, 59, 59, tzinfo=UTC)),
        ("05.11.26 07:05", datetime(2026, 11, 5, 7, 5, tzinfo=UTC)),
    ],
)
def test_twelve_and_twenty_four_hour_clocks(stamp: str, expected: datetime) -> None:
    report = parse_report(f"Nombre,Hora para unirse\nAna,{stamp}\n".encode(), "1", ZoneInfo("UTC"))
    assert [j.joined_at for j in report.joins] == [expected], report.rejected


@pytest.mark.parametrize("stamp", ["05/11/2026 13:00 p. m.", "31/02/2026 10:00", "05/11/2026"])
def test_times_that_are_no_time_are_named_not_guessed(stamp: str) -> None:
    report = parse_report(f"Nombre,Hora para unirse\nAna,{stamp}\n".encode(), "1", ZoneInfo("UTC"))
    assert not report.joins and [(line, r.key) for line, r in report.rejected] == [
        (2, "zoomreport.bad_time")
    ]


def test_mixed_language_headers_with_ambiguous_dates_are_refused_unless_the_order_is_given() -> (
    None
):
    data = (FIXTURES / "mixed_headers_ambiguous.csv").read_bytes()
    refused = parse_report(data, "85218486288", BOGOTA)
    assert not refused.joins
    [(line, reason)] = refused.rejected
    assert (line, reason.key) == (0, "zoomreport.ambiguous_dates")
    assert reason.params["example"] == "05/11/2026 12:01"
    day_first = parse_report(data, "85218486288", BOGOTA, date_order="dmy")
    assert [j.joined_at.date().isoformat() for j in day_first.joins] == ["2026-11-05"] * 4
    month_first = parse_report(data, "85218486288", BOGOTA, date_order="mdy")
    assert [j.joined_at.date().isoformat() for j in month_first.joins] == ["2026-05-11"] * 4


def test_the_override_wins_over_the_interface_language() -> None:
    data = (FIXTURES / "en_old_summary.csv").read_bytes()  # English: month first
    report = parse_report(data, "85218486288", BOGOTA, date_order="dmy")
    assert report.joins[0].joined_at.date().isoformat() == "2026-05-11"


def test_an_unknown_header_set_is_refused_naming_the_accepted_ones() -> None:
    report = parse_report((FIXTURES / "unknown_headers.csv").read_bytes(), "1", BOGOTA)
    [(line, reason)] = report.rejected
    assert (line, reason.key) == (0, "zoomreport.no_header")
    for lang, names in {
        "en": ['"Name (Original Name)"', '"Join Time"', '"Leave Time"'],
        "es": ['"Nombre (nombre original)"', '"Hora para unirse"', '"E-mail del usuario"'],
        "pt": ['"Nome (nome original)"', '"Ingressar na hora"', '"Sair na hora"'],
        "fr": ['"Nom (nom d\'origine)"', '"Heure d\'arrivée"', '"Durée (minutes)"'],
    }.items():
        text = render(reason, lang)
        assert all(name in text for name in names), (lang, text)
    assert "the header row must name the person" in render(reason, "en")
    assert "la fila de encabezado debe nombrar a la persona" in render(reason, "es")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=3_000),
        st.lists(
            st.sampled_from(
                [
                    b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\n",
                    b"Nombre;Hora para unirse;Hora de salida\n",
                    b"\xef\xbb\xbf",
                    b"\xff\xfe",
                    b"Ana,,05/11/2026 12:00 p. m.,13/13/2026 25:61,",
                    b"x;99/99/9999 99:99;1e309\n",
                    b'"unterminated,',
                    b"\x00\r\n",
                    b"0001-01-01 00:00:00,9999-12-31 23:59:59,",
                ]
            ),
            max_size=12,
        ).map(b"".join),
    ),
    st.sampled_from([None, "dmy", "mdy", "ymd"]),
)
def test_the_parser_never_crashes_on_arbitrary_bytes(data: bytes, order: str | None) -> None:
    report = parse_report(data, "1", ZoneInfo("Pacific/Kiritimati"), order)
    assert len(report.joins) == len(report.lines)
    for join in report.joins:
        assert join.joined_at.utcoffset() is not None
        assert join.duration_s is None or 0 <= join.duration_s <= 30 * 3600
    for line, reason in report.rejected:
        assert line >= 0 and render(reason, "es")


CALL_ON_5_NOVEMBER = (
    "meetings",
    "add",
    "--kind",
    "monthly",
    "--start",
    "2026-11-05T12:00:00-05:00",
    "--duration",
    "90",
    "--zoom-id",
    "85218486288",
)


def _import(tmp_path: Path, fixture: str, *extra: str, **env: str) -> CompletedProcess[str]:
    args = ("--zoom-id", "85218486288", "--tz", "America/Bogota", *extra)
    return run_cli(tmp_path, "backfill", "zoom-report", str(FIXTURES / fixture), *args, **env)


@pytest.mark.parametrize("fixture", list(VARIANTS), ids=[v[0] for v in VARIANTS.values()])
def test_each_variant_through_the_cli_gives_who_attended_and_for_how_long(
    tmp_path: Path, fixture: str
) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    assert run_cli(tmp_path, *CALL_ON_5_NOVEMBER).returncode == 0
    done = _import(tmp_path, fixture)
    waiting = int(fixture == "en_new_waiting_room.csv")
    # A waiting-room row is read and is not attendance: said, not an error (it used to exit 1
    # with "Line 6 rejected", for an export as Zoom writes every one of a call with a lobby).
    assert done.returncode == 0, done.stderr
    summary = f"{4 + waiting} rows read, 3 matched, 1 unmatched, 0 duplicates, 0 unreadable"
    assert summary in done.stderr
    assert f"meeting, {waiting} in the waiting room (not attendance)." in done.stderr
    assert "rejected" not in done.stderr
    if waiting:
        assert "Line 6: Keisha Brown was in the waiting room in this row" in done.stderr
    shown = run_cli(tmp_path, "meetings", "show", "1", "--people", "--format", "json")
    minutes = [round(seconds / 60) for *_, seconds in VARIANTS[fixture][1]]
    assert json.loads(shown.stdout) == [
        {"person": "María Pérez", "als_id": "ALS-AR-01", "matched": True, "joins": 2,
         "minutes": minutes[0] + minutes[1]},
        {"person": "Keisha Brown", "als_id": "ALS-JM-01", "matched": True, "joins": 1,
         "minutes": minutes[2]},
        {"person": "Persona Desconocida", "als_id": None, "matched": False, "joins": 1,
         "minutes": minutes[3]},
    ]  # fmt: skip


def test_meetings_show_and_the_participation_log_give_durations(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    assert run_cli(tmp_path, *CALL_ON_5_NOVEMBER).returncode == 0
    assert _import(tmp_path, "es_old_summary.csv").returncode == 0
    table = run_cli(tmp_path, "meetings", "show", "1", COLUMNS="200")
    assert table.returncode == 0, table.stderr
    people = table.stdout[table.stdout.index("People who joined (3)") :]
    assert "Keisha Brown" in people and "88" in people
    assert "Persona Desconocida" in people and "not in the roster" in people
    als = json.loads(run_cli(tmp_path, "meetings", "show", "1", "--format", "json").stdout)
    assert {a["als_id"]: a["minutes"] for a in als} == {"ALS-AR-01": 84, "ALS-JM-01": 88}
    log = json.loads(run_cli(tmp_path, "participation", "--format", "json").stdout)
    assert [(e["person"], e["duration_min"]) for e in log] == [
        ("María Pérez", 39),
        ("Keisha Brown", 88),
        ("María Pérez", 45),
    ]
    csv_log = run_cli(tmp_path, "participation", "--format", "csv").stdout.splitlines()
    assert csv_log[0].split(",")[5] == "duration_min" and csv_log[1].split(",")[5] == "39"
    assert "Minutos" in run_cli(tmp_path, "participation", LACRALO_LANGUAGE="es").stdout
    # Portuguese said "Segundo" ("second") over how an ALS's presence is known.
    shown_pt = run_cli(tmp_path, "meetings", "show", "1", LACRALO_LANGUAGE="pt", COLUMNS="200")
    assert "Fonte" in shown_pt.stdout and "Segundo" not in shown_pt.stdout


def test_an_ambiguous_report_is_refused_until_the_date_order_is_given(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    assert run_cli(tmp_path, *CALL_ON_5_NOVEMBER).returncode == 0
    refused = _import(tmp_path, "mixed_headers_ambiguous.csv")
    assert refused.returncode == 1
    assert "Nothing imported: the file cannot be read as a Zoom participant report" in (
        refused.stderr
    )
    assert "05/11/2026 12:01, can be read day first or month first" in refused.stderr
    assert "--date-order dmy" in refused.stderr
    # Said once, with no summary counting the file as an unreadable row ("1 rows read").
    assert refused.stderr.lower().count("nothing imported") == 1, refused.stderr
    assert "Report:" not in refused.stderr and "rows read" not in refused.stderr
    assert _logged(tmp_path) == []
    wrong = _import(tmp_path, "mixed_headers_ambiguous.csv", "--date-order", "mdy")
    assert wrong.returncode == 1 and "Nothing imported" in wrong.stderr  # 11 May: no such call
    done = _import(tmp_path, "mixed_headers_ambiguous.csv", "--date-order", "dmy")
    assert done.returncode == 0, done.stderr
    assert "4 rows read, 3 matched, 1 unmatched" in done.stderr
    bad = _import(tmp_path, "mixed_headers_ambiguous.csv", "--date-order", "day-first")
    assert bad.returncode == 2


def test_an_unknown_header_set_is_refused_in_the_readers_language(tmp_path: Path) -> None:
    done = _import(tmp_path, "unknown_headers.csv", LACRALO_LANGUAGE="es")
    assert done.returncode == 1
    assert "No se importó nada" in done.stderr
    assert '"Hora para unirse"' in done.stderr and '"Ingressar na hora"' in done.stderr
    assert "Line 0" not in done.stderr and "Línea 0" not in done.stderr
