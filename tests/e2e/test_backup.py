"""Backups of the running bot (issue 21): taken while posts arrive, restored elsewhere, and the
lock that keeps `restore` away from a bot's database (never stale, even after SIGKILL)."""

from __future__ import annotations

import contextlib
import re
import signal
import smtplib
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.store import latest_version
from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER, wait_until
from tests.e2e.bot_process import BotProcess


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(tmp_path).start()
    yield process
    if process.proc and process.proc.poll() is None:
        process.stop(signal.SIGKILL)


class Poster(threading.Thread):
    """Posts to the bot's SMTP port one after another and notes each Message-ID answered 250:
    what the bot acknowledged, so it must be stored."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port = port
        self.acknowledged: list[str] = []
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as client:
                n = 0
                while not self.stop.is_set():
                    n += 1
                    ident = f"backup-{n}@example.org"
                    client.sendmail(
                        "lac-discuss-en-bounces@atlarge-lists.icann.org",
                        ["bot@example.org"],
                        post(ident, n).encode(),
                    )  # raises unless every recipient was accepted with 250
                    self.acknowledged.append(ident)
        except BaseException as exc:  # seen by the test, not lost in the thread
            self.error = exc


def post(ident: str, n: int) -> str:
    return (
        "From: Keisha Brown <keisha.brown@example.org>\r\n"
        "List-Id: <lac-discuss-en.atlarge-lists.icann.org>\r\n"
        f"Message-ID: <{ident}>\r\nDate: Mon, 16 Nov 2026 15:{n % 60:02d}:00 +0000\r\n"
        f"Subject: post {n}\r\n\r\nHello\r\n"
    )


def stored_keys(db: Path) -> set[str]:
    with closing(sqlite3.connect(db)) as conn:
        return {row[0] for row in conn.execute("SELECT source_key FROM participation")}


def test_a_backup_taken_while_posts_arrive_restores_everything_acknowledged(
    bot: BotProcess, tmp_path: Path
) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    poster = Poster(bot.smtp_port)
    poster.start()
    try:
        wait_until(lambda: len(poster.acknowledged) >= 20 or poster.error is not None, 30, "posts")
        before = list(poster.acknowledged)
        done = run_cli(tmp_path, "backup", "during.db")
        during = len(poster.acknowledged) - len(before)
    finally:
        poster.stop.set()
        poster.join(30)
    assert poster.error is None, poster.error
    assert done.returncode == 0, done.stderr
    assert during > 0, "no post arrived while the backup ran"

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    restored = run_cli(elsewhere, "restore", str(tmp_path / "during.db"))
    assert restored.returncode == 0, restored.stderr
    verified = run_cli(elsewhere, "audit", "verify")
    assert verified.returncode == 0, verified.stderr
    assert "Audit log intact" in verified.stderr
    missing = {f"mid:{i}" for i in before} - stored_keys(elsewhere / "lacralo.db")
    assert missing == set(), f"acknowledged before the backup, not in it: {sorted(missing)}"
    assert "Traceback" not in bot.log()


def test_restore_is_refused_while_the_bot_runs_and_the_lock_dies_with_it(
    bot: BotProcess, tmp_path: Path
) -> None:
    assert run_cli(tmp_path, "backup", "copy.db").returncode == 0
    refused = run_cli(tmp_path, "restore", "copy.db")
    assert refused.returncode == 1
    assert f"process {bot.proc.pid}" in " ".join(refused.stderr.split())  # type: ignore[union-attr]
    second = run_cli(  # the bot's own ports: without the lock it would fail on them instead
        tmp_path,
        "run",
        LACRALO_HTTP_PORT=str(bot.http_port),
        LACRALO_SMTP_PORT=str(bot.smtp_port),
    )
    assert second.returncode == 2 and "Another bot is already running" in second.stderr

    bot.stop(signal.SIGKILL)  # no clean-up at all: the kernel releases the lock
    done = run_cli(tmp_path, "restore", "copy.db")
    assert done.returncode == 0, done.stderr


def test_healthz_shows_the_schema_version(bot: BotProcess) -> None:
    assert bot.get_json("/healthz")["schema_version"] == latest_version()


def test_the_running_bot_makes_its_daily_backup(tmp_path: Path) -> None:
    (tmp_path / "backups").mkdir()
    process = BotProcess(tmp_path, LACRALO_BACKUP_DIR=str(tmp_path / "backups")).start()
    daily = re.compile(r"^lacralo-\d{4}-\d{2}-\d{2}\.db$")
    try:
        wait_until(
            lambda: any(daily.match(p.name) for p in (tmp_path / "backups").iterdir()),
            20,
            "the daily backup",
        )
        wait_until(lambda: "Daily backup written" in process.log(), 10, "its log line")
    finally:
        with contextlib.suppress(Exception):
            process.stop()
    (made,) = [p for p in (tmp_path / "backups").iterdir() if daily.match(p.name)]
    with closing(sqlite3.connect(made)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
