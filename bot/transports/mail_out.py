"""Sending the bot's e-mail through the configured relay (aiosmtplib)."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import aiosmtplib

from bot.deps import Clock
from bot.settings import Settings


def build_message(
    settings: Settings, recipient: str, payload: dict[str, Any], clock: Clock
) -> EmailMessage:
    """A plain-text UTF-8 message with the headers list software and autoresponders expect.

    RFC 3834: every message says it is automatic, so no vacation responder answers it;
    `auto-replied` when it answers a message (a command: the payload says so), with In-Reply-To.
    A confirmation request names the address a reply confirms in `reply_to` (issue 15)."""
    msg = EmailMessage()
    msg["From"] = settings.from_address
    msg["To"] = recipient
    if payload.get("reply_to"):
        msg["Reply-To"] = payload["reply_to"]
    msg["Subject"] = payload["subject"]
    msg["Date"] = format_datetime(clock())
    msg["Message-ID"] = make_msgid(domain=settings.from_address.rpartition("@")[2] or "localhost")
    if payload.get("in_reply_to"):
        msg["In-Reply-To"] = msg["References"] = payload["in_reply_to"]
    replied = payload.get("auto_submitted") == "auto-replied"
    msg["Auto-Submitted"] = "auto-replied" if replied else "auto-generated"
    msg.set_content(payload["text"], charset="utf-8")
    for attachment in payload.get("attachments", []):
        # A text part says its charset (an .ics with "Haïti" or "Bogotá" in it), RFC 2046 §4.1.2.
        text = attachment["maintype"] == "text"
        msg.add_attachment(
            attachment["data"].encode("utf-8"),
            maintype=attachment["maintype"],
            subtype=attachment["subtype"],
            filename=attachment["filename"],
            params={"charset": "utf-8"} if text else None,
        )
    return msg


def email_sender(settings: Settings, clock: Clock) -> Any:
    """A sender for the outbox: delivers one row or raises."""
    host, port = settings.outbound_smtp_host, settings.outbound_smtp_port

    async def send(recipient: str, payload: dict[str, Any]) -> None:
        message = build_message(settings, recipient, payload, clock)
        try:
            await aiosmtplib.send(message, hostname=host, port=port, timeout=30, start_tls=False)
        except aiosmtplib.SMTPRecipientsRefused as exc:
            if all(_permanent(refused) for refused in exc.recipients):
                raise PermanentFailure(str(exc)) from exc
            raise
        except aiosmtplib.SMTPResponseException as exc:
            if _permanent(exc):
                raise PermanentFailure(f"{exc.code} {exc.message}") from exc
            raise

    return send


class PermanentFailure(RuntimeError):
    """The relay refused for good (a 5xx reply, RFC 5321 section 4.2.1): trying again later
    would be refused the same way, so the outbox marks the row failed at once."""

    permanent = True


def _permanent(exc: aiosmtplib.SMTPResponseException) -> bool:
    return 500 <= exc.code < 600
