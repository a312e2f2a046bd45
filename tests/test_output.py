"""Listings as tables: what people wrote is shown as written, never read as rich markup or as
terminal control sequences (bot/cli/output.py)."""

from __future__ import annotations

from pathlib import Path

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER


def test_markup_and_escape_sequences_in_stored_text_are_shown_literally(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    note = "Minutes [/] [link=file:///etc/passwd]here[/link]"
    added = run_cli(
        tmp_path, "participation", "add", "--als", "ALS-AR-01", "--kind", "event",
        "--on", "2025-01-01", "--note", note,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    for args in (("participation",), ("audit", "list")):
        listed = run_cli(tmp_path, *args)
        assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
        assert "[link=file:///etc/passwd]here[/link]" in listed.stdout.replace("\n", "")
    # A display name from a Zoom report, waiting unmatched: its escape sequence is not sent to
    # the terminal as one.
    assert run_cli(
        tmp_path, "meetings", "add", "--kind", "monthly", "--start", "2026-11-17T15:00Z",
        "--zoom-id", "85218486288",
    ).returncode == 0  # fmt: skip
    report = tmp_path / "report.csv"
    report.write_text(
        "Name (Original Name),User Email,Join Time\nEve\x1b[2J\x1b]8;;x\x07,,11/17/2026 15:02:00\n",
        encoding="utf-8",
    )
    run_cli(tmp_path, "backfill", "zoom-report", str(report), "--zoom-id", "85218486288")
    unmatched = run_cli(tmp_path, "participation", "--unmatched")
    assert unmatched.returncode == 0 and "Eve" in unmatched.stdout, unmatched.stderr
    assert "\x1b" not in unmatched.stdout and "\x07" not in unmatched.stdout
