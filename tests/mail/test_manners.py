"""RFC 3834's manners: which mail to the command address gets no answer (and takes no action)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.mail.command_mail import CommandMail
from bot.mail.manners import why_not_answer

OWN = ("lacralo-bot@lacralo.example.org", "lacralo-bot-commands@lacralo.example.org")
PERSON = CommandMail(
    sender="maria.perez@example.org",
    subject="status",
    first_line=None,
    token=None,
    envelope_from="maria.perez@example.org",
)

CASES: list[tuple[str, dict[str, object], str | None]] = [
    ("a person writing gets an answer", {}, None),
    ("RFC 3834 5.1: Auto-Submitted: no is a person", {"auto_submitted": "No"}, None),
    ("the envelope sender not known: judged by the rest", {"envelope_from": None}, None),
    ("RFC 3834 5.1: auto-replied", {"auto_submitted": "auto-replied"}, "auto_submitted"),
    ("RFC 3834 5.1: auto-generated", {"auto_submitted": "auto-generated"}, "auto_submitted"),
    (
        "RFC 3834 5.1: a keyword with parameters",
        {"auto_submitted": "auto-notified; x=1"},
        "auto_submitted",
    ),
    ("Precedence: bulk", {"precedence": "bulk"}, "precedence"),
    ("Precedence: list", {"precedence": "List"}, "precedence"),
    ("Precedence: junk", {"precedence": "junk"}, "precedence"),
    ("Precedence: first-class is a person", {"precedence": "first-class"}, None),
    ("RFC 2919: a list's copy", {"list_id": "<lacralo.atlarge-lists.icann.org>"}, "list"),
    ("RFC 3834 2: a bounce's null return path", {"envelope_from": ""}, "bounce"),
    ("RFC 3834 2: MAILER-DAEMON", {"envelope_from": "MAILER-DAEMON@mx.example.net"}, "bounce"),
    ("RFC 3834 2: postmaster in From", {"sender": "postmaster@example.net"}, "bounce"),
    ("a bare MAILER-DAEMON return path", {"envelope_from": "mailer-daemon"}, "bounce"),
    ("no loop: the bot's sending address", {"sender": OWN[0]}, "own_address"),
    ("no loop: the command address", {"sender": OWN[1]}, "own_address"),
    (
        "no loop: a plus form of it",
        {"sender": "lacralo-bot-commands+ab12@lacralo.example.org"},
        "own_address",
    ),
    (
        "no loop: the envelope from the bot",
        {"envelope_from": "LACRALO-BOT@lacralo.example.org"},
        "own_address",
    ),
    (
        "another address at the bot's domain is a person",
        {"sender": "staff@lacralo.example.org"},
        None,
    ),
]


@pytest.mark.parametrize(("name", "change", "silent"), CASES, ids=[c[0] for c in CASES])
def test_manners(name: str, change: dict[str, object], silent: str | None) -> None:
    why = why_not_answer(replace(PERSON, **change), OWN)  # type: ignore[arg-type]
    assert (why.key.rsplit(".", 1)[-1] if why else None) == silent


def test_the_same_address_for_sending_and_commands() -> None:
    same = ("bot@lacralo.example.org", "bot@lacralo.example.org")
    assert why_not_answer(replace(PERSON, sender="bot+x@lacralo.example.org"), same) is not None
    assert why_not_answer(PERSON, same) is None
