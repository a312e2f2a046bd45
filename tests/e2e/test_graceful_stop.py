"""Graceful stop under load (issue 21, part 5): SIGTERM during a burst of posts stops accepting,
commits every message fully received, answers senders still sending with 421, and exits 0 within
10 s; everything acknowledged is kept."""

from __future__ import annotations

import signal
import smtplib
import socket
import sqlite3
import threading
import time
from pathlib import Path

from tests.cli_helpers import run_cli
from tests.conftest import EXAMPLE_ROSTER, wait_until
from tests.e2e.bot_process import BotProcess

SENDERS = 6


def post(n: int) -> bytes:
    return (
        "From: María Pérez <maria.perez@example.org>\r\n"
        "List-Id: <lac-discuss-es.atlarge-lists.icann.org>\r\n"
        f"Message-ID: <stop-{n}@example.org>\r\nDate: Mon, 16 Nov 2026 15:00:00 +0000\r\n"
        f"Subject: post {n}\r\n\r\nHola.\r\n"
    ).encode()


class Burst:
    """Senders posting as fast as the bot answers; each 250 is written down."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.acked: list[int] = []
        self.refused: list[str] = []
        self.lock = threading.Lock()
        self.threads = [
            threading.Thread(target=self._send, args=(k,), daemon=True) for k in range(SENDERS)
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _send(self, k: int) -> None:
        n = k
        try:
            with smtplib.SMTP("127.0.0.1", self.port, timeout=20) as client:
                while True:
                    client.sendmail("bounces@example.org", ["bot@example.org"], post(n))
                    with self.lock:
                        self.acked.append(n)
                    n += SENDERS
        except (OSError, smtplib.SMTPException) as exc:
            with self.lock:
                self.refused.append(type(exc).__name__)

    def join(self) -> None:
        for thread in self.threads:
            thread.join(20)


def half_sent(port: int) -> socket.socket:
    """A sender in the middle of its message's DATA: it is answered 421 at the stop."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    reader = sock.makefile("rb")
    assert reader.readline().startswith(b"220")
    for line, code in (
        (b"EHLO slow.example.org\r\n", b"250 "),
        (b"MAIL FROM:<bounces@example.org>\r\n", b"250"),
        (b"RCPT TO:<bot@example.org>\r\n", b"250"),
        (b"DATA\r\n", b"354"),
    ):
        sock.sendall(line)
        reply = reader.readline()
        while reply[3:4] == b"-":
            reply = reader.readline()
        assert reply.startswith(code), reply
    sock.sendall(post(10_000)[:60])  # the headers begun, never finished
    sock.settimeout(20)
    return sock


def test_sigterm_during_a_burst_keeps_everything_acknowledged(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "roster", "import", str(EXAMPLE_ROSTER)).returncode == 0
    bot = BotProcess(tmp_path).start()
    slow = half_sent(bot.smtp_port)
    burst = Burst(bot.smtp_port)
    burst.start()
    try:
        wait_until(lambda: len(burst.acked) >= 60, 60, "a burst of acknowledged posts")
        assert bot.proc is not None
        began = time.monotonic()
        bot.proc.send_signal(signal.SIGTERM)
        status = bot.proc.wait(15)
        took = time.monotonic() - began
        burst.join()
        slow_reply = slow.makefile("rb").readline()
    finally:
        slow.close()
        if bot.proc is not None and bot.proc.poll() is None:
            bot.proc.kill()
    assert status == 0, bot.log()
    assert took < 10, took
    assert slow_reply.startswith(b"421"), slow_reply
    assert len(burst.refused) == SENDERS  # every sender was told to go away, none hung
    with sqlite3.connect(tmp_path / "lacralo.db") as db:
        stored = {row[0] for row in db.execute("SELECT source_key FROM participation")}
    missing = [n for n in burst.acked if f"mid:stop-{n}@example.org" not in stored]
    assert not missing, f"acknowledged but not stored: {missing[:10]}"
    assert "mid:stop-10000@example.org" not in stored  # never finished, never acknowledged
    assert "Traceback" not in bot.log()
