"""`/lacralo share TEXT`: an ALS activity for the monthly digest (seed 001: sharing activities).

The text is kept as said and shown as text wherever it appears (bot/texts/slack_markup.py); a
member past the day's allowance (bot/domain/share_limit.py) is told when they may share again
(issue 20, point 6)."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import t
from bot.services import digests
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    assert event.member is not None
    text = " ".join(event.command.args).strip()
    if not text:
        return t("commands.share.what", lang)
    now = deps.clock()
    await digests.record_share(deps.store, event.member.person_id, event.member.als_id, text, now)
    return t("commands.share.thanks", lang)


SPEC = CommandSpec(
    verb="share",
    words_key="commands.words.share",
    help_key="commands.help.does.share",
    args_key="commands.help.args.share",
    example_key="commands.help.examples.share",
    audience=Audience.MEMBER,
    changes_state=True,
    handler=handle,
)
