"""`/lacralo announce`: the Secretariat's announcements to the channel and the list. On Slack the
transport opens a form with a field per language; this handler answers everyone else."""

from __future__ import annotations

from bot.command_event import CommandEvent
from bot.deps import Deps
from bot.domain.roster import SECRETARIAT
from bot.i18n import t


def may_announce(event: CommandEvent) -> bool:
    """Only the Secretariat (chair, secretary, staff) runs administrative commands."""
    return event.member is not None and event.member.role in SECRETARIAT


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    if not may_announce(event):
        return t("commands.announce.not_secretariat", lang)
    return t("commands.announce.on_slack", lang)
