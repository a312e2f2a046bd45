"""Crash safety (issue 8): kill -9 the running bot mid-stream; every acknowledged message is in the
participation log after the restart, and none twice."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER, wait_until
from tests.e2e.bot_process import BotProcess

COUNT = 120
SECRET = "crash-secret"


def acked(path: Path) -> list[int]:
    if not path.exists():
        return []
    return [int(line) for line in path.read_text().split()]


def test_sigkill_mid_stream_loses_nothing_acknowledged(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    bot = BotProcess(tmp_path, ZOOM_WEBHOOK_SECRET_TOKEN=SECRET).start()
    ack_file = tmp_path / "acks.txt"
    sender = subprocess.Popen(
        [
            sys.executable,
            str(Path(__file__).with_name("crash_sender.py")),
            str(bot.smtp_port),
            str(bot.http_port),
            SECRET,
            str(COUNT),
            str(ack_file),
        ]
    )
    try:
        wait_until(
            lambda: len(acked(ack_file)) >= COUNT // 3,
            60,
            "a third of the stream to be acknowledged",
        )
        assert bot.stop(signal.SIGKILL) == -signal.SIGKILL
        before_restart = len(acked(ack_file))
        bot.start()  # same ports, same database; the sender has been retrying meanwhile
        assert sender.wait(120) == 0
    finally:
        if sender.poll() is None:
            sender.kill()
        bot.stop()
    done = acked(ack_file)
    assert sorted(done) == list(range(COUNT)) and before_restart < COUNT
    with sqlite3.connect(tmp_path / "lacralo.db") as db:
        keys = [row[0] for row in db.execute("SELECT source_key FROM participation")]
    posts = {f"mid:crash-{i}@example.org" for i in range(0, COUNT, 2)}
    joins = {k for k in keys if k.startswith("zoom:")}
    assert posts <= set(keys), "an acknowledged list post is missing"
    assert len(joins) == COUNT // 2, "an acknowledged join is missing"
    assert len(keys) == len(set(keys)) == COUNT, "something was stored twice or is extra"
