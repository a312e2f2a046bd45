"""Listings as tables: what people wrote is shown as written, never read as rich markup or as
terminal control sequences (bot/cli/output.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli_helpers import clean_env, run_cli
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


def test_a_reader_that_closes_the_pipe_early_ends_it_quietly(tmp_path: Path) -> None:
    """`lacralo-bot roster export --format csv | head -1` (issue 19.7): no BrokenPipe traceback.
    The export is far larger than a pipe's buffer, so the writer meets the closed pipe."""
    rows = "".join(
        f"ALS-X-{n:03d},ALS {n},AR,2020-01-01,es,representative,P{n},p{n}@example.org,,AR,\n"
        for n in range(3000)
    )
    big = tmp_path / "big.csv"
    big.write_text(EXAMPLE_ROSTER.read_text(encoding="utf-8") + rows, encoding="utf-8")
    env = clean_env()
    subprocess.run(
        [sys.executable, "-m", "bot", "roster", "import", str(big)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "roster", "export", "--format", "csv"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().startswith(b"als_id,")
    proc.stdout.close()  # the reader leaves, as `head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err
