"""A command by e-mail to the bot's command address (issue 9).

A From: header proves nothing (PRODUCT.md, "Nobody speaks for another"), so a command that changes
anything takes effect only when the sender answers with the token the bot mailed to that address,
as mailing-list managers confirm subscriptions (GNU Mailman's `eml_confirm`). Questions that change
nothing (their spec says so: help, status, meetings, nominations) are answered at once: the answer
goes to the address, not to whoever forged it. Who may run what is the dispatcher's to check.
"""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from bot.deps import Deps, iso
from bot.i18n import t
from bot.mail.command_mail import CommandMail
from bot.services.outbox import queue_for
from bot.store import confirmations
from bot.store import roster as roster_store
from bot.store.transaction import transaction
from handlers import commands
from handlers.commands.event import CommandEvent

log = logging.getLogger("lacralo_bot.email_command")


async def handle(deps: Deps, mail: CommandMail) -> str:
    """Act on the mail; returns what happened (a key under `commands.mail.`), for the log."""
    if mail.sender is None:
        return "no_sender"
    member = await roster_store.member_by_address(deps.store, mail.sender)
    if mail.token:
        return await _confirmed(deps, mail, member)
    said = mail.command_text(commands.grammar().starts_with_verb)
    event = CommandEvent(commands.parse(said), member, "email")
    lang = event.lang(deps.settings.language)
    # Whether a command changes anything is its spec's to say (anything not understood is help);
    # one the sender may not run is refused at once, not after a token round trip.
    spec = commands.spec_for(event.command.verb)
    if member is None or not spec.changes_state or not spec.allows(member):
        await _reply(
            deps,
            mail.sender,
            await commands.handle(deps, event),
            f"answer:{secrets.token_hex(8)}",
            lang,
        )
        return "answered"
    await _ask_to_confirm(deps, mail.sender, said, mail.sections, lang)
    return "confirmation_sent"


async def _ask_to_confirm(
    deps: Deps, sender: str, said: str, sections: dict[str, str], lang: str
) -> None:
    """Keep the command under a fresh token and mail the token to the sender's address."""
    token = secrets.token_hex(16)
    now = deps.clock()
    stored = confirmations.PendingCommand(text=said, sections=sections)
    async with transaction(deps.store):
        await confirmations.create(
            deps.store,
            token,
            sender,
            stored,
            iso(now),
            iso(now + timedelta(hours=deps.settings.confirm_hours)),
        )
    text = t(
        "commands.mail.confirm",
        lang,
        command=said[:200],
        token=token,
        address=deps.settings.command_address,
    )
    await _reply(deps, sender, text, f"confirm:{token}", lang)


async def _confirmed(deps: Deps, mail: CommandMail, member: roster_store.Member | None) -> str:
    assert mail.sender is not None and mail.token is not None
    lang = member.language or member.als_language if member else None
    lang = lang or deps.settings.language
    async with transaction(deps.store):
        stored = await confirmations.consume(deps.store, mail.token, mail.sender, iso(deps.clock()))
    if stored is None or member is None:
        await _reply(
            deps, mail.sender, t("commands.mail.bad_token", lang), f"bad:{mail.token}", lang
        )
        return "bad_token"
    event = CommandEvent(commands.parse(stored["text"]), member, "email", stored["sections"])
    answer = await commands.handle(deps, event)
    await _reply(deps, mail.sender, answer, f"done:{mail.token}", event.lang(lang))
    return "done"


async def _reply(deps: Deps, address: str, text: str, key: str, lang: str) -> None:
    payload = {
        "kind": "reply",
        "subject": t("commands.mail.subject", lang, ralo=deps.region.ralo),
        "text": text,
    }
    async with transaction(deps.store):
        queued = await queue_for(
            deps.store, deps.settings, f"mail:{key}", [(address, None)], payload, deps.clock()
        )
    if not queued:
        log.warning(t("commands.mail.no_outbound", deps.settings.language, address=address))
