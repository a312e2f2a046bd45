"""`/lacralo language es`: the language the bot answers and writes to this member in.

The choice comes before the roster's `language` column until an import changes that column for
them (issue 18); their ALS's language (the one most of its representatives share) follows it.
"""

from __future__ import annotations

from bot.deps import Deps, iso
from bot.domain.commands import Audience
from bot.i18n import language_or_default, t
from bot.services import roster as roster_service
from bot.store import roster as roster_store
from bot.store.transaction import transaction
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    assert event.member is not None
    asked = event.command.args[0] if event.command.args else ""
    chosen = language_or_default(asked, "")
    if chosen not in deps.region.languages:
        return t("commands.language.which", event.lang(deps.settings.language))
    member = event.member
    async with transaction(deps.store):
        await roster_store.set_language(deps.store, member.person_id, chosen, iso(deps.clock()))
        if member.als_id is not None:
            await roster_service.refresh_als_languages(deps.store, deps.region, [member.als_id])
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
