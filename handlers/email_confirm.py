"""The confirmation round trip of an e-mail command that changes something (issues 9 and 15).

As GNU Mailman confirms (`commands/eml_confirm.py`, its VERP confirm address): the command is kept
under a fresh token, and the request mailed to the sender's address says `confirm <token>` in its
Subject and has `<command-local>+<token>@<domain>` as its Reply-To, so pressing Reply confirms.
Only that address can use the token, once, within `LACRALO_CONFIRM_HOURS`; a token that is expired,
used or unknown gets an answer that says which.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from bot.deps import Deps, iso
from bot.domain.roster import SECRETARIAT
from bot.i18n import t
from bot.mail.command_mail import CommandMail
from bot.services import command_answers
from bot.store import confirmations
from bot.store.confirmations import Answer
from bot.store.roster import Member
from bot.store.transaction import transaction
from handlers import commands
from handlers.commands.event import CommandEvent
from handlers.email_reply import language, reply


async def ask(deps: Deps, mail: CommandMail, member: Member, said: str, lang: str) -> str:
    """Keep the command under a fresh token and mail the token to the sender's address."""
    assert mail.sender is not None
    token = secrets.token_hex(16)
    now = deps.clock()
    hours = deps.settings.confirm_hours
    stored = confirmations.PendingCommand(text=said, sections=mail.sections)
    secretariat = member.role in SECRETARIAT
    async with transaction(deps.store):
        # Issue 20: a request past an answer cap is never mailed, so its token is not kept: a
        # flood of forged commands in a member's name must not fill the table of tokens.
        capped = await command_answers.over_cap(
            deps.store, deps.settings, mail.sender, now, secretariat
        )
        if capped is None:
            await confirmations.create(
                deps.store, token, mail.sender, stored, iso(now), iso(now + timedelta(hours=hours))
            )
    text = t(
        "commands.mail.confirm",
        lang,
        command=said[:200],
        token=token,
        hours=hours,
        ralo=deps.region.ralo,
        address=deps.settings.command_address,
    )
    subject = t("commands.mail.confirm_subject", lang, token=token, ralo=deps.region.ralo)
    reply_to = confirm_address(deps.settings.command_address, token)
    outcome = await reply(
        deps, mail, member, text, f"confirm:{token}", lang, subject=subject, reply_to=reply_to
    )
    return "confirmation_sent" if outcome == "answered" else outcome


def confirm_address(command_address: str, token: str) -> str:
    """`<command-local>+<token>@<domain>`: the address a reply confirms by."""
    local, _, domain = command_address.rpartition("@")
    return f"{local}+{token}@{domain}"


async def confirmed(deps: Deps, mail: CommandMail, member: Member | None, token: str) -> str:
    """Run the command kept under `token`, if this address may still confirm it."""
    assert mail.sender is not None
    lang = language(member, None, deps.settings.language)
    async with transaction(deps.store):
        answer, stored = await confirmations.consume(
            deps.store, token, mail.sender, iso(deps.clock())
        )
    if stored is None:
        text = t(
            f"commands.mail.token.{answer.value}",
            lang,
            hours=deps.settings.confirm_hours,
            address=deps.settings.command_address,
        )
        await reply(deps, mail, member, text, f"bad:{token}:{secrets.token_hex(4)}", lang)
        return f"token_{answer.value}"
    if member is None:  # removed from the roster since asking
        await reply(deps, mail, None, t("commands.unknown_member", lang), f"done:{token}", lang)
        return f"token_{Answer.UNKNOWN.value}"
    command = commands.parse(stored["text"])
    lang = language(member, command.lang, deps.settings.language)
    event = CommandEvent(command, member, "email", stored["sections"], language=lang)
    await reply(deps, mail, member, await commands.handle(deps, event), f"done:{token}", lang)
    return "done"
