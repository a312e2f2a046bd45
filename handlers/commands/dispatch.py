"""Routing a command to its handler. The role is checked here, once, for every command; what the
command is about (whose proxy, whose nomination) is checked by the services, which raise
`NotAuthorised`; both are answered here, in the asker's language."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import MAX_LENGTH, Audience
from bot.domain.errors import NotAuthorised, RuleViolation
from bot.i18n import render, t
from handlers.commands.event import CommandEvent
from handlers.commands.registry import spec_for
from handlers.commands.spec import CommandSpec

REFUSALS = {
    Audience.REPRESENTATIVE: "commands.refused.representative",
    Audience.SECRETARIAT: "commands.refused.secretariat",
}


async def handle(deps: Deps, event: CommandEvent) -> str:
    """The answer to a command, in the asker's language. Strangers get help, nothing else."""
    return await answer(deps, event, spec_for(event.command.verb))


async def answer(deps: Deps, event: CommandEvent, spec: CommandSpec) -> str:
    lang = event.lang(deps.settings.language)
    if event.member is None and spec.audience is not Audience.EVERYONE:
        return t("commands.unknown_member", lang)
    if not spec.allows(event.member):
        return t(REFUSALS[spec.audience], lang)
    if event.command.truncated and spec.changes_state:
        # Acting on the first 500 characters of a longer command would record a cut link or
        # lose its last words ("none"): refuse it whole.
        return t("commands.too_long", lang, limit=MAX_LENGTH)
    try:
        return await spec.handler(deps, event)
    except NotAuthorised as exc:
        return t("commands.refused.not_authorised", lang, why=render(exc.reason, lang))
    except RuleViolation as exc:
        return t(spec.refused_key, lang, why=render(exc.reason, lang))
