"""`/lacralo close position`: the Secretariat closes nominations now; the outcome is announced
(2021 elections rules, nomination process 3: one valid candidate is elected by acclamation)."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import format_value, t
from bot.services import nominations
from bot.texts.nominations import position_name
from handlers.commands.event import CommandEvent
from handlers.commands.position_arg import read_position
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    if not event.command.args:
        return t("nominations.usage.close", lang)
    named = await read_position(deps, event.command.args, lang)
    if isinstance(named, str):
        return named
    closed = await nominations.close_period(
        deps.store, deps.region, deps.settings, named.code, deps.clock(), event.actor
    )
    return t(
        f"nominations.outcome.{closed.outcome.value}",
        lang,
        position=position_name(deps.region, named.code, lang),
        names=format_value(closed.names, lang),
    )


SPEC = CommandSpec(
    verb="close",
    words_key="commands.words.close",
    help_key="commands.help.does.close",
    args_key="commands.help.args.close",
    example_key="commands.help.examples.close",
    audience=Audience.SECRETARIAT,
    changes_state=True,
    handler=handle,
)
