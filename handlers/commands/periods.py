"""What `open` and `vacancy` share: opening a period of nominations for a position, for 14 days
unless the Secretariat says otherwise. A helper: it declares no command."""

from __future__ import annotations

from bot.deps import Deps
from bot.i18n import format_value, t
from bot.services import nominations
from handlers.commands.event import CommandEvent

DEFAULT_DAYS = 14


async def open_period(deps: Deps, event: CommandEvent, vacancy: bool) -> str:
    lang = event.lang(deps.settings.language)
    args = event.command.args
    if not args:
        return t("nominations.usage.vacancy" if vacancy else "nominations.usage.open", lang)
    position = args[0].lower()
    days = int(args[1]) if len(args) > 1 and args[1].isdigit() else DEFAULT_DAYS
    until = await nominations.open_period(
        deps.store, deps.region, position, deps.clock(), days, event.actor, vacancy=vacancy
    )
    return t("nominations.opened", lang, position=position, until=format_value(until, lang))
