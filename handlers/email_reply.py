"""An answer to an e-mail command (issue 15): in the sender's language, marked as an automatic
reply (RFC 3834), threaded under their mail, and within the caps that keep the bot from being an
amplifier (`bot/services/command_answers.py`)."""

from __future__ import annotations

import logging
from typing import Any

from bot.deps import Deps
from bot.domain.roster import SECRETARIAT
from bot.i18n import render, t
from bot.mail.command_mail import CommandMail
from bot.services import command_answers
from bot.services.command_answers import Queued
from bot.store.roster import Member

log = logging.getLogger("lacralo_bot.email_command")


def language(member: Member | None, written_in: str | None, default: str) -> str:
    """The sender's language (their own choice, else the roster's for them, else their ALS's);
    else the language of the command words; else the bot's."""
    if member is not None:
        own = member.language or member.roster_language or member.als_language
        if own:
            return own
    return written_in or default


async def reply(
    deps: Deps,
    mail: CommandMail,
    member: Member | None,
    text: str,
    key: str,
    lang: str,
    subject: str | None = None,
    reply_to: str | None = None,
) -> str:
    """Queue the answer to the sender; 'answered', or 'suppressed' past a cap."""
    assert mail.sender is not None
    payload: dict[str, Any] = {
        "kind": "reply",
        "subject": subject or t("commands.mail.subject", lang, ralo=deps.region.ralo),
        "text": text,
        "auto_submitted": "auto-replied",  # RFC 3834 section 5: it answers a message
    }
    if reply_to:
        payload["reply_to"] = reply_to
    if mail.message_id:
        payload["in_reply_to"] = mail.message_id
    queued, why = await command_answers.queue_answer(
        deps.store,
        deps.settings,
        key,
        mail.sender,
        payload,
        deps.clock(),
        secretariat=member is not None and member.role in SECRETARIAT,
    )
    ours = deps.settings.language
    if queued is Queued.SUPPRESSED and why is not None:
        log.warning(
            t("commands.mail.log.suppressed", ours, address=mail.sender, why=render(why, ours))
        )
        return "suppressed"
    if queued is Queued.NO_CHANNEL:
        log.warning(t("commands.mail.no_outbound", ours, address=mail.sender))
    return "answered"
