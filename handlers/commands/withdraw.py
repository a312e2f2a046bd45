"""`/lacralo withdraw position`: the candidate withdraws once they have accepted (2021 elections
rules, seed 002)."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import t
from bot.services import candidacies
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member, args = event.member, event.command.args
    assert member is not None
    if not args:
        return t("nominations.usage.withdraw", lang)
    position = args[0].lower()
    await candidacies.step_back(deps.store, member, position, "withdrawn", deps.clock(), by=member)
    return t("nominations.withdrawn", lang, position=position)


SPEC = CommandSpec(
    verb="withdraw",
    words_key="commands.words.withdraw",
    help_key="commands.help.does.withdraw",
    args_key="commands.help.args.withdraw",
    example_key="commands.help.examples.withdraw",
    audience=Audience.MEMBER,
    changes_state=True,
    handler=handle,
)
