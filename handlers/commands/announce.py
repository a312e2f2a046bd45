"""`/lacralo announce`: the Secretariat's announcements to the channel and the list, in English
and Spanish at least. On Slack the transport opens a form with a field per language before this
handler is reached; by e-mail the text comes under [en], [es], [pt], [fr] lines, and the command
runs once the sender has confirmed it with the token."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import t
from bot.services import announcements
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    if event.channel != "email":
        return t("commands.announce.on_slack", lang)
    if not (event.sections.get("en") and event.sections.get("es")):
        return t("commands.mail.announce_sections", lang)
    await announcements.announce(
        deps.store, deps.region, deps.settings, dict(event.sections), deps.clock(), event.actor
    )
    return t("commands.mail.announced", lang)


SPEC = CommandSpec(
    verb="announce",
    words_key="commands.words.announce",
    help_key="commands.help.does.announce",
    args_key="commands.help.args.announce",
    example_key="commands.help.examples.announce",
    audience=Audience.SECRETARIAT,
    changes_state=True,
    handler=handle,
)
