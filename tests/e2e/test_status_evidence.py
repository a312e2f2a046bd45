"""Issue 13 as a new user meets it: a year of monthly calls registered, Zoom reports back-filled for
some of them only, then `lacralo-bot run`. Nobody who attended every call with data is judged
inactive or ineligible, and no notice is queued for anything."""

from __future__ import annotations

import json
import signal
import sqlite3
from datetime import datetime
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER, free_port, wait_until
from tests.e2e.bot_process import BotProcess
from tests.e2e.zoom_helpers import past_calls

ZOOM = "85218486288"
REPS = [
    ("María Pérez", "maria.perez@example.org"),
    ("João Araújo", "joao.araujo@example.org"),
    ("Jean-Baptiste Étienne", "jb.etienne@example.org"),
    ("Keisha Brown", "keisha.brown@example.org"),
    ("Guadalupe Hernández", "lupe.hernandez@example.org"),
    ("Andrés Gómez", "andres.gomez@example.org"),
]


def report(call: datetime) -> str:
    """Zoom's participant report (English interface): every representative attended."""
    rows = ["Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"]
    day = call.strftime("%m/%d/%Y")
    rows += [f"{name},{email},{day} 03:02:00 PM,{day} 04:20:00 PM,78,No" for name, email in REPS]
    return "\n".join(rows) + "\n"


def test_a_partial_back_fill_then_run_judges_nobody_on_missing_data(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    calls = past_calls(12)
    for call in calls:
        added = run_cli(
            tmp_path, "meetings", "add", "--kind", "monthly", "--start", call.isoformat(),
            "--zoom-id", ZOOM,
        )  # fmt: skip
        assert added.returncode == 0, added.stderr
    with_reports = calls[:3] + calls[-2:]  # the reports of the middle seven calls are lost
    for call in with_reports:
        path = tmp_path / f"report-{call:%Y-%m}.csv"
        path.write_text(report(call), encoding="utf-8")
        done = run_cli(tmp_path, "backfill", "zoom-report", str(path), "--zoom-id", ZOOM)
        assert done.returncode == 0, done.stderr

    bot = BotProcess(
        tmp_path,
        LACRALO_SCHEDULER_TICK_S="0.2",
        LACRALO_OUTBOUND_SMTP_HOST="127.0.0.1",
        LACRALO_OUTBOUND_SMTP_PORT=str(free_port()),  # nothing listens: mail waits in the outbox
    ).start()
    db = tmp_path / "lacralo.db"

    def refreshed() -> bool:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT count(*) FROM status_judgement").fetchone()[0] > 0

    try:
        wait_until(refreshed, 20, "the first status refresh")
    finally:
        assert bot.stop(signal.SIGTERM) == 0
    log = bot.log()
    assert log.index("lacralo-bot is running") < log.index("Status refresh"), (
        log
    )  # receivers first, then judge

    statuses = json.loads(run_cli(tmp_path, "status", "--format", "json").stdout)
    accredited = [s for s in statuses if s["state"] != "observer"]
    assert len(accredited) == 6
    for row in accredited:
        assert row["state"] == "active", row
        assert row["eligible_for_office"], row
        assert len(row["unrecorded_calls"]) == 7, row
    outbox = json.loads(run_cli(tmp_path, "outbox", "--format", "json").stdout)
    assert outbox == [], outbox
    with sqlite3.connect(db) as conn:
        years = conn.execute("SELECT count(*) FROM status_year WHERE was_inactive = 1").fetchone()
    assert years[0] == 0
