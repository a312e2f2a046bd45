"""Routing a command to its handler; each handler is one module, named for its command."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.command_event import CommandEvent
from bot.deps import Deps
from bot.i18n import t
from handlers import (
    announce,
    language,
    meetings_query,
    nominate,
    nomination_admin,
    proxy,
    share,
    status_query,
)
from handlers import help as help_handler

Handler = Callable[[Deps, CommandEvent], Awaitable[str]]
ROUTES: dict[str, Handler] = {
    "help": help_handler.handle,
    "status": status_query.handle,
    "meetings": meetings_query.handle,
    "proxy": proxy.handle_proxy,
    "revoke": proxy.handle_revoke,
    "language": language.handle,
    "nominate": nominate.handle,
    "accept": nominate.handle,
    "declare": nominate.handle,
    "decline": nominate.handle,
    "withdraw": nominate.handle,
    "open": nomination_admin.handle,
    "vacancy": nomination_admin.handle,
    "close": nomination_admin.handle,
    "nominations": nomination_admin.handle,
    "share": share.handle,
    "announce": announce.handle,
}


async def handle(deps: Deps, event: CommandEvent) -> str:
    """The answer to a command, in the asker's language. Strangers get help, nothing else."""
    verb = event.command.verb
    if event.member is None and verb != "help":
        return t("commands.unknown_member", event.lang(deps.settings.language))
    return await ROUTES[verb](deps, event)
