"""An e-mail to the bot's command address, read for what it asks (issues 9 and 15).

The command is the Subject when it starts with a verb, or else the first line of the plain-text
body that is neither quoted nor empty (the verbs are the command grammar's: the caller says which
words are verbs, `CommandMail.command_text`). Announcements carry their text in sections headed
[en], [es], [pt], [fr].

A confirmation carries the token the bot mailed, the way GNU Mailman's confirmations travel
(`runners/command.py`, `commands/eml_confirm.py`): in the address the reply went to
(`<command-local>+<token>@<domain>`, the Reply-To of the request), in the Subject (`Re: confirm
<token> …`), or as the body's first non-empty line, quoted or not (the token alone, or `confirm
<token>` with any language's word); a line `confirm <token>` further down, quoted or not, does too,
as a reply that quotes the whole request shows it.

The header fields that tell a person's mail from an automatic one (RFC 3834: Auto-Submitted,
Precedence, List-Id, the return path) are kept for `bot/mail/manners.py`. Nothing is stored from
here: the caller keeps only the command it will act on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.domain.identity import is_valid_email, normalise_email, sub_address
from bot.mail.headers import Headers, addresses, decoded
from bot.mail.mime_text import plain_text
from bot.mail.post import capped_header_section

MAX_TEXT_BYTES = 256 * 1024  # LACRALO_COMMAND_MAX_TEXT_BYTES's default

# The word that confirms in each language the bot speaks: en confirm, es/pt confirmar, fr confirmer.
CONFIRM_WORDS = ("confirm", "confirmar", "confirmer")
_WORDS = "|".join(CONFIRM_WORDS)
TOKEN = re.compile(r"[0-9a-f]{32}", re.IGNORECASE)
SUBJECT_TOKEN = re.compile(r"\b([0-9a-f]{32})\b", re.IGNORECASE)
FIRST_LINE_TOKEN = re.compile(rf"^(?:(?:{_WORDS})\s+)?([0-9a-f]{{32}})$", re.IGNORECASE)
CONFIRM_LINE = re.compile(rf"^(?:{_WORDS})\s+([0-9a-f]{{32}})$", re.IGNORECASE)
QUOTE = re.compile(r"^(?:\s*>)+")
SECTION = re.compile(r"^\s*\[(en|es|pt|fr)\]\s*$", re.IGNORECASE)
SLASH = re.compile(r"^\s*/lacralo\b\s*", re.IGNORECASE)
MESSAGE_ID = re.compile(r"^<[^<>\s]{1,250}>$")


@dataclass(frozen=True)
class CommandMail:
    sender: str | None  # normalised From address
    subject: str  # without its Re:/Fwd: prefixes
    first_line: str | None  # the body's first line that is neither quoted, empty nor a [xx] heading
    token: str | None  # a confirmation token in the Subject or the body
    sections: dict[str, str] = field(default_factory=dict)  # language -> text, for announcements
    recipients: tuple[str, ...] = ()  # the To and Cc addresses, normalised
    envelope_to: tuple[str, ...] = ()  # RCPT TO, normalised (given by the receiver)
    envelope_from: str | None = None  # MAIL FROM; "" is the null return path; None: not known
    auto_submitted: str | None = None  # RFC 3834
    precedence: str | None = None  # bulk, list, junk: not a person writing
    list_id: str | None = None  # RFC 2919: a mailing list delivered it
    message_id: str | None = None  # for the answer's In-Reply-To, when well formed

    def command_text(self, starts_with_verb: Callable[[str], bool]) -> str:
        """What to parse as a command: the Subject if it starts with a verb, else the first line.
        A leading `/lacralo` is dropped: the help shows the commands the way Slack writes them,
        and people copy them into a mail as shown."""
        subject = SLASH.sub("", self.subject).strip()
        if starts_with_verb(subject) or self.first_line is None:
            return subject
        return SLASH.sub("", self.first_line).strip()

    def confirmation_token(self, command_address: str) -> str | None:
        """The token this mail confirms: in the command address it went to (envelope or To/Cc,
        `<command-local>+<token>@<domain>`), else in the Subject or the body."""
        ours = normalise_email(command_address)
        for address in (*self.envelope_to, *self.recipients):
            base, detail = sub_address(address)
            if base == ours and detail and TOKEN.fullmatch(detail):
                return detail.lower()
        return self.token


def read_command_mail(
    raw: bytes,
    *,
    envelope_to: Sequence[str] = (),
    envelope_from: str | None = None,
    max_text_bytes: int = MAX_TEXT_BYTES,
) -> CommandMail:
    """Read at a bounded cost (issue 15): the header section under the list posts' caps (else
    UnreadableMessage), and only the first `max_text_bytes` of the plain-text body."""
    headers = Headers.parse(capped_header_section(raw))
    pairs = addresses(headers, "From")
    sender = _answerable(pairs[0][1]) if pairs else None
    subject = _strip_reply(decoded(headers.get("Subject") or ""))
    lines = _body_lines(raw, max_text_bytes)
    own = [line for line in lines if not QUOTE.match(line)]
    first = next((line for line in own if line.strip() and not SECTION.match(line)), None)
    return CommandMail(
        sender,
        subject,
        first,
        _token(subject, lines),
        _sections(own),
        recipients=tuple(
            normalise_email(a) for name in ("To", "Cc") for _, a in addresses(headers, name)
        ),
        envelope_to=tuple(normalise_email(a) for a in envelope_to),
        envelope_from=_return_path(
            envelope_from if envelope_from is not None else headers.get("Return-Path")
        ),
        auto_submitted=headers.get("Auto-Submitted") or _legacy_auto_reply(headers),
        precedence=headers.get("Precedence"),
        list_id=headers.get("List-Id"),
        message_id=_message_id(headers.get("Message-ID")),
    )


def _answerable(address: str) -> str | None:
    """The From address normalised, or None when no answer could be delivered to it (issue 20:
    a NUL, a control character or a second @ from a hostile mail must not become an outbox row,
    nor use up the answers of the hour)."""
    address = normalise_email(address)
    return address if is_valid_email(address) and address.isprintable() else None


def _strip_reply(subject: str) -> str:
    return re.sub(r"^\s*((re|fw|fwd|rv|res|tr)\s*:\s*)+", "", subject, flags=re.IGNORECASE)


def _token(subject: str, lines: list[str]) -> str | None:
    """The token in the Subject; else the body's first non-empty line, quoted or not, when it is
    the token or `confirm <token>`; else any line that is `confirm <token>`."""
    found = SUBJECT_TOKEN.search(subject)
    if found:
        return found.group(1).lower()
    unquoted = [QUOTE.sub("", line).strip() for line in lines]
    first = next((line for line in unquoted if line), "")
    found = FIRST_LINE_TOKEN.match(first) or next(
        (m for m in map(CONFIRM_LINE.match, unquoted) if m), None
    )
    return found.group(1).lower() if found else None


def _legacy_auto_reply(headers: Headers) -> str | None:
    """Responders older than RFC 3834 (cPanel, Exim and Zimbra vacation replies) mark themselves
    with X-Autoreply or X-Autorespond only; read as `Auto-Submitted: auto-replied`."""
    if headers.get("X-Autoreply") or headers.get("X-Autorespond"):
        return "auto-replied"
    return None


def _return_path(value: str | None) -> str | None:
    """The envelope sender (MAIL FROM, or the Return-Path header a delivering MTA writes from it),
    normalised: "" for the null path `<>` (aiosmtpd passes it as "<>"); None when not known."""
    if value is None:
        return None
    return normalise_email(value.strip().strip("<>").strip())


def _message_id(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if MESSAGE_ID.match(value) else None


def _body_lines(raw: bytes, max_text_bytes: int) -> list[str]:
    """The plain-text body's lines, quoted ones included; [] when there is none. Attachments are
    never decoded (bot/mail/mime_text.py)."""
    return [line.rstrip() for line in plain_text(raw, max_text_bytes).splitlines()[:400]]


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
