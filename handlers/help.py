"""`/lacralo help` (ayuda, ajuda, aide), and the answer to anything not understood."""

from __future__ import annotations

from bot.command_event import CommandEvent
from bot.deps import Deps
from bot.domain.commands import VERBS
from bot.i18n import t

SHOWN = (
    "status",
    "meetings",
    "proxy",
    "revoke",
    "nominate",
    "accept",
    "declare",
    "withdraw",
    "share",
    "language",
    "help",
)


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    lines = []
    command = event.command
    if not command.understood:
        lines.append(t("commands.not_understood", lang, said=command.said[:80]))
        if command.suggestion:
            lines.append(t("commands.did_you_mean", lang, verb=command.suggestion))
    lines.append(t("commands.help.intro", lang))
    for verb in SHOWN:
        word = VERBS[verb][lang][0]
        lines.append(
            f"• /lacralo {word} {t(f'commands.help.args.{verb}', lang)}— "
            f"{t(f'commands.help.does.{verb}', lang)}"
        )
    return "\n".join(lines)
