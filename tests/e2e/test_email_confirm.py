"""Issue 15 end to end: the real SMTP receiver, the running scheduler and a local outbound relay.

The confirmation works with an ordinary mail client's Reply button; answers leave within seconds,
in the sender's language; mail written by machines gets no answer and takes no action (RFC 3834);
answers are capped per address and in all; a loop between the bot's own addresses stops at once.
The scheduler's tick is an hour here, so anything that arrives in seconds came by the wake-up.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

from bot.scheduler import Scheduler
from bot.store import elections as election_store
from bot.store import outbox as outbox_store
from bot.transports.mail_out import email_sender
from tests.e2e.smtp_bot import SmtpBot, start_smtp_bot
from tests.fakes import SmtpSink, smtp_sink

COMMANDS = "lacralo-bot-commands@lacralo.example.org"
FROM = "lacralo-bot@lacralo.example.org"
MARIA = "maria.perez@example.org"  # a representative of ALS-AR-01, which speaks Spanish
TOKEN_IN_SUBJECT = re.compile(r"^confirm ([0-9a-f]{32}) — confirmar ")


@dataclass
class Running:
    bot: SmtpBot
    sink: SmtpSink

    async def send(self, raw: bytes, rcpt: str = COMMANDS, mail_from: str = MARIA) -> None:
        code, text = await self.bot.send(raw, rcpt=rcpt, mail_from=mail_from)
        assert code == 250, text

    async def to(
        self, address: str, count: int, subject: str | None = None, timeout: float = 5
    ) -> list[Message]:
        """The messages to `address` (with this Subject), once `count` of them have arrived."""

        def mine() -> list[Message]:
            return [
                m
                for m in self.sink.messages
                if m["To"] == address and subject in (None, m["Subject"])
            ]

        async with self.sink.arrived:
            await asyncio.wait_for(
                self.sink.arrived.wait_for(lambda: len(mine()) >= count), timeout
            )
        return mine()

    async def proxies(self) -> int:
        return len(await election_store.proxies(self.bot.conn))


@pytest.fixture
async def running(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[Running]:
    settings = getattr(request, "param", {})
    async with smtp_sink() as sink:
        bot = await start_smtp_bot(
            tmp_path,
            command_address=COMMANDS,
            from_address=settings.pop("from_address", FROM),
            outbound_smtp_host="127.0.0.1",
            outbound_smtp_port=sink.port,
            **settings,
        )
        senders = {"email": email_sender(bot.deps.settings, bot.deps.clock)}
        stop = asyncio.Event()
        task = asyncio.create_task(Scheduler(bot.deps, senders, tick=3600).run(stop))
        try:
            yield Running(bot, sink)
        finally:
            stop.set()
            await task
            await bot.close()


def mail(sender: str, subject: str, body: str = "", to: str = COMMANDS, headers: str = "") -> bytes:
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{abs(hash((sender, subject, body, headers)))}@client.example>\r\n{headers}"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def quoting(request: Message, above: str = "Sí, confirmo.") -> str:
    """A reply as mail clients write it: a line of its own, then the request quoted."""
    quoted = "\r\n".join(f"> {line}" for line in request.get_content().splitlines())
    return f"{above}\r\n\r\nEl lun., Bot de LACRALO escribió:\r\n{quoted}\r\n"


async def ask_for_a_proxy(run: Running) -> tuple[Message, str]:
    """María asks for a proxy; the confirmation request arrives (within 5 s); its token."""
    started = time.monotonic()
    await run.send(mail(f"María Pérez <{MARIA}>", "poder ALS-BR-01"))
    [request] = await run.sink.wait_for(1, timeout=5)
    assert time.monotonic() - started < 5  # the wake-up, not the hour-long tick
    found = TOKEN_IN_SUBJECT.match(request["Subject"])
    assert found, request["Subject"]
    return request, found.group(1)


async def test_the_reply_button_confirms(running: Running) -> None:
    request, token = await ask_for_a_proxy(running)
    reply_to = f"lacralo-bot-commands+{token}@lacralo.example.org"
    assert request["Reply-To"] == reply_to and request["To"] == MARIA
    assert request["Auto-Submitted"] == "auto-replied"  # RFC 3834 5.1: it answers a message
    assert request["In-Reply-To"].endswith("@client.example>")
    assert "Para confirmar, responda a este mensaje" in request.get_content()  # ALS-AR-01: es
    assert await running.proxies() == 0  # the From: proves nothing yet

    # Reply: the client writes to the Reply-To, prefixes the Subject and quotes the request.
    reply = mail(MARIA, f"Re: {request['Subject']}", quoting(request), to=reply_to)
    await running.send(reply, rcpt=reply_to)
    [proxy] = await election_store.proxies(running.bot.conn)
    assert (proxy.giver, proxy.holder) == ("ALS-AR-01", "ALS-BR-01")
    [done] = await running.to(MARIA, 1, subject="Bot de LACRALO")
    assert "Poder registrado" in done.get_content()
    assert done["Auto-Submitted"] == "auto-replied" and done["Reply-To"] is None


@pytest.mark.parametrize(
    "where",
    ["the address alone", "the Subject alone", "the first line, quoted", "a quoted line below"],
)
async def test_each_place_a_token_travels_confirms(running: Running, where: str) -> None:
    request, token = await ask_for_a_proxy(running)
    to, subject, body = COMMANDS, "Re: Bot de LACRALO", "Sí."
    if where == "the address alone":
        to = request["Reply-To"]
    elif where == "the Subject alone":
        subject = f"Re: {request['Subject']}"
    elif where == "the first line, quoted":
        body = f"> confirmar {token}"
    else:
        body = quoting(request)
    await running.send(mail(MARIA, subject, body, to=to), rcpt=to)
    assert await running.proxies() == 1


async def test_another_address_cannot_confirm(running: Running) -> None:
    request, token = await ask_for_a_proxy(running)
    mallory = "mallory@example.net"
    forged = mail(mallory, f"Re: {request['Subject']}", quoting(request), to=request["Reply-To"])
    await running.send(forged, rcpt=request["Reply-To"], mail_from=mallory)
    assert await running.proxies() == 0
    [answer] = await running.to(mallory, 1)
    assert answer["To"] == mallory and "unknown here" in answer.get_content()  # a stranger: en
    assert token not in answer.get_content()  # the answer tells nothing about the token

    # The token is still María's to use.
    await running.send(mail(MARIA, "Re: x", f"confirmar {token}"))
    assert await running.proxies() == 1


async def test_an_expired_or_unknown_token_gets_a_clear_answer(running: Running) -> None:
    _, token = await ask_for_a_proxy(running)
    await running.bot.conn.execute(
        "UPDATE confirmation SET expires_at = '2000-01-01T00:00:00+00:00'"
    )
    await running.bot.conn.commit()
    await running.send(mail(MARIA, "Re: x", f"confirmar {token}"))
    await running.send(mail(MARIA, "Re: x", f"confirmar {'0' * 32}"))
    expired, unknown = (await running.sink.wait_for(3))[1:]
    assert "venció (un código vale 72 horas)" in expired.get_content()
    assert "no se conoce aquí" in unknown.get_content()
    assert await running.proxies() == 0


AUTOMATIC = {  # the headers, the From and the envelope sender of each kind
    "a vacation reply to the Reply-To": ("Auto-Submitted: auto-replied\r\n", MARIA, MARIA),
    "a bounce": ("", "MAILER-DAEMON@mx.example.org", ""),
    "a null return path whatever the From": ("", MARIA, ""),
    "a list's copy": (
        "List-Id: <lacralo.atlarge-lists.icann.org>\r\nPrecedence: list\r\n",
        MARIA,
        MARIA,
    ),
}


@pytest.mark.parametrize("kind", list(AUTOMATIC))
async def test_mail_from_machines_gets_no_answer_and_confirms_nothing(
    running: Running, kind: str
) -> None:
    request, token = await ask_for_a_proxy(running)
    headers, sender, envelope = AUTOMATIC[kind]
    subject = f"Auto: {request['Subject']}"
    automatic = mail(sender, subject, quoting(request), to=request["Reply-To"], headers=headers)
    await running.send(automatic, rcpt=request["Reply-To"], mail_from=envelope)
    await running.send(mail(sender, "help", headers=headers), mail_from=envelope)  # a command too
    assert await running.proxies() == 0
    listed = [r for r in await outbox_store.listing(running.bot.conn) if r["state"] == "suppressed"]
    assert len(listed) == 2 and all(r["last_error"] for r in listed)

    # Nothing left for them: the next answer, to a person, is the only other message to arrive.
    await running.send(
        mail("keisha.brown@example.org", "status"), mail_from="keisha.brown@example.org"
    )
    arrived = await running.sink.wait_for(2)
    assert [m["To"] for m in arrived] == [MARIA, "keisha.brown@example.org"]


async def test_answers_are_in_the_senders_language(running: Running) -> None:
    await running.send(mail("inconnu@example.fr", "aide"), mail_from="inconnu@example.fr")
    await running.send(
        mail("keisha.brown@example.org", "ayuda"), mail_from="keisha.brown@example.org"
    )
    stranger, keisha = await running.sink.wait_for(2)
    # No roster language: the words'. A roster language (ALS-JM-01 speaks English) comes first.
    assert (
        stranger["Subject"] == "Bot du LACRALO" and "Ce que vous pouvez" in stranger.get_content()
    )
    assert keisha["Subject"] == "LACRALO bot" and "What you can ask" in keisha.get_content()


async def test_a_strangers_words_are_never_carried_back(running: Running) -> None:
    spam = "CHEAP-PILLS http://spam.example"
    await running.send(mail("victim@example.com", spam, spam), mail_from="victim@example.com")
    [answer] = await running.sink.wait_for(1)
    assert "PILLS" not in answer.get_content() and "PILLS" not in answer["Subject"]
    assert "I did not understand that." in answer.get_content()


@pytest.mark.parametrize(
    "running",
    [{"command_replies_per_sender_hour": 2, "command_replies_per_hour": 6}],
    indirect=True,
)
async def test_the_rate_limits_hold(running: Running, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, "lacralo_bot")
    sends = [("one@example.net", 3), ("secretary@example.org", 3), ("two@example.net", 2)]
    for sender, times in sends:
        for i in range(times):
            await running.send(mail(sender, f"help {i}"), mail_from=sender)
    # one: 2 of 3 (per address); the Secretariat: 3 of 3 (exempt); two: 1 of 2 (6 in all).
    arrived = await running.sink.wait_for(6)
    rows = await outbox_store.listing(running.bot.conn)
    suppressed = [(r["recipient"], r["last_error"]) for r in rows if r["state"] == "suppressed"]
    assert suppressed == [
        ("one@example.net", "at most 2 answers an hour to one address"),
        ("two@example.net", "at most 6 answers an hour in all"),
    ]
    assert [r["subject"] for r in rows if r["state"] == "suppressed"] == ["LACRALO bot"] * 2
    said = [r.getMessage() for r in caplog.records if "kept in the outbox" in r.getMessage()]
    assert len(said) == 2  # one log line each
    # Nothing else leaves: the suppressed are never due, and six answers were queued in all.
    assert len([r for r in rows if r["state"] != "suppressed"]) == len(arrived) == 6
    assert sorted(m["To"] for m in arrived) == sorted(
        ["one@example.net"] * 2 + ["secretary@example.org"] * 3 + ["two@example.net"]
    )


@pytest.mark.parametrize(
    "running", [{}, {"from_address": COMMANDS}], ids=["two addresses", "one address"], indirect=True
)
async def test_a_loop_between_the_bots_own_addresses_stops_at_the_first_message(
    running: Running,
) -> None:
    """The bot's own answer delivered back to its command address (a forwarding rule, a list
    that includes it) is answered by nothing: the loop ends with the first message."""
    await running.send(mail("someone@example.net", "help"), mail_from="someone@example.net")
    [answer] = await running.sink.wait_for(1)
    sender = running.bot.deps.settings.from_address
    back = answer.as_bytes()
    await running.send(back, mail_from=sender)  # as it was sent, Auto-Submitted and all
    bare = mail(sender, "help")  # even without the header: the sender is the bot itself
    await running.send(bare, mail_from=sender)
    plus = COMMANDS.replace("@", "+abc@")
    await running.send(mail(plus, "help"), mail_from=plus)
    await running.send(mail("other@example.net", "help"), mail_from="other@example.net")
    arrived = await running.sink.wait_for(2)
    assert [m["To"] for m in arrived] == ["someone@example.net", "other@example.net"]
