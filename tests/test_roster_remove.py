"""`lacralo-bot roster remove` (issue 19, point 5): an ALS or a person off the roster from a day on,
their history kept; a later import skips them unless `--include-removed`.

The command line runs for real against a SQLite file (tests/cli_helpers.py); the date rules are
a table of cases; the store-level effects (who speaks for an ALS, Rule 1.1 seats) go through the
service on a real file too.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import aiosqlite
import pytest

from bot.domain.errors import RuleViolation
from bot.domain.roster import (
    KnownRoster,
    PersonRecord,
    Rejection,
    RosterRow,
    check_removal_day,
    member_on,
    skip_removed,
)
from bot.region import Region
from bot.services import roster as roster_service
from bot.store import roster as roster_store
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER

NOW = "2026-11-24T10:00:00+00:00"
TODAY = date(2026, 11, 24)


def cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return run_cli(tmp_path, *args, **env)


def as_json(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def status_ids(tmp_path: Path, as_of: str | None = None) -> set[str]:
    when = ("--as-of", as_of) if as_of else ()
    return {s["als_id"] for s in as_json(cli(tmp_path, "status", *when, "--format", "json"))}


def roll_ids(tmp_path: Path, as_of: str) -> set[str]:
    roll = as_json(cli(tmp_path, "election", "roll", "--as-of", as_of, "--format", "json"))
    return {v["als_id"] for v in roll["voters"]}


def audit(tmp_path: Path, kind: str) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = as_json(
        cli(tmp_path, "audit", "list", "--kind", kind, "--format", "json")
    )
    return entries


def exported(tmp_path: Path, *extra: str) -> dict[str, dict[str, Any]]:
    rows = as_json(cli(tmp_path, "roster", "export", "--format", "json", *extra))
    return {str(a["als_id"]): a for a in rows}


# --- The command line --------------------------------------------------------------------------


def test_a_removed_als_leaves_status_and_roll_from_its_day_and_keeps_its_history(
    tmp_path: Path,
) -> None:
    assert cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    assert "ALS-AR-01" in status_ids(tmp_path, "2024-06-01")

    done = cli(tmp_path, "roster", "remove", "--als", "ALS-AR-01", "--on", "2024-06-01")
    assert done.returncode == 0, done.stderr
    assert "ALS ALS-AR-01 removed from the roster from 1 Jun 2024" in done.stderr
    assert "2 people (joaquin.nunez@example.org, maria.perez@example.org)" in done.stderr

    # A member up to the day before; from its day on, not on the status page, roll or quorum base.
    assert "ALS-AR-01" in status_ids(tmp_path, "2024-05-31")
    assert "ALS-AR-01" not in status_ids(tmp_path, "2024-06-01")
    assert "ALS-AR-01" not in status_ids(tmp_path)
    assert "ALS-AR-01" in roll_ids(tmp_path, "2024-05-31")
    assert "ALS-AR-01" not in roll_ids(tmp_path, "2024-06-01")
    assert cli(tmp_path, "status", "--history", "ALS-AR-01").returncode == 0  # history kept

    [entry] = audit(tmp_path, "roster.remove")
    assert entry["subject"] == "ALS-AR-01" and entry["actor"].startswith("cli")
    assert entry["data"]["on"] == "2024-06-01"
    assert entry["data"]["people"] == ["joaquin.nunez@example.org", "maria.perez@example.org"]

    # Twice: said, nothing changed, exit 0.
    again = cli(tmp_path, "roster", "remove", "--als", "ALS-AR-01")
    assert again.returncode == 0, again.stderr
    assert "already removed from the roster on 1 Jun 2024; nothing changed" in again.stderr
    assert len(audit(tmp_path, "roster.remove")) == 1

    # Its people went with it: removing one of them again says so.
    person = cli(tmp_path, "roster", "remove", "--email", "Maria.Perez@example.org")
    assert person.returncode == 0 and "already removed" in person.stderr

    assert "ALS-AR-01" not in exported(tmp_path)
    kept = exported(tmp_path, "--include-removed")["ALS-AR-01"]
    assert kept["removed_on"] == "2024-06-01"
    assert {p["removed_on"] for p in kept["people"]} == {"2024-06-01"}
    assert exported(tmp_path, "--include-removed")["ALS-BR-01"]["removed_on"] is None
    as_csv = cli(tmp_path, "roster", "export", "--format", "csv", "--include-removed").stdout
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert {(r["email"], r["removed_on"]) for r in rows if r["als_id"] == "ALS-AR-01"} == {
        ("maria.perez@example.org", "2024-06-01"),
        ("joaquin.nunez@example.org", "2024-06-01"),
    }
    plain = cli(tmp_path, "roster", "export", "--format", "csv").stdout
    assert "removed_on" not in plain and "ALS-AR-01" not in plain


def test_a_removal_without_on_takes_effect_today(tmp_path: Path) -> None:
    assert cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    before = datetime.now(UTC).date()
    done = cli(tmp_path, "roster", "remove", "--email", "ana.conceicao@example.org")
    after = datetime.now(UTC).date()
    assert done.returncode == 0, done.stderr
    [entry] = audit(tmp_path, "roster.remove")
    assert entry["subject"] == "ana.conceicao@example.org"
    assert entry["data"]["on"] in {before.isoformat(), after.isoformat()}
    people = exported(tmp_path)["ALS-BR-01"]["people"]
    assert [p["email"] for p in people] == ["joao.araujo@example.org"]
    assert "ALS-BR-01" in status_ids(tmp_path)  # the ALS stays


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (("--als", "ALS-XX-99"), 1, "ALS-XX-99 is not an ALS in the roster"),
        (("--email", "nobody@example.org"), 1, "nobody@example.org is not a person in the roster"),
        # An e-mail alias names whose it is and the command to run, and removes nobody.
        (
            ("--email", "MPerez@example.net"),
            1,
            "MPerez@example.net is an e-mail alias of María Pérez, not their roster address;"
            " nothing removed. To remove them, give their address:"
            " lacralo-bot roster remove --email maria.perez@example.org.",
        ),
        (("--als", "ALS-AR-01", "--on", "2014-12-31"), 1, "before the ALS was accredited"),
        (("--als", "ALS-AR-01", "--on", "2999-01-01"), 1, "is in the future"),
        (("--email", "chair@example.org", "--on", "2999-01-01"), 1, "is in the future"),
        (("--als", "ALS-AR-01", "--on", "2024-02-30"), 2, "not a date written YYYY-MM-DD"),
        (("--als", "ALS-AR-01", "--on", "01/06/2024"), 2, "not a date written YYYY-MM-DD"),
        (("--als", "ALS-AR-01", "--on", "2024-W23-1"), 2, "not a date written YYYY-MM-DD"),
        (("--als", "ALS-AR-01", "--email", "chair@example.org"), 2, "not allowed with"),
        ((), 2, "one of the arguments --email --als is required"),
    ],
)
def test_bad_removals_are_refused_and_change_nothing(
    tmp_path: Path, args: tuple[str, ...], code: int, says: str
) -> None:
    assert cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    done = cli(tmp_path, "roster", "remove", *args)
    assert done.returncode == code, done.stderr
    assert says in done.stderr
    if code == 1 and "not an ALS" in says:
        assert "lacralo-bot roster export" in done.stderr  # how to find the ids
    assert audit(tmp_path, "roster.remove") == []
    assert "ALS-AR-01" in exported(tmp_path)


def test_the_help_is_in_the_users_language(tmp_path: Path) -> None:
    done = cli(tmp_path, "roster", "remove", "--help", LACRALO_LANGUAGE="es")
    assert done.returncode == 0, done.stderr
    assert "la dirección de correo de la persona" in done.stdout
    assert "--include-removed" in cli(tmp_path, "roster", "import", "--help").stdout


def test_refusals_are_in_the_users_language(tmp_path: Path) -> None:
    assert cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    done = cli(tmp_path, "roster", "remove", "--als", "ALS-XX-99", LACRALO_LANGUAGE="es")
    assert done.returncode == 1
    assert "ALS-XX-99 no es una ALS del padrón" in done.stderr


def test_a_later_import_skips_removed_rows_unless_include_removed(tmp_path: Path) -> None:
    assert cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    on = ("--on", "2025-01-01")
    assert (
        cli(tmp_path, "roster", "remove", "--email", "joaquin.nunez@example.org", *on).returncode
        == 0
    )
    assert cli(tmp_path, "roster", "remove", "--als", "ALS-HT-01", *on).returncode == 0

    again = cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER))
    assert again.returncode == 0, again.stderr  # skipped is not rejected
    assert (
        "Line 3 skipped: joaquin.nunez@example.org was removed from the roster on 1 Jan 2025"
        in again.stderr
    )
    assert "Line 6 skipped: ALS ALS-HT-01 was removed from the roster on 1 Jan 2025" in again.stderr
    assert "2 rows name ALSs or people removed" in again.stderr
    assert "--include-removed" in again.stderr
    assert "0 added, 0 updated, 10 unchanged, 0 rejected" in again.stderr
    es = cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER), LACRALO_LANGUAGE="es")
    assert "Línea 3 omitida: joaquin.nunez@example.org fue dado/a de baja" in es.stderr
    assert "ALS-HT-01" not in exported(tmp_path)
    assert audit(tmp_path, "roster.restore") == []

    back = cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER), "--include-removed")
    assert back.returncode == 0, back.stderr
    assert "3 removed ALSs or people are members again" in back.stderr
    restored = {(e["subject"], e["data"]["removed_on"]) for e in audit(tmp_path, "roster.restore")}
    assert restored == {
        ("joaquin.nunez@example.org", "2025-01-01"),
        ("ALS-HT-01", "2025-01-01"),
        ("jb.etienne@example.org", "2025-01-01"),
    }
    roster = exported(tmp_path)
    assert "ALS-HT-01" in roster and "ALS-HT-01" in status_ids(tmp_path)
    emails = {p["email"] for p in roster["ALS-AR-01"]["people"]}
    assert "joaquin.nunez@example.org" in emails
    # Nothing left to restore: the same import again changes nothing.
    assert (
        "members again"
        not in cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER), "--include-removed").stderr
    )


MARIA_BEFORE = (
    "From maria.perez at example.org  Tue Feb 21 13:00:00 2023\n"
    "From: maria.perez at example.org (María Pérez)\n"
    "Date: Tue, 21 Feb 2023 10:00:00 -0300\n"
    "Message-ID: <before@example.org>\n"
    "\n"
    "Before the removal.\n"
    "\n"
)
MARIA_AFTER = (
    "From maria.perez at example.org  Sun Mar  5 13:00:00 2023\n"
    "From: maria.perez at example.org (María Pérez)\n"
    "Date: Sun, 05 Mar 2023 10:00:00 -0300\n"
    "Message-ID: <after@example.org>\n"
    "\n"
    "After it, known before the removal was recorded.\n"
    "\n"
)
MARIA_LATER = (
    "From mperez at example.net  Mon Mar  6 13:00:00 2023\n"
    "From: mperez at example.net (María Pérez)\n"
    "Date: Mon, 06 Mar 2023 10:00:00 -0300\n"
    "Message-ID: <later@example.org>\n"
    "\n"
    "After it, by her alias, arriving after the removal.\n"
    "\n"
    "From maria.perez at example.org  Sat Feb 25 13:00:00 2023\n"
    "From: maria.perez at example.org (María Pérez)\n"
    "Date: Sat, 25 Feb 2023 10:00:00 -0300\n"
    "Message-ID: <late-archive@example.org>\n"
    "\n"
    "Before the removal, back-filled after it.\n"
    "\n"
)
LIST_ID = ("--list-id", "lac-discuss-es.atlarge-lists.icann.org")


def test_posts_of_a_removed_person_from_the_removal_on_go_to_the_unmatched_queue(
    tmp_path: Path,
) -> None:
    assert cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    first = tmp_path / "first.mbox"
    first.write_text(MARIA_BEFORE + MARIA_AFTER, encoding="utf-8")
    assert cli(tmp_path, "backfill", "mbox", str(first), *LIST_ID).returncode == 0

    # Back-dated: the post already attributed after that day goes back to the queue.
    done = cli(
        tmp_path, "roster", "remove", "--email", "maria.perez@example.org", "--on", "2023-03-01"
    )
    assert done.returncode == 0, done.stderr
    assert "1 post or join made on or after 1 Mar 2023 went back" in done.stderr

    later = tmp_path / "later.mbox"
    later.write_text(MARIA_LATER, encoding="utf-8")
    assert cli(tmp_path, "backfill", "mbox", str(later), *LIST_ID).returncode == 0
    # An import attributes unmatched senders again: not a removed person's later posts.
    assert cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0

    log = as_json(cli(tmp_path, "participation", "--format", "json"))
    assert [(e["als_id"], e["occurred_at"][:10]) for e in log] == [
        ("ALS-AR-01", "2023-02-21"),
        ("ALS-AR-01", "2023-02-25"),  # before the removal: still hers, and her ALS's
    ]
    queue = as_json(cli(tmp_path, "participation", "--unmatched", "--format", "json"))
    assert [(q["address"], q["occurred_at"][:10]) for q in queue] == [
        ("maria.perez@example.org", "2023-03-05"),
        ("mperez@example.net", "2023-03-06"),
    ]


# --- The date rules, a table -------------------------------------------------------------------

ACCREDITED = date(2015, 3, 10)


@pytest.mark.parametrize(
    ("on", "accredited_on", "refused"),
    [
        pytest.param(TODAY, ACCREDITED, None, id="today"),
        pytest.param(date(2026, 11, 23), ACCREDITED, None, id="yesterday-back-dated"),
        pytest.param(date(2016, 1, 1), ACCREDITED, None, id="years-back-dated"),
        pytest.param(ACCREDITED, ACCREDITED, None, id="the-day-of-accreditation"),
        pytest.param(
            date(2015, 3, 9), ACCREDITED, "roster.remove.before_accredited", id="rule-1.1-before"
        ),
        pytest.param(date(2026, 11, 25), ACCREDITED, "roster.remove.future", id="tomorrow"),
        pytest.param(date(2027, 1, 1), ACCREDITED, "roster.remove.future", id="next-year"),
        pytest.param(date(1990, 1, 1), None, None, id="rule-1.2-applicant-or-no-als"),
        pytest.param(date(2026, 11, 25), None, "roster.remove.future", id="no-als-tomorrow"),
    ],
)
def test_which_days_a_removal_may_name(
    on: date, accredited_on: date | None, refused: str | None
) -> None:
    reason = check_removal_day(on, TODAY, accredited_on)
    assert (reason.key if reason else None) == refused


@pytest.mark.parametrize(
    ("removed_on", "day", "member"),
    [
        (None, TODAY, True),
        (date(2024, 6, 1), date(2024, 5, 31), True),
        (date(2024, 6, 1), date(2024, 6, 1), False),  # from its first day
        (date(2024, 6, 1), TODAY, False),
    ],
)
def test_a_removal_takes_effect_from_its_day(
    removed_on: date | None, day: date, member: bool
) -> None:
    assert member_on(removed_on, day) is member


def test_an_import_skips_rows_of_removed_als_or_people_unless_asked() -> None:
    known = KnownRoster(
        removed_als={"ALS-A": date(2024, 1, 1)}, removed_person={"p@x.org": date(2024, 2, 1)}
    )
    person = PersonRecord(email="p@x.org", name="P", role="member", slack_id=None, nationality=None)
    other = PersonRecord(email="o@x.org", name="O", role="member", slack_id=None, nationality=None)
    rows: list[RosterRow | Rejection] = [
        RosterRow(2, None, person),
        RosterRow(3, None, other),
        Rejection(4, ()),
    ]
    kept, skipped = skip_removed(rows, known, include_removed=False)
    assert [r.line for r in kept] == [3, 4]
    assert [(s.line, [r.key for r in s.reasons]) for s in skipped] == [
        (2, ["roster.skip.removed_person"])
    ]
    kept, skipped = skip_removed(rows, known, include_removed=True)
    assert [r.line for r in kept] == [2, 3, 4] and skipped == []


# --- What the rest of the bot reads -----------------------------------------------------------


async def test_a_removed_person_speaks_for_no_one_and_frees_a_seat(
    store: aiosqlite.Connection, region: Region
) -> None:
    await roster_service.import_roster(store, region, EXAMPLE_ROSTER.read_bytes(), NOW, "t")
    gone = "joaquin.nunez@example.org"
    done = await roster_service.remove_person(store, region, gone, TODAY, TODAY, NOW, "t")
    assert (done.subject, done.on, done.already) == (gone, TODAY, False)

    # Not recognised in commands (Slack, e-mail), not told anything, not a representative.
    assert await roster_store.member_by(store, "email", gone) is None
    assert await roster_store.member_by(store, "slack_id", "U0000002") is None
    people = await roster_store.people_by_als(store)
    assert roster_store.representatives(people, "ALS-AR-01") == [
        ("maria.perez@example.org", "U0000001")
    ]
    assert gone not in await roster_service.languages_by_email(store, region)

    # Rule 1.1 (seed 003): two representatives; the removed one's seat is free for a new one.
    new_rep = (
        "als_id,als_name,country,accredited_on,language,role,name,email\n"
        "ALS-AR-01,Asociación Ficticia de Usuarios de Internet,AR,2015-03-10,es,"
        "representative,Nueva Persona,nueva@example.org\n"
    )
    report = await roster_service.import_roster(store, region, new_rep.encode(), NOW, "t")
    assert (report.created, report.rejected) == (1, [])


async def test_removing_an_unknown_or_twice_through_the_service(
    store: aiosqlite.Connection, region: Region
) -> None:
    await roster_service.import_roster(store, region, EXAMPLE_ROSTER.read_bytes(), NOW, "t")
    with pytest.raises(RuleViolation) as unknown:
        await roster_service.remove_als(store, "ALS-ZZ", TODAY, TODAY, NOW, "t")
    assert unknown.value.reason.key == "roster.remove.unknown_als"
    first = await roster_service.remove_als(store, "ALS-PE-01", TODAY, TODAY, NOW, "t")
    assert first.people == ("rosa.quispe@example.org",) and not first.already
    second = await roster_service.remove_als(store, "ALS-PE-01", date(2025, 1, 1), TODAY, NOW, "t")
    assert (second.already, second.on) == (True, TODAY)  # the first removal's day stands
    assert await roster_store.member_by(store, "email", "rosa.quispe@example.org") is None
