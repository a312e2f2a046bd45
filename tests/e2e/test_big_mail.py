"""A 10,000,000-byte mail to the command address costs the rest of the bot nothing (issue 15,
item 6): while it is received and read, /healthz keeps answering, each time within 2 s (a generous
bound: `make bench` measures the p99, `healthz_p99_big_mail_ms`)."""

from __future__ import annotations

import signal
import smtplib
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.e2e.bot_process import BotProcess

COMMANDS = "lacralo-bot-commands@lacralo.example.org"
SIZE = 10_000_000  # on the wire, smtplib's end mark included
END = b".\r\n"
ANSWER_WITHIN_S = 2.0


def head(extra: str) -> bytes:
    return (
        f"From: Someone <someone@example.org>\r\nTo: {COMMANDS}\r\nSubject: status\r\n"
        f"MIME-Version: 1.0\r\n{extra}\r\n"
    ).encode()


def with_attachment() -> bytes:
    """What a person sends by mistake: a command and a 10 MB attachment."""
    top = head('Content-Type: multipart/mixed; boundary="b"\r\n') + (
        b"--b\r\nContent-Type: text/plain\r\n\r\nstatus\r\n--b\r\n"
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n"
    )
    tail = b"--b--\r\n"
    room = SIZE - len(top) - len(tail) - len(END)
    line = b"QUFB" * 19 + b"\r\n"
    lines = (room - 2) // len(line)
    return top + line * lines + b"A" * (room - 2 - lines * len(line)) + b"\r\n" + tail


def short_lines() -> bytes:
    """The most steps for a reader that goes line by line: 10 MB of empty lines."""
    top = head("Content-Type: text/plain\r\n") + b"status\r\n"
    room = SIZE - len(top) - len(END)
    return top + b"\r\n" * (room // 2) + b"x\r\n" * (room % 2)


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(tmp_path, LACRALO_COMMAND_ADDRESS=COMMANDS).start()
    yield process
    if process.proc and process.proc.poll() is None:
        process.stop(signal.SIGKILL)


def deliver(port: int, raw: bytes, replies: list[tuple[int, bytes]], done: threading.Event) -> None:
    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=120) as client:
            client.ehlo()
            client.mail("someone@example.org")
            client.rcpt(COMMANDS)
            replies.append(client.data(raw))
    finally:
        done.set()


def healthz_seconds(bot: BotProcess) -> float:
    """How long one /healthz took; fails past ANSWER_WITHIN_S (urllib's timeout)."""
    started = time.perf_counter()
    url = bot.base_url + "/healthz"
    with urllib.request.urlopen(url, timeout=ANSWER_WITHIN_S) as response:
        assert response.status == 200
    return time.perf_counter() - started


@pytest.mark.parametrize("build", [with_attachment, short_lines])
def test_healthz_answers_while_a_ten_megabyte_command_mail_is_processed(
    bot: BotProcess, build: Callable[[], bytes]
) -> None:
    raw = build()
    assert len(raw) + len(END) == SIZE < Settings.model_fields["max_message_bytes"].default
    replies: list[tuple[int, bytes]] = []
    done = threading.Event()
    sender = threading.Thread(target=deliver, args=(bot.smtp_port, raw, replies, done))
    sender.start()
    answers = [healthz_seconds(bot)]
    while not done.is_set():  # until the bot has read the mail, acted on it and answered 250
        answers.append(healthz_seconds(bot))
    sender.join()
    [(code, text)] = replies
    assert code == 250 and b"Command received" in text
    assert max(answers) < ANSWER_WITHIN_S
    assert "E-mail command handled" in bot.log() and "Traceback" not in bot.log()
