"""Nominations by message (nominate, accept, decline, withdraw) are not open in this version: the
answer says so and where to turn, rather than pretending."""

from __future__ import annotations

from bot.command_event import CommandEvent
from bot.deps import Deps
from bot.i18n import t


async def handle(deps: Deps, event: CommandEvent) -> str:
    return t("commands.not_open", event.lang(deps.settings.language))
