"""An e-mail to the bot's command address, read for what it asks (issue 9).

The command is the Subject when it starts with a verb, or else the first line of the plain-text
body that is neither quoted nor empty (the verbs are the command grammar's: the caller says which
words are verbs, `CommandMail.command_text`); a confirmation is the word CONFIRM followed by the
token the bot sent, anywhere in the Subject or the body. Announcements carry their text in sections
headed [en], [es], [pt], [fr]. Nothing is stored from here: the caller keeps only the command it
will act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from bot.domain.identity import normalise_email
from bot.mail.headers import Headers, addresses, decoded
from bot.mail.post import header_section

TOKEN = re.compile(r"\bCONFIRM\s+([0-9a-f]{32})\b", re.IGNORECASE)
SECTION = re.compile(r"^\s*\[(en|es|pt|fr)\]\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class CommandMail:
    sender: str | None  # normalised From address
    subject: str  # without its Re:/Fwd: prefixes
    first_line: str | None  # the body's first line that is neither quoted, empty nor a [xx] heading
    token: str | None  # a confirmation token, when the mail confirms an earlier command
    sections: dict[str, str] = field(default_factory=dict)  # language -> text, for announcements

    def command_text(self, starts_with_verb: Callable[[str], bool]) -> str:
        """What to parse as a command: the Subject if it starts with a verb, else the first line."""
        if starts_with_verb(self.subject) or self.first_line is None:
            return self.subject.strip()
        return self.first_line.strip()


def read_command_mail(raw: bytes) -> CommandMail:
    headers = Headers.parse(header_section(raw))
    pairs = addresses(headers, "From")
    sender = normalise_email(pairs[0][1]) if pairs else None
    subject = _strip_reply(decoded(headers.get("Subject") or ""))
    lines = _body_lines(raw)
    found = TOKEN.search(subject) or TOKEN.search("\n".join(lines))
    token = found.group(1).lower() if found else None
    first = next((line for line in lines if line.strip() and not SECTION.match(line)), None)
    return CommandMail(sender, subject, first, token, _sections(lines))


def _strip_reply(subject: str) -> str:
    return re.sub(r"^\s*((re|fw|fwd|rv|res|tr)\s*:\s*)+", "", subject, flags=re.IGNORECASE)


def _body_lines(raw: bytes) -> list[str]:
    """The plain-text body's own lines (quoted replies left out); [] when there is none."""
    try:
        msg = message_from_bytes(raw, policy=default)
        assert isinstance(msg, EmailMessage)
        part = msg.get_body(preferencelist=("plain",))
        text = part.get_content() if part is not None else ""
    except Exception:  # broken MIME or charset: no body, the Subject may still do
        return []
    return [line.rstrip() for line in str(text).splitlines()[:400] if not line.startswith(">")]


def _sections(lines: list[str]) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in lines:
        heading = SECTION.match(line)
        if heading:
            current = heading.group(1).lower()
            found[current] = []
        elif current is not None:
            found[current].append(line)
    return {
        lang: "\n".join(body).strip() for lang, body in found.items() if "\n".join(body).strip()
    }
