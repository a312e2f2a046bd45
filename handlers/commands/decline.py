"""`/lacralo decline position`: the candidate declines a nomination before accepting it (2021
elections rules, seed 002)."""

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
        return t("nominations.usage.decline", lang)
    position = args[0].lower()
    await candidacies.step_back(deps.store, member, position, "declined", deps.clock(), by=member)
    return t("nominations.declined", lang, position=position)


SPEC = CommandSpec(
    verb="decline",
    words_key="commands.words.decline",
    help_key="commands.help.does.decline",
    args_key="commands.help.args.decline",
    example_key="commands.help.examples.decline",
    audience=Audience.MEMBER,
    changes_state=True,
    handler=handle,
)
