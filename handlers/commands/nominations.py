"""`/lacralo nominations`: every nomination and its state, for the Secretariat."""

from __future__ import annotations

from bot.deps import Deps
from bot.domain.commands import Audience
from bot.i18n import t
from bot.store import nominations as store
from bot.store.nominations import LIVE, ListedNomination
from bot.texts.nominations import position_name
from handlers.commands.event import CommandEvent
from handlers.commands.spec import CommandSpec


async def handle(deps: Deps, event: CommandEvent) -> str:
    lang = event.lang(deps.settings.language)
    rows = await store.listing(deps.store)
    if not rows:
        return t("nominations.none", lang)
    return "\n".join(_line(deps, r, lang) for r in rows)


def _line(deps: Deps, row: ListedNomination, lang: str) -> str:
    """Position in the asker's language, candidate, ALS, state; the outcome once there is one."""
    line = (
        f"• {position_name(deps.region, row['position'], lang)} {row['year']}: {row['candidate']}"
        f" ({row['als_id']}) — {t('nominations.state.' + row['state'], lang)}"
    )
    if row["outcome"]:
        line += f", {t('nominations.outcome_label.' + row['outcome'], lang)}"
    if row["provisional"] and row["state"] in LIVE:
        line += f" ({t('nominations.round.provisional_short', lang)})"
    return line


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
