"""`/lacralo status`: the asker's ALS status, with the rule and facts behind it."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import render, t
from bot.services import status as status_service
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    assert event.member is not None
    if event.member.als_id is None:
        return t("commands.status.no_als", lang)
    items = await status_service.statuses(deps.store, deps.region, deps.clock())
    mine = next((i for i in items if i.als.als_id == event.member.als_id), None)
    if mine is None:
        return t("commands.status.no_als", lang)
    state = t(f"status.state.{mine.status.state.value}", lang)
    lines = [t("commands.status.headline", lang, als=mine.als.name, state=state)]
    lines += [f"• {render(r, lang)}" for r in mine.status.reasons]
    return "\n".join(lines)


SPEC = CommandSpec(
    verb="status",
    words_key="commands.words.status",
    help_key="commands.help.does.status",
    args_key="commands.help.args.status",
    example_key="commands.help.examples.status",
    audience=Audience.MEMBER,
    changes_state=False,
    handler=handle,
)
