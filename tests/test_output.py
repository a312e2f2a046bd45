"""Listings as tables: what people wrote is shown as written, never read as rich markup or as
terminal control sequences (bot/cli/output.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.output import message, print_table, print_title, progress_bar
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


# Every command that prints a listing (issue 19.7: `lacralo-bot … | head` must end quietly).
LISTINGS = [
    ("roster", "export"),
    ("status",),
    ("election", "roll"),
    ("meetings", "list"),
    ("nominations",),
    ("proxies",),
    ("outbox",),
    ("participation",),
    ("lists",),
    ("audit", "list"),
]
# What people wrote, as rich would read it if it were markup: a lone closing tag (a crash), a
# style, a link, and escape sequences (clear the screen, a terminal hyperlink, a bell).
MARKUP_ALS = "Red [bold]Uruguaya[/bold] [/]"
MARKUP_TITLE = "Asamblea [link=https://evil.example]aquí[/link] [/]\x1b[2J\x1b]8;;x\x07"


@pytest.fixture(scope="module")
def roster_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the example roster, an ALS and a meeting whose names are markup, and
    3000 more ALSs: a listing far larger than a pipe's buffer."""
    workdir = tmp_path_factory.mktemp("listings")
    rows = "".join(
        f"ALS-X-{n:03d},ALS {n},AR,2020-01-01,es,representative,P{n},p{n}@example.org,,AR,\n"
        for n in range(3000)
    )
    odd = f"ALS-UY-09,{MARKUP_ALS},UY,2019-01-01,es,representative,Ana [/],ana@example.org,,UY,\n"
    roster = workdir / "roster.csv"
    roster.write_text(EXAMPLE_ROSTER.read_text(encoding="utf-8") + odd + rows, encoding="utf-8")
    assert run_cli(workdir, "roster", "import", str(roster)).returncode == 0
    added = run_cli(
        workdir, "meetings", "add", "--kind", "assembly", "--start", "2027-03-03T15:00Z",
        "--title", MARKUP_TITLE,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return workdir


def reader_leaves(cwd: Path, args: tuple[str, ...], lines: int, *, stderr_too: bool = False) -> int:
    """Run the command with its stdout on a pipe whose reader takes `lines` lines and closes it
    (`| head -N`; 0 is `| true`); the exit status, after checking nothing was said about it."""
    env = clean_env()
    env.pop("PYTHONUNBUFFERED", None)  # stdout block-buffered, as from a user's shell
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if stderr_too else subprocess.PIPE,
    )
    assert proc.stdout is not None
    for _ in range(lines):
        assert proc.stdout.readline(), "the command printed less than expected"
    proc.stdout.close()
    err = "" if proc.stderr is None else proc.stderr.read().decode("utf-8", "replace")
    status = proc.wait(timeout=120)
    for sign in ("Traceback", "BrokenPipe", "Exception ignored"):
        assert sign not in err, err
    return status


@pytest.mark.parametrize("args", LISTINGS, ids=lambda a: "-".join(a))
def test_every_table_listing_ends_quietly_when_the_reader_is_gone(
    roster_dir: Path, args: tuple[str, ...]
) -> None:
    # `| true`: the pipe is closed before the first write, so the write meets it every time.
    assert reader_leaves(roster_dir, args, 0) == 0


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_a_large_listing_read_by_head_1_ends_quietly(roster_dir: Path, fmt: str) -> None:
    assert reader_leaves(roster_dir, ("roster", "export", "--format", fmt), 1) == 0


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("args", [("status",), ("audit", "list"), ("meetings", "list")])
def test_scripts_formats_end_quietly_when_the_reader_is_gone(
    roster_dir: Path, args: tuple[str, ...], fmt: str
) -> None:
    assert reader_leaves(roster_dir, (*args, "--format", fmt), 0) == 0


def test_messages_on_the_same_closed_pipe_end_quietly(roster_dir: Path) -> None:
    """`lacralo-bot election roll 2>&1 | head -1`: the notes after the table meet the pipe."""
    assert reader_leaves(roster_dir, ("election", "roll"), 1, stderr_too=True) == 0


def test_names_that_look_like_markup_are_shown_as_written(roster_dir: Path) -> None:
    for args in (("roster", "export"), ("status",)):
        shown = run_cli(roster_dir, *args)
        assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
        assert "Red [bold]Uruguaya[/bold] [/]" in shown.stdout
    meetings = run_cli(roster_dir, "meetings", "list")
    assert meetings.returncode == 0, meetings.stderr
    flat = meetings.stdout.replace("\n", "").replace("│", "").replace(" ", "")
    assert "[link=https://evil.example]aquí[/link][/]" in flat
    assert "\x1b" not in meetings.stdout and "\x07" not in meetings.stdout


def test_a_message_quoting_what_was_typed_shows_it_as_written(tmp_path: Path) -> None:
    typed = "[bold]9[/] \x1b[2J"
    said = run_cli(
        tmp_path, "meetings", "add", "--kind", "monthly", "--start", "2027-01-01T15:00Z",
        "--zoom-id", typed,
    )  # fmt: skip
    assert said.returncode == 2 and "Traceback" not in said.stderr
    assert "[bold]9[/] \\x1b[2J is not a Zoom meeting number" in said.stderr
    assert "\x1b" not in said.stderr


def test_titles_messages_and_progress_take_no_markup(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Straight through bot/cli/output.py, on a console rich takes for a terminal (so the
    progress bar is drawn, and would read its description as markup)."""
    monkeypatch.setenv("TTY_INTERACTIVE", "1")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    odd = "Ana [/] [bold]x[/bold] [link=https://evil.example]y[/link]\x1b[2J"
    print_title(odd)
    print_table([{"n": odd}], ["n"], [odd], odd)
    message(odd, style="red")
    with progress_bar(odd, 100) as advance:
        advance(50)
    out, err = capsys.readouterr()
    literal = "Ana [/] [bold]x[/bold] [link=https://evil.example]y[/link]\\x1b[2J"
    assert out.count(literal) == 4  # the title; the table's title, header and cell
    assert err.count(literal) >= 2  # the message and the bar's description
    assert "\x1b[2J" not in out and "\x1b[2J" not in err
