"""Commands by e-mail over real SMTP, confirmed by a reply token before they take effect (issue 9;
announcements by e-mail, issue 6)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import elections as election_store
from tests.e2e.smtp_bot import SmtpBot, start_smtp_bot

COMMANDS = "lacralo-bot-commands@lacralo.example.org"


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[SmtpBot]:
    running = await start_smtp_bot(
        tmp_path,
        command_address=COMMANDS,
        outbound_smtp_host="127.0.0.1",
        announce_address="list@example.org",
    )
    yield running
    await running.close()


def mail(sender: str, subject: str, body: str = "") -> bytes:
    return (
        f"From: {sender}\r\nTo: {COMMANDS}\r\nSubject: {subject}\r\nMessage-ID: <{abs(hash(subject + body))}@x>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


async def replies(bot: SmtpBot, to: str) -> list[str]:
    async with bot.conn.execute(
        "SELECT payload FROM outbox WHERE recipient = ? ORDER BY outbox_id", (to,)
    ) as cur:
        return [json.loads(row[0])["text"] for row in await cur.fetchall()]


async def test_questions_are_answered_at_once(bot: SmtpBot) -> None:
    code, text = await bot.send(
        mail("María Pérez <maria.perez@example.org>", "ayuda"), rcpt=COMMANDS
    )
    assert code == 250 and "answer comes by e-mail" in text
    [answer] = await replies(bot, "maria.perez@example.org")
    assert answer.startswith("Lo que puede pedir")


async def test_a_proxy_by_mail_waits_for_the_token(bot: SmtpBot) -> None:
    await bot.send(mail("maria.perez@example.org", "poder ALS-BR-01"), rcpt=COMMANDS)
    assert await election_store.proxies(bot.conn) == []  # nothing yet: the From may be forged
    [confirm] = await replies(bot, "maria.perez@example.org")
    token = re.search(r"confirm\w* ([0-9a-f]{32})", confirm).group(1)  # type: ignore[union-attr]
    assert "Para confirmar" in confirm

    # Someone else replaying the token from another address achieves nothing.
    await bot.send(mail("mallory@example.org", "Re: LACRALO", f"CONFIRM {token}"), rcpt=COMMANDS)
    assert await election_store.proxies(bot.conn) == []

    reply = f"> Para confirmar...\r\nCONFIRM {token}\r\n"
    await bot.send(mail("maria.perez@example.org", "Re: Bot de LACRALO", reply), rcpt=COMMANDS)
    [proxy] = await election_store.proxies(bot.conn)
    assert (proxy.giver, proxy.holder) == ("ALS-AR-01", "ALS-BR-01")
    assert "Poder registrado" in (await replies(bot, "maria.perez@example.org"))[-1]

    await bot.send(
        mail("maria.perez@example.org", "Re: Bot", f"CONFIRM {token}"), rcpt=COMMANDS
    )  # used
    assert "ya se usó" in (await replies(bot, "maria.perez@example.org"))[-1]


async def test_an_announcement_by_mail(bot: SmtpBot) -> None:
    body = "[en]\r\nThe General Assembly is on 3 March.\r\n[es]\r\nLa Asamblea General es el 3 de marzo.\r\n"
    await bot.send(mail("secretary@example.org", "announce", body), rcpt=COMMANDS)
    token = re.search(
        r"confirm\w* ([0-9a-f]{32})", (await replies(bot, "secretary@example.org"))[0]
    ).group(1)  # type: ignore[union-attr]
    await bot.send(mail("secretary@example.org", f"Re: CONFIRM {token}"), rcpt=COMMANDS)
    [announcement] = await replies(bot, "list@example.org")
    assert (
        "The General Assembly is on 3 March." in announcement
        and "La Asamblea General" in announcement
    )


async def test_strangers_and_list_posts_are_told_apart(bot: SmtpBot) -> None:
    await bot.send(mail("stranger@example.net", "poder ALS-BR-01"), rcpt=COMMANDS)
    [answer] = await replies(bot, "stranger@example.net")
    assert "pida a la Secretaría" in answer
    assert await bot.count() == 0  # a command is not participation


async def test_round_trip_through_the_relay(tmp_path: Path) -> None:
    """The confirmation and the answer really leave through the outbound relay (a local sink)."""
    from bot.services import outbox as outbox_service
    from bot.transports.mail_out import email_sender
    from tests.fakes import smtp_sink

    async with smtp_sink() as sink:
        bot = await start_smtp_bot(
            tmp_path,
            command_address=COMMANDS,
            outbound_smtp_host="127.0.0.1",
            outbound_smtp_port=sink.port,
            from_address=COMMANDS,
        )
        try:
            senders = {"email": email_sender(bot.deps.settings, bot.deps.clock)}
            await bot.send(mail("joao.araujo@example.org", "procuracao ALS-AR-01"), rcpt=COMMANDS)
            await outbox_service.deliver_due(bot.conn, senders, bot.deps.clock())
            [confirm] = sink.messages
            assert confirm["To"] == "joao.araujo@example.org" and confirm["From"] == COMMANDS
            body = confirm.get_content()
            token = re.search(r"confirm\w* ([0-9a-f]{32})", body).group(1)  # type: ignore[union-attr]
            assert "Para confirmar, responda" in body  # the ALS's language: Portuguese
            await bot.send(
                mail("joao.araujo@example.org", "Re: " + confirm["Subject"], f"CONFIRM {token}"),
                rcpt=COMMANDS,
            )
            await outbox_service.deliver_due(bot.conn, senders, bot.deps.clock())
            assert (
                "Procuração registrada: ALS-BR-01 vota por meio de ALS-AR-01"
                in sink.messages[-1].get_content()
            )
        finally:
            await bot.close()


async def test_a_command_the_sender_may_not_run_is_refused_at_once(bot: SmtpBot) -> None:
    """A member who is not the Secretariat gets the refusal, not a token to confirm first."""
    await bot.send(mail("maria.perez@example.org", "anunciar"), rcpt=COMMANDS)
    [answer] = await replies(bot, "maria.perez@example.org")
    assert "confirmar" not in answer and "Secretaría" in answer
    async with bot.conn.execute("SELECT count(*) FROM confirmation") as cur:
        assert (await cur.fetchone())[0] == 0
