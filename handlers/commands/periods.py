"""What `open` and `vacancy` share: opening nominations for a position until a date (or for a
number of days), announced to the region (issue 16). A helper: it declares no command.

`open POSITION DATE|DAYS [HH:MM] [--subregion X]`: the close is 23:59 UTC of that day unless a
time is given; `--subregion` confirms the sub-region when the rotation table has no row for the
year (the bot proposes the one that continues the table's cycle)."""

from __future__ import annotations

import re

from bot.deps import Deps
from bot.domain.commands import bare
from bot.domain.nominations import closing_moment
from bot.i18n import t
from bot.services import nominations
from bot.services.nominations import until_text
from bot.texts.nominations import position_name
from handlers.commands.event import CommandEvent
from handlers.commands.position_arg import read_position

DEFAULT_DAYS = "14"
_TIME = re.compile(r"^\d{1,2}:\d{2}$")
SUBREGION_WORDS = frozenset({"subregion", "sub-region", "subregiao", "sub-regiao", "sous-region"})


async def open_period(deps: Deps, event: CommandEvent, vacancy: bool) -> str:
    lang = event.lang(deps.settings.language)
    args = event.command.args
    usage = t("nominations.usage.vacancy" if vacancy else "nominations.usage.open", lang)
    if not args:
        return usage
    named = await read_position(deps, args, lang)
    if isinstance(named, str):
        return named
    rest, subregion = _subregion(list(named.rest))
    if rest is None:
        return usage
    when = rest[0] if rest else DEFAULT_DAYS
    if len(rest) > 1 and _TIME.match(rest[1]):
        when += " " + rest[1].zfill(5)
    now = deps.clock()
    closes = closing_moment(when, now)
    if closes is None:
        return t("nominations.bad_close", lang, given=when)
    seats = await nominations.open_round(
        deps.store,
        deps.region,
        deps.settings,
        [named.code],
        closes,
        now,
        event.actor,
        vacancy=vacancy,
        subregion=subregion,
    )
    return t(
        "nominations.opened",
        lang,
        position=position_name(deps.region, named.code, lang),
        until=until_text(closes, lang),
        code=seats[0].subregion,
        subregion=deps.region.subregions[seats[0].subregion].name(lang),
    )


def _subregion(words: list[str]) -> tuple[list[str] | None, str | None]:
    """The arguments without `--subregion X`, and X (upper case); None when X is missing."""
    for at, word in enumerate(words):
        if bare(word).lstrip("-") in SUBREGION_WORDS:
            if at + 1 >= len(words):
                return None, None
            return words[:at] + words[at + 2 :], words[at + 1].upper()
    return words, None
