"""`/lacralo language es`: the language the bot answers this member in."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import LANGUAGES, language_or_default, t
from bot.store import roster as roster_store
from bot.store.transaction import transaction
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    assert event.member is not None
    asked = event.command.args[0] if event.command.args else ""
    chosen = language_or_default(asked, "")
    if chosen not in LANGUAGES:
        return t("commands.language.which", event.lang(deps.settings.language))
    async with transaction(deps.store):
        await roster_store.set_language(deps.store, event.member.person_id, chosen)
    return t("commands.language.set", chosen)


SPEC = CommandSpec(
    verb="language",
    words_key="commands.words.language",
    help_key="commands.help.does.language",
    args_key="commands.help.args.language",
    example_key="commands.help.examples.language",
    audience=Audience.MEMBER,
    changes_state=True,
    handler=handle,
)
