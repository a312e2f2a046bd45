"""`/lacralo accept position LINK`: the candidate accepts with a link to their statement of
interest (Operating Principles 7.1.a); the answer says what is still missing."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import t
from bot.services import candidacies
from handlers.commands.candidacy import progress
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    member, args = event.member, event.command.args
    assert member is not None
    if not args:
        return t("nominations.usage.accept", lang)
    position = args[0].lower()
    link = args[1] if len(args) > 1 else ""
    missing = await candidacies.accept(deps.store, member, position, link, deps.clock(), by=member)
    return progress(missing, lang, position)


SPEC = CommandSpec(
    verb="accept",
    words_key="commands.words.accept",
    help_key="commands.help.does.accept",
    args_key="commands.help.args.accept",
    example_key="commands.help.examples.accept",
    audience=Audience.MEMBER,
    changes_state=True,
    handler=handle,
)
