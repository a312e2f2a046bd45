"""Crash safety (issue 8): kill -9 the running bot mid-stream; every acknowledged message is in the
participation log after the restart, and none twice."""

from __future__ import annotations

import os
import signal
import smtplib
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


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting for its (new) parent to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


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
        assert bot.proc is not None
        workers = children(bot.proc.pid)
        assert len(workers) == 1, "run starts one writer process (bot/store/writer_process.py)"
        assert bot.stop(signal.SIGKILL) == -signal.SIGKILL
        # The writer process sees its input end and exits: nothing of the killed bot holds on.
        wait_until(lambda: not any(alive(pid) for pid in workers), 10, "the writer to exit")
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


POST = (
    "From: Maria Perez <maria.perez@example.org>\r\n"
    "List-Id: <lac-discuss-es.atlarge-lists.icann.org>\r\n"
    "Message-ID: <{n}@writer.example.org>\r\n"
    "Date: Mon, 02 Nov 2026 10:00:00 -0300\r\n"
    "Subject: writer\r\n\r\nA post.\r\n"
)


def test_a_killed_writer_process_is_reported_and_posts_still_count(tmp_path: Path) -> None:
    """The operator's view (issue 20, part 9): the writer process killed (say by the kernel's
    out-of-memory killer) is an ERROR line and `parts.writer: down` in /healthz, and posts go
    on being stored and answered 250, by the bot's own process."""
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    bot = BotProcess(tmp_path).start()
    try:
        assert bot.proc is not None
        [worker] = children(bot.proc.pid)
        with smtplib.SMTP("127.0.0.1", bot.smtp_port, timeout=30) as client:
            client.sendmail("l@x.org", ["bot@example.org"], POST.format(n=1).encode())
            os.kill(worker, signal.SIGKILL)
            wait_until(lambda: bot.get_json("/healthz")["parts"]["writer"] == "down", 10, "down")
            assert client.sendmail("l@x.org", ["bot@example.org"], POST.format(n=2).encode()) == {}
        assert "The writer process stopped (exit code -9)" in bot.log()
        assert bot.stop() == 0
    finally:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.stop(signal.SIGKILL)
    with sqlite3.connect(tmp_path / "lacralo.db") as db:
        keys = {row[0] for row in db.execute("SELECT source_key FROM participation")}
    assert keys == {"mid:1@writer.example.org", "mid:2@writer.example.org"}
    assert "Traceback" not in bot.log()
