"""Routing by recipient over real SMTP and LMTP (issue 15, items 1 and 7).

LMTP answers once per accepted recipient, in RCPT order (RFC 2033 section 4.2), each with its own
outcome; the command address is recognised in its `+detail` form and in any case."""

from __future__ import annotations

import asyncio
import contextlib
import smtplib
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.transports.smtp import is_command_address
from tests.e2e.smtp_bot import SmtpBot, start_smtp_bot
from tests.e2e.test_smtp import post

COMMANDS = "lacralo-bot-commands@lacralo.example.org"
LIST_COPY = "lacralo-bot@example.org"  # the bot's subscription to the lists


@pytest.mark.parametrize(
    ("address", "is_command"),
    [
        ("lacralo-bot-commands@lacralo.example.org", True),
        ("Lacralo-Bot-Commands@LACRALO.example.org", True),
        ("lacralo-bot-commands+3f9a0c@lacralo.example.org", True),
        ("LACRALO-BOT-COMMANDS+confirm+x@lacralo.example.org", True),
        ("lacralo-bot-commandsx@lacralo.example.org", False),
        ("lacralo-bot-commands@other.example.org", False),
        ("lacralo-bot-commands+x@other.example.org", False),
        ("lacralo-bot-commands", False),
        ("", False),
    ],
)
def test_the_command_address_and_its_detail_forms(address: str, is_command: bool) -> None:
    assert is_command_address(address, COMMANDS) is is_command


@pytest.fixture
async def lmtp_bot(tmp_path: Path) -> AsyncIterator[SmtpBot]:
    running = await start_smtp_bot(tmp_path, lmtp=True, command_address=COMMANDS)
    yield running
    await running.close()


def command(subject: str = "help") -> bytes:
    return (
        f"From: Ana <ana@example.org>\r\nTo: {COMMANDS}\r\nSubject: {subject}\r\n"
        "Message-ID: <cmd-1@example.org>\r\n\r\nhelp\r\n"
    ).encode()


def transaction(port: int, recipients: list[str], raw: bytes, lmtp: bool) -> list[str]:
    """One mail transaction with smtplib; every reply after the data, as "code text"."""
    client = smtplib.LMTP("127.0.0.1", port) if lmtp else smtplib.SMTP("127.0.0.1", port)
    try:
        client.ehlo()
        client.mail("ana@example.org")
        for recipient in recipients:
            assert client.rcpt(recipient)[0] == 250
        try:
            replies = [client.data(raw)]
        except smtplib.SMTPDataError as exc:  # the first recipient's reply was not a 250
            replies = [(exc.smtp_code, exc.smtp_error)]
        # smtplib reads one reply after the data; LMTP sends one per recipient.
        replies += [client.getreply() for _ in recipients[1:]] if lmtp else []
        return [f"{code} {text.decode()}" for code, text in replies]
    finally:
        with contextlib.suppress(smtplib.SMTPServerDisconnected):
            client.quit()


async def send(bot: SmtpBot, recipients: list[str], raw: bytes, lmtp: bool = True) -> list[str]:
    return await asyncio.to_thread(transaction, bot.port, recipients, raw, lmtp)


async def test_each_recipient_gets_its_own_status(lmtp_bot: SmtpBot) -> None:
    replies = await send(lmtp_bot, [COMMANDS, LIST_COPY], command())
    assert replies[0].startswith("250 2.0.0 Command received")
    assert replies[1].startswith("550 5.6.0 Not a mailing-list post")
    assert len(replies) == 2


async def test_a_list_post_copied_to_the_command_address(lmtp_bot: SmtpBot) -> None:
    replies = await send(lmtp_bot, [LIST_COPY, "lacralo-bot-2@example.org", COMMANDS], post())
    assert replies[:2] == ["250 2.0.0 Recorded"] * 2
    assert replies[2].startswith("250 2.0.0 Command received")
    assert await lmtp_bot.count() == 1, "one post, whatever the number of recipients"


async def test_a_recipient_the_store_cannot_take_is_retried_alone(lmtp_bot: SmtpBot) -> None:
    await lmtp_bot.conn.execute("DROP TABLE participation")  # every list post now fails to store
    replies = await send(lmtp_bot, [COMMANDS, LIST_COPY], post(mid="<p9@example.org>"))
    assert replies[0].startswith("250 2.0.0 Command received")
    assert replies[1].startswith("451 4.3.0")


async def test_the_reply_address_reaches_the_command_handler(tmp_path: Path) -> None:
    bot = await start_smtp_bot(tmp_path, command_address=COMMANDS)
    try:
        plus = "LACRALO-BOT-COMMANDS+0123456789abcdef0123456789abcdef@Lacralo.Example.Org"
        [reply] = await send(bot, [plus], command(), lmtp=False)
        assert reply.startswith("250 2.0.0 Command received")
        [reply] = await send(bot, ["lacralo-bot-commandsx@lacralo.example.org"], command(), False)
        assert reply.startswith("550 5.6.0 Not a mailing-list post")
    finally:
        await bot.close()


def until_closed(sock: socket.socket) -> bytes:
    received = b""
    while chunk := sock.recv(4096):
        received += chunk
    return received


def half_then_over_the_cap(port: int) -> tuple[bytes, bytes]:
    """One connection says half a command and stalls; a second one comes while it is open.
    What each received before the server closed it."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as half:
        greeting = half.recv(4096)
        half.sendall(b"LHLO x\r\nMAIL FROM:<a@")
        with socket.create_connection(("127.0.0.1", port), timeout=10) as over:
            refused = until_closed(over)
        return greeting + until_closed(half), refused


async def test_lmtp_has_the_same_guards(tmp_path: Path) -> None:
    """Issue 20: the LMTP server closes a half command line after the idle timeout, refuses a
    connection over the per-address cap with 421 at once, and still takes a whole message."""
    bot = await start_smtp_bot(
        tmp_path,
        lmtp=True,
        idle_timeout_s=0.3,
        max_connections_per_address=1,
        smtp_trusted_networks="192.0.2.1",
    )
    try:
        held, refused = await asyncio.to_thread(half_then_over_the_cap, bot.port)
        assert refused.startswith(b"421 4.7.0 Too many connections from your address")
        assert held.startswith(b"220") and held.endswith(
            b"421 4.4.2 Timeout; closing the connection\r\n"
        )
        assert await send(bot, [LIST_COPY], post()) == ["250 2.0.0 Recorded"]
    finally:
        await bot.close()
