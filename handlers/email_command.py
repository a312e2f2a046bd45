"""A command by e-mail to the bot's command address (issues 9 and 15).

A From: header proves nothing (PRODUCT.md, "Nobody speaks for another"), so a command that changes
anything takes effect only once the address it came from confirms it (`handlers/email_confirm.py`,
as mailing-list managers confirm subscriptions). Questions that change nothing (their spec says
so) are answered at once: the answer goes to the address, not to whoever forged it. Who may run
what is the dispatcher's to check.

Mail written by a machine (bounces, auto-replies, list copies, the bot's own) gets no answer and
takes no action (`bot/mail/manners.py`, RFC 3834): a vacation responder answering a forged
command's confirmation request must not confirm it. Every answer is in the sender's language and
within the caps (`handlers/email_reply.py`).
"""

from __future__ import annotations

import secrets

from bot.deps import Deps
from bot.mail.command_mail import CommandMail
from bot.mail.manners import why_not_answer
from bot.services import command_answers
from bot.store import roster as roster_store
from handlers import commands, email_confirm
from handlers.commands.event import CommandEvent
from handlers.email_reply import language, log_silent, reply


async def handle(deps: Deps, mail: CommandMail) -> str:
    """Act on the mail; returns what happened, for the log."""
    if mail.sender is None:
        return "no_sender"
    settings = deps.settings
    silent = why_not_answer(mail, (settings.from_address, settings.command_address))
    if silent is not None:
        key = f"silent:{secrets.token_hex(8)}"
        kept = await command_answers.record_unanswered(
            deps.store, settings, key, mail.sender, silent, deps.clock()
        )
        log_silent(deps, mail.sender, silent, kept)
        return "silent"
    member = await roster_store.member_by_address(deps.store, mail.sender)
    token = mail.confirmation_token(settings.command_address)
    if token:
        return await email_confirm.confirmed(deps, mail, member, token)
    said = mail.command_text(commands.grammar().starts_with_verb)
    command = commands.parse(said)
    lang = language(member, command.lang, settings.language)
    # Whether a command changes anything is its spec's to say (anything not understood is help);
    # one the sender may not run is refused at once, not after a token round trip.
    spec = commands.spec_for(command.verb)
    if member is None or not spec.changes_state or not spec.allows(member):
        event = CommandEvent(command, member, "email", language=lang)
        answer = await commands.handle(deps, event)
        return await reply(deps, mail, member, answer, f"answer:{secrets.token_hex(8)}", lang)
    return await email_confirm.ask(deps, mail, member, said, lang)
