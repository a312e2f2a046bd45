"""Slow and flooding clients against `lacralo-bot run` (issue 20, part 1), as an attacker would.

Each attack runs against the real receivers on loopback; each test checks that the attacker's
socket is closed (or refused at once) and that service keeps answering, with nothing acknowledged
lost. The attacker connects from 127.0.0.1 and the trusted relay from 127.0.0.2 (Linux routes all
of 127/8 to the loopback interface; the client socket binds its source address).
"""

from __future__ import annotations

import re
import smtplib
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing
from pathlib import Path

import pytest

from tests.conftest import wait_until
from tests.e2e.bot_process import BotProcess
from tests.e2e.test_smtp import post

ATTACKER = "127.0.0.1"
RELAY = "127.0.0.2"
# Low limits keep the tests fast; the last test uses the shipped defaults.
LOW = {
    "LACRALO_IDLE_TIMEOUT_S": "0.5",
    "LACRALO_TRANSACTION_TIMEOUT_S": "2",
    "LACRALO_MAX_CONNECTIONS_PER_ADDRESS": "5",
    "LACRALO_MAX_CONNECTIONS": "30",
    "LACRALO_SMTP_TRUSTED_NETWORKS": f"{RELAY}/32",
    "LACRALO_LOG_LEVEL": "INFO",
}
GENEROUS = 10.0  # seconds: what a test waits at most for something that should take far less


def start_bot(tmp_path: Path, **env: str) -> BotProcess:
    """The bot, once /healthz answers and the SMTP port takes connections."""
    running = BotProcess(tmp_path, **env).start()
    wait_until(lambda: _listening(running.smtp_port), GENEROUS, "the SMTP port")
    return running


def _listening(port: int) -> bool:
    """From the relay's address, so the probe takes none of the attacker's slots."""
    with socket.socket() as probe:
        probe.bind((RELAY, 0))
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[BotProcess]:
    running = start_bot(tmp_path, **LOW)
    yield running
    running.stop()


def connect(port: int, source: str = ATTACKER) -> socket.socket:
    sock = socket.create_connection(
        ("127.0.0.1", port), timeout=GENEROUS, source_address=(source, 0)
    )
    return sock


def until_closed(sock: socket.socket, within: float = GENEROUS) -> bytes:
    """Everything the server sends until it closes the connection; fails after `within`."""
    sock.settimeout(within)
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    except TimeoutError:
        raise AssertionError(f"still open after {within}s; received {received!r}") from None
    return received


def greeted(port: int, source: str = ATTACKER) -> socket.socket:
    sock = connect(port, source)
    assert sock.recv(1024).startswith(b"220 ")
    return sock


def relay_post(bot: BotProcess, mid: str) -> int:
    with smtplib.SMTP("127.0.0.1", bot.smtp_port, timeout=GENEROUS, source_address=(RELAY, 0)) as c:
        c.ehlo()
        c.mail("list-bounces@atlarge-lists.icann.org")
        c.rcpt("lacralo-bot@example.org")
        code, _ = c.data(post(mid=f"<{mid}@example.org>"))
        return code


def stored(bot: BotProcess) -> set[str]:
    with closing(sqlite3.connect(bot.workdir / "lacralo.db")) as db:
        return {row[0] for row in db.execute("SELECT source_key FROM participation")}


def test_a_half_command_line_is_closed_after_the_idle_timeout(bot: BotProcess) -> None:
    silent = connect(bot.smtp_port)  # says nothing at all
    half = greeted(bot.smtp_port)
    half.sendall(b"MAIL FROM:<maria.perez@exa")  # and stalls
    started = time.monotonic()
    assert b"421 4.4.2" in until_closed(half)
    assert b"421 4.4.2" in until_closed(silent)
    assert time.monotonic() - started < GENEROUS
    assert relay_post(bot, "after-half") == 250
    assert "mid:after-half@example.org" in stored(bot)


def test_a_client_that_never_finishes_a_message_is_closed_at_the_transaction_timeout(
    bot: BotProcess,
) -> None:
    """Each piece arrives well within the idle timeout, for ever: NOOPs, then a trickled DATA."""
    noops, trickle = greeted(bot.smtp_port), greeted(bot.smtp_port)
    trickle.sendall(b"EHLO x\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
    started = time.monotonic()
    pace = threading.Event()
    closed: list[socket.socket] = []
    while len(closed) < 2 and time.monotonic() - started < GENEROUS:
        pace.wait(0.1)  # the attacker's pace, under the idle timeout
        for sock, piece in ((noops, b"NOOP\r\n"), (trickle, b"List-Id: <x.example.org>\r\n")):
            if sock not in closed:
                try:
                    sock.sendall(piece)
                except OSError:
                    closed.append(sock)
    for sock in (noops, trickle):
        if sock not in closed:  # closed by the server, the last send not yet refused
            until_closed(sock, 2.0)
    assert 1.5 < time.monotonic() - started < GENEROUS
    assert stored(bot) == set(), "a message that never ended was not stored"


def test_per_address_cap_closes_at_once_and_the_relay_is_exempt(bot: BotProcess) -> None:
    with ExitStack() as held:
        for _ in range(5):
            held.enter_context(greeted(bot.smtp_port))
        started = time.monotonic()
        assert until_closed(connect(bot.smtp_port)).startswith(b"421 4.7.0 Too many connections")
        assert time.monotonic() - started < 2.0, "refused at once, not after a timeout"
        # The cap is one budget for every receiver of the address: HTTP is refused too.
        assert until_closed(connect(bot.http_port)).startswith(b"HTTP/1.1 503")
        for _ in range(6):  # the relay is exempt from the per-address cap
            held.enter_context(greeted(bot.smtp_port, RELAY))
        assert relay_post(bot, "relay-during-cap") == 250
    # Once the attacker's sockets close, the address gets in again.
    fresh = None
    deadline = time.monotonic() + GENEROUS
    while fresh is None and time.monotonic() < deadline:
        sock = connect(bot.smtp_port)
        if sock.recv(1024).startswith(b"220 "):
            fresh = sock
        else:
            sock.close()
    assert fresh is not None
    fresh.close()
    assert "mid:relay-during-cap@example.org" in stored(bot)
    bot.stop()
    refusals = [line for line in bot.log().splitlines() if "Refused" in line]
    assert len(refusals) <= 2, f"refusals are summarised, not logged per connection: {refusals}"


def test_the_global_cap_keeps_slots_for_the_trusted_relay(bot: BotProcess) -> None:
    """30 in all, 5 kept for trusted relays: five untrusted addresses fill the other 25."""
    with ExitStack() as held:
        for n in range(3, 8):
            for _ in range(5):
                held.enter_context(greeted(bot.smtp_port, f"127.0.0.{n}"))
        assert until_closed(connect(bot.smtp_port, "127.0.0.9")).startswith(b"421 4.3.2")
        assert relay_post(bot, "relay-in-reserve") == 250
        assert bot.healthy() is False, "the caps hold for HTTP from loopback too"
    assert "mid:relay-in-reserve@example.org" in stored(bot)


def test_half_a_request_line_over_http_is_closed_after_the_idle_timeout(bot: BotProcess) -> None:
    half = connect(bot.http_port)
    half.sendall(b"GET /heal")
    headers = connect(bot.http_port)
    headers.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    assert until_closed(half) == b""
    assert until_closed(headers) == b""
    assert bot.healthy()


def test_a_trickled_http_body_gets_408(bot: BotProcess) -> None:
    slow = connect(bot.http_port)
    slow.sendall(
        b"POST /zoom/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"event": '
    )
    assert until_closed(slow).startswith(b"HTTP/1.1 408")
    assert bot.healthy()


def test_500_slow_connections_and_the_relay_still_gets_its_250(tmp_path: Path) -> None:
    """The shipped caps (20 per address, 400 in all): 500 connections from one untrusted address
    that say nothing; 480 are refused at once, 20 held; the relay's posts are answered promptly,
    /healthz too, and every acknowledged post is stored."""
    bot = start_bot(tmp_path, LACRALO_SMTP_TRUSTED_NETWORKS=f"{RELAY}/32")
    try:
        with ExitStack() as held:
            for _ in range(500):
                held.enter_context(connect(bot.smtp_port))
            started = time.monotonic()
            codes = [relay_post(bot, f"flood-{i}") for i in range(5)]
            took = time.monotonic() - started
            assert codes == [250] * 5
            assert took < GENEROUS, f"5 relay posts took {took:.1f}s under the flood"
        assert {f"mid:flood-{i}@example.org" for i in range(5)} <= stored(bot)
    finally:
        bot.stop()
    # 480 refusals, logged in one or two lines (the first at once, the rest summarised).
    counts = [int(n) for n in re.findall(r"Refused (\d+) connection", bot.log())]
    assert sum(counts) == 480 and len(counts) <= 2, counts
