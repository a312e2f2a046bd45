"""`/lacralo open position [days]`: the Secretariat opens nominations for a position, which goes
to the sub-region the rotation names this year (Operating Principles 7.2.a)."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from handlers.commands.event import CommandEvent
from handlers.commands.periods import open_period
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    return await open_period(deps, event, vacancy=False)


SPEC = CommandSpec(
    verb="open",
    words_key="commands.words.open",
    help_key="commands.help.does.open",
    args_key="commands.help.args.open",
    example_key="commands.help.examples.open",
    audience=Audience.SECRETARIAT,
    changes_state=True,
    handler=handle,
)
