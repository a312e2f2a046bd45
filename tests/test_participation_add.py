"""`participation add` / `participation remove`: what the bot cannot see, recorded by the Secretariat.

Rules of Procedure, auxiliary rule to Rule 1 (seed 003): participation "via other participation
mechanisms as chosen by LACRALO" counts; the mechanisms are the region file's (issue 13, item 6).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.domain.activity import MAX_NOTE, Activity, check_activity
from bot.region import DEFAULT_REGION_FILE, Region, RegionError, load_region
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

ARCHIVE = (
    "From maria.perez at example.org  Tue Feb 21 13:00:00 2023\n"
    "From: maria.perez at example.org (María Pérez)\n"
    "Date: Tue, 21 Feb 2023 10:00:00 -0300\n"
    "Message-ID: <m1@example.org>\n"
    "\n"
    "Body.\n"
    "\n"
    "From joao.araujo at example.org  Wed Mar  1 09:30:00 2023\n"
    "From: joao.araujo at example.org (João Araújo)\n"
    "Message-ID: <m2@example.org>\n"
    "\n"
    "Reply.\n"
)
WG = ("--als", "ALS-AR-01", "--kind", "working_group", "--on", "2023-02-25")
NOTE = "Governance WG: drafted the charter [v2]"


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    return tmp_path


def _log(cwd: Path, *extra: str) -> list[dict[str, Any]]:
    done = run_cli(cwd, "participation", *extra, "--format", "json")
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout))


def _db(cwd: Path, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    with sqlite3.connect(cwd / "lacralo.db") as conn:
        return conn.execute(sql, args).fetchall()


def _audited(cwd: Path, action: str) -> list[tuple[str, dict[str, Any]]]:
    rows = _db(cwd, "SELECT subject, data FROM audit_log WHERE action = ? ORDER BY seq", (action,))
    return [(subject, json.loads(data)) for subject, data in rows]


def test_add_is_audited_and_listed_with_its_source_in_time_order(roster: Path) -> None:
    archive = roster / "2023.mbox"
    archive.write_text(ARCHIVE, encoding="utf-8")
    run_cli(roster, "backfill", "mbox", str(archive), "--list-id", "lac-discuss-es.example")
    added = run_cli(roster, "participation", "add", *WG, "--note", f"  {NOTE} ")
    assert added.returncode == 0, added.stderr
    assert added.stdout == "1\n"  # the new id alone, for scripts
    assert "Participation 1 recorded: ALS-AR-01, Working-group work, 25 Feb 2023" in added.stderr

    log = _log(roster)
    assert [(e["kind"], e["occurred_at"][:10]) for e in log] == [
        ("list_post", "2023-02-21"),
        ("working_group", "2023-02-25"),
        ("list_post", "2023-03-01"),
    ]
    assert log[1] == {
        "als_id": "ALS-AR-01",
        "person": None,
        "kind": "working_group",
        "source": "secretariat",
        "occurred_at": "2023-02-25T00:00:00+00:00",
        "activity_id": 1,
        "note": NOTE,
        "duration_min": None,
        "evidence": None,  # issue 20.5: the Secretariat's record, not attributed by an address
        "counts": True,
    }
    assert [e["kind"] for e in _log(roster, "--als", "ALS-BR-01")] == ["list_post"]
    assert [e["kind"] for e in _log(roster, "--als", "ALS-AR-01")] == ["list_post", "working_group"]
    [(subject, data)] = _audited(roster, "participation.add")
    assert subject == "ALS-AR-01" and data == {
        "activity_id": 1,
        "als_id": "ALS-AR-01",
        "kind": "working_group",
        "on": "2023-02-25",
        "note": NOTE,
    }
    assert run_cli(roster, "audit", "verify").returncode == 0
    table = run_cli(roster, "participation")
    assert "secretariat" in table.stdout and "Governance WG" in table.stdout


def test_the_same_record_twice_is_said_and_not_duplicated(roster: Path) -> None:
    assert run_cli(roster, "participation", "add", *WG, "--note", NOTE).returncode == 0
    again = run_cli(roster, "participation", "add", *WG, "--note", NOTE)
    assert again.returncode == 0 and again.stdout == "1\n"
    assert "already recorded as 1" in again.stderr
    assert len(_log(roster)) == 1 and len(_audited(roster, "participation.add")) == 1
    other = run_cli(roster, "participation", "add", *WG, "--note", "x" * MAX_NOTE)
    assert other.returncode == 0 and other.stdout == "2\n"  # another note: another record


REFUSALS = [
    (
        ("--als", "ALS-XX-99", "--kind", "event", "--on", "2023-02-25", "--note", "n"),
        1,
        "ALS-XX-99 is not an ALS in the roster",
    ),
    (
        ("--als", "ALS-AR-01", "--kind", "party", "--on", "2023-02-25", "--note", "n"),
        2,
        "party is not a participation mechanism of this region; the kinds are: working_group,"
        " event, survey and other",
    ),
    (
        ("--als", "ALS-AR-01", "--kind", "event", "--on", "25/02/2023", "--note", "n"),
        2,
        "25/02/2023 is not a date: write it as YYYY-MM-DD",
    ),
    (
        ("--als", "ALS-AR-01", "--kind", "event", "--on", "2023-02-30", "--note", "n"),
        2,
        "2023-02-30 is not a date",
    ),
    (
        ("--als", "ALS-AR-01", "--kind", "event", "--on", "2999-01-01", "--note", "n"),
        2,
        "2999-01-01 is in the future",
    ),
    (
        ("--als", "ALS-AR-01", "--kind", "event", "--on", "2023-02-25", "--note", "  "),
        2,
        "The note is empty",
    ),
    (
        ("--als", "ALS-AR-01", "--kind", "event", "--on", "2023-02-25", "--note", "y" * 501),
        2,
        "The note has 501 characters; at most 500 are allowed",
    ),
    (
        ("--als", "ALS-AR-01", "--kind", "event", "--on", "2023-02-25", "--note", "a\nb"),
        2,
        "control characters",
    ),
    (
        ("--als", "ALS-AR-01", "--kind", "event", "--on", "2023-02-25", "--note", "\x1b[2Jx"),
        2,
        "control characters",
    ),
]


def test_refusals_say_why_with_their_exit_status_and_store_nothing(roster: Path) -> None:
    for args, status, why in REFUSALS:
        done = run_cli(roster, "participation", "add", *args)
        assert (done.returncode, done.stdout) == (status, ""), (args, done.stderr)
        assert why in done.stderr, (args, done.stderr)
    assert _log(roster) == []
    assert _db(roster, "SELECT count(*) FROM als_activity") == [(0,)]
    assert _audited(roster, "participation.add") == []


def test_remove_keeps_the_row_is_audited_and_refuses_twice(roster: Path) -> None:
    run_cli(roster, "participation", "add", *WG, "--note", NOTE)
    removed = run_cli(roster, "participation", "remove", "1")
    assert removed.returncode == 0, removed.stderr
    assert "Participation 1 removed (ALS-AR-01, Working-group work, 25 Feb 2023)" in removed.stderr
    assert _log(roster) == []
    [(removed_at, removed_by)] = _db(roster, "SELECT removed_at, removed_by FROM als_activity")
    assert removed_at and removed_by.startswith("cli")
    [(subject, data)] = _audited(roster, "participation.remove")
    assert subject == "ALS-AR-01" and data["activity_id"] == 1 and data["note"] == NOTE

    twice = run_cli(roster, "participation", "remove", "1")
    assert twice.returncode == 1 and "Participation 1 was already removed on" in twice.stderr
    unknown = run_cli(roster, "participation", "remove", "99")
    assert unknown.returncode == 1 and "There is no participation 99" in unknown.stderr
    assert len(_audited(roster, "participation.remove")) == 1
    # The mistake undone, the right record can be made again.
    assert run_cli(roster, "participation", "add", *WG, "--note", NOTE).stdout == "2\n"


def test_remove_undoes_attendance_recorded_by_mistake_with_meetings_held(roster: Path) -> None:
    start = ("--kind", "monthly", "--start", "2023-02-14T15:00:00Z")
    assert run_cli(roster, "meetings", "add", *start).returncode == 0
    held = run_cli(roster, "meetings", "held", "1", "--attended", "ALS-HT-01,ALS-JM-01")
    assert held.returncode == 0, held.stderr
    [row, _] = _log(roster)
    assert (row["als_id"], row["kind"], row["source"]) == (
        "ALS-HT-01",
        "call_attendance",
        "meeting:1",
    )
    removed = run_cli(roster, "participation", "remove", str(row["activity_id"]))
    assert removed.returncode == 0, removed.stderr
    assert [r["als_id"] for r in _log(roster)] == ["ALS-JM-01"]
    [(subject, entry)] = _audited(roster, "participation.remove")
    assert subject == "ALS-HT-01" and entry["meeting_id"] == 1
    # The call's attendance stays known: Haiti now counts as absent from it.
    [meeting] = json.loads(run_cli(roster, "meetings", "list", "--format", "json").stdout)
    assert meeting["attendance_recorded"] and meeting["als_present"] == 1


TODAY = date(2026, 3, 1)
KINDS = ("working_group", "event")


@pytest.mark.parametrize(
    ("kind", "on", "note", "expected"),
    [
        ("event", "2026-03-01", " Assembly ", Activity("event", TODAY, "Assembly")),
        ("event", "2026-03-02", "x", ["participation.refused.future_date"]),
        ("event", "20260301", "x", ["participation.refused.bad_date"]),
        ("call_join", "2026-03-01", "x", ["participation.refused.unknown_kind"]),
        ("event", "2026-03-01", "a\u202eb", ["participation.refused.control_note"]),
        ("event", "2026-03-01", "a\u2028b", ["participation.refused.control_note"]),
        (
            "x",
            "nope",
            "",
            [
                "participation.refused.unknown_kind",
                "participation.refused.bad_date",
                "participation.refused.no_note",
            ],
        ),
    ],
)
def test_check_activity(kind: str, on: str, note: str, expected: object) -> None:
    checked = check_activity(kind, on, note, KINDS, TODAY)
    if isinstance(checked, list):
        assert [r.key for r in checked] == expected
    else:
        assert checked == expected


def test_the_kinds_are_region_data_in_every_language(region: Region) -> None:
    assert list(region.participation_kinds) == ["working_group", "event", "survey", "other"]
    for kind in region.participation_kinds.values():
        assert set(kind.names) >= {"en", "es", "pt", "fr"}, kind
    assert region.participation_kinds["event"].name("fr") == "Événement"


@pytest.mark.parametrize(
    "kinds",
    [
        "participation_kinds: {call_join: {names: {en: Calls}}}",  # the bot's own kind
        "participation_kinds: {Working Group: {names: {en: WG}}}",
        "participation_kinds: {event: {names: {es: Evento}}}",  # no English name
        "participation_kinds: [event, survey]",
    ],
)
def test_a_region_file_with_bad_kinds_is_refused_at_load(tmp_path: Path, kinds: str) -> None:
    text = DEFAULT_REGION_FILE.read_text(encoding="utf-8")
    start = text.index("participation_kinds:")
    end = text.index("\n\n", start)
    path = tmp_path / "region.yaml"
    path.write_text(text[:start] + kinds + text[end:], encoding="utf-8")
    with pytest.raises(RegionError, match="participation_kinds"):
        load_region(path)


def test_remove_of_a_number_past_the_database_range_is_unknown(roster: Path) -> None:
    huge = "9" * 25
    done = run_cli(roster, "participation", "remove", huge)
    assert done.returncode == 1 and f"There is no participation {huge}" in done.stderr, done.stderr
