"""Where a reply carries its confirmation token (issue 15, as GNU Mailman's confirmations): the
address it went to, the Subject, the body's first non-empty line (quoted or not), or a
`confirm <token>` line; and the header fields the manners check reads."""

from __future__ import annotations

import pytest

from bot.mail.command_mail import read_command_mail

TOKEN = "3f9a" + "0" * 26 + "be"
COMMANDS = "lacralo-bot-commands@lacralo.example.org"
PLUS = f"lacralo-bot-commands+{TOKEN}@lacralo.example.org"


def mail(
    subject: str = "Re: hola", body: str = "Sí.", to: str = COMMANDS, extra: str = ""
) -> bytes:
    return (
        f"From: María <Maria.Perez@example.org>\r\nTo: {to}\r\nSubject: {subject}\r\n{extra}"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


CASES: list[tuple[str, bytes, tuple[str, ...], str | None]] = [
    ("the reply button: To is the Reply-To", mail(to=PLUS), (), TOKEN),
    ("the envelope went to the plus address", mail(), (PLUS,), TOKEN),
    ("the plus address in Cc", mail(extra=f"Cc: {PLUS.upper()}\r\n"), (), TOKEN),
    ("the Subject of a reply", mail(subject=f"Re: confirm {TOKEN} — confirmar"), (), TOKEN),
    ("the token alone, first line", mail(body=f"\r\n  {TOKEN}\r\n"), (), TOKEN),
    ("confirmar, first line", mail(body=f"confirmar {TOKEN}"), (), TOKEN),
    ("quoted, first line", mail(body=f"> CONFIRMER {TOKEN}\r\n> rest"), (), TOKEN),
    ("doubly quoted", mail(body=f">> confirm {TOKEN}"), (), TOKEN),
    (
        "a confirm line quoted deep in the reply",
        mail(
            body=f"Hecho.\r\n\r\nEl lunes escribió:\r\n> Usted pidió: poder\r\n>\r\n> confirmar {TOKEN}\r\n"
        ),
        (),
        TOKEN,
    ),
    (
        "a token inside a sentence further down is not one",
        mail(body=f"Hola\r\nel código {TOKEN} ok"),
        (),
        None,
    ),
    (
        "another address's plus form is not the command's",
        mail(to=f"other+{TOKEN}@lacralo.example.org"),
        (),
        None,
    ),
    (
        "a plus part that is not a token",
        mail(to="lacralo-bot-commands+hello@lacralo.example.org"),
        (),
        None,
    ),
    ("nothing at all", mail(), (), None),
]


@pytest.mark.parametrize(("name", "raw", "envelope", "token"), CASES, ids=[c[0] for c in CASES])
def test_where_the_token_is(
    name: str, raw: bytes, envelope: tuple[str, ...], token: str | None
) -> None:
    read = read_command_mail(raw, envelope_to=envelope)
    assert read.confirmation_token(COMMANDS) == token


def test_a_quoted_line_is_never_the_command() -> None:
    read = read_command_mail(mail(subject="Re: x", body="> poder ALS-BR-01\r\nestado"))
    assert read.first_line == "estado"


def test_the_fields_the_manners_read() -> None:
    extra = (
        "Auto-Submitted: auto-replied\r\nPrecedence: bulk\r\nList-Id: <l.example.org>\r\n"
        "Return-Path: <>\r\nMessage-ID: <abc@example.org>\r\n"
    )
    read = read_command_mail(mail(extra=extra))
    assert (read.auto_submitted, read.precedence, read.list_id) == (
        "auto-replied",
        "bulk",
        "<l.example.org>",
    )
    assert read.envelope_from == "" and read.message_id == "<abc@example.org>"
    assert read.sender == "maria.perez@example.org"
    # The receiver's envelope wins over a Return-Path header anyone could write.
    assert read_command_mail(mail(extra=extra), envelope_from="A@B.org").envelope_from == "a@b.org"
    assert read_command_mail(mail(), envelope_from="<>").envelope_from == ""  # as aiosmtpd says it


def test_a_malformed_message_id_is_not_carried_into_the_answer() -> None:
    read = read_command_mail(mail(extra="Message-ID: <a b>\r\n"))
    assert read.message_id is None
