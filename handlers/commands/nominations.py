"""`/lacralo nominations`: every nomination and its state, for the Secretariat."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import t
from bot.store import nominations as store
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    rows = await store.listing(deps.store)
    if not rows:
        return t("nominations.none", lang)
    return "\n".join(
        f"• {r['position']} {r['year']}: {r['candidate']} ({r['als_id']}) — "
        f"{t('nominations.state.' + r['state'], lang)}"
        for r in rows
    )


SPEC = CommandSpec(
    verb="nominations",
    words_key="commands.words.nominations",
    help_key="commands.help.does.nominations",
    args_key="commands.help.args.nominations",
    example_key="commands.help.examples.nominations",
    audience=Audience.SECRETARIAT,
    changes_state=False,
    handler=handle,
)
