"""An answer to an e-mail command (issue 15): in the sender's language, marked as an automatic
reply (RFC 3834), threaded under their mail, and within the caps that keep the bot from being an
amplifier (`bot/services/command_answers.py`).

Decisions not to answer are logged summarised (issue 20, part 3: a flood must not become a flood
of log): at most one line a minute for each address over its own cap, and one a minute for each
reason that does not depend on the address (the cap on all answers, mail that gets no answer),
however many forged addresses the flood uses; the next line says how many were kept quiet."""

from __future__ import annotations

import logging
import weakref
from typing import Any

from bot.deps import Deps
from bot.domain.reasons import Reason
from bot.domain.roster import SECRETARIAT
from bot.i18n import render, t
from bot.logs import Summary
from bot.mail.command_mail import CommandMail
from bot.services import command_answers
from bot.services.command_answers import Queued
from bot.store.roster import Member

log = logging.getLogger("lacralo_bot.email_command")
# Decisions not to answer, by (address or "*", reason key): one summary for each running bot,
# known by its database connection, so two bots in one process (tests) do not share one.
_quiet: weakref.WeakKeyDictionary[object, Summary] = weakref.WeakKeyDictionary()
ADDRESS_BOUND = "commands.mail.suppressed.per_sender"  # the one reason summarised per address


def log_unanswered(deps: Deps, address: str, why: Reason, kept: bool) -> None:
    """One line for an answer suppressed by a cap, summarised; says whether the outbox kept a
    row of it."""
    lang = deps.settings.language
    key = "commands.mail.log.suppressed" if kept else "commands.mail.log.not_kept"
    source = address if why.key == ADDRESS_BOUND else "*"
    line = t(key, lang, address=address, why=render(why, lang))
    _summarised(deps, logging.WARNING, source, why, line)


def log_silent(deps: Deps, address: str, why: Reason, kept: bool) -> None:
    """One line for mail from a machine that gets no answer (RFC 3834), summarised by reason."""
    lang = deps.settings.language
    line = t("commands.mail.log.silent", lang, address=address, why=render(why, lang))
    if not kept:
        line += " " + t("commands.mail.log.silent_not_kept", lang)
    _summarised(deps, logging.INFO, "*", why, line)


def _summarised(deps: Deps, level: int, source: str, why: Reason, line: str) -> None:
    held_back = _quiet.setdefault(deps.store, Summary()).admit(source, why.key)
    if held_back is None:
        return
    if held_back:
        line += " " + t("commands.mail.log.quiet", deps.settings.language, count=held_back)
    log.log(level, line)


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
        stranger=member is None,
    )
    ours = deps.settings.language
    if queued in (Queued.SUPPRESSED, Queued.NOT_KEPT) and why is not None:
        log_unanswered(deps, mail.sender, why, queued is Queued.SUPPRESSED)
        return "suppressed"
    if queued is Queued.NO_CHANNEL:
        log.warning(t("commands.mail.no_outbound", ours, address=mail.sender))
    return "answered"
