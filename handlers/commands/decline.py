"""`/lacralo decline position`: the candidate declines a nomination before accepting it (2021
elections rules, seed 002)."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from handlers.commands.candidacy import step_back
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    return await step_back(deps, event, "decline")


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
