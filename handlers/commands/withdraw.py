"""`/lacralo withdraw position`: the candidate withdraws once they have accepted (2021 elections
rules, seed 002)."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from handlers.commands.candidacy import step_back
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    return await step_back(deps, event, "withdraw")


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
