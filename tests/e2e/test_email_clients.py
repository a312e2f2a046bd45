"""Issue 15 with the replies real mail clients write (Thunderbird, Gmail, Outlook, Apple Mail, an
iso-8859-1 client), through the real SMTP receiver and a local outbound relay.

Each reply confirms when it comes from the address the request went to, and does nothing from
another address. The request quoted in a reply (its token, its command words) only ever confirms
the command stored under the token: it never runs another one, nor confirms for another address.
"""

from __future__ import annotations

import base64
import quopri
from collections.abc import Callable
from email.header import Header
from email.message import Message

import pytest

from bot.store import elections as election_store
from tests.e2e.test_email_confirm import (
    COMMANDS,
    MARIA,
    Running,
    ask_for_a_proxy,
    mail,
    running,  # noqa: F401 (the fixture)
)

MALLORY = "mallory@example.net"
BOUNDARY = "------------Zk3bS0uRkXj1pYl1rA9sTq2w"


def _lines(request: Message) -> list[str]:
    return str(request.get_content()).splitlines()


def _head(sender: str, to: str, subject: str, request: Message, extra: str = "") -> str:
    msgid = request["Message-ID"]
    return (
        f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Date: Mon, 30 Nov 2026 10:05:00 -0300\r\n"
        f"Message-ID: <{abs(hash((sender, to, subject)))}@client.example>\r\n"
        f"In-Reply-To: {msgid}\r\nReferences: {msgid}\r\nMIME-Version: 1.0\r\n{extra}"
    )


def _b_encoded(subject: str) -> str:
    """As Thunderbird and Outlook write a non-ASCII Subject: base64 encoded words, cut every 45
    bytes wherever that falls (here, inside the token), folded."""
    data = subject.encode()
    words = [base64.b64encode(data[i : i + 45]).decode() for i in range(0, len(data), 45)]
    return "\r\n ".join(f"=?UTF-8?B?{w}?=" for w in words)


def thunderbird(sender: str, request: Message, to: str | None = None) -> bytes:
    """multipart/alternative, format=flowed plain text, "Yes" above the quoted request."""
    quoted = "\r\n".join(f"> {line}".rstrip() for line in _lines(request))
    plain = f"Yes\r\n\r\nOn 30/11/2026 10:00, LACRALO wrote:\r\n{quoted}\r\n"
    html = "<html><body><p>Yes</p><blockquote type=cite>...</blockquote></body></html>"
    head = _head(
        sender,
        to or request["Reply-To"],
        _b_encoded(f"Re: {request['Subject']}"),
        request,
        f'Content-Type: multipart/alternative; boundary="{BOUNDARY}"\r\nContent-Language: es-AR\r\n',
    )
    return (
        f"{head}\r\nThis is a multi-part message in MIME format.\r\n--{BOUNDARY}\r\n"
        "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{plain}\r\n--{BOUNDARY}\r\n"
        "Content-Type: text/html; charset=UTF-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{html}\r\n--{BOUNDARY}--\r\n"
    ).encode()


def gmail(sender: str, request: Message, to: str | None = None) -> bytes:
    """Nothing typed above the attribution line; quoted-printable text; a Q-encoded Subject."""
    quoted = "\r\n".join(f"> {line}".rstrip() for line in _lines(request))
    plain = (
        f"\r\nOn Mon, 30 Nov 2026 at 10:00, <{request['From']}> wrote:\r\n\r\n{quoted}\r\n"
    ).encode()
    subject = Header(f"Re: {request['Subject']}", "utf-8").encode()  # =?utf-8?q?...?=
    head = _head(
        sender,
        to or request["Reply-To"],
        subject,
        request,
        'Content-Type: multipart/alternative; boundary="000000000000a1b2c3"\r\n',
    )
    return (
        (
            f"{head}\r\n--000000000000a1b2c3\r\n"
            'Content-Type: text/plain; charset="UTF-8"\r\n'
            "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        ).encode()
        + quopri.encodestring(plain)
        + (
            b'\r\n--000000000000a1b2c3\r\nContent-Type: text/html; charset="UTF-8"\r\n\r\n'
            b'<div dir="ltr"><br></div><div class="gmail_quote">...</div>\r\n'
            b"--000000000000a1b2c3--\r\n"
        )
    )


def outlook(sender: str, request: Message, to: str | None = None, prefix: str = "RE: ") -> bytes:
    """HTML only, nothing quoted with ">": the user's text, the header block, the request."""
    original = "<br>\r\n".join(_lines(request))
    html = (
        '<html><head><meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3Dutf-8">'
        "</head><body><div>S=C3=AD, confirmo.</div><hr>\r\n"
        f"<b>De:</b> {request['From']}<br><b>Enviado:</b> lunes, 30 de noviembre de 2026 10:00<br>"
        f"<b>Para:</b> {sender}<br><b>Asunto:</b> confirm<br>\r\n"
        f"<div>{original}</div></body></html>\r\n"
    )
    head = _head(
        sender,
        to or request["Reply-To"],
        _b_encoded(f"{prefix}{request['Subject']}"),
        request,
        'Content-Type: text/html; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n'
        "Thread-Topic: confirm\r\nX-MS-Has-Attach: \r\n",
    )
    return f"{head}\r\n{html}".encode()


def outlook_plain(sender: str, request: Message, to: str | None = None) -> bytes:
    """Outlook's plain-text reply: "-----Original Message-----" and the request unquoted."""
    original = "\r\n".join(_lines(request))
    body = (
        "Confirmo\r\n\r\n-----Original Message-----\r\n"
        f"From: {request['From']}\r\nSent: Monday, November 30, 2026 10:00 AM\r\n"
        f"To: {sender}\r\nSubject: {request['Subject']}\r\n\r\n{original}\r\n"
    )
    head = _head(
        sender,
        to or request["Reply-To"],
        _b_encoded(f"RV: {request['Subject']}"),
        request,
        'Content-Type: text/plain; charset="utf-8"\r\nContent-Transfer-Encoding: 8bit\r\n',
    )
    return f"{head}\r\n{body}".encode()


def apple_mail(sender: str, request: Message, to: str | None = None) -> bytes:
    """ "Sent from my iPhone" above the quote, format=flowed, quoted-printable."""
    quoted = "\r\n".join(f"> {line}".rstrip() for line in _lines(request))
    plain = (
        f"\r\n\r\nEnviado desde mi iPhone\r\n\r\n> El 30 nov 2026, a las 10:00, "
        f"{request['From']} escribi\u00f3:\r\n> \r\n{quoted}\r\n"
    ).encode()
    head = _head(
        sender,
        to or request["Reply-To"],
        Header(f"Re: {request['Subject']}", "utf-8").encode(),
        request,
        "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\nX-Mailer: iPhone Mail (21F90)\r\n",
    )
    return head.encode() + b"\r\n" + quopri.encodestring(plain)


def latin1(sender: str, request: Message, to: str | None = None) -> bytes:
    """An older client writing iso-8859-1, accents in the text and the Subject."""
    quoted = "\r\n".join(f"> {line}".rstrip() for line in _lines(request))
    body = f"Sí, confirmo. Gracias, María.\r\n\r\n{quoted}\r\n"
    # The dash in the Subject is not in Latin-1: such clients write it in windows-1252.
    subject = Header(f"Re: {request['Subject']}", "windows-1252").encode()
    head = _head(
        sender,
        to or request["Reply-To"],
        subject,
        request,
        "Content-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: 8bit\r\n",
    )
    return head.encode() + b"\r\n" + body.encode("iso-8859-1", "replace")


CLIENTS: dict[str, Callable[..., bytes]] = {
    "thunderbird": thunderbird,
    "gmail": gmail,
    "outlook html": outlook,
    "outlook plain": outlook_plain,
    "apple mail": apple_mail,
    "iso-8859-1": latin1,
}


async def _proxies(run: Running) -> int:
    return len(await election_store.proxies(run.bot.conn))


@pytest.mark.parametrize(
    "to_reply_to", [True, False], ids=["to the Reply-To", "to the command address"]
)
@pytest.mark.parametrize("client", list(CLIENTS))
async def test_each_clients_reply_confirms(
    running: Running,  # noqa: F811
    client: str,
    to_reply_to: bool,
) -> None:
    request, _ = await ask_for_a_proxy(running)
    to = request["Reply-To"] if to_reply_to else COMMANDS
    reply = CLIENTS[client](f"María Pérez <{MARIA}>", request, to=to)
    await running.send(reply, rcpt=to)
    assert await _proxies(running) == 1
    done = await running.to(MARIA, 1, subject="Bot de LACRALO")
    assert "Poder registrado" in done[-1].get_content()


@pytest.mark.parametrize("client", list(CLIENTS))
async def test_the_same_reply_from_another_address_does_nothing(
    running: Running,  # noqa: F811
    client: str,
) -> None:
    request, _ = await ask_for_a_proxy(running)
    to = request["Reply-To"]
    await running.send(CLIENTS[client](MALLORY, request, to=to), rcpt=to, mail_from=MALLORY)
    await running.send(CLIENTS[client](MALLORY, request, to=COMMANDS), mail_from=MALLORY)
    assert await _proxies(running) == 0
    answers = await running.to(MALLORY, 2)
    assert all("Poder" not in a.get_content() for a in answers)


async def test_a_command_typed_in_the_reply_only_confirms_the_stored_one(
    running: Running,  # noqa: F811
) -> None:
    """The token decides: what the reply says above the quote, or in its Subject, is not run."""
    request, _ = await ask_for_a_proxy(running)
    body = thunderbird(MARIA, request).replace(b"Yes\r\n", b"poder ALS-MX-01\r\n", 1)
    await running.send(
        body.replace(b"Subject: ", b"Subject: revocar ", 1), rcpt=request["Reply-To"]
    )
    [proxy] = await election_store.proxies(running.bot.conn)
    assert (proxy.giver, proxy.holder) == ("ALS-AR-01", "ALS-BR-01")


async def test_outlook_with_the_token_only_in_the_unquoted_request(
    running: Running,  # noqa: F811
) -> None:
    """Outlook to the plain address, its Subject cut: the request's own `confirmar <token>` line,
    unquoted below the header block, confirms; the request's other words run nothing."""
    request, token = await ask_for_a_proxy(running)
    reply = outlook_plain(MARIA, request, to=COMMANDS)
    head, _, body = reply.partition(b"\r\n\r\n")
    subject = _b_encoded(f"RV: {request['Subject']}").encode()
    head = head.replace(subject, b"RE: Bot de LACRALO")
    assert token.encode() not in head
    await running.send(head + b"\r\n\r\n" + body)
    assert await _proxies(running) == 1


async def test_a_reply_in_an_old_thread_says_how_to_ask_again(
    running: Running,  # noqa: F811
) -> None:
    request, token = await ask_for_a_proxy(running)
    await running.send(gmail(MARIA, request), rcpt=request["Reply-To"])
    await running.send(gmail(MARIA, request), rcpt=request["Reply-To"])  # the same thread, later
    done, used = await running.to(MARIA, 2, subject="Bot de LACRALO")
    assert "Poder registrado" in done.get_content()
    assert (
        "ya se usó" in used.get_content()
        and f"mensaje nuevo (no una respuesta) a {COMMANDS}" in (used.get_content())
    )
    assert await _proxies(running) == 1


async def test_a_command_copied_from_the_help_with_its_slash_works_by_mail(
    running: Running,  # noqa: F811
) -> None:
    """The help shows `/lacralo estado`; a member who copies it into the Subject is answered."""
    await running.send(mail(MARIA, "/lacralo estado"))
    await running.send(mail(MARIA, "Hola", "/lacralo reuniones\r\n\r\nMaría"))
    status, meetings = await running.to(MARIA, 2)
    assert "está activa" in status.get_content() and "No entendí" not in status.get_content()
    assert "No entendí" not in meetings.get_content()


@pytest.mark.parametrize(
    "marks", ["X-Autoreply: yes\r\n", "X-Autorespond: vacation\r\n", "Precedence: auto_reply\r\n"]
)
async def test_an_older_vacation_responder_confirms_nothing(
    running: Running,  # noqa: F811
    marks: str,
) -> None:
    """A responder older than RFC 3834 answering the request to its Reply-To from María's address
    (a forged command's request) neither confirms nor gets an answer."""
    request, _ = await ask_for_a_proxy(running)
    reply = thunderbird(MARIA, request).replace(b"MIME-Version", marks.encode() + b"MIME-Version")
    await running.send(reply, rcpt=request["Reply-To"])
    assert await _proxies(running) == 0
