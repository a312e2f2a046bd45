"""`/lacralo vacancy position [days]`: the Secretariat opens nominations to fill a vacated seat for
the rest of its term, from the same sub-region (2021 elections rules, art. 19; seed 002)."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from handlers.commands.event import CommandEvent
from handlers.commands.periods import open_period
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    return await open_period(deps, event, vacancy=True)


SPEC = CommandSpec(
    verb="vacancy",
    words_key="commands.words.vacancy",
    help_key="commands.help.does.vacancy",
    args_key="commands.help.args.vacancy",
    example_key="commands.help.examples.vacancy",
    audience=Audience.SECRETARIAT,
    changes_state=True,
    handler=handle,
)
